#pragma once
/// Fitness from the real scheduler (stream-model.md §6-7): the costs of every candidate
/// (layer, group, core) are resolved once and shared read-only; each worker thread owns one
/// evaluator that keeps its ScheduleSpec (per-CN cores and costs, refilled in place) and points
/// at the shared CN graph, which is never copied.

#include <memory>
#include <string>
#include <vector>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/problem.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/scheduler/cost_provider.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::allocation {

/// The cost of every CN on every core it may run on, one lookup per (layer, group, core).
struct CandidateCosts {
  std::vector<int> cn_unit;                              ///< per CN: its (layer, group) unit
  std::vector<std::vector<CoreId>> unit_cores;           ///< per unit: its candidate cores
  std::vector<std::vector<scheduler::CostLookup>> cost;  ///< per unit, per candidate core

  /// The lookup of CN `cn` on `core`, or nullptr when `core` is not a candidate of the CN.
  const scheduler::CostLookup* find(int cn, CoreId core) const;
};

CandidateCosts resolve_candidate_costs(const scheduler::CostProvider& provider,
                                       const workload::WorkloadSpec& workload,
                                       const hardware::AcceleratorSpec& accelerator,
                                       const tiler::CnGraph& graph,
                                       const AllocationProblem& problem);

/// The heuristics' inputs from resolved costs: runtime, on- plus off-chip energy, the transfer
/// estimate bits / (the slowest channel of the route) (+inf bandwidth: 0 cycles), and the
/// weight fetch: the CN's constant tensors over the route from the off-chip core.
/// `costs`, `graph` must outlive the result.
HeuristicInputs heuristic_inputs(const CandidateCosts& costs,
                                 const hardware::AcceleratorSpec& accelerator,
                                 const tiler::CnGraph& graph);

class ScheduleEvaluatorFactory : public EvaluatorFactory {
 public:
  /// All references must outlive the factory and its evaluators.
  ScheduleEvaluatorFactory(const workload::WorkloadSpec& workload,
                           const hardware::AcceleratorSpec& accelerator,
                           const tiler::CnGraph& graph, const AllocationProblem& problem,
                           const CandidateCosts& costs, scheduler::ScheduleOptions options);
  std::unique_ptr<Evaluator> make() const override;

  struct Outcome {
    bool costs_ok = true;  ///< false: a CN has no cost on its core (reason says why)
    std::string reason;
    scheduler::ScheduleResult result;  ///< valid when costs_ok
  };
  /// The full schedule of one genome (e.g. the chosen point), with `options` (e.g. a trace).
  Outcome schedule(const Genome& genome, const scheduler::ScheduleOptions& options) const;
  const scheduler::ScheduleOptions& options() const { return options_; }

  /// Fills spec.cn_core and spec.cn_cost for `genome` (resized as needed); false with the
  /// reason when a CN has no cost on its core.
  bool fill(const Genome& genome, scheduler::ScheduleSpec& spec, std::string& reason) const;
  /// A spec with the shared pointers and the options, empty per-CN vectors.
  scheduler::ScheduleSpec schedule_prototype() const;

 private:
  const workload::WorkloadSpec& workload_;
  const hardware::AcceleratorSpec& accelerator_;
  const tiler::CnGraph& graph_;
  const AllocationProblem& problem_;
  const CandidateCosts& costs_;
  scheduler::ScheduleOptions options_;
};

}  // namespace stream::allocation
