#pragma once
// Helpers shared by the tests that run the stream-hpc binary (Google Benchmark's "output test"
// idea): run a shell command, capture what it prints and how it ended.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace stream::test {

struct CommandResult {
  int code = -1;    ///< exit status; 128 + N when killed by signal N; -1 when it did not start
  std::string out;  ///< what the command printed (with the redirections the caller gave)
};

/// Runs `command` with /bin/sh and returns its exit status and standard output.
inline CommandResult run_shell(const std::string& command) {
  CommandResult r;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// A fresh folder under the system's temporary directory, unique to this process and `tag`.
inline std::filesystem::path scratch_dir(const std::string& tag) {
  auto d =
      std::filesystem::temp_directory_path() / ("stream_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace stream::test
