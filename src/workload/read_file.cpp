#include "read_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/common/limits.hpp"

namespace stream::workload::detail {

std::string read_input_file(const std::string& path) { return stream::read_input_file(path); }

std::string file_stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

}  // namespace stream::workload::detail
