// ONNX reader: the reference models and small synthetic models built with the protobuf classes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "stream/workload/load.hpp"
#include "test_helpers.hpp"

namespace stream::workload::test {
namespace {

std::map<std::string, int> count_op_types(const WorkloadSpec& w, bool layers_only) {
  std::map<std::string, int> out;
  for (const auto& n : w.nodes) {
    if (!layers_only || n.kind == NodeKind::kLayer) ++out[n.op_type];
  }
  return out;
}

TEST(OnnxWorkload, EveryReferenceModelLoads) {
  for (const char* f :
       {"exploration/workload/resnet18.onnx", "exploration/workload/fsrcnn.onnx",
        "exploration/workload/mobilenetv2.onnx", "exploration/workload/squeezenet.onnx",
        "stream2023/inputs/workload/resnet18.onnx", "stream2023/inputs/workload/fsrcnn.onnx",
        "stream2023/R3_tpu_single_resnet18_lbl/inputs/workload/resnet18.onnx",
        "stream2023/R4_tpu_single_resnet18_oy/inputs/workload/resnet18.onnx",
        "stream2023/R8_tpu_single_fsrcnn_lbl/inputs/workload/fsrcnn.onnx",
        "stream2023/R9_tpu_single_fsrcnn_oy/inputs/workload/fsrcnn.onnx"}) {
    SCOPED_TRACE(f);
    const auto w = read_onnx_workload(ref(f));
    EXPECT_FALSE(w.layers.empty());
    EXPECT_EQ(w.source, ref(f));
    // ids ascending, layer indices consistent
    for (std::size_t i = 1; i < w.nodes.size(); ++i) EXPECT_LT(w.nodes[i - 1].id, w.nodes[i].id);
    for (const auto& n : w.nodes) {
      if (n.kind != NodeKind::kLayer) continue;
      ASSERT_GE(n.layer, 0);
      EXPECT_EQ(w.layers[static_cast<std::size_t>(n.layer)].id, n.id);
      for (const auto& in : n.inputs) {
        ASSERT_TRUE(in.has_value());
        EXPECT_LT(*in, n.id);
        EXPECT_NE(w.find_node(*in), nullptr);
      }
    }
  }
}

TEST(OnnxWorkload, ResNet18StructureAndConv1) {
  const auto w = read_onnx_workload(ref("exploration/workload/resnet18.onnx"));
  EXPECT_EQ(w.name, "resnet18");
  ASSERT_EQ(w.nodes.size(), 49u);
  ASSERT_EQ(w.layers.size(), 31u);
  const auto layers = count_op_types(w, true);
  EXPECT_EQ(layers.at("Conv"), 20);
  EXPECT_EQ(layers.at("Gemm"), 1);
  EXPECT_EQ(layers.at("MaxPool"), 1);
  EXPECT_EQ(layers.at("GlobalAveragePool"), 1);
  EXPECT_EQ(layers.at("Add"), 8);
  EXPECT_EQ(w.total_macs(), 1816657408);

  const LayerSpec& c1 = w.layers[0];
  EXPECT_EQ(c1.id, LayerId(0));
  EXPECT_EQ(c1.name, "/conv1/Conv");
  EXPECT_EQ(c1.equation, "O[b][g][k][oy][ox]+=W[k][c][fy][fx]*I[b][g][c][iy][ix]");
  EXPECT_EQ(dim_names(c1), (std::vector<std::string>{"B", "K", "G", "OX", "OY", "C", "FX", "FY"}));
  EXPECT_EQ(sizes(c1), (std::vector<std::int64_t>{1, 64, 1, 112, 112, 3, 7, 7}));
  ASSERT_EQ(c1.relations.size(), 2u);
  EXPECT_EQ(c1.relations[0].name, "IX");
  EXPECT_EQ(c1.dims[static_cast<std::size_t>(c1.relations[0].dim_a)].name, "OX");
  EXPECT_EQ(c1.relations[0].coef_a, 2);
  EXPECT_EQ(c1.dims[static_cast<std::size_t>(c1.relations[0].dim_b)].name, "FX");
  EXPECT_EQ(c1.relations[0].coef_b, 1);
  for (const auto& r : c1.relations) {
    EXPECT_EQ(r.pad_begin, 3);
    EXPECT_EQ(r.pad_end, 3);
  }
  ASSERT_EQ(c1.operands.size(), 3u);
  EXPECT_EQ(c1.operands[0].name, "O");
  EXPECT_EQ(c1.operands[1].name, "W");
  EXPECT_EQ(c1.operands[2].name, "I");
  EXPECT_EQ(c1.operands[0].precision_bits, 16);
  EXPECT_EQ(c1.output_final_precision_bits, 8);
  EXPECT_EQ(c1.operands[1].mem_operand, MemOperand::kI2);
  EXPECT_EQ(c1.operands[2].mem_operand, MemOperand::kI1);
  // The network input has no producer: constant, like the weights, in Stream's order [I, W].
  EXPECT_EQ(constant_names(c1), (std::vector<std::string>{"I", "W"}));
  EXPECT_EQ(w.nodes[0].inputs.size(), 0u);
  EXPECT_EQ(w.nodes[0].output_shape, (std::vector<std::int64_t>{1, 64, 112, 112}));

  // Relu (node 1) is a free pass-through node between conv1 and the max pool.
  EXPECT_EQ(w.nodes[1].kind, NodeKind::kPassThrough);
  EXPECT_EQ(w.nodes[1].inputs, (std::vector<std::optional<LayerId>>{LayerId(0)}));
  const LayerSpec* pool = w.find_layer(LayerId(2));
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->equation, "O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix]");
  EXPECT_EQ(dim_names(*pool), (std::vector<std::string>{"B", "K", "OX", "OY", "FX", "FY"}));
  EXPECT_EQ(sizes(*pool), (std::vector<std::int64_t>{1, 64, 56, 56, 3, 3}));
  EXPECT_EQ(pool->operands[1].precision_bits, 0);  // W of a pool
  EXPECT_EQ(pool->operands[0].precision_bits, 8);
  EXPECT_EQ(constant_names(*pool), (std::vector<std::string>{"W"}));
  EXPECT_EQ(pool->operands[2].source, LayerId(1));  // the Relu
  EXPECT_EQ(w.costed_producers(LayerId(2)), (std::vector<LayerId>{LayerId(0)}));

