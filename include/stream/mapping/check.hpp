#pragma once
/// Cross-checks a mapping against the workload and accelerator it is used with: every layer
/// has an entry, every allocated core exists, computes and accepts the layer's operator, every
/// prefetch operand exists. Throws stream::InputError naming the mapping file and entry.

#include "stream/common/yaml_node.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::mapping {

void check_mapping(const MappingSpec& m, const workload::WorkloadSpec& w,
                   const hardware::AcceleratorSpec& acc);

/// A mapping from an already loaded YAML document.
MappingSpec mapping_from_yaml(const yaml::Node& root);

}  // namespace stream::mapping
