#include "stream/cost/cost_cache.hpp"

#include <oneapi/tbb/concurrent_hash_map.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <unordered_map>

#if defined(__SANITIZE_THREAD__)
#define STREAM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STREAM_TSAN 1
#endif
#endif
#ifndef STREAM_TSAN
#define STREAM_TSAN 0
#endif
#if STREAM_TSAN
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#endif

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
  // ThreadSanitizer build: Debian's libtbb is not instrumented, so TSan cannot see the
  // happens-before edges of TBB's work stealing and reports TBB's own bookkeeping as races
  // (google/sanitizers#1004). The same body runs on plain threads instead (a shared atomic
  // counter hands out the indices), so races in this code and in evaluate() stay visible.
  {
    const std::size_t n_threads = std::max<std::size_t>(
        1, threads > 0 ? static_cast<std::size_t>(threads) : std::thread::hardware_concurrency());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    std::exception_ptr error;
    std::mutex error_mutex;
    for (std::size_t t = 0; t < n_threads; ++t) {
      pool.emplace_back([&] {
        for (std::size_t u = next++; u < first.size(); u = next++) {
          try {
            body(tbb::blocked_range<std::size_t>(u, u + 1));
          } catch (...) {
            const std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
          }
        }
      });
    }
    for (auto& th : pool) th.join();
    if (error) std::rethrow_exception(error);
  }
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
