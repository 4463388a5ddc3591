#include "stream/allocation/nsga2.hpp"

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "stream/allocation/operators.hpp"
#include "stream/allocation/rng.hpp"
#include "stream/common/error.hpp"
#include "stream/common/hash.hpp"
#include "stream/common/parallel.hpp"

namespace stream::allocation {
namespace {

struct GenomeHash {
  std::size_t operator()(const Genome& g) const noexcept {
    StableHasher h;
    for (auto v : g) h.u64(static_cast<std::uint32_t>(v));
    return static_cast<std::size_t>(h.value());
  }
};

using GenomeSet = std::unordered_set<Genome, GenomeHash>;

class FunctionEvaluator : public Evaluator {
 public:
  explicit FunctionEvaluator(const FunctionEvaluatorFactory::Fn* fn) : fn_(fn) {}
  Fitness evaluate(const Genome& g) override { return (*fn_)(g); }

 private:
  const FunctionEvaluatorFactory::Fn* fn_;
};

/// Scores genomes: memo first, then the new ones in parallel, one evaluator per thread (made
/// lazily by the factory and reused for the whole run). Memo insertion and the bookkeeping
/// happen on the calling thread in input order, so they do not depend on the thread count.
/// ThreadSanitizer build: plain threads, worker k using evaluator slot k (parallel.hpp).
class Scorer {
 public:
  Scorer(const EvaluatorFactory& factory, int threads)
      : factory_(factory),
        threads_(threads),
        arena_(threads > 0 ? threads : static_cast<int>(tbb::task_arena::automatic)) {}

  std::vector<Fitness> score(const std::vector<Genome>& genomes) {
    std::vector<const Genome*> todo;
    std::unordered_map<Genome, int, GenomeHash> pending;
    for (const auto& g : genomes) {
      if (memo_.count(g) != 0 || pending.count(g) != 0) continue;
      pending.emplace(g, static_cast<int>(todo.size()));
      todo.push_back(&g);
    }
    std::vector<Fitness> fresh(todo.size());
#if STREAM_TSAN
    if (!todo.empty()) {
      const std::size_t workers = plain_worker_count(todo.size(), threads_);
      if (slots_.size() < workers) slots_.resize(workers);
      plain_parallel_for(todo.size(), threads_, [&](std::size_t i, std::size_t w) {
        auto& ev = slots_[w];
        if (!ev) {
          ev = factory_.make();
          made_.fetch_add(1, std::memory_order_relaxed);
        }
        fresh[i] = ev->evaluate(*todo[i]);
      });
    }
#else
    if (!todo.empty()) {
      arena_.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, todo.size(), 1),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                            auto& ev = evaluators_.local();
                            if (!ev) {
                              ev = factory_.make();
                              made_.fetch_add(1, std::memory_order_relaxed);
                            }
                            for (std::size_t i = r.begin(); i != r.end(); ++i) {
                              fresh[i] = ev->evaluate(*todo[i]);
                            }
                          });
      });
    }
