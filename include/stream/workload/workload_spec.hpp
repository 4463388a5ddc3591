#pragma once
/// A workload: the graph of nodes as in the source file (ONNX graph.node, the YAML list, or a
/// zoo model), where each node is a costed layer or a free node that costs nothing and passes
/// or reshapes data (Relu, BatchNormalization, Reshape, Flatten, Transpose, Concat, an Add with
/// broadcast, ...). Node ids are the ONNX node indices (Stream 2023 numbering) or YAML ids.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::workload {

enum class NodeKind : std::uint8_t {
  kLayer,        ///< costed: Conv, Gemm, MatMul, pools, element-wise Add/Mul
  kPassThrough,  ///< free, element for element (Relu, Clip, BatchNormalization, Identity, ...)
  kReshape,      ///< free, row-major reinterpretation (Reshape, Flatten, Squeeze, Unsqueeze)
  kTranspose,    ///< free, axes permuted by `perm`
  kConcat,       ///< free, inputs joined along `axis`
  kBroadcast,    ///< free, element-wise op with broadcast inputs (Add/Mul of unequal shapes)
  kReduce,       ///< free, whole rows mixed (Softmax, LayerNormalization): every output
                 ///< element depends on its row along `axis` of the input
};
std::string_view to_string(NodeKind kind);

struct NodeSpec {
  LayerId id;
  std::string name;
  std::string op_type;  ///< the ONNX op type or the YAML operator_type
  NodeKind kind = NodeKind::kLayer;
  /// Producer node of each data input (constants such as weights are not data inputs);
  /// empty optional = a graph input. For a layer these follow its variable input operands.
  std::vector<std::optional<LayerId>> inputs;
  std::vector<std::vector<std::int64_t>> input_shapes;  ///< per data input
  std::vector<std::int64_t> output_shape;
  std::vector<std::int64_t> perm;  ///< kTranspose
  std::int64_t axis = 0;           ///< kConcat, kReduce (normalised to >= 0)
  int layer = -1;                  ///< index into WorkloadSpec::layers when kind == kLayer
};

struct WorkloadSpec {
  std::string name;               ///< model name (file stem or zoo name)
  std::string source;             ///< the file path, or "zoo:NAME"
  std::vector<NodeSpec> nodes;    ///< ascending id, in a topological order
  std::vector<LayerSpec> layers;  ///< the costed layers, ascending id

  const NodeSpec* find_node(LayerId id) const;
  const LayerSpec* find_layer(LayerId id) const;
  /// Ids of the nodes that consume node `id`'s output, ascending (edge-insertion order).
  std::vector<LayerId> consumers(LayerId id) const;
  /// The costed layers that feed node `id` through free nodes only (walking back through
  /// free nodes), ascending, without duplicates.
  std::vector<LayerId> costed_producers(LayerId id) const;
  std::int64_t total_macs() const;
};

}  // namespace stream::workload
