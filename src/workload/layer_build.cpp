#include "layer_build.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>

#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace stream::workload::detail {
namespace {

/// A cursor over an equation or relation with the blanks removed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) {
    for (char c : text) {
      if (!std::isspace(static_cast<unsigned char>(c))) text_.push_back(c);
    }
  }
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool accept(std::string_view token) {
    if (text_.compare(pos_, token.size(), token) == 0) {
      pos_ += token.size();
      return true;
    }
    return false;
  }
  /// An identifier, or "" when none starts here.
  std::string identifier() {
    std::size_t end = pos_;
    while (end < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[end])) != 0 || text_[end] == '_')) {
      ++end;
    }
    std::string id = text_.substr(pos_, end - pos_);
    if (!id.empty() && std::isdigit(static_cast<unsigned char>(id[0])) != 0) return {};
    pos_ = end;
    return id;
  }
  /// A positive decimal integer, or nullopt when none starts here.
  std::optional<std::int64_t> number() {
    std::size_t end = pos_;
    std::int64_t v = 0;
    while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end])) != 0) {
      if (v > INT64_MAX / 10) throw DefinitionError{"coefficient is too large"};
      const auto next = checked_add(v * 10, text_[end] - '0');
      if (!next) throw DefinitionError{"coefficient is too large"};
      v = *next;
      ++end;
    }
    if (end == pos_) return std::nullopt;
    pos_ = end;
    return v;
  }
  std::string rest() const { return text_.substr(pos_); }
  std::string context() const {
    if (done()) return "at the end";
    return "at '" + text_.substr(pos_, 12) + (text_.size() - pos_ > 12 ? "...'" : "'");
  }

 private:
  std::string text_;
  std::size_t pos_ = 0;
};

ParsedOperand parse_operand(Scanner& s) {
  ParsedOperand op;
  op.name = s.identifier();
  if (op.name.empty()) throw DefinitionError{"expected an operand name " + s.context()};
  while (s.accept("[")) {
    if (s.accept("]")) continue;  // W[]: a scalar index list (ZigZag allows it)
    std::string idx = s.identifier();
    if (idx.empty()) throw DefinitionError{"expected an index name " + s.context()};
    if (!s.accept("]")) throw DefinitionError{"expected ']' " + s.context()};
    for (const auto& seen : op.indices) {
      if (to_upper(seen) == to_upper(idx)) {
        throw DefinitionError{"index '" + idx + "' appears twice in operand " + op.name};
      }
    }
    op.indices.push_back(idx);
  }
  return op;
}

}  // namespace

std::string to_upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  if (std::isalpha(static_cast<unsigned char>(s[0])) == 0 && s[0] != '_') return false;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_') return false;
  }
  return true;
}

std::string dim_list(const LayerSpec& layer) {
  std::string out;
  for (const auto& d : layer.dims) out += (out.empty() ? "" : ", ") + d.name;
  return out.empty() ? "none" : out;
}

std::string relation_list(const LayerSpec& layer) {
  std::string out;
  for (const auto& r : layer.relations) out += (out.empty() ? "" : ", ") + r.name;
  return out.empty() ? "none" : out;
}

ParsedEquation parse_equation(std::string_view text) {
  Scanner s(text);
  if (s.done()) throw DefinitionError{"the equation is empty"};
  ParsedEquation eq;
  eq.operands.push_back(parse_operand(s));
  if (!s.accept("+=") && !s.accept("=")) {
    throw DefinitionError{"expected '=' or '+=' after the output operand " + s.context()};
  }
  eq.operands.push_back(parse_operand(s));
  while (!s.done()) {
    if (!s.accept("*") && !s.accept("+")) {
      throw DefinitionError{"expected '*' or '+' between input operands " + s.context()};
    }
    eq.operands.push_back(parse_operand(s));
  }
  for (std::size_t i = 0; i < eq.operands.size(); ++i) {
    if (eq.operands[i].name == "O_final") {
      throw DefinitionError{"'O_final' is a precision key, not an operand name"};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (eq.operands[i].name == eq.operands[j].name) {
        throw DefinitionError{"operand '" + eq.operands[i].name + "' appears twice"};
      }
    }
  }
  return eq;
}