  // First residual Add: conv2 output (W... no: input 0 -> I) and the max-pool branch.
  const LayerSpec* add = w.find_layer(LayerId(6));
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->equation, "O[b][k][oy][ox]+=I[b][k][oy][ox]*W[b][k][oy][ox]");
  EXPECT_EQ(sizes(*add), (std::vector<std::int64_t>{1, 64, 56, 56}));
  EXPECT_EQ(add->operands[1].source, LayerId(5));
  EXPECT_EQ(add->operands[2].source, LayerId(2));
  EXPECT_TRUE(add->constant_operands.empty());
  EXPECT_EQ(w.nodes[6].inputs, (std::vector<std::optional<LayerId>>{LayerId(5), LayerId(2)}));

  // Downsample 1x1 conv with stride 2 reads the block input (node 12, a Relu).
  const LayerSpec* ds = w.find_layer(LayerId(16));
  ASSERT_NE(ds, nullptr);
  EXPECT_EQ(sizes(*ds), (std::vector<std::int64_t>{1, 128, 1, 28, 28, 64, 1, 1}));
  EXPECT_EQ(ds->relations[0].coef_a, 2);
  EXPECT_EQ(ds->operands[2].source, LayerId(12));

  // GlobalAveragePool -> Flatten (free reshape) -> Gemm
  const LayerSpec* gap = w.find_layer(LayerId(46));
  ASSERT_NE(gap, nullptr);
  EXPECT_EQ(sizes(*gap), (std::vector<std::int64_t>{1, 512, 1, 1, 7, 7}));
  EXPECT_EQ(w.nodes[47].kind, NodeKind::kReshape);
  EXPECT_EQ(w.nodes[47].output_shape, (std::vector<std::int64_t>{1, 512}));
  const LayerSpec* fc = w.find_layer(LayerId(48));
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->equation, "O[b][k]+=I[b][c]*W[c][k]");
  EXPECT_EQ(dim_names(*fc), (std::vector<std::string>{"K", "C", "B"}));
  EXPECT_EQ(sizes(*fc), (std::vector<std::int64_t>{1000, 512, 1}));
  EXPECT_EQ(constant_names(*fc), (std::vector<std::string>{"W"}));
  EXPECT_EQ(fc->operands[1].name, "I");
  EXPECT_EQ(fc->operands[1].source, LayerId(47));
  EXPECT_EQ(w.costed_producers(LayerId(48)), (std::vector<LayerId>{LayerId(46)}));
}

