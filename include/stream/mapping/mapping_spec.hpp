#pragma once
/// A mapping (formats.md "Mapping"): per layer name / operator type / default, the cores a
/// layer may run on and how it is cut into computation nodes; plus the scheduler options and
/// the hybrid-granularity cutoffs of the map form.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/common/ids.hpp"

namespace stream::mapping {

/// One outer-CN loop: split loop `dim` into `size` parts. `all` = as many as the loop is long
/// (one CN per index); `any` = '*' (the allocator may choose; inter-core tiling only).
struct TilingLoop {
  std::string dim;  ///< upper case loop dimension
  std::int64_t size = 1;
  bool all = false;
  bool any = false;
  bool operator==(const TilingLoop&) const = default;
};

struct MappingEntrySpec {
  std::string name;                       ///< node name, operator type, or "default"
  std::vector<CoreId> core_allocation;    ///< one = fixed; several = the allocator chooses
  bool core_allocation_is_fixed = false;  ///< with an inter-core split: group k -> core k
  std::optional<std::vector<TilingLoop>> intra_core_tiling;  ///< absent = layer by layer
  std::vector<TilingLoop> inter_core_tiling;
  std::string where;  ///< YAML path and line in MappingSpec::file, for messages
};

struct TilingCutoff {
  std::optional<std::int64_t> below_layer;  ///< absent = the catch-all last item
  std::vector<TilingLoop> intra_core_tiling;
};

enum class SchedulerPriority : std::uint8_t { kMemory, kLatency };
std::string_view to_string(SchedulerPriority p);

struct SchedulerOptions {
  SchedulerPriority priority = SchedulerPriority::kMemory;
  std::vector<std::string> prefetch;  ///< layer operand names, e.g. {"W"}
};

struct MappingSpec {
  std::string file;
  std::vector<MappingEntrySpec> entries;
  std::vector<TilingCutoff> tiling_cutoffs;
  SchedulerOptions scheduler;
  bool has_scheduler = false;  ///< the file gave `scheduler:`

  /// The entry for a node: by node name, then operator type, then "default"; nullptr if none.
  const MappingEntrySpec* lookup(std::string_view node_name, std::string_view op_type) const;
  /// The outer-CN loops of a layer: the tiling_cutoffs item for its id when cutoffs are given,
  /// else the entry's intra_core_tiling, else none (layer by layer).
  std::vector<TilingLoop> intra_core_tiling_for(LayerId id, const MappingEntrySpec* entry) const;
};

/// Reads a mapping file, list form or map form (`layers:`, `scheduler:`, `tiling_cutoffs:`).
MappingSpec read_mapping(const std::string& path);
MappingSpec parse_mapping(const std::string& text, const std::string& name);

}  // namespace stream::mapping
