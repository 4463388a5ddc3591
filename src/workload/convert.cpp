// Operator graph -> WorkloadSpec, following Stream 2023's ONNX parsers (stream-model.md §2b;
// Stream commit 5e094e6c, stream/classes/io/onnx/{model,conv,gemm,matmul,pooling,simd}.py).
//
// Node ids are the indices in the graph's node list, every node counted. Nodes without inputs
// (Constant) are not part of the workload graph (Stream skips them); their outputs are
// constants, like initializers. Free nodes whose data inputs are all constants (e.g. the
// DequantizeLinear of a weight in a QDQ model) are folded into constants as well (Stream would
// keep them as DummyNodes feeding the weight operand).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "layer_build.hpp"
#include "op_graph.hpp"
#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"

namespace stream::workload::detail {
namespace {

enum class OpClass : std::uint8_t {
  kConv,
  kQLinearConv,
  kGemm,
  kMatMul,
  kPool,
  kGlobalPool,
  kElementwise,
  kPassThrough,
  kReshape,
  kFlatten,
  kSqueeze,
  kUnsqueeze,
  kTranspose,
  kConcat,
  kSoftmax,
  kLastAxisNorm,  // LayerNormalization, RMSNormalization, ...: normalise over axes [axis, rank)
  kLpNorm,        // one axis
  kConstant,
};

struct OpInfo {
  const char* op_type;
  OpClass cls;
};

// Every operator the converter accepts. Anything else is an error naming the node.
constexpr OpInfo kOps[] = {
    {"Conv", OpClass::kConv},
    {"QLinearConv", OpClass::kQLinearConv},
    {"Gemm", OpClass::kGemm},
    {"MatMul", OpClass::kMatMul},
    {"MaxPool", OpClass::kPool},
    {"AveragePool", OpClass::kPool},
    {"GlobalMaxPool", OpClass::kGlobalPool},
    {"GlobalAveragePool", OpClass::kGlobalPool},
    {"QLinearGlobalAveragePool", OpClass::kGlobalPool},
    {"Add", OpClass::kElementwise},
    {"Mul", OpClass::kElementwise},
    // Free, element for element (activations, normalisation with fixed statistics, casts).
    {"Relu", OpClass::kPassThrough},
    {"Clip", OpClass::kPassThrough},
    {"LeakyRelu", OpClass::kPassThrough},
    {"PRelu", OpClass::kPassThrough},
    {"Sigmoid", OpClass::kPassThrough},
    {"HardSigmoid", OpClass::kPassThrough},
    {"HardSwish", OpClass::kPassThrough},
    {"Tanh", OpClass::kPassThrough},
    {"Elu", OpClass::kPassThrough},
    {"Selu", OpClass::kPassThrough},
    {"Celu", OpClass::kPassThrough},
    {"Gelu", OpClass::kPassThrough},
    {"Erf", OpClass::kPassThrough},
    {"Softplus", OpClass::kPassThrough},
    {"Softsign", OpClass::kPassThrough},
    {"Mish", OpClass::kPassThrough},
    {"Silu", OpClass::kPassThrough},
    {"Swish", OpClass::kPassThrough},
    {"ThresholdedRelu", OpClass::kPassThrough},
    {"BatchNormalization", OpClass::kPassThrough},
    {"Identity", OpClass::kPassThrough},
    {"Dropout", OpClass::kPassThrough},
    {"Cast", OpClass::kPassThrough},
    {"QuantizeLinear", OpClass::kPassThrough},
    {"DequantizeLinear", OpClass::kPassThrough},
    // Free, data rearranged.
    {"Reshape", OpClass::kReshape},
    {"Flatten", OpClass::kFlatten},
    {"Squeeze", OpClass::kSqueeze},
    {"Unsqueeze", OpClass::kUnsqueeze},
    {"Transpose", OpClass::kTranspose},
    {"Concat", OpClass::kConcat},
    // Free, whole rows mixed.
    {"Softmax", OpClass::kSoftmax},
    {"LogSoftmax", OpClass::kSoftmax},
    {"LayerNormalization", OpClass::kLastAxisNorm},
    {"RMSNormalization", OpClass::kLastAxisNorm},
    {"SimplifiedLayerNormalization", OpClass::kLastAxisNorm},
    {"LpNormalization", OpClass::kLpNorm},
    {"Constant", OpClass::kConstant},
};

std::optional<OpClass> classify(const std::string& op_type) {
  for (const auto& op : kOps) {
    if (op_type == op.op_type) return op.cls;
  }
  return std::nullopt;
}

std::string supported_list() {
  std::string out;
  for (const auto& op : kOps) out += (out.empty() ? "" : ", ") + std::string(op.op_type);
  return out;
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

bool fully_known(const Shape& s) {
  return std::all_of(s.begin(), s.end(), [](std::int64_t d) { return d > 0; });
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// How a node input is fed.
struct InputRef {
  enum class Kind : std::uint8_t { kAbsent, kProduced, kConstant, kGraphInput } kind;
  int node = -1;  ///< kProduced: the producing node index
  std::string name;
};

/// A layer operand's source in Stream's sense: a producer node, or none (constant for most
/// operators: an input without producer is a constant operand, Stream's `[op for op, preds in
/// operand_source.items() if not preds]`).
std::optional<LayerId> producer_of(const InputRef& ref) {
  if (ref.kind == InputRef::Kind::kProduced) return LayerId(ref.node);
  return std::nullopt;
}

class Converter {
 public:
  Converter(const OpGraph& g, std::string file) : g_(g), file_(std::move(file)) {}

  WorkloadSpec run(const std::string& source, const std::string& model_name);

 private:
  // ---- errors -------------------------------------------------------------------------------
  [[noreturn]] void fail(const std::string& where, const std::string& reason) const {
    throw InputError(file_, where, reason);
  }
  std::string node_where(std::size_t i) const {
    const auto& n = g_.nodes[i];
    std::string w = "node " + std::to_string(i);
    if (!n.name.empty()) w += " '" + n.name + "'";
    return w + " (" + (n.op_type.empty() ? std::string("no op_type") : n.op_type) + ")";
  }
  [[noreturn]] void fail_node(std::size_t i, const std::string& reason) const {
    fail(node_where(i), reason);
  }

  // ---- tensors ------------------------------------------------------------------------------
  void index_tensors();
  InputRef resolve_input(std::size_t i, const std::string& name) const;
  std::optional<Shape> known_shape(const std::string& name) const;
  Shape required_shape(std::size_t i, const std::string& name, const char* role) const;
  /// The output shape: the file's, the inferred one, both (then equal), or an error.
  Shape settle_output(std::size_t i, const std::optional<Shape>& inferred);
  std::int64_t element_count(std::size_t i, const Shape& s) const;
  /// Every dim within limits().max_loop_size and the element count within 64 bits.
  void check_dims(std::size_t i, const std::string& name, const Shape& s) const;
  std::optional<std::vector<std::int64_t>> const_values(const std::string& name) const;

  // ---- attributes ---------------------------------------------------------------------------
  std::optional<std::int64_t> attr_int(std::size_t i, const char* name) const;
  std::optional<std::vector<std::int64_t>> attr_ints(std::size_t i, const char* name) const;
  std::optional<std::string> attr_string(std::size_t i, const char* name) const;
  std::vector<std::int64_t> attr_ints_or(std::size_t i, const char* name, std::size_t count,
                                         std::vector<std::int64_t> fallback,
                                         std::int64_t min_value) const;
  std::int64_t normalize_axis(std::size_t i, std::int64_t axis, std::size_t rank,
                              bool allow_rank) const;

  // ---- operators ----------------------------------------------------------------------------
  void convert_node(std::size_t i, OpClass cls);
  void convert_conv(std::size_t i, bool qlinear);
  void convert_pool(std::size_t i, bool global);
  void convert_gemm(std::size_t i);
  void convert_matmul(std::size_t i);
  void convert_elementwise(std::size_t i);
  void convert_free(std::size_t i, OpClass cls);
  void fold_constant(std::size_t i, const std::optional<Shape>& shape);

  void add_layer(std::size_t i, LayerText text,
                 const std::vector<std::pair<std::string, InputRef>>& sources,
                 const std::vector<std::string>& constant_order, bool pool_semantics);
  void add_free(std::size_t i, NodeKind kind, const std::vector<InputRef>& data, const Shape& out,
                std::vector<std::int64_t> perm, std::int64_t axis);
  void check_loops(std::size_t i, const std::vector<LoopDim>& dims) const;
  std::int64_t window_span(std::size_t i, std::int64_t kernel, std::int64_t dilation) const;

  const OpGraph& g_;
  std::string file_;
  std::unordered_map<std::string, int> producer_;        // tensor -> producing node
  std::unordered_map<std::string, Shape> shapes_;        // known shapes (file + inferred)
  std::unordered_map<std::string, ConstTensor> folded_;  // Constant / folded node outputs
  std::unordered_set<std::string> graph_inputs_;         // network inputs (not initializers)
  std::vector<bool> constant_node_;                      // node folded into constants
  std::vector<NodeSpec> nodes_;
  std::vector<LayerSpec> layers_;
};

// ---------------------------------------------------------------------------------------------

void Converter::index_tensors() {
  const Limits& lim = limits();
  if (static_cast<std::int64_t>(g_.nodes.size()) > lim.max_nodes) {
    fail("graph", "the graph has " + std::to_string(g_.nodes.size()) +
                      " nodes, more than the limit max_nodes = " + std::to_string(lim.max_nodes));
  }
  if (g_.nodes.size() > static_cast<std::size_t>(INT32_MAX)) fail("graph", "too many nodes");
  if (g_.nodes.empty()) fail("graph", "the graph has no nodes");
  for (const auto& [name, shape] : g_.inputs) {
    if (g_.initializers.count(name) != 0) continue;  // old-style: weights also listed as inputs
    Shape s = shape;
    for (std::size_t a = 0; a < s.size(); ++a) {
      if (s[a] > 0) continue;
      // A symbolic batch dimension is taken as 1 (as ZigZag does for a batch of 0).
      if (a == 0) {
        s[a] = 1;
        continue;
      }
      fail("graph input '" + name + "'", "dimension " + std::to_string(a) + " has no fixed size (" +
                                             shape_str(shape) +
                                             "); give the input a concrete shape");
    }
    graph_inputs_.insert(name);
    shapes_[name] = s;
  }
  for (const auto& [name, shape] : g_.value_shapes) {
    if (fully_known(shape) && shapes_.count(name) == 0) shapes_[name] = shape;
  }
  for (const auto& [name, t] : g_.initializers) {
    for (auto d : t.dims) {
      if (d < 0) fail("initializer '" + name + "'", "negative dimension in " + shape_str(t.dims));
    }
  }
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    const auto& n = g_.nodes[i];
    if (n.outputs.empty() || n.outputs[0].empty()) fail_node(i, "the node has no output");
    for (const auto& out : n.outputs) {
      if (out.empty()) continue;
      if (g_.initializers.count(out) != 0 || graph_inputs_.count(out) != 0) {
        fail_node(i, "output '" + out + "' is also a graph input or an initializer");
      }
      const auto [it, fresh] = producer_.emplace(out, static_cast<int>(i));
      if (!fresh) {
        fail_node(i, "output '" + out + "' is already produced by " +
                         node_where(static_cast<std::size_t>(it->second)));
      }
    }
  }
}

InputRef Converter::resolve_input(std::size_t i, const std::string& name) const {
  if (name.empty()) return {InputRef::Kind::kAbsent, -1, name};
  if (auto it = producer_.find(name); it != producer_.end()) {
    const auto j = static_cast<std::size_t>(it->second);
    if (j >= i) {
      fail_node(i, "input '" + name + "' is produced by " + node_where(j) +
                       (j == i ? ", the node itself" : ", which comes later") +
                       " (the nodes must be in topological order)");
    }
    if (constant_node_[j]) return {InputRef::Kind::kConstant, -1, name};
    return {InputRef::Kind::kProduced, it->second, name};
  }
  if (g_.initializers.count(name) != 0) return {InputRef::Kind::kConstant, -1, name};
  if (graph_inputs_.count(name) != 0) return {InputRef::Kind::kGraphInput, -1, name};
  fail_node(i, "input '" + name +
                   "' is produced by no node and is neither a graph input nor an initializer");
}

std::optional<Shape> Converter::known_shape(const std::string& name) const {
  if (auto it = shapes_.find(name); it != shapes_.end()) return it->second;
  if (auto it = g_.initializers.find(name); it != g_.initializers.end()) return it->second.dims;
  if (auto it = folded_.find(name); it != folded_.end() && fully_known(it->second.dims)) {
    return it->second.dims;
  }
  return std::nullopt;
}

Shape Converter::required_shape(std::size_t i, const std::string& name, const char* role) const {
  if (name.empty()) fail_node(i, std::string("the ") + role + " input is missing");
  auto s = known_shape(name);
  if (!s) {
    fail_node(i, std::string("the shape of the ") + role + " tensor '" + name +
                     "' is unknown (not in the file's value_info and not inferable)");
  }
  check_dims(i, name, *s);
  return *s;
}

void Converter::check_dims(std::size_t i, const std::string& name, const Shape& s) const {
  for (std::size_t a = 0; a < s.size(); ++a) {
    if (s[a] > limits().max_loop_size) {
      fail_node(
          i, "dimension " + std::to_string(a) + " of '" + name + "' " + shape_str(s) +
                 " is above the limit max_loop_size = " + std::to_string(limits().max_loop_size));
    }
  }
  element_count(i, s);
}

std::int64_t Converter::element_count(std::size_t i, const Shape& s) const {
  std::int64_t n = 1;
  for (auto d : s) {
    const auto next = checked_mul(n, d);
    if (!next) fail_node(i, "tensor shape " + shape_str(s) + " has too many elements");
    n = *next;
  }
  return n;
}

Shape Converter::settle_output(std::size_t i, const std::optional<Shape>& inferred) {
  const auto& out = g_.nodes[i].outputs[0];
  std::optional<Shape> given;
  if (auto it = shapes_.find(out); it != shapes_.end()) given = it->second;
  if (given && inferred && *given != *inferred) {
    fail_node(i, "inconsistent shapes: the file gives output '" + out + "' the shape " +
                     shape_str(*given) + " but the inputs and attributes give " +
                     shape_str(*inferred));
  }
  if (!given && !inferred) {
    fail_node(i, "the shape of output '" + out + "' is unknown and cannot be inferred");
  }
  Shape s = given ? *given : *inferred;
  check_dims(i, out, s);
  shapes_[out] = s;
  return s;
}

std::optional<std::vector<std::int64_t>> Converter::const_values(const std::string& name) const {
  if (auto it = g_.initializers.find(name); it != g_.initializers.end()) {
    return it->second.int_values;
  }
  if (auto it = folded_.find(name); it != folded_.end()) return it->second.int_values;
  return std::nullopt;
}

std::optional<std::int64_t> Converter::attr_int(std::size_t i, const char* name) const {
  const auto* a = g_.nodes[i].attribute(name);
  if (a == nullptr) return std::nullopt;
  if (a->type != OpAttribute::Type::kInt) {
    fail_node(i, std::string("attribute '") + name + "' must be an integer");
  }
  return a->i;
}

std::optional<std::vector<std::int64_t>> Converter::attr_ints(std::size_t i,
                                                              const char* name) const {
  const auto* a = g_.nodes[i].attribute(name);
  if (a == nullptr) return std::nullopt;
  if (a->type != OpAttribute::Type::kInts) {
    fail_node(i, std::string("attribute '") + name + "' must be a list of integers");
  }
  return a->ints;
}

std::optional<std::string> Converter::attr_string(std::size_t i, const char* name) const {
  const auto* a = g_.nodes[i].attribute(name);
  if (a == nullptr) return std::nullopt;
  if (a->type != OpAttribute::Type::kString) {
    fail_node(i, std::string("attribute '") + name + "' must be a string");
  }
  return a->s;
}

std::vector<std::int64_t> Converter::attr_ints_or(std::size_t i, const char* name,
                                                  std::size_t count,
                                                  std::vector<std::int64_t> fallback,
                                                  std::int64_t min_value) const {
  auto v = attr_ints(i, name);
  if (!v) return fallback;
  if (v->size() != count) {
    fail_node(i, std::string("attribute '") + name + "' must have " + std::to_string(count) +
                     " values for a 2-D operator, got " + shape_str(*v));
  }
  for (auto x : *v) {
    if (x < min_value || x > limits().max_loop_size) {
      fail_node(i, std::string("attribute '") + name + "' has the invalid value " +
                       std::to_string(x) + " in " + shape_str(*v));
    }
  }
  return *v;
}

std::int64_t Converter::normalize_axis(std::size_t i, std::int64_t axis, std::size_t rank,
                                       bool allow_rank) const {
  const auto r = static_cast<std::int64_t>(rank);
  const std::int64_t hi = allow_rank ? r : r - 1;
  if (axis < -r || axis > hi) {
    fail_node(i, "axis " + std::to_string(axis) + " is out of range for a rank-" +
                     std::to_string(rank) + " input");
  }
  return axis < 0 ? axis + r : axis;
}

std::int64_t Converter::window_span(std::size_t i, std::int64_t kernel,
                                    std::int64_t dilation) const {
  // kernel and dilation are at most max_loop_size (attr_ints_or); keep the span in range too
  std::int64_t span = 0;
  if (__builtin_mul_overflow(dilation, kernel - 1, &span) || span >= limits().max_loop_size) {
    fail_node(i, "the kernel spans too many input positions (kernel " + std::to_string(kernel) +
                     ", dilation " + std::to_string(dilation) + ")");
  }
  return span + 1;
}

void Converter::check_loops(std::size_t i, const std::vector<LoopDim>& dims) const {
  const Limits& lim = limits();
  for (const auto& d : dims) {
    if (d.size < 1) {
      fail_node(i, "loop dim " + d.name + " would have size " + std::to_string(d.size));
    }
    if (d.size > lim.max_loop_size) {
      fail_node(i, "loop dim " + d.name + " has size " + std::to_string(d.size) +
                       ", above the limit max_loop_size = " + std::to_string(lim.max_loop_size));
    }
  }
  const auto macs = checked_mac_count(dims);
  if (!macs || *macs > lim.max_layer_macs) {
    fail_node(i, "the layer's MAC count " +
                     (macs ? std::to_string(*macs) : std::string("(beyond 2^63)")) +
                     " is above the limit max_layer_macs = " + std::to_string(lim.max_layer_macs));
  }
}

// ---- layers ---------------------------------------------------------------------------------

void Converter::add_layer(std::size_t i, LayerText text,
                          const std::vector<std::pair<std::string, InputRef>>& sources,
                          const std::vector<std::string>& constant_order, bool pool_semantics) {
  check_loops(i, text.dims);
  text.id = LayerId(static_cast<std::int32_t>(i));
  text.name = g_.nodes[i].name;
  text.operator_type = g_.nodes[i].op_type;
  LayerSpec layer = build_layer(text);
  if (auto reason = check_extents(layer)) fail_node(i, *reason);
  for (std::size_t r = 0; r < layer.relations.size(); ++r) {
    if (layer.relation_total(static_cast<int>(r)) < 1) {
      fail_node(i, "the padding exceeds the input extent of " + layer.relations[r].name);
    }
  }
  NodeSpec node;
  node.id = layer.id;
  node.name = layer.name;
  node.op_type = layer.operator_type;
  node.kind = NodeKind::kLayer;
  for (const auto& [operand, ref] : sources) {
    const int o = layer.operand_index(operand);
    STREAM_ASSERT(o >= 0, "source for unknown operand " + operand);
    auto& op = layer.operands[static_cast<std::size_t>(o)];
    op.source = producer_of(ref);
    if (!op.source) {
      // No producer: a constant operand (weights, or the network input of the first layer),
      // except for Stream 2023's pooling parser, which only ever marks W constant.
      if (pool_semantics && operand != "W") continue;
      op.source = layer.id;
      op.is_constant = true;
    }
  }
  for (const auto& operand : constant_order) {
    const int o = layer.operand_index(operand);
    if (layer.operands[static_cast<std::size_t>(o)].is_constant) {
      layer.constant_operands.push_back(o);
    }
  }
  for (const auto& [operand, ref] : sources) {
    const auto& op = layer.operands[static_cast<std::size_t>(layer.operand_index(operand))];
    if (op.is_constant || !op.source) continue;
    node.inputs.push_back(op.source);
    node.input_shapes.push_back(required_shape(i, ref.name, operand.c_str()));
  }
  node.output_shape = required_shape(i, g_.nodes[i].outputs[0], "output");
  node.layer = static_cast<int>(layers_.size());
  nodes_.push_back(std::move(node));
  layers_.push_back(std::move(layer));
}

void Converter::convert_conv(std::size_t i, bool qlinear) {
  // Stream 2023 conv.py: equation O[b][g][k][oy][ox]+=W[k][c][fy][fx]*I[b][g][c][iy][ix],
  // loop order B, K, G, OX, OY, C, FX, FY with OY = output dim 2 (height), OX = dim 3 (width):
  // the reference runs (one CN per output row of FSRCNN = 540 per layer) fix this. Stream's
  // FX = kernel_shape[0] and ix = strides[0]*ox are only equal to this for square kernels and
  // strides; here FX/strides follow the width axis (README: differences from Stream).
  // Padding IY = (pads[0], pads[2]), IX = (pads[1], pads[3]).
  const auto& n = g_.nodes[i];
  const std::size_t w_index = qlinear ? 3 : 1;
  if (n.inputs.size() <= w_index) {
    fail_node(i, "expected at least " + std::to_string(w_index + 1) + " inputs");
  }
  const InputRef x = resolve_input(i, n.inputs[0]);
  const InputRef w = resolve_input(i, n.inputs[w_index]);
  for (std::size_t k = 1; k < n.inputs.size(); ++k) resolve_input(i, n.inputs[k]);
  const Shape xs = required_shape(i, n.inputs[0], "data");
  if (xs.size() != 4) {
    fail_node(i, "the input must be 4-D (N, C, H, W), got " + shape_str(xs) +
                     " (only 2-D convolutions are supported)");
  }
  const auto ws = known_shape(n.inputs[w_index]);
  if (ws && ws->size() != 4) fail_node(i, "the weight must be 4-D, got " + shape_str(*ws));

  const std::int64_t group = attr_int(i, "group").value_or(1);
  if (group < 1 || group > limits().max_loop_size) {
    fail_node(i, "invalid group " + std::to_string(group));
  }
  std::vector<std::int64_t> kernel;
  if (attr_ints(i, "kernel_shape")) {
    kernel = attr_ints_or(i, "kernel_shape", 2, {}, 1);
  } else if (ws) {
    kernel = {(*ws)[2], (*ws)[3]};  // ONNX: kernel_shape may be left out, taken from W
  } else {
    fail_node(i, "attribute 'kernel_shape' is missing and the weight shape is unknown");
  }
  const auto strides = attr_ints_or(i, "strides", 2, {1, 1}, 1);
  const auto dilations = attr_ints_or(i, "dilations", 2, {1, 1}, 1);
  auto pads = attr_ints_or(i, "pads", 4, {0, 0, 0, 0}, 0);
  const std::string auto_pad = attr_string(i, "auto_pad").value_or("NOTSET");

  if (xs[1] % group != 0) {
    fail_node(i, "input channels " + std::to_string(xs[1]) + " are not divisible by group " +
                     std::to_string(group));
  }
  std::optional<std::int64_t> cout;
  if (ws) cout = (*ws)[0];
  if (!cout) {
    if (auto os = known_shape(n.outputs[0]); os && os->size() == 4) cout = (*os)[1];
  }
  if (!cout) fail_node(i, "the number of output channels is unknown (no weight or output shape)");
  if (ws && ((*ws)[1] != xs[1] / group || (*ws)[2] != kernel[0] || (*ws)[3] != kernel[1])) {
    fail_node(i, "inconsistent shapes: weight " + shape_str(*ws) + " does not match input " +
                     shape_str(xs) + ", group " + std::to_string(group) + " and kernel " +
                     shape_str(kernel));
  }
  if (*cout % group != 0) {
    fail_node(i, "output channels " + std::to_string(*cout) + " are not divisible by group " +
                     std::to_string(group));
  }

  Shape inferred = {xs[0], *cout, 0, 0};
  for (std::size_t a = 0; a < 2; ++a) {
    const std::int64_t in = xs[2 + a];
    const std::int64_t span = window_span(i, kernel[a], dilations[a]);
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const std::int64_t out = ceil_div(in, strides[a]);
      const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * strides[a] + span - in);
      const std::int64_t small = total / 2;
      pads[a] = auto_pad == "SAME_UPPER" ? small : total - small;
      pads[a + 2] = total - pads[a];
    } else if (auto_pad == "VALID") {
      pads[a] = pads[a + 2] = 0;
    } else if (auto_pad != "NOTSET") {
      fail_node(i, "unknown auto_pad '" + auto_pad + "'");
    }
    const std::int64_t out = floor_div(in + pads[a] + pads[a + 2] - span, strides[a]) + 1;
    if (out < 1) {
      fail_node(i, "the kernel does not fit the padded input (" + shape_str(xs) + ", kernel " +
                       shape_str(kernel) + ")");
    }
    inferred[2 + a] = out;
  }
  const Shape os = settle_output(i, inferred);

