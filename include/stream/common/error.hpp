#pragma once
/// Error policy (DESIGN.md, house style):
///  - bad user input (a malformed or inconsistent file, an unknown option value) throws
///    stream::InputError, caught only in the application's main and mapped to exit code 2;
///  - an infeasible design point is NOT an error: it is a result with a status and a reason;
///  - a broken internal invariant is a bug: STREAM_ASSERT throws stream::InternalError
///    (exit code 70 in main).
/// Library code never prints and never exits.

#include <stdexcept>
#include <string>

namespace stream {

/// Bad input. The message always names the file (or the command-line option), the place in it
/// (YAML path with line, ONNX node, CSV row) and what is wrong:
///   "<file>: <where>: <reason>"
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string where, std::string reason);

  const std::string& file() const noexcept { return file_; }
  const std::string& where() const noexcept { return where_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string file_;
  std::string where_;
  std::string reason_;
};

/// A violated internal invariant (a bug in stream-hpc, never the user's input).
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void throw_internal_error(const char* file, int line, const char* condition,
                                       const std::string& message);

}  // namespace stream

/// Always-on invariant check. Use for conditions that only a bug can violate.
#define STREAM_ASSERT(cond, msg)                                                   \
  do {                                                                             \
    if (!(cond)) ::stream::throw_internal_error(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)
