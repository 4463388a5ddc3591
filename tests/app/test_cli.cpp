// Output tests of the stream-hpc command line (Google Benchmark's "output test" idea): run the
// real binary, check the exit code and match what it prints.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_command.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kExe = STREAM_HPC_EXE;
const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference";

using Result = stream::test::CommandResult;

Result run(const std::string& args) { return stream::test::run_shell(kExe + " " + args + " 2>&1"); }

/// `text` contains `pattern` when every run of white space in both counts as one space (a
/// table-layout-independent match; std::regex is avoided: GCC 12's <regex> trips
/// -Wmaybe-uninitialized in the sanitizer build).
std::string squash_spaces(const std::string& s) {
  std::string r;
  bool space = false;
  for (const char c : s) {
    const bool ws = c == ' ' || c == '\t';
    if (ws && !space) r += ' ';
    if (!ws) r += c;
    space = ws;
  }
  return r;
}
bool contains_squashed(const std::string& text, const std::string& pattern) {
  return squash_spaces(text).find(squash_spaces(pattern)) != std::string::npos;
}

/// "stream-hpc X.Y.Z (git ..." with X, Y, Z decimal numbers.
bool has_version_line(const std::string& out) {
  for (auto pos = out.find("stream-hpc "); pos != std::string::npos;
       pos = out.find("stream-hpc ", pos + 1)) {
    std::size_t i = pos + 11;
    int numbers = 0;
    while (numbers < 3) {
      const std::size_t start = i;
      while (i < out.size() && std::isdigit(static_cast<unsigned char>(out[i])) != 0) ++i;
      if (i == start) break;
      ++numbers;
      if (numbers < 3) {
        if (i >= out.size() || out[i] != '.') break;
        ++i;
      }
    }
    if (numbers == 3 && out.compare(i, 6, " (git ") == 0) return true;
  }
  return false;
}

fs::path temp_dir() { return stream::test::scratch_dir("cli"); }

TEST(Cli, HelpAndVersion) {
  auto r = run("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("inspect"), std::string::npos) << r.out;
  r = run("--version");
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(has_version_line(r.out)) << r.out;
  for (const char* lib :
       {"MPI", "HDF5", "oneTBB", "OpenMP", "protobuf", "yaml-cpp", "CLI11", "nlohmann-json"}) {
    EXPECT_NE(r.out.find(lib), std::string::npos) << lib << "\n" << r.out;
  }
}

TEST(Cli, UnknownSubcommandOrOptionExits2) {
  EXPECT_EQ(run("frobnicate").code, 2);
  EXPECT_EQ(run("inspect --no-such-flag").code, 2);
  const auto r = run("inspect");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("give at least one of --accelerator, --workload, --mapping"),
            std::string::npos)
      << r.out;
}

TEST(Cli, InspectAcceleratorTables) {
  const auto r =
      run("inspect --accelerator " + kRef + "/stream2023/inputs/hardware/tpu_like_quad_core.yaml");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Accelerator TPU-like-quad-core"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("7 cores, off-chip core 6"), std::string::npos);
  EXPECT_TRUE(contains_squashed(r.out, "sram_1MB_W I2 8388608 (1 MiB) 1024")) << r.out;
  EXPECT_TRUE(contains_squashed(r.out, "0 3 0->1->3 *")) << r.out;
  EXPECT_NE(r.out.find("bus [6, 0, 1, 2, 3, 4, 5] hub 6"), std::string::npos);
}

TEST(Cli, InspectWorkloadAndMapping) {
  const auto r = run("inspect --workload " + kRef +
                     "/stream2023/inputs/workload/resnet18.onnx --accelerator " + kRef +
                     "/stream2023/inputs/hardware/tpu_like_quad_core.yaml --mapping " + kRef +
                     "/stream2023/inputs/mapping/tpu_like_quad_core_oy.yaml");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("49 nodes, 31 costed layers"), std::string::npos) << r.out;
  // conv1: K64 C3 OY112 OX112 FY7 FX7, stride 2, padding 3, 118,013,952 MACs.
  EXPECT_NE(r.out.find("118013952"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("scheduler priority memory"), std::string::npos);
}

TEST(Cli, InspectJson) {
  const auto dir = temp_dir();
  const auto out = (dir / "inspect.json").string();
  const auto r = run("inspect --workload zoo:fsrcnn --accelerator " + kRef +
                     "/validation/diana/accelerator.yaml --json " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["workload"]["layer_count"], 8);
  EXPECT_EQ(j["workload"]["layers"][0]["loop_sizes"]["OY"], 540);
  EXPECT_EQ(j["workload"]["layers"][0]["loop_sizes"]["OX"], 960);
  EXPECT_EQ(j["accelerator"]["offchip_core"], 4);
  bool shared = false;
  for (const auto& m : j["accelerator"]["top_memories"])
    shared = shared || (m["name"] == "sram_256KB" && m["cores"].size() == 4);
  EXPECT_TRUE(shared);
  fs::remove_all(dir);
}

