#pragma once
/// Fast allocation heuristics that need only per-CN costs per core (stream-model.md §5) and
/// then one schedule each: greedy earliest-finish list allocation and load balancing by cost.
/// Both also seed the GA's first population.

#include <cstdint>
#include <functional>

#include "stream/allocation/problem.hpp"
#include "stream/tiler/cn_graph.hpp"

namespace stream::allocation {

struct CoreCost {
  std::int64_t runtime_cycles = 0;
  double energy_pj = 0;
  bool ok = true;  ///< false: the CN cannot run on that core (the heuristics avoid it)
};

struct HeuristicInputs {
  /// The cost of CN `cn` on `core`; called only for the cores a CN may go to.
  std::function<CoreCost(int cn, CoreId core)> cost;
  /// Estimated cycles to move `bits` from core `from` to core `to` (from != to); empty = 0.
  std::function<std::int64_t(std::int64_t bits, CoreId from, CoreId to)> transfer_cycles;
  /// Estimated cycles to bring CN `cn`'s constant operands (weights) from off-chip memory to
  /// `core`; empty = 0. The greedy heuristic books one fetch per (layer, group) on one shared
  /// off-chip channel, after the core's previous work, before the unit's first CN.
  std::function<std::int64_t(int cn, CoreId core)> fetch_cycles;
};

/// Greedy earliest-finish list allocation: the (layer, group) units are taken in CN-graph
/// order; each flexible one goes to the allowed core on which its CNs, list-scheduled into the
/// gaps of that core's timeline after their predecessors (plus the transfer estimate) and after
/// the unit's weight fetch, finish first; ties go to the lower energy, then to the earlier
/// allowed core. (Spreading layers over cores lets a core fetch its next weights while another
/// computes, which is where a layer-by-layer multi-core schedule gains.)
Genome greedy_earliest_finish(const AllocationProblem& problem, const tiler::CnGraph& graph,
                              const HeuristicInputs& inputs);

/// Load balancing by cost (longest processing time first): the fixed CNs load their cores,
/// then the genes in descending order of their smallest total runtime go to the allowed core
/// with the least load after adding them; ties go to lower energy, then to the earlier core.
Genome balance_by_cost(const AllocationProblem& problem, const tiler::CnGraph& graph,
                       const HeuristicInputs& inputs);

}  // namespace stream::allocation
