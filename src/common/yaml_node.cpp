#include "stream/common/yaml_node.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/common/limits.hpp"

namespace stream::yaml {
namespace {

std::string syntax_message(const YAML::Exception& e) {
  std::string msg = e.msg;
  if (!e.mark.is_null()) {
    msg = "YAML syntax error at line " + std::to_string(e.mark.line + 1) + ", column " +
          std::to_string(e.mark.column + 1) + ": " + msg;
  } else {
    msg = "YAML syntax error: " + msg;
  }
  return msg;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// YAML 1.1/1.2 spellings of infinity and NaN that yaml-cpp accepts.
bool is_inf_token(const std::string& s, int* sign) {
  static const std::set<std::string> pos = {".inf",  ".Inf", ".INF",     "+.inf",   "+.Inf",
                                            "+.INF", "inf",  "Infinity", "infinity"};
  static const std::set<std::string> neg = {"-.inf", "-.Inf", "-.INF", "-inf", "-Infinity"};
  if (pos.count(s)) {
    *sign = 1;
    return true;
  }
  if (neg.count(s)) {
    *sign = -1;
    return true;
  }
  return false;
}

bool is_nan_token(const std::string& s) {
  return s == ".nan" || s == ".NaN" || s == ".NAN" || s == "nan" || s == "NaN";
}

}  // namespace

Node Node::load_file(const std::string& path) { return load_string(read_input_file(path), path); }

Node Node::load_string(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(name, "", syntax_message(e));
  }
  if (!root.IsDefined() || root.IsNull()) throw InputError(name, "", "the file is empty");
  return Node(root, name, "");
}

int Node::line() const {
  const auto m = node_.Mark();
  return m.is_null() ? 0 : m.line + 1;
}

std::string Node::where() const {
  std::string w = path_.empty() ? "(document)" : path_;
  const int l = line();
  if (l > 0) w += " (line " + std::to_string(l) + ")";
  return w;
}

void Node::fail(const std::string& reason) const { throw InputError(file_, where(), reason); }

std::string Node::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void Node::expect_map() const {
  if (!node_.IsMap()) fail("expected a map (key: value entries)");
}

bool Node::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  const auto child = node_[std::string(key)];
  return child.IsDefined() && !child.IsNull();
}

Node Node::required(std::string_view key) const {
  expect_map();
  const auto child = node_[std::string(key)];
  if (!child.IsDefined() || child.IsNull()) fail("missing field '" + std::string(key) + "'");
  return Node(child, file_, child_path(key));
}

std::optional<Node> Node::optional(std::string_view key) const {
  if (is_null()) return std::nullopt;
  expect_map();
  const auto child = node_[std::string(key)];
  if (!child.IsDefined() || child.IsNull()) return std::nullopt;
  return Node(child, file_, child_path(key));
}

std::vector<Node> Node::elements() const {
  if (!node_.IsSequence()) fail("expected a list");
  std::vector<Node> out;
  out.reserve(node_.size());
  std::size_t i = 0;
  for (const auto& child : node_) {
    out.emplace_back(child, file_, path_ + "[" + std::to_string(i) + "]");
    ++i;
  }
  return out;
}

std::vector<Node> Node::elements_or_self() const {
  if (node_.IsSequence()) return elements();
  if (node_.IsScalar()) return {*this};
  fail("expected a value or a list of values");
}

std::vector<std::pair<std::string, Node>> Node::entries() const {
  expect_map();
  std::vector<std::pair<std::string, Node>> out;
  std::set<std::string> seen;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) fail("map keys must be plain values");
    std::string key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      Node(kv.first, file_, child_path(key)).fail("duplicate key '" + key + "'");
    }
    out.emplace_back(key, Node(kv.second, file_, child_path(key)));
  }
  return out;
}

std::string Node::as_string() const {
  if (!node_.IsScalar()) fail("expected a single value, not a list or a map");
  return node_.Scalar();
}

std::int64_t Node::as_int(std::int64_t min, std::int64_t max) const {
  const std::string s = trim(as_string());
  if (s.empty()) fail("expected an integer, got an empty value");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  std::int64_t value = 0;
  if (end != nullptr && *end == '\0' && errno == 0) {
    value = v;
  } else {
    // 1e10 or 1024.0: accept numbers that are exactly integral.
    errno = 0;
    end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (end == nullptr || *end != '\0' || s.find_first_of("0123456789") == std::string::npos) {
      fail("expected an integer, got '" + s + "'");
    }
    if (!std::isfinite(d) || errno == ERANGE || d >= 9.2233720368547e18 ||
        d <= -9.2233720368547e18) {
      fail("integer '" + s + "' is out of range");
    }
    if (std::floor(d) != d) fail("expected an integer, got '" + s + "'");
    value = static_cast<std::int64_t>(d);
  }
  if (value < min || value > max) {
    std::string range;
    if (min != INT64_MIN && max != INT64_MAX) {
      range = "between " + std::to_string(min) + " and " + std::to_string(max);
    } else if (min != INT64_MIN) {
      range = "at least " + std::to_string(min);
    } else {
      range = "at most " + std::to_string(max);
    }
    fail("value " + s + " is out of range: expected " + range);
  }
  return value;
}

double Node::as_double(bool allow_inf) const {
  const std::string s = trim(as_string());
  if (s.empty()) fail("expected a number, got an empty value");
  int sign = 0;
  if (is_inf_token(s, &sign)) {
    if (!allow_inf || sign < 0) fail("infinite value '" + s + "' is not allowed here");
    return HUGE_VAL;
  }
  if (is_nan_token(s)) fail("NaN is not a valid number here");
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == nullptr || *end != '\0' || s.find_first_of("0123456789") == std::string::npos) {
    fail("expected a number, got '" + s + "'");
  }
  if (std::isnan(d)) fail("NaN is not a valid number here");
  if (!std::isfinite(d) || errno == ERANGE) {
    if (!allow_inf) fail("number '" + s + "' is out of range");
    return HUGE_VAL;
  }
  return d;
}

double Node::as_non_negative(bool allow_inf) const {
  const double d = as_double(allow_inf);
  if (d < 0) fail("expected a non-negative number, got '" + trim(as_string()) + "'");
  return d;
}

bool Node::as_bool() const {
  const std::string s = trim(as_string());
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
  fail("expected true or false, got '" + s + "'");
}

void Node::check_keys(std::initializer_list<std::string_view> allowed) const {
  expect_map();
  for (const auto& kv : node_) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    bool ok = false;
    for (auto a : allowed) ok = ok || (a == key);
    if (!ok) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Node(kv.first, file_, child_path(key))
          .fail("unknown field '" + key + "' (allowed here: " + list + ")");
    }
  }
}

}  // namespace stream::yaml
