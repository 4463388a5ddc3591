// evaluate_point(): the whole pipeline for one design point with the fixed allocation.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "stream/common/error.hpp"
#include "stream/cost/cn_cost.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/load.hpp"

namespace stream::evaluate {
namespace {

const std::string kR3 =
    std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/R3_tpu_single_resnet18_lbl/";

PointSpec r3() {
  PointSpec p;
  p.workload = std::make_shared<const workload::WorkloadSpec>(
      workload::load_workload(kR3 + "inputs/workload/resnet18.onnx"));
  p.accelerator = std::make_shared<const hardware::AcceleratorSpec>(
      hardware::read_accelerator(kR3 + "inputs/hardware/tpu_like_single_core.yaml"));
  p.mapping = std::make_shared<const mapping::MappingSpec>(
      mapping::read_mapping(kR3 + "inputs/mapping/tpu_like_single_core_lbl.yaml"));
  return p;
}

nlohmann::json metrics() {
  std::ifstream in(kR3 + "metrics.json");
  return nlohmann::json::parse(in);
}

TEST(EvaluatePoint, CostTableReproducesR3) {
  auto p = r3();
  p.cost_table = std::make_shared<const cost::CostTable>(cost::read_cost_table(kR3 + "costs.csv"));
  p.cost_table_file = kR3 + "costs.csv";
  const auto r = evaluate_point(p);
  ASSERT_EQ(r.status, PointStatus::kOk) << r.reason;
  const auto m = metrics();
  EXPECT_EQ(r.latency_cycles, m["latency_cycles"].get<std::int64_t>());
  EXPECT_DOUBLE_EQ(r.energy_pj, m["energy_pj"].get<double>());
  for (int k = 0; k < kNumEnergyTerms; ++k) {
    const auto* name = energy_term_names()[static_cast<std::size_t>(k)];
    EXPECT_DOUBLE_EQ(r.energy_terms_pj[static_cast<std::size_t>(k)],
                     m["energy_terms_pj"][name].get<double>())
        << name;
  }
  EXPECT_EQ(r.cn_count, 31);
  EXPECT_EQ(r.edge_count, 38);
  EXPECT_EQ(r.peak_dram_bits, 101384192);
  EXPECT_EQ(r.peak_onchip_bits, 8388608);
  EXPECT_DOUBLE_EQ(r.edp_pj_cycles, r.energy_pj * static_cast<double>(r.latency_cycles));
  EXPECT_GT(r.mean_core_utilization, 0);
  EXPECT_LE(r.mean_core_utilization, 1);
  EXPECT_EQ(r.schedules_evaluated, 1);
}

TEST(EvaluatePoint, AnalyticalModelGivesTheSameR3AndSharesTheCache) {
  auto p = r3();
  cost::CostCache cache;
  const auto a = evaluate_point(p, cache);
  ASSERT_EQ(a.status, PointStatus::kOk) << a.reason;
  EXPECT_EQ(a.latency_cycles, metrics()["latency_cycles"].get<std::int64_t>());
  const auto misses = cache.misses();
  EXPECT_GT(misses, 0);
  const auto b = evaluate_point(p, cache);
  EXPECT_EQ(cache.misses(), misses);  // nothing re-costed
  EXPECT_EQ(a.latency_cycles, b.latency_cycles);
  EXPECT_EQ(a.energy_pj, b.energy_pj);
}

TEST(EvaluatePoint, GraphIsReusedForTheSameWorkloadAndMapping) {
  auto p = r3();
  p.options.keep_schedule = true;
  cost::CostCache cache;
  const auto a = evaluate_point(p, cache);
  const auto b = evaluate_point(p, cache);
  ASSERT_TRUE(a.graph && b.graph);
  EXPECT_EQ(a.graph.get(), b.graph.get());
  ASSERT_TRUE(a.schedule);
  EXPECT_EQ(a.schedule->cn_end.size(), 31u);
}

TEST(EvaluatePoint, AllocatorsOnAFixedMappingScheduleItOnce) {
  // The single-core mapping has no flexible layer: every allocator gives the fixed result.
  auto p = r3();
  const auto fixed = evaluate_point(p);
  for (auto a : {Allocator::kGenetic, Allocator::kGreedy, Allocator::kBalanced}) {
    p.options.allocator = a;
    const auto r = evaluate_point(p);
    ASSERT_EQ(r.status, PointStatus::kOk) << r.reason;
    EXPECT_EQ(r.latency_cycles, fixed.latency_cycles);
    EXPECT_EQ(r.energy_pj, fixed.energy_pj);
    EXPECT_TRUE(r.allocation_genes.empty());
    ASSERT_EQ(r.front.size(), 1u);
    EXPECT_EQ(r.chosen, 0);
  }
}

TEST(EvaluatePoint, TooSmallMemoryIsInfeasibleNotAnException) {
  auto p = r3();
  auto acc = std::make_shared<hardware::AcceleratorSpec>(*p.accelerator);
  for (auto& m : acc->top_memories)
    if (m.name == "sram_1MB_A") m.capacity_bits = 100000;
  p.accelerator = acc;
  p.cost_table = std::make_shared<const cost::CostTable>(cost::read_cost_table(kR3 + "costs.csv"));
  const auto r = evaluate_point(p);
  EXPECT_EQ(r.status, PointStatus::kInfeasible);
  EXPECT_EQ(r.reason_code, ReasonCode::kMemoryCapacity);
  EXPECT_NE(r.reason.find("sram_1MB_A"), std::string::npos) << r.reason;
}

TEST(EvaluatePoint, BadPriorityAndMissingCostRowsAreInputErrors) {
  auto p = r3();
  p.options.priority = "fastest";
  EXPECT_THROW(evaluate_point(p), InputError);
  p.options.priority = "";
  cost::CostTable empty;
  p.cost_table = std::make_shared<const cost::CostTable>(empty);
  p.cost_table_file = "empty.csv";
  EXPECT_THROW(evaluate_point(p), InputError);
}

}  // namespace
}  // namespace stream::evaluate

