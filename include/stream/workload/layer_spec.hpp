#pragma once
/// A costed layer of a workload, in ZigZag's terms (zigzag-model.md §1): loop dimensions with
/// sizes, an einsum equation over operands, dimension relations for partially relevant data
/// dimensions (ix = sx*ox + dx*fx), precisions and producers. Parsed from ONNX, from the YAML
/// layer list, or built by the model zoo; all three produce exactly this structure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stream/common/ids.hpp"

namespace stream::workload {

/// Memory operands, the names the hardware uses: I1 = input activations, I2 = weights (or the
/// second input of an element-wise layer), O = outputs.
enum class MemOperand : std::uint8_t { kI1 = 0, kI2 = 1, kO = 2 };
inline constexpr int kNumMemOperands = 3;
std::string_view to_string(MemOperand op);
std::optional<MemOperand> parse_mem_operand(std::string_view text);

/// One loop dimension of a layer (B, K, C, G, OY, OX, FY, FX, or any other name).
struct LoopDim {
  std::string name;   ///< upper case, e.g. "OY"
  std::int64_t size;  ///< >= 1
};

/// A partially relevant data dimension: name = coef_a * a + coef_b * b (ZigZag writes
/// `ix=2*ox+1*fx`; a = OX is the dim written first, b = FX the second; the order matters).
struct DimRelation {
  std::string name;  ///< upper case, e.g. "IX"
  int dim_a;         ///< index into LayerSpec::dims
  std::int64_t coef_a;
  int dim_b;  ///< index into LayerSpec::dims
  std::int64_t coef_b;
  std::int64_t pad_begin = 0;  ///< padding before (top for IY, left for IX)
  std::int64_t pad_end = 0;    ///< padding after
  /// The real (unpadded) input extent when the source states it (Stream's pr_loop_dim_size:
  /// the ONNX input size, or ZigZag's pr_loop_sizes); 0 = derive it as extent - padding.
  std::int64_t total = 0;
};

/// One index of an operand in the equation: a loop dimension or a dimension relation.
struct OperandIndex {
  bool is_relation;  ///< true: `index` is into LayerSpec::relations
  int index;         ///< into LayerSpec::dims or LayerSpec::relations
  bool operator==(const OperandIndex&) const = default;
};

/// ZigZag's relevance classes of a loop dimension for one operand (zigzag-model.md §1.2).
enum class Relevance : std::uint8_t { kRelevant, kIrrelevant, kPartial };

struct OperandSpec {
  std::string name;        ///< layer operand as written in the equation: O, W, I, X, Y, ...
  MemOperand mem_operand;  ///< memory operand link (O->O, W->I2, I->I1 by default)
  bool is_output = false;  ///< the operand left of '=' / '+='
  std::vector<OperandIndex> indices;  ///< in equation order, e.g. W[k][c][fy][fx]
  int precision_bits = 8;             ///< for O: the partial-sum precision
  /// Inputs only: the node that produces this operand (a costed layer or a free node of the
  /// workload graph). Equal to the layer's own id for a constant operand; empty when the
  /// operand has no producer and is not constant (nothing is fetched for it).
  std::optional<LayerId> source;
  bool is_constant = false;  ///< weights, or a network input read from DRAM
  /// Optional `operand_source_dimension_mapping` of the YAML form: consumer data dim ->
  /// producer output dim (informational; dependencies match dims by position).
  std::vector<std::pair<std::string, std::string>> source_dimension_mapping;
};

/// Per-operand dimension classes, ZigZag rules (size-1 dims left out of ir; for an operand with
/// pr data dims the loop dims of every relation are in neither r nor ir, and size-1 dims are
/// kept in its r).
struct OperandRelevance {
  std::vector<int> relevant;    ///< loop dim indices
  std::vector<int> irrelevant;  ///< loop dim indices, size > 1 only
  std::vector<int> partial;     ///< relation indices used by the operand
};

struct LayerSpec {
  LayerId id;
  std::string name;           ///< ONNX node name or YAML name (may be empty)
  std::string operator_type;  ///< Conv, Gemm, MatMul, MaxPool, AveragePool, Add, Mul, ...
  std::string equation;       ///< as given, e.g. O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]
  std::vector<LoopDim> dims;  ///< in the layer's loop order (it orders LOMA's LPF list)
  std::vector<DimRelation> relations;
  std::vector<OperandSpec> operands;    ///< the output first, then the inputs in equation order
  int output_final_precision_bits = 8;  ///< O_final
  /// Constant operands (indices into `operands`) in Stream's order; the last one decides the
  /// CN groups (stream-model.md §3.5).
  std::vector<int> constant_operands;

  // ---- lookups -----------------------------------------------------------------------------
  /// Index of the loop dim called `name` (case-insensitive), or -1.
  int dim_index(std::string_view name) const;
  /// Size of the loop dim called `name`, or 1 when the layer has no such dim.
  std::int64_t dim_size(std::string_view name) const;
  /// Index of the relation called `name` (e.g. "IX"), or -1.
  int relation_index(std::string_view name) const;
  /// Index of the operand called `name`, or -1.
  int operand_index(std::string_view name) const;
  /// Index of the operand linked to memory operand `op`, or -1.
  int operand_index(MemOperand op) const;
  const OperandSpec& output() const { return operands.front(); }

  // ---- derived quantities (ZigZag semantics) ------------------------------------------------
  /// Total MACs = product of all loop sizes.
  std::int64_t mac_count() const;
  /// ZigZag's unique-index count of a relation for loop sizes a and b (zigzag-model.md §1.2):
  /// int(A*B - max(0, B - sa/g) * (A - sb/g)), g = gcd(sa, sb).
  static double relation_extent(double a, double b, std::int64_t coef_a, std::int64_t coef_b);
  /// The layer's total size of relation r (the real, unpadded input extent): the stated total
  /// when the source gives one, else relation_extent of the full loop sizes minus the padding.
  std::int64_t relation_total(int r) const;
  /// Elements of operand `o` for the whole layer (pr dims at their unpadded totals).
  std::int64_t operand_elements(int o) const;
  /// Bits of operand `o` for the whole layer; the output at its partial-sum precision.
  std::int64_t operand_bits(int o) const;
  OperandRelevance relevance(int o) const;
};

}  // namespace stream::workload
