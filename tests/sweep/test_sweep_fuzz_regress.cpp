// Regression tests for the sweep-spec inputs of tests/data/regress/fuzz_sweep_spec-* (README
// "Hardening"): each one crashed, overflowed or exhausted memory in fuzz_sweep_spec (libFuzzer,
// ASan + UBSan) before its fix; each is tests/data/sweep/small.yaml with one field changed, so
// it is read with tests/data/sweep as its directory. The inputs also seed fuzz_sweep_spec.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/common/limits.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace {

using stream::InputError;
using namespace stream::sweep;

const std::string kDir = std::string(STREAM_TEST_DATA_DIR) + "/sweep";

std::string regress(const std::string& name) {
  return stream::read_input_file(std::string(STREAM_TEST_DATA_DIR) + "/regress/fuzz_sweep_spec-" +
                                 name + ".yaml");
}

/// The message of the InputError that parsing and expanding `name` throws ("" when none).
std::string error_of(const std::string& name) {
  try {
    expand_points(parse_sweep_spec(regress(name), name + ".yaml", kDir));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

class SweepFuzzRegress : public ::testing::Test {
 protected:
  void TearDown() override { stream::limits() = saved_; }
  stream::Limits saved_ = stream::limits();
};

// An integer range {from: 0, to: INT64_MAX, step: 2^62} overflowed int64 stepping past 2^62
// (UBSan: signed integer overflow). The range now ends where the next value would overflow.
TEST_F(SweepFuzzRegress, IntegerRangeStopsBeforeOverflow) {
  const auto spec = parse_sweep_spec(regress("int-range-overflow"), "r.yaml", kDir);
  const int k = spec.param_index("dram_bw");
  ASSERT_GE(k, 0);
  std::vector<std::int64_t> got;
  for (const auto& ax : spec.axes) {
    for (std::size_t p = 0; p < ax.params.size(); ++p) {
      if (ax.params[p] != "dram_bw") continue;
      for (const auto& v : ax.values[p]) got.push_back(v.i);
    }
  }
  EXPECT_EQ(got, (std::vector<std::int64_t>{0, std::int64_t{1} << 62}));
}

// 10^8 random samples were materialised (2.4 GB of rows) before the product was compared with
// max_sweep_points; the size is now computed from the spec first.
TEST_F(SweepFuzzRegress, SamplesAreCountedBeforeTheyAreDrawn) {
  stream::limits().max_sweep_points = 1 << 16;
  const auto t0 = std::chrono::steady_clock::now();
  const auto msg = error_of("samples-before-limit");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(msg.find(": axes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("above the limit max_sweep_points"), std::string::npos) << msg;
  EXPECT_LT(secs, 2.0);
}

// A core file name longer than NAME_MAX made std::filesystem::exists throw filesystem_error,
// which escaped as an internal error; it is now "core file not found", naming the field.
TEST_F(SweepFuzzRegress, CoreFileNameTooLongIsNotFound) {
  const auto msg = error_of("name-too-long");
  EXPECT_NE(msg.find("hardware.core_types.simd"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

// An integer sampled parameter with max 1e30: the sample was cast to int64 out of range
// (UBSan: float-cast-overflow). Integer bounds must now be exact doubles (|x| <= 2^53).
TEST_F(SweepFuzzRegress, IntegerSampleBoundsMustBeExact) {
  const auto msg = error_of("integer-sample-1e30");
  EXPECT_NE(msg.find("axes[2].random.params.zz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("2^53"), std::string::npos) << msg;
}

// A core template named /dev/zero was read without bound (out of memory); template files are
// now read within max_file_bytes like every other input, and the error names the field.
TEST_F(SweepFuzzRegress, TemplateReadIsBounded) {
  stream::limits().max_file_bytes = 1 << 20;
  const auto msg = error_of("core-dev-zero");
  EXPECT_NE(msg.find("hardware.core_types.simd"), std::string::npos) << msg;
  EXPECT_NE(msg.find("max_file_bytes"), std::string::npos) << msg;
}

}  // namespace
