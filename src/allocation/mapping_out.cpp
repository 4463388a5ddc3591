#include "stream/allocation/mapping_out.hpp"

#include <map>
#include <sstream>

#include "stream/common/error.hpp"

namespace stream::allocation {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string tiling(const std::vector<mapping::TilingLoop>& loops) {
  std::string out = "[";
  for (std::size_t i = 0; i < loops.size(); ++i) {
    const auto& t = loops[i];
    if (i > 0) out += ", ";
    out += "[" + t.dim + ", ";
    out += t.all ? "all" : t.any ? "\"*\"" : std::to_string(t.size);
    out += "]";
  }
  return out + "]";
}

}  // namespace

mapping::MappingSpec fixed_mapping(const workload::WorkloadSpec& workload,
                                   const mapping::MappingSpec& base,
                                   const AllocationProblem& problem, const Genome& genome) {
  STREAM_ASSERT(problem.valid(genome), "genome does not fit the problem");
  // Per flexible layer: the core of each group, in group order.
  std::map<int, std::vector<CoreId>> layer_cores;
  for (std::size_t i = 0; i < problem.genes.size(); ++i) {
    const auto& g = problem.genes[i];
    auto& v = layer_cores[g.layer_index];
    if (v.size() <= static_cast<std::size_t>(g.group))
      v.resize(static_cast<std::size_t>(g.group) + 1);
    v[static_cast<std::size_t>(g.group)] = CoreId(genome[i]);
  }
  mapping::MappingSpec out;
  out.file = base.file;
  out.tiling_cutoffs = base.tiling_cutoffs;
  out.scheduler = base.scheduler;
  out.has_scheduler = base.has_scheduler;
  std::map<std::string, std::vector<CoreId>> by_name;
  for (const auto& [li, cores] : layer_cores) {
    const auto& layer = workload.layers[static_cast<std::size_t>(li)];
    const std::string what = "layer " + std::to_string(layer.id.value);
    if (layer.name.empty()) {
      throw InputError(base.file, "layers",
                       what + " has no name: its allocation cannot be written as an entry");
    }
    const auto* entry = base.lookup(layer.name, layer.operator_type);
    STREAM_ASSERT(entry != nullptr, "flexible layer without a mapping entry");
    bool same = true;
    for (auto c : cores) same = same && c == cores.front();
    mapping::MappingEntrySpec e;
    e.name = layer.name;
    e.core_allocation = same ? std::vector<CoreId>{cores.front()} : cores;
    e.core_allocation_is_fixed = !same;
    e.intra_core_tiling = entry->intra_core_tiling;
    e.inter_core_tiling = entry->inter_core_tiling;
    auto [it, fresh] = by_name.emplace(layer.name, cores);
    if (!fresh) {
      if (it->second != cores) {
        throw InputError(base.file, "layers",
                         "two flexible layers are called '" + layer.name +
                             "' and get different cores: no entry can address one of them");
      }
      continue;
    }
    out.entries.push_back(std::move(e));
  }
  for (const auto& e : base.entries) {
    if (by_name.count(e.name) == 0) out.entries.push_back(e);
  }
  // Every layer must find what it had (flexible layers: their cores) through the new entries;
  // a layer name that is also an operator type, or shared with another layer, could break it.
  for (std::size_t li = 0; li < workload.layers.size(); ++li) {
    const auto& layer = workload.layers[li];
    const auto* before = base.lookup(layer.name, layer.operator_type);
    const auto* after = out.lookup(layer.name, layer.operator_type);
    if (before == nullptr) continue;
    bool ok = after != nullptr && after->intra_core_tiling == before->intra_core_tiling &&
              after->inter_core_tiling == before->inter_core_tiling;
    const auto it = layer_cores.find(static_cast<int>(li));
    if (ok && it == layer_cores.end()) {
      ok = after->core_allocation == before->core_allocation &&
           after->core_allocation_is_fixed == before->core_allocation_is_fixed;
    } else if (ok) {
      ok = after->name == layer.name;
    }
    if (!ok) {
      throw InputError(base.file, "layers",
                       "the allocation cannot be written as a mapping: layer " +
                           std::to_string(layer.id.value) + " '" + layer.name +
                           "' would be addressed by another layer's entry");
    }
  }
  return out;
}

std::string mapping_yaml(const mapping::MappingSpec& m) {
  std::ostringstream os;
  os << "# Written by stream-hpc: a fixed allocation (formats.md, Mapping).\n";
  os << "layers:\n";
  for (const auto& e : m.entries) {
    os << "  - name: " << quoted(e.name) << "\n";
    os << "    core_allocation: [";
    for (std::size_t i = 0; i < e.core_allocation.size(); ++i) {
      os << (i > 0 ? ", " : "") << e.core_allocation[i].value;
    }
    os << "]\n";
    if (e.core_allocation_is_fixed) os << "    core_allocation_is_fixed: true\n";
    if (e.intra_core_tiling)
      os << "    intra_core_tiling: " << tiling(*e.intra_core_tiling) << "\n";
    if (!e.inter_core_tiling.empty()) {
      os << "    inter_core_tiling: " << tiling(e.inter_core_tiling) << "\n";
    }
  }
  if (!m.tiling_cutoffs.empty()) {
    os << "tiling_cutoffs:\n";
    for (const auto& c : m.tiling_cutoffs) {
      os << "  - {";
      if (c.below_layer) os << "below_layer: " << *c.below_layer << ", ";
      os << "intra_core_tiling: " << tiling(c.intra_core_tiling) << "}\n";
    }
  }
  if (m.has_scheduler) {
    os << "scheduler: {priority: " << mapping::to_string(m.scheduler.priority) << ", prefetch: [";
    for (std::size_t i = 0; i < m.scheduler.prefetch.size(); ++i) {
      os << (i > 0 ? ", " : "") << quoted(m.scheduler.prefetch[i]);
    }
    os << "]}\n";
  }
  return os.str();
}

}  // namespace stream::allocation
