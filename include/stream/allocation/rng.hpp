#pragma once
/// The allocator's random numbers: SplitMix64 (Steele, Lea, Flood 2014), a fixed algorithm, and
/// draws written here rather than std::uniform_int_distribution (whose algorithm differs between
/// libstdc++ and libc++): the same seed gives the same numbers on every platform.

#include <cstdint>

namespace stream::allocation {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, n), n >= 1, without modulo bias (rejection of the short last block).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 1) return 0;
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    for (;;) {
      const std::uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

  /// Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::uint64_t state_;
};

}  // namespace stream::allocation