ParsedRelation parse_relation(std::string_view text) {
  Scanner s(text);
  ParsedRelation r;
  const std::string whole = s.rest();
  const std::string form = " (expected the form ix=2*ox+1*fx)";
  r.name = s.identifier();
  if (r.name.empty() || !s.accept("=")) {
    throw DefinitionError{"cannot read relation '" + whole + "'" + form};
  }
  auto term = [&](std::string& dim, std::int64_t& coef) {
    if (auto n = s.number()) {
      if (*n < 1) throw DefinitionError{"coefficients must be at least 1 in '" + whole + "'"};
      coef = *n;
      if (!s.accept("*")) throw DefinitionError{"cannot read relation '" + whole + "'" + form};
    }
    dim = s.identifier();
    if (dim.empty()) throw DefinitionError{"cannot read relation '" + whole + "'" + form};
  };
  term(r.dim_a, r.coef_a);
  if (!s.accept("+")) throw DefinitionError{"cannot read relation '" + whole + "'" + form};
  term(r.dim_b, r.coef_b);
  if (!s.done()) throw DefinitionError{"cannot read relation '" + whole + "'" + form};
  r.name = to_upper(r.name);
  r.dim_a = to_upper(r.dim_a);
  r.dim_b = to_upper(r.dim_b);
  return r;
}

void add_relation(LayerSpec& layer, const ParsedRelation& rel) {
  if (layer.dim_index(rel.name) >= 0) {
    throw DefinitionError{"relation name " + rel.name + " is also a loop dim of this layer"};
  }
  if (layer.relation_index(rel.name) >= 0) {
    throw DefinitionError{"relation " + rel.name + " is defined twice"};
  }
  const int a = layer.dim_index(rel.dim_a);
  const int b = layer.dim_index(rel.dim_b);
  for (const auto& [name, idx] : {std::pair{rel.dim_a, a}, std::pair{rel.dim_b, b}}) {
    if (idx < 0) {
      throw DefinitionError{
          "relation " + rel.name + " names " + name +
          ", which is not a loop dim of this layer (loop dims: " + dim_list(layer) + ")"};
    }
  }
  if (a == b) {
    throw DefinitionError{"relation " + rel.name + " must combine two different loop dims"};
  }
  DimRelation r;
  r.name = rel.name;
  r.dim_a = a;
  r.coef_a = rel.coef_a;
  r.dim_b = b;
  r.coef_b = rel.coef_b;
  layer.relations.push_back(r);
}

std::vector<bool> set_operands(LayerSpec& layer, const ParsedEquation& eq) {
  layer.operands.clear();
  std::vector<bool> defaulted;
  for (std::size_t i = 0; i < eq.operands.size(); ++i) {
    const auto& p = eq.operands[i];
    OperandSpec op;
    op.name = p.name;
    op.is_output = (i == 0);
    for (const auto& idx : p.indices) {
      const std::string up = to_upper(idx);
      const int d = layer.dim_index(up);
      const int r = layer.relation_index(up);
      if (d >= 0 && r >= 0) {
        throw DefinitionError{"index '" + idx + "' of operand " + p.name +
                              " is both a loop dim and a relation"};
      }
      if (d < 0 && r < 0) {
        throw DefinitionError{"index '" + idx + "' of operand " + p.name +
                              " is neither a loop dim (" + dim_list(layer) +
                              ") nor a dimension relation (" + relation_list(layer) + ")"};
      }
      op.indices.push_back(d >= 0 ? OperandIndex{false, d} : OperandIndex{true, r});
    }
    bool has_default = true;
    if (op.is_output && op.name == "O") {
      op.mem_operand = MemOperand::kO;
    } else if (!op.is_output && op.name == "W") {
      op.mem_operand = MemOperand::kI2;
    } else if (!op.is_output && op.name == "I") {
      op.mem_operand = MemOperand::kI1;
    } else {
      op.mem_operand = op.is_output ? MemOperand::kO : MemOperand::kI1;
      has_default = false;
    }
    defaulted.push_back(has_default);
    layer.operands.push_back(std::move(op));
  }
  return defaulted;
}