TEST(Cli, InspectCnGraph) {
  // ResNet-18, one output row per CN below layer 24, layer by layer after (Stream's R7).
  const auto r =
      run("inspect --workload " + kRef + "/stream2023/inputs/workload/resnet18.onnx --mapping " +
          kRef + "/stream2023/inputs/mapping/tpu_like_single_core_hybrid24.yaml");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("CN graph: 716 CNs, 2282 edges"), std::string::npos) << r.out;
  EXPECT_TRUE(contains_squashed(r.out, "/conv1/Conv Conv 112 1 OY:112")) << r.out;
}

TEST(Cli, InspectCnGraphJsonAndWarnings) {
  const auto dir = temp_dir();
  const auto out = (dir / "cn.json").string();
  // DIANA validation, June-2023 CN graph (no groups): 4200 CNs, 9385 edges.
  auto r = run("inspect --workload " + kRef + "/validation/diana/workload.yaml --mapping " + kRef +
               "/validation/diana/mapping.yaml --no-cn-groups --json " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  {
    std::ifstream in(out);
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["cn_count"], 4200);
    EXPECT_EQ(j["edge_count"], 9385);
    ASSERT_EQ(j["cn_layers"].size(), 9u);
    EXPECT_EQ(j["cn_layers"][0]["cns"], 3584);
    EXPECT_EQ(j["cn_layers"][0]["outer_loops"], "K:4 OX:8 OY:112");
  }
  // A size that does not divide the loop: rounded to the nearest divisor, with a warning.
  const auto mapping = (dir / "m.yaml").string();
  std::ofstream(mapping)
      << "- {name: default, core_allocation: [0], intra_core_tiling: [[OY, 7]]}\n";
  r = run("inspect --workload " + kRef + "/stream2023/inputs/workload/fsrcnn.yaml --mapping " +
          mapping);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("warning: layer 0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("using 6, the nearest divisor"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CN graph: 48 CNs"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(Cli, TruncatedOnnxExits2WithMessage) {
  const auto dir = temp_dir();
  const auto bad = (dir / "truncated.onnx").string();
  {
    std::ifstream in(kRef + "/stream2023/inputs/workload/resnet18.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(bad, std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }
  const auto r = run("inspect --workload " + bad);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("stream-hpc: error: " + bad + ":"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("terminate"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(Cli, YamlTabErrorExits2WithLine) {
  const auto dir = temp_dir();
  const auto bad = (dir / "tabbed.yaml").string();
  std::ofstream(bad) << "name: x\ncores:\n\t0: core.yaml\n";
  const auto r = run("inspect --accelerator " + bad);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find(bad + ": YAML syntax error at line 3"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

TEST(Cli, MappingNamingMissingCoreExits2) {
  const auto dir = temp_dir();
  const auto bad = (dir / "mapping.yaml").string();
  std::ofstream(bad) << "- {name: default, core_allocation: [0, 9]}\n";
  const auto r = run("inspect --workload zoo:fsrcnn --accelerator " + kRef +
                     "/stream2023/inputs/hardware/tpu_like_single_core.yaml --mapping " + bad);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("core_allocation names core 9, which the accelerator"), std::string::npos)
      << r.out;
  fs::remove_all(dir);
}

TEST(Cli, BadLimitExits2) {
  const auto r = run("--limit max_cns=-4 inspect --workload zoo:fsrcnn");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("expected a positive integer"), std::string::npos) << r.out;
}

}  // namespace

namespace {

TEST(Cli, ValidateJsonAndMaxError) {
  const auto dir = temp_dir();
  const auto out = (dir / "validate.json").string();
  auto r = run("validate --max-error 4 --json " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains_squashed(r.out, "depfin 6180000 6370024 +3.07%")) << r.out;
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  for (const char* chip : {"depfin", "diana", "aimc_4x4"}) {
    ASSERT_TRUE(j.contains(chip)) << chip;
    for (const char* key :
         {"measured_latency_cycles", "latency_cycles", "energy_pj", "error_percent"}) {
      EXPECT_TRUE(j[chip].contains(key)) << chip << " " << key;
    }
    EXPECT_LE(std::abs(j[chip]["error_percent"].get<double>()), 4.0) << chip;
  }
  EXPECT_EQ(j["diana"]["measured_latency_cycles"], 812000);
  // Stream's own errors exceed 2 %: a 2 % bound fails with exit 1 and says so.
  r = run("validate --max-error 2");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;
  r = run("validate --chips /nonexistent/chips.yaml");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/chips.yaml"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

}  // namespace
