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

TEST(EvaluatePoint, OtherAllocatorsAreUnsupportedForNow) {
  auto p = r3();
  p.options.allocator = Allocator::kGenetic;
  const auto r = evaluate_point(p);
  EXPECT_EQ(r.status, PointStatus::kUnsupported);
  EXPECT_NE(r.reason.find("genetic"), std::string::npos);
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
