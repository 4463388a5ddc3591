#pragma once
/// A thin checked view of a YAML document: every node knows its file and its path, so every
/// error names the file, the field and the reason ("core.yaml: memories.rf_64B.size (line 7):
/// expected a non-negative integer, got '-5'"). Parsers read YAML only through this class and
/// turn it into plain ...Spec structs; nothing downstream sees YAML.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stream::yaml {

class Node {
 public:
  /// Reads and parses a file. Throws InputError for a missing/unreadable file or a YAML syntax
  /// error (tabs, bad indentation, unclosed brackets...), with the line and column.
  static Node load_file(const std::string& path);
  /// Parses text; `name` stands for the file name in messages.
  static Node load_string(const std::string& text, const std::string& name);

  Node(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

  const std::string& file() const { return file_; }
  /// The YAML path of this node, e.g. "memories.rf_64B.ports[1]"; "(document)" for the root.
  const std::string& path() const { return path_; }
  /// 1-based line of the node in its file, 0 when unknown.
  int line() const;
  /// "path (line N)", for messages.
  std::string where() const;

  bool is_map() const { return node_.IsMap(); }
  bool is_sequence() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  bool is_null() const { return !node_.IsDefined() || node_.IsNull(); }

  bool has(std::string_view key) const;
  /// The child `key` of a map; InputError "missing field 'key'" when absent or null.
  Node required(std::string_view key) const;
  /// The child `key` of a map, or nullopt when absent or null.
  std::optional<Node> optional(std::string_view key) const;

  /// Elements of a sequence (InputError when this is not a sequence).
  std::vector<Node> elements() const;
  /// Entries of a map in document order (InputError when this is not a map). Duplicate keys
  /// are an error.
  std::vector<std::pair<std::string, Node>> entries() const;
  /// Elements of a sequence, or this node alone when it is a scalar (for "[0, 1]" or "0").
  std::vector<Node> elements_or_self() const;

  std::string as_string() const;
  /// An integer; accepts 10000000000 and 1e10 (an exactly integral number). Rejects 1.5,
  /// "abc", and values outside [min, max].
  std::int64_t as_int(std::int64_t min = INT64_MIN, std::int64_t max = INT64_MAX) const;
  /// A finite number, or +inf only when allow_inf (".inf"). NaN is always rejected.
  double as_double(bool allow_inf = false) const;
  /// A finite number >= 0 (or .inf when allowed).
  double as_non_negative(bool allow_inf = false) const;
  bool as_bool() const;

  /// Rejects keys not in `allowed` (typos are the most common input bug), naming the allowed
  /// keys in the message.
  void check_keys(std::initializer_list<std::string_view> allowed) const;

  [[noreturn]] void fail(const std::string& reason) const;

  const YAML::Node& raw() const { return node_; }

 private:
  std::string child_path(std::string_view key) const;
  void expect_map() const;

  YAML::Node node_;
  std::string file_;
  std::string path_;
};

}  // namespace stream::yaml
