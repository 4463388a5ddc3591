#pragma once
/// Internal to the workload stage: reading an input file whole, within the size limit.

#include <string>

namespace stream::workload::detail {

/// The bytes of `path`. InputError when it is missing, unreadable, a directory or larger than
/// limits().max_file_bytes.
std::string read_input_file(const std::string& path);

/// "resnet18" for "dir/resnet18.onnx".
std::string file_stem(const std::string& path);

}  // namespace stream::workload::detail
