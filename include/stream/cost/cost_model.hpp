#pragma once
/// The per-core cost model with ZigZag 2.4.5 semantics (zigzag-model.md; how Stream uses it:
/// stream-model.md §5). One query costs one layer (or one computation node, CN) on one core:
/// every spatial mapping candidate of the core (its dataflows) is converted (§3), LOMA searches
/// the temporal mappings (§4), every allocated mapping is evaluated (§5-§7) and the one with the
/// minimum latency_total2 (ties: minimum energy_total, then the first found) is kept, exactly as
/// ZigZag's MinimalLatencyStage does.
///
/// Errors: bad input (a layer operand no memory serves, a forced dataflow over a dimension the
/// layer lacks, an unknown array dimension, malformed mappings) throws stream::InputError naming
/// the core and the layer. A query that cannot be mapped (no loop ordering fits the memories)
/// is a result with status kInfeasible and a reason, never an exception.
///
/// Thread safety: evaluate() and too_large_operands() are pure functions of their arguments and
/// may run concurrently.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stream/cost/cn_cost.hpp"
#include "stream/hardware/core_spec.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::cost {

/// One loop of a mapping: a layer dimension and its size (a spatial unrolling may be
/// fractional, zigzag-model.md §3.2).
struct MappingLoop {
  std::string dim;
  double size = 1;
  bool operator==(const MappingLoop&) const = default;
};
using LevelLoops = std::vector<MappingLoop>;

/// A temporal mapping as cases.json writes it: per layer operand (name), per memory level
/// (innermost first), the loops allocated to that level, innermost first. All operands must
/// cut one common loop order (what LOMA produces).
struct TemporalMappingSpec {
  std::vector<std::pair<std::string, std::vector<LevelLoops>>> operands;
};

struct CostOptions {
  /// LOMA's loop-prime-factor limit (Stream: 6). The effective limit is at least the number
  /// of temporal loop dimensions.
  int lpf_limit = 6;
  /// Spatial mapping candidates replacing the core's dataflows (evaluated in this order).
  std::optional<std::vector<hardware::Dataflow>> dataflows;
  /// With `dataflows` given: an entry over a loop dimension the layer lacks is an InputError
  /// (it is silently skipped for the core's own dataflows, as ZigZag does).
  bool strict_dataflows = false;
  /// Evaluate this temporal mapping instead of searching.
  std::optional<TemporalMappingSpec> temporal_mapping;
};

struct CostQuery {
  const workload::LayerSpec* layer = nullptr;
  /// The CN's loop sizes in the layer's dim order; empty = the whole layer. Partially relevant
  /// sizes are computed from them and clipped to the layer's unpadded input extent.
  std::vector<std::int64_t> loop_sizes;
  const hardware::CoreSpec* core = nullptr;
  /// Memory operands that do not fit the core's top memories (see too_large_operands): the
  /// off-chip memory is added on top of the hierarchy for them.
  std::array<bool, workload::kNumMemOperands> too_large{};
  /// The off-chip memory (the accelerator's DRAM, its offchip core's only memory level);
  /// required when any operand is too large.
  const hardware::MemoryLevelSpec* offchip = nullptr;
  CostOptions options;
};

/// The four data-movement directions of a memory level (ZigZag's names).
struct FourWay {
  double rd_out_to_low = 0;
  double wr_in_by_low = 0;
  double rd_out_to_high = 0;
  double wr_in_by_high = 0;
};

struct LevelResult {
  std::string memory;    ///< memory name ("dram" etc. for the added off-chip level)
  bool offchip = false;  ///< the off-chip level added for a too-large operand
  double energy_pj = 0;  ///< energy_breakdown[op][level]
  FourWay word_access;   ///< memory_word_access[op][level]
  double mem_utili_individual = 0;
  double mem_utili_shared = 0;
  LevelLoops temporal;  ///< loops allocated to this level (as allocated), innermost first
  LevelLoops temporal_stationary;  ///< after the stationarity merge-down (§4.4)
};

struct OperandResult {
  std::string name;  ///< layer operand (O, W, I, ...)
  workload::MemOperand mem_operand = workload::MemOperand::kO;
  std::vector<LevelResult> levels;  ///< memory levels, innermost first
  std::vector<LevelLoops> spatial;  ///< per arch level a = 0..L (fractional unrollings)
  std::vector<bool> double_buffer;  ///< per arch level a = 0..L
  std::int64_t mac_level_stationary_cycles = 1;
};

enum class CostStatus : std::uint8_t { kOk, kInfeasible };

struct CostResult {
  CostStatus status = CostStatus::kInfeasible;
  std::string reason;  ///< why it is infeasible (empty when kOk)

  int dataflow_index = -1;      ///< the spatial mapping candidate kept (index into candidates)
  hardware::Dataflow dataflow;  ///< that candidate, as given
  std::vector<OperandResult> operands;  ///< layer operand order: output first

  std::int64_t latency_total0 = 0;  ///< T + stall/slack
  std::int64_t latency_total1 = 0;  ///< + on-loading (Stream 2023's runtime)
  std::int64_t latency_total2 = 0;  ///< + off-loading (ZigZag's selection criterion)
  std::int64_t ideal_cycle = 0;
  std::int64_t ideal_temporal_cycle = 0;
  std::int64_t stall_slack_comb = 0;
  std::int64_t onloading_cycles = 0;
  std::int64_t offloading_cycles = 0;
  double energy_total_pj = 0;
  double mac_energy_pj = 0;
  double memory_energy_pj = 0;
  double spatial_utilization = 0;  ///< ideal_cycle / T
  double utilization0 = 0, utilization1 = 0, utilization2 = 0;

  std::int64_t n_temporal_mappings_evaluated = 0;  ///< allocations that fit (all candidates)
  std::int64_t n_orderings = 0;                    ///< loop orderings tried (all candidates)
  int lpf_count = 0;  ///< loop prime factors after the lpf limit (kept candidate)

  /// What the scheduler consumes (runtime = latency_total1, on-chip/off-chip energy split).
  CnCost summary;

  bool ok() const { return status == CostStatus::kOk; }
};

/// Costs one layer/CN on one core. See the file comment for errors and the selection rule.
CostResult evaluate(const CostQuery& query);

/// Stream 2023's capacity check (stream-model.md §5.2): which memory operands of a CN do not fit
/// the core's top memories. `input_bits[o]` is used for the layer's variable (non-constant)
/// input operands o (index into layer.operands): the summed bits of the CN's inter-layer
/// in-edges carrying that operand (0 when absent); constant operands and the output use the
/// CN's operand size (the output at its partial-sum precision). `loop_sizes` empty = the whole
/// layer.
std::array<bool, workload::kNumMemOperands> too_large_operands(
    const workload::LayerSpec& layer, const std::vector<std::int64_t>& loop_sizes,
    const hardware::CoreSpec& core, const std::vector<std::int64_t>& input_bits);

/// A stable 64-bit key of everything that determines evaluate(query): the loop sizes, the
/// dimension names and relations, the operands (indices, precisions, memory operands), the
/// too-large set, the core's and the off-chip memory's content, and the options. Not the
/// layer id or name, not the core id or name.
std::uint64_t cost_key(const CostQuery& query);

}  // namespace stream::cost
