#pragma once
// Deterministic mutations of text input files for the robustness tests: bytes flipped, the file
// truncated, lines deleted, duplicated or swapped, numbers replaced by huge, negative, zero,
// fractional, infinite or non-numeric values. The random engine is std::mt19937_64, whose
// output the standard fixes, and no std distribution is used, so a seed gives the same
// mutations everywhere.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace stream::test {

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  /// Picks 0 <= i < n.
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng_() % n); }

  /// One mutation of `text`; `what` receives a short description (for failure messages).
  std::string mutate(const std::string& text, std::string* what) {
    static const std::vector<std::string> kValues = {"0",
                                                     "-1",
                                                     "1e30",
                                                     "9223372036854775807",
                                                     "18446744073709551616",
                                                     "1099511627776",
                                                     ".inf",
                                                     ".nan",
                                                     "abc",
                                                     "1.5",
                                                     "-0",
                                                     "4294967296",
                                                     "2e9",
                                                     "",
                                                     "[]",
                                                     "{}",
                                                     "-.inf",
                                                     "1e-300"};
    const auto numbers = number_spans(text);
    switch (pick(7)) {
      case 0:
      case 1:
      case 2: {  // a number replaced (most of the interesting cases)
        if (numbers.empty()) break;
        const auto [b, e] = numbers[pick(numbers.size())];
        const std::string& v = kValues[pick(kValues.size())];
        *what = "number '" + text.substr(b, e - b) + "' at byte " + std::to_string(b) + " -> '" +
                v + "'";
        return text.substr(0, b) + v + text.substr(e);
      }
      case 3: {  // a line deleted
        auto lines = split_lines(text);
        const std::size_t i = pick(lines.size());
        *what = "line " + std::to_string(i + 1) + " deleted";
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(i));
        return join_lines(lines);
      }
      case 4: {  // a line duplicated
        auto lines = split_lines(text);
        const std::size_t i = pick(lines.size());
        *what = "line " + std::to_string(i + 1) + " duplicated";
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
        return join_lines(lines);
      }
      case 5: {  // truncated
        const std::size_t n = pick(text.size());
        *what = "truncated to " + std::to_string(n) + " bytes";
        return text.substr(0, n);
      }
      default:
        break;
    }
    // bytes flipped
    std::string out = text;
    const std::size_t flips = 1 + pick(4);
    *what = std::to_string(flips) + " byte(s) flipped at";
    for (std::size_t k = 0; k < flips && !out.empty(); ++k) {
      const std::size_t i = pick(out.size());
      out[i] = static_cast<char>(static_cast<unsigned char>(out[i]) ^ (1u << pick(8)));
      *what += " " + std::to_string(i);
    }
    return out;
  }

 private:
  static bool digit(char c) { return c >= '0' && c <= '9'; }

  /// [begin, end) of every number token (digits with an optional sign, point and exponent).
  static std::vector<std::pair<std::size_t, std::size_t>> number_spans(const std::string& s) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t i = 0;
    while (i < s.size()) {
      if (digit(s[i])) {
        std::size_t b = i;
        if (b > 0 && s[b - 1] == '-') --b;
        while (i < s.size() && (digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E')) ++i;
        out.emplace_back(b, i);
      } else {
        ++i;
      }
    }
    return out;
  }
  static std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t b = 0;
    while (b <= s.size()) {
      const auto e = s.find('\n', b);
      if (e == std::string::npos) {
        out.push_back(s.substr(b));
        break;
      }
      out.push_back(s.substr(b, e - b));
      b = e + 1;
    }
    return out;
  }
  static std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) out += '\n';
      out += lines[i];
    }
    return out;
  }

  std::mt19937_64 rng_;
};

}  // namespace stream::test
