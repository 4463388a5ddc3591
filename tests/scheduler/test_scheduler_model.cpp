// The scheduler with the analytical cost model (ZigZag 2.4.5 semantics) instead of the runs'
// costs.csv. The Stream 2023 runs were costed by ZigZag 2.4.5 itself, so every cost row and
// hence the schedule must be identical. The validation cases were costed by ZigZag 2.3.8 and
// scheduled with the runtime that includes the outputs' off-loading (2.4.5's latency_total2,
// CnRuntime::kLatencyTotal2): every runtime must then match and so must the latency; some
// energies differ (2.3.8's access counting), which the test lists; energy stays within 3 %.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "reference_support.hpp"

namespace stream::scheduler::test {
namespace {

class ModelCosts : public ::testing::TestWithParam<int> {};

TEST_P(ModelCosts, AnalyticalModelAgainstReference) {
  const RefCase& c = ref_cases()[static_cast<std::size_t>(GetParam())];
  const auto l = load_case(c);
  const std::string d = kRef + "/" + c.dir + "/";
  const auto table = cost::read_cost_table(d + "costs.csv");
  cost::CostCache cache;
  const ModelCostProvider model(cache, 6,
                                l->options.semantics == Semantics::kValidation2023
                                    ? CnRuntime::kLatencyTotal2
                                    : CnRuntime::kLatencyTotal1);
  const TableCostProvider csv(table);
  ScheduleSpec spec;
  spec.workload = &l->workload;
  spec.accelerator = &l->accelerator;
  spec.graph = &l->graph;
  spec.cn_core = l->cn_core;
  spec.options = l->options;
  std::string why;
  ASSERT_TRUE(
      resolve_costs(model, l->workload, l->accelerator, l->graph, l->cn_core, spec.cn_cost, why))
      << why;
  // Compare the model's cost rows with the table's, per (layer, group, core).
  std::vector<cost::CnCost> ref_costs;
  ASSERT_TRUE(resolve_costs(csv, l->workload, l->accelerator, l->graph, l->cn_core, ref_costs, why))
      << why;
  std::map<std::tuple<int, int, int>, std::string> differing;
  int runtime_differs = 0;
  for (std::size_t i = 0; i < l->graph.cns.size(); ++i) {
    const auto& a = spec.cn_cost[i];
    const auto& b = ref_costs[i];
    const bool same =
        a.runtime_cycles == b.runtime_cycles && a.too_large == b.too_large &&
        std::abs(a.onchip_energy_pj - b.onchip_energy_pj) <= 1e-9 * std::abs(b.onchip_energy_pj) &&
        std::abs(a.offchip_energy_pj - b.offchip_energy_pj) <=
            1e-9 * std::abs(b.offchip_energy_pj) + 1e-6;
    if (a.runtime_cycles != b.runtime_cycles) ++runtime_differs;
    if (!same) {
      const auto& cn = l->graph.cns[i];
      char buf[256];
      std::snprintf(buf, sizeof buf, "runtime %lld vs %lld, on-chip %.6g vs %.6g pJ",
                    static_cast<long long>(a.runtime_cycles),
                    static_cast<long long>(b.runtime_cycles), a.onchip_energy_pj,
                    b.onchip_energy_pj);
      differing[{cn.layer.value, cn.group, l->cn_core[i].value}] = buf;
    }
  }
  const auto r = schedule(spec);
  ASSERT_TRUE(r.ok()) << r.reason;
  const auto& m = l->metrics;
  const double want_lat = static_cast<double>(expected_latency(c, m));
  const double want_e = expected_energy(c, m);
  const double dl = (static_cast<double>(r.latency_cycles) - want_lat) / want_lat;
  const double de = (r.energy_pj - want_e) / want_e;
  std::printf(
      "%-7s model: latency %10lld (%+.2f %%), energy %.6e (%+.2f %%), %zu cost rows "
      "differ from costs.csv\n",
      c.name.c_str(), static_cast<long long>(r.latency_cycles), 100 * dl, r.energy_pj, 100 * de,
      differing.size());
  for (const auto& [k, v] : differing) {
    std::printf("          layer %d group %d core %d: %s\n", std::get<0>(k), std::get<1>(k),
                std::get<2>(k), v.c_str());
  }
  // Every CN runtime equals the reference's, so the schedule's timing is Stream's exactly.
  EXPECT_EQ(runtime_differs, 0) << c.name;
  EXPECT_EQ(r.latency_cycles, expected_latency(c, m)) << c.name;
  if (differing.empty()) {
    // Same costs, same schedule.
    EXPECT_EQ(r.latency_cycles, expected_latency(c, m)) << c.name;
    EXPECT_NEAR(r.energy_pj, want_e, 1e-9 * want_e) << c.name;
  } else {
    EXPECT_FALSE(c.name[0] == 'R') << c.name << ": ZigZag 2.4.5 rows must match the model";
  }
  EXPECT_LT(std::abs(dl), 0.03) << c.name;
  EXPECT_LT(std::abs(de), 0.03) << c.name;
}

std::string case_name(const ::testing::TestParamInfo<int>& p) {
  return ref_cases()[static_cast<std::size_t>(p.param)].name;
}

INSTANTIATE_TEST_SUITE_P(Runs, ModelCosts, ::testing::Range(0, 7), case_name);

}  // namespace
}  // namespace stream::scheduler::test
