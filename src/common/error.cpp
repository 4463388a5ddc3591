#include "stream/common/error.hpp"

#include <utility>

namespace stream {
namespace {
std::string compose(const std::string& file, const std::string& where, const std::string& reason) {
  std::string out;
  if (!file.empty()) out += file + ": ";
  if (!where.empty()) out += where + ": ";
  out += reason;
  return out;
}
}  // namespace

InputError::InputError(std::string file, std::string where, std::string reason)
    : std::runtime_error(compose(file, where, reason)),
      file_(std::move(file)),
      where_(std::move(where)),
      reason_(std::move(reason)) {}

void throw_internal_error(const char* file, int line, const char* condition,
                          const std::string& message) {
  throw InternalError(std::string("internal error at ") + file + ":" + std::to_string(line) +
                      ": check '" + condition + "' failed: " + message);
}

}  // namespace stream
