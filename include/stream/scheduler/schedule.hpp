#pragma once
/// The scheduler (stream-model.md §7): a greedy list scheduler over the CN graph that places
/// each CN at the earliest time its core, its predecessors, its input transfers (link windows,
/// receiver space, evictions) and the space for its output allow, and books Stream's nine
/// energy terms. Paper-era semantics (Stream 5e094e6c) by default; the June-2023 validation
/// branch's candidate order as an option (§7.5, validation/README.md).
///
/// An infeasible schedule (a tensor larger than a memory that must hold it, a transfer between
/// cores without a route, a memory overflow) is a result with a status and a reason naming the
/// CN and the memory; schedule() never throws for it. Inconsistent arguments (vector sizes that
/// do not match the graph) throw stream::InternalError.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/cost/cn_cost.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::scheduler {

enum class Priority : std::uint8_t {
  kMemory,   ///< finish the current layer stack, deepest layer first (Stream's default)
  kLatency,  ///< earliest predecessors-done time first
};

enum class Semantics : std::uint8_t {
  /// Stream 5e094e6c (Nov 2023): layer stacks, memory key (-stack, layer, -group, cn),
  /// latency ties by layer then list order.
  kStream2023,
  /// Stream's June-2023 validation branch (34853444): no layer stacks; memory picks the highest
  /// (layer id, CN index), latency the earliest (predecessors-done time, layer id, CN index).
  kValidation2023,
};

/// Opt-in fixes of bugs of Stream's scheduler (stream-model.md §11). The default, no fix, is
/// Stream's exact behaviour (the references are reproduced with it). Stream2023 semantics only.
enum class Fix : std::uint8_t {
  /// Stream issue #70: a transfer's source is the holder whose transfer would end first (DRAM
  /// or an on-chip copy, in flight included; ties -> on-chip), not the copy held longest (DRAM
  /// for every constant tensor), so two cores needing one tensor fetch it from DRAM once.
  kShareFetches = 0,
  /// Stream commit e2f91a9b (2024-03): make_space returns max(t_fit, t_evictions) instead of
  /// t, so an output that fits only later waits instead of overflowing the memory.
  kWaitForSpace = 1,
};
inline constexpr int kNumFixes = 2;

/// The fixes' names, in Fix order: share-fetches, wait-for-space.
const std::array<const char*, kNumFixes>& fix_names();

/// A set of fixes (empty = Stream's behaviour).
class Fixes {
 public:
  bool has(Fix f) const { return (bits_ >> static_cast<unsigned>(f)) & 1U; }
  void set(Fix f) { bits_ |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(f)); }
  bool empty() const { return bits_ == 0; }
  static Fixes all();
  /// The names of the fixes in the set, in Fix order.
  std::vector<std::string> names() const;
  /// The names joined by ',' ("" for none).
  std::string to_string() const;
  bool operator==(const Fixes&) const = default;

 private:
  std::uint8_t bits_ = 0;
};

/// Parses a comma-separated list of fix names or "all" ("" or "none": no fix); spaces around
/// names are ignored. An unknown name throws InputError(file, field, ...) listing the valid ones.
Fixes parse_fixes(std::string_view list, const std::string& file, const std::string& field);
/// The same for a list of names.
Fixes parse_fixes(const std::vector<std::string>& names, const std::string& file,
                  const std::string& field);

struct ScheduleOptions {
  Priority priority = Priority::kMemory;
  /// Layer operand names whose constant tensors are moved to their cores before the first CN
  /// (Stream's operands_to_prefetch, e.g. {"W"}).
  std::vector<std::string> prefetch;
  Semantics semantics = Semantics::kStream2023;
  /// Record the transfer events and the memory curves (ScheduleResult::trace).
  bool record_trace = false;
  /// Opt-in fixes of Stream's known bugs; must be empty with Semantics::kValidation2023.
  Fixes fixes;
};

