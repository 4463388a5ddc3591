// CLI tests of `stream-hpc eval --allocator`: the GA's front in the JSON output, the written
// mapping reproducing the chosen point with the fixed allocation, the same front on 1 and 2
// threads, and bad allocator arguments (exit 2).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_command.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kExe = STREAM_HPC_EXE;
const std::string kIn = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs/";

using Result = stream::test::CommandResult;

Result run(const std::string& args) { return stream::test::run_shell(kExe + " " + args + " 2>&1"); }

bool has(const std::string& s, const std::string& what) { return stream::test::contains(s, what); }

fs::path temp_dir() { return stream::test::scratch_dir("cli_alloc"); }

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

std::string quad(const std::string& mapping) {
  return "eval --accelerator " + kIn + "hardware/tpu_like_quad_core.yaml --workload " + kIn +
         "workload/resnet18.onnx --mapping " + mapping;
}

TEST(CliAllocate, GeneticFrontJsonAndWrittenMappingReproduceThePoint) {
  const auto d = temp_dir();
  const auto json = d / "ga.json";
  const auto yaml = d / "chosen.yaml";
  const auto r = run(quad(kIn + "mapping/tpu_like_quad_core_lbl.yaml") +
                     " --allocator ga:16x16 --seed 0 --threads 2 --json " + json.string() +
                     " --write-mapping " + yaml.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "Pareto front")) << r.out;
  EXPECT_TRUE(has(r.out, "chosen")) << r.out;
  const auto j = read_json(json);
  const auto& a = j.at("allocation");
  EXPECT_EQ(a.at("allocator"), "ga:16x16");
  EXPECT_EQ(a.at("genes").size(), 21u);
  const auto& front = a.at("front");
  ASSERT_GE(front.size(), 1u);
  const auto chosen = a.at("chosen").get<int>();
  ASSERT_GE(chosen, 0);
  const auto& best = front.at(static_cast<std::size_t>(chosen));
  EXPECT_EQ(best.at("cores").size(), 21u);
  EXPECT_EQ(best.at("latency_cycles"), j.at("latency_cycles"));
  EXPECT_EQ(best.at("energy_pj"), j.at("energy_pj"));
  EXPECT_LT(j.at("edp_pj_cycles").get<double>(), 8.85e15);  // Stream's GA: about 8.8e15

  // The written mapping with the fixed allocation: the same point, to the last bit.
  const auto json2 = d / "fixed.json";
  const auto f = run(quad(yaml.string()) + " --json " + json2.string());
  ASSERT_EQ(f.code, 0) << f.out;
  const auto k = read_json(json2);
  EXPECT_EQ(k.at("latency_cycles"), j.at("latency_cycles"));
  EXPECT_EQ(k.at("energy_pj"), j.at("energy_pj"));
  EXPECT_EQ(k.at("energy_terms_pj"), j.at("energy_terms_pj"));
  EXPECT_FALSE(k.contains("allocation"));

  // One thread: the identical front.
  const auto json1 = d / "ga1.json";
  const auto one = run(quad(kIn + "mapping/tpu_like_quad_core_lbl.yaml") +
                       " --allocator ga:16x16 --seed 0 --threads 1 --json " + json1.string());
  ASSERT_EQ(one.code, 0) << one.out;
  EXPECT_EQ(read_json(json1).at("allocation").at("front"), front);
  fs::remove_all(d);
}

TEST(CliAllocate, HeuristicsAndObjectives) {
  const auto d = temp_dir();
  for (const char* a : {"greedy", "balanced"}) {
    const auto json = d / (std::string(a) + ".json");
    const auto r = run(quad(kIn + "mapping/tpu_like_quad_core_oy.yaml") + " --allocator " + a +
                       " --json " + json.string());
    ASSERT_EQ(r.code, 0) << r.out;
    const auto j = read_json(json);
    EXPECT_EQ(j.at("cn_count"), 849);
    EXPECT_EQ(j.at("allocation").at("front").size(), 1u);
  }
  const auto json = d / "lat.json";
  const auto r = run(quad(kIn + "mapping/tpu_like_quad_core_lbl.yaml") +
                     " --allocator ga:8x4 --objective latency --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.out;
  const auto j = read_json(json);
  EXPECT_EQ(j.at("allocation").at("chosen"), 0);  // the front is sorted by latency
  EXPECT_EQ(j.at("latency_cycles"), j.at("allocation").at("front").at(0).at("latency_cycles"));
  fs::remove_all(d);
}

TEST(CliAllocate, BadArgumentsExitWithCode2) {
  const std::string m = kIn + "mapping/tpu_like_quad_core_lbl.yaml";
  for (const char* bad :
       {"--allocator ga:16", "--allocator ga:0x4", "--allocator ga:axb", "--allocator random",
        "--objective speed", "--write-mapping /tmp/x.yaml"}) {
    const auto r = run(quad(m) + " " + bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
  }
}

}  // namespace
