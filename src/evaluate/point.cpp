// evaluate_point(): tiler -> costs -> fixed allocation -> scheduler -> PointResult.
#include "stream/evaluate/point.hpp"

#include <chrono>
#include <list>
#include <mutex>

#include "stream/allocation/heuristics.hpp"
#include "stream/allocation/mapping_out.hpp"
#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/problem.hpp"
#include "stream/allocation/schedule_fitness.hpp"
#include "stream/common/error.hpp"
#include "stream/evaluate/fixed_allocation.hpp"
#include "stream/mapping/check.hpp"
#include "stream/scheduler/cost_provider.hpp"
#include "stream/tiler/tiler.hpp"

namespace stream::evaluate {

const std::array<const char*, kNumEnergyTerms>& energy_term_names() {
  return scheduler::energy_term_names();
}

namespace {

/// CN graphs of recently evaluated (workload, mapping, grouping) triples: a sweep that varies
/// only the hardware tiles once. Entries hold weak references, so a graph is rebuilt when its
/// workload or mapping object is gone (and the address reused).
class GraphCache {
 public:
  std::shared_ptr<const tiler::CnGraph> get(const PointSpec& p, bool cn_groups) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->cn_groups == cn_groups && it->workload.lock() == p.workload &&
            it->mapping.lock() == p.mapping) {
          entries_.splice(entries_.begin(), entries_, it);
          return it->graph;
        }
      }
    }
    tiler::TilerOptions to;
    to.cn_groups = cn_groups;
    auto g =
        std::make_shared<const tiler::CnGraph>(tiler::build_cn_graph(*p.workload, *p.mapping, to));
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_front({p.workload, p.mapping, cn_groups, g});
    if (entries_.size() > kMaxEntries) entries_.pop_back();
    return g;
  }

 private:
  static constexpr std::size_t kMaxEntries = 16;
  struct Entry {
    std::weak_ptr<const workload::WorkloadSpec> workload;
    std::weak_ptr<const mapping::MappingSpec> mapping;
    bool cn_groups;
    std::shared_ptr<const tiler::CnGraph> graph;
  };
  std::mutex mu_;
  std::list<Entry> entries_;
};

GraphCache& graph_cache() {
  static GraphCache c;
  return c;
}

allocation::Objective to_allocation(Objective o) {
  switch (o) {
    case Objective::kLatency:
      return allocation::Objective::kLatency;
    case Objective::kEnergy:
      return allocation::Objective::kEnergy;
    case Objective::kEdp:
      break;
  }
  return allocation::Objective::kEdp;
}

ReasonCode reason_of(const scheduler::ScheduleResult& r) {
  return r.status == scheduler::ScheduleStatus::kUnreachable ? ReasonCode::kUnreachable
                                                             : ReasonCode::kMemoryCapacity;
}

}  // namespace

PointResult evaluate_point(const PointSpec& spec) {
  return evaluate_point(spec, cost::CostCache::process());
}

