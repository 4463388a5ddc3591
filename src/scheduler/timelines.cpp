#include "stream/scheduler/timelines.hpp"

#include <algorithm>

namespace stream::scheduler {

std::size_t MemoryTimeline::in_force(std::int64_t t) const {
  // Last breakpoint with time <= t; most queries are near the end.
  auto it = std::upper_bound(bp_.begin(), bp_.end(), t,
                             [](std::int64_t v, const auto& b) { return v < b.first; });
  if (it == bp_.begin()) return 0;
  return static_cast<std::size_t>(it - bp_.begin()) - 1;
}

bool MemoryTimeline::add(std::int64_t t, std::int64_t bits) {
  auto it = std::lower_bound(bp_.begin(), bp_.end(), t,
                             [](const auto& b, std::int64_t v) { return b.first < v; });
  if (it == bp_.end() || it->first != t) {
    const std::int64_t before = it == bp_.begin() ? 0 : std::prev(it)->second;
    it = bp_.insert(it, {t, before});
  }
  const auto k = static_cast<std::size_t>(it - bp_.begin());
  bool ok = true;
  for (; it != bp_.end(); ++it) {
    it->second += bits;
    if (it->second > capacity_) ok = false;
  }
  refresh_chunks(k);
  return ok;
}

void MemoryTimeline::refresh_chunks(std::size_t from_index) {
  const std::size_t chunks = (bp_.size() + kChunk - 1) / kChunk;
  chunk_max_.resize(chunks);
  for (std::size_t c = from_index / kChunk; c < chunks; ++c) {
    const std::size_t lo = c * kChunk, hi = std::min(bp_.size(), lo + kChunk);
    std::int64_t m = bp_[lo].second;
    for (std::size_t i = lo + 1; i < hi; ++i) m = std::max(m, bp_[i].second);
    chunk_max_[c] = m;
  }
}

std::pair<std::int64_t, std::size_t> MemoryTimeline::suffix_max(std::size_t k) const {
  // The partial chunk holding k, then whole chunks; ties resolve to the last index.
  const std::size_t first_chunk = k / kChunk;
  const std::size_t head_end = std::min(bp_.size(), (first_chunk + 1) * kChunk);
  std::int64_t u = bp_[k].second;
  std::size_t at = k;
  for (std::size_t i = k + 1; i < head_end; ++i) {
    if (bp_[i].second >= u) {
      u = bp_[i].second;
      at = i;
    }
  }
  std::size_t best_chunk = chunk_max_.size();
  for (std::size_t c = first_chunk + 1; c < chunk_max_.size(); ++c) {
    if (chunk_max_[c] >= u) {
      u = chunk_max_[c];
      best_chunk = c;
    }
  }
  if (best_chunk != chunk_max_.size()) {
    const std::size_t lo = best_chunk * kChunk;
    for (std::size_t i = std::min(bp_.size(), lo + kChunk); i-- > lo;) {
      if (bp_[i].second == u) {
        at = i;
        break;
      }
    }
  }
  return {u, at};
}

std::int64_t MemoryTimeline::usage_at(std::int64_t t) const {
  if (bp_.empty() || t < bp_.front().first) return 0;
  return bp_[in_force(t)].second;
}

std::int64_t MemoryTimeline::fit(std::int64_t bits, std::int64_t t) const {
  for (;;) {
    const auto [u, kstar] = suffix_max(in_force(t));
    if (u + bits <= capacity_) return t;
    if (kstar + 1 == bp_.size()) return bp_[kstar].first;
    t = bp_[kstar + 1].first;
  }
}

std::int64_t MemoryTimeline::peak_bits() const {
  std::int64_t p = 0;
  for (std::int64_t m : chunk_max_) p = std::max(p, m);
  return p;
}

void LinkTimeline::reserve(std::int64_t s, std::int64_t e) {
  if (e <= s) return;
  // The idle period [a, b] with a <= s and e <= b.
  auto it = std::upper_bound(idle_.begin(), idle_.end(), s,
                             [](std::int64_t v, const auto& p) { return v < p.first; });
  if (it == idle_.begin()) return;
  --it;
  const auto [a, b] = *it;
  if (e > b) return;
  if (s == a) {
    it->first = e;
  } else if (e == b) {
    it->second = s;
  } else {
    it->second = s;
    idle_.insert(std::next(it), {e, b});
  }
}

std::pair<std::int64_t, std::int64_t> LinkTimeline::first_window(std::int64_t t,
                                                                 std::int64_t d) const {
  // Periods are disjoint and sorted, so their ends are sorted: skip those ending before t + d.
  auto it = std::lower_bound(idle_.begin(), idle_.end(), t,
                             [](const auto& p, std::int64_t v) { return p.second < v; });
  for (; it != idle_.end(); ++it) {
    const std::int64_t s = std::max(it->first, t);
    if (it->second == kForever || it->second - s >= d) return {s, it->second};
  }
  return {kForever, kForever};
}

std::int64_t earliest_common_window(const std::vector<const LinkTimeline*>& links, std::int64_t t,
                                    std::int64_t d) {
  if (links.empty()) return t;
  std::int64_t s = t;
  for (;;) {
    bool moved = false;
    for (const auto* l : links) {
      const auto w = l->first_window(s, d);
      if (w.first != s) {
        s = w.first;
        moved = true;
        if (s == kForever) return s;
      }
    }
    if (!moved) return s;
  }
}

}  // namespace stream::scheduler