TEST(OnnxWorkload, FsrcnnEightConvsAt540x960) {
  const auto w = read_onnx_workload(ref("exploration/workload/fsrcnn.onnx"));
  ASSERT_EQ(w.nodes.size(), 8u);
  ASSERT_EQ(w.layers.size(), 8u);
  EXPECT_EQ(w.total_macs(), 8290252800);
  // OY is the ONNX height axis (dim 2), OX the width: Stream's one-row-per-CN FSRCNN run has
  // 540 CNs per layer (tests/data/reference/stream2023/R9_tpu_single_fsrcnn_oy/schedule.csv).
  EXPECT_EQ(sizes(w.layers[0]), (std::vector<std::int64_t>{1, 56, 1, 960, 540, 1, 5, 5}));
  EXPECT_EQ(constant_names(w.layers[0]), (std::vector<std::string>{"I", "W"}));
  EXPECT_EQ(sizes(w.layers[7]), (std::vector<std::int64_t>{1, 16, 1, 960, 540, 56, 3, 3}));
  for (std::size_t i = 1; i < 8; ++i) {
    EXPECT_EQ(constant_names(w.layers[i]), (std::vector<std::string>{"W"}));
    EXPECT_EQ(w.layers[i].operands[2].source, LayerId(static_cast<int>(i - 1)));
  }
  EXPECT_EQ(w.layers[1].relations[0].pad_begin, 0);
  EXPECT_EQ(w.layers[2].relations[1].pad_end, 1);
}

TEST(OnnxWorkload, SqueezeNetQuantized) {
  const auto w = read_onnx_workload(ref("exploration/workload/squeezenet.onnx"));
  ASSERT_EQ(w.nodes.size(), 65u);
  const auto layers = count_op_types(w, true);
  EXPECT_EQ(layers.at("QLinearConv"), 26);
  EXPECT_EQ(layers.at("MaxPool"), 3);
  EXPECT_EQ(layers.at("QLinearGlobalAveragePool"), 1);
  EXPECT_EQ(w.layers.size(), 30u);
  // QuantizeLinear (node 0) feeds the first QLinearConv: a free node, so its I is not constant.
  EXPECT_EQ(w.nodes[0].kind, NodeKind::kPassThrough);
  EXPECT_EQ(w.nodes[0].inputs, (std::vector<std::optional<LayerId>>{std::nullopt}));
  const LayerSpec* c1 = w.find_layer(LayerId(1));
  ASSERT_NE(c1, nullptr);
  EXPECT_EQ(sizes(*c1), (std::vector<std::int64_t>{1, 64, 1, 111, 111, 3, 3, 3}));
  EXPECT_EQ(constant_names(*c1), (std::vector<std::string>{"W"}));
  EXPECT_EQ(c1->operands[2].source, LayerId(0));
  const LayerSpec* e3 = w.find_layer(LayerId(4));
  ASSERT_NE(e3, nullptr);
  EXPECT_EQ(sizes(*e3), (std::vector<std::int64_t>{1, 64, 1, 55, 55, 16, 3, 3}));
  EXPECT_EQ(e3->relations[0].pad_begin, 1);
  // Concat of the two expand branches (through DequantizeLinear nodes 6 and 7).
  EXPECT_EQ(w.nodes[8].kind, NodeKind::kConcat);
  EXPECT_EQ(w.nodes[8].axis, 1);
  EXPECT_EQ(w.nodes[8].output_shape, (std::vector<std::int64_t>{1, 128, 55, 55}));
  EXPECT_EQ(w.costed_producers(LayerId(10)), (std::vector<LayerId>{LayerId(4), LayerId(5)}));
  // QLinearGlobalAveragePool has no value_info in the file: its output shape is inferred.
  const LayerSpec* gap = w.find_layer(LayerId(62));
  ASSERT_NE(gap, nullptr);
  EXPECT_EQ(sizes(*gap), (std::vector<std::int64_t>{1, 1000, 1, 1, 13, 13}));
  EXPECT_EQ(w.nodes[62].output_shape, (std::vector<std::int64_t>{1, 1000, 1, 1}));
  EXPECT_EQ(w.nodes[64].kind, NodeKind::kReduce);
  EXPECT_EQ(w.nodes[64].axis, 1);
}

