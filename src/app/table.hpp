#pragma once
// A plain text table for terminal output: columns padded to their widest cell, numbers
// right-aligned.
#include <ostream>
#include <string>
#include <vector>

namespace stream::app {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& os, const std::string& indent = "  ") const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// 8388608 -> "8388608 (1 MiB)"; small values stay as they are.
std::string bits_text(long long bits);
/// Shortest round-trip representation of a double, ".inf" for infinity.
std::string num(double v);

}  // namespace stream::app
