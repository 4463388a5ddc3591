// The tiler on the reference inputs read from files: CN and edge counts equal Stream's
// (metrics.json) and the CN lists (layer id, CN index, group) equal the schedule.csv rows of
// the Stream 2023 runs and of the validation cases.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "builders.hpp"
#include "graph_check.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

using namespace stream;
using namespace stream::tiler;

namespace {

const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference";

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  return nlohmann::json::parse(in);
}

using CnId = std::tuple<int, int, int>;  // layer id, CN index, group

/// (layer id, CN index, group) of every schedule.csv row; columns found by name.
std::multiset<CnId> schedule_cns(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  {
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) head.push_back(c);
  }
  auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      for (std::size_t i = 0; i < head.size(); ++i)
        if (head[i] == n) return i;
    ADD_FAILURE() << "no column in " << path;
    return std::size_t{0};
  };
  const std::size_t cl = col({"layer_id"}), cc = col({"cn_id", "cn"}), cg = col({"group"});
  std::multiset<CnId> out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, ',')) f.push_back(c);
    out.emplace(std::stoi(f[cl]), std::stoi(f[cc]), std::stoi(f[cg]));
  }
  return out;
}

std::multiset<CnId> graph_cns(const CnGraph& g) {
  std::multiset<CnId> out;
  for (const auto& cn : g.cns) out.emplace(cn.layer.value, cn.index, cn.group);
  return out;
}

struct RefRun {
  const char* folder;
  const char* workload;
  const char* mapping;
};

class Stream2023 : public ::testing::TestWithParam<RefRun> {};

TEST_P(Stream2023, CountsAndCnListMatchStream) {
  const RefRun r = GetParam();
  const std::string dir = kRef + "/stream2023/" + r.folder;
  const auto w = workload::load_workload(dir + "/inputs/workload/" + r.workload);
  const auto m = mapping::read_mapping(dir + "/inputs/mapping/" + r.mapping);
  const auto g = build_cn_graph(w, m);
  const auto metrics = read_json(dir + "/metrics.json");
  EXPECT_EQ(g.cn_count(), metrics["cn_count"].get<std::size_t>());
  EXPECT_EQ(g.edge_count(), metrics["edge_count"].get<std::size_t>());
  EXPECT_EQ(graph_cns(g), schedule_cns(dir + "/schedule.csv"));
  EXPECT_TRUE(g.warnings.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Runs, Stream2023,
    ::testing::Values(
        RefRun{"R3_tpu_single_resnet18_lbl", "resnet18.onnx", "tpu_like_single_core_lbl.yaml"},
        RefRun{"R4_tpu_single_resnet18_oy", "resnet18.onnx", "tpu_like_single_core_oy.yaml"},
        RefRun{"R8_tpu_single_fsrcnn_lbl", "fsrcnn.onnx", "tpu_like_single_core_lbl.yaml"},
        RefRun{"R9_tpu_single_fsrcnn_oy", "fsrcnn.onnx", "tpu_like_single_core_oy.yaml"}),
    [](const ::testing::TestParamInfo<RefRun>& p) {
      return std::string(p.param.folder).substr(0, 2);
    });

TEST(Stream2023Hybrid, R7ResNet18Hybrid) {
  // §10a R7: one output row per CN below layer id 24, layer by layer after: 716 CNs, 2282 edges.
  const auto w = workload::load_workload(kRef + "/stream2023/inputs/workload/resnet18.onnx");
  const auto m =
      mapping::read_mapping(kRef + "/stream2023/inputs/mapping/tpu_like_single_core_hybrid24.yaml");
  const auto g = build_cn_graph(w, m);
  EXPECT_EQ(g.cn_count(), 716u);
  EXPECT_EQ(g.edge_count(), 2282u);
}

TEST(Stream2023Hybrid, ResNet18FlattenEdgeCarriesDoubledBits) {
  // §4: GlobalAveragePool -> Flatten -> Gemm is a complex pair: the edge carries 8,192 bit for
  // a 4,096-bit tensor and the Gemm's data_produced_unique becomes 16,000 for 8,000 bit.
  const auto w = workload::load_workload(kRef + "/stream2023/inputs/workload/resnet18.onnx");
  const auto m =
      mapping::read_mapping(kRef + "/stream2023/inputs/mapping/tpu_like_single_core_lbl.yaml");
  const auto g = build_cn_graph(w, m);
  int gemm = -1;
  for (std::size_t i = 0; i < g.cns.size(); ++i)
    if (w.layers[static_cast<std::size_t>(g.cns[i].layer_index)].operator_type == "Gemm")
      gemm = static_cast<int>(i);
  ASSERT_GE(gemm, 0);
  EXPECT_EQ(g.cns[static_cast<std::size_t>(gemm)].data_produced_unique_bits, 16000);
  int into_gemm = 0;
  for (const auto& e : g.edges) {
    if (e.dst != gemm) continue;
    ++into_gemm;
    EXPECT_EQ(e.bits, 8192);
  }
  EXPECT_EQ(into_gemm, 1);
}

TEST(Stream2023Yaml, FsrcnnDictEqualsHandBuilt) {
  const auto w = workload::load_workload(kRef + "/stream2023/inputs/workload/fsrcnn.yaml");
  for (const auto& tiling : {std::vector<mapping::TilingLoop>{}, {test::loop_all("OY")}}) {
    const auto m = test::mapping_with(tiling);
    const auto g = build_cn_graph(w, m);
    const auto h = build_cn_graph(test::fsrcnn(), m);
    EXPECT_EQ(g.cn_count(), tiling.empty() ? 8u : 4320u);
    EXPECT_EQ(g.edge_count(), tiling.empty() ? 7u : 13482u);
    EXPECT_EQ(graph_cns(g), graph_cns(h));
    test::expect_exact_dependencies(w, g);
  }
}

class Validation : public ::testing::TestWithParam<const char*> {};

TEST_P(Validation, CountsAndCnListWithoutGroups) {
  const std::string dir = kRef + "/validation/" + GetParam();
  const auto w = workload::load_workload(dir + "/workload.yaml");
  const auto m = mapping::read_mapping(dir + "/mapping.yaml");
  TilerOptions june;
  june.cn_groups = false;  // the June-2023 validation-branch code had no CN groups
  const auto g = build_cn_graph(w, m, june);
  const auto metrics = read_json(dir + "/metrics.json");
  EXPECT_EQ(g.cn_count(), metrics["cn_count"].get<std::size_t>());
  EXPECT_EQ(g.edge_count(), metrics["edge_count"].get<std::size_t>());
  EXPECT_EQ(graph_cns(g), schedule_cns(dir + "/schedule.csv"));
  test::expect_exact_dependencies(w, g);
}

INSTANTIATE_TEST_SUITE_P(Cases, Validation, ::testing::Values("depfin", "diana", "aimc_4x4"));

}  // namespace