TEST(OnnxWorkload, MobileNetV2DepthwiseAndConstants) {
  const auto w = read_onnx_workload(ref("exploration/workload/mobilenetv2.onnx"));
  // 170 nodes, 70 of them Constant (Clip bounds): those are constants, not workload nodes.
  EXPECT_EQ(w.nodes.size(), 100u);
  EXPECT_EQ(w.find_node(LayerId(1)), nullptr);
  const auto layers = count_op_types(w, true);
  EXPECT_EQ(layers.at("Conv"), 52);
  EXPECT_EQ(layers.at("Add"), 10);
  EXPECT_EQ(w.layers.size(), 64u);
  // Depthwise conv: G = channels, K = C = 1.
  const LayerSpec* dw = w.find_layer(LayerId(4));
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(sizes(*dw), (std::vector<std::int64_t>{1, 1, 32, 112, 112, 1, 3, 3}));
  const LayerSpec* dw2 = w.find_layer(LayerId(13));
  ASSERT_NE(dw2, nullptr);
  EXPECT_EQ(sizes(*dw2), (std::vector<std::int64_t>{1, 1, 96, 56, 56, 1, 3, 3}));
  EXPECT_EQ(dw2->relations[0].coef_a, 2);
  // The Clip after the first conv only depends on it (its bounds are constants).
  const NodeSpec* clip = w.find_node(LayerId(3));
  ASSERT_NE(clip, nullptr);
  EXPECT_EQ(clip->kind, NodeKind::kPassThrough);
  EXPECT_EQ(clip->inputs, (std::vector<std::optional<LayerId>>{LayerId(0)}));
}

// ---- synthetic models ------------------------------------------------------------------------

TEST(OnnxWorkload, InfersShapesWithoutValueInfo) {
  OnnxBuilder b;
  b.input("x", {1, 8, 32, 32});
  b.conv("c1", "x", "y1", 8, 16, 3, 1, 2);  // 32 -> 16
  auto* p = b.node("MaxPool", "p", {"y1"}, {"y2"});
  OnnxBuilder::ints(p, "kernel_shape", {2, 2});
  OnnxBuilder::ints(p, "strides", {2, 2});  // 16 -> 8
  b.node("Relu", "r", {"y2"}, {"y3"});
  b.int_values("shape", {1, -1});
  b.node("Reshape", "rs", {"y3", "shape"}, {"y4"});
  b.weight("fc", {1024, 10});
  b.node("MatMul", "mm", {"y4", "fc"}, {"y5"});
  const auto w = parse_onnx_workload(b.bytes(), "synthetic.onnx");
  ASSERT_EQ(w.nodes.size(), 5u);
  EXPECT_EQ(w.nodes[0].output_shape, (std::vector<std::int64_t>{1, 16, 16, 16}));
  EXPECT_EQ(w.nodes[1].output_shape, (std::vector<std::int64_t>{1, 16, 8, 8}));
  EXPECT_EQ(w.nodes[3].kind, NodeKind::kReshape);
  EXPECT_EQ(w.nodes[3].output_shape, (std::vector<std::int64_t>{1, 1024}));
  EXPECT_EQ(sizes(w.layers[2]), (std::vector<std::int64_t>{10, 1024, 1}));
  EXPECT_EQ(w.layers[2].operands[1].source, LayerId(3));
}

TEST(OnnxWorkload, AutoPadSameAndAsymmetricPads) {
  OnnxBuilder b;
  b.input("x", {1, 3, 15, 15});
  b.weight("w", {4, 3, 3, 3});
  auto* c = b.node("Conv", "c", {"x", "w"}, {"y"});  // kernel_shape from W
  OnnxBuilder::str(c, "auto_pad", "SAME_UPPER");
  OnnxBuilder::ints(c, "strides", {2, 2});
  auto* p = b.node("MaxPool", "p", {"y"}, {"z"});
  OnnxBuilder::ints(p, "kernel_shape", {2, 2});
  OnnxBuilder::ints(p, "pads", {0, 0, 1, 1});
  const auto w = parse_onnx_workload(b.bytes(), "same.onnx");
  // SAME_UPPER: out = ceil(15/2) = 8, total pad = 7*2+3-15 = 2 -> (1, 1)
  EXPECT_EQ(w.nodes[0].output_shape, (std::vector<std::int64_t>{1, 4, 8, 8}));
  EXPECT_EQ(w.layers[0].relations[0].pad_begin, 1);
  EXPECT_EQ(w.layers[0].relations[0].pad_end, 1);
  EXPECT_EQ(w.nodes[1].output_shape, (std::vector<std::int64_t>{1, 4, 8, 8}));
  EXPECT_EQ(w.layers[1].relations[1].name, "IY");
  EXPECT_EQ(w.layers[1].relations[1].pad_begin, 0);
  EXPECT_EQ(w.layers[1].relations[1].pad_end, 1);
}

