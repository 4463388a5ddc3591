#pragma once
/// The sweep's result table (group /points of results.h5 and of every shard): columns in this
/// order: point_id, status, reason_code, one column per parameter (int64, float64, or an int32
/// code into /dims/<param> for strings), the metrics, eval_seconds, rank. README "Sweeps"
/// lists units and meanings.

#include <cstdint>
#include <string>
#include <vector>

#include "stream/evaluate/point.hpp"
#include "stream/io/h5.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace stream::sweep {

/// Status codes of the `status` column: evaluate::PointStatus, plus kInvalid for a point whose
/// filled templates are not a valid accelerator, mapping or workload.
inline constexpr std::uint8_t kStatusInvalid = 3;
/// Reason code of kInvalid rows.
inline constexpr std::uint16_t kReasonInvalidPoint = 100;

/// The nine energy-term columns, in evaluate::PointResult::energy_terms_pj order
/// (Stream's metrics.json names without "total_", with the unit).
const std::vector<std::string>& energy_term_columns();

/// An empty table with the sweep's columns.
io::Table make_table(const SweepSpec& spec);

/// Appends one row.
void append_row(io::Table& t, const SweepSpec& spec, const Point& p, const evaluate::PointResult& r,
                std::uint8_t status, int rank);

/// Writes /dims/<param> dictionaries of the string parameters under `root`.
void write_dims(const io::h5::Group& root, const SweepSpec& spec);

/// The columns that may differ between runs of the same spec (timings and placement).
bool is_timing_column(const std::string& name);

}  // namespace stream::sweep