  LayerText t;
  t.equation = "O[b][g][k][oy][ox]+=W[k][c][fy][fx]*I[b][g][c][iy][ix]";
  t.dims = {{"B", os[0]},  {"K", ceil_div(os[1], group)}, {"G", group},      {"OX", os[3]},
            {"OY", os[2]}, {"C", ceil_div(xs[1], group)}, {"FX", kernel[1]}, {"FY", kernel[0]}};
  t.relations = {
      "ix=" + std::to_string(strides[1]) + "*ox+" + std::to_string(dilations[1]) + "*fx",
      "iy=" + std::to_string(strides[0]) + "*oy+" + std::to_string(dilations[0]) + "*fy"};
  t.padding = {{"IY", pads[0], pads[2]}, {"IX", pads[1], pads[3]}};
  t.totals = {{"IY", xs[2]}, {"IX", xs[3]}};  // Stream: pr_loop_dim_size = the input's H, W
  t.precisions = {{"O", 16}, {"O_final", 8}, {"W", 8}, {"I", 8}};
  // Stream takes W's producer from input 1 also for QLinearConv (its x_scale); the weight
  // itself (input 3) is used here. Both are initializers in real files.
  add_layer(i, std::move(t), {{"I", x}, {"W", w}}, {"I", "W"}, false);
}

void Converter::convert_pool(std::size_t i, bool global) {
  // Stream 2023 pooling.py: O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix], loop order
  // B, K, OX, OY, FX, FY (no C loop), precisions O=8, O_final=8, W=0, I=8; W is the only
  // constant operand, an input without producer is neither fetched nor constant.
  const auto& n = g_.nodes[i];
  if (n.inputs.empty()) fail_node(i, "expected an input");
  const InputRef x = resolve_input(i, n.inputs[0]);
  for (std::size_t k = 1; k < n.inputs.size(); ++k) {
    if (resolve_input(i, n.inputs[k]).kind == InputRef::Kind::kProduced) {
      fail_node(i, "input " + std::to_string(k) + " ('" + n.inputs[k] +
                       "') is computed by another node; only constant parameters are supported");
    }
  }
  const Shape xs = required_shape(i, n.inputs[0], "data");
  if (xs.size() != 4) {
    fail_node(i, "the input must be 4-D (N, C, H, W), got " + shape_str(xs) +
                     " (only 2-D pooling is supported)");
  }
  std::vector<std::int64_t> kernel;
  std::vector<std::int64_t> strides = {1, 1};
  std::vector<std::int64_t> dilations = {1, 1};
  std::vector<std::int64_t> pads = {0, 0, 0, 0};
  bool ceil_mode = false;
  if (global) {
    if (attr_int(i, "channels_last").value_or(0) != 0) {
      fail_node(i, "channels_last = 1 is not supported");
    }
    kernel = {xs[2], xs[3]};
  } else {
    if (!attr_ints(i, "kernel_shape")) fail_node(i, "attribute 'kernel_shape' is missing");
    kernel = attr_ints_or(i, "kernel_shape", 2, {}, 1);
    strides = attr_ints_or(i, "strides", 2, {1, 1}, 1);
    dilations = attr_ints_or(i, "dilations", 2, {1, 1}, 1);
    pads = attr_ints_or(i, "pads", 4, {0, 0, 0, 0}, 0);
    ceil_mode = attr_int(i, "ceil_mode").value_or(0) != 0;
    const std::string auto_pad = attr_string(i, "auto_pad").value_or("NOTSET");
    for (std::size_t a = 0; a < 2; ++a) {
      const std::int64_t in = xs[2 + a];
      const std::int64_t span = window_span(i, kernel[a], dilations[a]);
      if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
        const std::int64_t out = ceil_div(in, strides[a]);
        const std::int64_t total = std::max<std::int64_t>(0, (out - 1) * strides[a] + span - in);
        pads[a] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pads[a + 2] = total - pads[a];
      } else if (auto_pad == "VALID") {
        pads[a] = pads[a + 2] = 0;
      } else if (auto_pad != "NOTSET") {
        fail_node(i, "unknown auto_pad '" + auto_pad + "'");
      }
    }
  }
  Shape inferred = {xs[0], xs[1], 0, 0};
  for (std::size_t a = 0; a < 2; ++a) {
    const std::int64_t in = xs[2 + a];
    const std::int64_t span = window_span(i, kernel[a], dilations[a]);
    const std::int64_t room = in + pads[a] + pads[a + 2] - span;
    std::int64_t out = (ceil_mode ? ceil_div(std::max<std::int64_t>(room, 0), strides[a])
                                  : floor_div(room, strides[a])) +
                       1;
    // With ceil_mode, the last window must start inside the input or its begin padding.
    if (ceil_mode && room >= 0 && (out - 1) * strides[a] >= in + pads[a]) --out;
    if (room < 0 || out < 1) {
      fail_node(i, "the pooling window does not fit the padded input (" + shape_str(xs) +
                       ", kernel " + shape_str(kernel) + ")");
    }
    inferred[2 + a] = out;
  }
  const Shape os = settle_output(i, inferred);
  if (os.size() != 4 || os[1] != xs[1] || os[0] != xs[0]) {
    fail_node(i, "inconsistent shapes: output " + shape_str(os) + " for input " + shape_str(xs));
  }
  LayerText t;
  t.equation = "O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix]";
  t.dims = {{"B", os[0]},  {"K", os[1]},      {"OX", os[3]},
            {"OY", os[2]}, {"FX", kernel[1]}, {"FY", kernel[0]}};
  t.relations = {
      "ix=" + std::to_string(strides[1]) + "*ox+" + std::to_string(dilations[1]) + "*fx",
      "iy=" + std::to_string(strides[0]) + "*oy+" + std::to_string(dilations[0]) + "*fy"};
  t.padding = {{"IY", pads[0], pads[2]}, {"IX", pads[1], pads[3]}};
  t.totals = {{"IY", xs[2]}, {"IX", xs[3]}};  // Stream: pr_loop_dim_size = the input's H, W
  t.precisions = {{"O", 8}, {"O_final", 8}, {"W", 0}, {"I", 8}};
  add_layer(i, std::move(t), {{"I", x}, {"W", InputRef{InputRef::Kind::kAbsent, -1, ""}}}, {"W"},
            true);
}

