// The allocation problem built from real inputs (ResNet-18 on Stream's TPU-like quad core, the
// GA runs' mappings) and the heuristics on that graph with synthetic per-core costs.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/mapping_out.hpp"
#include "stream/allocation/problem.hpp"
#include "stream/common/error.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace stream::allocation {
namespace {

const std::string kInputs = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs";

struct Case {
  workload::WorkloadSpec w;
  mapping::MappingSpec m;
  tiler::CnGraph g;
};

const Case& resnet(const std::string& mapping_file) {
  static std::map<std::string, Case> cache;
  auto it = cache.find(mapping_file);
  if (it == cache.end()) {
    Case c;
    c.w = workload::load_workload(kInputs + "/workload/resnet18.onnx");
    c.m = mapping::read_mapping(kInputs + "/mapping/" + mapping_file);
    c.g = tiler::build_cn_graph(c.w, c.m);
    it = cache.emplace(mapping_file, std::move(c)).first;
  }
  return it->second;
}

void expect_resnet_problem(const Case& c, std::size_t cns) {
  const auto p = build_problem(c.w, c.m, c.g);
  ASSERT_EQ(c.g.cns.size(), cns);
  // 20 convolutions and the Gemm may go to any of cores 0-3; pools (core 4) and adds (core 5)
  // are fixed. One group per layer: OY rows do not split the weights.
  ASSERT_EQ(p.gene_count(), 21u);
  EXPECT_DOUBLE_EQ(p.log2_space_size(), 42.0);
  LayerId prev(-1);
  for (const auto& g : p.genes) {
    EXPECT_LT(prev, g.layer);  // ascending (layer id, group)
    prev = g.layer;
    const auto& op = c.w.layers[static_cast<std::size_t>(g.layer_index)].operator_type;
    EXPECT_TRUE(op == "Conv" || op == "Gemm") << op;
    EXPECT_EQ(g.allowed, (std::vector<CoreId>{CoreId(0), CoreId(1), CoreId(2), CoreId(3)}));
    EXPECT_EQ(g.cns, c.g.layer_cns[static_cast<std::size_t>(g.layer_index)]);
  }
  std::size_t fixed = 0;
  for (std::size_t i = 0; i < c.g.cns.size(); ++i) {
    if (p.cn_gene[i] >= 0) continue;
    ++fixed;
    const auto& op = c.w.layers[static_cast<std::size_t>(c.g.cns[i].layer_index)].operator_type;
    EXPECT_EQ(p.fixed_core[i], op == "Add" ? CoreId(5) : CoreId(4)) << op;
  }
  EXPECT_GT(fixed, 0u);
  // Genome <-> per-CN cores round trip.
  Genome g(p.gene_count());
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = static_cast<int>(i % 4);
  ASSERT_TRUE(p.valid(g));
  const auto cores = p.cn_cores(g);
  Genome back;
  ASSERT_TRUE(p.genome_of(cores, back));
  EXPECT_EQ(back, g);
  auto bad = cores;
  bad[static_cast<std::size_t>(p.genes[0].cns[0])] = CoreId(4);  // not allowed
  EXPECT_FALSE(p.genome_of(bad, back));
  EXPECT_FALSE(p.valid(Genome(p.gene_count(), 4)));
}

TEST(Problem, ResNet18QuadCoreLayerByLayer) {
  expect_resnet_problem(resnet("tpu_like_quad_core_lbl.yaml"), 31);
}

TEST(Problem, ResNet18QuadCoreOneRowFused) {
  expect_resnet_problem(resnet("tpu_like_quad_core_oy.yaml"), 849);
}

TEST(Problem, SingleCoreMappingHasNoGenes) {
  const auto w = workload::load_workload(kInputs + "/workload/resnet18.onnx");
  const auto m = mapping::read_mapping(kInputs + "/mapping/tpu_like_single_core_lbl.yaml");
  const auto g = tiler::build_cn_graph(w, m);
  const auto p = build_problem(w, m, g);
  EXPECT_FALSE(p.flexible());
  EXPECT_TRUE(p.valid(Genome{}));
  for (auto core : p.cn_cores(Genome{})) EXPECT_TRUE(core.valid());
}

TEST(Problem, MissingEntryNamesTheMappingFile) {
  const auto& c = resnet("tpu_like_quad_core_lbl.yaml");
  auto m = c.m;
  m.file = "only_conv.yaml";
  m.entries.erase(std::remove_if(m.entries.begin(), m.entries.end(),
                                 [](const auto& e) { return e.name != "Conv"; }),
                  m.entries.end());
  try {
    build_problem(c.w, m, c.g);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "only_conv.yaml");
    EXPECT_NE(std::string(e.what()).find("no entry for layer"), std::string::npos);
  }
}

