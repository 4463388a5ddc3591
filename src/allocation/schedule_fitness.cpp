#include "stream/allocation/schedule_fitness.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "stream/common/error.hpp"
#include "stream/common/parallel.hpp"

namespace stream::allocation {
namespace {

class ScheduleEvaluator : public Evaluator {
 public:
  explicit ScheduleEvaluator(const ScheduleEvaluatorFactory& f) : f_(f) {}

  Fitness evaluate(const Genome& genome) override {
    Fitness out;
    std::string reason;
    if (!spec_.graph) {
      // First use: the shared pointers and options once; the vectors are reused afterwards.
      const auto o = f_.schedule_prototype();
      spec_ = o;
    }
    if (!f_.fill(genome, spec_, reason)) {
      out.feasible = false;
      out.reason = std::move(reason);
      return out;
    }
    const auto r = scheduler::schedule(spec_);
    out.energy_pj = r.energy_pj;
    out.latency_cycles = r.latency_cycles;
    out.feasible = r.ok();
    out.reason = r.reason;
    return out;
  }

 private:
  const ScheduleEvaluatorFactory& f_;
  scheduler::ScheduleSpec spec_;
};

}  // namespace

const scheduler::CostLookup* CandidateCosts::find(int cn, CoreId core) const {
  const auto u = static_cast<std::size_t>(cn_unit[static_cast<std::size_t>(cn)]);
  const auto& cores = unit_cores[u];
  for (std::size_t k = 0; k < cores.size(); ++k) {
    if (cores[k] == core) return &cost[u][k];
  }
  return nullptr;
}

CandidateCosts resolve_candidate_costs(const scheduler::CostProvider& provider,
                                       const workload::WorkloadSpec& workload,
                                       const hardware::AcceleratorSpec& accelerator,
                                       const tiler::CnGraph& graph,
                                       const AllocationProblem& problem) {
  STREAM_ASSERT(problem.cn_gene.size() == graph.cns.size(), "problem built for another graph");
  CandidateCosts c;
  c.cn_unit.assign(graph.cns.size(), -1);
  std::map<std::pair<int, int>, int> unit_of;
  std::vector<int> unit_rep;  // a CN of each unit
  for (std::size_t i = 0; i < graph.cns.size(); ++i) {
    const auto key = std::make_pair(graph.cns[i].layer_index, graph.cns[i].group);
    auto [it, fresh] = unit_of.emplace(key, static_cast<int>(c.unit_cores.size()));
    if (fresh) {
      const int g = problem.cn_gene[i];
      c.unit_cores.push_back(g >= 0 ? problem.genes[static_cast<std::size_t>(g)].allowed
                                    : std::vector<CoreId>{problem.fixed_core[i]});
      unit_rep.push_back(static_cast<int>(i));
    }
    c.cn_unit[i] = it->second;
  }
  std::vector<std::pair<int, int>> jobs;  // (unit, candidate)
  c.cost.resize(c.unit_cores.size());
  for (std::size_t u = 0; u < c.unit_cores.size(); ++u) {
    c.cost[u].resize(c.unit_cores[u].size());
    for (std::size_t k = 0; k < c.unit_cores[u].size(); ++k) {
      jobs.emplace_back(static_cast<int>(u), static_cast<int>(k));
    }
  }
  auto one = [&](std::size_t j) {
    const auto u = static_cast<std::size_t>(jobs[j].first);
    const auto k = static_cast<std::size_t>(jobs[j].second);
    c.cost[u][k] = provider.cost(workload, accelerator, graph, unit_rep[u], c.unit_cores[u][k]);
  };
#if STREAM_TSAN
  plain_parallel_for(jobs.size(), 0, [&](std::size_t j, std::size_t) { one(j); });
#else
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, jobs.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t j = r.begin(); j != r.end(); ++j) one(j);
                    });
#endif
  return c;
}

