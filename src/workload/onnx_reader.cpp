// ONNX reader: ModelProto (Debian libonnx-dev's generated protobuf code) -> OpGraph -> the
// shared converter. Only shapes are read; weights may be external and absent.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <onnx/onnx_pb.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>

#include "op_graph.hpp"
#include "read_file.hpp"
#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/workload/load.hpp"

namespace stream::workload {
namespace {

using detail::ConstTensor;
using detail::OpAttribute;
using detail::OpGraph;
using detail::OpNode;
using detail::Shape;

void discard_log(google::protobuf::LogLevel /*level*/, const char* /*filename*/, int /*line*/,
                 const std::string& /*message*/) {}

/// Library code never prints: protobuf's parse-failure logging goes nowhere.
void silence_protobuf() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&discard_log); });
}

/// Small integer tensors stored inline keep their values (Reshape shapes, Squeeze axes).
ConstTensor read_tensor(const onnx::TensorProto& t) {
  ConstTensor out;
  out.dims.assign(t.dims().begin(), t.dims().end());
  std::int64_t count = 1;
  for (auto d : out.dims) {
    if (d < 0 || d > 64) return out;  // values only for tiny tensors
    count *= d;
    if (count > 64) return out;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return out;
  std::vector<std::int64_t> v;
  if (t.data_type() == onnx::TensorProto::INT64) {
    if (t.int64_data_size() == count) {
      v.assign(t.int64_data().begin(), t.int64_data().end());
    } else if (static_cast<std::int64_t>(t.raw_data().size()) == count * 8) {
      for (std::int64_t k = 0; k < count; ++k) {
        std::int64_t x = 0;
        std::memcpy(&x, t.raw_data().data() + k * 8, 8);  // little-endian hosts only
        v.push_back(x);
      }
    } else {
      return out;
    }
  } else if (t.data_type() == onnx::TensorProto::INT32) {
    if (t.int32_data_size() == count) {
      v.assign(t.int32_data().begin(), t.int32_data().end());
    } else if (static_cast<std::int64_t>(t.raw_data().size()) == count * 4) {
      for (std::int64_t k = 0; k < count; ++k) {
        std::int32_t x = 0;
        std::memcpy(&x, t.raw_data().data() + k * 4, 4);
        v.push_back(x);
      }
    } else {
      return out;
    }
  } else {
    return out;
  }
  out.int_values = std::move(v);
  return out;
}

/// Shape of a value, or nullopt when the file gives no tensor shape. Unknown dims are 0.
std::optional<Shape> read_shape(const onnx::ValueInfoProto& vi) {
  if (!vi.has_type() || !vi.type().has_tensor_type()) return std::nullopt;
  const auto& tt = vi.type().tensor_type();
  if (!tt.has_shape()) return std::nullopt;
  Shape s;
  for (const auto& d : tt.shape().dim()) s.push_back(d.has_dim_value() ? d.dim_value() : 0);
  return s;
}

OpAttribute read_attribute(const onnx::AttributeProto& a) {
  using A = onnx::AttributeProto;
  A::AttributeType type = a.type();
  if (type == A::UNDEFINED) {  // very old files: the populated field tells the type
    if (a.ints_size() > 0) {
      type = A::INTS;
    } else if (a.floats_size() > 0) {
      type = A::FLOATS;
    } else if (a.has_i()) {
      type = A::INT;
    } else if (a.has_f()) {
      type = A::FLOAT;
    } else if (a.has_s()) {
      type = A::STRING;
    } else if (a.has_t()) {
      type = A::TENSOR;
    }
  }
  switch (type) {
    case A::INT:
      return OpAttribute::make_int(a.i());
    case A::INTS:
      return OpAttribute::make_ints({a.ints().begin(), a.ints().end()});
    case A::FLOAT:
      return OpAttribute::make_float(a.f());
    case A::STRING:
      return OpAttribute::make_string(a.s());
    case A::TENSOR:
      return OpAttribute::make_tensor(read_tensor(a.t()));
    case A::FLOATS: {
      OpAttribute out;
      out.type = OpAttribute::Type::kFloats;
      return out;
    }
    default:
      return OpAttribute{};
  }
}

OpGraph to_op_graph(const onnx::ModelProto& model, const std::string& name) {
  const auto& g = model.graph();
  OpGraph out;
  out.name = g.name();
  bool have_opset = false;
  for (const auto& imp : model.opset_import()) {
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      out.opset = have_opset ? std::max(out.opset, imp.version()) : imp.version();
      have_opset = true;
    }
  }
  if (!have_opset) {
    throw InputError(name, "model", "no opset_import for the standard ONNX domain");
  }
  for (const auto& t : g.initializer()) out.initializers[t.name()] = read_tensor(t);
  for (const auto& t : g.sparse_initializer()) {
    ConstTensor c;
    c.dims.assign(t.dims().begin(), t.dims().end());
    out.initializers[t.values().name()] = c;
  }
  for (const auto& in : g.input()) {
    if (out.initializers.count(in.name()) != 0) continue;
    auto s = read_shape(in);
    if (!s) {
      throw InputError(name, "graph input '" + in.name() + "'",
                       "the input has no tensor shape; give it a concrete shape");
    }
    out.inputs.emplace_back(in.name(), *s);
  }
  for (const auto& vi : g.value_info()) {
    if (auto s = read_shape(vi)) out.value_shapes[vi.name()] = *s;
  }
  for (const auto& vi : g.output()) {
    if (auto s = read_shape(vi)) out.value_shapes[vi.name()] = *s;
  }
  out.nodes.reserve(static_cast<std::size_t>(g.node_size()));
  for (const auto& n : g.node()) {
    OpNode node;
    node.name = n.name();
    node.op_type = n.op_type();
    node.domain = n.domain();
    node.inputs.assign(n.input().begin(), n.input().end());
    node.outputs.assign(n.output().begin(), n.output().end());
    for (const auto& a : n.attribute()) node.attributes.emplace_back(a.name(), read_attribute(a));
    out.nodes.push_back(std::move(node));
  }
  return out;
}

}  // namespace

WorkloadSpec parse_onnx_workload(const std::string& bytes, const std::string& name) {
  silence_protobuf();
  if (bytes.empty()) throw InputError(name, "", "the file is empty");
  if (static_cast<std::int64_t>(bytes.size()) > limits().max_file_bytes ||
      bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    throw InputError(name, "",
                     "the model has " + std::to_string(bytes.size()) +
                         " bytes, more than the limit max_file_bytes = " +
                         std::to_string(limits().max_file_bytes) + " (or protobuf's 2 GiB)");
  }
  onnx::ModelProto model;
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
    throw InputError(name, "",
                     "not a valid ONNX model: the protobuf data is truncated or corrupt (or the "
                     "file is not ONNX)");
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    throw InputError(name, "", "not an ONNX model: it has no graph with nodes");
  }
  if (static_cast<std::int64_t>(model.graph().node_size()) > limits().max_nodes) {
    throw InputError(
        name, "graph",
        "the graph has " + std::to_string(model.graph().node_size()) +
            " nodes, more than the limit max_nodes = " + std::to_string(limits().max_nodes));
  }
  const OpGraph graph = to_op_graph(model, name);
  return detail::convert_op_graph(graph, name, name, name);
}

WorkloadSpec read_onnx_workload(const std::string& path) {
  WorkloadSpec spec = parse_onnx_workload(detail::read_input_file(path), path);
  spec.name = detail::file_stem(path);
  spec.source = path;
  return spec;
}

}  // namespace stream::workload