#endif
    for (std::size_t i = 0; i < todo.size(); ++i) {
      if (!fresh[i].feasible && infeasible_reason_.empty()) infeasible_reason_ = fresh[i].reason;
      memo_.emplace(*todo[i], fresh[i]);
      order_.push_back(*todo[i]);
    }
    evaluations_ += static_cast<std::int64_t>(todo.size());
    memo_hits_ += static_cast<std::int64_t>(genomes.size() - todo.size());
    std::vector<Fitness> out;
    out.reserve(genomes.size());
    for (const auto& g : genomes) out.push_back(memo_.at(g));
    return out;
  }

  bool seen(const Genome& g) const { return memo_.count(g) != 0; }

  /// The Pareto front of every feasible genome scored so far.
  std::vector<FrontPoint> front() const {
    std::vector<FrontPoint> all;
    for (const auto& g : order_) {
      const auto& f = memo_.at(g);
      if (f.feasible) all.push_back({g, f});
    }
    std::sort(all.begin(), all.end(), [](const FrontPoint& a, const FrontPoint& b) {
      if (a.fitness.latency_cycles != b.fitness.latency_cycles)
        return a.fitness.latency_cycles < b.fitness.latency_cycles;
      if (a.fitness.energy_pj != b.fitness.energy_pj)
        return a.fitness.energy_pj < b.fitness.energy_pj;
      return a.genome < b.genome;
    });
    std::vector<FrontPoint> front;
    for (auto& p : all) {
      if (front.empty() || p.fitness.energy_pj < front.back().fitness.energy_pj) {
        front.push_back(std::move(p));
      }
    }
    return front;
  }

  void fill(GaResult& r) const {
    r.front = front();
    r.evaluations = evaluations_;
    r.memo_hits = memo_hits_;
    r.evaluators_made = made_.load();
    r.infeasible_reason = infeasible_reason_;
  }

 private:
  const EvaluatorFactory& factory_;
  int threads_;
  tbb::task_arena arena_;
  tbb::enumerable_thread_specific<std::unique_ptr<Evaluator>> evaluators_;
  std::vector<std::unique_ptr<Evaluator>> slots_;  ///< ThreadSanitizer build: one per worker
  std::atomic<std::int64_t> made_{0};
  std::unordered_map<Genome, Fitness, GenomeHash> memo_;
  std::vector<Genome> order_;
  std::int64_t evaluations_ = 0;
  std::int64_t memo_hits_ = 0;
  std::string infeasible_reason_;
};

/// Rank (front index) and crowding distance of every member of a population.
void rank_and_crowd(const std::vector<Fitness>& f, std::vector<int>& rank,
                    std::vector<double>& crowd) {
  rank.assign(f.size(), 0);
  crowd.assign(f.size(), 0);
  const auto fronts = non_dominated_sort(f);
  for (std::size_t k = 0; k < fronts.size(); ++k) {
    const auto d = crowding_distance(f, fronts[k]);
    for (std::size_t i = 0; i < fronts[k].size(); ++i) {
      rank[static_cast<std::size_t>(fronts[k][i])] = static_cast<int>(k);
      crowd[static_cast<std::size_t>(fronts[k][i])] = d[i];
    }
  }
}

}  // namespace

Genome GeneticOperators::random_genome() {
  Genome g(p_.genes.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto& a = p_.genes[i].allowed;
    g[i] = a[rng_.below(a.size())].value;
  }
  return g;
}

Genome GeneticOperators::crossover(const Genome& a, const Genome& b) {
  Genome c(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) c[i] = rng_.bernoulli(0.5) ? b[i] : a[i];
  return c;
}

void GeneticOperators::redraw(Genome& g, std::size_t i) {
  const auto& a = p_.genes[i].allowed;
  if (a.size() < 2) return;
  std::size_t k = rng_.below(a.size() - 1);
  const auto cur = std::find(a.begin(), a.end(), CoreId(g[i]));
  if (cur != a.end() && k >= static_cast<std::size_t>(cur - a.begin())) ++k;
  g[i] = a[k].value;
}

void GeneticOperators::mutate(Genome& g) {
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (rng_.bernoulli(gene_prob_)) redraw(g, i);
  }
}

void GeneticOperators::mutate_one(Genome& g) {
  if (g.empty()) return;
  redraw(g, rng_.below(g.size()));
}

std::unique_ptr<Evaluator> FunctionEvaluatorFactory::make() const {
  return std::make_unique<FunctionEvaluator>(&fn_);
}

bool dominates(const Fitness& a, const Fitness& b) {
  if (!a.feasible) return false;
  if (!b.feasible) return true;
  const bool no_worse = a.energy_pj <= b.energy_pj && a.latency_cycles <= b.latency_cycles;
  const bool better = a.energy_pj < b.energy_pj || a.latency_cycles < b.latency_cycles;
  return no_worse && better;
}

