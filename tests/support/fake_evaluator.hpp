#pragma once
// A deterministic stand-in for evaluate_point in the sweep engine's tests: a cheap function of
// the built point only (cores, workload, channels, mapping), with every point whose hash is a
// multiple of 7 marked infeasible, so tests can compare any run with a serial evaluation.
#include <cmath>
#include <cstdint>

#include "stream/common/hash.hpp"
#include "stream/evaluate/point.hpp"

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

}  // namespace stream::test
