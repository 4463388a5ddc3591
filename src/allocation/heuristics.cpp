#include "stream/allocation/heuristics.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <utility>

#include "stream/common/error.hpp"

namespace stream::allocation {
namespace {

struct Interval {
  std::int64_t start = 0;
  std::int64_t end = 0;
};
using Timeline = std::vector<Interval>;  // busy intervals, ascending start, disjoint

/// Earliest start >= ready of a gap of `dur` cycles in `tl`; inserts the interval.
std::int64_t place(Timeline& tl, std::int64_t ready, std::int64_t dur) {
  std::int64_t s = ready;
  std::size_t pos = 0;
  for (; pos < tl.size(); ++pos) {
    const auto& iv = tl[pos];
    if (iv.end <= s) continue;
    if (iv.start >= s + dur) break;
    s = std::max(s, iv.end);
  }
  // Keep the vector sorted by start: the new interval goes after every interval starting
  // before it.
  auto it = std::upper_bound(tl.begin(), tl.end(), s,
                             [](std::int64_t v, const Interval& iv) { return v < iv.start; });
  tl.insert(it, Interval{s, s + dur});
  return s;
}

/// The (layer, group) units of the graph in order of their first CN, each with its CNs.
struct Unit {
  int gene = -1;
  std::vector<int> cns;
  std::vector<CoreId> cores;  ///< the gene's allowed cores, or the fixed core
};

std::vector<Unit> units_of(const AllocationProblem& problem, const tiler::CnGraph& graph) {
  std::vector<Unit> units;
  std::map<std::pair<int, int>, std::size_t> index;
  for (std::size_t c = 0; c < graph.cns.size(); ++c) {
    const auto& cn = graph.cns[c];
    const auto key = std::make_pair(cn.layer_index, cn.group);
    auto [it, fresh] = index.emplace(key, units.size());
    if (fresh) {
      Unit u;
      u.gene = problem.cn_gene[c];
      u.cores = u.gene >= 0 ? problem.genes[static_cast<std::size_t>(u.gene)].allowed
                            : std::vector<CoreId>{problem.fixed_core[c]};
      units.push_back(std::move(u));
    }
    units[it->second].cns.push_back(static_cast<int>(c));
  }
  return units;
}

}  // namespace

Genome greedy_earliest_finish(const AllocationProblem& problem, const tiler::CnGraph& graph,
                              const HeuristicInputs& inputs) {
  STREAM_ASSERT(problem.cn_gene.size() == graph.cns.size(), "problem built for another graph");
  STREAM_ASSERT(static_cast<bool>(inputs.cost), "heuristic needs a cost function");
  Genome genome(problem.gene_count(), -1);
  std::map<int, Timeline> timelines;
  const std::size_t n = graph.cns.size();
  std::vector<std::int64_t> end(n, 0);
  std::vector<CoreId> core_of(n);
  std::vector<char> placed(n, 0);
  Timeline offchip;  // the shared off-chip channel of the weight fetches

  struct Trial {
    Timeline tl;
    Timeline offchip;
    std::vector<std::int64_t> ends;  // per unit CN
    std::int64_t finish = 0;
    double energy = 0;
    bool ok = true;
  };
  std::vector<std::int64_t> local_end(n, 0);
  std::vector<char> in_unit(n, 0);

  for (const auto& unit : units_of(problem, graph)) {
    for (int c : unit.cns) in_unit[static_cast<std::size_t>(c)] = 1;
    int best = -1;
    Trial best_trial;
    for (std::size_t k = 0; k < unit.cores.size(); ++k) {
      const CoreId core = unit.cores[k];
      Trial t;
      t.tl = timelines[core.value];
      std::int64_t fetched = 0;  // the unit's weights are on the core from then on
      if (inputs.fetch_cycles) {
        const std::int64_t f = inputs.fetch_cycles(unit.cns.front(), core);
        if (f > 0) {
          t.offchip = offchip;
          const std::int64_t after = t.tl.empty() ? 0 : t.tl.back().end;
          fetched = place(t.offchip, after, f) + f;
        }
      }
      for (int c : unit.cns) {
        const auto cu = static_cast<std::size_t>(c);
        std::int64_t ready = 0;
        for (int e = graph.pred_offsets[cu]; e < graph.pred_offsets[cu + 1]; ++e) {
          const auto& edge =
              graph.edges[static_cast<std::size_t>(graph.pred_edges[static_cast<std::size_t>(e)])];
          const auto pu = static_cast<std::size_t>(edge.src);
          std::int64_t r = 0;
          if (in_unit[pu]) {
            r = local_end[pu];
          } else if (placed[pu]) {
            r = end[pu];
            if (core_of[pu] != core && inputs.transfer_cycles && edge.bits > 0) {
              r += inputs.transfer_cycles(edge.bits, core_of[pu], core);
            }
          }
          ready = std::max(ready, r);
        }
        const CoreCost cc = inputs.cost(c, core);
        if (!cc.ok) {
          t.ok = false;
          break;
        }
        const std::int64_t s = place(t.tl, std::max(ready, fetched), cc.runtime_cycles);
        local_end[cu] = s + cc.runtime_cycles;
        t.ends.push_back(local_end[cu]);
        t.finish = std::max(t.finish, local_end[cu]);
        t.energy += cc.energy_pj;
      }
      if (!t.ok) continue;
      if (best < 0 || t.finish < best_trial.finish ||
          (t.finish == best_trial.finish && t.energy < best_trial.energy)) {
        best = static_cast<int>(k);
        best_trial = std::move(t);
      }
    }
    if (best < 0) {  // no core can run it: keep the first, the schedule will report why
      best = 0;
      best_trial.ends.assign(unit.cns.size(), 0);
    } else {
      timelines[unit.cores[static_cast<std::size_t>(best)].value] = std::move(best_trial.tl);
      if (!best_trial.offchip.empty()) offchip = std::move(best_trial.offchip);
    }
    const CoreId core = unit.cores[static_cast<std::size_t>(best)];
    for (std::size_t i = 0; i < unit.cns.size(); ++i) {
      const auto cu = static_cast<std::size_t>(unit.cns[i]);
      end[cu] = best_trial.ends[i];
      core_of[cu] = core;
      placed[cu] = 1;
      in_unit[cu] = 0;
    }
    if (unit.gene >= 0) genome[static_cast<std::size_t>(unit.gene)] = core.value;
  }
  return genome;
}

Genome balance_by_cost(const AllocationProblem& problem, const tiler::CnGraph& graph,
                       const HeuristicInputs& inputs) {
  STREAM_ASSERT(problem.cn_gene.size() == graph.cns.size(), "problem built for another graph");
  STREAM_ASSERT(static_cast<bool>(inputs.cost), "heuristic needs a cost function");
  std::map<int, std::int64_t> load;
  for (std::size_t c = 0; c < graph.cns.size(); ++c) {
    if (problem.cn_gene[c] >= 0) continue;
    const CoreCost cc = inputs.cost(static_cast<int>(c), problem.fixed_core[c]);
    if (cc.ok) load[problem.fixed_core[c].value] += cc.runtime_cycles;
  }
  const std::size_t ng = problem.gene_count();
  struct Option {
    std::int64_t runtime = 0;
    double energy = 0;
    bool ok = true;
  };
  std::vector<std::vector<Option>> options(ng);
  std::vector<std::int64_t> work(ng, std::numeric_limits<std::int64_t>::max());
  for (std::size_t g = 0; g < ng; ++g) {
    const auto& gene = problem.genes[g];
    for (CoreId core : gene.allowed) {
      Option o;
      for (int c : gene.cns) {
        const CoreCost cc = inputs.cost(c, core);
        if (!cc.ok) {
          o.ok = false;
          break;
        }
        o.runtime += cc.runtime_cycles;
        o.energy += cc.energy_pj;
      }
      if (o.ok) work[g] = std::min(work[g], o.runtime);
      options[g].push_back(o);
    }
  }
  std::vector<std::size_t> order(ng);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return work[a] > work[b]; });
  Genome genome(ng, -1);
  for (std::size_t g : order) {
    const auto& gene = problem.genes[g];
    int best = -1;
    for (std::size_t k = 0; k < gene.allowed.size(); ++k) {
      const auto& o = options[g][k];
      if (!o.ok) continue;
      if (best < 0) {
        best = static_cast<int>(k);
        continue;
      }
      const auto& b = options[g][static_cast<std::size_t>(best)];
      const std::int64_t la = load[gene.allowed[k].value] + o.runtime;
      const std::int64_t lb = load[gene.allowed[static_cast<std::size_t>(best)].value] + b.runtime;
      if (la < lb || (la == lb && o.energy < b.energy)) best = static_cast<int>(k);
    }
    if (best < 0) best = 0;
    const auto& o = options[g][static_cast<std::size_t>(best)];
    const CoreId core = gene.allowed[static_cast<std::size_t>(best)];
    if (o.ok) load[core.value] += o.runtime;
    genome[g] = core.value;
  }
  return genome;
}

}  // namespace stream::allocation
