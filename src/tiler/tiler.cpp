// CN generation (stream-model.md §3): outer loops -> CNs with loop ranges, tensors, groups,
// final-output flags and base priorities; intra-layer chains; then the inter-layer edges (§4,
// edges.cpp) and the CSR adjacency.
#include "stream/tiler/tiler.hpp"

#include <algorithm>
#include <numeric>

#include "internal.hpp"
#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"
#include "stream/common/hash.hpp"
#include "stream/common/limits.hpp"

namespace stream::tiler {

std::vector<std::int64_t> ComputationNode::loop_sizes() const {
  std::vector<std::int64_t> s(loop_ranges.size());
  for (std::size_t i = 0; i < loop_ranges.size(); ++i) s[i] = loop_ranges[i].size();
  return s;
}

namespace {

using detail::layer_label;
using detail::LayerCns;
using workload::LayerSpec;
using workload::WorkloadSpec;

/// Per-layer tensor de-duplication: (operand, ranges) -> tensor index (open addressing on a
/// stable hash of the ranges, equality checked on the stored tensor).
class TensorTable {
 public:
  explicit TensorTable(const std::vector<Tensor>* tensors) : tensors_(tensors) {}
  void reset(std::size_t expected) {
    std::size_t cap = 64;
    while (cap < 2 * expected + 2) cap *= 2;
    slots_.assign(cap, -1);
    hashes_.assign(cap, 0);
    used_ = 0;
  }
  /// The index of an equal tensor, or -1 (then `insert` with the same hash).
  int find(std::uint64_t h, int operand, const std::vector<Range>& ranges) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const int t = slots_[i];
      if (t < 0) return -1;
      if (hashes_[i] == h) {
        const Tensor& other = (*tensors_)[static_cast<std::size_t>(t)];
        if (other.operand == operand && other.ranges == ranges) return t;
      }
    }
  }
  void insert(std::uint64_t h, int tensor) {
    if (2 * (used_ + 1) > slots_.size()) grow();
    place(h, tensor);
    ++used_;
  }

 private:
  void place(std::uint64_t h, int tensor) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    while (slots_[i] >= 0) i = (i + 1) & mask;
    slots_[i] = tensor;
    hashes_[i] = h;
  }
  void grow() {
    std::vector<int> old_slots;
    std::vector<std::uint64_t> old_hashes;
    old_slots.swap(slots_);
    old_hashes.swap(hashes_);
    slots_.assign(old_slots.size() * 2, -1);
    hashes_.assign(old_slots.size() * 2, 0);
    for (std::size_t i = 0; i < old_slots.size(); ++i)
      if (old_slots[i] >= 0) place(old_hashes[i], old_slots[i]);
  }
  const std::vector<Tensor>* tensors_;
  std::vector<int> slots_;
  std::vector<std::uint64_t> hashes_;
  std::size_t used_ = 0;
};

