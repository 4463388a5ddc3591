// CLI tests of `stream-hpc eval`: exact reference numbers with --costs, the example of the
// README, JSON and trace output, exit codes 2 (bad input) and 3 (infeasible point).
#include <gtest/gtest.h>
#include <sys/wait.h>

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
const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference";
const std::string kSrc = STREAM_SOURCE_DIR;

const std::string kR3Inputs = kRef + "/stream2023/R3_tpu_single_resnet18_lbl/inputs/";

/// eval on run R3's inputs (ResNet-18 layer by layer, TPU-like single core).
std::string r3_eval() {
  const std::string& d = kR3Inputs;
  return "eval -a " + d + "hardware/tpu_like_single_core.yaml -w " + d +
         "workload/resnet18.onnx -m " + d + "mapping/tpu_like_single_core_lbl.yaml";
}

using Result = stream::test::CommandResult;

Result run(const std::string& args) { return stream::test::run_shell(kExe + " " + args + " 2>&1"); }

bool has(const std::string& s, const std::string& what) { return stream::test::contains(s, what); }

fs::path temp_dir() { return stream::test::scratch_dir("cli_eval"); }

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

TEST(CliEval, CostsCsvReproducesR9AndWritesMetricsJson) {
  const std::string d = kRef + "/stream2023/R9_tpu_single_fsrcnn_oy/";
  const auto out = temp_dir() / "r9.json";
  const auto r = run("eval --accelerator " + d + "inputs/hardware/tpu_like_single_core.yaml" +
                     " --workload " + d + "inputs/workload/fsrcnn.onnx --mapping " + d +
                     "inputs/mapping/tpu_like_single_core_oy.yaml --costs " + d +
                     "costs.csv --json " + out.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "latency 56919778 cycles")) << r.out;
  EXPECT_TRUE(has(r.out, "4320 CNs, 13482 edges")) << r.out;
  const auto got = read_json(out);
  const auto want = read_json(d + "metrics.json");
  EXPECT_EQ(got["latency_cycles"], want["latency_cycles"]);
  EXPECT_DOUBLE_EQ(got["energy_pj"].get<double>(), want["energy_pj"].get<double>());
  for (const auto& [k, v] : want["energy_terms_pj"].items())
    EXPECT_DOUBLE_EQ(got["energy_terms_pj"][k].get<double>(), v.get<double>()) << k;
  ASSERT_EQ(got["memory_peaks"].size(), want["memory_peaks"].size());
  for (std::size_t i = 0; i < want["memory_peaks"].size(); ++i) {
    EXPECT_EQ(got["memory_peaks"][i]["memory"], want["memory_peaks"][i]["memory"]);
    EXPECT_EQ(got["memory_peaks"][i]["peak_bits"], want["memory_peaks"][i]["peak_bits"]);
    EXPECT_EQ(got["memory_peaks"][i]["memory_operands"],
              want["memory_peaks"][i]["memory_operands"]);
  }
  EXPECT_EQ(got["cn_count"], want["cn_count"]);
  EXPECT_EQ(got["edge_count"], want["edge_count"]);
}

TEST(CliEval, ValidationSemanticsReproducesDepfin) {
  const std::string d = kRef + "/validation/depfin/";
  const auto r = run("eval -a " + d + "accelerator.yaml -w " + d + "workload.yaml -m " + d +
                     "mapping.yaml --costs " + d + "costs.csv --semantics validation2023");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "latency 6370024 cycles")) << r.out;
}

TEST(CliEval, ReadmeExampleWithTraceForPerfetto) {
  const auto trace = temp_dir() / "trace.json";
  const auto r = run("eval --workload zoo:resnet18 --accelerator " + kSrc +
                     "/sweeps/hardware/stream2023/tpu_like_quad_core.yaml --mapping " + kSrc +
                     "/sweeps/mapping/tpu_like_quad_core_oy.yaml --trace " + trace.string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "849 CNs")) << r.out;
  EXPECT_TRUE(has(r.out, "total_cn_onchip_energy")) << r.out;
  EXPECT_TRUE(has(r.out, "sram_1MB_W")) << r.out;
  EXPECT_TRUE(has(r.out, "utilisation")) << r.out;
  const auto t = read_json(trace);
  ASSERT_TRUE(t.contains("traceEvents"));
  int cns = 0, counters = 0, transfers = 0;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "X" && e["pid"] == 1) ++cns;
    if (e["ph"] == "X" && e["pid"] == 2) ++transfers;
    if (e["ph"] == "C") ++counters;
  }
  EXPECT_EQ(cns, 849);
  EXPECT_GT(transfers, 0);
  EXPECT_GT(counters, 0);
}

TEST(CliEval, LatencyPriorityOverride) {
  const std::string d = kRef + "/stream2023/R9_tpu_single_fsrcnn_oy/";
  const auto args = " --accelerator " + d + "inputs/hardware/tpu_like_single_core.yaml" +
                    " --workload " + d + "inputs/workload/fsrcnn.onnx --mapping " + d +
                    "inputs/mapping/tpu_like_single_core_oy.yaml --costs " + d + "costs.csv";
  const auto a = run("eval" + args + " --priority latency");
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_TRUE(has(a.out, "priority latency")) << a.out;
  EXPECT_TRUE(has(a.out, "4320 CNs")) << a.out;
}

