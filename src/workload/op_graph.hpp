#pragma once
/// Internal to the workload stage: an ONNX-like operator graph (nodes with op types,
/// attributes and named tensors) and its conversion to a WorkloadSpec. The ONNX reader fills
/// it from a ModelProto; the model zoo builds it in code; both then run the same converter, so
/// a zoo model and the equivalent ONNX file give the same workload node for node.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "stream/workload/workload_spec.hpp"

namespace stream::workload::detail {

using Shape = std::vector<std::int64_t>;

/// A constant tensor (ONNX initializer or Constant node value): its dims and, for small integer
/// tensors whose data is stored inline, the values (Reshape shapes, Squeeze axes, ...).
struct ConstTensor {
  Shape dims;
  std::optional<std::vector<std::int64_t>> int_values;
};

struct OpAttribute {
  enum class Type : std::uint8_t { kInt, kInts, kFloat, kFloats, kString, kTensor, kOther };
  Type type = Type::kOther;
  std::int64_t i = 0;
  std::vector<std::int64_t> ints;
  double f = 0.0;
  std::string s;
  ConstTensor t;

  static OpAttribute make_int(std::int64_t v) {
    OpAttribute a;
    a.type = Type::kInt;
    a.i = v;
    return a;
  }
  static OpAttribute make_ints(std::vector<std::int64_t> v) {
    OpAttribute a;
    a.type = Type::kInts;
    a.ints = std::move(v);
    return a;
  }
  static OpAttribute make_float(double v) {
    OpAttribute a;
    a.type = Type::kFloat;
    a.f = v;
    return a;
  }
  static OpAttribute make_string(std::string v) {
    OpAttribute a;
    a.type = Type::kString;
    a.s = std::move(v);
    return a;
  }
  static OpAttribute make_tensor(ConstTensor v) {
    OpAttribute a;
    a.type = Type::kTensor;
    a.t = std::move(v);
    return a;
  }
};

struct OpNode {
  std::string name;
  std::string op_type;
  std::string domain;  ///< "" / "ai.onnx" (standard) or "com.microsoft" (ONNX Runtime ops)
  std::vector<std::string> inputs;   ///< tensor names; "" = an omitted optional input
  std::vector<std::string> outputs;  ///< tensor names
  std::vector<std::pair<std::string, OpAttribute>> attributes;

  const OpAttribute* attribute(const std::string& attr_name) const {
    for (const auto& [n, a] : attributes) {
      if (n == attr_name) return &a;
    }
    return nullptr;
  }
};

struct OpGraph {
  std::string name;
  std::int64_t opset = 13;  ///< version of the default ONNX operator set
  std::vector<OpNode> nodes;
  /// Network inputs that are not initializers, with their shapes (dims <= 0 = unknown).
  std::vector<std::pair<std::string, Shape>> inputs;
  /// Shapes known from the file (value_info, graph outputs); dims <= 0 = unknown.
  std::unordered_map<std::string, Shape> value_shapes;
  std::unordered_map<std::string, ConstTensor> initializers;
};

/// Converts an operator graph into a workload (formats.md "Workload" 1, Stream 2023 parsers).
/// `file` names the source in messages; `source` and `model_name` fill WorkloadSpec.
WorkloadSpec convert_op_graph(const OpGraph& graph, const std::string& file,
                              const std::string& source, const std::string& model_name);

}  // namespace stream::workload::detail