// Synthetic costs: runtime = MACs / speed of the core, energy = MACs * energy per MAC.
HeuristicInputs mac_costs(const Case& c, std::map<int, std::int64_t> speed,
                          std::map<int, double> pj_per_mac, std::int64_t transfer = 0) {
  HeuristicInputs in;
  in.cost = [&c, speed, pj_per_mac](int cn, CoreId core) {
    const auto& l =
        c.w.layers[static_cast<std::size_t>(c.g.cns[static_cast<std::size_t>(cn)].layer_index)];
    std::int64_t macs = 1;
    for (auto s : c.g.cns[static_cast<std::size_t>(cn)].loop_sizes()) macs *= s;
    (void)l;
    CoreCost cc;
    const auto sp = speed.count(core.value) ? speed.at(core.value) : 1;
    cc.runtime_cycles = std::max<std::int64_t>(1, macs / sp);
    cc.energy_pj = static_cast<double>(macs) *
                   (pj_per_mac.count(core.value) ? pj_per_mac.at(core.value) : 1.0);
    return cc;
  };
  if (transfer > 0) {
    in.transfer_cycles = [transfer](std::int64_t, CoreId, CoreId) { return transfer; };
  }
  return in;
}

TEST(Heuristics, GreedyFollowsItsProducersWhenTransfersAreExpensive) {
  // Core 2 is twice as fast and transfers cost 2^40 cycles: the first convolution goes to core
  // 2 and every convolution fed by a convolution stays on its producer's core. (A downsample
  // convolution reads the block input from the Add core 5 and may start beside the block's
  // first convolution on another core.)
  for (const char* file : {"tpu_like_quad_core_lbl.yaml", "tpu_like_quad_core_oy.yaml"}) {
    const auto& c = resnet(file);
    const auto p = build_problem(c.w, c.m, c.g);
    const auto in = mac_costs(c, {{0, 64}, {1, 64}, {2, 128}, {3, 64}, {4, 64}, {5, 64}}, {},
                              std::int64_t{1} << 40);
    const auto g = greedy_earliest_finish(p, c.g, in);
    ASSERT_TRUE(p.valid(g)) << file;
    EXPECT_EQ(g[0], 2) << file;
    int followers = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const auto cn = static_cast<std::size_t>(p.genes[i].cns.front());
      for (int e = c.g.pred_offsets[cn]; e < c.g.pred_offsets[cn + 1]; ++e) {
        const int src =
            c.g.edges[static_cast<std::size_t>(c.g.pred_edges[static_cast<std::size_t>(e)])].src;
        const int pg = p.cn_gene[static_cast<std::size_t>(src)];
        if (pg < 0 || pg == static_cast<int>(i)) continue;
        EXPECT_EQ(g[i], g[static_cast<std::size_t>(pg)]) << file << " gene " << i;
        ++followers;
      }
    }
    EXPECT_GE(followers, 8) << file;  // the second convolution of each basic block at least
  }
}

TEST(Heuristics, GreedyUsesParallelCoresForIndependentBranches) {
  // Free transfers and identical cores: a downsample convolution runs beside its block's
  // convolutions, so the greedy allocation uses more than one core; ties go to lower energy.
  const auto& c = resnet("tpu_like_quad_core_lbl.yaml");
  const auto p = build_problem(c.w, c.m, c.g);
  const auto g =
      greedy_earliest_finish(p, c.g, mac_costs(c, {}, {{0, 2.0}, {1, 1.0}, {2, 3.0}, {3, 4.0}}));
  ASSERT_TRUE(p.valid(g));
  const std::set<int> used(g.begin(), g.end());
  EXPECT_GE(used.size(), 2u);
  // The first convolution has nothing to wait for: equal finish on all cores, core 1 is cheapest.
  EXPECT_EQ(g[0], 1);
}

TEST(Heuristics, GreedyAvoidsCoresThatCannotRunALayer) {
  const auto& c = resnet("tpu_like_quad_core_lbl.yaml");
  const auto p = build_problem(c.w, c.m, c.g);
  auto in = mac_costs(c, {{0, 1000}}, {});
  auto base = in.cost;
  in.cost = [base](int cn, CoreId core) {
    auto cc = base(cn, core);
    if (core == CoreId(0)) cc.ok = false;  // the fastest core cannot run anything
    return cc;
  };
  const auto g = greedy_earliest_finish(p, c.g, in);
  for (auto v : g) EXPECT_NE(v, 0);
  const auto b = balance_by_cost(p, c.g, in);
  for (auto v : b) EXPECT_NE(v, 0);
}

