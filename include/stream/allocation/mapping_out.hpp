#pragma once
/// The chosen allocation as a mapping file that reproduces it exactly when read back (what
/// `stream-hpc eval --write-mapping` writes and `--allocator fixed` reads): the base mapping
/// with one named entry per flexible layer in front, fixing its core (one core for all its
/// groups, or core_allocation_is_fixed with the core of each group), with the base entry's
/// tilings; the other entries, the tiling cutoffs and the scheduler section are kept.

#include <string>

#include "stream/allocation/problem.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::allocation {

/// Throws InputError (naming the base mapping file) when a flexible layer has no name (no
/// entry could address it) or two flexible layers share a name with different allocations.
mapping::MappingSpec fixed_mapping(const workload::WorkloadSpec& workload,
                                   const mapping::MappingSpec& base,
                                   const AllocationProblem& problem, const Genome& genome);

/// The mapping in formats.md's map form (`layers:`, `tiling_cutoffs:`, `scheduler:`), with
/// names double-quoted; read_mapping/parse_mapping read it back to an equal MappingSpec (up to
/// `file` and `where`).
std::string mapping_yaml(const mapping::MappingSpec& mapping);

}  // namespace stream::allocation
