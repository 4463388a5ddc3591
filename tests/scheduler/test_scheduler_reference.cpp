// The scheduler against Stream's own runs: with each run's costs.csv as the cost source, the
// latency, the nine energy terms, the memory peaks and every CN's (core, start, end) must equal
// Stream's (tests/data/reference/stream2023/R*, validation/*; README.md in each folder).
#include <gtest/gtest.h>

#include <cstdio>

#include "reference_support.hpp"

namespace stream::scheduler::test {
namespace {

class Reference : public ::testing::TestWithParam<int> {};

TEST_P(Reference, CostsCsvReproducesStreamExactly) {
  const RefCase& c = ref_cases()[static_cast<std::size_t>(GetParam())];
  const auto l = load_case(c);
  const std::string d = kRef + "/" + c.dir + "/";
  const TableCostProvider provider(cost::read_cost_table(d + "costs.csv"));
  ScheduleSpec spec;
  spec.workload = &l->workload;
  spec.accelerator = &l->accelerator;
  spec.graph = &l->graph;
  spec.cn_core = l->cn_core;
  std::string why;
  ASSERT_TRUE(
      resolve_costs(provider, l->workload, l->accelerator, l->graph, l->cn_core, spec.cn_cost, why))
      << why;
  spec.options = l->options;
  const auto r = schedule(spec);
  ASSERT_TRUE(r.ok()) << r.reason;
  const auto& m = l->metrics;
  EXPECT_EQ(r.latency_cycles, expected_latency(c, m)) << c.name;
  EXPECT_DOUBLE_EQ(r.energy_pj, expected_energy(c, m)) << c.name;
  const auto& names = energy_term_names();
  for (int k = 0; k < kNumEnergyTerms; ++k) {
    EXPECT_DOUBLE_EQ(r.energy_terms_pj[static_cast<std::size_t>(k)],
                     m.at("energy_terms_pj").at(names[static_cast<std::size_t>(k)]).get<double>())
        << c.name << " " << names[static_cast<std::size_t>(k)];
  }
  // Memory peaks.
  if (m.contains("memory_peaks")) {
    for (const auto& p : m.at("memory_peaks")) {
      bool found = false;
      for (const auto& q : r.memory_peaks) {
        if (q.memory == p.at("memory").get<std::string>() &&
            q.cores.front().value == p.at("cores").at(0).get<int>()) {
          found = true;
          EXPECT_EQ(q.peak_bits, p.at("peak_bits").get<std::int64_t>())
              << c.name << " " << q.memory;
        }
      }
      EXPECT_TRUE(found) << c.name << " " << p.dump();
    }
  } else if (m.contains("peak_bits_per_top_memory_instance")) {
    for (const auto& [key, v] : m.at("peak_bits_per_top_memory_instance").items()) {
      bool found = false;
      for (const auto& q : r.memory_peaks) {
        std::string cores;
        for (auto id : q.cores) cores += (cores.empty() ? "" : ", ") + std::to_string(id.value);
        const std::string k1 = q.memory + "@cores[" + cores + "]";
        if (k1 == key) {
          found = true;
          EXPECT_EQ(q.peak_bits, v.get<std::int64_t>()) << c.name << " " << key;
        }
      }
      EXPECT_TRUE(found) << c.name << " " << key;
    }
  }
  // CN by CN.
  const auto want = read_schedule(d + "schedule.csv");
  ASSERT_EQ(want.size(), l->graph.cns.size());
  int mismatches = 0;
  std::int64_t first_t = -1;
  std::string first_msg;
  for (std::size_t i = 0; i < l->graph.cns.size(); ++i) {
    const auto& cn = l->graph.cns[i];
    const auto it = want.find({cn.layer.value, cn.index});
    ASSERT_NE(it, want.end());
    const auto& [core, start, end] = it->second;
    if (core != l->cn_core[i].value || start != r.cn_start[i] || end != r.cn_end[i]) {
      const std::int64_t tmin = std::min(start, r.cn_start[i]);
      if (first_t < 0 || tmin < first_t) {
        first_t = tmin;
        first_msg = "CN (" + std::to_string(cn.layer.value) + ", " + std::to_string(cn.index) +
                    ") starts at " + std::to_string(r.cn_start[i]) + ", Stream " +
                    std::to_string(start);
      }
      if (++mismatches <= 5) {
        ADD_FAILURE() << c.name << " CN (" << cn.layer.value << ", " << cn.index << "): core "
                      << l->cn_core[i].value << " [" << r.cn_start[i] << ", " << r.cn_end[i]
                      << ") vs Stream core " << core << " [" << start << ", " << end << ")";
      }
    }
  }
  EXPECT_EQ(mismatches, 0) << c.name << "; earliest differing CN: " << first_msg;
  std::printf("%-7s latency %12lld (Stream %12lld)  energy %.10e (Stream %.10e)  CNs %zu\n",
              c.name.c_str(), static_cast<long long>(r.latency_cycles),
              static_cast<long long>(expected_latency(c, m)), r.energy_pj, expected_energy(c, m),
              l->graph.cns.size());
}

std::string case_name(const ::testing::TestParamInfo<int>& p) {
  return ref_cases()[static_cast<std::size_t>(p.param)].name;
}

INSTANTIATE_TEST_SUITE_P(Runs, Reference, ::testing::Range(0, 7), case_name);

}  // namespace
}  // namespace stream::scheduler::test
