#pragma once
// Synthetic allocation problems and fitness functions with a known Pareto front.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "stream/allocation/nsga2.hpp"
#include "stream/allocation/problem.hpp"

namespace stream::allocation::test {

/// `n` genes, each allowed `cores` (core ids), one CN per gene, no fixed CNs.
inline AllocationProblem synthetic_problem(int n, const std::vector<int>& cores) {
  AllocationProblem p;
  for (int i = 0; i < n; ++i) {
    Gene g;
    g.layer_index = i;
    g.layer = LayerId(i);
    for (int c : cores) g.allowed.push_back(CoreId(c));
    g.cns = {i};
    p.genes.push_back(g);
    p.cn_gene.push_back(i);
    p.fixed_core.push_back(CoreId());
  }
  return p;
}

/// Per-core (energy, latency) of one gene on cores 0..3, summed over the genes: core 3 is
/// dominated by core 1, and two genes on core 1 beat one on core 0 plus one on core 2.
inline constexpr double kGeneEnergy[4] = {1, 2, 4, 3};
inline constexpr std::int64_t kGeneLatency[4] = {4, 2, 1, 3};

inline Fitness additive_fitness(const Genome& g) {
  Fitness f;
  for (auto v : g) {
    f.energy_pj += kGeneEnergy[v];
    f.latency_cycles += kGeneLatency[v];
  }
  return f;
}

/// The objective vectors of the true front of additive_fitness over n genes (each count
/// combination of the four cores), ascending latency.
inline std::vector<std::pair<std::int64_t, double>> additive_front(int n) {
  std::vector<std::pair<std::int64_t, double>> pts;
  for (int a = 0; a <= n; ++a)
    for (int b = 0; a + b <= n; ++b)
      for (int c = 0; a + b + c <= n; ++c) {
        const int d = n - a - b - c;
        pts.emplace_back(
            a * kGeneLatency[0] + b * kGeneLatency[1] + c * kGeneLatency[2] + d * kGeneLatency[3],
            a * kGeneEnergy[0] + b * kGeneEnergy[1] + c * kGeneEnergy[2] + d * kGeneEnergy[3]);
      }
  std::sort(pts.begin(), pts.end());
  std::vector<std::pair<std::int64_t, double>> front;
  for (const auto& p : pts) {
    if (front.empty() || p.second < front.back().second) front.push_back(p);
  }
  return front;
}

}  // namespace stream::allocation::test
