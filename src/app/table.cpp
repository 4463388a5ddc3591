#include "table.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace stream::app {
namespace {
bool numeric(const std::string& s) {
  if (s.empty()) return false;
  return std::isdigit(static_cast<unsigned char>(s[0])) ||
         ((s[0] == '-' || s[0] == '.') && s.size() > 1);
}
}  // namespace

void Table::print(std::ostream& os, const std::string& indent) const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) w[c] = header_[c].size();
  for (const auto& r : rows_) {
    for (std::size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& r, bool head) {
    std::string out = indent;
    for (std::size_t c = 0; c < w.size(); ++c) {
      const std::string cell = c < r.size() ? r[c] : "";
      const std::string pad(w[c] - cell.size(), ' ');
      out += (!head && numeric(cell)) ? pad + cell : cell + pad;
      if (c + 1 < w.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    os << out << '\n';
  };
  line(header_, true);
  std::size_t total = 0;
  for (auto x : w) total += x + 2;
  os << indent << std::string(total > 2 ? total - 2 : 0, '-') << '\n';
  for (const auto& r : rows_) line(r, false);
}

std::string num(double v) {
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string bits_text(long long bits) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bits < 8192) return std::to_string(bits);
  double bytes = static_cast<double>(bits) / 8.0;
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g %s", bytes, units[u]);
  return std::to_string(bits) + " (" + buf + ")";
}

}  // namespace stream::app