void Converter::convert_gemm(std::size_t i) {
  // Stream 2023 gemm.py: O[b][k]+=A[b][c]*B[c][k], loop order K, C, B, precisions O=16,
  // O_final=8, A=B=8, memory operands A->I1, B->I2. Here A is called I and B is called W (the
  // names formats.md gives I1 and I2). transA swaps the first input's shape, as Stream does.
  const auto& n = g_.nodes[i];
  if (n.inputs.size() < 2) fail_node(i, "expected at least 2 inputs");
  const InputRef a = resolve_input(i, n.inputs[0]);
  const InputRef b = resolve_input(i, n.inputs[1]);
  for (std::size_t k = 2; k < n.inputs.size(); ++k) resolve_input(i, n.inputs[k]);
  Shape as = required_shape(i, n.inputs[0], "first");
  if (as.size() != 2) fail_node(i, "the first input must be 2-D, got " + shape_str(as));
  if (attr_int(i, "transA").value_or(0) != 0) std::swap(as[0], as[1]);
  const bool trans_b = attr_int(i, "transB").value_or(0) != 0;
  std::optional<Shape> inferred;
  if (auto bs = known_shape(n.inputs[1])) {
    if (bs->size() != 2) fail_node(i, "the second input must be 2-D, got " + shape_str(*bs));
    const std::int64_t kb = trans_b ? (*bs)[1] : (*bs)[0];
    if (kb != as[1]) {
      fail_node(i, "inconsistent shapes: inner dimensions " + std::to_string(as[1]) + " and " +
                       std::to_string(kb) + " differ");
    }
    inferred = Shape{as[0], trans_b ? (*bs)[0] : (*bs)[1]};
  }
  const Shape os = settle_output(i, inferred);
  if (os.size() != 2 || os[0] != as[0]) {
    fail_node(i, "inconsistent shapes: output " + shape_str(os) + " for input rows " +
                     std::to_string(as[0]));
  }
  LayerText t;
  t.equation = "O[b][k]+=I[b][c]*W[c][k]";
  t.dims = {{"K", os[1]}, {"C", as[1]}, {"B", as[0]}};
  t.precisions = {{"O", 16}, {"O_final", 8}, {"W", 8}, {"I", 8}};
  add_layer(i, std::move(t), {{"I", a}, {"W", b}}, {"I", "W"}, false);
}

