#pragma once
/// A multi-core accelerator: cores with ids, the off-chip (DRAM) core, the communication
/// channels between them, shared top memories, and a route for every ordered core pair
/// (formats.md "Accelerator file"; stream-model.md §2a).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/hardware/core_spec.hpp"

namespace stream::hardware {

struct CoreInstance {
  CoreId id;
  std::shared_ptr<const CoreSpec> spec;  ///< cores read from the same file share one spec
};

enum class ChannelKind : std::uint8_t { kLink, kBus };

/// One physical channel with its own busy timeline. A `link` entry gives two channels (one per
/// direction) or one when directed; a `bus` entry gives one channel shared by all its hops.
struct ChannelSpec {
  std::string label;  ///< e.g. "link 0->1", "bus [6,0,1,2,3] hub 6"
  ChannelKind kind = ChannelKind::kLink;
  double bandwidth_bits_per_cycle = 0;          ///< may be +inf (a transfer then takes 0 cycles)
  double energy_pj_per_cycle = 0;               ///< per cycle the channel is busy
  std::vector<std::pair<CoreId, CoreId>> hops;  ///< the directed core pairs it connects
};

/// A route from one core to another: the cores visited and the channel used for each hop.
struct Route {
  std::vector<CoreId> cores;  ///< source first, destination last
  std::vector<int> channels;  ///< index into AcceleratorSpec::channels, one per hop
};

/// A top-level memory instance as the scheduler tracks it: one per (core, top level), except
/// that cores sharing a memory (core_memory_sharing) have one instance between them.
struct TopMemoryInstance {
  int index = -1;
  std::string name;
  std::vector<std::pair<CoreId, int>> owners;  ///< (core, level index), ascending core id
  std::vector<MemOperand> operands;
  std::int64_t capacity_bits = 0;
};

/// A `core_memory_sharing` entry: the named top memory (or, when `memory` is empty, every top
/// memory) of these cores is one physical instance.
struct MemorySharingSpec {
  std::string memory;
  std::vector<CoreId> cores;
};

struct AcceleratorSpec {
  std::string name;
  std::string file;
  std::vector<CoreInstance> cores;  ///< ascending id; the off-chip core included
  CoreId offchip_core;
  double default_unit_energy_cost = 0;  ///< pJ per busy cycle, for entries without their own
  std::vector<ChannelSpec> channels;
  std::vector<MemorySharingSpec> sharing;
  std::vector<TopMemoryInstance> top_memories;
  /// Core-graph adjacency: for each ordered hop (a, b) the channel serving it (the first
  /// declared one when several do), in declaration order.
  std::vector<std::pair<std::pair<CoreId, CoreId>, int>> hop_channels;
  std::map<std::pair<CoreId, CoreId>, Route> routes;  ///< every ordered pair with a path
  std::map<std::pair<CoreId, CoreId>, bool> pinned;   ///< pairs whose route the file pinned

  const CoreInstance* find_core(CoreId id) const;
  const CoreSpec& core(CoreId id) const;  ///< throws InternalError when absent
  std::vector<CoreId> core_ids() const;
  std::vector<CoreId> compute_core_ids() const;  ///< every core but the off-chip one
  /// The route from `from` to `to`, or nullptr when unreachable (or from == to).
  const Route* route(CoreId from, CoreId to) const;
  /// Index into top_memories of core `c`'s instance for memory operand `op`, or -1.
  int top_memory_of(CoreId c, MemOperand op) const;
};

}  // namespace stream::hardware