std::vector<std::vector<int>> non_dominated_sort(const std::vector<Fitness>& f) {
  const int n = static_cast<int>(f.size());
  std::vector<std::vector<int>> dominated(f.size());
  std::vector<int> count(f.size(), 0);
  std::vector<std::vector<int>> fronts;
  std::vector<int> current;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      if (dominates(f[static_cast<std::size_t>(i)], f[static_cast<std::size_t>(j)])) {
        dominated[static_cast<std::size_t>(i)].push_back(j);
      } else if (dominates(f[static_cast<std::size_t>(j)], f[static_cast<std::size_t>(i)])) {
        ++count[static_cast<std::size_t>(i)];
      }
    }
    if (count[static_cast<std::size_t>(i)] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    std::vector<int> next;
    for (int i : current) {
      for (int j : dominated[static_cast<std::size_t>(i)]) {
        if (--count[static_cast<std::size_t>(j)] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> crowding_distance(const std::vector<Fitness>& f,
                                      const std::vector<int>& front) {
  const std::size_t m = front.size();
  std::vector<double> d(m, 0.0);
  if (m <= 2) {
    std::fill(d.begin(), d.end(), std::numeric_limits<double>::infinity());
    return d;
  }
  std::vector<std::size_t> order(m);
  for (int obj = 0; obj < 2; ++obj) {
    auto value = [&](std::size_t k) {
      const auto& x = f[static_cast<std::size_t>(front[k])];
      return obj == 0 ? x.energy_pj : static_cast<double>(x.latency_cycles);
    };
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return value(a) < value(b); });
    const double lo = value(order.front());
    const double hi = value(order.back());
    d[order.front()] = std::numeric_limits<double>::infinity();
    d[order.back()] = std::numeric_limits<double>::infinity();
    if (hi <= lo) continue;
    for (std::size_t k = 1; k + 1 < m; ++k) {
      d[order[k]] += (value(order[k + 1]) - value(order[k - 1])) / (hi - lo);
    }
  }
  return d;
}

GaResult run_nsga2(const AllocationProblem& problem, const EvaluatorFactory& factory,
                   const GaOptions& options) {
  STREAM_ASSERT(options.population >= 1 && options.generations >= 0,
                "GA needs a population >= 1 and generations >= 0");
  Scorer scorer(factory, options.threads);
  GaResult result;
  if (!problem.flexible()) {
    const std::vector<Genome> one{Genome{}};
    const auto f = scorer.score(one);
    result.population.push_back({Genome{}, f.front()});
    scorer.fill(result);
    return result;
  }
  const std::size_t n = static_cast<std::size_t>(options.population);
  const double gene_prob = options.gene_mutation_prob > 0
                               ? options.gene_mutation_prob
                               : 1.0 / static_cast<double>(problem.gene_count());
  SplitMix64 rng(options.seed);
  GeneticOperators ops(problem, rng, gene_prob);

  // Initial population: the given genomes, then uniform draws, no two alike.
  std::vector<Genome> pop;
  GenomeSet in_pop;
  for (const auto& g : options.initial) {
    if (pop.size() == n) break;
    if (!problem.valid(g) || !in_pop.insert(g).second) continue;
    pop.push_back(g);
  }
  for (std::size_t tries = 0; pop.size() < n && tries < 50 * n; ++tries) {
    auto g = ops.random_genome();
    if (in_pop.insert(g).second) pop.push_back(std::move(g));
  }
  auto fit = scorer.score(pop);
  std::vector<int> rank;
  std::vector<double> crowd;
  rank_and_crowd(fit, rank, crowd);

  auto tournament = [&]() {
    const std::size_t a = rng.below(pop.size());
    const std::size_t b = rng.below(pop.size());
    if (rank[b] < rank[a] || (rank[b] == rank[a] && crowd[b] > crowd[a])) return b;
    return a;
  };

  for (int gen = 0; gen < options.generations; ++gen) {
    std::vector<Genome> offspring;
    GenomeSet in_off;
    auto taken = [&](const Genome& g) { return in_pop.count(g) != 0 || in_off.count(g) != 0; };
    for (std::size_t attempts = 0; offspring.size() < n && attempts < 20 * n; ++attempts) {
      const auto& p1 = pop[tournament()];
      const auto& p2 = pop[tournament()];
      Genome child = rng.bernoulli(options.crossover_prob) ? ops.crossover(p1, p2) : p1;
      ops.mutate(child);
      // Prefer genomes never scored; accept a memo hit rather than nothing, never a duplicate.
      for (int t = 0; t < 8 && (taken(child) || scorer.seen(child)); ++t) ops.mutate_one(child);
      if (taken(child)) continue;
      in_off.insert(child);
      offspring.push_back(std::move(child));
    }
    const auto off_fit = scorer.score(offspring);

    std::vector<Genome> all = pop;
    all.insert(all.end(), offspring.begin(), offspring.end());
    std::vector<Fitness> all_fit = fit;
    all_fit.insert(all_fit.end(), off_fit.begin(), off_fit.end());
    const auto fronts = non_dominated_sort(all_fit);
    std::vector<int> chosen;
    for (const auto& front : fronts) {
      if (chosen.size() + front.size() <= n) {
        chosen.insert(chosen.end(), front.begin(), front.end());
        if (chosen.size() == n) break;
        continue;
      }
      const auto d = crowding_distance(all_fit, front);
      std::vector<std::size_t> order(front.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return d[a] > d[b]; });
      for (std::size_t k = 0; chosen.size() < n; ++k) chosen.push_back(front[order[k]]);
      break;
    }
    std::vector<Genome> next;
    std::vector<Fitness> next_fit;
    for (int i : chosen) {
      next.push_back(std::move(all[static_cast<std::size_t>(i)]));
      next_fit.push_back(std::move(all_fit[static_cast<std::size_t>(i)]));
    }
    pop = std::move(next);
    fit = std::move(next_fit);
    in_pop = GenomeSet(pop.begin(), pop.end());
    rank_and_crowd(fit, rank, crowd);
  }
  std::vector<std::size_t> order(pop.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return rank[a] != rank[b] ? rank[a] < rank[b] : crowd[a] > crowd[b];
  });
  for (auto i : order) result.population.push_back({pop[i], fit[i]});
  scorer.fill(result);
  return result;
}

