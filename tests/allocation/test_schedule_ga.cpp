// The GA and the heuristics with the real scheduler as fitness: ResNet-18 on Stream's TPU-like
// quad core (Conv/Gemm on any of cores 0-3), analytical costs (ZigZag 2.4.5 semantics).

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/mapping_out.hpp"
#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/schedule_fitness.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/cost_provider.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace stream::allocation {
namespace {

const std::string kInputs = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs";

struct Setup {
  workload::WorkloadSpec w;
  hardware::AcceleratorSpec acc;
  mapping::MappingSpec m;
  tiler::CnGraph g;
  AllocationProblem p;
  std::unique_ptr<scheduler::ModelCostProvider> provider;
  CandidateCosts costs;
  std::unique_ptr<ScheduleEvaluatorFactory> factory;
};

const Setup& quad(bool fused) {
  static std::map<bool, std::unique_ptr<Setup>> cache;
  auto& s = cache[fused];
  if (!s) {
    s = std::make_unique<Setup>();
    s->w = workload::load_workload(kInputs + "/workload/resnet18.onnx");
    s->acc = hardware::read_accelerator(kInputs + "/hardware/tpu_like_quad_core.yaml");
    s->m = mapping::read_mapping(
        kInputs + "/mapping/" +
        (fused ? "tpu_like_quad_core_oy.yaml" : "tpu_like_quad_core_lbl.yaml"));
    s->g = tiler::build_cn_graph(s->w, s->m);
    s->p = build_problem(s->w, s->m, s->g);
    s->provider = std::make_unique<scheduler::ModelCostProvider>(cost::CostCache::process());
    s->costs = resolve_candidate_costs(*s->provider, s->w, s->acc, s->g, s->p);
    scheduler::ScheduleOptions o;  // memory priority, no prefetch: the GA runs' settings
    s->factory = std::make_unique<ScheduleEvaluatorFactory>(s->w, s->acc, s->g, s->p, s->costs, o);
  }
  return *s;
}

void print_front(const char* what, const GaResult& r) {
  std::printf("%s: %lld schedules, front of %zu\n", what, static_cast<long long>(r.evaluations),
              r.front.size());
  for (const auto& fp : r.front) {
    std::printf("  latency %lld cycles, energy %.6e pJ, EDP %.4e\n",
                static_cast<long long>(fp.fitness.latency_cycles), fp.fitness.energy_pj,
                fp.fitness.edp());
  }
}

TEST(ScheduleGa, ResNet18LayerByLayerBeatsStreamsGa) {
  const auto& s = quad(false);
  GaOptions o;
  o.population = 16;
  o.generations = 16;
  o.seed = 0;
  o.threads = 2;
  const auto in = heuristic_inputs(s.costs, s.acc, s.g);
  o.initial = {greedy_earliest_finish(s.p, s.g, in), balance_by_cost(s.p, s.g, in)};
  const auto r = run_nsga2(s.p, *s.factory, o);
  print_front("ResNet-18 LBL, quad core, GA 16x16 seed 0", r);
  ASSERT_FALSE(r.front.empty()) << r.infeasible_reason;
  const auto& best = r.front[static_cast<std::size_t>(choose(r.front, Objective::kEdp))];
  // Stream 5e094e6c, GA 16 x 16, seed 0: min-EDP front member "about 8.8e15" pJ*cycles (two
  // digits: below 8.85e15). Measured here: 8.834e15 (seeds 0-15: 8.812e15-8.856e15, mean
  // 8.830e15); the best allocation a 64 x 40 run finds is 8.8117e15.
  EXPECT_LT(best.fitness.edp(), 8.85e15);
  // Scheduling the chosen genome again gives the same numbers, bit for bit.
  const auto again = s.factory->schedule(best.genome, s.factory->options());
  ASSERT_TRUE(again.costs_ok && again.result.ok());
  EXPECT_EQ(again.result.latency_cycles, best.fitness.latency_cycles);
  EXPECT_EQ(again.result.energy_pj, best.fitness.energy_pj);
  // One thread: the identical front.
  o.threads = 1;
  const auto r1 = run_nsga2(s.p, *s.factory, o);
  ASSERT_EQ(r1.front.size(), r.front.size());
  for (std::size_t i = 0; i < r.front.size(); ++i) {
    EXPECT_EQ(r1.front[i].genome, r.front[i].genome);
    EXPECT_EQ(r1.front[i].fitness.energy_pj, r.front[i].fitness.energy_pj);
    EXPECT_EQ(r1.front[i].fitness.latency_cycles, r.front[i].fitness.latency_cycles);
  }
}

TEST(ScheduleGa, HeuristicsGiveFeasibleSchedules) {
  for (bool fused : {false, true}) {
    const auto& s = quad(fused);
    const auto in = heuristic_inputs(s.costs, s.acc, s.g);
    const auto r = evaluate_candidates(
        s.p, *s.factory, {greedy_earliest_finish(s.p, s.g, in), balance_by_cost(s.p, s.g, in)}, 2);
    EXPECT_EQ(r.evaluations, static_cast<std::int64_t>(r.population.size()));
    for (const auto& fp : r.population) {
      EXPECT_TRUE(fp.fitness.feasible) << fp.fitness.reason;
      std::printf("%s heuristic: latency %lld, energy %.6e, EDP %.4e\n", fused ? "fused" : "lbl",
                  static_cast<long long>(fp.fitness.latency_cycles), fp.fitness.energy_pj,
                  fp.fitness.edp());
    }
  }
}

TEST(ScheduleGa, WrittenMappingReproducesTheChosenPoint) {
  const auto& s = quad(false);
  GaOptions o;
  o.population = 8;
  o.generations = 4;
  o.seed = 3;
  const auto r = run_nsga2(s.p, *s.factory, o);
  ASSERT_FALSE(r.front.empty());
  const auto& best = r.front[static_cast<std::size_t>(choose(r.front, Objective::kEdp))];
  const auto fixed = mapping::parse_mapping(mapping_yaml(fixed_mapping(s.w, s.m, s.p, best.genome)),
                                            "written.yaml");
  const auto g2 = tiler::build_cn_graph(s.w, fixed);
  const auto p2 = build_problem(s.w, fixed, g2);
  ASSERT_FALSE(p2.flexible());
  const auto c2 = resolve_candidate_costs(*s.provider, s.w, s.acc, g2, p2);
  ScheduleEvaluatorFactory f2(s.w, s.acc, g2, p2, c2, s.factory->options());
  const auto out = f2.schedule(Genome{}, f2.options());
  ASSERT_TRUE(out.costs_ok && out.result.ok());
  EXPECT_EQ(out.result.latency_cycles, best.fitness.latency_cycles);
  EXPECT_EQ(out.result.energy_pj, best.fitness.energy_pj);
}

}  // namespace
}  // namespace stream::allocation
