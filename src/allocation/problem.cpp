#include "stream/allocation/problem.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "stream/common/error.hpp"

namespace stream::allocation {

bool AllocationProblem::valid(const Genome& g) const {
  if (g.size() != genes.size()) return false;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto& a = genes[i].allowed;
    if (std::find(a.begin(), a.end(), CoreId(g[i])) == a.end()) return false;
  }
  return true;
}

void AllocationProblem::cn_cores(const Genome& g, std::vector<CoreId>& out) const {
  STREAM_ASSERT(g.size() == genes.size(), "genome length differs from the gene count");
  out.resize(cn_gene.size());
  for (std::size_t c = 0; c < cn_gene.size(); ++c) {
    out[c] = cn_gene[c] < 0 ? fixed_core[c] : CoreId(g[static_cast<std::size_t>(cn_gene[c])]);
  }
}

std::vector<CoreId> AllocationProblem::cn_cores(const Genome& g) const {
  std::vector<CoreId> out;
  cn_cores(g, out);
  return out;
}

bool AllocationProblem::genome_of(const std::vector<CoreId>& cn_core, Genome& out) const {
  if (cn_core.size() != cn_gene.size()) return false;
  out.assign(genes.size(), -1);
  for (std::size_t c = 0; c < cn_gene.size(); ++c) {
    const int g = cn_gene[c];
    if (g < 0) {
      if (cn_core[c] != fixed_core[c]) return false;
      continue;
    }
    auto& v = out[static_cast<std::size_t>(g)];
    if (v >= 0 && v != cn_core[c].value) return false;
    v = cn_core[c].value;
  }
  return valid(out);
}

double AllocationProblem::log2_space_size() const {
  double s = 0;
  for (const auto& g : genes) s += std::log2(static_cast<double>(g.allowed.size()));
  return s;
}

AllocationProblem build_problem(const workload::WorkloadSpec& workload,
                                const mapping::MappingSpec& mapping, const tiler::CnGraph& graph) {
  STREAM_ASSERT(graph.layer_cns.size() == workload.layers.size(),
                "CN graph built for another workload");
  AllocationProblem p;
  p.cn_gene.assign(graph.cns.size(), -1);
  p.fixed_core.assign(graph.cns.size(), CoreId());
  for (std::size_t li = 0; li < workload.layers.size(); ++li) {
    const auto& cns = graph.layer_cns[li];
    if (cns.empty()) continue;
    const auto& layer = workload.layers[li];
    const std::string what = "layer " + std::to_string(layer.id.value) + " '" + layer.name +
                             "' (operator " + layer.operator_type + ")";
    const auto* entry = mapping.lookup(layer.name, layer.operator_type);
    if (entry == nullptr) {
      throw InputError(mapping.file, "layers", "no entry for " + what + " and no 'default' entry");
    }
    std::vector<CoreId> allowed;
    for (auto c : entry->core_allocation) {
      if (std::find(allowed.begin(), allowed.end(), c) == allowed.end()) allowed.push_back(c);
    }
    if (allowed.empty()) throw InputError(mapping.file, entry->where, "empty core_allocation");
    int groups = 0;
    for (int c : cns) groups = std::max(groups, graph.cns[static_cast<std::size_t>(c)].group + 1);
    const bool per_group_fixed = entry->core_allocation_is_fixed && allowed.size() > 1;
    if (per_group_fixed && entry->core_allocation.size() < static_cast<std::size_t>(groups)) {
      throw InputError(mapping.file, entry->where,
                       what + " has " + std::to_string(groups) +
                           " groups but core_allocation_is_fixed lists only " +
                           std::to_string(entry->core_allocation.size()) + " cores");
    }
    if (allowed.size() == 1 || per_group_fixed) {
      for (int c : cns) {
        const auto cu = static_cast<std::size_t>(c);
        const int g = graph.cns[cu].group;
        p.fixed_core[cu] =
            per_group_fixed ? entry->core_allocation[static_cast<std::size_t>(g)] : allowed.front();
      }
      continue;
    }
    const int first_gene = static_cast<int>(p.genes.size());
    for (int g = 0; g < groups; ++g) {
      Gene gene;
      gene.layer_index = static_cast<int>(li);
      gene.layer = layer.id;
      gene.group = g;
      gene.allowed = allowed;
      p.genes.push_back(std::move(gene));
    }
    for (int c : cns) {
      const int g = graph.cns[static_cast<std::size_t>(c)].group;
      p.cn_gene[static_cast<std::size_t>(c)] = first_gene + g;
      p.genes[static_cast<std::size_t>(first_gene + g)].cns.push_back(c);
    }
  }
  // A group without CNs cannot happen with the tiler's numbering, but keep genes meaningful.
  for (const auto& g : p.genes) STREAM_ASSERT(!g.cns.empty(), "gene without CNs");
  return p;
}

}  // namespace stream::allocation
