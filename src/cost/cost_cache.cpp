#include "stream/cost/cost_cache.hpp"

#include <oneapi/tbb/concurrent_hash_map.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <atomic>
#include <unordered_map>

#include "stream/common/parallel.hpp"

namespace stream::cost {

struct CostCache::Impl {
  using Map = tbb::concurrent_hash_map<std::uint64_t, ResultPtr>;
  Map map;
  std::atomic<std::int64_t> hits{0};
  std::atomic<std::int64_t> misses{0};

  ResultPtr get(std::uint64_t key, const CostQuery& q) {
    {
      Map::const_accessor ca;
      if (map.find(ca, key) && ca->second) {
        hits.fetch_add(1, std::memory_order_relaxed);
        return ca->second;
      }
    }
    Map::accessor a;  // write lock on the entry: one evaluation per key
    if (map.insert(a, key) || !a->second) {
      misses.fetch_add(1, std::memory_order_relaxed);
      try {
        a->second = std::make_shared<const CostResult>(evaluate(q));
      } catch (...) {
        map.erase(a);
        throw;
      }
      return a->second;
    }
    hits.fetch_add(1, std::memory_order_relaxed);
    return a->second;
  }
};

CostCache::CostCache() : impl_(std::make_unique<Impl>()) {}
CostCache::~CostCache() = default;

CostCache::ResultPtr CostCache::get(const CostQuery& query) {
  return impl_->get(cost_key(query), query);
}

std::vector<CostCache::ResultPtr> CostCache::cost_all(const std::vector<CostQuery>& queries,
                                                      int threads) {
  std::vector<std::uint64_t> keys(queries.size());
  std::vector<std::size_t> first;  // index of the first query of each distinct key
  std::vector<std::size_t> slot(queries.size());
  std::unordered_map<std::uint64_t, std::size_t> seen;
  for (std::size_t i = 0; i < queries.size(); ++i) {
    keys[i] = cost_key(queries[i]);
    const auto [it, fresh] = seen.emplace(keys[i], first.size());
    if (fresh) first.push_back(i);
    slot[i] = it->second;
  }
  std::vector<ResultPtr> unique(first.size());
  auto body = [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t u = r.begin(); u != r.end(); ++u) {
      unique[u] = impl_->get(keys[first[u]], queries[first[u]]);
    }
  };
#if STREAM_TSAN
  // ThreadSanitizer build: the same body on plain threads (stream/common/parallel.hpp), so
  // races in this code and in evaluate() stay visible.
  plain_parallel_for(first.size(), threads, [&](std::size_t u, std::size_t) {
    body(tbb::blocked_range<std::size_t>(u, u + 1));
  });
#else
  const tbb::blocked_range<std::size_t> range(0, first.size(), 1);
  if (threads > 0) {
    tbb::task_arena arena(threads);
    arena.execute([&] { tbb::parallel_for(range, body); });
  } else {
    tbb::parallel_for(range, body);
  }
#endif
  impl_->hits.fetch_add(static_cast<std::int64_t>(queries.size() - first.size()),
                        std::memory_order_relaxed);
  std::vector<ResultPtr> out(queries.size());
  for (std::size_t i = 0; i < queries.size(); ++i) out[i] = unique[slot[i]];
  return out;
}

std::int64_t CostCache::hits() const { return impl_->hits.load(); }
std::int64_t CostCache::misses() const { return impl_->misses.load(); }
std::size_t CostCache::size() const { return impl_->map.size(); }

void CostCache::clear() {
  impl_->map.clear();
  impl_->hits = 0;
  impl_->misses = 0;
}

CostCache& CostCache::process() {
  static CostCache cache;
  return cache;
}

}  // namespace stream::cost