TEST(CliEval, InfeasiblePointExits3WithReason) {
  // A copy of the single-core TPU-like accelerator whose activation SRAM is far too small.
  const std::string d = kRef + "/stream2023/R4_tpu_single_resnet18_oy/inputs/";
  const auto dir = temp_dir() / "tiny";
  fs::create_directories(dir / "cores");
  for (const auto& f : fs::directory_iterator(d + "hardware/cores"))
    fs::copy_file(f.path(), dir / "cores" / f.path().filename(),
                  fs::copy_options::overwrite_existing);
  fs::copy_file(d + "hardware/tpu_like_single_core.yaml", dir / "acc.yaml",
                fs::copy_options::overwrite_existing);
  {
    std::ifstream in(dir / "cores" / "tpu_like.yaml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("sram_1MB_A");
    ASSERT_NE(at, std::string::npos);
    const auto size = text.find("size:", at);
    const auto eol = text.find('\n', size);
    text.replace(size, eol - size, "size: 20000");
    std::ofstream(dir / "cores" / "tpu_like.yaml") << text;
  }
  const auto args = "eval -a " + (dir / "acc.yaml").string() + " -w " + d +
                    "workload/resnet18.onnx -m " + d + "mapping/tpu_like_single_core_oy.yaml";
  // The cost model finds no temporal mapping for conv1 in 20,000 bits.
  auto r = run(args);
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "infeasible")) << r.out;
  EXPECT_TRUE(has(r.out, "layer 0")) << r.out;
  // With the original costs the scheduler itself runs out of room and names the memory.
  r = run(args + " --costs " + kRef + "/stream2023/R4_tpu_single_resnet18_oy/costs.csv");
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_TRUE(has(r.out, "infeasible")) << r.out;
  EXPECT_TRUE(has(r.out, "sram_1MB_A")) << r.out;
  EXPECT_TRUE(has(r.out, "CN (layer")) << r.out;
}

TEST(CliEval, BadInputExits2) {
  const std::string base = r3_eval();
  auto r = run(base + " --priority fastest");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "fastest")) << r.out;
  r = run(base + " --semantics 2019");
  EXPECT_EQ(r.code, 2) << r.out;
  r = run(base + " --costs /nonexistent/costs.csv");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "/nonexistent/costs.csv")) << r.out;
  const std::string& d = kR3Inputs;
  r = run("eval -a " + d + "hardware/tpu_like_single_core.yaml -w zoo:nonexistent -m " + d +
          "mapping/tpu_like_single_core_lbl.yaml");
  EXPECT_EQ(r.code, 2) << r.out;
}

// --fix: ResNet-18 one row per CN with every conv split over K across the quad core's four
// cores, so the cores share input tensors. share-fetches must fetch less from DRAM and say so
// in the JSON; the default run lists no fix.
TEST(CliEval, FixShareFetchesCutsDramTraffic) {
  const auto dir = temp_dir();
  const std::string base = "eval --workload zoo:resnet18 --accelerator " + kSrc +
                           "/sweeps/hardware/stream2023/tpu_like_quad_core.yaml --mapping " + kSrc +
                           "/sweeps/mapping/tpu_like_quad_core_oy_k4.yaml";
  auto r = run(base + " --json " + (dir / "default.json").string());
  ASSERT_EQ(r.code, 0) << r.out;
  r = run(base + " --fix share-fetches --json " + (dir / "share.json").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "fixes share-fetches")) << r.out;
  const auto a = read_json(dir / "default.json");
  const auto b = read_json(dir / "share.json");
  EXPECT_TRUE(a["scheduler_fixes"].is_array());
  EXPECT_TRUE(a["scheduler_fixes"].empty());
  EXPECT_EQ(b["scheduler_fixes"], nlohmann::json::array({"share-fetches"}));
  EXPECT_LT(b["dram_traffic_bits"].get<std::int64_t>(), a["dram_traffic_bits"].get<std::int64_t>());
  EXPECT_GT(b["energy_terms_pj"]["total_core_to_core_memory_energy"].get<double>(),
            a["energy_terms_pj"]["total_core_to_core_memory_energy"].get<double>());
  EXPECT_EQ(a["cn_count"], b["cn_count"]);
  // "all" lists every fix.
  r = run(base + " --fix all --json " + (dir / "all.json").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(read_json(dir / "all.json")["scheduler_fixes"],
            nlohmann::json::array({"share-fetches", "wait-for-space"}));
}

TEST(CliEval, BadFixNameExits2NamingTheValidOnes) {
  const std::string base = r3_eval();
  auto r = run(base + " --fix share-fetches,faster");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "--fix")) << r.out;
  EXPECT_TRUE(has(r.out, "'faster'")) << r.out;
  EXPECT_TRUE(has(r.out, "share-fetches, wait-for-space, all, none")) << r.out;
  // The fixes are for the Stream 2023 scheduler only.
  r = run(base + " --fix all --semantics validation2023");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "stream2023")) << r.out;
}

}  // namespace
