// Scheduler benchmarks: one schedule (the CN graph and the per-CN costs are built once, outside
// the timed loop) of
//  - FSRCNN with one output row per CN on the single-core TPU-like system (run R9: 4320 CNs;
//    Stream: 3.6 s),
//  - ResNet-18 with one output row per CN on the TPU-like quad core (849 CNs; Stream 0.34 s),
//  - synthetic FSRCNN-shaped graphs of 12.5k, 25k, 50k and 100k CNs (8 layers x OY rows of 64
//    columns, one row per CN) to show how the time grows with the CN count.
// Counters: CNs, and the process's peak resident memory (run one benchmark per process with
// --benchmark_filter for a clean peak).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "builders.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/evaluate/fixed_allocation.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/cost_provider.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace {

using namespace stream;

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

struct Setup {
  workload::WorkloadSpec w;
  hardware::AcceleratorSpec acc;
  mapping::MappingSpec m;
  tiler::CnGraph g;
  scheduler::ScheduleSpec spec;
};

void finish(Setup& s, const scheduler::CostProvider& provider) {
  s.g = tiler::build_cn_graph(s.w, s.m);
  s.spec.workload = &s.w;
  s.spec.accelerator = &s.acc;
  s.spec.graph = &s.g;
  s.spec.cn_core = evaluate::fixed_allocation(s.w, s.m, s.g);
  std::string why;
  if (!scheduler::resolve_costs(provider, s.w, s.acc, s.g, s.spec.cn_core, s.spec.cn_cost, why))
    throw std::runtime_error(why);
}

void run(benchmark::State& state, const Setup& s) {
  std::int64_t latency = 0;
  for (auto _ : state) {
    const auto r = scheduler::schedule(s.spec);
    if (!r.ok()) state.SkipWithError(r.reason.c_str());
    latency = r.latency_cycles;
    benchmark::DoNotOptimize(latency);
  }
  state.counters["cns"] = static_cast<double>(s.g.cn_count());
  state.counters["latency_cycles"] = static_cast<double>(latency);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_ScheduleFsrcnnOneRowR9(benchmark::State& state) {
  const std::string d =
      std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/R9_tpu_single_fsrcnn_oy/";
  Setup s;
  s.w = workload::load_workload(d + "inputs/workload/fsrcnn.onnx");
  s.acc = hardware::read_accelerator(d + "inputs/hardware/tpu_like_single_core.yaml");
  s.m = mapping::read_mapping(d + "inputs/mapping/tpu_like_single_core_oy.yaml");
  finish(s, scheduler::TableCostProvider(cost::read_cost_table(d + "costs.csv")));
  run(state, s);
}
BENCHMARK(BM_ScheduleFsrcnnOneRowR9)->Unit(benchmark::kMillisecond);

void BM_ScheduleResNet18OneRowQuadCore(benchmark::State& state) {
  const std::string src = STREAM_SOURCE_DIR;
  Setup s;
  s.w = workload::load_workload("zoo:resnet18");
  s.acc = hardware::read_accelerator(src + "/sweeps/hardware/stream2023/tpu_like_quad_core.yaml");
  s.m = mapping::read_mapping(src + "/sweeps/mapping/tpu_like_quad_core_oy.yaml");
  cost::CostCache cache;
  finish(s, scheduler::ModelCostProvider(cache));
  run(state, s);
}
BENCHMARK(BM_ScheduleResNet18OneRowQuadCore)->Unit(benchmark::kMillisecond);

void BM_ScheduleSynthetic(benchmark::State& state) {
  const std::string d =
      std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/R9_tpu_single_fsrcnn_oy/";
  Setup s;
  s.w = tiler::test::fsrcnn(state.range(0) / 8, 64);
  s.acc = hardware::read_accelerator(d + "inputs/hardware/tpu_like_single_core.yaml");
  s.m = tiler::test::mapping_with({tiler::test::loop_all("OY")});
  cost::CostCache cache;
  finish(s, scheduler::ModelCostProvider(cache));
  run(state, s);
}
BENCHMARK(BM_ScheduleSynthetic)
    ->Arg(12500)
    ->Arg(25000)
    ->Arg(50000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
