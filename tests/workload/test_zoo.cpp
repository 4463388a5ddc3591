// Model zoo: built-in models through the ONNX converter, node for node equal to the files.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "stream/workload/load.hpp"
#include "test_helpers.hpp"

namespace stream::workload::test {
namespace {

void expect_same_layer(const LayerSpec& a, const LayerSpec& b) {
  SCOPED_TRACE("layer " + std::to_string(a.id.value) + " " + a.name);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.operator_type, b.operator_type);
  EXPECT_EQ(a.equation, b.equation);
  EXPECT_EQ(dim_names(a), dim_names(b));
  EXPECT_EQ(sizes(a), sizes(b));
  ASSERT_EQ(a.relations.size(), b.relations.size());
  for (std::size_t r = 0; r < a.relations.size(); ++r) {
    const auto& x = a.relations[r];
    const auto& y = b.relations[r];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.dim_a, y.dim_a);
    EXPECT_EQ(x.coef_a, y.coef_a);
    EXPECT_EQ(x.dim_b, y.dim_b);
    EXPECT_EQ(x.coef_b, y.coef_b);
    EXPECT_EQ(x.pad_begin, y.pad_begin);
    EXPECT_EQ(x.pad_end, y.pad_end);
  }
  ASSERT_EQ(a.operands.size(), b.operands.size());
  for (std::size_t o = 0; o < a.operands.size(); ++o) {
    const auto& x = a.operands[o];
    const auto& y = b.operands[o];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.mem_operand, y.mem_operand);
    EXPECT_EQ(x.is_output, y.is_output);
    EXPECT_EQ(x.indices, y.indices);
    EXPECT_EQ(x.precision_bits, y.precision_bits);
    EXPECT_EQ(x.source, y.source);
    EXPECT_EQ(x.is_constant, y.is_constant);
    EXPECT_EQ(x.source_dimension_mapping, y.source_dimension_mapping);
  }
  EXPECT_EQ(a.output_final_precision_bits, b.output_final_precision_bits);
  EXPECT_EQ(a.constant_operands, b.constant_operands);
}

/// Equal node for node and layer for layer (the model name and source aside).
void expect_same_workload(const WorkloadSpec& a, const WorkloadSpec& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    const auto& x = a.nodes[i];
    const auto& y = b.nodes[i];
    SCOPED_TRACE("node " + std::to_string(x.id.value) + " " + x.name);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.op_type, y.op_type);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.inputs, y.inputs);
    EXPECT_EQ(x.input_shapes, y.input_shapes);
    EXPECT_EQ(x.output_shape, y.output_shape);
    EXPECT_EQ(x.perm, y.perm);
    EXPECT_EQ(x.axis, y.axis);
    EXPECT_EQ(x.layer, y.layer);
  }
  for (std::size_t l = 0; l < a.layers.size(); ++l) expect_same_layer(a.layers[l], b.layers[l]);
  EXPECT_EQ(a.total_macs(), b.total_macs());
}

TEST(Zoo, ResNet18EqualsTheOnnxFile) {
  const auto zoo = zoo_workload("resnet18");
  EXPECT_EQ(zoo.name, "resnet18");
  EXPECT_EQ(zoo.source, "zoo:resnet18");
  expect_same_workload(zoo, read_onnx_workload(ref("exploration/workload/resnet18.onnx")));
}

TEST(Zoo, FsrcnnEqualsTheOnnxFile) {
  expect_same_workload(zoo_workload("fsrcnn"),
                       read_onnx_workload(ref("exploration/workload/fsrcnn.onnx")));
}

TEST(Zoo, MobileNetV2EqualsTheOnnxFile) {
  expect_same_workload(zoo_workload("mobilenetv2"),
                       read_onnx_workload(ref("exploration/workload/mobilenetv2.onnx")));
}

TEST(Zoo, SqueezeNetEqualsTheOnnxFile) {
  expect_same_workload(zoo_workload("squeezenet"),
                       read_onnx_workload(ref("exploration/workload/squeezenet.onnx")));
}

