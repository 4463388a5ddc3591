#include "stream/workload/workload_spec.hpp"

#include <algorithm>

namespace stream::workload {

std::string_view to_string(NodeKind kind) {
  switch (kind) {
    case NodeKind::kLayer:
      return "layer";
    case NodeKind::kPassThrough:
      return "pass-through";
    case NodeKind::kReshape:
      return "reshape";
    case NodeKind::kTranspose:
      return "transpose";
    case NodeKind::kConcat:
      return "concat";
    case NodeKind::kBroadcast:
      return "broadcast";
    case NodeKind::kReduce:
      return "reduce";
  }
  return "?";
}

const NodeSpec* WorkloadSpec::find_node(LayerId id) const {
  auto it = std::lower_bound(nodes.begin(), nodes.end(), id,
                             [](const NodeSpec& n, LayerId v) { return n.id < v; });
  return (it != nodes.end() && it->id == id) ? &*it : nullptr;
}

const LayerSpec* WorkloadSpec::find_layer(LayerId id) const {
  auto it = std::lower_bound(layers.begin(), layers.end(), id,
                             [](const LayerSpec& l, LayerId v) { return l.id < v; });
  return (it != layers.end() && it->id == id) ? &*it : nullptr;
}

std::vector<LayerId> WorkloadSpec::consumers(LayerId id) const {
  std::vector<LayerId> out;
  for (const auto& n : nodes) {
    for (const auto& in : n.inputs) {
      if (in && *in == id) {
        out.push_back(n.id);
        break;
      }
    }
  }
  return out;
}

std::vector<LayerId> WorkloadSpec::costed_producers(LayerId id) const {
  std::vector<LayerId> out;
  std::vector<LayerId> stack;
  const NodeSpec* start = find_node(id);
  if (start == nullptr) return out;
  for (const auto& in : start->inputs) {
    if (in) stack.push_back(*in);
  }
  std::vector<LayerId> seen;
  while (!stack.empty()) {
    const LayerId cur = stack.back();
    stack.pop_back();
    if (std::find(seen.begin(), seen.end(), cur) != seen.end()) continue;
    seen.push_back(cur);
    const NodeSpec* n = find_node(cur);
    if (n == nullptr) continue;
    if (n->kind == NodeKind::kLayer) {
      out.push_back(cur);
    } else {
      for (const auto& in : n->inputs) {
        if (in) stack.push_back(*in);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::int64_t WorkloadSpec::total_macs() const {
  std::int64_t m = 0;
  for (const auto& l : layers) m += l.mac_count();
  return m;
}

}  // namespace stream::workload
