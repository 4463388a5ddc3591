// Allocation benchmarks on ResNet-18 (ONNX) with Stream's TPU-like quad-core GA mapping (Conv
// and Gemm on any of cores 0-3: 21 genes), one output row per CN (849 CNs) or layer by layer
// (31 CNs):
//  - the greedy earliest-finish and load-balancing heuristics with per-CN costs from a table
//    (synthetic: runtime = MACs / 64, energy = MACs; the heuristics' own time, no schedule);
//  - the NSGA-II machinery (sorting, crowding, operators, dedup, memo, oneTBB dispatch) with a
//    trivial additive fitness, so that the time is the GA's overhead only, on 1 and 2 threads.
// The GA with the real scheduler as fitness is measured once the scheduler is on main.
#include <benchmark/benchmark.h>

#include <string>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/problem.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace {

using namespace stream;
using namespace stream::allocation;

const std::string kInputs = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs";

struct Case {
  workload::WorkloadSpec w;
  mapping::MappingSpec m;
  tiler::CnGraph g;
  AllocationProblem p;
  std::vector<std::vector<CoreCost>> cost;  // per CN, per core id 0..5
};

const Case& resnet(bool fused) {
  static Case cases[2];
  static bool built[2] = {false, false};
  Case& c = cases[fused ? 1 : 0];
  if (!built[fused ? 1 : 0]) {
    c.w = workload::load_workload(kInputs + "/workload/resnet18.onnx");
    c.m = mapping::read_mapping(
        kInputs + "/mapping/" +
        (fused ? "tpu_like_quad_core_oy.yaml" : "tpu_like_quad_core_lbl.yaml"));
    c.g = tiler::build_cn_graph(c.w, c.m);
    c.p = build_problem(c.w, c.m, c.g);
    for (const auto& cn : c.g.cns) {
      std::int64_t macs = 1;
      for (auto s : cn.loop_sizes()) macs *= s;
      std::vector<CoreCost> row(6);
      for (int k = 0; k < 6; ++k) {
        row[static_cast<std::size_t>(k)] = {std::max<std::int64_t>(1, macs / 64),
                                            static_cast<double>(macs) * (1.0 + 0.1 * k), true};
      }
      c.cost.push_back(row);
    }
    built[fused ? 1 : 0] = true;
  }
  return c;
}

HeuristicInputs inputs(const Case& c) {
  HeuristicInputs in;
  in.cost = [&c](int cn, CoreId core) {
    return c.cost[static_cast<std::size_t>(cn)][static_cast<std::size_t>(core.value)];
  };
  in.transfer_cycles = [](std::int64_t bits, CoreId, CoreId) { return bits / 64; };
  return in;
}

void BM_Greedy(benchmark::State& state) {
  const auto& c = resnet(state.range(0) != 0);
  const auto in = inputs(c);
  for (auto _ : state) {
    auto g = greedy_earliest_finish(c.p, c.g, in);
    benchmark::DoNotOptimize(g.data());
  }
  state.counters["cns"] = static_cast<double>(c.g.cn_count());
  state.counters["genes"] = static_cast<double>(c.p.gene_count());
}
BENCHMARK(BM_Greedy)->ArgName("fused")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Balance(benchmark::State& state) {
  const auto& c = resnet(state.range(0) != 0);
  const auto in = inputs(c);
  for (auto _ : state) {
    auto g = balance_by_cost(c.p, c.g, in);
    benchmark::DoNotOptimize(g.data());
  }
  state.counters["cns"] = static_cast<double>(c.g.cn_count());
}
BENCHMARK(BM_Balance)->ArgName("fused")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// GA overhead: population x generations, threads.
void BM_Nsga2Overhead(benchmark::State& state) {
  const auto& c = resnet(true);
  FunctionEvaluatorFactory factory([](const Genome& g) {
    Fitness f;
    for (std::size_t i = 0; i < g.size(); ++i) {
      f.energy_pj += static_cast<double>((g[i] + 1) * (static_cast<int>(i % 5) + 1));
      f.latency_cycles += (4 - g[i]) * (static_cast<int>(i % 3) + 1);
    }
    return f;
  });
  GaOptions o;
  o.population = static_cast<int>(state.range(0));
  o.generations = static_cast<int>(state.range(1));
  o.threads = static_cast<int>(state.range(2));
  std::int64_t evals = 0;
  for (auto _ : state) {
    const auto r = run_nsga2(c.p, factory, o);
    evals = r.evaluations;
    benchmark::DoNotOptimize(r.front.data());
  }
  state.counters["evaluations"] = static_cast<double>(evals);
}
BENCHMARK(BM_Nsga2Overhead)
    ->ArgNames({"pop", "gen", "threads"})
    ->Args({16, 16, 1})
    ->Args({16, 16, 2})
    ->Args({64, 10, 2})
    ->Args({128, 100, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
