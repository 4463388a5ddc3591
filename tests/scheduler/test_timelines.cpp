// Unit tests of the scheduler's timelines: the memory step function (insert, remove, usage,
// Stream's earliest-fit) and the channel idle periods (reservations, common windows).
#include <gtest/gtest.h>

#include <random>

#include "stream/scheduler/timelines.hpp"

namespace stream::scheduler {
namespace {

TEST(MemoryTimeline, AddRemoveAndUsage) {
  MemoryTimeline m(100);
  EXPECT_TRUE(m.add(10, 40));
  EXPECT_TRUE(m.add(5, 20));
  EXPECT_EQ(m.usage_at(0), 0);
  EXPECT_EQ(m.usage_at(5), 20);
  EXPECT_EQ(m.usage_at(9), 20);
  EXPECT_EQ(m.usage_at(10), 60);
  EXPECT_TRUE(m.add(30, -40));  // a free in the future
  EXPECT_EQ(m.usage_at(29), 60);
  EXPECT_EQ(m.usage_at(1000), 20);
  EXPECT_EQ(m.peak_bits(), 60);
  EXPECT_FALSE(m.add(20, 50));  // 110 > 100 on [20, 30): overflow reported
  EXPECT_EQ(m.peak_bits(), 110);
}

TEST(MemoryTimeline, FitFollowsStreamSemantics) {
  MemoryTimeline m(100);
  m.add(0, 50);
  m.add(10, 30);
  m.add(20, -30);                // usage: [0,10) 50, [10,20) 80, [20,..) 50
  EXPECT_EQ(m.fit(20, 0), 0);    // 80 + 20 fits everywhere from 0
  EXPECT_EQ(m.fit(30, 0), 20);   // not while 80 are stored: from the breakpoint after the peak
  EXPECT_EQ(m.fit(30, 25), 25);  // from 25 on there is room
  EXPECT_EQ(m.fit(60, 0), 20);   // never room: the last breakpoint reaching the maximum from t
  EXPECT_EQ(m.fit(60, 25), 20);  // ... which may lie before t
}

TEST(MemoryTimeline, FitNeverReturnsATimeWithoutRoomWhenRoomExists) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    MemoryTimeline m(1000);
    std::vector<std::pair<std::int64_t, std::int64_t>> ops;
    for (int i = 0; i < 20; ++i) {
      const std::int64_t t = rng() % 100, b = rng() % 200;
      m.add(t, b);
      m.add(t + 1 + static_cast<std::int64_t>(rng() % 50), -b);
    }
    const std::int64_t size = rng() % 400, t0 = rng() % 120;
    const std::int64_t f = m.fit(size, t0);
    // Brute force: is there room on [f, inf)?
    std::int64_t worst = m.usage_at(f);
    for (const auto& [bt, u] : m.breakpoints())
      if (bt >= f) worst = std::max(worst, u);
    const bool room_somewhere = [&] {
      std::int64_t tail = m.usage_at(1000000);
      return tail + size <= 1000;
    }();
    if (room_somewhere) {
      EXPECT_GE(f, t0);
      EXPECT_LE(worst + size, 1000) << "round " << round;
    }
  }
}

/// Stream's fit written out directly over the breakpoints (what the chunked version must equal).
std::int64_t naive_fit(const MemoryTimeline& m, std::int64_t bits, std::int64_t t) {
  const auto& bp = m.breakpoints();
  for (;;) {
    std::size_t k0 = 0;
    for (std::size_t k = 0; k < bp.size(); ++k)
      if (bp[k].first <= t) k0 = k;
    std::int64_t u = bp[k0].second;
    std::size_t ks = k0;
    for (std::size_t k = k0 + 1; k < bp.size(); ++k) {
      if (bp[k].second >= u) {
        u = bp[k].second;
        ks = k;
      }
    }
    if (u + bits <= m.capacity_bits()) return t;
    if (ks + 1 == bp.size()) return bp[ks].first;
    t = bp[ks + 1].first;
  }
}

TEST(MemoryTimeline, ChunkedFitEqualsTheDirectScanOnLongTimelines) {
  std::mt19937 rng(11);
  MemoryTimeline m(1 << 20);
  std::int64_t peak = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::int64_t t = rng() % 20000, b = 1 + rng() % 5000;
    m.add(t, b);
    m.add(t + 1 + static_cast<std::int64_t>(rng() % 3000), -b);
    if (i % 50 == 0) {
      for (int q = 0; q < 20; ++q) {
        const std::int64_t size = rng() % (1 << 20), t0 = rng() % 25000;
        ASSERT_EQ(m.fit(size, t0), naive_fit(m, size, t0)) << i << " " << size << " " << t0;
      }
    }
  }
  for (const auto& b : m.breakpoints()) peak = std::max(peak, b.second);
  EXPECT_EQ(m.peak_bits(), peak);
}

TEST(LinkTimeline, ReserveSplitsIdlePeriods) {
  LinkTimeline l;
  l.reserve(10, 20);
  ASSERT_EQ(l.idle().size(), 2u);
  EXPECT_EQ(l.idle()[0], (std::pair<std::int64_t, std::int64_t>{0, 10}));
  EXPECT_EQ(l.idle()[1], (std::pair<std::int64_t, std::int64_t>{20, kForever}));
  l.reserve(0, 10);  // s = a: the period shrinks to a point [10, 10]
  EXPECT_EQ(l.idle()[0], (std::pair<std::int64_t, std::int64_t>{10, 10}));
  l.reserve(5, 5);  // zero length: nothing changes
  EXPECT_EQ(l.idle().size(), 2u);
  EXPECT_EQ(l.first_window(0, 3), (std::pair<std::int64_t, std::int64_t>{20, kForever}));
  // A zero-length transfer may use the point period, not the busy interval.
  EXPECT_EQ(l.first_window(12, 0).first, 20);
  EXPECT_EQ(l.first_window(10, 0).first, 10);
}

TEST(LinkTimeline, CommonWindowOfSeveralChannels) {
  LinkTimeline a, b;
  a.reserve(10, 20);
  b.reserve(25, 40);
  // a idle [0,10] [20,inf); b idle [0,25] [40,inf).
  EXPECT_EQ(earliest_common_window({&a, &b}, 0, 5), 0);
  EXPECT_EQ(earliest_common_window({&a, &b}, 8, 5), 20);  // [20, 25] fits 5
  EXPECT_EQ(earliest_common_window({&a, &b}, 8, 6), 40);  // does not: after b's booking
  EXPECT_EQ(earliest_common_window({&a, &b}, 50, 100), 50);
  EXPECT_EQ(earliest_common_window({}, 7, 3), 7);
}

}  // namespace
}  // namespace stream::scheduler
