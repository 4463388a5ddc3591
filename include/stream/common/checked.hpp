#pragma once
/// Overflow-checked integer arithmetic for cycle, bit and loop-size products. Sizes are
/// 64-bit everywhere; a product that does not fit is an error, never a silent wrap.

#include <cstdint>
#include <limits>
#include <optional>

namespace stream {

/// a * b, or std::nullopt on overflow (both operands non-negative).
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// a + b, or std::nullopt on overflow.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

/// ceil(a / b) for a >= 0, b > 0.
constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace stream
