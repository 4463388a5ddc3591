#pragma once
// Brute-force references for the tiler tests: the dependencies a CN graph must hold, computed
// by comparing every consumer CN with every producer CN (no index), element-exact for the
// tensor model (a CN reads the elements of its input tensor that exist in the producer's
// output, i.e. its box clipped to the producer's output; each output element is produced by the
// one final-output CN whose output box holds it).

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "builders.hpp"
#include "stream/tiler/cn_graph.hpp"

namespace stream::tiler::test {

/// Layer index of the producers of node `id`, walking back through pass-through nodes only.
inline void producers_through_passthrough(const WorkloadSpec& w, LayerId id, std::set<int>& out) {
  const NodeSpec* n = w.find_node(id);
  if (n == nullptr) return;
  if (n->kind == NodeKind::kLayer) {
    out.insert(n->layer);
    return;
  }
  if (n->kind != NodeKind::kPassThrough) return;
  for (const auto& in : n->inputs)
    if (in) producers_through_passthrough(w, *in, out);
}

struct Box {
  std::vector<std::int64_t> lo, hi;  // half-open
  bool intersects(const Box& o) const {
    for (std::size_t i = 0; i < lo.size(); ++i)
      if (std::max(lo[i], o.lo[i]) >= std::min(hi[i], o.hi[i])) return false;
    return true;
  }
};

inline Box operand_box(const LayerSpec& l, int operand, const ComputationNode& cn) {
  Box b;
  for (const auto& idx : l.operands[static_cast<std::size_t>(operand)].indices) {
    std::int64_t lo = 0, hi = 0;
    if (!idx.is_relation) {
      lo = cn.loop_ranges[static_cast<std::size_t>(idx.index)].lo;
      hi = cn.loop_ranges[static_cast<std::size_t>(idx.index)].hi;
    } else {
      const auto& r = l.relations[static_cast<std::size_t>(idx.index)];
      const auto& a = cn.loop_ranges[static_cast<std::size_t>(r.dim_a)];
      const auto& c = cn.loop_ranges[static_cast<std::size_t>(r.dim_b)];
      lo = r.coef_a * a.lo + r.coef_b * c.lo - r.pad_begin;
      hi = r.coef_a * (a.hi - 1) + r.coef_b * (c.hi - 1) - r.pad_begin + 1;
    }
    b.lo.push_back(lo);
    b.hi.push_back(hi);
  }
  return b;
}

/// Checks that the inter-layer edges into every CN are exactly those the brute-force reference
/// gives, that inter-layer edges leave final-output CNs only and carry the producer's
/// data_produced_unique_bits, and that intra-layer edges chain each group in index order.
/// Handles producers reached directly or through pass-through nodes, operands of equal rank.
inline void expect_exact_dependencies(const WorkloadSpec& w, const CnGraph& g,
                                      bool check_bits = true) {
  // Expected inter-layer predecessors of every CN.
  std::vector<std::set<int>> expected(g.cns.size());
  for (std::size_t ci = 0; ci < w.layers.size(); ++ci) {
    const LayerSpec& c = w.layers[ci];
    for (std::size_t o = 1; o < c.operands.size(); ++o) {
      const auto& op = c.operands[o];
      if (!op.source || *op.source == c.id) continue;
      std::set<int> producers;
      producers_through_passthrough(w, *op.source, producers);
      for (int pi : producers) {
        const LayerSpec& p = w.layers[static_cast<std::size_t>(pi)];
        ASSERT_EQ(p.output().indices.size(), op.indices.size()) << "checker needs equal ranks";
        for (int cpos : g.layer_cns[ci]) {
          Box cb = operand_box(c, static_cast<int>(o), g.cns[static_cast<std::size_t>(cpos)]);
          // clip to the producer's output
          for (std::size_t i = 0; i < cb.lo.size(); ++i) {
            const auto& pidx = p.output().indices[i];
            cb.lo[i] = std::max<std::int64_t>(cb.lo[i], 0);
            cb.hi[i] = std::min(cb.hi[i], p.dims[static_cast<std::size_t>(pidx.index)].size);
          }
          for (int ppos : g.layer_cns[static_cast<std::size_t>(pi)]) {
            const auto& pcn = g.cns[static_cast<std::size_t>(ppos)];
            if (!pcn.produces_final_output) continue;
            if (operand_box(p, 0, pcn).intersects(cb))
              expected[static_cast<std::size_t>(cpos)].insert(ppos);
          }
        }
      }
    }
  }
  std::vector<std::set<int>> actual(g.cns.size());
  std::map<std::pair<int, int>, int> seen;
  for (const auto& e : g.edges) {
    const auto& s = g.cns[static_cast<std::size_t>(e.src)];
    const auto& d = g.cns[static_cast<std::size_t>(e.dst)];
    EXPECT_EQ(seen[std::make_pair(e.src, e.dst)]++, 0) << "duplicate edge";
    if (e.operand < 0) {
      EXPECT_EQ(s.layer_index, d.layer_index);
      EXPECT_EQ(s.group, d.group);
      EXPECT_EQ(e.bits, 0);
      continue;
    }
    EXPECT_NE(s.layer_index, d.layer_index);
    EXPECT_TRUE(s.produces_final_output);
    if (check_bits) {
      EXPECT_EQ(e.bits, s.data_produced_unique_bits);
    }
    actual[static_cast<std::size_t>(e.dst)].insert(e.src);
  }
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    EXPECT_EQ(actual[i], expected[i])
        << "CN (" << g.cns[i].layer.value << ", " << g.cns[i].index << ")";
    if (actual[i] != expected[i]) return;  // one report is enough
  }
  // Intra-layer chains: per layer and group, consecutive indices.
  for (std::size_t li = 0; li < g.layer_cns.size(); ++li) {
    std::map<int, std::vector<int>> by_group;
    for (int pos : g.layer_cns[li])
      by_group[g.cns[static_cast<std::size_t>(pos)].group].push_back(pos);
    std::set<std::pair<int, int>> chain;
    for (auto& [grp, v] : by_group) {
      std::sort(v.begin(), v.end(), [&](int a, int b) {
        return g.cns[static_cast<std::size_t>(a)].index < g.cns[static_cast<std::size_t>(b)].index;
      });
      for (std::size_t k = 1; k < v.size(); ++k) chain.insert({v[k - 1], v[k]});
    }
    std::set<std::pair<int, int>> intra;
    for (const auto& e : g.edges)
      if (e.operand < 0 &&
          g.cns[static_cast<std::size_t>(e.src)].layer_index == static_cast<int>(li))
        intra.insert({e.src, e.dst});
    EXPECT_EQ(intra, chain) << "layer index " << li;
  }
}

