// The workload graph as Stream sees it: node order, topological generations, node classes.
#include <algorithm>

#include "internal.hpp"
#include "stream/common/error.hpp"

namespace stream::tiler::detail {

std::string layer_label(const LayerSpec& l) {
  return "layer " + std::to_string(l.id.value) + (l.name.empty() ? "" : " (" + l.name + ")");
}

int node_position(const WorkloadSpec& w, LayerId id) {
  const NodeSpec* n = w.find_node(id);
  return n == nullptr ? -1 : static_cast<int>(n - w.nodes.data());
}

NodeGraph make_node_graph(const WorkloadSpec& w) {
  const std::size_t n = w.nodes.size();
  NodeGraph g;
  g.preds.resize(n);
  g.succs.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const NodeSpec& node = w.nodes[i];
    if (i > 0 && !(w.nodes[i - 1].id < node.id)) {
      throw InputError(w.source, "node " + std::to_string(node.id.value),
                       "workload nodes are not in ascending id order");
    }
    for (const auto& in : node.inputs) {
      if (!in || *in == node.id) continue;
      const int p = node_position(w, *in);
      if (p < 0) {
        throw InputError(w.source, "node " + std::to_string(node.id.value),
                         "input from unknown node " + std::to_string(in->value));
      }
      auto& preds = g.preds[i];
      if (std::find(preds.begin(), preds.end(), p) == preds.end()) preds.push_back(p);
    }
  }
  // Successors in edge-insertion order: an edge p -> i is inserted when node i is added, so the
  // consumers of p come in ascending position.
  for (std::size_t i = 0; i < n; ++i) {
    for (int p : g.preds[i]) g.succs[static_cast<std::size_t>(p)].push_back(static_cast<int>(i));
  }
  // networkx topological_generations: generation 0 = nodes without predecessor in node order;
  // a node joins the next generation when its last predecessor is scanned.
  std::vector<int> indegree(n);
  std::vector<int> gen;
  for (std::size_t i = 0; i < n; ++i) {
    indegree[i] = static_cast<int>(g.preds[i].size());
    if (indegree[i] == 0) gen.push_back(static_cast<int>(i));
  }
  g.topo.reserve(n);
  std::vector<int> next;
  while (!gen.empty()) {
    next.clear();
    for (int u : gen) {
      for (int c : g.succs[static_cast<std::size_t>(u)]) {
        if (--indegree[static_cast<std::size_t>(c)] == 0) next.push_back(c);
      }
    }
    g.topo.insert(g.topo.end(), gen.begin(), gen.end());
    std::swap(gen, next);
  }
  if (g.topo.size() != n) {
    throw InputError(w.source, "(graph)", "the workload graph has a cycle");
  }
  return g;
}

FreeClass classify(NodeKind kind, const TilerOptions& opt) {
  switch (kind) {
    case NodeKind::kLayer:
      return FreeClass::kLayer;
    case NodeKind::kPassThrough:
      return FreeClass::kDummy;
    case NodeKind::kReshape:
    case NodeKind::kTranspose:
      return FreeClass::kShape;
    case NodeKind::kConcat:
    case NodeKind::kBroadcast:
    case NodeKind::kReduce:
      return opt.exact_free_nodes ? FreeClass::kShape : FreeClass::kDummy;
  }
  return FreeClass::kDummy;
}

std::int64_t index_extent(const LayerSpec& l, workload::OperandIndex idx) {
  if (!idx.is_relation) return l.dims[static_cast<std::size_t>(idx.index)].size;
  // Positional extent: the last index read plus one, without the end padding (ZigZag's unique
  // count differs when the kernel is smaller than the stride).
  const auto& r = l.relations[static_cast<std::size_t>(idx.index)];
  return r.coef_a * (l.dims[static_cast<std::size_t>(r.dim_a)].size - 1) +
         r.coef_b * (l.dims[static_cast<std::size_t>(r.dim_b)].size - 1) + 1 - r.pad_begin -
         r.pad_end;
}

BoxLayout box_layout(const LayerSpec& l, int operand, std::int64_t c_size, std::int64_t k_size) {
  const auto& op = l.operands[static_cast<std::size_t>(operand)];
  const int dim_g = l.dim_index("G");
  const int dim_c = l.dim_index("C");
  const int dim_k = l.dim_index("K");
  int pos_g = -1, pos_c = -1, pos_k = -1;
  for (std::size_t i = 0; i < op.indices.size(); ++i) {
    const auto& idx = op.indices[i];
    if (idx.is_relation) continue;
    if (idx.index == dim_g && pos_g < 0) pos_g = static_cast<int>(i);
    if (idx.index == dim_c && pos_c < 0) pos_c = static_cast<int>(i);
    if (idx.index == dim_k && pos_k < 0) pos_k = static_cast<int>(i);
  }
  int pos_x = -1;
  std::int64_t x_size = 1;
  if (pos_g >= 0 && pos_c >= 0) {
    pos_x = pos_c;
    x_size = c_size;
  } else if (pos_g >= 0 && pos_k >= 0) {
    pos_x = pos_k;
    x_size = k_size;
  }
  BoxLayout layout;
  const int merged_at = pos_x >= 0 ? std::min(pos_g, pos_x) : -1;
  for (int i = 0; i < static_cast<int>(op.indices.size()); ++i) {
    if (pos_x >= 0 && (i == pos_g || i == pos_x)) {
      if (i == merged_at) layout.entries.push_back({pos_g, pos_x, x_size});
      continue;
    }
    layout.entries.push_back({i, -1, 1});
  }
  return layout;
}

}  // namespace stream::tiler::detail
