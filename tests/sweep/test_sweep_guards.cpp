// Resource guards of the sweep (issue 10): a product of 10^15 points without sampling is refused
// before any point is built, naming the configurable limit max_sweep_points; a link bandwidth
// below 1 / max_link_cycles_per_bit makes the point invalid, naming the field.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace {

using stream::InputError;
using namespace stream::sweep;

const std::string kDir = std::string(STREAM_TEST_DATA_DIR) + "/sweep";

std::string spec_text(const std::string& axes) {
  return "name: t\nseed: 3\naxes:\n" + axes +
         "hardware:\n"
         "  core_types: {tpu: templates/tpu_like.yaml, pool: templates/pooling.yaml,\n"
         "               simd: templates/simd.yaml, dram: templates/offchip.yaml}\n"
         "  compute_cores: \"tpu*${n}\"\n"
         "  extra_cores: [pool, simd]\n"
         "  dram_core: dram\n"
         "  topology: mesh\n"
         "mapping: {tiling: lbl, assign: {Add: simd}}\n"
         "workload: zoo:fsrcnn\n";
}

std::string error_of(const std::string& text) {
  try {
    expand_points(parse_sweep_spec(text, "t.yaml", kDir));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class SweepGuards : public ::testing::Test {
 protected:
  void TearDown() override { stream::limits() = saved_; }
  stream::Limits saved_ = stream::limits();
};

TEST_F(SweepGuards, TenToTheFifteenPointsAreRefusedBeforeExpansion) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto msg = error_of(spec_text(
      "  - product: {n: {from: 1, to: 100000, step: 1}, array: {from: 1, to: 100000, step: 1},\n"
      "              buf_kib: {from: 1, to: 100000, step: 1}, dram_bw: [64]}\n"));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(msg.find("t.yaml: axes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("above the limit max_sweep_points"), std::string::npos) << msg;
  EXPECT_LT(secs, 5.0) << msg;
}

TEST_F(SweepGuards, TheLimitIsConfigurable) {
  const std::string six =
      spec_text("  - product: {n: [1, 2, 4], array: [16, 32], buf_kib: [256], dram_bw: [64]}\n");
  EXPECT_EQ(error_of(six), "");
  stream::limits().max_sweep_points = 5;
  const auto msg = error_of(six);
  EXPECT_NE(msg.find("max_sweep_points = 5"), std::string::npos) << msg;
}

TEST_F(SweepGuards, ATinyLinkBandwidthIsRefusedNamingTheField) {
  std::string text =
      spec_text("  - product: {n: [2], array: [16], buf_kib: [256], dram_bw: [64]}\n");
  const std::string topo = "  topology: mesh\n";
  text.replace(text.find(topo), topo.size(), topo + "  link_bandwidth: 1e-300\n");
  const auto spec = parse_sweep_spec(text, "t.yaml", kDir);
  const auto points = expand_points(spec);
  ASSERT_EQ(points.size(), 1U);
  std::string msg;
  try {
    PointBuilder(spec).build(points.point(0));
  } catch (const InputError& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("t.yaml: hardware.link_bandwidth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("max_link_cycles_per_bit = 1048576"), std::string::npos) << msg;
}

}  // namespace
