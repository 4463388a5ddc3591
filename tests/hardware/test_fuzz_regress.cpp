// Regression tests for inputs libFuzzer found (tests/fuzz, README "Hardening"); each input is
// kept in tests/data/regress/ and also seeds its fuzz target.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "stream/common/error.hpp"
#include "stream/hardware/load.hpp"

namespace stream::hardware {
namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// fuzz_accelerator: a core file name longer than NAME_MAX (the exploration HW3 accelerator with
// 300 bytes spliced into a core path) made std::filesystem::exists throw filesystem_error
// ("File name too long"), which escaped as an internal error. It is now "core file not found".
TEST(FuzzRegress, AcceleratorCoreFileNameTooLong) {
  const std::string text =
      slurp(STREAM_TEST_DATA_DIR "/regress/fuzz_accelerator-name-too-long.yaml");
  ASSERT_FALSE(text.empty());
  // Resolved where the original's core files are, so cores/C16_K16.yaml (core 0) is found and
  // the long name (core 1) is reached.
  const std::string as =
      STREAM_TEST_DATA_DIR "/reference/exploration/hardware/fuzz_accelerator-name-too-long.yaml";
  try {
    parse_accelerator(text, as);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cores.1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace stream::hardware