void Converter::convert_matmul(std::size_t i) {
  // Stream 2023 matmul.py handles 2-D inputs like Gemm. Batched inputs (attention) extend it:
  // leading dims named H (and N before it) index every operand that has them,
  // O[h][b][k]+=I[h][b][c]*W[h][c][k], loop order N, H, K, C, B.
  const auto& n = g_.nodes[i];
  if (n.inputs.size() != 2) fail_node(i, "expected 2 inputs");
  const InputRef a = resolve_input(i, n.inputs[0]);
  const InputRef b = resolve_input(i, n.inputs[1]);
  const Shape as = required_shape(i, n.inputs[0], "first");
  const Shape bs = required_shape(i, n.inputs[1], "second");
  if (as.size() < 2 || bs.size() < 2) {
    fail_node(i, "inputs must have at least 2 dimensions, got " + shape_str(as) + " and " +
                     shape_str(bs));
  }
  if (as.back() != bs[bs.size() - 2]) {
    fail_node(i, "inconsistent shapes: " + shape_str(as) + " times " + shape_str(bs));
  }
  const std::size_t la = as.size() - 2;
  const std::size_t lb = bs.size() - 2;
  const std::size_t lead = std::max(la, lb);
  if (lead > 2) fail_node(i, "at most 2 batch dimensions are supported, got " + shape_str(as));
  Shape inferred(lead + 2, 0);
  for (std::size_t p = 0; p < lead; ++p) {  // right-aligned batch dims
    const std::int64_t da = p + la >= lead ? as[p + la - lead] : -1;
    const std::int64_t db = p + lb >= lead ? bs[p + lb - lead] : -1;
    if (da > 0 && db > 0 && da != db) {
      fail_node(i, "broadcasting batch dimensions is not supported: " + shape_str(as) + " times " +
                       shape_str(bs));
    }
    inferred[p] = std::max(da, db);
  }
  inferred[lead] = as[la];
  inferred[lead + 1] = bs.back();
  const Shape os = settle_output(i, inferred);

  const std::vector<std::string> names =
      lead == 2 ? std::vector<std::string>{"n", "h"} : std::vector<std::string>{"h"};
  auto idx = [&](std::size_t count) {
    std::string s;
    for (std::size_t p = lead - count; p < lead; ++p) s += "[" + names[p] + "]";
    return s;
  };
  LayerText t;
  t.equation = "O" + idx(lead) + "[b][k]+=I" + idx(la) + "[b][c]*W" + idx(lb) + "[c][k]";
  for (std::size_t p = 0; p < lead; ++p) t.dims.push_back({to_upper(names[p]), os[p]});
  t.dims.push_back({"K", os[lead + 1]});
  t.dims.push_back({"C", as.back()});
  t.dims.push_back({"B", os[lead]});
  t.precisions = {{"O", 16}, {"O_final", 8}, {"W", 8}, {"I", 8}};
  add_layer(i, std::move(t), {{"I", a}, {"W", b}}, {"I", "W"}, false);
}

