#pragma once
// Portable deterministic sampling: SplitMix64 (the same sequence on every machine and standard
// library, unlike std::uniform_real_distribution) and the mapping of a uniform number in [0, 1)
// to a sampled parameter value.
#include <cmath>
#include <cstdint>

#include "stream/sweep/sweep_spec.hpp"

namespace stream::sweep::detail {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t s_;
};

/// u in [0, 1) -> the parameter's value (choices: index floor(u * n); log: log-uniform;
/// integer: every integer in [min, max] equally likely, or rounded log-uniform).
inline Value sample_value(const SampledParam& sp, double u) {
  if (!sp.choices.empty()) {
    auto k = static_cast<std::size_t>(u * static_cast<double>(sp.choices.size()));
    if (k >= sp.choices.size()) k = sp.choices.size() - 1;
    return sp.choices[k];
  }
  if (sp.integer) {
    const double lo = std::ceil(sp.min);
    const double hi = std::floor(sp.max);
    double x = 0;
    if (sp.log) {
      x = std::round(std::exp(std::log(sp.min) + u * (std::log(sp.max) - std::log(sp.min))));
    } else {
      x = std::floor(lo + u * (hi - lo + 1));
    }
    x = std::fmin(std::fmax(x, lo), hi);
    return Value::of_int(static_cast<std::int64_t>(x));
  }
  if (sp.log) {
    return Value::of_float(std::exp(std::log(sp.min) + u * (std::log(sp.max) - std::log(sp.min))));
  }
  return Value::of_float(sp.min + u * (sp.max - sp.min));
}

}  // namespace stream::sweep::detail
