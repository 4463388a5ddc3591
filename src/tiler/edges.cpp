// Inter-layer dependency edges (stream-model.md §4).
//
// Pairs (producer layer, consumer layer) are enumerated as Stream does: for every costed layer
// in topological order its successors, expanded through free nodes (a consumer reached twice
// forms the pair twice). A pair is *complex* when the shortest free path between the two holds a
// shape node, else *simple*.
//  - Simple: the box rule. Every final-output producer CN is joined to every consumer CN whose
//    box for the dependent operand intersects its output box (closed intervals, dims matched by
//    position, G+C / G+K merged into one channel dim with Stream's bounds). BoxIndex finds the
//    intersecting boxes without an all-pairs test.
//  - Complex: element by element. For each consumer CN every element of its (clipped) input box
//    is mapped back through the free nodes of the path to the producer's output element, whose
//    final-output CN is found on a grid of the producer's output tiles.
// TilerOptions::exact_free_nodes classifies Concat/broadcast/Reduce nodes as shape nodes and
// decides the path kind per consumer operand instead of per pair (see the README).
#include <algorithm>
#include <functional>
#include <unordered_map>

#include "internal.hpp"
#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"

namespace stream::tiler::detail {

// ---- EdgeStore ------------------------------------------------------------------------------

void EdgeStore::add_batch(int producer_layer, int consumer_layer,
                          const std::vector<CnEdge>& batch) {
  auto& ranges = added_[{producer_layer, consumer_layer}];
  const std::size_t begin = edges_->size();
  if (ranges.empty()) {
    edges_->insert(edges_->end(), batch.begin(), batch.end());
  } else {
    std::unordered_map<std::uint64_t, std::size_t> known;
    auto key = [](const CnEdge& e) {
      return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.src)) << 32) |
             static_cast<std::uint32_t>(e.dst);
    };
    for (const auto& [b, e] : ranges)
      for (std::size_t k = b; k < e; ++k) known.emplace(key((*edges_)[k]), k);
    for (const auto& e : batch) {
      const auto it = known.find(key(e));
      if (it == known.end()) {
        edges_->push_back(e);
      } else {  // simple digraph: the second edge overwrites the data
        (*edges_)[it->second].operand = e.operand;
        (*edges_)[it->second].bits = e.bits;
      }
    }
  }
  if (edges_->size() > begin) ranges.emplace_back(begin, edges_->size());
}