void Converter::convert_elementwise(std::size_t i) {
  // Stream 2023 simd.py: equal input shapes -> O[b][k][oy][ox]+=A[b][k][oy][ox]*B[b][k][oy][ox]
  // (for Add too), loop order B, K, OX, OY with OY = dim 2 (height), precisions all 8. A is called
  // I (memory operand I1) and B is called W (I2). Quirk not kept: Stream links A to I2 as well when
  // A has no producer. Other ranks: [h][b][k], [b][k], [k]. Unequal (broadcast) input shapes -> a
  // free node (Stream: DummyNode).
  const auto& n = g_.nodes[i];
  if (n.inputs.size() != 2 || n.inputs[0].empty() || n.inputs[1].empty()) {
    fail_node(i, "expected 2 inputs");
  }
  const InputRef a = resolve_input(i, n.inputs[0]);
  const InputRef b = resolve_input(i, n.inputs[1]);
  const Shape as = required_shape(i, n.inputs[0], "first");
  const Shape bs = required_shape(i, n.inputs[1], "second");
  if (as != bs) {
    // numpy broadcasting
    const std::size_t rank = std::max(as.size(), bs.size());
    Shape out(rank, 1);
    for (std::size_t p = 0; p < rank; ++p) {
      const std::int64_t da = p + as.size() >= rank ? as[p + as.size() - rank] : 1;
      const std::int64_t db = p + bs.size() >= rank ? bs[p + bs.size() - rank] : 1;
      if (da != db && da != 1 && db != 1) {
        fail_node(i, "input shapes " + shape_str(as) + " and " + shape_str(bs) +
                         " cannot be broadcast together");
      }
      out[p] = std::max(da, db);
    }
    const Shape os = settle_output(i, out);
    std::vector<InputRef> data;
    for (const auto& ref : {a, b}) {
      if (ref.kind != InputRef::Kind::kConstant) data.push_back(ref);
    }
    if (data.empty()) return fold_constant(i, os);
    return add_free(i, NodeKind::kBroadcast, data, os, {}, 0);
  }
  const Shape os = settle_output(i, as);
  LayerText t;
  switch (os.size()) {
    case 4:
      t.equation = "O[b][k][oy][ox]+=I[b][k][oy][ox]*W[b][k][oy][ox]";
      t.dims = {{"B", os[0]}, {"K", os[1]}, {"OX", os[3]}, {"OY", os[2]}};
      break;
    case 3:
      t.equation = "O[h][b][k]+=I[h][b][k]*W[h][b][k]";
      t.dims = {{"H", os[0]}, {"B", os[1]}, {"K", os[2]}};
      break;
    case 2:
      t.equation = "O[b][k]+=I[b][k]*W[b][k]";
      t.dims = {{"B", os[0]}, {"K", os[1]}};
      break;
    case 1:
      t.equation = "O[k]+=I[k]*W[k]";
      t.dims = {{"K", os[0]}};
      break;
    default:
      fail_node(i, "element-wise inputs of rank " + std::to_string(os.size()) +
                       " are not supported (ranks 1 to 4 are)");
  }
  t.precisions = {{"O", 8}, {"O_final", 8}, {"W", 8}, {"I", 8}};
  add_layer(i, std::move(t), {{"I", a}, {"W", b}}, {"I", "W"}, false);
}