std::uint64_t ranges_hash(int operand, const std::vector<Range>& ranges) {
  StableHasher h;
  h.i64(operand);
  for (const auto& r : ranges) h.i64(r.lo).i64(r.hi);
  // Mix the FNV result so that the low bits (the table index) depend on all bytes.
  std::uint64_t x = h.value();
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

void check_layer(const WorkloadSpec& w, const LayerSpec& l) {
  auto fail = [&](const std::string& reason) {
    throw InputError(w.source, layer_label(l), reason);
  };
  if (l.dims.empty()) fail("the layer has no loop dimensions");
  for (const auto& d : l.dims)
    if (d.size < 1) fail("loop dimension " + d.name + " has size " + std::to_string(d.size));
  const int nd = static_cast<int>(l.dims.size());
  for (const auto& r : l.relations) {
    if (r.dim_a < 0 || r.dim_a >= nd || r.dim_b < 0 || r.dim_b >= nd)
      fail("dimension relation " + r.name + " refers to an unknown loop dimension");
  }
  if (l.operands.empty() || !l.operands.front().is_output)
    fail("the first operand must be the output");
  for (const auto& op : l.operands) {
    for (const auto& idx : op.indices) {
      const int limit = idx.is_relation ? static_cast<int>(l.relations.size()) : nd;
      if (idx.index < 0 || idx.index >= limit)
        fail("operand " + op.name + " has an index out of range");
    }
    if (op.precision_bits < 0) fail("operand " + op.name + " has a negative precision");
  }
  for (const auto& idx : l.output().indices)
    if (idx.is_relation) fail("the output operand cannot use a dimension relation");
  for (int c : l.constant_operands) {
    if (c <= 0 || c >= static_cast<int>(l.operands.size()))
      fail("constant operand index " + std::to_string(c) + " out of range");
  }
}

/// CNs of one layer (§3.2-3.8), appended to g in group-major order.
void generate_layer(const WorkloadSpec& w, const TilerOptions& opt, int li,
                    const std::vector<OuterLoop>& loops, std::int64_t count, CnGraph& g,
                    LayerCns& out, TensorTable& table) {
  const LayerSpec& l = w.layers[static_cast<std::size_t>(li)];
  const std::size_t nd = l.dims.size();
  const std::size_t nl = loops.size();
  const std::size_t nops = l.operands.size();

  // Inner span of each dim and the multiplication factor of each outer loop.
  out.span.resize(nd);
  for (std::size_t d = 0; d < nd; ++d) out.span[d] = l.dims[d].size;
  std::vector<std::int64_t> mult(nl);
  for (std::size_t i = 0; i < nl; ++i) {
    const auto d = static_cast<std::size_t>(loops[i].dim);
    if (out.span[d] % loops[i].size != 0) {
      throw InputError(w.source, layer_label(l),
                       "outer-CN loop " + l.dims[d].name + " " + std::to_string(loops[i].size) +
                           " does not divide the remaining loop size " +
                           std::to_string(out.span[d]));
    }
    out.span[d] /= loops[i].size;
  }
  for (std::size_t i = 0; i < nl; ++i) {
    std::int64_t outer = 1;
    for (std::size_t j = 0; j < i; ++j)
      if (loops[j].dim == loops[i].dim) outer *= loops[j].size;
    mult[i] = out.span[static_cast<std::size_t>(loops[i].dim)] * outer;
  }

  // Groups: ranges over the relevant dims of the last constant operand (§3.5) are fixed by the
  // values of the outer loops over those dims; their mixed-radix number keys the group.
  std::vector<char> loop_in_group(nl, 0);
  if (opt.cn_groups && !l.constant_operands.empty()) {
    const auto rel = l.relevance(l.constant_operands.back());
    for (std::size_t i = 0; i < nl; ++i)
      loop_in_group[i] =
          std::find(rel.relevant.begin(), rel.relevant.end(), loops[i].dim) != rel.relevant.end();
  }
  std::vector<std::int64_t> group_radix(nl, 0);
  std::int64_t group_keys = 1;
  for (std::size_t i = 0; i < nl; ++i) {
    if (!loop_in_group[i]) continue;
    group_radix[i] = group_keys;
    group_keys *= loops[i].size;
  }
  std::vector<int> group_of_key(static_cast<std::size_t>(group_keys), -1);
  int n_groups = 0;

  // Final outputs: every output-irrelevant dim (size > 1) at its full size (§3.6).
  const std::vector<int> out_ir = l.relevance(0).irrelevant;
  // Base priority of each constant operand: product of the outer loops over its ir dims (§3.7).
  std::vector<std::int64_t> const_priority(nops, 0);
  std::vector<char> is_constant(nops, 0);
  for (int c : l.constant_operands) {
    is_constant[static_cast<std::size_t>(c)] = 1;
    const auto ir = l.relevance(c).irrelevant;
    std::int64_t p = 1;
    for (const auto& loop : loops)
      if (std::find(ir.begin(), ir.end(), loop.dim) != ir.end()) p *= loop.size;
    const_priority[static_cast<std::size_t>(c)] = p;
  }

  // Tensor identity (§3.4) is fixed by the values of the outer loops over the dims an operand
  // depends on: a dense key over those loops, unless a relation of the operand combines two
  // split dims (then different loop values can give equal ranges: hash the ranges instead).
  std::vector<char> split(nd, 0);
  for (const auto& loop : loops)
    if (loop.size > 1) split[static_cast<std::size_t>(loop.dim)] = 1;
  std::vector<std::vector<std::int64_t>> key_radix(nops);
  std::vector<std::vector<int>> key_table(nops);
  std::vector<char> dense(nops, 1);
  for (std::size_t o = 0; o < nops; ++o) {
    std::vector<char> affects(nd, 0);
    for (const auto& idx : l.operands[o].indices) {
      if (!idx.is_relation) {
        affects[static_cast<std::size_t>(idx.index)] = 1;
        continue;
      }
      const auto& r = l.relations[static_cast<std::size_t>(idx.index)];
      const auto a = static_cast<std::size_t>(r.dim_a);
      const auto b = static_cast<std::size_t>(r.dim_b);
      if (r.coef_a != 0) affects[a] = 1;
      if (r.coef_b != 0) affects[b] = 1;
      if (r.coef_a != 0 && r.coef_b != 0 && split[a] && split[b]) dense[o] = 0;
    }
    if (!dense[o]) continue;
    key_radix[o].assign(nl, 0);
    std::int64_t keys = 1;
    for (std::size_t i = 0; i < nl; ++i) {
      if (!affects[static_cast<std::size_t>(loops[i].dim)] || loops[i].size == 1) continue;
      key_radix[o][i] = keys;
      keys *= loops[i].size;
    }
    key_table[o].assign(static_cast<std::size_t>(keys), -1);
  }

  std::vector<ComputationNode> cns(static_cast<std::size_t>(count));
  std::vector<std::int64_t> v(nl, 0);
  std::vector<Range> ranges;
  for (std::int64_t n = 0; n < count; ++n) {
    ComputationNode& cn = cns[static_cast<std::size_t>(n)];
    cn.layer = l.id;
    cn.layer_index = li;
    cn.index = static_cast<int>(n);
    cn.loop_ranges.resize(nd);
    for (std::size_t d = 0; d < nd; ++d) cn.loop_ranges[d] = Range{0, out.span[d]};
    std::int64_t gkey = 0;
    for (std::size_t i = 0; i < nl; ++i) {
      cn.loop_ranges[static_cast<std::size_t>(loops[i].dim)].lo += v[i] * mult[i];
      gkey += v[i] * group_radix[i];
    }
    for (auto& r : cn.loop_ranges) r.hi += r.lo;
    int& gid = group_of_key[static_cast<std::size_t>(gkey)];
    if (gid < 0) gid = n_groups++;
    cn.group = gid;
    cn.produces_final_output = true;
    for (int d : out_ir)
      if (cn.loop_ranges[static_cast<std::size_t>(d)].hi < l.dims[static_cast<std::size_t>(d)].size)
        cn.produces_final_output = false;

    cn.tensors.resize(nops);
    for (std::size_t o = 0; o < nops; ++o) {
      const auto& op = l.operands[o];
      int* slot = nullptr;
      if (dense[o]) {
        std::int64_t key = 0;
        for (std::size_t i = 0; i < nl; ++i) key += v[i] * key_radix[o][i];
        slot = &key_table[o][static_cast<std::size_t>(key)];
        if (*slot >= 0) {
          cn.tensors[o] = *slot;
          if (op.is_output)
            cn.data_produced_unique_bits = g.tensors[static_cast<std::size_t>(*slot)].size_bits;
          continue;
        }
      }
      ranges.resize(op.indices.size());
      std::int64_t elems = 1;
      for (std::size_t k = 0; k < op.indices.size(); ++k) {
        ranges[k] = detail::index_range(l, op.indices[k], cn.loop_ranges.data());
        const auto e = checked_mul(elems, ranges[k].size());
        if (!e) throw InputError(w.source, layer_label(l), "tensor size overflows");
        elems = *e;
      }
      const int prec = op.is_output ? l.output_final_precision_bits : op.precision_bits;
      const auto bits = checked_mul(elems, prec);
      if (!bits) throw InputError(w.source, layer_label(l), "tensor size overflows");
      if (op.is_output) cn.data_produced_unique_bits = *bits;
      int t = -1;
      std::uint64_t h = 0;
      if (!dense[o]) {
        h = ranges_hash(static_cast<int>(o), ranges);
        t = table.find(h, static_cast<int>(o), ranges);
      }
      if (t < 0) {
        t = static_cast<int>(g.tensors.size());
        Tensor tensor;
        tensor.layer = l.id;
        tensor.operand = static_cast<int>(o);
        tensor.mem_operand = op.mem_operand;
        tensor.size_bits = *bits;
        tensor.ranges = ranges;
        tensor.is_output = op.is_output;
        tensor.is_constant = is_constant[o] != 0;
        tensor.base_priority = const_priority[o];
        g.tensors.push_back(std::move(tensor));
        if (dense[o]) {
          *slot = t;
        } else {
          table.insert(h, t);
        }
      }
      cn.tensors[o] = t;
    }
    // Odometer: loop 0 varies fastest.
    for (std::size_t i = 0; i < nl; ++i) {
      if (++v[i] < loops[i].size) break;
      v[i] = 0;
    }
  }

  // Graph node order: group 0's CNs by index, then group 1's, ... (§4).
  std::vector<int> group_start(static_cast<std::size_t>(n_groups) + 1, 0);
  for (const auto& cn : cns) ++group_start[static_cast<std::size_t>(cn.group) + 1];
  for (int k = 0; k < n_groups; ++k)
    group_start[static_cast<std::size_t>(k) + 1] += group_start[static_cast<std::size_t>(k)];
  const int base = static_cast<int>(g.cns.size());
  g.cns.resize(g.cns.size() + cns.size());
  out.by_index.resize(cns.size());
  std::vector<int> fill(group_start.begin(), group_start.end() - 1);
  for (auto& cn : cns) {
    const int pos = base + fill[static_cast<std::size_t>(cn.group)]++;
    out.by_index[static_cast<std::size_t>(cn.index)] = pos;
    g.cns[static_cast<std::size_t>(pos)] = std::move(cn);
  }
  auto& members = g.layer_cns[static_cast<std::size_t>(li)];
  members.resize(cns.size());
  std::iota(members.begin(), members.end(), base);
  g.layer_groups[static_cast<std::size_t>(li)] = n_groups;
  // Intra-layer edges: each group chained in CN-index order.
  for (int k = 0; k < n_groups; ++k) {
    for (int p = group_start[static_cast<std::size_t>(k)] + 1;
         p < group_start[static_cast<std::size_t>(k) + 1]; ++p)
      g.edges.push_back(CnEdge{base + p - 1, base + p, -1, 0});
  }
}

void build_adjacency(CnGraph& g) {
  const std::size_t n = g.cns.size();
  g.pred_offsets.assign(n + 1, 0);
  g.succ_offsets.assign(n + 1, 0);
  for (const auto& e : g.edges) {
    ++g.pred_offsets[static_cast<std::size_t>(e.dst) + 1];
    ++g.succ_offsets[static_cast<std::size_t>(e.src) + 1];
  }
  for (std::size_t i = 0; i < n; ++i) {
    g.pred_offsets[i + 1] += g.pred_offsets[i];
    g.succ_offsets[i + 1] += g.succ_offsets[i];
  }
  g.pred_edges.resize(g.edges.size());
  g.succ_edges.resize(g.edges.size());
  std::vector<int> pf(g.pred_offsets.begin(), g.pred_offsets.end() - 1);
  std::vector<int> sf(g.succ_offsets.begin(), g.succ_offsets.end() - 1);
  for (std::size_t k = 0; k < g.edges.size(); ++k) {
    const auto& e = g.edges[k];
    g.pred_edges[static_cast<std::size_t>(pf[static_cast<std::size_t>(e.dst)]++)] =
        static_cast<int>(k);
    g.succ_edges[static_cast<std::size_t>(sf[static_cast<std::size_t>(e.src)]++)] =
        static_cast<int>(k);
  }
  // Stream's CN id order (layer id, index).
  std::vector<std::uint64_t> key(n);
  for (std::size_t i = 0; i < n; ++i) {
    key[i] = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(g.cns[i].layer.value)) << 32) |
             static_cast<std::uint32_t>(g.cns[i].index);
  }
  for (std::size_t i = 0; i < n; ++i) {
    auto pb = g.pred_edges.begin();
    std::sort(pb + g.pred_offsets[i], pb + g.pred_offsets[i + 1], [&](int a, int b) {
      return key[static_cast<std::size_t>(g.edges[static_cast<std::size_t>(a)].src)] <
             key[static_cast<std::size_t>(g.edges[static_cast<std::size_t>(b)].src)];
    });
    auto sb = g.succ_edges.begin();
    std::sort(sb + g.succ_offsets[i], sb + g.succ_offsets[i + 1], [&](int a, int b) {
      return key[static_cast<std::size_t>(g.edges[static_cast<std::size_t>(a)].dst)] <
             key[static_cast<std::size_t>(g.edges[static_cast<std::size_t>(b)].dst)];
    });
  }
}

}  // namespace

