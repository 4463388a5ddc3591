#pragma once
/// The two timelines of the scheduler (stream-model.md §7.1): the stored-bits step function of a
/// top memory instance and the idle periods of a communication channel. Both are edited
/// non-causally (a booking may lie before or after earlier ones), hence explicit breakpoints.

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace stream::scheduler {

inline constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();

/// Stored bits over time as sorted breakpoints (t_k, u_k); u_k holds on [t_k, t_{k+1}).
/// Initially the single breakpoint (0, 0). The maximum of every chunk of kChunk consecutive
/// breakpoints is kept, so a max-over-suffix (fit) costs O(kChunk + n / kChunk) instead of
/// O(n); edits cost O(n - k) for a breakpoint at index k, and the scheduler edits near the end.
class MemoryTimeline {
 public:
  explicit MemoryTimeline(std::int64_t capacity_bits = 0) : capacity_(capacity_bits) {}

  std::int64_t capacity_bits() const { return capacity_; }
  /// Adds `bits` from time t on (a breakpoint is inserted at t when absent). Returns false when
  /// a breakpoint at or after t then exceeds the capacity (the edit is kept).
  bool add(std::int64_t t, std::int64_t bits);
  /// Usage in force at time t (the value of the last breakpoint <= t; 0 before the first).
  std::int64_t usage_at(std::int64_t t) const;
  /// Stream's earliest-fit (§7.3 fit): the earliest time from t on after which the memory never
  /// lacks room for `bits`, or, when room never appears, the time of the last breakpoint that
  /// reaches the maximum usage.
  std::int64_t fit(std::int64_t bits, std::int64_t t) const;
  /// Maximum usage over all breakpoints (the peak).
  std::int64_t peak_bits() const;
  const std::vector<std::pair<std::int64_t, std::int64_t>>& breakpoints() const { return bp_; }

 private:
  static constexpr std::size_t kChunk = 64;
  std::size_t in_force(std::int64_t t) const;  ///< index of the last breakpoint <= t (0 if none)
  void refresh_chunks(std::size_t from_index);
  /// Max usage over breakpoints [k, end) and the last index reaching it.
  std::pair<std::int64_t, std::size_t> suffix_max(std::size_t k) const;
  std::int64_t capacity_;
  std::vector<std::pair<std::int64_t, std::int64_t>> bp_{{0, 0}};
  std::vector<std::int64_t> chunk_max_{0};
};

/// Idle periods [a, b] of one channel (b may be kForever), initially [(0, forever)].
class LinkTimeline {
 public:
  /// Reserves [s, e) inside the idle period that contains it (e > s; a zero-length
  /// reservation changes nothing). The caller must have found s by earliest_window.
  void reserve(std::int64_t s, std::int64_t e);
  /// The first idle period [a, b] (in time order) with b >= max(a, t) + d, as (max(a, t), b);
  /// (kForever, kForever) when there is none (cannot happen: the last period is unbounded
  /// unless a reservation ends at kForever).
  std::pair<std::int64_t, std::int64_t> first_window(std::int64_t t, std::int64_t d) const;
  const std::vector<std::pair<std::int64_t, std::int64_t>>& idle() const { return idle_; }

 private:
  std::vector<std::pair<std::int64_t, std::int64_t>> idle_{{0, kForever}};
};

/// The earliest s >= t such that every timeline has [s, s + d] inside one idle period.
std::int64_t earliest_common_window(const std::vector<const LinkTimeline*>& links, std::int64_t t,
                                    std::int64_t d);

}  // namespace stream::scheduler
