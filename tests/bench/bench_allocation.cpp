// Allocation benchmarks on ResNet-18 (ONNX) with Stream's TPU-like quad-core GA mapping (Conv
// and Gemm on any of cores 0-3: 21 genes), one output row per CN (849 CNs) or layer by layer
// (31 CNs):
//  - the greedy earliest-finish and load-balancing heuristics with per-CN costs from a table
//    (synthetic: runtime = MACs / 64, energy = MACs; the heuristics' own time, no schedule);
//  - the NSGA-II machinery (sorting, crowding, operators, dedup, memo, oneTBB dispatch) with a
//    trivial additive fitness, so that the time is the GA's overhead only, on 1 and 2 threads.
//  - with the real scheduler as fitness and the analytical costs (resolved once, outside the
//    timing): one greedy allocation plus its schedule, and the GA 16 x 16 seeded with both
//    heuristics (Stream R1/R2: 35 s / 165 s).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/problem.hpp"
#include "stream/allocation/schedule_fitness.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/cost_provider.hpp"
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

struct Scheduled {
  hardware::AcceleratorSpec acc;
  std::unique_ptr<scheduler::ModelCostProvider> provider;
  CandidateCosts costs;
  std::unique_ptr<ScheduleEvaluatorFactory> factory;
};

const Scheduled& scheduled(bool fused) {
  static std::unique_ptr<Scheduled> s[2];
  auto& x = s[fused ? 1 : 0];
  if (!x) {
    const auto& c = resnet(fused);
    x = std::make_unique<Scheduled>();
    x->acc = hardware::read_accelerator(kInputs + "/hardware/tpu_like_quad_core.yaml");
    x->provider = std::make_unique<scheduler::ModelCostProvider>(cost::CostCache::process());
    x->costs = resolve_candidate_costs(*x->provider, c.w, x->acc, c.g, c.p);
    x->factory = std::make_unique<ScheduleEvaluatorFactory>(c.w, x->acc, c.g, c.p, x->costs,
                                                            scheduler::ScheduleOptions{});
  }
  return *x;
}

void BM_GreedyScheduled(benchmark::State& state) {
  const bool fused = state.range(0) != 0;
  const auto& c = resnet(fused);
  const auto& s = scheduled(fused);
  const auto in = heuristic_inputs(s.costs, s.acc, c.g);
  auto ev = s.factory->make();
  double edp = 0;
  for (auto _ : state) {
    const auto g = greedy_earliest_finish(c.p, c.g, in);
    const auto f = ev->evaluate(g);
    edp = f.edp();
    benchmark::DoNotOptimize(edp);
  }
  state.counters["edp"] = edp;
  state.counters["cns"] = static_cast<double>(c.g.cn_count());
}
BENCHMARK(BM_GreedyScheduled)->ArgName("fused")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_GaScheduled(benchmark::State& state) {
  const bool fused = state.range(0) != 0;
  const auto& c = resnet(fused);
  const auto& s = scheduled(fused);
  const auto in = heuristic_inputs(s.costs, s.acc, c.g);
  GaOptions o;
  o.population = 16;
  o.generations = 16;
  o.threads = static_cast<int>(state.range(1));
  o.seed = 0;
  double edp = 0;
  std::int64_t evals = 0;
  for (auto _ : state) {
    o.initial = {greedy_earliest_finish(c.p, c.g, in), balance_by_cost(c.p, c.g, in)};
    const auto r = run_nsga2(c.p, *s.factory, o);
    edp = r.front[static_cast<std::size_t>(choose(r.front, Objective::kEdp))].fitness.edp();
    evals = r.evaluations;
  }
  state.counters["min_edp"] = edp;
  state.counters["schedules"] = static_cast<double>(evals);
  state.counters["cns"] = static_cast<double>(c.g.cn_count());
}
BENCHMARK(BM_GaScheduled)
    ->ArgNames({"fused", "threads"})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
