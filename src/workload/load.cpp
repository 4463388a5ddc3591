#include "stream/workload/load.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "stream/common/error.hpp"

namespace stream::workload {
namespace {

bool ends_with_nocase(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(),
                    s.end() - static_cast<std::ptrdiff_t>(suffix.size()), [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

}  // namespace

WorkloadSpec load_workload(const std::string& spec) {
  if (spec.rfind("zoo:", 0) == 0) return zoo_workload(spec.substr(4));
  if (ends_with_nocase(spec, ".onnx")) return read_onnx_workload(spec);
  if (ends_with_nocase(spec, ".yaml") || ends_with_nocase(spec, ".yml")) {
    return read_yaml_workload(spec);
  }
  throw InputError(spec, "",
                   "unknown workload kind: expected zoo:NAME, a .onnx file or a .yaml/.yml file");
}

}  // namespace stream::workload
