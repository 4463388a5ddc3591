// Dependencies through free shape nodes (Reshape, Transpose, Concat, broadcast Add, Reduce),
// checked against an independent reference that pushes element identities *forward* through
// the nodes (the tiler maps consumer elements *backward*), plus Stream's own behaviour with
// exact_free_nodes = false.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "builders.hpp"
#include "stream/common/error.hpp"
#include "stream/tiler/tiler.hpp"

using namespace stream;
using namespace stream::tiler;
using namespace stream::tiler::test;

namespace {

using Elem = std::pair<int, std::int64_t>;  // (layer index, flat index of its output)

struct RefTensor {
  std::vector<std::int64_t> shape;
  std::vector<std::set<Elem>> e;
};

std::int64_t numel(const std::vector<std::int64_t>& s) {
  std::int64_t n = 1;
  for (auto x : s) n *= x;
  return n;
}

std::vector<std::int64_t> unflatten(std::int64_t f, const std::vector<std::int64_t>& shape) {
  std::vector<std::int64_t> c(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    c[k] = f % shape[k];
    f /= shape[k];
  }
  return c;
}

std::int64_t flatten(const std::vector<std::int64_t>& c, const std::vector<std::int64_t>& shape) {
  std::int64_t f = 0;
  for (std::size_t k = 0; k < shape.size(); ++k) f = f * shape[k] + c[k];
  return f;
}

std::vector<std::int64_t> output_extents(const LayerSpec& l) {
  std::vector<std::int64_t> s;
  for (const auto& idx : l.output().indices)
    s.push_back(l.dims[static_cast<std::size_t>(idx.index)].size);
  return s;
}

/// Forward evaluation: which producer output elements each element of node `id` holds.
RefTensor eval(const WorkloadSpec& w, LayerId id) {
  const NodeSpec& n = *w.find_node(id);
  RefTensor t;
  if (n.kind == NodeKind::kLayer) {
    t.shape = output_extents(w.layers[static_cast<std::size_t>(n.layer)]);
    t.e.resize(static_cast<std::size_t>(numel(t.shape)));
    for (std::size_t f = 0; f < t.e.size(); ++f) t.e[f] = {{n.layer, static_cast<std::int64_t>(f)}};
    return t;
  }
  std::vector<RefTensor> in;
  for (const auto& i : n.inputs) in.push_back(eval(w, *i));
  t.shape = n.output_shape;
  t.e.resize(static_cast<std::size_t>(numel(t.shape)));
  for (std::size_t f = 0; f < t.e.size(); ++f) {
    const auto oc = unflatten(static_cast<std::int64_t>(f), t.shape);
    auto& out = t.e[f];
    switch (n.kind) {
      case NodeKind::kPassThrough:
      case NodeKind::kReshape:
        out = in[0].e[f];
        break;
      case NodeKind::kTranspose: {
        std::vector<std::int64_t> ic(oc.size());
        for (std::size_t k = 0; k < oc.size(); ++k) ic[static_cast<std::size_t>(n.perm[k])] = oc[k];
        out = in[0].e[static_cast<std::size_t>(flatten(ic, in[0].shape))];
        break;
      }
      case NodeKind::kConcat: {
        auto ax = static_cast<std::size_t>(n.axis);
        std::int64_t a = oc[ax];
        for (const auto& x : in) {
          if (a < x.shape[ax]) {
            auto ic = oc;
            ic[ax] = a;
            out = x.e[static_cast<std::size_t>(flatten(ic, x.shape))];
            break;
          }
          a -= x.shape[ax];
        }
        break;
      }
      case NodeKind::kBroadcast:
        for (const auto& x : in) {
          std::vector<std::int64_t> ic(x.shape.size());
          const std::size_t lead = oc.size() - x.shape.size();
          for (std::size_t k = 0; k < x.shape.size(); ++k)
            ic[k] = x.shape[k] == 1 ? 0 : oc[lead + k];
          const auto& s = x.e[static_cast<std::size_t>(flatten(ic, x.shape))];
          out.insert(s.begin(), s.end());
        }
        break;
      case NodeKind::kReduce: {
        const auto ax = static_cast<std::size_t>(n.axis);
        const auto& x = in[0];
        std::vector<std::int64_t> ic;
        for (std::size_t k = 0, o = 0; k < x.shape.size(); ++k) {
          if (k == ax) {
            ic.push_back(0);
            if (x.shape.size() == oc.size()) ++o;
          } else {
            ic.push_back(oc[o++]);
          }
        }
        for (std::int64_t a = 0; a < x.shape[ax]; ++a) {
          ic[ax] = a;
          const auto& s = x.e[static_cast<std::size_t>(flatten(ic, x.shape))];
          out.insert(s.begin(), s.end());
        }
        break;
      }
      default:
        break;
    }
  }
  return t;
}

/// Expected inter-layer predecessors of every CN, from the forward reference.
std::vector<std::set<int>> expected_preds(const WorkloadSpec& w, const CnGraph& g) {
  std::vector<std::set<int>> exp(g.cns.size());
  for (std::size_t ci = 0; ci < w.layers.size(); ++ci) {
    const LayerSpec& c = w.layers[ci];
    for (std::size_t o = 1; o < c.operands.size(); ++o) {
      const auto& op = c.operands[o];
      if (!op.source || *op.source == c.id) continue;
      RefTensor t = eval(w, *op.source);
      const std::size_t rank = op.indices.size();
      std::vector<std::int64_t> cext;
      for (const auto& idx : op.indices) {
        if (idx.is_relation) {
          const auto& r = c.relations[static_cast<std::size_t>(idx.index)];
          cext.push_back(r.coef_a * (c.dims[static_cast<std::size_t>(r.dim_a)].size - 1) +
                         r.coef_b * (c.dims[static_cast<std::size_t>(r.dim_b)].size - 1) + 1 -
                         r.pad_begin - r.pad_end);
        } else {
          cext.push_back(c.dims[static_cast<std::size_t>(idx.index)].size);
        }
      }
      const bool positional = t.shape.size() == rank;
      if (!positional) {
        EXPECT_EQ(numel(t.shape), numel(cext));
      }
      for (int cpos : g.layer_cns[ci]) {
        const auto& cn = g.cns[static_cast<std::size_t>(cpos)];
        std::vector<std::int64_t> lo(rank), hi(rank);
        for (std::size_t k = 0; k < rank; ++k) {
          const auto& idx = op.indices[k];
          if (idx.is_relation) {
            const auto& r = c.relations[static_cast<std::size_t>(idx.index)];
            const auto& a = cn.loop_ranges[static_cast<std::size_t>(r.dim_a)];
            const auto& b = cn.loop_ranges[static_cast<std::size_t>(r.dim_b)];
            lo[k] = r.coef_a * a.lo + r.coef_b * b.lo - r.pad_begin;
            hi[k] = r.coef_a * (a.hi - 1) + r.coef_b * (b.hi - 1) - r.pad_begin + 1;
          } else {
            lo[k] = cn.loop_ranges[static_cast<std::size_t>(idx.index)].lo;
            hi[k] = cn.loop_ranges[static_cast<std::size_t>(idx.index)].hi;
          }
          lo[k] = std::max<std::int64_t>(lo[k], 0);
          hi[k] = std::min(hi[k], positional ? t.shape[k] : cext[k]);
        }
        for (std::int64_t f = 0; f < numel(positional ? t.shape : cext); ++f) {
          const auto cc = unflatten(f, positional ? t.shape : cext);
          bool in = true;
          for (std::size_t k = 0; k < rank; ++k) in = in && cc[k] >= lo[k] && cc[k] < hi[k];
          if (!in) continue;
          for (const auto& [pl, pf] : t.e[static_cast<std::size_t>(f)]) {
            const LayerSpec& p = w.layers[static_cast<std::size_t>(pl)];
            const auto pc = unflatten(pf, output_extents(p));
            for (int ppos : g.layer_cns[static_cast<std::size_t>(pl)]) {
              const auto& pcn = g.cns[static_cast<std::size_t>(ppos)];
              if (!pcn.produces_final_output) continue;
              bool holds = true;
              for (std::size_t k = 0; k < pc.size(); ++k) {
                const auto& r =
                    pcn.loop_ranges[static_cast<std::size_t>(p.output().indices[k].index)];
                holds = holds && pc[k] >= r.lo && pc[k] < r.hi;
              }
              if (holds) exp[static_cast<std::size_t>(cpos)].insert(ppos);
            }
          }
        }
      }
    }
  }
  return exp;
}

std::vector<std::set<int>> actual_preds(const CnGraph& g) {
  std::vector<std::set<int>> a(g.cns.size());
  for (const auto& e : g.edges)
    if (e.operand >= 0) a[static_cast<std::size_t>(e.dst)].insert(e.src);
  return a;
}

void expect_exact(const WorkloadSpec& w, const CnGraph& g) {
  const auto exp = expected_preds(w, g);
  const auto act = actual_preds(g);
  std::size_t inter = 0;
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    EXPECT_EQ(act[i], exp[i]) << "CN (" << g.cns[i].layer.value << ", " << g.cns[i].index << ")";
    inter += exp[i].size();
  }
  EXPECT_GT(inter, 0u);
}