namespace stream::evaluate {
namespace {

PointSpec quad(const std::string& mapping_file) {
  const std::string in = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs/";
  PointSpec p;
  p.workload = std::make_shared<const workload::WorkloadSpec>(
      workload::load_workload(in + "workload/resnet18.onnx"));
  p.accelerator = std::make_shared<const hardware::AcceleratorSpec>(
      hardware::read_accelerator(in + "hardware/tpu_like_quad_core.yaml"));
  p.mapping = std::make_shared<const mapping::MappingSpec>(
      mapping::read_mapping(in + "mapping/" + mapping_file));
  return p;
}

TEST(EvaluatePoint, GeneticAllocationOfTheQuadCoreAndItsMappingFile) {
  auto p = quad("tpu_like_quad_core_lbl.yaml");
  p.options.allocator = Allocator::kGenetic;
  p.options.ga_population = 16;
  p.options.ga_generations = 16;
  p.options.keep_allocation_mapping = true;
  const auto r = evaluate_point(p);
  ASSERT_EQ(r.status, PointStatus::kOk) << r.reason;
  EXPECT_EQ(r.allocation_genes.size(), 21u);
  ASSERT_FALSE(r.front.empty());
  ASSERT_GE(r.chosen, 0);
  const auto& best = r.front[static_cast<std::size_t>(r.chosen)];
  EXPECT_EQ(r.latency_cycles, best.latency_cycles);
  EXPECT_EQ(r.energy_pj, best.energy_pj);
  for (const auto& f : r.front) EXPECT_GE(f.edp_pj_cycles, best.edp_pj_cycles);
  EXPECT_GT(r.schedules_evaluated, 16);
  EXPECT_LT(r.edp_pj_cycles, 8.85e15);  // Stream's GA 16 x 16: about 8.8e15
  // The written mapping, evaluated with the fixed allocation, gives the same point.
  auto f = p;
  f.options = PointOptions{};
  f.mapping = std::make_shared<const mapping::MappingSpec>(
      mapping::parse_mapping(r.allocation_mapping_yaml, "chosen.yaml"));
  const auto fixed = evaluate_point(f);
  ASSERT_EQ(fixed.status, PointStatus::kOk) << fixed.reason;
  EXPECT_EQ(fixed.latency_cycles, r.latency_cycles);
  EXPECT_EQ(fixed.energy_pj, r.energy_pj);
  EXPECT_EQ(fixed.energy_terms_pj, r.energy_terms_pj);
  // Objectives pick other front members.
  p.options.objective = Objective::kLatency;
  const auto lat = evaluate_point(p);
  EXPECT_EQ(lat.latency_cycles, lat.front.front().latency_cycles);
  EXPECT_EQ(lat.front.size(), r.front.size());
  p.options.objective = Objective::kEnergy;
  const auto en = evaluate_point(p);
  EXPECT_EQ(en.energy_pj, en.front.back().energy_pj);
}

TEST(EvaluatePoint, HeuristicAllocatorsScheduleOnce) {
  for (auto a : {Allocator::kGreedy, Allocator::kBalanced}) {
    auto p = quad("tpu_like_quad_core_oy.yaml");
    p.options.allocator = a;
    const auto r = evaluate_point(p);
    ASSERT_EQ(r.status, PointStatus::kOk) << r.reason;
    EXPECT_EQ(r.cn_count, 849);
    EXPECT_EQ(r.front.size(), 1u);
    EXPECT_EQ(r.schedules_evaluated, 2);  // the heuristic's allocation, then the full result
  }
}

}  // namespace
}  // namespace stream::evaluate
