#include "stream/evaluate/fixed_allocation.hpp"

#include "stream/common/error.hpp"

namespace stream::evaluate {

std::vector<CoreId> fixed_allocation(const workload::WorkloadSpec& workload,
                                     const mapping::MappingSpec& mapping,
                                     const tiler::CnGraph& graph) {
  std::vector<const mapping::MappingEntrySpec*> entry(workload.layers.size(), nullptr);
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const auto& l = workload.layers[i];
    entry[i] = mapping.lookup(l.name, l.operator_type);
    if (entry[i] == nullptr || entry[i]->core_allocation.empty()) {
      throw InputError(mapping.file, "layers",
                       "no core allocation for layer " + std::to_string(l.id.value) + " '" +
                           l.name + "' (" + l.operator_type + ")");
    }
  }
  std::vector<CoreId> out(graph.cns.size());
  for (std::size_t i = 0; i < graph.cns.size(); ++i) {
    const auto& c = graph.cns[i];
    const auto& cores = entry[static_cast<std::size_t>(c.layer_index)]->core_allocation;
    out[i] = cores[static_cast<std::size_t>(c.group) % cores.size()];
  }
  return out;
}

bool allocation_is_flexible(const workload::WorkloadSpec& workload,
                            const mapping::MappingSpec& mapping) {
  for (const auto& l : workload.layers) {
    const auto* e = mapping.lookup(l.name, l.operator_type);
    if (e != nullptr && e->core_allocation.size() > 1 && !e->core_allocation_is_fixed) return true;
  }
  return false;
}

}  // namespace stream::evaluate