/// O[dims] = I[dims] over the given dims (a free-form consumer), I from node `src`.
LayerSpec elt(int id, const std::vector<std::pair<std::string, std::int64_t>>& dims, int src) {
  std::vector<std::string> idx;
  for (const auto& d : dims) idx.push_back(d.first);
  return make_layer(
      id, "elt" + std::to_string(id), "Elt", dims, {},
      {{"O", MemOperand::kO, idx, 16, std::nullopt}, {"I", MemOperand::kI1, idx, 8, src}}, {});
}

LayerSpec conv0() {
  return conv(0, 4, 1, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, std::nullopt, true, "conv0");
}

mapping::MappingSpec per_layer(
    const std::vector<std::pair<std::string, std::vector<mapping::TilingLoop>>>& t) {
  mapping::MappingSpec m;
  m.file = "shapes-mapping.yaml";
  for (const auto& [name, loops] : t) {
    mapping::MappingEntrySpec e;
    e.name = name;
    e.core_allocation = {CoreId(0)};
    e.intra_core_tiling = loops;
    m.entries.push_back(e);
  }
  return m;
}

TEST(ShapeOps, Transpose) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kTranspose, {0}, {{1, 4, 6, 6}}, {1, 6, 6, 4}, {0, 2, 3, 1});
  b.layer(elt(2, {{"B", 1}, {"P", 6}, {"Q", 6}, {"R", 4}}, 1));
  const auto w = b.build();
  const auto g = build_cn_graph(w, per_layer({{"conv0", {loop("K", 2), loop_all("OY")}},
                                              {"elt2", {loop("R", 2), loop("P", 3)}}}));
  expect_exact(w, g);
  // Stream's doubled bits for a pair through a transpose.
  for (const auto& e : g.edges) {
    if (e.operand < 0) continue;
    EXPECT_EQ(e.bits, 2 * 2 * 6 * 8);
  }
}

