// Built-in models. Each is an ONNX-like operator graph (op types, attributes, tensor names;
// shapes are inferred by the converter from the input and weight shapes) converted by the
// same code as an ONNX file. resnet18, fsrcnn, mobilenetv2 and squeezenet reproduce the
// reference ONNX files (tests/data/reference/exploration/workload) node for node, names
// included.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "op_graph.hpp"
#include "stream/common/error.hpp"
#include "stream/workload/load.hpp"

namespace stream::workload {
namespace {

using detail::ConstTensor;
using detail::OpAttribute;
using detail::OpGraph;
using detail::OpNode;
using detail::Shape;
using Attrs = std::vector<std::pair<std::string, OpAttribute>>;

class Builder {
 public:
  Builder(std::string name, std::int64_t opset) {
    g_.name = std::move(name);
    g_.opset = opset;
  }
  std::string input(const std::string& name, Shape shape) {
    g_.inputs.emplace_back(name, std::move(shape));
    return name;
  }
  /// A weight (values not needed, only its dims).
  std::string weight(const std::string& name, Shape dims) {
    g_.initializers[name] = ConstTensor{std::move(dims), std::nullopt};
    return name;
  }
  /// A small int64 constant (Reshape shapes).
  std::string ints(const std::string& name, std::vector<std::int64_t> values) {
    g_.initializers[name] =
        ConstTensor{{static_cast<std::int64_t>(values.size())}, std::move(values)};
    return name;
  }
  std::string node(const std::string& op_type, const std::string& name,
                   std::vector<std::string> inputs, Attrs attrs = {},
                   const std::string& domain = "") {
    OpNode n;
    n.name = name;
    n.op_type = op_type;
    n.domain = domain;
    n.inputs = std::move(inputs);
    n.outputs = {name + "_output_0"};
    n.attributes = std::move(attrs);
    g_.nodes.push_back(std::move(n));
    return g_.nodes.back().outputs[0];
  }
  /// A scalar Constant node (e.g. a Clip bound).
  std::string constant(const std::string& name) {
    return node("Constant", name, {}, {{"value", OpAttribute::make_tensor(ConstTensor{})}});
  }
  OpGraph take() { return std::move(g_); }

