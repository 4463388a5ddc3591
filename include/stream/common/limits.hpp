#pragma once
/// Resource guards: inputs that ask for absurd work are refused with a clear message before
/// memory or time is exhausted. Every limit can be changed (the command line exposes them as
/// --limit NAME=VALUE, see README "Resource limits"); the defaults are far above any real
/// accelerator or network.

#include <cstdint>
#include <string>

namespace stream {

struct Limits {
  std::int64_t max_loop_size = std::int64_t{1} << 32;     ///< one loop dimension
  std::int64_t max_layer_macs = std::int64_t{1} << 50;    ///< product of a layer's loops
  std::int64_t max_memory_bits = std::int64_t{1} << 50;   ///< one memory instance (128 TiB)
  std::int64_t max_nodes = 1'000'000;                     ///< workload graph nodes
  std::int64_t max_cores = 4096;                          ///< cores of one accelerator
  std::int64_t max_cns = 20'000'000;                      ///< computation nodes of a point
  std::int64_t max_sweep_points = std::int64_t{1} << 40;  ///< points of a sweep
  std::int64_t max_file_bytes = std::int64_t{1} << 31;    ///< one input file
  /// A link or bus moves at least 1/N bit per cycle (N = this): a slower channel makes
  /// transfer durations absurd or overflow 64 bits (a bandwidth of 1e-300 bit/cycle).
  std::int64_t max_link_cycles_per_bit = std::int64_t{1} << 20;

  /// Sets limit `name` (e.g. "max_cns") from text; throws InputError naming `source`.
  void set(const std::string& name, const std::string& value, const std::string& source);
};

/// The process-wide limits (set once by the application before any work starts).
Limits& limits();

}  // namespace stream
