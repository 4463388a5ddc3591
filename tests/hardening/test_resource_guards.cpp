// Resource guards end to end (issue 10 item 3): inputs that ask for absurd work are refused
// with an InputError naming the limit, before memory runs out and within a second; each limit
// can be changed (limits(), the command line's --limit NAME=VALUE).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/common/limits.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"
#include "support/minimal_core.hpp"

namespace stream::test {
namespace {

/// Restores the process-wide limits after a test changes them.
class Guards : public ::testing::Test {
 protected:
  void TearDown() override { limits() = saved_; }
  Limits saved_ = limits();
};

/// Runs `f`, expects an InputError whose message contains `text`, returns the message; fails
/// if it took more than a second (the guard must act before the work).
std::string refused(const std::function<void()>& f, const std::string& text) {
  const auto t0 = std::chrono::steady_clock::now();
  std::string msg;
  try {
    f();
    ADD_FAILURE() << "expected an InputError containing '" << text << "'";
  } catch (const InputError& e) {
    msg = e.what();
    EXPECT_NE(msg.find(text), std::string::npos) << msg;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 1.0) << msg;
  return msg;
}

std::string one_layer(const std::string& sizes) {
  return "- id: 0\n"
         "  name: big\n"
         "  operator_type: Conv\n"
         "  equation: O[b][k][oy][ox]+=W[k][c]*I[b][c][oy][ox]\n"
         "  loop_dims: [B, K, C, OY, OX]\n"
         "  loop_sizes: " +
         sizes +
         "\n"
         "  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}\n"
         "  operand_source: {W: 0, I: 0}\n";
}

const char* const kCore = stream::test::kMinimalCore;

std::string with_size(const std::string& size) {
  std::string core = kCore;
  core.replace(core.find("size: 1024"), 10, "size: " + size);
  return core;
}

TEST_F(Guards, TilingIntoABillionCnsIsRefusedBeforeAllocation) {
  // 32768 x 32768 one-element CNs: 2^30 = 1,073,741,824 CNs, above max_cns = 20,000,000.
  const auto w = workload::parse_yaml_workload(one_layer("[1, 1, 1, 32768, 32768]"), "w.yaml");
  const auto m = mapping::parse_mapping(
      "- {name: default, core_allocation: [0], intra_core_tiling: [[OY, all], [OX, all]]}\n",
      "m.yaml");
  const auto msg = refused([&] { tiler::build_cn_graph(w, m); }, "max_cns = 20000000");
  EXPECT_NE(msg.find("1073741824 CNs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("m.yaml"), std::string::npos) << msg;
  // The limit is configurable: with a 40-CN limit, a 64-row tiling is refused as well...
  limits().max_cns = 40;
  const auto w64 = workload::parse_yaml_workload(one_layer("[1, 1, 1, 64, 64]"), "w.yaml");
  const auto rows = mapping::parse_mapping(
      "- {name: default, core_allocation: [0], intra_core_tiling: [[OY, all]]}\n", "m.yaml");
  refused([&] { tiler::build_cn_graph(w64, rows); }, "max_cns = 40");
  // ... and accepted with the limit raised.
  limits().max_cns = 64;
  EXPECT_EQ(tiler::build_cn_graph(w64, rows).cns.size(), 64u);
}

TEST_F(Guards, AMemoryOfTenToTheThirtyBitsIsRefused) {
  const auto msg =
      refused([] { hardware::parse_core(with_size("1e30"), "core.yaml"); }, "max_memory_bits");
  EXPECT_NE(msg.find("memories.sram.size"), std::string::npos) << msg;
  // Beyond 64 bits written as digits, too.
  refused([] { hardware::parse_core(with_size("1000000000000000000000000000000"), "core.yaml"); },
          "max_memory_bits");
  // Configurable: 2048 bits accepted by default, refused under a 1024-bit limit.
  EXPECT_EQ(hardware::parse_core(with_size("2048"), "core.yaml").levels[0].memory.size_bits, 2048);
  limits().max_memory_bits = 1024;
  refused([] { hardware::parse_core(with_size("2048"), "core.yaml"); }, "max_memory_bits = 1024");
}

TEST_F(Guards, LoopSizesOfZeroAndTwoToTheFortyAreRefused) {
  refused([] { workload::parse_yaml_workload(one_layer("[1, 0, 1, 4, 4]"), "w.yaml"); },
          "must be at least 1");
  const auto msg = refused(
      [] { workload::parse_yaml_workload(one_layer("[1, 1099511627776, 1, 4, 4]"), "w.yaml"); },
      "max_loop_size");
  EXPECT_NE(msg.find("loop_sizes[1]"), std::string::npos) << msg;
  refused([] { workload::parse_yaml_workload(one_layer("[1, -3, 1, 4, 4]"), "w.yaml"); }, "w.yaml");
  // Each dim within the limit but the product (2^62 MACs) above max_layer_macs.
  refused(
      [] {
        workload::parse_yaml_workload(one_layer("[1, 2147483648, 2147483648, 1, 1]"), "w.yaml");
      },
      "max_layer_macs");
  limits().max_loop_size = 100;
  refused([] { workload::parse_yaml_workload(one_layer("[1, 101, 1, 4, 4]"), "w.yaml"); },
          "max_loop_size = 100");
}

TEST_F(Guards, ATilingFactorOfTwoToTheFortyTakesTheWholeLoop) {
  const auto w = workload::parse_yaml_workload(one_layer("[1, 8, 1, 4, 4]"), "w.yaml");
  const auto m = mapping::parse_mapping(
      "- {name: default, core_allocation: [0], intra_core_tiling: [[K, 1099511627776]]}\n",
      "m.yaml");
  const auto g = tiler::build_cn_graph(w, m);
  EXPECT_EQ(g.cns.size(), 8u);
}

TEST_F(Guards, FilesAboveTheSizeLimitAreNotReadWhole) {
  limits().max_file_bytes = 4096;
  // /dev/zero has no size and no end: the bounded read stops at the limit.
  refused([] { read_input_file("/dev/zero"); }, "max_file_bytes = 4096");
  refused([] { hardware::read_core("/dev/zero"); }, "max_file_bytes = 4096");
  refused([] { workload::read_onnx_workload("/dev/zero"); }, "max_file_bytes = 4096");
  refused(
      [] {
        read_input_file(STREAM_TEST_DATA_DIR
                        "/reference/exploration/workload/"
                        "mobilenetv2.onnx");
      },
      "max_file_bytes = 4096");
}

}  // namespace
}  // namespace stream::test
