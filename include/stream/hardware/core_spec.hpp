#pragma once
/// A core in ZigZag's terms (zigzag-model.md §2): an operational array, a memory hierarchy per
/// memory operand (innermost level first) with ports and served array dimensions, and one or
/// more dataflows (spatial unrollings). Read from ZigZag core files in either port style.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stream/workload/layer_spec.hpp"

namespace stream::hardware {

using workload::kNumMemOperands;
using workload::MemOperand;

enum class PortType : std::uint8_t { kRead, kWrite, kReadWrite };

/// Data-movement directions of a memory level (ZigZag): fh = written from the level above,
/// tl = read towards the level below, fl = written from below (partial sums), th = read towards
/// the level above.
enum class Direction : std::uint8_t { kFromHigh = 0, kToLow = 1, kFromLow = 2, kToHigh = 3 };
inline constexpr int kNumDirections = 4;
std::string_view to_string(Direction d);
std::string_view to_string(PortType t);

struct PortAllocation {
  MemOperand operand;
  Direction direction;
  bool operator==(const PortAllocation&) const = default;
};

struct PortSpec {
  std::string name;  ///< r_port_1, w_port_1, rw_port_1, ...
  PortType type;
  double bandwidth_min_bits;  ///< bits per cycle (access granularity)
  double bandwidth_max_bits;  ///< bits per cycle (word width)
  std::vector<PortAllocation> allocations;
};

/// One physical memory macro.
struct MemoryInstanceSpec {
  std::string name;
  std::int64_t size_bits = 0;
  double r_cost_pj = 0;  ///< per access of r_bw bits
  double w_cost_pj = 0;  ///< per access of w_bw bits
  double area = 0;
  std::int64_t latency_cycles = 1;  ///< not used by the 2.x cost model
  double r_bw_bits = 0;             ///< bits per cycle
  double w_bw_bits = 0;
  double r_granularity_bits = 0;  ///< min_r_granularity (default = r_bw)
  double w_granularity_bits = 0;
  int r_ports = 0;
  int w_ports = 0;
  int rw_ports = 0;
  std::vector<PortSpec> ports;
};

/// A memory instance placed in the hierarchy.
struct MemoryLevelSpec {
  MemoryInstanceSpec memory;
  std::vector<MemOperand> operands;    ///< the memory operands stored here
  std::vector<int> served_dimensions;  ///< array dims (indices) one instance spans
  /// port_alloc[op][dir] = index into memory.ports, or -1 when op/dir is not served here.
  std::array<std::array<int, kNumDirections>, kNumMemOperands> port_alloc{};

  bool holds(MemOperand op) const;
  /// Number of instances = product of the sizes of the array dims NOT served.
  std::int64_t instance_count(const std::vector<std::int64_t>& array_sizes) const;
};

struct OperationalArraySpec {
  std::vector<std::string> dimensions;  ///< D1, D2, ...
  std::vector<std::int64_t> sizes;
  double unit_energy_pj = 0;  ///< per operation (MAC); may be +inf for an off-chip core
  double unit_area = 0;
  std::int64_t total_units() const;
};

/// One spatial unrolling: for each array dimension the layer loop(s) unrolled on it,
/// e.g. {D1: [K, 32], D2: [C, 32]}.
struct SpatialUnroll {
  int array_dim;         ///< index into OperationalArraySpec::dimensions
  std::string loop_dim;  ///< layer loop dimension, upper case
  std::int64_t unroll;   ///< >= 1
  bool operator==(const SpatialUnroll&) const = default;
};
using Dataflow = std::vector<SpatialUnroll>;

enum class CoreType : std::uint8_t { kCompute, kOffchip };

struct CoreSpec {
  std::string name;
  std::string file;  ///< the file it was read from (for messages)
  CoreType type = CoreType::kCompute;
  std::vector<MemoryLevelSpec> levels;  ///< innermost first (the order the file lists them)
  OperationalArraySpec array;
  std::vector<Dataflow> dataflows;  ///< candidates; the cost model keeps the min-latency one
  std::vector<std::string> operator_types;  ///< operators this core accepts; empty = any

  /// Level indices holding `op`, innermost first.
  std::vector<int> levels_of(MemOperand op) const;
  /// Top-level memories: levels that no operand they hold continues above (out-degree 0 in
  /// ZigZag's memory-hierarchy graph), in hierarchy order.
  std::vector<int> top_levels() const;
  /// The core's top memory for memory operand `op`: the first top level holding it, or the
  /// outermost level holding it, or -1 when no level serves `op`.
  int top_level_for(MemOperand op) const;
  /// A hash of everything that determines costs (array, hierarchy, dataflows), not the name or
  /// the file: identical cores hash equally, so costs are shared between them.
  std::uint64_t content_hash() const;
};

}  // namespace stream::hardware
