// Behaviour of the scheduler beyond the references: infeasible points end as results naming
// the CN and the memory, results are deterministic, options change what they should.
#include <gtest/gtest.h>

#include <algorithm>

#include "reference_support.hpp"

namespace stream::scheduler::test {
namespace {

ScheduleSpec spec_for(const Loaded& l, const RefCase& c, std::vector<cost::CnCost>& costs) {
  const TableCostProvider csv(cost::read_cost_table(kRef + "/" + c.dir + "/costs.csv"));
  std::string why;
  EXPECT_TRUE(resolve_costs(csv, l.workload, l.accelerator, l.graph, l.cn_core, costs, why));
  ScheduleSpec s;
  s.workload = &l.workload;
  s.accelerator = &l.accelerator;
  s.graph = &l.graph;
  s.cn_core = l.cn_core;
  s.cn_cost = costs;
  s.options = l.options;
  return s;
}

TEST(Scheduler, TooSmallMemoryIsAnInfeasibleResultNamingCnAndMemory) {
  const RefCase& c = ref_cases()[1];  // R4: ResNet-18, one row per CN
  auto l = load_case(c);
  // Shrink core 0's activation SRAM below one input row.
  for (auto& m : l->accelerator.top_memories) {
    if (m.name == "sram_1MB_A") m.capacity_bits = 20000;
  }
  std::vector<cost::CnCost> costs;
  const auto s = spec_for(*l, c, costs);
  const auto r = schedule(s);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, ScheduleStatus::kMemoryCapacity);
  EXPECT_NE(r.reason.find("sram_1MB_A"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("CN (layer"), std::string::npos) << r.reason;
}

TEST(Scheduler, DeterministicAndTraceConsistent) {
  const RefCase& c = ref_cases()[3];  // R9: FSRCNN, 4320 CNs
  const auto l = load_case(c);
  std::vector<cost::CnCost> costs;
  auto s = spec_for(*l, c, costs);
  s.options.record_trace = true;
  const auto a = schedule(s);
  const auto b = schedule(s);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.latency_cycles, b.latency_cycles);
  EXPECT_EQ(a.cn_start, b.cn_start);
  EXPECT_EQ(a.energy_terms_pj, b.energy_terms_pj);
  // Every transfer event lies within the latency; the latency is a CN or transfer end.
  std::int64_t last = 0;
  for (const auto& t : a.trace.transfers) {
    EXPECT_LE(t.start, t.end);
    last = std::max(last, t.end);
  }
  for (auto e : a.cn_end) last = std::max(last, e);
  EXPECT_EQ(last, a.latency_cycles);
  EXPECT_EQ(static_cast<std::int64_t>(a.trace.transfers.size()), a.transfer_count);
  // One core runs every CN: its busy time is the sum of the runtimes.
  std::int64_t busy = 0;
  for (const auto& u : a.cores) busy += u.busy_cycles;
  std::int64_t sum = 0;
  for (const auto& k : costs) sum += k.runtime_cycles;
  EXPECT_EQ(busy, sum);
  // The memory curves end where every tensor has been released or written back.
  ASSERT_EQ(a.trace.memory_curves.size(), l->accelerator.top_memories.size());
}

TEST(Scheduler, LatencyPriorityDiffersFromMemoryPriorityButKeepsTheWork) {
  const RefCase& c = ref_cases()[3];
  const auto l = load_case(c);
  std::vector<cost::CnCost> costs;
  auto s = spec_for(*l, c, costs);
  const auto mem = schedule(s);
  s.options.priority = Priority::kLatency;
  const auto lat = schedule(s);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(lat.ok()) << lat.reason;
  EXPECT_DOUBLE_EQ(mem.energy_terms_pj[kCnOnchip], lat.energy_terms_pj[kCnOnchip]);
  EXPECT_NE(mem.cn_start, lat.cn_start);
}

TEST(Scheduler, LayerStacksOfResNet18SingleCore) {
  // stream-model.md §6: the stacks of ResNet-18 on the single-core TPU-like system.
  const RefCase& c = ref_cases()[0];
  const auto l = load_case(c);
  const auto st = layer_stacks(l->workload, l->accelerator, l->graph, l->cn_core);
  std::vector<std::vector<int>> stacks;
  for (int li : l->graph.layer_order) {
    const int k = st[static_cast<std::size_t>(li)];
    if (k < 0) continue;
    if (stacks.size() <= static_cast<std::size_t>(k))
      stacks.resize(static_cast<std::size_t>(k) + 1);
    stacks[static_cast<std::size_t>(k)].push_back(
        l->workload.layers[static_cast<std::size_t>(li)].id.value);
  }
  for (auto& v : stacks) std::sort(v.begin(), v.end());  // membership; order is the walk's
  const std::vector<std::vector<int>> want = {
      {0, 2, 3, 5, 6, 8, 10, 11, 13, 15, 16, 17, 19, 21, 22, 24, 27},
      {26, 28},
      {30},
      {32, 33},
      {35},
      {38},
      {37},
      {39},
      {41},
      {43},
      {44, 46, 48}};
  EXPECT_EQ(stacks, want);
}

}  // namespace
}  // namespace stream::scheduler::test
