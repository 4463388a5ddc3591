#pragma once
/// The layer-core allocation problem (stream-model.md §6): one gene per flexible (layer, group)
/// of the CN graph, its value a core id drawn from the mapping entry's allowed cores; every
/// other (layer, group) has its core fixed up front (a one-core entry, or group k -> core k of
/// a core_allocation_is_fixed entry). Built once per (workload, mapping, CN graph) and shared
/// read-only by every evaluation.

#include <cstdint>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::allocation {

/// One core id value per gene (problem order). Small integers: equality and hashing are cheap.
using Genome = std::vector<std::int32_t>;

struct Gene {
  int layer_index = -1;  ///< index into WorkloadSpec::layers
  LayerId layer;
  int group = 0;
  std::vector<CoreId> allowed;  ///< the entry's cores, in the entry's order, no duplicates
  std::vector<int> cns;         ///< the CNs of this (layer, group), graph order
};

struct AllocationProblem {
  /// Flexible (layer, group) pairs, ascending (layer id, group) as Stream orders its genes.
  std::vector<Gene> genes;
  /// Per CN (graph order): its gene, or -1 when its core is fixed.
  std::vector<int> cn_gene;
  /// Per CN: the fixed core (valid only where cn_gene == -1).
  std::vector<CoreId> fixed_core;

  std::size_t gene_count() const { return genes.size(); }
  bool flexible() const { return !genes.empty(); }
  /// true when the genome has one value per gene, each among the gene's allowed cores.
  bool valid(const Genome& g) const;
  /// The core of every CN under genome `g` (resized to the CN count).
  void cn_cores(const Genome& g, std::vector<CoreId>& out) const;
  std::vector<CoreId> cn_cores(const Genome& g) const;
  /// The genome that reproduces a per-CN core assignment; false when the assignment is not
  /// one core per (layer, group), disagrees with a fixed core or uses a core not allowed.
  bool genome_of(const std::vector<CoreId>& cn_core, Genome& out) const;
  /// log2 of the number of distinct genomes.
  double log2_space_size() const;
};

/// Builds the problem from the tiler's graph and the mapping it was cut with. Throws
/// InputError (naming the mapping file) for a layer without entry or with an empty core list,
/// or a core_allocation_is_fixed entry with fewer cores than the layer has groups.
AllocationProblem build_problem(const workload::WorkloadSpec& workload,
                                const mapping::MappingSpec& mapping, const tiler::CnGraph& graph);

}  // namespace stream::allocation