TEST(ShapeOps, Reshape) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kReshape, {0}, {{1, 4, 6, 6}}, {1, 8, 18});
  b.layer(elt(2, {{"B", 1}, {"P", 8}, {"Q", 18}}, 1));
  const auto w = b.build();
  const auto g = build_cn_graph(
      w, per_layer({{"conv0", {loop_all("OY")}}, {"elt2", {loop("Q", 4), loop("P", 2)}}}));
  ASSERT_EQ(g.warnings.size(), 1u);  // Q 4 does not divide 18 -> 3
  expect_exact(w, g);
}

TEST(ShapeOps, ConcatExactAndStream) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.layer(conv(1, 2, 1, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0, std::nullopt, true, "conv1"), {1, 2, 6, 6});
  b.free(2, NodeKind::kConcat, {0, 1}, {{1, 4, 6, 6}, {1, 2, 6, 6}}, {1, 6, 6, 6}, {}, 1);
  b.layer(conv(3, 2, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, false, "conv3"));
  const auto w = b.build();
  const auto m = per_layer({{"conv0", {loop_all("OY")}},
                            {"conv1", {loop("OY", 3)}},
                            {"conv3", {loop("C", 3), loop("OY", 2)}}});
  const auto g = build_cn_graph(w, m);
  expect_exact(w, g);
  // Channel chunks 0-1 and 2-3 read conv0 only, chunk 4-5 conv1 only.
  for (int pos : g.layer_cns[2]) {  // conv3 (node 3, layer index 2)
    const auto& cn = g.cns[static_cast<std::size_t>(pos)];
    std::set<int> layers;
    for (int k = g.pred_offsets[static_cast<std::size_t>(pos)];
         k < g.pred_offsets[static_cast<std::size_t>(pos) + 1]; ++k) {
      const auto& e = g.edges[static_cast<std::size_t>(g.pred_edges[static_cast<std::size_t>(k)])];
      if (e.operand >= 0) layers.insert(g.cns[static_cast<std::size_t>(e.src)].layer.value);
    }
    const auto c = cn.loop_ranges[2].lo;
    EXPECT_EQ(layers, c < 4 ? std::set<int>{0} : std::set<int>{1}) << cn.index;
  }
  // Stream 5e094e6c: the Concat is a DummyNode and channels are matched by position, so the
  // chunk reading conv1's channels (4-5) gets no edge from conv1 at all.
  TilerOptions stream_mode;
  stream_mode.exact_free_nodes = false;
  const auto s = build_cn_graph(w, m, stream_mode);
  int from_conv1 = 0;
  for (const auto& e : s.edges)
    if (e.operand >= 0 && s.cns[static_cast<std::size_t>(e.src)].layer.value == 1) {
      ++from_conv1;
      EXPECT_LT(s.cns[static_cast<std::size_t>(e.dst)].loop_ranges[2].lo, 2);
    }
  EXPECT_GT(from_conv1, 0);
}