// ---- free nodes -----------------------------------------------------------------------------

void Converter::fold_constant(std::size_t i, const std::optional<Shape>& shape) {
  constant_node_[i] = true;
  const auto& n = g_.nodes[i];
  for (std::size_t k = 0; k < n.outputs.size(); ++k) {
    if (n.outputs[k].empty()) continue;
    ConstTensor t;
    if (k == 0 && shape) t.dims = *shape;
    folded_[n.outputs[k]] = std::move(t);
  }
}

void Converter::add_free(std::size_t i, NodeKind kind, const std::vector<InputRef>& data,
                         const Shape& out, std::vector<std::int64_t> perm, std::int64_t axis) {
  NodeSpec node;
  node.id = LayerId(static_cast<std::int32_t>(i));
  node.name = g_.nodes[i].name;
  node.op_type = g_.nodes[i].op_type;
  node.kind = kind;
  for (const auto& ref : data) {
    node.inputs.push_back(producer_of(ref));
    node.input_shapes.push_back(required_shape(i, ref.name, "data"));
  }
  node.output_shape = out;
  node.perm = std::move(perm);
  node.axis = axis;
  nodes_.push_back(std::move(node));
}

void Converter::convert_free(std::size_t i, OpClass cls) {
  const auto& n = g_.nodes[i];
  // Data inputs: all inputs of a Concat, the first input otherwise; the other inputs are
  // parameters (Clip bounds, BatchNormalization statistics, Reshape's shape, ...) that must
  // not be computed by the network.
  std::vector<InputRef> data;
  for (std::size_t k = 0; k < n.inputs.size(); ++k) {
    const InputRef ref = resolve_input(i, n.inputs[k]);
    if (cls == OpClass::kConcat) {
      if (ref.kind == InputRef::Kind::kAbsent) fail_node(i, "a Concat input is empty");
      data.push_back(ref);
    } else if (k == 0) {
      if (ref.kind == InputRef::Kind::kAbsent) fail_node(i, "the data input is missing");
      data.push_back(ref);
    } else if (ref.kind == InputRef::Kind::kProduced) {
      fail_node(i, "input " + std::to_string(k) + " ('" + n.inputs[k] + "') is computed by " +
                       node_where(static_cast<std::size_t>(ref.node)) +
                       "; only constant parameters are supported there");
    }
  }
  if (data.empty()) fail_node(i, "the node has no input");
  const bool all_constant = std::all_of(data.begin(), data.end(), [](const InputRef& r) {
    return r.kind == InputRef::Kind::kConstant;
  });
  if (all_constant) {
    // Computed from constants only: a constant itself. Keep whatever shape is known.
    std::optional<Shape> s;
    if (auto it = shapes_.find(n.outputs[0]); it != shapes_.end()) s = it->second;
    if (!s && (cls == OpClass::kPassThrough || cls == OpClass::kSoftmax ||
               cls == OpClass::kLastAxisNorm || cls == OpClass::kLpNorm)) {
      s = known_shape(n.inputs[0]);
    }
    return fold_constant(i, s);
  }
  if (cls == OpClass::kConcat) {
    for (const auto& ref : data) {
      if (ref.kind == InputRef::Kind::kConstant) {
        fail_node(i, "Concat of a constant ('" + ref.name +
                         "') with network data is not "
                         "supported");
      }
    }
  }
  const Shape in = required_shape(i, data[0].name, "data");

  switch (cls) {
    case OpClass::kPassThrough: {
      const Shape os = settle_output(i, in);
      return add_free(i, NodeKind::kPassThrough, data, os, {}, 0);
    }
    case OpClass::kSoftmax:
    case OpClass::kLastAxisNorm:
    case OpClass::kLpNorm: {
      const Shape os = settle_output(i, in);
      if (in.empty()) fail_node(i, "the input is a scalar");
      // Softmax before opset 13 and the normalisations work on all axes from `axis` on (the
      // input flattened to 2-D); opset-13 Softmax and LpNormalization on `axis` only.
      std::int64_t deflt = -1;
      if (cls == OpClass::kSoftmax && g_.opset < 13) deflt = 1;
      const std::int64_t axis =
          normalize_axis(i, attr_int(i, "axis").value_or(deflt), in.size(), false);
      const bool range =
          (cls == OpClass::kLastAxisNorm) || (cls == OpClass::kSoftmax && g_.opset < 13);
      std::vector<std::int64_t> mixed;
      const std::size_t end = range ? in.size() : static_cast<std::size_t>(axis) + 1;
      for (auto a = static_cast<std::size_t>(axis); a < end; ++a) {
        if (in[a] > 1) mixed.push_back(static_cast<std::int64_t>(a));
      }
      if (mixed.size() > 1) {
        fail_node(i, "the operation mixes several axes of " + shape_str(in) + " (from axis " +
                         std::to_string(axis) + " on); only one axis of size > 1 is supported");
      }
      return add_free(i, NodeKind::kReduce, data, os, {}, mixed.empty() ? axis : mixed[0]);
    }
    case OpClass::kTranspose: {
      std::vector<std::int64_t> perm;
      if (auto p = attr_ints(i, "perm")) {
        perm = *p;
      } else {
        for (std::size_t a = in.size(); a > 0; --a)
          perm.push_back(static_cast<std::int64_t>(a - 1));
      }
      std::vector<bool> seen(in.size(), false);
      if (perm.size() != in.size())
        fail_node(i, "perm " + shape_str(perm) + " does not fit " + shape_str(in));
      Shape out;
      for (auto p : perm) {
        if (p < 0 || p >= static_cast<std::int64_t>(in.size()) ||
            seen[static_cast<std::size_t>(p)]) {
          fail_node(i, "perm " + shape_str(perm) + " is not a permutation of the input axes");
        }
        seen[static_cast<std::size_t>(p)] = true;
        out.push_back(in[static_cast<std::size_t>(p)]);
      }
      const Shape os = settle_output(i, out);
      return add_free(i, NodeKind::kTranspose, data, os, perm, 0);
    }
    case OpClass::kConcat: {
      const auto axis_attr = attr_int(i, "axis");
      if (!axis_attr) fail_node(i, "attribute 'axis' is missing");
      const std::int64_t axis = normalize_axis(i, *axis_attr, in.size(), false);
      Shape out = in;
      out[static_cast<std::size_t>(axis)] = 0;
      for (const auto& ref : data) {
        const Shape s = required_shape(i, ref.name, "concatenated");
        bool ok = s.size() == in.size();
        for (std::size_t a = 0; ok && a < s.size(); ++a) {
          ok = static_cast<std::int64_t>(a) == axis || s[a] == in[a];
        }
        if (!ok) {
          fail_node(i, "inputs " + shape_str(in) + " and " + shape_str(s) +
                           " cannot be joined along axis " + std::to_string(axis));
        }
        const auto sum =
            checked_add(out[static_cast<std::size_t>(axis)], s[static_cast<std::size_t>(axis)]);
        if (!sum) fail_node(i, "the output is too large");
        out[static_cast<std::size_t>(axis)] = *sum;
      }
      const Shape os = settle_output(i, out);
      return add_free(i, NodeKind::kConcat, data, os, {}, axis);
    }
    case OpClass::kFlatten: {
      const std::int64_t axis = normalize_axis(i, attr_int(i, "axis").value_or(1), in.size(), true);
      Shape out = {1, 1};
      for (std::size_t a = 0; a < in.size(); ++a) {
        auto& d = out[static_cast<std::int64_t>(a) < axis ? 0 : 1];
        const auto p = checked_mul(d, in[a]);
        if (!p) fail_node(i, "the output is too large");
        d = *p;
      }
      const Shape os = settle_output(i, out);
      return add_free(i, NodeKind::kReshape, data, os, {}, 0);
    }
    case OpClass::kReshape:
    case OpClass::kSqueeze:
    case OpClass::kUnsqueeze: {
      std::optional<Shape> out;
      if (cls == OpClass::kReshape) {
        if (n.inputs.size() < 2 || n.inputs[1].empty()) fail_node(i, "the shape input is missing");
        if (auto v = const_values(n.inputs[1])) {
          Shape s = *v;
          const bool allow_zero = attr_int(i, "allowzero").value_or(0) != 0;
          int minus_one = -1;
          std::int64_t known = 1;
          for (std::size_t a = 0; a < s.size(); ++a) {
            if (s[a] == 0 && !allow_zero) {
              if (a >= in.size()) fail_node(i, "shape " + shape_str(*v) + " copies a missing axis");
              s[a] = in[a];
            }
            if (s[a] == -1) {
              if (minus_one >= 0) fail_node(i, "shape " + shape_str(*v) + " has two -1 entries");
              minus_one = static_cast<int>(a);
              continue;
            }
            if (s[a] < 1) fail_node(i, "shape " + shape_str(*v) + " has an invalid entry");
            const auto p = checked_mul(known, s[a]);
            if (!p) fail_node(i, "shape " + shape_str(*v) + " is too large");
            known = *p;
          }
          const std::int64_t total = element_count(i, in);
          if (minus_one >= 0) {
            if (total % known != 0) {
              fail_node(i, "cannot reshape " + shape_str(in) + " to " + shape_str(*v));
            }
            s[static_cast<std::size_t>(minus_one)] = total / known;
          }
          out = s;
        }
      } else {
        std::optional<std::vector<std::int64_t>> axes = attr_ints(i, "axes");
        if (!axes && n.inputs.size() >= 2 && !n.inputs[1].empty()) {
          axes = const_values(n.inputs[1]);
          if (!axes && known_shape(n.outputs[0]) == std::nullopt) {
            fail_node(i, "the axes input '" + n.inputs[1] + "' has no readable values");
          }
        }
        if (cls == OpClass::kSqueeze) {
          std::vector<bool> drop(in.size(), false);
          if (axes) {
            for (auto a : *axes) {
              const auto na = normalize_axis(i, a, in.size(), false);
              if (in[static_cast<std::size_t>(na)] != 1) {
                fail_node(i, "cannot squeeze axis " + std::to_string(a) + " of " + shape_str(in));
              }
              drop[static_cast<std::size_t>(na)] = true;
            }
          } else {
            for (std::size_t a = 0; a < in.size(); ++a) drop[a] = in[a] == 1;
          }
          Shape s;
          for (std::size_t a = 0; a < in.size(); ++a) {
            if (!drop[a]) s.push_back(in[a]);
          }
          out = s;
        } else if (axes) {
          const std::size_t rank = in.size() + axes->size();
          std::vector<bool> ins(rank, false);
          for (auto a : *axes) {
            const auto na = normalize_axis(i, a, rank, false);
            if (ins[static_cast<std::size_t>(na)]) fail_node(i, "repeated axis in Unsqueeze");
            ins[static_cast<std::size_t>(na)] = true;
          }
          Shape s;
          std::size_t k = 0;
          for (std::size_t a = 0; a < rank; ++a) s.push_back(ins[a] ? 1 : in[k++]);
          out = s;
        }
      }
      const Shape os = settle_output(i, out);
      if (element_count(i, in) != element_count(i, os)) {
        fail_node(i, "inconsistent shapes: " + shape_str(in) + " and " + shape_str(os) +
                         " have different element counts");
      }
      return add_free(i, NodeKind::kReshape, data, os, {}, 0);
    }
    default:
      STREAM_ASSERT(false, "convert_free called for a costed operator");
  }
}

