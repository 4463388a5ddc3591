#pragma once
/// Where the scheduler's per-CN costs come from: an external cost table (Stream's costs.csv,
/// one row per (layer, group, core)) or the analytical cost model through the shared CostCache.
/// Either way all CNs of a (layer, group) on one core share one cost (stream-model.md §5.5).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/cost/cn_cost.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::scheduler {

/// A cost lookup: the cost, or a reason why there is none (missing table row, no mapping).
struct CostLookup {
  cost::CnCost cost;
  bool ok = false;
  std::string reason;
};

class CostProvider {
 public:
  virtual ~CostProvider() = default;
  /// The cost of CN `cn` of `graph` on `core`. Must be safe to call from several threads.
  virtual CostLookup cost(const workload::WorkloadSpec& workload,
                          const hardware::AcceleratorSpec& accelerator, const tiler::CnGraph& graph,
                          int cn, CoreId core) const = 0;
};

/// Costs from a table (read_cost_table): the row of the CN's (layer id, group, core).
class TableCostProvider : public CostProvider {
 public:
  explicit TableCostProvider(cost::CostTable table) : table_(std::move(table)) {}
  CostLookup cost(const workload::WorkloadSpec& workload,
                  const hardware::AcceleratorSpec& accelerator, const tiler::CnGraph& graph, int cn,
                  CoreId core) const override;
  const cost::CostTable& table() const { return table_; }

 private:
  cost::CostTable table_;
};

/// Which ZigZag latency is a CN's runtime. Stream 5e094e6c (with ZigZag 2.4.5) schedules
/// `latency_total1`; the June-2023 validation branch (with ZigZag 2.3.8) scheduled the latency
/// that includes the off-loading of the outputs, which is 2.4.5's `latency_total2`: every
/// runtime in the three validation costs.csv files equals our latency_total2 (DepFiN 815, 461,
/// 877, ...; DIANA 152, 64, 2690, 898, 1794; AiMC 34, 38).
enum class CnRuntime : std::uint8_t { kLatencyTotal1, kLatencyTotal2 };

/// Costs from the analytical model (ZigZag 2.4.5 semantics) through a CostCache, as Stream 2023
/// computed them: the layer's group-0 representative CN (its first CN) on the core, with the
/// too-large operands of the capacity check (§5.2: inputs counted as the bits of the
/// representative's inter-layer in-edges) streamed from the accelerator's DRAM.
class ModelCostProvider : public CostProvider {
 public:
  explicit ModelCostProvider(cost::CostCache& cache, int lpf_limit = 6,
                             CnRuntime runtime = CnRuntime::kLatencyTotal1)
      : cache_(&cache), lpf_limit_(lpf_limit), runtime_(runtime) {}
  CostLookup cost(const workload::WorkloadSpec& workload,
                  const hardware::AcceleratorSpec& accelerator, const tiler::CnGraph& graph, int cn,
                  CoreId core) const override;

 private:
  cost::CostCache* cache_;
  int lpf_limit_;
  CnRuntime runtime_;
};

/// The per-CN costs of an allocation: one lookup per distinct (layer, group, core), copied to
/// every CN. Returns false (with the reason of the first failing lookup, naming layer and core)
/// when a cost is missing or infeasible.
bool resolve_costs(const CostProvider& provider, const workload::WorkloadSpec& workload,
                   const hardware::AcceleratorSpec& accelerator, const tiler::CnGraph& graph,
                   const std::vector<CoreId>& cn_core, std::vector<cost::CnCost>& out,
                   std::string& reason);

}  // namespace stream::scheduler
