#pragma once
/// A process-wide cache of cost-model results, keyed by what determines the cost (cost_key():
/// loop sizes, dimension names and relations, operands and precisions, the too-large set, the
/// core's content hash and the off-chip memory, the options), never by layer or core id: four
/// identical cores or a layer shape repeated in the network are costed once, and a sweep that
/// varies only what does not enter the key re-costs nothing.
///
/// Thread safety: every member function except clear() may be called concurrently from any
/// thread (clear() needs exclusive use, e.g. between sweeps). A key is
/// evaluated exactly once: a thread asking for a key that another thread is evaluating waits
/// for that result; different keys are evaluated in parallel. Results are immutable and shared
/// (shared_ptr), so they stay valid after clear(). An InputError thrown by the model propagates
/// to the caller and leaves no entry behind.
///
/// Keys are 64-bit content hashes (FNV-1a); two different queries with the same key would share
/// a result (probability ~ n^2 / 2^65 for n distinct queries).

#include <cstdint>
#include <memory>
#include <vector>

#include "stream/cost/cost_model.hpp"

namespace stream::cost {

class CostCache {
 public:
  using ResultPtr = std::shared_ptr<const CostResult>;

  CostCache();
  ~CostCache();
  CostCache(const CostCache&) = delete;
  CostCache& operator=(const CostCache&) = delete;

  /// The cached result of `query`, evaluating it on a miss.
  ResultPtr get(const CostQuery& query);

  /// Results of all queries, in order. Distinct keys that are not cached yet are evaluated in
  /// parallel with oneTBB on at most `threads` threads (0 = oneTBB's default). A query whose
  /// key repeats one already cached or earlier in `queries` counts as a hit.
  std::vector<ResultPtr> cost_all(const std::vector<CostQuery>& queries, int threads = 0);

  std::int64_t hits() const;
  std::int64_t misses() const;
  std::size_t size() const;
  /// Drops every entry and resets the counters. Not concurrently with other calls.
  void clear();

  /// The cache shared by everything one process evaluates.
  static CostCache& process();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stream::cost
