#include "stream/common/file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace stream {

std::string read_input_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw InputError(path, "", "cannot open file (does it exist and is it readable?)");
  }
  if (fs::is_directory(status)) throw InputError(path, "", "is a directory, not a file");
  const std::int64_t limit = limits().max_file_bytes;
  auto too_large = [&](const std::string& size) {
    return InputError(path, "",
                      "the file has " + size +
                          " bytes, more than the limit max_file_bytes = " + std::to_string(limit));
  };
  if (fs::is_regular_file(status)) {
    const auto size = fs::file_size(path, ec);
    if (!ec && size > static_cast<std::uintmax_t>(limit)) throw too_large(std::to_string(size));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "", "cannot open file (does it exist and is it readable?)");
  // Bounded read: the size reported above may be absent (devices, pipes) or wrong (/proc).
  std::string text;
  constexpr std::int64_t kChunk = 1 << 16;
  std::string chunk(static_cast<std::size_t>(kChunk), '\0');
  while (in) {
    in.read(chunk.data(), kChunk);
    const std::int64_t got = in.gcount();
    if (got <= 0) break;
    if (static_cast<std::int64_t>(text.size()) + got > limit) {
      throw too_large("more than " + std::to_string(limit));
    }
    text.append(chunk.data(), static_cast<std::size_t>(got));
  }
  if (in.bad()) throw InputError(path, "", "read error");
  return text;
}

}  // namespace stream
