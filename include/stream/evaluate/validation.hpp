#pragma once
/// Stream's validation against silicon (arXiv 2212.10612, section on validation): three chips
/// whose latency was measured, each modelled from its own accelerator, workload and mapping
/// files. A ValidationSpec lists the chips (sweeps/validation/chips.yaml); run_validation()
/// evaluates each with the analytical cost model and reports the latency error against the
/// measurement, next to the error Stream reported.

#include <cstdint>
#include <string>
#include <vector>

#include "stream/cost/cost_cache.hpp"
#include "stream/evaluate/point.hpp"

namespace stream::evaluate {

struct ChipSpec {
  std::string id;     ///< "depfin", "diana", "aimc_4x4": the JSON key
  std::string title;  ///< the chip, its paper and what is run on it
  std::string dir;    ///< folder with accelerator.yaml, workload.yaml, mapping.yaml (absolute)
  std::int64_t measured_latency_cycles = 0;
  std::string measured_latency_source;
  std::int64_t stream_latency_cycles = 0;  ///< what Stream's own model gave
  /// Which Stream scheduler modelled the chip (the validation branch's, by default).
  scheduler::Semantics semantics = scheduler::Semantics::kValidation2023;
};

struct ValidationSpec {
  std::string file;
  std::vector<ChipSpec> chips;
};

/// Reads a chips file (InputError naming the file, field and reason on bad input). Chip
/// folders are relative to the file.
ValidationSpec read_validation_spec(const std::string& path);

struct ChipResult {
  ChipSpec chip;
  PointResult point;                ///< the modelled design point (status, latency, energy, ...)
  double error_percent = 0;         ///< 100 * (modelled - measured) / measured
  double stream_error_percent = 0;  ///< the same for Stream's modelled latency
};

/// Evaluates every chip with the analytical cost model (sequentially, through `cache`).
std::vector<ChipResult> run_validation(const ValidationSpec& spec, cost::CostCache& cache);

}  // namespace stream::evaluate
