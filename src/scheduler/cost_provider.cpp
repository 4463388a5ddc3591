#include "stream/scheduler/cost_provider.hpp"

#include <map>
#include <tuple>

#include "stream/cost/cost_model.hpp"

namespace stream::scheduler {

CostLookup TableCostProvider::cost(const workload::WorkloadSpec& /*workload*/,
                                   const hardware::AcceleratorSpec& /*accelerator*/,
                                   const tiler::CnGraph& graph, int cn, CoreId core) const {
  const auto& c = graph.cns[static_cast<std::size_t>(cn)];
  CostLookup out;
  if (const cost::CnCost* row = table_.find(c.layer, c.group, core)) {
    out.cost = *row;
    out.ok = true;
  } else {
    out.reason = "the cost table has no row for layer " + std::to_string(c.layer.value) +
                 ", group " + std::to_string(c.group) + ", core " + std::to_string(core.value);
  }
  return out;
}

CostLookup ModelCostProvider::cost(const workload::WorkloadSpec& workload,
                                   const hardware::AcceleratorSpec& accelerator,
                                   const tiler::CnGraph& graph, int cn, CoreId core) const {
  const auto& c = graph.cns[static_cast<std::size_t>(cn)];
  const auto& layer = workload.layers[static_cast<std::size_t>(c.layer_index)];
  // The layer's representative: its first CN in graph order (group 0's first CN), §5.1.
  const int rep = graph.layer_cns[static_cast<std::size_t>(c.layer_index)].front();
  const auto& r = graph.cns[static_cast<std::size_t>(rep)];
  const auto ri = static_cast<std::size_t>(rep);
  std::vector<std::int64_t> in_bits(layer.operands.size(), 0);
  for (int e = graph.pred_offsets[ri]; e < graph.pred_offsets[ri + 1]; ++e) {
    const auto& ed =
        graph.edges[static_cast<std::size_t>(graph.pred_edges[static_cast<std::size_t>(e)])];
    if (ed.operand >= 0) in_bits[static_cast<std::size_t>(ed.operand)] += ed.bits;
  }
  const auto& core_spec = accelerator.core(core);
  const auto& dram = accelerator.core(accelerator.offchip_core);
  cost::CostQuery q;
  q.layer = &layer;
  q.loop_sizes = r.loop_sizes();
  q.core = &core_spec;
  q.too_large = cost::too_large_operands(layer, q.loop_sizes, core_spec, in_bits);
  if (!dram.levels.empty()) q.offchip = &dram.levels.back();
  q.options.lpf_limit = lpf_limit_;
  const auto res = cache_->get(q);
  CostLookup out;
  if (res->ok()) {
    out.cost = res->summary;
    out.cost.too_large = q.too_large;
    if (runtime_ == CnRuntime::kLatencyTotal2) {
      out.cost.runtime_cycles = out.cost.latency_total2_cycles;
    }
    out.ok = true;
  } else {
    out.reason = "no valid mapping of layer " + std::to_string(c.layer.value) + " on core " +
                 std::to_string(core.value) + ": " + res->reason;
  }
  return out;
}

bool resolve_costs(const CostProvider& provider, const workload::WorkloadSpec& workload,
                   const hardware::AcceleratorSpec& accelerator, const tiler::CnGraph& graph,
                   const std::vector<CoreId>& cn_core, std::vector<cost::CnCost>& out,
                   std::string& reason) {
  out.assign(graph.cns.size(), cost::CnCost{});
  std::map<std::tuple<int, int, int>, cost::CnCost> seen;
  for (std::size_t i = 0; i < graph.cns.size(); ++i) {
    const auto& c = graph.cns[i];
    const auto key = std::make_tuple(c.layer_index, c.group, cn_core[i].value);
    auto it = seen.find(key);
    if (it == seen.end()) {
      const auto l = provider.cost(workload, accelerator, graph, static_cast<int>(i), cn_core[i]);
      if (!l.ok) {
        reason = l.reason;
        return false;
      }
      it = seen.emplace(key, l.cost).first;
    }
    out[i] = it->second;
  }
  return true;
}

}  // namespace stream::scheduler