TEST(Heuristics, BalanceByCostSpreadsWorkWithinTheLargestJob) {
  for (const char* file : {"tpu_like_quad_core_lbl.yaml", "tpu_like_quad_core_oy.yaml"}) {
    const auto& c = resnet(file);
    const auto p = build_problem(c.w, c.m, c.g);
    const auto in = mac_costs(c, {}, {});
    const auto g = balance_by_cost(p, c.g, in);
    ASSERT_TRUE(p.valid(g));
    std::map<int, std::int64_t> load;
    std::int64_t largest = 0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      std::int64_t work = 0;
      for (int cn : p.genes[i].cns) work += in.cost(cn, CoreId(g[i])).runtime_cycles;
      load[g[i]] += work;
      largest = std::max(largest, work);
    }
    ASSERT_EQ(load.size(), 4u) << file;
    std::int64_t lo = load.begin()->second, hi = lo;
    for (const auto& [core, l] : load) {
      lo = std::min(lo, l);
      hi = std::max(hi, l);
    }
    // List scheduling in LPT order: no core ends more than one job above the least loaded.
    EXPECT_LE(hi - lo, largest) << file;
  }
}

}  // namespace
}  // namespace stream::allocation

namespace stream::allocation {
namespace {

void expect_round_trip(const Case& c, const mapping::MappingSpec& base, std::uint64_t salt) {
  const auto graph = tiler::build_cn_graph(c.w, base);
  const auto p = build_problem(c.w, base, graph);
  ASSERT_TRUE(p.flexible());
  Genome g(p.gene_count());
  for (std::size_t i = 0; i < g.size(); ++i) {
    g[i] = p.genes[i].allowed[(i * 7 + salt) % p.genes[i].allowed.size()].value;
  }
  const std::string text = mapping_yaml(fixed_mapping(c.w, base, p, g));
  const auto fixed = mapping::parse_mapping(text, "written.yaml");
  const auto graph2 = tiler::build_cn_graph(c.w, fixed);
  ASSERT_EQ(graph2.cns.size(), graph.cns.size());
  for (std::size_t i = 0; i < graph.cns.size(); ++i) {
    ASSERT_EQ(graph2.cns[i].layer, graph.cns[i].layer);
    ASSERT_EQ(graph2.cns[i].group, graph.cns[i].group);
    ASSERT_EQ(graph2.cns[i].loop_ranges, graph.cns[i].loop_ranges);
  }
  const auto p2 = build_problem(c.w, fixed, graph2);
  EXPECT_FALSE(p2.flexible());
  EXPECT_EQ(p2.cn_cores(Genome{}), p.cn_cores(g));
  EXPECT_EQ(fixed.has_scheduler, base.has_scheduler);
  EXPECT_EQ(fixed.scheduler.priority, base.scheduler.priority);
  // Written again, the fixed mapping gives the same text.
  EXPECT_EQ(mapping_yaml(fixed_mapping(c.w, fixed, p2, Genome{})), text);
}

TEST(MappingOut, FixedMappingReproducesTheAllocation) {
  for (const char* file : {"tpu_like_quad_core_lbl.yaml", "tpu_like_quad_core_oy.yaml"}) {
    const auto& c = resnet(file);
    expect_round_trip(c, c.m, 1);
    expect_round_trip(c, c.m, 2);
  }
}

TEST(MappingOut, GroupsOnDifferentCoresUseCoreAllocationIsFixed) {
  // Convolutions split in two K groups: one gene per (layer, group).
  const auto& c = resnet("tpu_like_quad_core_lbl.yaml");
  auto m = c.m;
  for (auto& e : m.entries) {
    if (e.name == "Conv") e.inter_core_tiling = {mapping::TilingLoop{"K", 2, false, false}};
  }
  const auto graph = tiler::build_cn_graph(c.w, m);
  const auto p = build_problem(c.w, m, graph);
  EXPECT_EQ(p.gene_count(), 41u);  // 20 convolutions x 2 groups + the Gemm
  expect_round_trip(c, m, 3);
  Genome g(p.gene_count(), 1);
  g[1] = 3;  // the first convolution's group 1
  const auto text = mapping_yaml(fixed_mapping(c.w, m, p, g));
  EXPECT_NE(text.find("core_allocation: [1, 3]\n    core_allocation_is_fixed: true"),
            std::string::npos)
      << text;
}

TEST(MappingOut, AmbiguousNamesAreRefused) {
  const auto& c = resnet("tpu_like_quad_core_lbl.yaml");
  auto w = c.w;
  const auto p = build_problem(w, c.m, c.g);
  w.layers[static_cast<std::size_t>(p.genes[0].layer_index)].name = "Add";  // an operator type
  EXPECT_THROW(fixed_mapping(w, c.m, p, Genome(p.gene_count(), 0)), InputError);
}

}  // namespace
}  // namespace stream::allocation
