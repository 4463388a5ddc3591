#pragma once
/// Reading an input file whole, within limits().max_file_bytes. The read is bounded even when
/// the size is unknown beforehand (a pipe, /dev/zero, a /proc file), so no input can make a
/// reader allocate more than the limit.

#include <string>

namespace stream {

/// The bytes of `path`. InputError naming the file when it is missing, unreadable, a directory
/// or longer than limits().max_file_bytes.
std::string read_input_file(const std::string& path);

}  // namespace stream
