#pragma once
// A deterministic stand-in for evaluate_point in the sweep engine's tests: a cheap function of
// the built point only (cores, workload, channels, mapping), with every point whose hash is a
// multiple of 7 marked infeasible, so tests can compare any run with a serial evaluation
// (fake_serial_table).
#include <cmath>
#include <cstdint>

#include "stream/common/hash.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/results.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace stream::test {

inline evaluate::PointResult fake_point_result(const evaluate::PointSpec& p) {
  evaluate::PointResult r;
  double macs = 0;
  StableHasher h;
  for (const auto& c : p.accelerator->cores) {
    h.u64(c.spec->content_hash());
    if (c.id != p.accelerator->offchip_core)
      macs += static_cast<double>(c.spec->array.total_units());
  }
  h.str(p.workload->source).u64(p.accelerator->channels.size()).u64(p.mapping->entries.size());
  r.total_macs = p.workload->total_macs();
  r.latency_cycles =
      static_cast<std::int64_t>(std::ceil(static_cast<double>(r.total_macs) / macs)) +
      static_cast<std::int64_t>(h.value() % 1000);
  r.energy_pj = static_cast<double>(r.total_macs) * 0.5 + static_cast<double>(h.value() % 77);
  r.edp_pj_cycles = r.energy_pj * static_cast<double>(r.latency_cycles);
  if (h.value() % 7 == 0) r.status = evaluate::PointStatus::kInfeasible;
  return r;
}

/// The results table of every point evaluated with fake_point_result, serially, in point order.
inline io::Table fake_serial_table(const sweep::SweepSpec& spec, const sweep::PointSet& pts) {
  const sweep::PointBuilder b(spec);
  auto t = sweep::make_table(spec);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto p = pts.point(i);
    const auto r = fake_point_result(b.build(p).spec);
    sweep::append_row(t, spec, p, r, static_cast<std::uint8_t>(r.status), 0);
  }
  return t;
}

}  // namespace stream::test
