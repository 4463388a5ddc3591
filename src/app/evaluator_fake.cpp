// stream-hpc-fake's evaluator: a deterministic stand-in for evaluate_point, for the sweep
// engine's tests and scaling measurements. Metrics are simple functions of the generated
// hardware and the workload (so they differ between points and are identical on every run);
// the CPU work per point is STREAM_FAKE_WORK thousand iterations of integer arithmetic
// (default 0), so a test can make points cheap or costly. Points whose content hash is
// divisible by 11 are reported infeasible (memory capacity), to exercise status columns.
#include <atomic>
#include <cmath>
#include <cstdlib>

#include "evaluator.hpp"
#include "stream/common/hash.hpp"

namespace stream::app {
namespace {

std::atomic<std::uint64_t> g_sink{0};  // keeps the work loop observable

std::int64_t fake_work_iterations() {
  const char* v = std::getenv("STREAM_FAKE_WORK");
  return v ? std::atoll(v) * 1000 : 0;
}

evaluate::PointResult fake_evaluate(const evaluate::PointSpec& p) {
  static const std::int64_t work = fake_work_iterations();
  evaluate::PointResult r;
  StableHasher h;
  double macs_per_cycle = 0;
  double sram_bits = 0;
  double mac_pj = 0;
  for (const auto& c : p.accelerator->cores) {
    h.i64(c.id.value).u64(c.spec->content_hash());
    if (c.id == p.accelerator->offchip_core) continue;
    const auto units = static_cast<double>(c.spec->array.total_units());
    macs_per_cycle += units;
    if (std::isfinite(c.spec->array.unit_energy_pj)) mac_pj += c.spec->array.unit_energy_pj;
    for (const auto& l : c.spec->levels) sram_bits += static_cast<double>(l.memory.size_bits);
  }
  for (const auto& ch : p.accelerator->channels) h.f64(std::min(ch.bandwidth_bits_per_cycle, 1e30));
  h.str(p.workload->source);
  for (const auto& e : p.mapping->entries) {
    h.str(e.name);
    if (e.intra_core_tiling) {
      for (const auto& t : *e.intra_core_tiling) h.str(t.dim).i64(t.size).u64(t.all);
    }
  }
  h.u64(static_cast<std::uint64_t>(p.options.allocator)).str(p.options.priority);
  const std::uint64_t key = h.value();
  // Deterministic CPU work (the result goes to an atomic sink so it is not optimised away).
  std::uint64_t x = key;
  for (std::int64_t i = 0; i < work; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  g_sink.fetch_add(x, std::memory_order_relaxed);
  const double wl_macs = static_cast<double>(p.workload->total_macs());
  r.total_macs = p.workload->total_macs();
  r.cn_count = static_cast<std::int64_t>(p.workload->nodes.size());
  if (key % 11 == 0) {
    r.status = evaluate::PointStatus::kInfeasible;
    r.reason_code = evaluate::ReasonCode::kMemoryCapacity;
    r.reason = "fake: memory capacity";
    return r;
  }
  const double jitter = 1.0 + static_cast<double>((key >> 8) % 1000) / 4000.0;
  r.latency_cycles = static_cast<std::int64_t>(
      std::ceil(wl_macs / std::max(1.0, macs_per_cycle) * jitter * (1 + 4e6 / (sram_bits + 1))));
  r.energy_terms_pj[0] = wl_macs * (mac_pj + 0.5 * std::sqrt(sram_bits / 8192.0 + 1));
  r.energy_terms_pj[2] = wl_macs * 8.0 * 4e6 / (sram_bits + 4e6);
  for (double e : r.energy_terms_pj) r.energy_pj += e;
  r.edp_pj_cycles = r.energy_pj * static_cast<double>(r.latency_cycles);
  r.peak_onchip_bits = static_cast<std::int64_t>(sram_bits / 2);
  r.dram_traffic_bits = static_cast<std::int64_t>(wl_macs / 16);
  r.mean_core_utilization = 1.0 / jitter;
  return r;
}

}  // namespace

sweep::Evaluator make_evaluator() { return fake_evaluate; }
std::string evaluator_name() { return "fake"; }

}  // namespace stream::app
