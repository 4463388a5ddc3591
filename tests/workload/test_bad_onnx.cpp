// Bad ONNX inputs: every one is an InputError naming the file, the node and the reason.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "stream/common/limits.hpp"
#include "stream/workload/load.hpp"
#include "test_helpers.hpp"

namespace stream::workload::test {
namespace {

TEST(BadOnnx, UnknownOperatorNamesTheNode) {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.node("Relu", "relu", {"x"}, {"y"});
  b.node("GridSample", "warp", {"y", "x"}, {"z"});
  expect_input_error([&] { parse_onnx_workload(b.bytes(), "model.onnx"); }, "model.onnx",
                     "node 1 'warp' (GridSample)", "unsupported operator type 'GridSample'");
}

TEST(BadOnnx, TruncatedFile) {
  TempDir dir;
  const std::string bytes = file_bytes(ref("exploration/workload/resnet18.onnx"));
  ASSERT_GT(bytes.size(), 1000u);
  const std::string path = dir.write("resnet18_cut.onnx", bytes.substr(0, bytes.size() / 2));
  expect_input_error([&] { read_onnx_workload(path); }, "resnet18_cut.onnx", "",
                     "truncated or corrupt");
}

TEST(BadOnnx, NotOnnxBytes) {
  TempDir dir;
  const std::string yaml = file_bytes(ref("validation/depfin/workload.yaml"));
  const std::string path = dir.write("workload.onnx", yaml);
  expect_input_error([&] { read_onnx_workload(path); }, "workload.onnx", "", "ONNX model");
  const std::string empty = dir.write("empty.onnx", "");
  expect_input_error([&] { read_onnx_workload(empty); }, "empty.onnx", "", "the file is empty");
  expect_input_error([&] { read_onnx_workload(dir.path("missing.onnx")); }, "missing.onnx", "",
                     "cannot open file");
}

TEST(BadOnnx, MissingAttribute) {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.node("MaxPool", "pool", {"x"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(b.bytes(), "pool.onnx"); }, "pool.onnx",
                     "node 0 'pool' (MaxPool)", "attribute 'kernel_shape' is missing");
  OnnxBuilder c;
  c.input("x", {1, 4, 8});
  c.node("Concat", "cat", {"x", "x"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(c.bytes(), "cat.onnx"); }, "cat.onnx",
                     "node 0 'cat' (Concat)", "attribute 'axis' is missing");
}

TEST(BadOnnx, InconsistentShapes) {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.conv("conv", "x", "y", 4, 8, 3, 1);
  b.value("y", {1, 8, 7, 7});  // padding 1 keeps 8x8
  expect_input_error([&] { parse_onnx_workload(b.bytes(), "shapes.onnx"); }, "shapes.onnx",
                     "node 0 'conv' (Conv)", "inconsistent shapes");
  OnnxBuilder c;
  c.input("x", {1, 4, 8, 8});
  c.weight("w", {8, 3, 3, 3});  // 3 input channels, the data has 4
  auto* n = c.node("Conv", "conv", {"x", "w"}, {"y"});
  OnnxBuilder::ints(n, "kernel_shape", {3, 3});
  expect_input_error([&] { parse_onnx_workload(c.bytes(), "w.onnx"); }, "w.onnx", "node 0 'conv'",
                     "weight [8, 3, 3, 3] does not match input");
}

TEST(BadOnnx, AbsurdSizes) {
  OnnxBuilder b;
  b.input("x", {1, 1, 8, 6000000000});
  b.value("y", {1, 1, 8, 6000000000});
  b.node("Add", "add", {"x", "x"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(b.bytes(), "big.onnx"); }, "big.onnx",
                     "node 0 'add' (Add)", "above the limit max_loop_size");
  OnnxBuilder c;
  c.input("x", {1, 4096, 4096, 4096});
  c.conv("conv", "x", "y", 4096, 4096, 3, 1);
  expect_input_error([&] { parse_onnx_workload(c.bytes(), "macs.onnx"); }, "macs.onnx",
                     "node 0 'conv'", "above the limit max_layer_macs");
  LimitGuard guard;
  limits().max_nodes = 10;
  expect_input_error([&] { read_onnx_workload(ref("exploration/workload/resnet18.onnx")); },
                     "resnet18.onnx", "graph", "49 nodes, more than the limit max_nodes = 10");
}

TEST(BadOnnx, GraphProblems) {
  OnnxBuilder sym;
  sym.input("x", {1, 3, 0, 8});  // dim 2 left symbolic
  sym.node("Relu", "r", {"x"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(sym.bytes(), "sym.onnx"); }, "sym.onnx",
                     "graph input 'x'", "dimension 2 has no fixed size");
  OnnxBuilder order;
  order.input("x", {4, 4});
  order.node("Relu", "first", {"z"}, {"y"});
  order.node("Relu", "second", {"x"}, {"z"});
  expect_input_error([&] { parse_onnx_workload(order.bytes(), "order.onnx"); }, "order.onnx",
                     "node 0 'first' (Relu)", "topological order");
  OnnxBuilder dangling;
  dangling.input("x", {4, 4});
  dangling.node("MatMul", "mm", {"x", "nowhere"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(dangling.bytes(), "dangling.onnx"); },
                     "dangling.onnx", "node 0 'mm' (MatMul)",
                     "input 'nowhere' is produced by no node");
  OnnxBuilder reshape;
  reshape.input("x", {4, 4});
  reshape.input("s", {2});
  reshape.node("Relu", "r", {"s"}, {"shape"});
  reshape.node("Reshape", "rs", {"x", "shape"}, {"y"});
  expect_input_error([&] { parse_onnx_workload(reshape.bytes(), "rs.onnx"); }, "rs.onnx",
                     "node 1 'rs' (Reshape)", "only constant parameters are supported");
}

TEST(Robustness, MutatedOnnxBytes) {
  for (const char* f :
       {"exploration/workload/resnet18.onnx", "exploration/workload/squeezenet.onnx",
        "exploration/workload/mobilenetv2.onnx"}) {
    const std::string bytes = file_bytes(ref(f));
    std::mt19937 rng(12345);
    int errors = 0;
    auto parse = [](const std::string& b) { parse_onnx_workload(b, "mutated.onnx"); };
    for (int trial = 0; trial < 300; ++trial) {
      std::string m = bytes;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips; ++k) {
        m[rng() % m.size()] = static_cast<char>(rng() % 256);
      }
      expect_clean_outcome(parse, m, trial, &errors);
    }
    for (int trial = 0; trial < 100; ++trial) {
      expect_clean_outcome(parse, bytes.substr(0, rng() % bytes.size()), trial, &errors);
    }
    EXPECT_GT(errors, 100) << f;  // most mutations must be caught
  }
}

}  // namespace
}  // namespace stream::workload::test