HeuristicInputs heuristic_inputs(const CandidateCosts& costs,
                                 const hardware::AcceleratorSpec& accelerator,
                                 const tiler::CnGraph& graph) {
  HeuristicInputs in;
  in.cost = [&costs](int cn, CoreId core) {
    CoreCost out;
    const auto* l = costs.find(cn, core);
    if (l == nullptr || !l->ok) {
      out.ok = false;
      return out;
    }
    out.runtime_cycles = l->cost.runtime_cycles;
    out.energy_pj = l->cost.onchip_energy_pj + l->cost.offchip_energy_pj;
    return out;
  };
  // Slowest channel per ordered core pair, computed once.
  auto slowest = std::make_shared<std::map<std::pair<int, int>, double>>();
  for (const auto& [pair, route] : accelerator.routes) {
    double bw = std::numeric_limits<double>::infinity();
    for (int ch : route.channels) {
      bw =
          std::min(bw, accelerator.channels[static_cast<std::size_t>(ch)].bandwidth_bits_per_cycle);
    }
    (*slowest)[{pair.first.value, pair.second.value}] = bw;
  }
  in.transfer_cycles = [slowest](std::int64_t bits, CoreId from, CoreId to) -> std::int64_t {
    const auto it = slowest->find({from.value, to.value});
    if (it == slowest->end() || !(it->second > 0)) return 0;
    if (it->second == std::numeric_limits<double>::infinity()) return 0;
    return static_cast<std::int64_t>(static_cast<double>(bits) / it->second + 0.999999);
  };
  const CoreId dram = accelerator.offchip_core;
  in.fetch_cycles = [slowest, dram, &graph](int cn, CoreId core) -> std::int64_t {
    std::int64_t bits = 0;
    for (int t : graph.cns[static_cast<std::size_t>(cn)].tensors) {
      if (t >= 0 && graph.tensors[static_cast<std::size_t>(t)].is_constant) {
        bits += graph.tensors[static_cast<std::size_t>(t)].size_bits;
      }
    }
    const auto it = slowest->find({dram.value, core.value});
    if (bits == 0 || it == slowest->end() || !(it->second > 0) ||
        it->second == std::numeric_limits<double>::infinity()) {
      return 0;
    }
    return static_cast<std::int64_t>(static_cast<double>(bits) / it->second + 0.999999);
  };
  return in;
}

ScheduleEvaluatorFactory::ScheduleEvaluatorFactory(const workload::WorkloadSpec& workload,
                                                   const hardware::AcceleratorSpec& accelerator,
                                                   const tiler::CnGraph& graph,
                                                   const AllocationProblem& problem,
                                                   const CandidateCosts& costs,
                                                   scheduler::ScheduleOptions options)
    : workload_(workload),
      accelerator_(accelerator),
      graph_(graph),
      problem_(problem),
      costs_(costs),
      options_(std::move(options)) {}

std::unique_ptr<Evaluator> ScheduleEvaluatorFactory::make() const {
  return std::make_unique<ScheduleEvaluator>(*this);
}

scheduler::ScheduleSpec ScheduleEvaluatorFactory::schedule_prototype() const {
  scheduler::ScheduleSpec s;
  s.workload = &workload_;
  s.accelerator = &accelerator_;
  s.graph = &graph_;
  s.options = options_;
  return s;
}

bool ScheduleEvaluatorFactory::fill(const Genome& genome, scheduler::ScheduleSpec& spec,
                                    std::string& reason) const {
  problem_.cn_cores(genome, spec.cn_core);
  spec.cn_cost.resize(spec.cn_core.size());
  for (std::size_t i = 0; i < spec.cn_core.size(); ++i) {
    const auto* l = costs_.find(static_cast<int>(i), spec.cn_core[i]);
    STREAM_ASSERT(l != nullptr, "a CN on a core that is not among its candidates");
    if (!l->ok) {
      reason = l->reason;
      return false;
    }
    spec.cn_cost[i] = l->cost;
  }
  return true;
}

ScheduleEvaluatorFactory::Outcome ScheduleEvaluatorFactory::schedule(
    const Genome& genome, const scheduler::ScheduleOptions& options) const {
  Outcome out;
  auto spec = schedule_prototype();
  spec.options = options;
  out.costs_ok = fill(genome, spec, out.reason);
  if (out.costs_ok) out.result = scheduler::schedule(spec);
  return out;
}

}  // namespace stream::allocation