TEST(OnnxWorkload, BatchedMatMulBroadcastAddAndFreeOps) {
  OnnxBuilder b;
  b.input("q", {4, 16, 8});
  b.input("k", {4, 8, 16});
  b.node("MatMul", "scores", {"q", "k"}, {"s"});
  auto* sm = b.node("Softmax", "softmax", {"s"}, {"p"});
  OnnxBuilder::one(sm, "axis", -1);
  auto* t = b.node("Transpose", "t", {"p"}, {"pt"});
  OnnxBuilder::ints(t, "perm", {1, 0, 2});
  b.weight("bias", {16});
  b.node("Add", "bias_add", {"pt", "bias"}, {"pb"});
  b.node("Mul", "square", {"pb", "pb"}, {"sq"});
  const auto w = parse_onnx_workload(b.bytes(), "attn.onnx");
  ASSERT_EQ(w.nodes.size(), 5u);
  const LayerSpec& mm = w.layers[0];
  EXPECT_EQ(mm.equation, "O[h][b][k]+=I[h][b][c]*W[h][c][k]");
  EXPECT_EQ(dim_names(mm), (std::vector<std::string>{"H", "K", "C", "B"}));
  EXPECT_EQ(sizes(mm), (std::vector<std::int64_t>{4, 16, 8, 16}));
  // both inputs are network inputs without producer: constant operands (Stream semantics)
  EXPECT_EQ(constant_names(mm), (std::vector<std::string>{"I", "W"}));
  EXPECT_EQ(w.nodes[1].kind, NodeKind::kReduce);
  EXPECT_EQ(w.nodes[1].axis, 2);
  EXPECT_EQ(w.nodes[2].kind, NodeKind::kTranspose);
  EXPECT_EQ(w.nodes[2].perm, (std::vector<std::int64_t>{1, 0, 2}));
  EXPECT_EQ(w.nodes[2].output_shape, (std::vector<std::int64_t>{16, 4, 16}));
  EXPECT_EQ(w.nodes[3].kind, NodeKind::kBroadcast);
  EXPECT_EQ(w.nodes[3].inputs, (std::vector<std::optional<LayerId>>{LayerId(2)}));
  const LayerSpec& mul = w.layers[1];
  EXPECT_EQ(mul.id, LayerId(4));
  EXPECT_EQ(mul.equation, "O[h][b][k]+=I[h][b][k]*W[h][b][k]");
  EXPECT_EQ(sizes(mul), (std::vector<std::int64_t>{16, 4, 16}));
  EXPECT_EQ(w.nodes[4].inputs, (std::vector<std::optional<LayerId>>{LayerId(3), LayerId(3)}));
}

TEST(OnnxWorkload, DequantizedWeightsFoldIntoConstants) {
  // QDQ model: the conv weight comes through a DequantizeLinear of an initializer.
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.weight("wq", {4, 4, 1, 1});
  b.weight("s", {});
  b.node("DequantizeLinear", "dq", {"wq", "s"}, {"w"});
  auto* c = b.node("Conv", "c", {"x", "w"}, {"y"});
  OnnxBuilder::ints(c, "kernel_shape", {1, 1});
  const auto w = parse_onnx_workload(b.bytes(), "qdq.onnx");
  ASSERT_EQ(w.nodes.size(), 1u);
  EXPECT_EQ(w.nodes[0].id, LayerId(1));
  EXPECT_EQ(constant_names(w.layers[0]), (std::vector<std::string>{"I", "W"}));
}

}  // namespace
}  // namespace stream::workload::test
