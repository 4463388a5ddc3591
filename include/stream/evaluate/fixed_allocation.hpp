#pragma once
/// The fixed allocation of a mapping (Allocator::kFixed, stream-model.md §6): every CN runs on a
/// core of its layer's mapping entry.

#include <string>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::evaluate {

/// Per CN (graph order) its core: group k of a layer runs on core_allocation[k mod n] of the
/// layer's mapping entry (a one-core entry: that core for every group; a fixed tuple: group k
/// -> core k). An entry listing several cores without an inter-core split thus runs on its
/// first core. Throws InputError (naming the mapping file) for a layer without an entry or an
/// entry without cores.
std::vector<CoreId> fixed_allocation(const workload::WorkloadSpec& workload,
                                     const mapping::MappingSpec& mapping,
                                     const tiler::CnGraph& graph);

/// True when some layer's entry lists several cores (the allocator would choose).
bool allocation_is_flexible(const workload::WorkloadSpec& workload,
                            const mapping::MappingSpec& mapping);

}  // namespace stream::evaluate