 private:
  OpGraph g_;
};

OpAttribute ints(std::vector<std::int64_t> v) { return OpAttribute::make_ints(std::move(v)); }
OpAttribute one(std::int64_t v) { return OpAttribute::make_int(v); }

/// A 2-D convolution with the attributes PyTorch exports (dilations, group, kernel_shape,
/// pads, strides).
std::string conv(Builder& b, const std::string& name, const std::string& x, std::int64_t cin,
                 std::int64_t cout, std::int64_t k, std::int64_t stride, std::int64_t pad,
                 std::int64_t group = 1, bool bias = true) {
  std::vector<std::string> in = {x, b.weight(name + ".weight", {cout, cin / group, k, k})};
  if (bias) in.push_back(b.weight(name + ".bias", {cout}));
  return b.node("Conv", name, in,
                {{"dilations", ints({1, 1})},
                 {"group", one(group)},
                 {"kernel_shape", ints({k, k})},
                 {"pads", ints({pad, pad, pad, pad})},
                 {"strides", ints({stride, stride})}});
}

std::string gemm(Builder& b, const std::string& name, const std::string& x, std::int64_t cin,
                 std::int64_t cout) {
  return b.node("Gemm", name,
                {x, b.weight(name + ".weight", {cout, cin}), b.weight(name + ".bias", {cout})},
                {{"alpha", OpAttribute::make_float(1.0)},
                 {"beta", OpAttribute::make_float(1.0)},
                 {"transB", one(1)}});
}

std::string classifier_head(Builder& b, const std::string& x, std::int64_t channels,
                            const std::string& gap_name, const std::string& fc_name) {
  std::string y = b.node("GlobalAveragePool", gap_name, {x});
  y = b.node("Flatten", "/Flatten", {y}, {{"axis", one(1)}});
  return gemm(b, fc_name, y, channels, 1000);
}

// ---- CNNs -----------------------------------------------------------------------------------

/// torchvision ResNet-18 as exported by PyTorch (49 nodes, = resnet18.onnx).
OpGraph resnet18() {
  Builder b("torch_jit", 14);
  std::string x = b.input("input.1", {1, 3, 224, 224});
  x = conv(b, "/conv1/Conv", x, 3, 64, 7, 2, 3);
  x = b.node("Relu", "/relu/Relu", {x});
  x = b.node("MaxPool", "/maxpool/MaxPool", {x},
             {{"ceil_mode", one(0)},
              {"kernel_shape", ints({3, 3})},
              {"pads", ints({1, 1, 1, 1})},
              {"strides", ints({2, 2})}});
  std::int64_t cin = 64;
  for (int stage = 1; stage <= 4; ++stage) {
    const std::int64_t c = std::int64_t{64} << (stage - 1);
    for (int blk = 0; blk < 2; ++blk) {
      const std::string p = "/layer" + std::to_string(stage) + "/layer" + std::to_string(stage) +
                            "." + std::to_string(blk) + "/";
      const bool down = stage > 1 && blk == 0;
      std::string y = conv(b, p + "conv1/Conv", x, cin, c, 3, down ? 2 : 1, 1);
      y = b.node("Relu", p + "relu/Relu", {y});
      y = conv(b, p + "conv2/Conv", y, c, c, 3, 1, 1);
      std::string shortcut = x;
      if (down) shortcut = conv(b, p + "downsample/downsample.0/Conv", x, cin, c, 1, 2, 0);
      y = b.node("Add", p + "Add", {y, shortcut});
      x = b.node("Relu", p + "relu_1/Relu", {y});
      cin = c;
    }
  }
  classifier_head(b, x, 512, "/avgpool/GlobalAveragePool", "/fc/Gemm");
  return b.take();
}

/// torchvision ResNet-50 (v1.5: stride in the 3x3 conv), PyTorch export naming (122 nodes).
OpGraph resnet50() {
  Builder b("torch_jit", 14);
  std::string x = b.input("input.1", {1, 3, 224, 224});
  x = conv(b, "/conv1/Conv", x, 3, 64, 7, 2, 3);
  x = b.node("Relu", "/relu/Relu", {x});
  x = b.node("MaxPool", "/maxpool/MaxPool", {x},
             {{"ceil_mode", one(0)},
              {"kernel_shape", ints({3, 3})},
              {"pads", ints({1, 1, 1, 1})},
              {"strides", ints({2, 2})}});
  const int blocks[4] = {3, 4, 6, 3};
  std::int64_t cin = 64;
  for (int stage = 1; stage <= 4; ++stage) {
    const std::int64_t width = std::int64_t{64} << (stage - 1);
    const std::int64_t cout = width * 4;
    for (int blk = 0; blk < blocks[stage - 1]; ++blk) {
      const std::string p = "/layer" + std::to_string(stage) + "/layer" + std::to_string(stage) +
                            "." + std::to_string(blk) + "/";
      const std::int64_t stride = (stage > 1 && blk == 0) ? 2 : 1;
      std::string y = conv(b, p + "conv1/Conv", x, cin, width, 1, 1, 0);
      y = b.node("Relu", p + "relu/Relu", {y});
      y = conv(b, p + "conv2/Conv", y, width, width, 3, stride, 1);
      y = b.node("Relu", p + "relu_1/Relu", {y});
      y = conv(b, p + "conv3/Conv", y, width, cout, 1, 1, 0);
      std::string shortcut = x;
      if (blk == 0) {
        shortcut = conv(b, p + "downsample/downsample.0/Conv", x, cin, cout, 1, stride, 0);
      }
      y = b.node("Add", p + "Add", {y, shortcut});
      x = b.node("Relu", p + "relu_2/Relu", {y});
      cin = cout;
    }
  }
  classifier_head(b, x, 2048, "/avgpool/GlobalAveragePool", "/fc/Gemm");
  return b.take();
}

/// torchvision MobileNetV2 as exported by PyTorch: ReLU6 as Clip with two Constant bounds
/// (170 nodes, = mobilenetv2.onnx).
OpGraph mobilenetv2() {
  Builder b("torch_jit", 14);
  auto relu6 = [&b](const std::string& prefix, const std::string& x) {
    const std::string lo = b.constant(prefix + "/Constant");
    const std::string hi = b.constant(prefix + "/Constant_1");
    return b.node("Clip", prefix + "/Clip", {x, lo, hi});
  };
  std::string x = b.input("input.1", {1, 3, 224, 224});
  x = conv(b, "/features/features.0/features.0.0/Conv", x, 3, 32, 3, 2, 1);
  x = relu6("/features/features.0/features.0.2", x);
  struct Stage {
    std::int64_t t, c, n, s;
  };
  const Stage stages[] = {{1, 16, 1, 1}, {6, 24, 2, 2},  {6, 32, 3, 2}, {6, 64, 4, 2},
                          {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
  std::int64_t cin = 32;
  int index = 1;
  for (const auto& st : stages) {
    for (std::int64_t r = 0; r < st.n; ++r, ++index) {
      const std::string p = "/features/features." + std::to_string(index) + "/conv/";
      const std::int64_t stride = r == 0 ? st.s : 1;
      const std::int64_t hidden = cin * st.t;
      std::string y = x;
      int part = 0;
      if (st.t != 1) {
        y = conv(b, p + "conv.0/conv.0.0/Conv", y, cin, hidden, 1, 1, 0);
        y = relu6(p + "conv.0/conv.0.2", y);
        part = 1;
      }
      const std::string dw =
          p + "conv." + std::to_string(part) + "/conv." + std::to_string(part) + ".";
      y = conv(b, dw + "0/Conv", y, hidden, hidden, 3, stride, 1, hidden);
      y = relu6(dw.substr(0, dw.size() - 1) + ".2", y);
      y = conv(b, p + "conv." + std::to_string(part + 1) + "/Conv", y, hidden, st.c, 1, 1, 0);
      if (stride == 1 && cin == st.c) {
        y = b.node("Add", "/features/features." + std::to_string(index) + "/Add", {x, y});
      }
      x = y;
      cin = st.c;
    }
  }
  x = conv(b, "/features/features.18/features.18.0/Conv", x, 320, 1280, 1, 1, 0);
  x = relu6("/features/features.18/features.18.2", x);
  classifier_head(b, x, 1280, "/GlobalAveragePool", "/classifier/classifier.1/Gemm");
  return b.take();
}

/// SqueezeNet 1.1, quantized with QLinearConv as in squeezenet.onnx (ONNX Runtime's
/// quantizer: float Concat and MaxPool between Dequantize/Quantize pairs; 65 nodes).
OpGraph squeezenet() {
  Builder b("squeezenet_old", 12);
  auto scale = [&b](const std::string& t) {
    return std::pair{b.weight(t + "_scale", {}), b.weight(t + "_zero_point", {})};
  };
  auto quantize = [&](const std::string& name, const std::string& x, const std::string& t) {
    const auto [s, z] = scale(t);
    return b.node("QuantizeLinear", name, {x, s, z});
  };
  auto dequantize = [&](const std::string& name, const std::string& x, const std::string& t) {
    const auto [s, z] = scale(t);
    return b.node("DequantizeLinear", name, {x, s, z});
  };
  // x_scale/x_zero_point of the input are passed as QLinearConv inputs 1 and 2 (names only).
  auto qconv = [&](const std::string& name, const std::string& x, const std::string& w,
                   std::int64_t cin, std::int64_t cout, std::int64_t k, std::int64_t stride,
                   std::int64_t pad) {
    const auto [xs, xz] = scale(name + "_in");
    const auto [ws, wz] = scale(w);
    const auto [ys, yz] = scale(name + "_out");
    return b.node("QLinearConv", name,
                  {x, xs, xz, b.weight(w + "_quantized", {cout, cin, k, k}), ws, wz, ys, yz,
                   b.weight(w + "_bias_quantized", {cout})},
                  {{"auto_pad", OpAttribute::make_string("NOTSET")},
                   {"group", one(1)},
                   {"kernel_shape", ints({k, k})},
                   {"pads", ints({pad, pad, pad, pad})},
                   {"strides", ints({stride, stride})}});
  };
  auto maxpool = [&b](const std::string& name, const std::string& x) {
    return b.node("MaxPool", name, {x},
                  {{"auto_pad", OpAttribute::make_string("NOTSET")},
                   {"storage_order", one(0)},
                   {"strides", ints({2, 2})},
                   {"pads", ints({0, 0, 0, 0})},
                   {"ceil_mode", one(0)},
                   {"kernel_shape", ints({3, 3})}});
  };
  const std::string in = b.input("data_0", {1, 3, 224, 224});
  std::string x = quantize("data_0_QuantizeLinear", in, "data_0");
  x = qconv("Conv_nc_rename_0_quant", x, "conv1_w_0", 3, 64, 3, 2, 0);
  x = maxpool("MaxPool_nc_rename_2_quant", x);
  struct Fire {
    int index;
    std::int64_t squeeze, expand;
    bool pool_after;
  };
  const Fire fires[] = {{2, 16, 64, false},  {3, 16, 64, true},   {4, 32, 128, false},
                        {5, 32, 128, true},  {6, 48, 192, false}, {7, 48, 192, false},
                        {8, 64, 256, false}, {9, 64, 256, false}};
  std::int64_t cin = 64;
  int base = 3;  // the number in the ONNX Runtime node names
  for (const auto& f : fires) {
    const std::string fire = "fire" + std::to_string(f.index);
    auto rename = [](int n, const char* suffix) {
      return "Conv_nc_rename_" + std::to_string(n) + suffix;
    };
    const std::string sq =
        qconv(rename(base, "_quant"), x, fire + "/squeeze1x1_w_0", cin, f.squeeze, 1, 1, 0);
    const std::string e3 = qconv(rename(base + 2, "_quant"), sq, fire + "/expand3x3_w_0", f.squeeze,
                                 f.expand, 3, 1, 1);
    const std::string e1 = qconv(rename(base + 4, "_quant"), sq, fire + "/expand1x1_w_0", f.squeeze,
                                 f.expand, 1, 1, 0);
    const std::string d1 = dequantize(fire + "/expand1x1_2_DequantizeLinear", e1, e1);
    const std::string d3 = dequantize(fire + "/expand3x3_2_DequantizeLinear", e3, e3);
    x = b.node("Concat", "Concat_nc_rename_" + std::to_string(base + 6), {d1, d3},
               {{"axis", one(1)}});
    base += 7;
    if (f.pool_after) {
      x = maxpool("MaxPool_nc_rename_" + std::to_string(base), x);
      x = quantize("pool" + std::to_string(f.index) + "_1_QuantizeLinear", x, "pool");
      base += 1;
    } else {
      x = quantize(fire + "/concat_1_QuantizeLinear", x, fire);
    }
    cin = 2 * f.expand;
  }
  x = qconv("Conv_nc_rename_61_quant", x, "conv10_w_0", 512, 1000, 1, 1, 0);
  const auto [ps, pz] = scale("pool10_in");
  const auto [ys, yz] = scale("pool10_out");
  x = b.node("QLinearGlobalAveragePool", "GlobalAveragePool_nc_rename_63_quant",
             {x, ps, pz, ys, yz}, {{"channels_last", one(0)}}, "com.microsoft");
  x = dequantize("pool10_1_DequantizeLinear", x, "pool10_1");
  b.node("Softmax", "Softmax_nc_rename_64", {x}, {{"axis", one(1)}});
  return b.take();
}

/// Tiny YOLOv2 (VOC, 416x416): 9 convs with BatchNormalization + LeakyRelu, 6 max pools (the
/// last one stride 1 with padding [0, 0, 1, 1] to keep 13x13), 125 output channels.
OpGraph tinyyolov2() {
  Builder b("tinyyolov2", 13);
  std::string x = b.input("image", {1, 3, 416, 416});
  const std::int64_t filters[] = {16, 32, 64, 128, 256, 512, 1024, 1024};
  std::int64_t cin = 3;
  for (int i = 0; i < 8; ++i) {
    const std::string n = std::to_string(i + 1);
    x = conv(b, "conv" + n, x, cin, filters[i], 3, 1, 1, 1, false);
    const std::int64_t c = filters[i];
    x = b.node("BatchNormalization", "bn" + n,
               {x, b.weight("bn" + n + ".scale", {c}), b.weight("bn" + n + ".bias", {c}),
                b.weight("bn" + n + ".mean", {c}), b.weight("bn" + n + ".var", {c})});
    x = b.node("LeakyRelu", "leaky" + n, {x}, {{"alpha", OpAttribute::make_float(0.1)}});
    if (i < 6) {
      const bool last = i == 5;
      x = b.node("MaxPool", "pool" + n, {x},
                 {{"kernel_shape", ints({2, 2})},
                  {"pads", ints(last ? std::vector<std::int64_t>{0, 0, 1, 1}
                                     : std::vector<std::int64_t>{0, 0, 0, 0})},
                  {"strides", ints(last ? std::vector<std::int64_t>{1, 1}
                                        : std::vector<std::int64_t>{2, 2})}});
    }
    cin = c;
  }
  conv(b, "conv9", x, 1024, 125, 1, 1, 0);
  return b.take();
}

/// FSRCNN on a 540x960 frame: 8 convs (= fsrcnn.onnx, the paper's 'custom_added' names).
OpGraph fsrcnn() {
  Builder b("fsrcnn", 14);
  struct L {
    std::int64_t cout, k;
  };
  const L layers[] = {{56, 5}, {12, 1}, {12, 3}, {12, 3}, {12, 3}, {12, 3}, {56, 1}, {16, 3}};
  std::string x = b.input("input", {1, 1, 540, 960});
  std::int64_t cin = 1;
  for (int i = 0; i < 8; ++i) {
    x = conv(b, "custom_added_Conv" + std::to_string(i + 1), x, cin, layers[i].cout, layers[i].k, 1,
             layers[i].k / 2, 1, false);
    cin = layers[i].cout;
  }
  return b.take();
}

// ---- transformers ---------------------------------------------------------------------------
// Activations are 2-D [tokens, features] (batch 1): projections are MatMuls with
// B = tokens, C = input features, K = output features, as Stream 2023 parses a 2-D MatMul.
// Attention runs per head with the heads as the MatMul's batch dim H. Biases, the 1/sqrt(d)
// scale (folded into the query weights), masks and positional encodings are left out: they
// cost nothing in Stream 2023's model either (broadcast element-wise ops are free).

struct Attention {
  std::int64_t seq, model, heads;
};

/// Multi-head self-attention from x [seq, model]; returns the output projection [seq, model].
std::string attention(Builder& b, const std::string& p, const std::string& x, const Attention& a) {
  const std::int64_t d = a.model / a.heads;
  auto proj = [&](const std::string& name, const std::string& in) {
    return b.node("MatMul", p + name + "/MatMul",
                  {in, b.weight(p + name + ".weight", {a.model, a.model})});
  };
  const std::string split = b.ints(p + "split_heads", {a.seq, a.heads, d});
  auto heads = [&](const std::string& name, const std::string& in, std::vector<std::int64_t> perm) {
    const std::string r = b.node("Reshape", p + name + "/Reshape", {in, split});
    return b.node("Transpose", p + name + "/Transpose", {r}, {{"perm", ints(std::move(perm))}});
  };
  const std::string q = heads("query", proj("query", x), {1, 0, 2});  // [H, S, d]
  const std::string k = heads("key", proj("key", x), {1, 2, 0});      // [H, d, S]
  const std::string v = heads("value", proj("value", x), {1, 0, 2});  // [H, S, d]
  std::string s = b.node("MatMul", p + "scores/MatMul", {q, k});      // [H, S, S]
  s = b.node("Softmax", p + "Softmax", {s}, {{"axis", one(-1)}});
  std::string c = b.node("MatMul", p + "context/MatMul", {s, v});  // [H, S, d]
  c = b.node("Transpose", p + "context/Transpose", {c}, {{"perm", ints({1, 0, 2})}});
  c = b.node("Reshape", p + "context/Reshape", {c, b.ints(p + "merge_heads", {a.seq, a.model})});
  return proj("output", c);
}

/// One BERT-base encoder layer at sequence length 128 (hidden 768, 12 heads, FFN 3072).
OpGraph bert_encoder() {
  Builder b("bert_encoder", 20);
  const Attention a{128, 768, 12};
  const std::string p = "/encoder/layer.0/";
  const std::string x = b.input("hidden_states", {a.seq, a.model});
  std::string y = attention(b, p + "attention/", x, a);
  y = b.node("Add", p + "attention/Add", {y, x});
  auto layer_norm = [&](const std::string& name, const std::string& in) {
    return b.node(
        "LayerNormalization", p + name,
        {in, b.weight(p + name + ".weight", {a.model}), b.weight(p + name + ".bias", {a.model})},
        {{"axis", one(-1)}});
  };
  const std::string h = layer_norm("attention/LayerNorm", y);
  std::string f = b.node("MatMul", p + "intermediate/MatMul",
                         {h, b.weight(p + "intermediate.weight", {a.model, 3072})});
  f = b.node("Gelu", p + "intermediate/Gelu", {f});
  f = b.node("MatMul", p + "output/MatMul", {f, b.weight(p + "output.weight", {3072, a.model})});
  f = b.node("Add", p + "output/Add", {f, h});
  layer_norm("output/LayerNorm", f);
  return b.take();
}

/// One LLaMA-7B-style decoder block on a 128-token prompt (prefill): d_model 4096, 32 heads
/// of 128, RMSNorm (free), SwiGLU MLP with hidden size 11008: gate and up projections, SiLU
/// (free) and a costed element-wise Mul, down projection; two residual Adds.
OpGraph llm_decoder() {
  Builder b("llm_decoder", 23);
  const Attention a{128, 4096, 32};
  const std::int64_t ffn = 11008;
  const std::string p = "/model/layers.0/";
  const std::string x = b.input("hidden_states", {a.seq, a.model});
  auto rms_norm = [&](const std::string& name, const std::string& in) {
    return b.node("RMSNormalization", p + name, {in, b.weight(p + name + ".weight", {a.model})},
                  {{"axis", one(-1)}});
  };
  std::string y = attention(b, p + "self_attn/", rms_norm("input_layernorm", x), a);
  y = b.node("Add", p + "self_attn/Add", {y, x});
  const std::string h = rms_norm("post_attention_layernorm", y);
  std::string gate = b.node("MatMul", p + "mlp/gate_proj/MatMul",
                            {h, b.weight(p + "mlp.gate_proj.weight", {a.model, ffn})});
  gate = b.node("Silu", p + "mlp/act_fn/Silu", {gate});
  const std::string up = b.node("MatMul", p + "mlp/up_proj/MatMul",
                                {h, b.weight(p + "mlp.up_proj.weight", {a.model, ffn})});
  std::string m = b.node("Mul", p + "mlp/Mul", {gate, up});
  m = b.node("MatMul", p + "mlp/down_proj/MatMul",
             {m, b.weight(p + "mlp.down_proj.weight", {ffn, a.model})});
  b.node("Add", p + "mlp/Add", {m, y});
  return b.take();
}

struct ZooEntry {
  const char* name;
  OpGraph (*build)();
};

constexpr ZooEntry kZoo[] = {
    {"resnet18", resnet18},         {"resnet50", resnet50},       {"mobilenetv2", mobilenetv2},
    {"squeezenet", squeezenet},     {"tinyyolov2", tinyyolov2},   {"fsrcnn", fsrcnn},
    {"bert_encoder", bert_encoder}, {"llm_decoder", llm_decoder},
};

}  // namespace

std::vector<std::string> zoo_names() {
  std::vector<std::string> out;
  for (const auto& e : kZoo) out.emplace_back(e.name);
  return out;
}

WorkloadSpec zoo_workload(std::string_view name) {
  for (const auto& e : kZoo) {
    if (name == e.name) {
      const std::string source = "zoo:" + std::string(name);
      return detail::convert_op_graph(e.build(), source, source, std::string(name));
    }
  }
  std::string list;
  for (const auto& n : zoo_names()) list += (list.empty() ? "" : ", ") + n;
  throw InputError("zoo:" + std::string(name), "",
                   "unknown built-in model '" + std::string(name) + "' (available: " + list + ")");
}

}  // namespace stream::workload