TEST(ShapeOps, ConcatOfOneProducerTwice) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kConcat, {0, 0}, {{1, 4, 6, 6}, {1, 4, 6, 6}}, {1, 8, 6, 6}, {}, 1);
  b.layer(conv(2, 2, 8, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, false, "conv2"));
  const auto w = b.build();
  const auto g = build_cn_graph(
      w, per_layer({{"conv0", {loop("K", 2), loop_all("OY")}}, {"conv2", {loop("C", 4)}}}));
  expect_exact(w, g);
}

TEST(ShapeOps, BroadcastAdd) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.layer(conv(1, 4, 4, 1, 1, 6, 6, 1, 1, 0, 0, 0, 0, 0, false, "gap"), {1, 4, 1, 1});
  b.free(2, NodeKind::kBroadcast, {0, 1}, {{1, 4, 6, 6}, {1, 4, 1, 1}}, {1, 4, 6, 6}, {}, 0, "Add");
  b.layer(conv(3, 2, 4, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0, 2, false, "conv3"));
  const auto w = b.build();
  const auto m = per_layer({{"conv0", {loop_all("OY")}}, {"conv3", {loop_all("OY")}}});
  const auto g = build_cn_graph(w, m);
  expect_exact(w, g);
  // Every row needs the 1x1 layer.
  const int gap = g.layer_cns[1][0];
  int from_gap = 0;
  for (const auto& e : g.edges) from_gap += e.src == gap && e.operand >= 0;
  EXPECT_EQ(from_gap, 6);
  // Stream: the broadcast Add is a DummyNode, boxes by position: only row 0 overlaps [0,0].
  TilerOptions stream_mode;
  stream_mode.exact_free_nodes = false;
  const auto s = build_cn_graph(w, m, stream_mode);
  from_gap = 0;
  for (const auto& e : s.edges) from_gap += e.src == gap && e.operand >= 0;
  EXPECT_EQ(from_gap, 1);
}

