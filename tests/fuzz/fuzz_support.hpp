#pragma once
/// Shared by the libFuzzer targets: a parser may reject its input with stream::InputError (the
/// expected outcome for garbage); anything else escapes and fails the run: another exception
/// (libFuzzer reports "deadly signal" after std::terminate), a crash, a sanitizer report, a
/// hang (-timeout) or running out of memory (-rss_limit_mb / -malloc_limit_mb).

#include <cstddef>
#include <cstdint>
#include <string>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace stream::fuzz {

/// Limits for fuzzing: a referenced file (a core file named by a fuzzed accelerator) is read
/// at most 1 MiB, so /dev/zero or a huge file is an InputError rather than an OOM; a fuzzed
/// sweep spec expands to at most 2^16 points (the limit is what is tested, not the expansion
/// speed of a million points).
inline void init_limits() {
  limits().max_file_bytes = std::int64_t{1} << 20;
  limits().max_sweep_points = std::int64_t{1} << 16;
}

template <class F>
int run(const std::uint8_t* data, std::size_t size, F&& parse) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    parse(text);
  } catch (const InputError&) {
    // expected: the input was rejected with a message
  }
  return 0;
}

}  // namespace stream::fuzz

#define STREAM_FUZZ_TARGET(body)                                                      \
  extern "C" int LLVMFuzzerInitialize(int*, char***) {                                \
    ::stream::fuzz::init_limits();                                                    \
    return 0;                                                                         \
  }                                                                                   \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return ::stream::fuzz::run(data, size, [](const std::string& text) body);         \
  }