inline bool same_graph(const CnGraph& a, const CnGraph& b) {
  if (a.cns.size() != b.cns.size() || a.edges.size() != b.edges.size() ||
      a.tensors.size() != b.tensors.size())
    return false;
  for (std::size_t i = 0; i < a.cns.size(); ++i) {
    const auto& x = a.cns[i];
    const auto& y = b.cns[i];
    if (x.layer != y.layer || x.index != y.index || x.group != y.group ||
        x.loop_ranges != y.loop_ranges || x.tensors != y.tensors ||
        x.produces_final_output != y.produces_final_output ||
        x.data_produced_unique_bits != y.data_produced_unique_bits)
      return false;
  }
  for (std::size_t i = 0; i < a.edges.size(); ++i) {
    const auto& x = a.edges[i];
    const auto& y = b.edges[i];
    if (x.src != y.src || x.dst != y.dst || x.operand != y.operand || x.bits != y.bits)
      return false;
  }
  for (std::size_t i = 0; i < a.tensors.size(); ++i) {
    const auto& x = a.tensors[i];
    const auto& y = b.tensors[i];
    if (x.layer != y.layer || x.operand != y.operand || x.size_bits != y.size_bits ||
        x.ranges != y.ranges || x.base_priority != y.base_priority)
      return false;
  }
  return a.pred_offsets == b.pred_offsets && a.pred_edges == b.pred_edges &&
         a.succ_offsets == b.succ_offsets && a.succ_edges == b.succ_edges &&
         a.layer_cns == b.layer_cns && a.layer_groups == b.layer_groups &&
         a.layer_order == b.layer_order && a.warnings == b.warnings;
}

}  // namespace stream::tiler::test
