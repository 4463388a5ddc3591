#include "stream/workload/layer_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "stream/common/error.hpp"

namespace stream::workload {
namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) !=
        std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}
}  // namespace

std::string_view to_string(MemOperand op) {
  switch (op) {
    case MemOperand::kI1:
      return "I1";
    case MemOperand::kI2:
      return "I2";
    case MemOperand::kO:
      return "O";
  }
  return "?";
}

std::optional<MemOperand> parse_mem_operand(std::string_view text) {
  if (text == "I1") return MemOperand::kI1;
  if (text == "I2") return MemOperand::kI2;
  if (text == "O") return MemOperand::kO;
  return std::nullopt;
}

int LayerSpec::dim_index(std::string_view n) const {
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (iequals(dims[i].name, n)) return static_cast<int>(i);
  }
  return -1;
}

std::int64_t LayerSpec::dim_size(std::string_view n) const {
  const int i = dim_index(n);
  return i < 0 ? 1 : dims[static_cast<std::size_t>(i)].size;
}

int LayerSpec::relation_index(std::string_view n) const {
  for (std::size_t i = 0; i < relations.size(); ++i) {
    if (iequals(relations[i].name, n)) return static_cast<int>(i);
  }
  return -1;
}

int LayerSpec::operand_index(std::string_view n) const {
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

int LayerSpec::operand_index(MemOperand op) const {
  for (std::size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].mem_operand == op) return static_cast<int>(i);
  }
  return -1;
}

std::int64_t LayerSpec::mac_count() const {
  std::int64_t m = 1;
  for (const auto& d : dims) m *= d.size;
  return m;
}

double LayerSpec::relation_extent(double a, double b, std::int64_t coef_a, std::int64_t coef_b) {
  const std::int64_t g = std::gcd(coef_a, coef_b);
  const double sa = static_cast<double>(coef_a / g);
  const double sb = static_cast<double>(coef_b / g);
  // ZigZag's calc_pr_dimension_size, truncated toward zero (zigzag-model.md §1.2).
  return std::trunc(a * b - std::max(0.0, b - sa) * (a - sb));
}

std::int64_t LayerSpec::relation_total(int r) const {
  const auto& rel = relations.at(static_cast<std::size_t>(r));
  if (rel.total > 0) return rel.total;
  const double ext = relation_extent(
      static_cast<double>(dims[static_cast<std::size_t>(rel.dim_a)].size),
      static_cast<double>(dims[static_cast<std::size_t>(rel.dim_b)].size), rel.coef_a, rel.coef_b);
  return static_cast<std::int64_t>(ext) - rel.pad_begin - rel.pad_end;
}

std::int64_t LayerSpec::operand_elements(int o) const {
  const auto& op = operands.at(static_cast<std::size_t>(o));
  std::int64_t n = 1;
  for (const auto& idx : op.indices) {
    n *= idx.is_relation ? relation_total(idx.index)
                         : dims[static_cast<std::size_t>(idx.index)].size;
  }
  return n;
}

std::int64_t LayerSpec::operand_bits(int o) const {
  return operand_elements(o) * operands.at(static_cast<std::size_t>(o)).precision_bits;
}

OperandRelevance LayerSpec::relevance(int o) const {
  const auto& op = operands.at(static_cast<std::size_t>(o));
  OperandRelevance out;
  std::vector<bool> direct(dims.size(), false);
  std::vector<bool> in_relation(dims.size(), false);
  bool has_pr = false;
  for (const auto& idx : op.indices) {
    if (idx.is_relation) {
      has_pr = true;
      if (std::find(out.partial.begin(), out.partial.end(), idx.index) == out.partial.end())
        out.partial.push_back(idx.index);
    } else {
      direct[static_cast<std::size_t>(idx.index)] = true;
    }
  }
  if (has_pr) {
    // For the operand with pr data dims, the loop dims of every relation leave r and ir.
    for (const auto& rel : relations) {
      in_relation[static_cast<std::size_t>(rel.dim_a)] = true;
      in_relation[static_cast<std::size_t>(rel.dim_b)] = true;
    }
  }
  for (std::size_t d = 0; d < dims.size(); ++d) {
    if (in_relation[d]) continue;
    if (direct[d]) {
      if (has_pr || dims[d].size > 1) out.relevant.push_back(static_cast<int>(d));
    } else if (dims[d].size > 1) {
      out.irrelevant.push_back(static_cast<int>(d));
    }
  }
  return out;
}

}  // namespace stream::workload
