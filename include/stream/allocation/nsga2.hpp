#pragma once
/// NSGA-II over (energy, latency), both minimised (stream-model.md §6; Deb et al. 2002), with
/// integer-gene operators: uniform crossover and per-gene mutation to another allowed core
/// (not Stream's ordered crossover, which is a permutation operator). Elitist (mu + lambda),
/// no two identical individuals in a population, every distinct genome scored once (memo).
///
/// Fitness comes from an injected evaluator: the factory makes one evaluator per worker thread
/// (each owns reusable state, e.g. a scheduler's buffers), and the evaluations of a generation
/// run in parallel with oneTBB. Every random draw happens on the calling thread from one
/// SplitMix64 stream, and results are merged in a fixed order, so for a deterministic evaluator
/// the same seed gives the same front whatever the thread count.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stream/allocation/problem.hpp"

namespace stream::allocation {

/// What one evaluation says about a genome. Infeasible genomes (the schedule failed) lose to
/// every feasible one (constrained domination) and never enter the front.
struct Fitness {
  double energy_pj = 0;
  std::int64_t latency_cycles = 0;
  bool feasible = true;
  std::string reason;  ///< why it is infeasible

  double edp() const { return energy_pj * static_cast<double>(latency_cycles); }
};

/// Scores genomes. One instance is used by one thread at a time; it may keep mutable state
/// between calls but its result must depend on the genome only.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual Fitness evaluate(const Genome& genome) = 0;
};

/// Makes evaluators; make() may be called concurrently from several threads.
class EvaluatorFactory {
 public:
  virtual ~EvaluatorFactory() = default;
  virtual std::unique_ptr<Evaluator> make() const = 0;
};

/// A factory whose evaluators call a thread-safe function (tests, synthetic fitness).
class FunctionEvaluatorFactory : public EvaluatorFactory {
 public:
  using Fn = std::function<Fitness(const Genome&)>;
  explicit FunctionEvaluatorFactory(Fn fn) : fn_(std::move(fn)) {}
  std::unique_ptr<Evaluator> make() const override;

 private:
  Fn fn_;
};

enum class Objective : std::uint8_t { kEdp, kLatency, kEnergy };

/// a dominates b: feasible beats infeasible; among feasible, no worse in both objectives and
/// better in one. Infeasible never dominate each other.
bool dominates(const Fitness& a, const Fitness& b);

/// Fast non-dominated sort: fronts of indices into `f`, best first, each ascending.
std::vector<std::vector<int>> non_dominated_sort(const std::vector<Fitness>& f);

/// Crowding distance of each member of `front` (indices into `f`), in front order: infinite
/// at both ends of each objective, else the sum of the normalised neighbour gaps.
std::vector<double> crowding_distance(const std::vector<Fitness>& f, const std::vector<int>& front);

struct GaOptions {
  int population = 16;
  int generations = 16;
  std::uint64_t seed = 0;
  int threads = 0;  ///< 0 = oneTBB's default
  /// Probability that a child is a uniform crossover of two parents (else a copy of one).
  double crossover_prob = 0.9;
  /// Per-gene mutation probability; <= 0 means 1 / gene count. A child equal to a parent or to
  /// a genome already in the population gets one more gene mutated (up to a few tries).
  double gene_mutation_prob = 0;
  /// Genomes placed first in the initial population (e.g. the heuristics' allocations);
  /// invalid or repeated ones are skipped, the rest is drawn uniformly per gene.
  std::vector<Genome> initial;
};

struct FrontPoint {
  Genome genome;
  Fitness fitness;
};

struct GaResult {
  /// The Pareto front of every feasible genome evaluated (the hall of fame), ascending
  /// latency, then energy, then genome. Empty when no evaluated genome was feasible.
  std::vector<FrontPoint> front;
  /// The last population (after the final selection), best rank first.
  std::vector<FrontPoint> population;
  std::int64_t evaluations = 0;  ///< distinct genomes scored (= schedules run)
  std::int64_t memo_hits = 0;    ///< individuals whose fitness came from the memo
  std::int64_t evaluators_made = 0;
  std::string infeasible_reason;  ///< the first infeasible reason met (for an empty front)
};

/// Runs NSGA-II. A problem without genes is evaluated once (the fixed allocation).
GaResult run_nsga2(const AllocationProblem& problem, const EvaluatorFactory& factory,
                   const GaOptions& options);

/// Scores the given genomes (deduplicated, in parallel) and returns their front: what a
/// heuristic needs to pick among a few candidates.
GaResult evaluate_candidates(const AllocationProblem& problem, const EvaluatorFactory& factory,
                             const std::vector<Genome>& genomes, int threads = 0);

/// The front member chosen by `objective`: min EDP (default), min latency or min energy; ties
/// go to lower latency, then lower energy, then front order. -1 for an empty front.
int choose(const std::vector<FrontPoint>& front, Objective objective);

}  // namespace stream::allocation
