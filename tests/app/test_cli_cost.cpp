// Output tests of `stream-hpc cost`: run the real binary on reference cases, compare its JSON
// with ZigZag's numbers, check the text report and the bad-input exit code.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.hpp"

namespace fs = std::filesystem;

namespace {

using json = nlohmann::ordered_json;

const std::string kExe = STREAM_HPC_EXE;
const std::string kZz = std::string(STREAM_TEST_DATA_DIR) + "/reference/zigzag245";

using Result = stream::test::CommandResult;

Result run(const std::string& args, bool merge_stderr = true) {
  return stream::test::run_shell(kExe + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null"));
}

fs::path temp_dir() { return stream::test::scratch_dir("cli_cost"); }

const json& the_case(const std::string& id) {
  static const json doc = [] {
    std::ifstream in(kZz + "/cases.json");
    return json::parse(in);
  }();
  for (const auto& c : doc.at("cases")) {
    if (c.at("id").get<std::string>() == id) return c;
  }
  throw std::runtime_error(id);
}

/// The case's layer as a one-layer YAML workload (a JSON object is a YAML flow mapping).
std::string layer_file(const json& c) {
  const auto path = temp_dir() / (c.at("layer").at("name").get<std::string>() + ".yaml");
  std::ofstream(path) << "- " << c.at("layer").dump() << "\n";
  return path.string();
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

void expect_matches(const json& got, const json& want, const std::string& id) {
  for (const char* k :
       {"latency_total0", "latency_total1", "latency_total2", "ideal_cycle", "ideal_temporal_cycle",
        "stall_slack_comb", "onloading_cycles", "offloading_cycles"}) {
    EXPECT_EQ(got.at(k).get<std::int64_t>(), want.at(k).get<std::int64_t>()) << id << " " << k;
  }
  for (const char* k : {"energy_total_pj", "mac_energy_pj", "memory_energy_pj"}) {
    EXPECT_NEAR(got.at(k).get<double>(), want.at(k).get<double>(), 1e-9 * want.at(k).get<double>())
        << id << " " << k;
  }
  for (const auto& [op, flags] : want.at("double_buffer").items()) {
    EXPECT_EQ(got.at("double_buffer").at(op), flags) << id << " double_buffer " << op;
  }
}

TEST(CliCost, SearchOnZigZagTpuMatchesTheReference) {
  const auto& c = the_case("TPU_like/resnet18_conv2_1");
  const auto r = run("cost --core " + kZz + "/cores/zigzag_tpu_like.yaml --layer " + layer_file(c) +
                         " --dataflow " + quoted(c.at("spatial_mapping_user").dump()) + " --json -",
                     false);
  ASSERT_EQ(r.code, 0) << r.out;
  const json j = json::parse(r.out);
  EXPECT_EQ(j.at("status"), "ok");
  expect_matches(j, c.at("expected"), "conv2_1");
  EXPECT_EQ(j.at("temporal_mapping"), c.at("temporal_mapping"));
  EXPECT_EQ(j.at("n_temporal_mappings_evaluated"), 720);
}

TEST(CliCost, CoreDataflowsAndTextReport) {
  // Stream's TPU core: both dataflows are candidates; {G 32} wins for the depthwise layer.
  const auto& c = the_case("Stream_TPU_like/depthwise_3x3");
  const auto core = kZz + "/cores/stream_tpu_like_20f6f27d.yaml";
  const auto out = temp_dir() / "dw.json";
  const auto r =
      run("cost --core " + core + " --layer " + layer_file(c) + " --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("spatial mapping 2 of 2: {D1: G 32}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("latency_total1 [cycles] (runtime)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(c.at("expected").at("latency_total1").get<long>())),
            std::string::npos)
      << r.out;
  std::ifstream in(out);
  const json j = json::parse(in);
  expect_matches(j, c.at("expected"), "depthwise");
  EXPECT_EQ(j.at("spatial_mapping_candidate"), 1);
}

TEST(CliCost, GivenTemporalMapping) {
  const auto& c = the_case("Eyeriss_like/depthwise_3x3");
  const auto tm = temp_dir() / "tm.json";
  std::ofstream(tm) << c.at("temporal_mapping").dump();
  const auto r =
      run("cost --core " + kZz + "/cores/zigzag_eyeriss_like.yaml --layer " + layer_file(c) +
              " --dataflow " + quoted(c.at("spatial_mapping_user").dump()) +
              " --temporal-mapping " + tm.string() + " --json -",
          false);
  ASSERT_EQ(r.code, 0) << r.out;
  const json j = json::parse(r.out);
  expect_matches(j, c.at("expected"), "eyeriss depthwise");
  EXPECT_EQ(j.at("n_temporal_mappings_evaluated"), 1);
}

TEST(CliCost, OffchipStreamsTheTooLargeOutput) {
  // ResNet-18 conv1 on Stream's TPU-like core: its 16-bit output does not fit the 1 MB
  // activation SRAM, so it streams to DRAM (Stream 2023 costs.csv, layer 0).
  const std::string dir =
      std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/R3_tpu_single_resnet18_lbl";
  const auto layer = temp_dir() / "conv1.yaml";
  std::ofstream(layer) << R"(- id: 0
  name: conv1
  operator_type: Conv
  equation: O[b][g][k][oy][ox]+=W[k][c][fy][fx]*I[b][g][c][iy][ix]
  dimension_relations: [ix=2*ox+1*fx, iy=2*oy+1*fy]
  loop_dims: [B, K, G, OX, OY, C, FX, FY]
  loop_sizes: [1, 64, 1, 112, 112, 3, 7, 7]
  padding: {IY: [3, 2], IX: [3, 2]}
  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}
  operand_source: {W: 0, I: 0}
)";
  const auto r =
      run("cost --core " + dir + "/inputs/hardware/cores/tpu_like.yaml --layer " + layer.string() +
              " --offchip " + dir + "/inputs/hardware/cores/offchip.yaml --json -",
          false);
  ASSERT_EQ(r.code, 0) << r.out;
  const json j = json::parse(r.out);
  std::ifstream csv(dir + "/costs.csv");
  std::string head, row;
  std::getline(csv, head);
  std::getline(csv, row);  // layer 0
  std::vector<std::string> f;
  std::stringstream ss(row);
  for (std::string c; std::getline(ss, c, ',');) f.push_back(c);
  EXPECT_EQ(j.at("runtime_cycles").get<std::int64_t>(), std::stoll(f[3]));
  EXPECT_EQ(j.at("latency_total0").get<std::int64_t>(), std::stoll(f[4]));
  EXPECT_EQ(j.at("latency_total2").get<std::int64_t>(), std::stoll(f[5]));
  EXPECT_NEAR(j.at("onchip_energy_pj").get<double>(), std::stod(f[8]), 1e-9 * std::stod(f[7]));
  EXPECT_NEAR(j.at("offchip_energy_pj").get<double>(), std::stod(f[9]), 1e-9 * std::stod(f[7]));
  EXPECT_EQ(j.at("too_large_operands").get<std::string>(), f[11]);
  EXPECT_EQ(j.at("memory_levels").at("O").back().get<std::string>(), "dram");
}

TEST(CliCost, BadInputExits2WithAClearMessage) {
  const auto& c = the_case("TPU_like/gemm_128x768x768");
  const auto core = kZz + "/cores/zigzag_tpu_like.yaml";
  const auto layer = layer_file(c);
  auto r = run("cost --core " + core + " --layer " + layer + " --dataflow '{D1: [G, 32]}'");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("no loop dimension G"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("gemm_128x768x768"), std::string::npos) << r.out;
  r = run("cost --core " + core + " --layer " + layer + " --dataflow '{D7: [K, 32]}'");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("'D7' is not an array dimension"), std::string::npos) << r.out;
  r = run("cost --core " + core + " --layer " + layer + " --dataflow '{D1: [K, 32]'");
  EXPECT_EQ(r.code, 2) << r.out;
  r = run("cost --core " + core + " --layer " + layer + " --lpf-limit 0");
  EXPECT_EQ(r.code, 2) << r.out;
  r = run("cost --core " + core + " --layer /no/such/layer.yaml");
  EXPECT_EQ(r.code, 2) << r.out;
  r = run("cost --core " + core);  // --layer is required
  EXPECT_EQ(r.code, 2) << r.out;
  // A core without the layer's weight memory operand.
  const auto no_w = temp_dir() / "no_w.yaml";
  {
    std::ifstream in(kZz + "/cores/stream_tpu_like_20f6f27d.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Drop the two I2 memories (rf_64B and sram_1MB_W).
    auto cut = [&](const std::string& from, const std::string& to) {
      const auto a = text.find(from), b = text.find(to);
      text.erase(a, b - a);
    };
    cut("  rf_64B:", "  rf_1KB:");
    cut("  sram_1MB_W:", "  sram_1MB_A:");
    std::ofstream(no_w) << text;
  }
  r = run("cost --core " + no_w.string() + " --layer " + layer);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("operand W (memory operand I2) is not stored in any memory"),
            std::string::npos)
      << r.out;
}

}  // namespace