TEST(Zoo, EveryModelBuildsAndLoadsThroughTheDispatcher) {
  const auto names = zoo_names();
  ASSERT_EQ(names.size(), 8u);
  for (const auto& n : names) {
    SCOPED_TRACE(n);
    const auto w = load_workload("zoo:" + n);
    EXPECT_EQ(w.name, n);
    EXPECT_FALSE(w.layers.empty());
    EXPECT_GT(w.total_macs(), 0);
    for (std::size_t i = 1; i < w.nodes.size(); ++i) EXPECT_LT(w.nodes[i - 1].id, w.nodes[i].id);
  }
}

TEST(Zoo, ResNet50) {
  const auto w = zoo_workload("resnet50");
  std::map<std::string, int> ops;
  for (const auto& l : w.layers) ++ops[l.operator_type];
  EXPECT_EQ(ops["Conv"], 53);
  EXPECT_EQ(ops["Add"], 16);
  EXPECT_EQ(ops["Gemm"], 1);
  EXPECT_EQ(w.nodes.size(), 122u);
  // conv2 of the first stage-2 block carries the stride (ResNet v1.5).
  const LayerSpec* l = nullptr;
  for (const auto& x : w.layers) {
    if (x.name == "/layer2/layer2.0/conv2/Conv") l = &x;
  }
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(sizes(*l), (std::vector<std::int64_t>{1, 128, 1, 28, 28, 128, 3, 3}));
  EXPECT_EQ(l->relations[0].coef_a, 2);
  // About 4.1 GMACs for the convolutions and the classifier.
  EXPECT_GT(w.total_macs(), 4'000'000'000);
  EXPECT_LT(w.total_macs(), 4'200'000'000);
}

TEST(Zoo, TinyYoloV2) {
  const auto w = zoo_workload("tinyyolov2");
  int convs = 0;
  for (const auto& l : w.layers) convs += l.operator_type == "Conv";
  EXPECT_EQ(convs, 9);
  const LayerSpec& last = w.layers.back();
  EXPECT_EQ(sizes(last), (std::vector<std::int64_t>{1, 125, 1, 13, 13, 1024, 1, 1}));
  // The stride-1 max pool keeps 13x13 with padding only at the end.
  const LayerSpec* pool6 = nullptr;
  for (const auto& l : w.layers) {
    if (l.name == "pool6") pool6 = &l;
  }
  ASSERT_NE(pool6, nullptr);
  EXPECT_EQ(sizes(*pool6), (std::vector<std::int64_t>{1, 512, 13, 13, 2, 2}));
  EXPECT_EQ(pool6->relations[1].pad_begin, 0);
  EXPECT_EQ(pool6->relations[1].pad_end, 1);
  // BatchNormalization and LeakyRelu are free.
  int free_nodes = 0;
  for (const auto& n : w.nodes) free_nodes += n.kind == NodeKind::kPassThrough;
  EXPECT_EQ(free_nodes, 16);
}

const LayerSpec& layer_named(const WorkloadSpec& w, const std::string& name) {
  for (const auto& l : w.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

TEST(Zoo, BertEncoderLayer) {
  const auto w = zoo_workload("bert_encoder");
  const std::string p = "/encoder/layer.0/";
  const LayerSpec& q = layer_named(w, p + "attention/query/MatMul");
  EXPECT_EQ(dim_names(q), (std::vector<std::string>{"K", "C", "B"}));
  EXPECT_EQ(sizes(q), (std::vector<std::int64_t>{768, 768, 128}));
  EXPECT_EQ(constant_names(q), (std::vector<std::string>{"I", "W"}));  // network input
  const LayerSpec& s = layer_named(w, p + "attention/scores/MatMul");
  EXPECT_EQ(s.equation, "O[h][b][k]+=I[h][b][c]*W[h][c][k]");
  EXPECT_EQ(sizes(s), (std::vector<std::int64_t>{12, 128, 64, 128}));
  EXPECT_TRUE(s.constant_operands.empty());
  const LayerSpec& c = layer_named(w, p + "attention/context/MatMul");
  EXPECT_EQ(sizes(c), (std::vector<std::int64_t>{12, 64, 128, 128}));
  const LayerSpec& ffn = layer_named(w, p + "intermediate/MatMul");
  EXPECT_EQ(sizes(ffn), (std::vector<std::int64_t>{3072, 768, 128}));
  EXPECT_EQ(layer_named(w, p + "output/Add").equation, "O[b][k]+=I[b][k]*W[b][k]");
  int softmax = 0;
  int layer_norm = 0;
  for (const auto& n : w.nodes) {
    if (n.op_type == "Softmax") {
      ++softmax;
      EXPECT_EQ(n.kind, NodeKind::kReduce);
      EXPECT_EQ(n.axis, 2);
    }
    if (n.op_type == "LayerNormalization") {
      ++layer_norm;
      EXPECT_EQ(n.kind, NodeKind::kReduce);
      EXPECT_EQ(n.axis, 1);
    }
    if (n.op_type == "Gelu") {
      EXPECT_EQ(n.kind, NodeKind::kPassThrough);
    }
  }
  EXPECT_EQ(softmax, 1);
  EXPECT_EQ(layer_norm, 2);
  // 4 projections + FFN + attention matmuls
  const std::int64_t macs = std::int64_t{4} * 128 * 768 * 768 + std::int64_t{2} * 128 * 768 * 3072 +
                            std::int64_t{2} * 12 * 128 * 128 * 64 + std::int64_t{2} * 128 * 768;
  EXPECT_EQ(w.total_macs(), macs);
}

TEST(Zoo, LlmDecoderBlock) {
  const auto w = zoo_workload("llm_decoder");
  const std::string p = "/model/layers.0/";
  const LayerSpec& gate = layer_named(w, p + "mlp/gate_proj/MatMul");
  EXPECT_EQ(sizes(gate), (std::vector<std::int64_t>{11008, 4096, 128}));
  const LayerSpec& mul = layer_named(w, p + "mlp/Mul");
  EXPECT_EQ(sizes(mul), (std::vector<std::int64_t>{128, 11008}));
  // gate goes through the free SiLU node, up directly
  const NodeSpec* silu = nullptr;
  for (const auto& n : w.nodes) {
    if (n.op_type == "Silu") silu = &n;
  }
  ASSERT_NE(silu, nullptr);
  EXPECT_EQ(silu->kind, NodeKind::kPassThrough);
  EXPECT_EQ(mul.operands[1].source, silu->id);
  const LayerSpec& up = layer_named(w, p + "mlp/up_proj/MatMul");
  EXPECT_EQ(mul.operands[2].source, up.id);
  EXPECT_EQ(w.costed_producers(mul.id), (std::vector<LayerId>{gate.id, up.id}));
  const LayerSpec& scores = layer_named(w, p + "self_attn/scores/MatMul");
  EXPECT_EQ(sizes(scores), (std::vector<std::int64_t>{32, 128, 128, 128}));
  for (const auto& n : w.nodes) {
    if (n.op_type == "RMSNormalization") {
      EXPECT_EQ(n.kind, NodeKind::kReduce);
    }
  }
}

TEST(Zoo, LoadWorkloadDispatchesOnTheSpec) {
  EXPECT_EQ(load_workload(ref("validation/depfin/workload.yaml")).layers.size(), 8u);
  EXPECT_EQ(load_workload(ref("exploration/workload/fsrcnn.onnx")).nodes.size(), 8u);
  EXPECT_EQ(load_workload("zoo:fsrcnn").source, "zoo:fsrcnn");
  // the extension decides, case-insensitively: an ONNX file named .YML is read as YAML
  TempDir dir;
  const std::string path =
      dir.write("model.YML", file_bytes(ref("exploration/workload/fsrcnn.onnx")));
  expect_input_error([&] { load_workload(path); }, "model.YML", "", "YAML");
}

TEST(Zoo, UnknownNameListsTheModels) {
  expect_input_error([] { zoo_workload("resnet19"); }, "zoo:resnet19", "",
                     "unknown built-in model 'resnet19' (available: resnet18, resnet50");
  expect_input_error([] { load_workload("zoo:"); }, "zoo:", "", "available:");
  expect_input_error([] { load_workload("model.txt"); }, "model.txt", "",
                     "expected zoo:NAME, a .onnx file or a .yaml/.yml file");
}

}  // namespace
}  // namespace stream::workload::test
