// Unit tests of the tiler on hand-built workloads: loop conversion, CN ranges and tensors,
// groups, priorities, edges and their counts against Stream's, options, guards, determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "builders.hpp"
#include "graph_check.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/tiler/tiler.hpp"

using namespace stream;
using namespace stream::tiler;
using namespace stream::tiler::test;

namespace {

int count_intra(const CnGraph& g) {
  return static_cast<int>(
      std::count_if(g.edges.begin(), g.edges.end(), [](const CnEdge& e) { return e.operand < 0; }));
}

const Tensor& tensor_of(const CnGraph& g, const ComputationNode& cn, int operand) {
  return g.tensors[static_cast<std::size_t>(cn.tensors[static_cast<std::size_t>(operand)])];
}

/// ResNet-18's conv1 as a lone layer (input and weights constant, §3.4's example).
WorkloadSpec resnet_conv1() {
  Builder b;
  b.layer(conv(0, 64, 3, 112, 112, 7, 7, 2, 2, 3, 2, 3, 2, std::nullopt, true));
  return b.build();
}

TEST(NearestDivisor, StreamRule) {
  EXPECT_EQ(nearest_divisor(26, 10), 13);  // Stream's docstring example
  EXPECT_EQ(nearest_divisor(56, 5), 4);    // 4 (distance 1) beats 7 (distance 2)
  EXPECT_EQ(nearest_divisor(12, 5), 4);    // tie 4 / 6 -> the smaller
  EXPECT_EQ(nearest_divisor(7, 3), 7);
  EXPECT_EQ(nearest_divisor(540, 100), 108);
  EXPECT_EQ(nearest_divisor(1'000'000'007, 10), 0);  // prime, no divisor in [2, 500]
  EXPECT_EQ(nearest_divisor(3, 1), 3);               // lower bound is 2
}

TEST(OuterLoops, Conversion) {
  const auto w = resnet_conv1();
  const auto& l = w.layers[0];
  std::vector<std::string> warn;
  // Unknown dims dropped, `all` and sizes above the loop take the whole loop.
  auto loops = outer_loops_for_layer(
      l, mapping_with({loop("OZ", 4), loop_all("OY"), loop("K", 100)}), &warn);
  EXPECT_EQ(loops, (std::vector<OuterLoop>{{3, 112}, {1, 64}}));
  EXPECT_TRUE(warn.empty());
  // Non-divisor -> nearest divisor with a warning.
  loops = outer_loops_for_layer(l, mapping_with({loop("OY", 5)}), &warn);
  EXPECT_EQ(loops, (std::vector<OuterLoop>{{3, 4}}));
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_NE(warn[0].find("using 4"), std::string::npos) << warn[0];
  EXPECT_NE(warn[0].find("layer 0"), std::string::npos) << warn[0];
  // Inter-core loops come first; a second loop on a dim divides what is left.
  warn.clear();
  loops = outer_loops_for_layer(l, mapping_with({loop("OY", 2), loop_all("OY")}, {loop("K", 4)}),
                                &warn);
  EXPECT_EQ(loops, (std::vector<OuterLoop>{{1, 4}, {3, 2}, {3, 56}}));
  // '*' is the allocator's choice: not split here, with a warning.
  loops = outer_loops_for_layer(l, mapping_with({}, {{"K", 1, false, true}}), &warn);
  EXPECT_EQ(loops, (std::vector<OuterLoop>{{0, 1}}));
  EXPECT_EQ(warn.size(), 1u);
  // Nothing -> layer by layer over the first dim.
  EXPECT_EQ(outer_loops_for_layer(l, mapping_with({}), nullptr), (std::vector<OuterLoop>{{0, 1}}));
  // No divisor near the size -> an error naming the layer.
  Builder b;
  b.layer(conv(0, 4, 1, 1'000'000'007, 1, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt));
  const auto big = b.build();
  try {
    outer_loops_for_layer(big.layers[0], mapping_with({loop("OY", 10)}), nullptr);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("layer 0"), std::string::npos) << e.what();
  }
}

TEST(Cns, ResNetConv1LayerByLayer) {
  const auto g = build_cn_graph(resnet_conv1(), mapping_with({}));
  ASSERT_EQ(g.cn_count(), 1u);
  EXPECT_EQ(g.edge_count(), 0u);
  const auto& cn = g.cns[0];
  EXPECT_TRUE(cn.produces_final_output);
  EXPECT_EQ(cn.group, 0);
  // §3.4: W = 64*3*7*7*8, I = 3*229*229*8 (padding rows count), O at O_final.
  EXPECT_EQ(tensor_of(g, cn, 1).size_bits, 75'264);
  EXPECT_EQ(tensor_of(g, cn, 2).size_bits, 1'258'584);
  EXPECT_EQ(tensor_of(g, cn, 0).size_bits, 6'422'528);
  EXPECT_EQ(cn.data_produced_unique_bits, 6'422'528);
  const auto& in = tensor_of(g, cn, 2);
  EXPECT_EQ(in.ranges[2], (Range{-3, 226}));  // IY unclipped
  EXPECT_EQ(in.ranges[3], (Range{-3, 226}));
  EXPECT_TRUE(in.is_constant);
  EXPECT_TRUE(tensor_of(g, cn, 1).is_constant);
  EXPECT_FALSE(tensor_of(g, cn, 0).is_constant);
  EXPECT_TRUE(tensor_of(g, cn, 0).is_output);
  EXPECT_EQ(tensor_of(g, cn, 1).base_priority, 1);
  EXPECT_EQ(cn.loop_sizes(), (std::vector<std::int64_t>{1, 64, 3, 112, 112, 7, 7}));
}

TEST(Cns, OneRowPerCn) {
  const auto g = build_cn_graph(resnet_conv1(), mapping_with({loop_all("OY")}));
  ASSERT_EQ(g.cn_count(), 112u);
  EXPECT_EQ(g.layer_groups[0], 1);
  EXPECT_EQ(count_intra(g), 111);
  // One shared weight tensor (priority = 112 CNs use it), one input and one output per CN.
  std::set<int> w_tensors, i_tensors, o_tensors;
  for (const auto& cn : g.cns) {
    w_tensors.insert(cn.tensors[1]);
    i_tensors.insert(cn.tensors[2]);
    o_tensors.insert(cn.tensors[0]);
  }
  EXPECT_EQ(w_tensors.size(), 1u);
  EXPECT_EQ(i_tensors.size(), 112u);
  EXPECT_EQ(o_tensors.size(), 112u);
  EXPECT_EQ(g.tensors.size(), 225u);
  EXPECT_EQ(tensor_of(g, g.cns[0], 1).base_priority, 112);
  EXPECT_EQ(tensor_of(g, g.cns[0], 2).base_priority, 1);  // OY is not irrelevant to I
  // CN n = row n; IY = [2n - 3, 2n + 4), 7 rows incl. padding.
  for (int n : {0, 1, 55, 111}) {
    const auto& cn = g.cns[static_cast<std::size_t>(n)];
    EXPECT_EQ(cn.index, n);
    EXPECT_EQ(cn.loop_ranges[3], (Range{n, n + 1}));
    EXPECT_EQ(tensor_of(g, cn, 2).ranges[2], (Range{2 * n - 3, 2 * n + 4}));
    EXPECT_EQ(tensor_of(g, cn, 2).size_bits, 3 * 7 * 229 * 8);
    EXPECT_EQ(tensor_of(g, cn, 0).size_bits, 64 * 112 * 8);
  }
}

TEST(Cns, KSplitGroupsAndGraphOrder) {
  // Inter-core [K, 4] then intra-core [OY, all]: n = k + 4 * oy, group = k.
  Builder b;
  b.layer(conv(0, 8, 2, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, std::nullopt, true));
  b.layer(conv(1, 4, 8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0));
  const auto g = build_cn_graph(b.build(), mapping_with({loop_all("OY")}, {loop("K", 4)}));
  ASSERT_EQ(g.cn_count(), 48u);
  EXPECT_EQ(g.layer_groups[0], 4);
  // Graph order: group 0's CNs by index, then group 1's...
  for (int k = 0; k < 4; ++k) {
    for (int oy = 0; oy < 6; ++oy) {
      const auto& cn = g.cns[static_cast<std::size_t>(k * 6 + oy)];
      EXPECT_EQ(cn.group, k);
      EXPECT_EQ(cn.index, k + 4 * oy);
      EXPECT_EQ(cn.loop_ranges[1], (Range{2 * k, 2 * k + 2}));
    }
  }
  // Chains per group only: 4 groups x 5 per layer.
  EXPECT_EQ(count_intra(g), 40);
  for (const auto& e : g.edges) {
    if (e.operand >= 0) continue;
    EXPECT_EQ(g.cns[static_cast<std::size_t>(e.src)].group,
              g.cns[static_cast<std::size_t>(e.dst)].group);
    EXPECT_EQ(g.cns[static_cast<std::size_t>(e.src)].index + 4,
              g.cns[static_cast<std::size_t>(e.dst)].index);
  }
  // Weights per group: 4 tensors of 2 output channels, each used by the 6 CNs of its group.
  std::set<int> w;
  for (int n : g.layer_cns[0]) w.insert(g.cns[static_cast<std::size_t>(n)].tensors[1]);
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(g.tensors[static_cast<std::size_t>(*w.begin())].base_priority, 6);
  expect_exact_dependencies(b.build(), g);
}

TEST(Cns, CSplitPartialSums) {
  // A C split makes one group per chunk (C is relevant to W); only the last chunk produces
  // final outputs and gets inter-layer edges; both chunks share the output tensor.
  Builder b;
  b.layer(conv(0, 4, 2, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true));
  b.layer(conv(1, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 0));
  b.layer(conv(2, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1));
  auto m = mapping_with({loop("C", 2), loop_all("OY")});
  const auto w = b.build();
  const auto g = build_cn_graph(w, m);
  const auto& l1 = g.layer_cns[1];
  ASSERT_EQ(l1.size(), 8u);
  EXPECT_EQ(g.layer_groups[1], 2);
  int finals = 0;
  for (int pos : l1) {
    const auto& cn = g.cns[static_cast<std::size_t>(pos)];
    EXPECT_EQ(cn.produces_final_output, cn.loop_ranges[2].lo == 2) << cn.index;
    finals += cn.produces_final_output;
    int inter_out = 0;
    for (int k = g.succ_offsets[static_cast<std::size_t>(pos)];
         k < g.succ_offsets[static_cast<std::size_t>(pos) + 1]; ++k)
      inter_out +=
          g.edges[static_cast<std::size_t>(g.succ_edges[static_cast<std::size_t>(k)])].operand >= 0;
    EXPECT_EQ(inter_out > 0, cn.produces_final_output) << cn.index;
  }
  EXPECT_EQ(finals, 4);
  // CN n = c + 2 * oy: chunks 2r and 2r + 1 share row r's output tensor.
  const auto& a = g.cns[static_cast<std::size_t>(g.layer_cns[1][0])];
  for (int pos : l1) {
    const auto& cn = g.cns[static_cast<std::size_t>(pos)];
    if (cn.loop_ranges[3] == a.loop_ranges[3]) {
      EXPECT_EQ(cn.tensors[0], a.tensors[0]);
    }
  }
  expect_exact_dependencies(w, g);
}

TEST(Edges, FsrcnnCountsMatchStream) {
  const auto w = fsrcnn();
  const auto lbl = build_cn_graph(w, mapping_with({}));
  EXPECT_EQ(lbl.cn_count(), 8u);
  EXPECT_EQ(lbl.edge_count(), 7u);
  const auto oy = build_cn_graph(w, mapping_with({loop_all("OY")}));
  EXPECT_EQ(oy.cn_count(), 4320u);
  EXPECT_EQ(oy.edge_count(), 13482u);
  EXPECT_EQ(count_intra(oy), 8 * 539);
  for (const auto& l : oy.layer_cns) EXPECT_EQ(l.size(), 540u);
  // 3x3 consumers read rows r-1..r+1, 1x1 consumers row r.
  for (std::size_t i = 0; i < oy.cns.size(); ++i) {
    const auto& cn = oy.cns[i];
    int preds = 0;
    for (int k = oy.pred_offsets[i]; k < oy.pred_offsets[i + 1]; ++k)
      preds +=
          oy.edges[static_cast<std::size_t>(oy.pred_edges[static_cast<std::size_t>(k)])].operand >=
          0;
    const bool one_by_one = cn.layer.value == 1 || cn.layer.value == 6;
    const int expect = cn.layer.value == 0                  ? 0
                       : one_by_one                         ? 1
                       : (cn.index == 0 || cn.index == 539) ? 2
                                                            : 3;
    EXPECT_EQ(preds, expect) << "layer " << cn.layer.value << " cn " << cn.index;
  }
  expect_exact_dependencies(w, oy);
}

/// The DepFiN / DIANA / 4x4 AiMC validation setups, hand-built like their workload.yaml, with
/// the June-2023 behaviour (no CN groups).
TEST(Edges, ValidationCountsWithoutGroups) {
  TilerOptions june;
  june.cn_groups = false;
  {  // DepFiN: FSRCNN, one row per CN
    const auto g = build_cn_graph(fsrcnn(), mapping_with({loop_all("OY")}), june);
    EXPECT_EQ(g.cn_count(), 4320u);
    EXPECT_EQ(g.edge_count(), 13482u);
  }
  {  // 4x4 AiMC: ResNet-50 segment, 2 columns x 1 row per CN
    Builder b;
    b.layer(conv(0, 64, 256, 56, 56, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true));
    b.layer(conv(1, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 0));
    b.layer(conv(2, 256, 64, 56, 56, 1, 1, 1, 1, 0, 0, 0, 0, 1));
    b.layer(conv(3, 64, 256, 56, 56, 1, 1, 1, 1, 0, 0, 0, 0, 2));
    b.layer(conv(4, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 3));
    const auto w = b.build();
    const auto g = build_cn_graph(w, mapping_with({loop("OX", 28), loop("OY", 56)}), june);
    EXPECT_EQ(g.cn_count(), 7840u);
    EXPECT_EQ(g.edge_count(), 38195u);
    expect_exact_dependencies(w, g);
  }
  {  // DIANA: first ResNet-18 layers, per-layer tiling
    const auto w = diana_workload();
    const auto m = diana_mapping();
    const auto g = build_cn_graph(w, m, june);
    EXPECT_EQ(g.cn_count(), 4200u);
    EXPECT_EQ(g.edge_count(), 9385u);
    EXPECT_EQ(g.layer_groups[0], 1);
    EXPECT_EQ(count_intra(g), 3583 + 223 + 7 * 55);
    expect_exact_dependencies(w, g);
    // With groups (Nov-2023 code) conv1's K split makes 4 chains: 3 intra edges fewer.
    const auto grouped = build_cn_graph(w, m);
    EXPECT_EQ(grouped.layer_groups[0], 4);
    EXPECT_EQ(grouped.edge_count(), 9382u);
  }
}

TEST(Edges, ComplexPairDoublesBits) {
  // GlobalAveragePool-like layer -> Flatten -> Gemm, as in ResNet-18 (§4): the edge carries
  // twice the 4,096-bit tensor and the Gemm's own value doubles as well.
  Builder b;
  b.layer(conv(0, 512, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true), {1, 512, 1, 1});
  b.free(1, NodeKind::kReshape, {0}, {{1, 512, 1, 1}}, {1, 512}, {}, 0, "Flatten");
  b.layer(make_layer(2, "fc", "Gemm", {{"B", 1}, {"K", 1000}, {"C", 512}}, {},
                     {{"O", MemOperand::kO, {"B", "K"}, 16, std::nullopt},
                      {"I", MemOperand::kI1, {"B", "C"}, 8, 1},
                      {"W", MemOperand::kI2, {"C", "K"}, 8, 2}},
                     {"W"}));
  const auto w = b.build();
  const auto g = build_cn_graph(w, mapping_with({loop_all("OY")}));
  ASSERT_EQ(g.edge_count(), 1u);
  EXPECT_EQ(g.edges[0].bits, 8192);
  EXPECT_EQ(g.edges[0].operand, 1);
  EXPECT_EQ(g.cns[0].data_produced_unique_bits, 8192);
  EXPECT_EQ(g.cns[1].data_produced_unique_bits, 16000);
  TilerOptions plain;
  plain.complex_pair_doubles_bits = false;
  const auto p = build_cn_graph(w, mapping_with({loop_all("OY")}), plain);
  EXPECT_EQ(p.edges[0].bits, 4096);
  EXPECT_EQ(p.cns[1].data_produced_unique_bits, 8000);
}

TEST(Edges, SimpleDigraphOverwrite) {
  // Both inputs of an Add from the same producer: one edge per CN pair, the data of the last
  // operand written (the box rule visits W then I).
  Builder b;
  b.layer(conv(0, 4, 1, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true));
  b.layer(add(1, 4, 4, 4, 0, 0));
  TilerOptions stream_mode;
  stream_mode.exact_free_nodes = false;
  const auto w = b.build();
  const auto g = build_cn_graph(w, mapping_with({loop_all("OY")}), stream_mode);
  EXPECT_EQ(g.edge_count(), 3u + 3u + 4u);
  for (const auto& e : g.edges)
    if (e.operand >= 0) {
      EXPECT_EQ(e.operand, 2);
    }
  expect_exact_dependencies(w, g);
}

TEST(Edges, GroupedChannelMergeQuirk) {
  // An ONNX-style grouped conv reads I[b][g][c][iy][ix]; Stream merges G and C into one
  // channel dim [G_lo + C_lo, G_hi * C + C_hi] (inclusive). With G split the lower bound lacks
  // the * C factor (§4): CN 1 (g 2-3, channels 4-7) also gets an edge from channels 2-3.
  Builder b;
  b.layer(conv(0, 8, 1, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true, "conv0"));
  b.layer(make_layer(
      1, "grouped", "Conv",
      {{"B", 1}, {"G", 4}, {"K", 1}, {"C", 2}, {"OY", 4}, {"OX", 4}, {"FY", 1}, {"FX", 1}},
      {{"IX", "OX", 1, "FX", 1}, {"IY", "OY", 1, "FY", 1}},
      {{"O", MemOperand::kO, {"B", "G", "K", "OY", "OX"}, 16, std::nullopt},
       {"W", MemOperand::kI2, {"K", "C", "FY", "FX"}, 8, 1},
       {"I", MemOperand::kI1, {"B", "G", "C", "IY", "IX"}, 8, 0}},
      {"W"}));
  mapping::MappingSpec m = mapping_with({});
  m.entries[0].name = "conv0";
  m.entries[0].intra_core_tiling = {loop("K", 4)};
  m.entries.push_back(m.entries[0]);
  m.entries[1].name = "grouped";
  m.entries[1].intra_core_tiling = {loop("G", 2)};
  const auto g = build_cn_graph(b.build(), m);
  std::vector<std::set<int>> preds(2);
  for (const auto& e : g.edges) {
    if (e.operand < 0) continue;
    preds[static_cast<std::size_t>(g.cns[static_cast<std::size_t>(e.dst)].index)].insert(
        g.cns[static_cast<std::size_t>(e.src)].index);
  }
  EXPECT_EQ(preds[0], (std::set<int>{0, 1}));     // channels 0-3: exact
  EXPECT_EQ(preds[1], (std::set<int>{1, 2, 3}));  // channels 4-7, plus chunk 1 (quirk)
}

TEST(Edges, AdjacencyIsSortedByCnId) {
  const auto w = diana_workload();
  const auto g = build_cn_graph(w, diana_mapping());
  ASSERT_EQ(g.pred_offsets.size(), g.cns.size() + 1);
  ASSERT_EQ(g.pred_offsets.back(), static_cast<int>(g.edges.size()));
  ASSERT_EQ(g.succ_offsets.back(), static_cast<int>(g.edges.size()));
  auto key = [&](int cn) {
    const auto& c = g.cns[static_cast<std::size_t>(cn)];
    return std::make_pair(c.layer.value, c.index);
  };
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    for (int k = g.pred_offsets[i]; k < g.pred_offsets[i + 1]; ++k) {
      const auto& e = g.edges[static_cast<std::size_t>(g.pred_edges[static_cast<std::size_t>(k)])];
      EXPECT_EQ(e.dst, static_cast<int>(i));
      if (k > g.pred_offsets[i]) {
        const auto& prev =
            g.edges[static_cast<std::size_t>(g.pred_edges[static_cast<std::size_t>(k - 1)])];
        EXPECT_LT(key(prev.src), key(e.src));
      }
    }
    for (int k = g.succ_offsets[i]; k < g.succ_offsets[i + 1]; ++k) {
      const auto& e = g.edges[static_cast<std::size_t>(g.succ_edges[static_cast<std::size_t>(k)])];
      EXPECT_EQ(e.src, static_cast<int>(i));
      if (k > g.succ_offsets[i]) {
        const auto& prev =
            g.edges[static_cast<std::size_t>(g.succ_edges[static_cast<std::size_t>(k - 1)])];
        EXPECT_LT(key(prev.dst), key(e.dst));
      }
    }
  }
}

TEST(Tiler, CnLimitRefusedBeforeAllocation) {
  const auto saved = limits().max_cns;
  limits().max_cns = 4319;
  try {
    build_cn_graph(fsrcnn(), mapping_with({loop_all("OY")}));
    limits().max_cns = saved;
    FAIL() << "no error";
  } catch (const InputError& e) {
    limits().max_cns = saved;
    const std::string msg = e.what();
    EXPECT_NE(msg.find("test-mapping.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("layer 7"), std::string::npos) << msg;
    EXPECT_NE(msg.find("max_cns"), std::string::npos) << msg;
  }
  // An absurd tiling overflows no counter: 2^62 CNs are refused with the same message.
  Builder b;
  b.layer(make_layer(0, "huge", "Conv",
                     {{"A", std::int64_t{1} << 31}, {"Z", std::int64_t{1} << 31}}, {},
                     {{"O", MemOperand::kO, {"A", "Z"}, 8, std::nullopt}}, {}));
  EXPECT_THROW(build_cn_graph(b.build(), mapping_with({loop_all("A"), loop_all("Z")})), InputError);
}

TEST(Tiler, Deterministic) {
  const auto w = diana_workload();
  const auto a = build_cn_graph(w, diana_mapping());
  const auto b = build_cn_graph(w, diana_mapping());
  EXPECT_TRUE(same_graph(a, b));
}

TEST(Tiler, WarningsForRoundedSizes) {
  const auto g = build_cn_graph(fsrcnn(60, 64), mapping_with({loop("OY", 7)}));
  // 60 rows: 7 -> 6 (distance 1; 5 is at distance 2).
  ASSERT_EQ(g.warnings.size(), 8u);
  EXPECT_NE(g.warnings[0].find("using 6"), std::string::npos) << g.warnings[0];
  EXPECT_EQ(g.cn_count(), 48u);
  EXPECT_EQ(g.layer_outer_loops[0], (std::vector<OuterLoop>{{3, 6}}));
}

TEST(Tiler, BadWorkloadsAreInputErrors) {
  Builder b;
  b.layer(conv(0, 4, 1, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true));
  b.layer(conv(1, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 9));  // source 9 does not exist
  EXPECT_THROW(build_cn_graph(b.build(), mapping_with({})), InputError);
}

}  // namespace