std::optional<std::string> check_extents(const LayerSpec& layer) {
  const std::int64_t limit = limits().max_loop_size;
  for (const auto& rel : layer.relations) {
    // exact integer form of LayerSpec::relation_extent, with overflow checks
    const std::int64_t a = layer.dims[static_cast<std::size_t>(rel.dim_a)].size;
    const std::int64_t b = layer.dims[static_cast<std::size_t>(rel.dim_b)].size;
    const std::int64_t g = std::gcd(rel.coef_a, rel.coef_b);
    const std::int64_t sa = rel.coef_a / g;
    const std::int64_t sb = rel.coef_b / g;
    std::int64_t ab = 0;
    std::int64_t p = 0;
    std::int64_t extent = 0;
    const bool overflow = __builtin_mul_overflow(a, b, &ab) ||
                          __builtin_mul_overflow(std::max<std::int64_t>(0, b - sa), a - sb, &p) ||
                          __builtin_sub_overflow(ab, p, &extent);
    if (overflow || extent > limit) {
      return "relation " + rel.name + " spans " +
             (overflow ? std::string("more than 2^63") : std::to_string(extent)) +
             " input positions, above the limit max_loop_size = " + std::to_string(limit);
    }
  }
  for (std::size_t o = 0; o < layer.operands.size(); ++o) {
    const auto& op = layer.operands[o];
    std::int64_t bits = std::max(op.precision_bits, 1);
    for (auto e : operand_extents(layer, static_cast<int>(o))) {
      if (__builtin_mul_overflow(bits, std::max<std::int64_t>(e, 1), &bits)) {
        return "operand " + op.name + " has more than 2^63 bits";
      }
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> checked_mac_count(const std::vector<LoopDim>& dims) {
  std::int64_t m = 1;
  for (const auto& d : dims) {
    const auto next = checked_mul(m, d.size);
    if (!next) return std::nullopt;
    m = *next;
  }
  return m;
}

std::vector<std::int64_t> operand_extents(const LayerSpec& layer, int o) {
  std::vector<std::int64_t> out;
  for (const auto& idx : layer.operands.at(static_cast<std::size_t>(o)).indices) {
    out.push_back(idx.is_relation ? layer.relation_total(idx.index)
                                  : layer.dims[static_cast<std::size_t>(idx.index)].size);
  }
  return out;
}

LayerSpec build_layer(const LayerText& text) {
  LayerSpec layer;
  layer.id = text.id;
  layer.name = text.name;
  layer.operator_type = text.operator_type;
  layer.equation = text.equation;
  layer.dims = text.dims;
  try {
    for (const auto& r : text.relations) add_relation(layer, parse_relation(r));
    for (const auto& p : text.padding) {
      const int r = layer.relation_index(p.relation);
      STREAM_ASSERT(r >= 0, "padding on unknown relation " + p.relation);
      layer.relations[static_cast<std::size_t>(r)].pad_begin = p.begin;
      layer.relations[static_cast<std::size_t>(r)].pad_end = p.end;
    }
    for (const auto& t : text.totals) {
      const int r = layer.relation_index(t.relation);
      STREAM_ASSERT(r >= 0, "total on unknown relation " + t.relation);
      layer.relations[static_cast<std::size_t>(r)].total = t.size;
    }
    const auto defaulted = set_operands(layer, parse_equation(text.equation));
    for (bool d : defaulted) STREAM_ASSERT(d, "operand without a default memory link");
  } catch (const DefinitionError& e) {
    STREAM_ASSERT(false, "bad built-in layer text '" + text.equation + "': " + e.reason);
  }
  bool have_final = false;
  for (const auto& p : text.precisions) {
    if (p.operand == "O_final") {
      layer.output_final_precision_bits = p.bits;
      have_final = true;
      continue;
    }
    const int o = layer.operand_index(p.operand);
    STREAM_ASSERT(o >= 0, "precision for unknown operand " + p.operand);
    layer.operands[static_cast<std::size_t>(o)].precision_bits = p.bits;
  }
  STREAM_ASSERT(have_final, "built-in layer without O_final precision");
  return layer;
}

}  // namespace stream::workload::detail