TEST(ShapeOps, SoftmaxRows) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kReduce, {0}, {{1, 4, 6, 6}}, {1, 4, 6, 6}, {}, 3, "Softmax");
  b.layer(elt(2, {{"B", 1}, {"P", 4}, {"Q", 6}, {"R", 6}}, 1));
  const auto w = b.build();
  const auto g = build_cn_graph(w, per_layer({{"conv0", {loop("OX", 3), loop_all("OY")}},
                                              {"elt2", {loop("R", 3), loop("Q", 2)}}}));
  expect_exact(w, g);
}

TEST(ShapeOps, ReduceWithoutKeepdims) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kReduce, {0}, {{1, 4, 6, 6}}, {1, 6, 6}, {}, 1, "ReduceMean");
  b.layer(elt(2, {{"B", 1}, {"P", 6}, {"Q", 6}}, 1));
  const auto w = b.build();
  const auto g = build_cn_graph(w, per_layer({{"conv0", {loop("K", 4), loop("OY", 2)}},
                                              {"elt2", {loop("Q", 2), loop("P", 3)}}}));
  expect_exact(w, g);
}

TEST(ShapeOps, ChainOfFreeNodes) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kPassThrough, {0}, {{1, 4, 6, 6}}, {1, 4, 6, 6}, {}, 0, "Relu");
  b.free(2, NodeKind::kTranspose, {1}, {{1, 4, 6, 6}}, {1, 4, 6, 6}, {0, 1, 3, 2});
  b.free(3, NodeKind::kReshape, {2}, {{1, 4, 6, 6}}, {1, 4, 36});
  b.layer(elt(4, {{"B", 1}, {"P", 4}, {"Q", 36}}, 3));
  const auto w = b.build();
  const auto g = build_cn_graph(
      w, per_layer({{"conv0", {loop_all("OY")}}, {"elt4", {loop("Q", 6), loop("P", 2)}}}));
  expect_exact(w, g);
}

TEST(ShapeOps, RankMismatchWithoutFreeNodeIsFlat) {
  // A fully connected layer reading a conv output directly: channels x rows x columns as C.
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.layer(make_layer(1, "fc", "Gemm", {{"B", 1}, {"N", 10}, {"C", 144}}, {},
                     {{"O", MemOperand::kO, {"B", "N"}, 16, std::nullopt},
                      {"W", MemOperand::kI2, {"N", "C"}, 8, 1},
                      {"I", MemOperand::kI1, {"B", "C"}, 8, 0}},
                     {"W"}));
  const auto w = b.build();
  const auto g = build_cn_graph(
      w, per_layer({{"conv0", {loop("K", 2), loop("OY", 3)}}, {"fc", {loop("C", 4)}}}));
  expect_exact(w, g);
}

TEST(ShapeOps, InconsistentShapesAreInputErrors) {
  Builder b;
  b.layer(conv0(), {1, 4, 6, 6});
  b.free(1, NodeKind::kReshape, {0}, {{1, 4, 6, 6}}, {1, 4, 35});  // 140 != 144 elements
  b.layer(elt(2, {{"B", 1}, {"P", 4}, {"Q", 35}}, 1));
  EXPECT_THROW(build_cn_graph(b.build(), per_layer({})), InputError);
  Builder c;
  c.layer(conv0(), {1, 4, 6, 6});
  c.free(1, NodeKind::kTranspose, {0});  // no shapes
  c.layer(elt(2, {{"B", 1}, {"P", 4}, {"Q", 6}, {"R", 6}}, 1));
  EXPECT_THROW(build_cn_graph(c.build(), per_layer({})), InputError);
}

}  // namespace
