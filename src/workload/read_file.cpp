#include "read_file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace stream::workload::detail {

std::string read_input_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw InputError(path, "", "cannot open file (does it exist and is it readable?)");
  }
  if (fs::is_directory(status)) throw InputError(path, "", "is a directory, not a file");
  const auto size = fs::file_size(path, ec);
  if (!ec && static_cast<std::int64_t>(size) > limits().max_file_bytes) {
    throw InputError(path, "",
                     "the file has " + std::to_string(size) +
                         " bytes, more than the limit max_file_bytes = " +
                         std::to_string(limits().max_file_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open file (does it exist and is it readable?)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path, "", "read error");
  return text.str();
}

std::string file_stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

}  // namespace stream::workload::detail