namespace {

constexpr std::size_t kMaxWalk = 10'000'000;  // guard for pathological free-node graphs
constexpr std::size_t kMaxPaths = 100'000;

std::int64_t product(const std::vector<std::int64_t>& v) {
  std::int64_t p = 1;
  for (auto x : v) {
    const auto q = checked_mul(p, x);
    if (!q) return -1;
    p = *q;
  }
  return p;
}

void strides_of(const std::vector<std::int64_t>& shape, std::vector<std::int64_t>& s) {
  s.assign(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
}

class EdgeBuilder {
 public:
  EdgeBuilder(const WorkloadSpec& w, const NodeGraph& ng, const TilerOptions& opt,
              const std::vector<LayerCns>& lc, CnGraph& g)
      : w_(w), ng_(ng), opt_(opt), lc_(lc), g_(g), store_(&g.edges) {
    cls_.resize(w.nodes.size());
    for (std::size_t i = 0; i < w.nodes.size(); ++i) cls_[i] = classify(w.nodes[i].kind, opt);
  }

  void run() {
    for (int p_pos : ng_.topo) {
      if (cls_[static_cast<std::size_t>(p_pos)] != FreeClass::kLayer) continue;
      for (int c_pos : expanded_successors(p_pos)) pair(p_pos, c_pos);
    }
  }

 private:
  const NodeSpec& node(int pos) const { return w_.nodes[static_cast<std::size_t>(pos)]; }
  const LayerSpec& layer_at(int pos) const {
    return w_.layers[static_cast<std::size_t>(node(pos).layer)];
  }
  bool is_free(int pos) const { return cls_[static_cast<std::size_t>(pos)] != FreeClass::kLayer; }

  [[noreturn]] void fail(const std::string& where, const std::string& reason) const {
    throw InputError(w_.source, where, reason);
  }

  // Stream's get_all_node_pairs: successors with the free ones replaced, one at a time, by their
  // own successors (appended at the end); duplicates kept.
  std::vector<int> expanded_successors(int p_pos) const {
    std::vector<int> s = ng_.succs[static_cast<std::size_t>(p_pos)];
    std::size_t steps = 0;
    while (true) {
      const auto it = std::find_if(s.begin(), s.end(), [&](int x) { return is_free(x); });
      if (it == s.end()) break;
      const int f = *it;
      s.erase(it);
      const auto& fs = ng_.succs[static_cast<std::size_t>(f)];
      s.insert(s.end(), fs.begin(), fs.end());
      if (++steps > kMaxWalk || s.size() > kMaxWalk) {
        fail("node " + std::to_string(node(p_pos).id.value),
             "too many paths through free nodes after this node");
      }
    }
    return s;
  }

  // Intermediates of a shortest path p -> c through free nodes (BFS in successor order).
  std::vector<int> shortest_free_path(int p, int c) const {
    std::vector<int> parent(w_.nodes.size(), -2);
    std::vector<int> queue{p};
    parent[static_cast<std::size_t>(p)] = -1;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const int u = queue[head];
      for (int v : ng_.succs[static_cast<std::size_t>(u)]) {
        if (parent[static_cast<std::size_t>(v)] != -2) continue;
        if (v == c) {
          std::vector<int> path;
          for (int x = u; x != p; x = parent[static_cast<std::size_t>(x)]) path.push_back(x);
          std::reverse(path.begin(), path.end());
          return path;
        }
        if (!is_free(v)) continue;
        parent[static_cast<std::size_t>(v)] = u;
        queue.push_back(v);
      }
    }
    return {};
  }

  // All simple paths p -> target whose intermediates are free nodes, in depth-first order over
  // the successor lists (networkx all_simple_paths order). Each path lists the intermediates
  // followed by `target` when `include_target`.
  std::vector<std::vector<int>> free_paths(int p, int target, bool include_target) const {
    std::vector<std::vector<int>> out;
    if (p == target) {
      out.emplace_back();
      return out;
    }
    std::vector<int> path;
    std::vector<char> on(w_.nodes.size(), 0);
    std::function<void(int)> dfs = [&](int u) {
      for (int v : ng_.succs[static_cast<std::size_t>(u)]) {
        if (v == target) {
          out.push_back(path);
          if (include_target) out.back().push_back(target);
          if (out.size() > kMaxPaths) {
            fail("node " + std::to_string(node(p).id.value),
                 "too many paths through free nodes to node " +
                     std::to_string(node(target).id.value));
          }
          continue;
        }
        if (!is_free(v) || on[static_cast<std::size_t>(v)]) continue;
        on[static_cast<std::size_t>(v)] = 1;
        path.push_back(v);
        dfs(v);
        path.pop_back();
        on[static_cast<std::size_t>(v)] = 0;
      }
    };
    dfs(p);
    return out;
  }

  // Stream's get_non_type_predecessors(node, [DummyNode]).
  std::vector<int> non_dummy_preds(int pos) const {
    std::vector<int> preds = ng_.preds[static_cast<std::size_t>(pos)];
    std::size_t steps = 0;
    while (true) {
      const auto it = std::find_if(preds.begin(), preds.end(), [&](int x) {
        return cls_[static_cast<std::size_t>(x)] == FreeClass::kDummy;
      });
      if (it == preds.end()) break;
      const int d = *it;
      preds.erase(it);
      const auto& dp = ng_.preds[static_cast<std::size_t>(d)];
      preds.insert(preds.end(), dp.begin(), dp.end());
      if (++steps > kMaxWalk || preds.size() > kMaxWalk) {
        fail("node " + std::to_string(node(pos).id.value),
             "too many paths through free nodes before this node");
      }
    }
    return preds;
  }

  // Variable input operands of a layer with the node position of their source, or -1.
  int source_position(const LayerSpec& c, int o) const {
    const auto& op = c.operands[static_cast<std::size_t>(o)];
    if (op.is_output || op.is_constant || !op.source || *op.source == c.id) return -1;
    if (std::find(c.constant_operands.begin(), c.constant_operands.end(), o) !=
        c.constant_operands.end())
      return -1;
    const int s = node_position(w_, *op.source);
    if (s < 0) {
      fail(layer_label(c),
           "operand " + op.name + " comes from unknown node " + std::to_string(op.source->value));
    }
    return s;
  }

  void pair(int p_pos, int c_pos) {
    const std::vector<int> shortest = shortest_free_path(p_pos, c_pos);
    bool complex = false;
    bool stream_complex = false;
    for (int x : shortest) {
      complex |= cls_[static_cast<std::size_t>(x)] == FreeClass::kShape;
      stream_complex |= stream_shape_node(node(x).kind);
    }
    const LayerSpec& c = layer_at(c_pos);
    if (stream_complex && opt_.complex_pair_doubles_bits) {
      // Stream's numpy method adds each final CN's output once more to data_produced_unique:
      // the producer's once per pair, the consumer's once per path (§4).
      add_output_bits(layer_at(p_pos), 1);
      add_output_bits(c, static_cast<std::int64_t>(free_paths(p_pos, c_pos, false).size()));
    }
    const int nops = static_cast<int>(c.operands.size());
    if (!opt_.exact_free_nodes) {
      if (!complex) {
        // Dependent operands: from the producer directly or through DummyNodes; Stream also
        // applies the Dummy walk to a source that is itself a costed layer (quirk, §4).
        for (int o = 1; o < nops; ++o) {
          const int s = source_position(c, o);
          if (s < 0) continue;
          bool dep = s == p_pos;
          if (!dep) {
            const auto preds = non_dummy_preds(s);
            dep = std::find(preds.begin(), preds.end(), p_pos) != preds.end();
          }
          if (dep) box_edges(p_pos, c_pos, o);
        }
      } else {
        // Every simple path, the operand fed by its last node (the first such, as Stream).
        for (const auto& path : free_paths(p_pos, c_pos, false)) {
          const int last = path.empty() ? p_pos : path.back();
          for (int o = 1; o < nops; ++o) {
            if (source_position(c, o) == last) {
              elementwise_edges(p_pos, c_pos, o, path);
              break;
            }
          }
        }
      }
      return;
    }
    // Exact mode: per consumer operand, each free path from the producer to its source.
    // Operands in reverse so that for a CN pair fed twice the first operand's data stays (as
    // Stream's box rule order leaves it).
    for (int o = nops - 1; o >= 1; --o) {
      const int s = source_position(c, o);
      if (s < 0) continue;
      if (s != p_pos && !is_free(s)) continue;
      bool box_done = false;
      for (const auto& path : free_paths(p_pos, s, true)) {
        const bool shape = std::any_of(path.begin(), path.end(), [&](int x) {
          return cls_[static_cast<std::size_t>(x)] == FreeClass::kShape;
        });
        if (shape) {
          elementwise_edges(p_pos, c_pos, o, path);
        } else if (!box_done) {
          box_edges(p_pos, c_pos, o);
          box_done = true;
        }
      }
    }
  }

  void add_output_bits(const LayerSpec& l, std::int64_t times) {
    const auto& lc = lc_[static_cast<std::size_t>(&l - w_.layers.data())];
    for (int pos : lc.by_index) {
      auto& cn = g_.cns[static_cast<std::size_t>(pos)];
      if (!cn.produces_final_output) continue;
      const auto& t = g_.tensors[static_cast<std::size_t>(cn.tensors[0])];
      cn.data_produced_unique_bits += times * t.size_bits;
    }
  }

  // Inclusive box of an operand for a CN, in a BoxLayout (Stream's merged channel bounds).
  static void box_of(const LayerSpec& l, int operand, const BoxLayout& layout,
                     const ComputationNode& cn, std::int64_t* out) {
    const auto& idx = l.operands[static_cast<std::size_t>(operand)].indices;
    for (std::size_t e = 0; e < layout.entries.size(); ++e) {
      const auto& en = layout.entries[e];
      const Range a = index_range(l, idx[static_cast<std::size_t>(en.a)], cn.loop_ranges.data());
      if (en.b < 0) {
        out[2 * e] = a.lo;
        out[2 * e + 1] = a.hi - 1;
      } else {
        const Range b = index_range(l, idx[static_cast<std::size_t>(en.b)], cn.loop_ranges.data());
        out[2 * e] = a.lo + b.lo;
        out[2 * e + 1] = (a.hi - 1) * en.b_size + (b.hi - 1);
      }
    }
  }

  void box_edges(int p_pos, int c_pos, int operand) {
    const LayerSpec& p = layer_at(p_pos);
    const LayerSpec& c = layer_at(c_pos);
    const std::int64_t c_size = c.dim_size("C");
    const std::int64_t k_size = p.dim_size("K");
    const BoxLayout pl = box_layout(p, 0, c_size, k_size);
    const BoxLayout cl = box_layout(c, operand, c_size, k_size);
    if (pl.entries.size() != cl.entries.size() || cl.entries.empty()) {
      // Ranks differ: the box rule does not apply; match element by element (flat order).
      elementwise_edges(p_pos, c_pos, operand, {});
      return;
    }
    const auto& pc = lc_[static_cast<std::size_t>(node(p_pos).layer)];
    const auto& cc = lc_[static_cast<std::size_t>(node(c_pos).layer)];
    const std::size_t d = cl.entries.size();
    std::vector<std::int64_t> boxes(cc.by_index.size() * 2 * d);
    for (std::size_t n = 0; n < cc.by_index.size(); ++n)
      box_of(c, operand, cl, g_.cns[static_cast<std::size_t>(cc.by_index[n])], &boxes[n * 2 * d]);
    const BoxIndex index(static_cast<int>(d), std::move(boxes));
    std::vector<std::int64_t> q(2 * d);
    std::vector<int> hits;
    batch_.clear();
    for (int ppos : pc.by_index) {
      const auto& pcn = g_.cns[static_cast<std::size_t>(ppos)];
      if (!pcn.produces_final_output) continue;
      box_of(p, 0, pl, pcn, q.data());
      hits.clear();
      index.query(q.data(), hits);
      std::sort(hits.begin(), hits.end());
      for (int n : hits)
        batch_.push_back(CnEdge{ppos, cc.by_index[static_cast<std::size_t>(n)], operand,
                                pcn.data_produced_unique_bits});
    }
    store_.add_batch(node(p_pos).layer, node(c_pos).layer, batch_);
  }

  // ---- element by element ------------------------------------------------------------------

  /// One free node of a path, prepared for mapping output elements back to input elements.
  struct Step {
    const NodeSpec* node = nullptr;
    std::vector<std::int64_t> out_shape, out_strides;
    std::vector<int> slots;  ///< input slots fed by the previous node of the path
    std::vector<std::vector<std::int64_t>> in_shape, in_strides;  ///< per input slot
    std::vector<std::int64_t> concat_offset;                      ///< per input slot
    bool identity = false;  ///< flat index unchanged (pass-through / reshape)
  };

  void elementwise_edges(int p_pos, int c_pos, int operand, const std::vector<int>& path) {
    const LayerSpec& p = layer_at(p_pos);
    const LayerSpec& c = layer_at(c_pos);
    const std::string where = "dependency " + layer_label(p) + " -> " + layer_label(c);
    const auto& pc = lc_[static_cast<std::size_t>(node(p_pos).layer)];
    const auto& cc = lc_[static_cast<std::size_t>(node(c_pos).layer)];

    // Producer: merged output layout (own sizes), extents, and the grid of its final tiles.
    const BoxLayout pl = box_layout(p, 0, p.dim_size("C"), p.dim_size("K"));
    const auto& pidx = p.output().indices;
    std::vector<std::int64_t> pext;
    for (const auto& en : pl.entries) {
      std::int64_t e = index_extent(p, pidx[static_cast<std::size_t>(en.a)]);
      if (en.b >= 0) e *= en.b_size;
      pext.push_back(e);
    }
    std::vector<std::int64_t> grid_stride(pidx.size(), 0);
    std::int64_t grid_size = 1;
    for (std::size_t k = pidx.size(); k-- > 0;) {
      grid_stride[k] = grid_size;
      const auto d = static_cast<std::size_t>(pidx[k].index);
      grid_size *= ceil_div(p.dims[d].size, pc.span[d]);
    }
    std::vector<int> grid(static_cast<std::size_t>(grid_size), -1);
    for (std::size_t n = 0; n < pc.by_index.size(); ++n) {
      const auto& cn = g_.cns[static_cast<std::size_t>(pc.by_index[n])];
      if (!cn.produces_final_output) continue;
      std::int64_t cell = 0;
      for (std::size_t k = 0; k < pidx.size(); ++k) {
        const auto d = static_cast<std::size_t>(pidx[k].index);
        cell += cn.loop_ranges[d].lo / pc.span[d] * grid_stride[k];
      }
      grid[static_cast<std::size_t>(cell)] = static_cast<int>(n);
    }

    // Consumer: merged operand layout (own sizes) and extents.
    const BoxLayout cl = box_layout(c, operand, c.dim_size("C"), c.dim_size("K"));
    const auto& cidx = c.operands[static_cast<std::size_t>(operand)].indices;
    std::vector<std::int64_t> cext;
    for (const auto& en : cl.entries) {
      std::int64_t e = index_extent(c, cidx[static_cast<std::size_t>(en.a)]);
      if (en.b >= 0) e *= en.b_size;
      cext.push_back(e);
    }

    // The free nodes of the path, last first.
    std::vector<Step> steps(path.size());
    for (std::size_t j = 0; j < path.size(); ++j) {
      Step& st = steps[j];
      st.node = &node(path[j]);
      const int prev = j == 0 ? p_pos : path[j - 1];
      const LayerId prev_id = node(prev).id;
      for (std::size_t k = 0; k < st.node->inputs.size(); ++k)
        if (st.node->inputs[k] && *st.node->inputs[k] == prev_id)
          st.slots.push_back(static_cast<int>(k));
      if (st.slots.empty()) fail(where, "free node " + st.node->name + " is not fed by the path");
      st.out_shape = st.node->output_shape;
      strides_of(st.out_shape, st.out_strides);
      st.in_shape.resize(st.node->inputs.size());
      st.in_strides.resize(st.node->inputs.size());
      st.concat_offset.assign(st.node->inputs.size(), 0);
      std::int64_t offset = 0;
      for (std::size_t k = 0; k < st.node->inputs.size(); ++k) {
        if (k < st.node->input_shapes.size()) st.in_shape[k] = st.node->input_shapes[k];
        strides_of(st.in_shape[k], st.in_strides[k]);
        st.concat_offset[k] = offset;
        const auto ax = static_cast<std::size_t>(st.node->axis);
        if (ax < st.in_shape[k].size()) offset += st.in_shape[k][ax];
      }
      const bool shapes =
          !st.out_shape.empty() && std::all_of(st.slots.begin(), st.slots.end(), [&](int k) {
            return !st.in_shape[static_cast<std::size_t>(k)].empty();
          });
      const auto kind = st.node->kind;
      if (kind == NodeKind::kPassThrough || kind == NodeKind::kReshape) {
        st.identity = true;
        if (shapes) {
          for (int k : st.slots) {
            if (product(st.in_shape[static_cast<std::size_t>(k)]) != product(st.out_shape))
              fail(where, "free node " + st.node->name +
                              " changes the number of elements; dependencies through it are "
                              "not defined");
          }
        }
      } else if (!shapes) {
        fail(where, "free node " + st.node->name + " (" + st.node->op_type +
                        ") has no input/output shapes");
      } else if (kind == NodeKind::kTranspose) {
        if (st.node->perm.size() != st.out_shape.size() ||
            st.in_shape[static_cast<std::size_t>(st.slots[0])].size() != st.out_shape.size())
          fail(where, "transpose " + st.node->name + ": perm does not match the shapes");
      } else if (kind == NodeKind::kConcat) {
        if (static_cast<std::size_t>(st.node->axis) >= st.out_shape.size())
          fail(where, "concat " + st.node->name + ": axis out of range");
      } else if (kind == NodeKind::kReduce) {
        const auto& in = st.in_shape[static_cast<std::size_t>(st.slots[0])];
        if (static_cast<std::size_t>(st.node->axis) >= in.size() ||
            (in.size() != st.out_shape.size() && in.size() != st.out_shape.size() + 1))
          fail(where, "reduce " + st.node->name + ": axis or shapes out of range");
      }
    }

    // Spaces at both ends of the path: the last node's output, the first node's input.
    const std::vector<std::int64_t>* s_out = nullptr;
    const std::vector<std::int64_t>* s_in = nullptr;
    if (!steps.empty()) {
      if (!steps.back().out_shape.empty()) s_out = &steps.back().out_shape;
      const auto& first = steps.front();
      const auto& sh = first.in_shape[static_cast<std::size_t>(first.slots[0])];
      if (!sh.empty())
        s_in = &sh;
      else if (!node(p_pos).output_shape.empty())
        s_in = &node(p_pos).output_shape;
    }
    // Reshape-like identities need equal element counts along the way.
    const std::int64_t n_c = product(cext);
    const std::int64_t n_p = product(pext);
    auto count_of = [&](const std::vector<std::int64_t>* s, std::int64_t fallback) {
      return s != nullptr ? product(*s) : fallback;
    };
    const bool c_positional = s_out != nullptr && s_out->size() == cext.size();
    const bool p_positional = s_in != nullptr && s_in->size() == pext.size();
    if (!c_positional && count_of(s_out, n_p) != n_c)
      fail(where, "the consumer operand " + c.operands[static_cast<std::size_t>(operand)].name +
                      " has " + std::to_string(n_c) + " elements, its source tensor " +
                      std::to_string(count_of(s_out, n_p)));
    if (!p_positional && count_of(s_in, n_c) != n_p)
      fail(where, "the producer output has " + std::to_string(n_p) +
                      " elements, the tensor it feeds " + std::to_string(count_of(s_in, n_c)));

    std::vector<std::int64_t> cstr, pstr;
    strides_of(c_positional ? *s_out : cext, cstr);
    strides_of(p_positional ? *s_in : pext, pstr);

    // Producer CN of a flat index in the producer-side space, or -1.
    std::vector<std::int64_t> pc_coord(pext.size());
    std::vector<std::int64_t> pval(pidx.size());
    auto producer_of = [&](std::int64_t f) -> int {
      const auto& shape = p_positional ? *s_in : pext;
      for (std::size_t k = 0; k < shape.size(); ++k) {
        pc_coord[k] = f / pstr[k];
        f %= pstr[k];
        if (pc_coord[k] >= pext[k]) return -1;
      }
      for (std::size_t e = 0; e < pl.entries.size(); ++e) {
        const auto& en = pl.entries[e];
        if (en.b < 0) {
          pval[static_cast<std::size_t>(en.a)] = pc_coord[e];
        } else {
          pval[static_cast<std::size_t>(en.a)] = pc_coord[e] / en.b_size;
          pval[static_cast<std::size_t>(en.b)] = pc_coord[e] % en.b_size;
        }
      }
      std::int64_t cell = 0;
      for (std::size_t k = 0; k < pidx.size(); ++k)
        cell += pval[k] / pc.span[static_cast<std::size_t>(pidx[k].index)] * grid_stride[k];
      return grid[static_cast<std::size_t>(cell)];
    };

    // Map a flat index of step j's output back to the producer; calls emit(producer n).
    std::vector<std::vector<std::int64_t>> coord(steps.size());
    std::function<void(std::size_t, std::int64_t, const std::function<void(int)>&)> back =
        [&](std::size_t j, std::int64_t f, const std::function<void(int)>& emit) {
          if (j == 0) {
            const int n = producer_of(f);
            if (n >= 0) emit(n);
            return;
          }
          const Step& st = steps[j - 1];
          if (st.identity) {
            for (std::size_t r = 0; r < st.slots.size(); ++r) back(j - 1, f, emit);
            return;
          }
          auto& oc = coord[j - 1];
          oc.resize(st.out_shape.size());
          for (std::size_t k = 0; k < oc.size(); ++k) {
            oc[k] = f / st.out_strides[k];
            f %= st.out_strides[k];
          }
          const auto axis = static_cast<std::size_t>(st.node->axis);
          for (int slot : st.slots) {
            const auto s = static_cast<std::size_t>(slot);
            const auto& ish = st.in_shape[s];
            const auto& ist = st.in_strides[s];
            switch (st.node->kind) {
              case NodeKind::kTranspose: {
                std::int64_t g = 0;
                for (std::size_t k = 0; k < oc.size(); ++k)
                  g += oc[k] * ist[static_cast<std::size_t>(st.node->perm[k])];
                back(j - 1, g, emit);
                break;
              }
              case NodeKind::kConcat: {
                const std::int64_t a = oc[axis] - st.concat_offset[s];
                if (a < 0 || a >= ish[axis]) break;
                std::int64_t g = 0;
                for (std::size_t k = 0; k < oc.size(); ++k) g += (k == axis ? a : oc[k]) * ist[k];
                back(j - 1, g, emit);
                break;
              }
              case NodeKind::kBroadcast: {
                // numpy broadcasting: shapes aligned on the right, size-1 input dims read index 0
                std::int64_t g = 0;
                const std::size_t lead = oc.size() - std::min(oc.size(), ish.size());
                for (std::size_t k = 0; k < ish.size(); ++k) {
                  const std::int64_t x = ish[k] == 1 ? 0 : oc[lead + k];
                  if (x >= ish[k]) return;
                  g += x * ist[k];
                }
                back(j - 1, g, emit);
                break;
              }
              case NodeKind::kReduce: {
                // every element of the input row along `axis` feeds this output element
                std::int64_t g = 0;
                std::size_t o = 0;
                for (std::size_t k = 0; k < ish.size(); ++k) {
                  if (k == axis) {
                    if (ish.size() == oc.size()) ++o;
                    continue;
                  }
                  g += oc[o++] * ist[k];
                }
                for (std::int64_t a = 0; a < ish[axis]; ++a) back(j - 1, g + a * ist[axis], emit);
                break;
              }
              default:
                break;
            }
          }
        };

    // Consumer CNs in index order, every element of their clipped operand box.
    std::vector<int> stamp(pc.by_index.size(), -1);
    std::vector<std::pair<int, int>> pairs;
    const std::size_t ni = cidx.size();
    std::vector<Range> box(ni);
    std::vector<std::int64_t> val(ni);
    for (std::size_t n = 0; n < cc.by_index.size(); ++n) {
      const auto& cn = g_.cns[static_cast<std::size_t>(cc.by_index[n])];
      bool empty = false;
      for (std::size_t k = 0; k < ni; ++k) {
        Range r = index_range(c, cidx[k], cn.loop_ranges.data());
        r.lo = std::max<std::int64_t>(r.lo, 0);
        r.hi = std::min(r.hi, index_extent(c, cidx[k]));
        if (r.hi <= r.lo) empty = true;
        box[k] = r;
        val[k] = r.lo;
      }
      if (empty) continue;
      const int cn_n = static_cast<int>(n);
      const std::function<void(int)> emit = [&](int pn) {
        if (stamp[static_cast<std::size_t>(pn)] == cn_n) return;
        stamp[static_cast<std::size_t>(pn)] = cn_n;
        pairs.emplace_back(pn, cn_n);
      };
      while (true) {
        std::int64_t f = 0;
        bool inside = true;
        for (std::size_t e = 0; e < cl.entries.size(); ++e) {
          const auto& en = cl.entries[e];
          std::int64_t x = val[static_cast<std::size_t>(en.a)];
          if (en.b >= 0) x = x * en.b_size + val[static_cast<std::size_t>(en.b)];
          if (c_positional && x >= (*s_out)[e]) inside = false;
          f += x * cstr[e];
        }
        if (inside) back(steps.size(), f, emit);
        std::size_t k = ni;
        while (k-- > 0) {
          if (++val[k] < box[k].hi) break;
          val[k] = box[k].lo;
        }
        if (k == static_cast<std::size_t>(-1)) break;
      }
    }
    std::sort(pairs.begin(), pairs.end());
    batch_.clear();
    for (const auto& [pn, cn_n] : pairs) {
      const int ppos = pc.by_index[static_cast<std::size_t>(pn)];
      batch_.push_back(CnEdge{ppos, cc.by_index[static_cast<std::size_t>(cn_n)], operand,
                              g_.cns[static_cast<std::size_t>(ppos)].data_produced_unique_bits});
    }
    store_.add_batch(node(p_pos).layer, node(c_pos).layer, batch_);
  }

  const WorkloadSpec& w_;
  const NodeGraph& ng_;
  const TilerOptions& opt_;
  const std::vector<LayerCns>& lc_;
  CnGraph& g_;
  EdgeStore store_;
  std::vector<CnEdge> batch_;
  std::vector<FreeClass> cls_;
};

}  // namespace

void build_inter_layer_edges(const WorkloadSpec& w, const NodeGraph& ng, const TilerOptions& opt,
                             const std::vector<LayerCns>& layer_cns, CnGraph& g) {
  EdgeBuilder(w, ng, opt, layer_cns, g).run();
}

}  // namespace stream::tiler::detail
