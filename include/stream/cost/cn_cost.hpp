#pragma once
/// What the scheduler needs to know about running one CN on one core (stream-model.md §5.4):
/// its runtime, its on-chip energy, the DRAM energy of operands streamed because they do not
/// fit the core's top memories, and which memory operands those are. Produced by the cost
/// model (ZigZag semantics) or read from an external cost table.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "stream/common/ids.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::cost {

struct CnCost {
  std::int64_t runtime_cycles = 0;  ///< ZigZag latency_total1 (Stream 2023)
  double onchip_energy_pj = 0;      ///< energy_total minus the streamed operands' DRAM energy
  double offchip_energy_pj = 0;     ///< DRAM-level energy of the too-large operands
  /// too_large[MemOperand]: the operand streams from/to DRAM during the CN.
  std::array<bool, workload::kNumMemOperands> too_large{};
  // Details when the analytical model produced the cost (0 when read from a table).
  std::int64_t latency_total0_cycles = 0;
  std::int64_t latency_total2_cycles = 0;
  std::int64_t ideal_cycles = 0;
  double energy_total_pj = 0;
  double mac_energy_pj = 0;

  bool any_too_large() const { return too_large[0] || too_large[1] || too_large[2]; }
};

/// Costs per (layer id, group, core): an external table (CSV) or the model's results. All CNs
/// of a (layer, group) share one cost (§5.5).
class CostTable {
 public:
  void set(LayerId layer, int group, CoreId core, const CnCost& c) {
    costs_[{layer, group, core}] = c;
  }
  /// The cost, or nullptr when the table has no row for it.
  const CnCost* find(LayerId layer, int group, CoreId core) const;
  std::size_t size() const { return costs_.size(); }
  const auto& rows() const { return costs_; }

 private:
  std::map<std::tuple<LayerId, int, CoreId>, CnCost> costs_;
};

/// Reads a cost table CSV (columns layer_id, group, core, runtime_cycles, onchip_energy_pj,
/// offchip_energy_pj, too_large_operands (';'-separated I1/I2/O, empty = none); other columns
/// such as latency_total0 are read when present). Throws InputError naming the file, row and
/// column.
CostTable read_cost_table(const std::string& path);
/// The same from the text of a table; `name` stands for the file in messages.
CostTable parse_cost_table(const std::string& text, const std::string& name);

}  // namespace stream::cost