GaResult evaluate_candidates(const AllocationProblem& problem, const EvaluatorFactory& factory,
                             const std::vector<Genome>& genomes, int threads) {
  Scorer scorer(factory, threads);
  std::vector<Genome> unique;
  GenomeSet seen;
  for (const auto& g : genomes) {
    if (problem.valid(g) && seen.insert(g).second) unique.push_back(g);
  }
  GaResult result;
  const auto f = scorer.score(unique);
  for (std::size_t i = 0; i < unique.size(); ++i) result.population.push_back({unique[i], f[i]});
  scorer.fill(result);
  return result;
}

int choose(const std::vector<FrontPoint>& front, Objective objective) {
  int best = -1;
  auto key = [&](const Fitness& f) {
    switch (objective) {
      case Objective::kLatency:
        return static_cast<double>(f.latency_cycles);
      case Objective::kEnergy:
        return f.energy_pj;
      case Objective::kEdp:
        break;
    }
    return f.edp();
  };
  for (std::size_t i = 0; i < front.size(); ++i) {
    if (best < 0) {
      best = static_cast<int>(i);
      continue;
    }
    const auto& a = front[i].fitness;
    const auto& b = front[static_cast<std::size_t>(best)].fitness;
    const double ka = key(a), kb = key(b);
    if (ka < kb ||
        (ka == kb && (a.latency_cycles < b.latency_cycles ||
                      (a.latency_cycles == b.latency_cycles && a.energy_pj < b.energy_pj)))) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace stream::allocation