/// Everything one schedule needs. The pointers must outlive the call.
struct ScheduleSpec {
  const workload::WorkloadSpec* workload = nullptr;
  const hardware::AcceleratorSpec* accelerator = nullptr;
  const tiler::CnGraph* graph = nullptr;
  std::vector<CoreId> cn_core;        ///< per CN (graph order): the core it runs on
  std::vector<cost::CnCost> cn_cost;  ///< per CN: its cost on that core
  ScheduleOptions options;
};

enum class ScheduleStatus : std::uint8_t {
  kOk,
  kMemoryCapacity,  ///< a tensor that does not fit a memory that must hold it
  kUnreachable,     ///< a transfer between cores without a route
};

/// Stream's nine energy terms, in Stream's order (metrics.json names).
inline constexpr int kNumEnergyTerms = 9;
enum EnergyTerm : int {
  kCnOnchip = 0,
  kCnOffchipLink,
  kCnOffchipMemory,
  kEvictionLink,
  kEvictionMemory,
  kSinkLink,
  kSinkMemory,
  kCoreToCoreLink,
  kCoreToCoreMemory,
};
const std::array<const char*, kNumEnergyTerms>& energy_term_names();

struct MemoryPeak {
  int instance = -1;  ///< index into AcceleratorSpec::top_memories
  std::string memory;
  std::vector<CoreId> cores;
  std::int64_t peak_bits = 0;
  std::int64_t capacity_bits = 0;
};

struct CoreUsage {
  CoreId core;
  std::int64_t busy_cycles = 0;  ///< sum of the runtimes of its CNs
  std::int64_t cn_count = 0;
  double utilization = 0;  ///< busy_cycles / latency
};

struct TransferEvent {
  int tensor = -1;  ///< index into CnGraph::tensors
  CoreId from, to;
  std::int64_t start = 0, end = 0;
  std::int64_t bits = 0;
  std::vector<int> channels;              ///< AcceleratorSpec::channels used
  EnergyTerm link_term = kCnOffchipLink;  ///< what the transfer was booked as
};

struct BlockEvent {
  int cn = -1;
  std::int64_t start = 0, end = 0;
  std::vector<int> channels;
};

struct ScheduleTrace {
  std::vector<TransferEvent> transfers;
  std::vector<BlockEvent> blocks;
  /// Per top memory instance: the stored-bits breakpoints (time, bits) at the end.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> memory_curves;
};

struct ScheduleResult {
  ScheduleStatus status = ScheduleStatus::kOk;
  std::string reason;  ///< names the CN and the memory when not kOk

  std::int64_t latency_cycles = 0;  ///< max over CN ends and transfer ends
  std::array<double, kNumEnergyTerms> energy_terms_pj{};
  double energy_pj = 0;                  ///< the sum of the nine terms, in order
  std::vector<MemoryPeak> memory_peaks;  ///< every top memory instance, index order
  std::vector<CoreUsage> cores;          ///< every core that runs a CN, ascending id
  /// Bits moved to or from the off-chip memory by transfers (fetches, prefetches, evictions,
  /// write-backs); streamed too-large operands are not counted.
  std::int64_t dram_traffic_bits = 0;
  std::int64_t transfer_count = 0;
  std::vector<std::int64_t> cn_start, cn_end;  ///< per CN (graph order)
  ScheduleTrace trace;                         ///< filled with options.record_trace

  bool ok() const { return status == ScheduleStatus::kOk; }
};

ScheduleResult schedule(const ScheduleSpec& spec);

/// Stream's layer stacks (stream-model.md §6, OCCUPATION_BASED, factor 1): per layer of the
/// workload (index into WorkloadSpec::layers) its stack index, -1 for a layer without CNs.
std::vector<int> layer_stacks(const workload::WorkloadSpec& workload,
                              const hardware::AcceleratorSpec& accelerator,
                              const tiler::CnGraph& graph, const std::vector<CoreId>& cn_core);

}  // namespace stream::scheduler
