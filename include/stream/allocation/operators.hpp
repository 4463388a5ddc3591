#pragma once
/// The GA's variation operators on integer genes (one core id per gene), drawing from one
/// SplitMix64 stream: uniform draws, uniform crossover, and mutation of a gene to another of
/// its allowed cores. Exposed for the tests; run_nsga2 is their user.

#include "stream/allocation/problem.hpp"
#include "stream/allocation/rng.hpp"

namespace stream::allocation {

class GeneticOperators {
 public:
  /// gene_prob: per-gene mutation probability used by mutate().
  GeneticOperators(const AllocationProblem& problem, SplitMix64& rng, double gene_prob)
      : p_(problem), rng_(rng), gene_prob_(gene_prob) {}

  /// Every gene drawn uniformly from its allowed cores.
  Genome random_genome();
  /// Gene i from `a` or `b` with probability 1/2 each (positions never move).
  Genome crossover(const Genome& a, const Genome& b);
  /// Gene i to another of its allowed cores, uniformly among the others (no-op with one core).
  void redraw(Genome& g, std::size_t i);
  /// Each gene redrawn with probability gene_prob.
  void mutate(Genome& g);
  /// One gene, chosen uniformly, redrawn.
  void mutate_one(Genome& g);

 private:
  const AllocationProblem& p_;
  SplitMix64& rng_;
  double gene_prob_;
};

}  // namespace stream::allocation