void Converter::convert_node(std::size_t i, OpClass cls) {
  switch (cls) {
    case OpClass::kConv:
      return convert_conv(i, false);
    case OpClass::kQLinearConv:
      return convert_conv(i, true);
    case OpClass::kGemm:
      return convert_gemm(i);
    case OpClass::kMatMul:
      return convert_matmul(i);
    case OpClass::kPool:
      return convert_pool(i, false);
    case OpClass::kGlobalPool:
      return convert_pool(i, true);
    case OpClass::kElementwise:
      return convert_elementwise(i);
    case OpClass::kConstant:
      STREAM_ASSERT(false, "Constant nodes are handled by run()");
    default:
      return convert_free(i, cls);
  }
}

WorkloadSpec Converter::run(const std::string& source, const std::string& model_name) {
  index_tensors();
  constant_node_.assign(g_.nodes.size(), false);
  for (std::size_t i = 0; i < g_.nodes.size(); ++i) {
    const auto& n = g_.nodes[i];
    if (!n.domain.empty() && n.domain != "ai.onnx" && n.domain != "com.microsoft") {
      fail_node(i, "operator domain '" + n.domain + "' is not supported");
    }
    const auto cls = classify(n.op_type);
    if (!cls) {
      fail_node(
          i, "unsupported operator type '" + n.op_type + "' (supported: " + supported_list() + ")");
    }
    const bool no_inputs = std::all_of(n.inputs.begin(), n.inputs.end(),
                                       [](const std::string& s) { return s.empty(); });
    if (*cls == OpClass::kConstant || no_inputs) {
      // Stream skips nodes without inputs: their outputs are constants.
      if (*cls != OpClass::kConstant) fail_node(i, "the node has no inputs");
      ConstTensor t;
      bool shape_known = true;
      if (const auto* v = n.attribute("value"); v && v->type == OpAttribute::Type::kTensor) {
        t = v->t;
      } else if (const auto* vi = n.attribute("value_ints");
                 vi && vi->type == OpAttribute::Type::kInts) {
        t.dims = {static_cast<std::int64_t>(vi->ints.size())};
        t.int_values = vi->ints;
      } else if (const auto* vs = n.attribute("value_int");
                 vs && vs->type == OpAttribute::Type::kInt) {
        t.int_values = std::vector<std::int64_t>{vs->i};
      } else if (n.attribute("value_float") == nullptr) {
        shape_known = false;  // value_floats, value_strings, sparse_value: dims not kept
      }
      constant_node_[i] = true;
      if (shape_known &&
          std::all_of(t.dims.begin(), t.dims.end(), [](std::int64_t d) { return d >= 0; })) {
        shapes_.emplace(n.outputs[0], t.dims);
      }
      folded_[n.outputs[0]] = std::move(t);
      continue;
    }
    convert_node(i, *cls);
  }
  WorkloadSpec spec;
  spec.name = model_name;
  spec.source = source;
  spec.nodes = std::move(nodes_);
  spec.layers = std::move(layers_);
  if (spec.layers.empty()) {
    fail("graph", "the model has no costed layer (Conv, Gemm, MatMul, pooling, Add, Mul)");
  }
  return spec;
}

}  // namespace

WorkloadSpec convert_op_graph(const OpGraph& graph, const std::string& file,
                              const std::string& source, const std::string& model_name) {
  Converter c(graph, file);
  return c.run(source, model_name);
}

}  // namespace stream::workload::detail