PointResult evaluate_point(const PointSpec& spec, cost::CostCache& cache) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!spec.workload || !spec.accelerator || !spec.mapping)
    throw InternalError("evaluate_point(): workload, accelerator and mapping are required");
  const auto& w = *spec.workload;
  const auto& acc = *spec.accelerator;
  const auto& m = *spec.mapping;
  const auto& o = spec.options;
  PointResult out;
  auto finish = [&]() -> PointResult& {
    out.eval_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
  };
  out.total_macs = w.total_macs();
  scheduler::ScheduleOptions so;
  so.semantics = o.semantics;
  so.record_trace = o.keep_schedule;
  so.fixes = o.fixes;
  if (!o.fixes.empty() && o.semantics == scheduler::Semantics::kValidation2023) {
    throw InputError("fixes", o.fixes.to_string(),
                     "the scheduler fixes apply to the stream2023 semantics only");
  }
  so.prefetch = m.scheduler.prefetch;
  so.priority = m.scheduler.priority == mapping::SchedulerPriority::kLatency
                    ? scheduler::Priority::kLatency
                    : scheduler::Priority::kMemory;
  if (o.priority == "latency") {
    so.priority = scheduler::Priority::kLatency;
  } else if (o.priority == "memory") {
    so.priority = scheduler::Priority::kMemory;
  } else if (!o.priority.empty()) {
    throw InputError("priority", o.priority, "expected 'memory' or 'latency'");
  }
  mapping::check_mapping(m, w, acc);
  const bool groups = o.semantics != scheduler::Semantics::kValidation2023;
  const auto graph = graph_cache().get(spec, groups);
  out.cn_count = static_cast<std::int64_t>(graph->cn_count());
  out.edge_count = static_cast<std::int64_t>(graph->edge_count());
  out.warnings = graph->warnings;

  scheduler::ScheduleSpec ss;
  ss.workload = &w;
  ss.accelerator = &acc;
  ss.graph = graph.get();
  ss.options = so;
  std::shared_ptr<scheduler::ScheduleResult> r;
  std::string why;
  std::unique_ptr<scheduler::CostProvider> provider;
  if (spec.cost_table) {
    provider = std::make_unique<scheduler::TableCostProvider>(*spec.cost_table);
  } else {
    provider = std::make_unique<scheduler::ModelCostProvider>(
        cache, o.lpf_limit,
        o.semantics == scheduler::Semantics::kValidation2023
            ? scheduler::CnRuntime::kLatencyTotal2
            : scheduler::CnRuntime::kLatencyTotal1);
  }
  if (o.allocator == Allocator::kFixed) {
    ss.cn_core = fixed_allocation(w, m, *graph);
    if (!scheduler::resolve_costs(*provider, w, acc, *graph, ss.cn_core, ss.cn_cost, why)) {
      if (spec.cost_table) throw InputError(spec.cost_table_file, "", why);
      out.status = PointStatus::kInfeasible;
      out.reason_code = ReasonCode::kNoMapping;
      out.reason = why;
      return finish();
    }
    r = std::make_shared<scheduler::ScheduleResult>(scheduler::schedule(ss));
    out.schedules_evaluated = 1;
  } else {
    // Allocation (stream-model.md §6): genes per flexible (layer, group), costs of every
    // candidate core resolved once, each allocation scored by a full schedule.
    const auto problem = allocation::build_problem(w, m, *graph);
    const auto costs = allocation::resolve_candidate_costs(*provider, w, acc, *graph, problem);
    auto fitness_options = so;
    fitness_options.record_trace = false;  // only the chosen allocation's schedule is kept
    const allocation::ScheduleEvaluatorFactory factory(w, acc, *graph, problem, costs,
                                                       fitness_options);
    const auto hin = allocation::heuristic_inputs(costs, acc, *graph);
    allocation::GaResult ga;
    if (o.allocator == Allocator::kGenetic) {
      allocation::GaOptions go;
      go.population = o.ga_population;
      go.generations = o.ga_generations;
      go.seed = o.seed;
      go.threads = o.threads;
      if (go.population < 1 || go.generations < 0) {
        throw InputError("allocator", "ga", "population must be >= 1 and generations >= 0");
      }
      go.initial = {allocation::greedy_earliest_finish(problem, *graph, hin),
                    allocation::balance_by_cost(problem, *graph, hin)};
      ga = allocation::run_nsga2(problem, factory, go);
    } else {
      const auto g = o.allocator == Allocator::kGreedy
                         ? allocation::greedy_earliest_finish(problem, *graph, hin)
                         : allocation::balance_by_cost(problem, *graph, hin);
      ga = allocation::evaluate_candidates(problem, factory, {g}, o.threads);
    }
    out.schedules_evaluated = ga.evaluations;
    for (const auto& g : problem.genes) out.allocation_genes.push_back({g.layer, g.group});
    for (const auto& fp : ga.front) {
      AllocationPoint ap;
      for (auto v : fp.genome) ap.cores.emplace_back(v);
      ap.latency_cycles = fp.fitness.latency_cycles;
      ap.energy_pj = fp.fitness.energy_pj;
      ap.edp_pj_cycles = fp.fitness.edp();
      out.front.push_back(std::move(ap));
    }
    out.chosen = allocation::choose(ga.front, to_allocation(o.objective));
    // The chosen allocation (or, with none feasible, the first one scored, for its reason)
    // is scheduled once more for the full result.
    const allocation::Genome* pick = nullptr;
    if (out.chosen >= 0) {
      pick = &ga.front[static_cast<std::size_t>(out.chosen)].genome;
    } else if (!ga.population.empty()) {
      pick = &ga.population.front().genome;
    }
    STREAM_ASSERT(pick != nullptr, "the allocator scored nothing");
    problem.cn_cores(*pick, ss.cn_core);
    if (!factory.fill(*pick, ss, why)) {
      out.status = PointStatus::kInfeasible;
      out.reason_code = ReasonCode::kNoMapping;
      out.reason = why;
      return finish();
    }
    r = std::make_shared<scheduler::ScheduleResult>(scheduler::schedule(ss));
    ++out.schedules_evaluated;
    if (r->ok() && out.chosen >= 0) {
      const auto& best = out.front[static_cast<std::size_t>(out.chosen)];
      STREAM_ASSERT(r->latency_cycles == best.latency_cycles && r->energy_pj == best.energy_pj,
                    "scheduling the chosen allocation again gave another result");
    }
    if (o.keep_allocation_mapping && out.chosen >= 0) {
      out.allocation_mapping_yaml =
          allocation::mapping_yaml(allocation::fixed_mapping(w, m, problem, *pick));
    }
  }
  if (!r->ok()) {
    out.status = PointStatus::kInfeasible;
    out.reason_code = reason_of(*r);
    out.reason = r->reason;
    return finish();
  }
  out.latency_cycles = r->latency_cycles;
  out.energy_pj = r->energy_pj;
  out.energy_terms_pj = r->energy_terms_pj;
  out.edp_pj_cycles = r->energy_pj * static_cast<double>(r->latency_cycles);
  out.dram_traffic_bits = r->dram_traffic_bits;
  for (const auto& p : r->memory_peaks) {
    const bool dram = p.cores.size() == 1 && p.cores.front() == acc.offchip_core;
    if (dram) {
      out.peak_dram_bits = std::max(out.peak_dram_bits, p.peak_bits);
    } else {
      out.peak_onchip_bits = std::max(out.peak_onchip_bits, p.peak_bits);
    }
  }
  double util = 0;
  for (const auto& c : r->cores) util += c.utilization;
  out.mean_core_utilization = r->cores.empty() ? 0 : util / static_cast<double>(r->cores.size());
  // Area: every memory instance and MAC of the cores that give areas (0 when none does).
  for (const auto& ci : acc.cores) {
    if (ci.id == acc.offchip_core) continue;
    const auto& core = *ci.spec;
    for (const auto& lv : core.levels)
      out.area += lv.memory.area * static_cast<double>(lv.instance_count(core.array.sizes));
    out.area += core.array.unit_area * static_cast<double>(core.array.total_units());
  }
  out.memory_peaks = r->memory_peaks;
  out.cores = r->cores;
  if (o.keep_schedule) {
    out.schedule = r;
    out.graph = graph;
    out.cn_core = ss.cn_core;
  }
  return finish();
}

}  // namespace stream::evaluate
