#pragma once
/// Stable 64-bit hashing (FNV-1a) for content keys: the same bytes give the same hash on every
/// machine and in every run, so cache keys and point ids are reproducible.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace stream {

class StableHasher {
 public:
  StableHasher& bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= p[i];
      h_ *= 0x100000001b3ULL;
    }
    return *this;
  }
  StableHasher& str(std::string_view s) {
    u64(s.size());
    return bytes(s.data(), s.size());
  }
  StableHasher& u64(std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));  // little endian
    return bytes(b, 8);
  }
  StableHasher& i64(std::int64_t v) { return u64(static_cast<std::uint64_t>(v)); }
  StableHasher& f64(double v) {
    if (v == 0.0) v = 0.0;  // +0 and -0 hash alike
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof bits);
    return u64(bits);
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

}  // namespace stream