CnGraph build_cn_graph(const workload::WorkloadSpec& w, const mapping::MappingSpec& mapping,
                       const TilerOptions& opt) {
  CnGraph g;
  const detail::NodeGraph ng = detail::make_node_graph(w);
  const std::size_t nlayers = w.layers.size();
  std::vector<char> seen(nlayers, 0);
  for (int pos : ng.topo) {
    const auto& node = w.nodes[static_cast<std::size_t>(pos)];
    if (node.kind != workload::NodeKind::kLayer) continue;
    if (node.layer < 0 || node.layer >= static_cast<int>(nlayers) ||
        w.layers[static_cast<std::size_t>(node.layer)].id != node.id ||
        seen[static_cast<std::size_t>(node.layer)]) {
      throw InputError(w.source, "node " + std::to_string(node.id.value),
                       "the node does not refer to its costed layer");
    }
    seen[static_cast<std::size_t>(node.layer)] = 1;
    g.layer_order.push_back(node.layer);
  }
  for (std::size_t li = 0; li < nlayers; ++li) {
    if (!seen[li]) {
      throw InputError(w.source, layer_label(w.layers[li]),
                       "the layer has no node in the workload graph");
    }
    check_layer(w, w.layers[li]);
  }

  // Outer loops and CN counts of every layer, refused above the limit before any allocation.
  g.layer_outer_loops.resize(nlayers);
  std::vector<std::int64_t> counts(nlayers, 0);
  std::int64_t total = 0;
  const std::int64_t max_cns = limits().max_cns;
  for (int li : g.layer_order) {
    const LayerSpec& l = w.layers[static_cast<std::size_t>(li)];
    auto loops = outer_loops_for_layer(l, mapping, &g.warnings);
    std::int64_t count = 1;
    bool overflow = false;
    for (const auto& loop : loops) {
      const auto c = checked_mul(count, loop.size);
      if (!c) {
        overflow = true;
        break;
      }
      count = *c;
    }
    const auto t = overflow ? std::nullopt : checked_add(total, count);
    if (!t || *t > max_cns) {
      throw InputError(mapping.file, layer_label(l),
                       "the tiling gives " +
                           (t ? std::to_string(*t) + " CNs up to this layer"
                              : std::string("more than 2^63 CNs")) +
                           ", above the limit max_cns = " + std::to_string(max_cns) +
                           " (raise it with --limit max_cns=N)");
    }
    total = *t;
    counts[static_cast<std::size_t>(li)] = count;
    g.layer_outer_loops[static_cast<std::size_t>(li)] = std::move(loops);
  }
  if (total > std::int64_t{2'000'000'000}) {
    throw InputError(mapping.file, "(tiling)",
                     "more than 2e9 CNs cannot be indexed (" + std::to_string(total) + ")");
  }

  g.cns.reserve(static_cast<std::size_t>(total));
  g.layer_cns.resize(nlayers);
  g.layer_groups.assign(nlayers, 0);
  std::vector<LayerCns> layer_cns(nlayers);
  TensorTable table(&g.tensors);
  for (int li : g.layer_order) {
    table.reset(0);  // grows only for operands hashed by their ranges
    generate_layer(w, opt, li, g.layer_outer_loops[static_cast<std::size_t>(li)],
                   counts[static_cast<std::size_t>(li)], g, layer_cns[static_cast<std::size_t>(li)],
                   table);
  }

  detail::build_inter_layer_edges(w, ng, opt, layer_cns, g);

  // Output tensors: base priority = inter-layer successor CNs (the most over the CNs writing
  // the tensor; informational, §3.7).
  std::vector<std::int64_t> succ_count(g.cns.size(), 0);
  for (const auto& e : g.edges)
    if (e.operand >= 0) ++succ_count[static_cast<std::size_t>(e.src)];
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    auto& t = g.tensors[static_cast<std::size_t>(g.cns[i].tensors[0])];
    t.base_priority = std::max(t.base_priority, succ_count[i]);
  }
  build_adjacency(g);
  return g;
}

}  // namespace stream::tiler
