#pragma once
/// ThreadSanitizer builds (STREAM_SANITIZE=thread, `make tsan`): Debian's libtbb is not built
/// with TSan, so TSan cannot see the happens-before edges of oneTBB's work stealing and reports
/// oneTBB's own bookkeeping as races (google/sanitizers#1004). Under TSan the threaded stages
/// (cost cache, GA fitness loop, candidate costing, sweep workers) run the same loop bodies on
/// plain std::threads instead (plain_parallel_for), so races in stream-hpc's own code stay
/// visible. STREAM_TSAN is 1 in such a build, 0 otherwise.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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

namespace stream {

/// Worker threads for `threads` (<= 0: the hardware's), never more than `n` nor fewer than 1.
inline std::size_t plain_worker_count(std::size_t n, int threads) {
  const std::size_t want = threads > 0 ? static_cast<std::size_t>(threads)
                                       : std::max(1U, std::thread::hardware_concurrency());
  return std::max<std::size_t>(1, std::min(want, n));
}

/// body(i, worker) for every i in [0, n) on plain_worker_count(n, threads) std::threads; worker
/// is the thread's index in [0, plain_worker_count(n, threads)). A shared atomic counter hands
/// out the indices. The first exception a body throws is rethrown once every thread has
/// joined (unlike oneTBB, which cancels the loop, the remaining indices still run).
template <class Body>
void plain_parallel_for(std::size_t n, int threads, Body&& body) {
  if (n == 0) return;
  const std::size_t workers = plain_worker_count(n, threads);
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto run = [&](std::size_t worker) {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        body(i, worker);
      } catch (...) {
        const std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(run, w);
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace stream
