#include "stream/common/limits.hpp"

#include <cerrno>
#include <cstdlib>

#include "stream/common/error.hpp"

namespace stream {

Limits& limits() {
  static Limits l;
  return l;
}

void Limits::set(const std::string& name, const std::string& value, const std::string& source) {
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(value.c_str(), &end, 10);
  if (value.empty() || end == nullptr || *end != '\0' || errno != 0 || v <= 0) {
    throw InputError(source, name, "expected a positive integer, got '" + value + "'");
  }
  std::int64_t* field = nullptr;
  if (name == "max_loop_size") field = &max_loop_size;
  if (name == "max_layer_macs") field = &max_layer_macs;
  if (name == "max_memory_bits") field = &max_memory_bits;
  if (name == "max_nodes") field = &max_nodes;
  if (name == "max_cores") field = &max_cores;
  if (name == "max_cns") field = &max_cns;
  if (name == "max_sweep_points") field = &max_sweep_points;
  if (name == "max_file_bytes") field = &max_file_bytes;
  if (name == "max_link_cycles_per_bit") field = &max_link_cycles_per_bit;
  if (field == nullptr) {
    throw InputError(source, name,
                     "unknown limit (known: max_loop_size, max_layer_macs, max_memory_bits, "
                     "max_nodes, max_cores, max_cns, max_sweep_points, max_file_bytes, "
                     "max_link_cycles_per_bit)");
  }
  *field = v;
}

}  // namespace stream
