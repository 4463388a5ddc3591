// YAML workload reader: the reference files, ZigZag's per-layer cases and the syntax variants.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "stream/workload/load.hpp"
#include "test_helpers.hpp"

namespace stream::workload::test {
namespace {

TEST(YamlWorkload, EveryReferenceFileLoads) {
  struct Expect {
    const char* file;
    const char* name;
    std::size_t layers;
    std::int64_t macs;
  };
  // MACs: FSRCNN 540x960 (as the ONNX file), DIANA's first ResNet-18 layers (2x2 max pool),
  // the AiMC ResNet-50 segment.
  const Expect files[] = {
      {"stream2023/inputs/workload/fsrcnn.yaml", "fsrcnn", 8, 8290252800},
      {"validation/depfin/workload.yaml", "workload", 8, 8290252800},
      {"validation/diana/workload.yaml", "workload", 9,
       118013952 + 802816 + 4 * 115605504 + 12845056 + 2 * 200704},
      {"validation/aimc_4x4/workload.yaml", "workload", 5, 3 * 51380224 + 2 * 115605504},
  };
  for (const auto& e : files) {
    SCOPED_TRACE(e.file);
    const auto w = read_yaml_workload(ref(e.file));
    EXPECT_EQ(w.layers.size(), e.layers);
    EXPECT_EQ(w.nodes.size(), e.layers);
    EXPECT_EQ(w.total_macs(), e.macs);
    EXPECT_EQ(w.name, e.name);
    for (std::size_t i = 0; i < w.nodes.size(); ++i) {
      EXPECT_EQ(w.nodes[i].id, w.layers[i].id);
      EXPECT_EQ(w.nodes[i].layer, static_cast<int>(i));
      EXPECT_EQ(w.nodes[i].kind, NodeKind::kLayer);
    }
  }
}

TEST(YamlWorkload, FsrcnnYamlDetails) {
  const auto w = read_yaml_workload(ref("stream2023/inputs/workload/fsrcnn.yaml"));
  const LayerSpec& l0 = w.layers[0];
  EXPECT_EQ(l0.operator_type, "Conv");
  EXPECT_EQ(dim_names(l0), (std::vector<std::string>{"B", "K", "C", "OY", "OX", "FY", "FX"}));
  EXPECT_EQ(sizes(l0), (std::vector<std::int64_t>{1, 56, 1, 540, 960, 5, 5}));
  // I has no operand_source: no producer and not constant; W names the layer itself.
  const auto& i0 = l0.operands[static_cast<std::size_t>(l0.operand_index("I"))];
  EXPECT_FALSE(i0.source.has_value());
  EXPECT_FALSE(i0.is_constant);
  EXPECT_EQ(constant_names(l0), (std::vector<std::string>{"W"}));
  EXPECT_TRUE(w.nodes[0].inputs.empty());
  EXPECT_EQ(l0.relation_index("IY"), 1);
  EXPECT_EQ(l0.relations[1].pad_begin, 2);
  // The 1x1 layer 1 indexes I by oy/ox directly.
  const LayerSpec& l1 = w.layers[1];
  EXPECT_TRUE(l1.relations.empty());
  const auto& i1 = l1.operands[2];
  EXPECT_EQ(i1.name, "I");
  EXPECT_FALSE(i1.indices[2].is_relation);
  EXPECT_EQ(l1.dims[static_cast<std::size_t>(i1.indices[2].index)].name, "OY");
  EXPECT_EQ(i1.source, LayerId(0));
  EXPECT_EQ(w.nodes[1].inputs, (std::vector<std::optional<LayerId>>{LayerId(0)}));
  ASSERT_EQ(i1.source_dimension_mapping.size(), 3u);
  EXPECT_EQ(i1.source_dimension_mapping[2], (std::pair<std::string, std::string>{"C", "K"}));
  // Layer 6 carries IX/IY padding without IX/IY relations: ignored, as in Stream.
  EXPECT_TRUE(w.layers[6].relations.empty());
  // Input extents for the tiler: I of layer 2 = [B, C, IY, IX] with unpadded IY/IX totals.
  EXPECT_EQ(w.nodes[2].input_shapes[0], (std::vector<std::int64_t>{1, 12, 540, 960}));
  EXPECT_EQ(w.nodes[2].output_shape, (std::vector<std::int64_t>{1, 12, 540, 960}));
}

TEST(YamlWorkload, DianaPoolingAddAndConstantOrder) {
  const auto w = read_yaml_workload(ref("validation/diana/workload.yaml"));
  const LayerSpec& conv1 = w.layers[0];
  EXPECT_EQ(constant_names(conv1), (std::vector<std::string>{"I", "W"}));
  EXPECT_EQ(conv1.relations[0].coef_a, 2);
  EXPECT_EQ(conv1.relations[0].pad_end, 2);
  EXPECT_EQ(conv1.relation_total(0), 224);  // 229 - (3 + 2)
  const LayerSpec& pool = w.layers[1];
  EXPECT_EQ(pool.operands[1].name, "W");
  EXPECT_EQ(pool.operands[1].precision_bits, 0);
  EXPECT_EQ(pool.operands[2].source, LayerId(0));
  const LayerSpec& add = w.layers[5];
  EXPECT_EQ(add.equation, "O[b][g][oy][ox]=W[b][g][oy][ox]+I[b][g][oy][ox]");
  ASSERT_EQ(add.operands.size(), 3u);
  EXPECT_EQ(add.operands[1].name, "W");
  EXPECT_EQ(add.operands[1].mem_operand, MemOperand::kI2);
  EXPECT_EQ(add.operands[2].mem_operand, MemOperand::kI1);
  EXPECT_EQ(add.operands[1].source, LayerId(3));
  EXPECT_EQ(add.operands[2].source, LayerId(4));
  EXPECT_TRUE(add.constant_operands.empty());
  EXPECT_EQ(w.nodes[5].inputs, (std::vector<std::optional<LayerId>>{LayerId(3), LayerId(4)}));
  EXPECT_EQ(w.consumers(LayerId(1)), (std::vector<LayerId>{LayerId(2), LayerId(3)}));
}

TEST(YamlWorkload, ZigZagCasesParseWithTheirMacCounts) {
  std::ifstream in(ref("zigzag245/cases.json"));
  ASSERT_TRUE(in.good());
  const auto doc = nlohmann::json::parse(in);
  const auto& cases = doc.at("cases");
  ASSERT_EQ(cases.size(), 15u);
  for (const auto& c : cases) {
    const std::string id = c.at("id").get<std::string>();
    SCOPED_TRACE(id);
    // JSON is YAML: the case's layer is one element of a YAML layer list.
    std::string text = c.at("layer").dump();
    text.insert(text.begin(), '[');
    text.push_back(']');
    const auto w = parse_yaml_workload(text, id);
    ASSERT_EQ(w.layers.size(), 1u);
    const LayerSpec& l = w.layers[0];
    EXPECT_EQ(l.mac_count(), c.at("total_mac_count").get<std::int64_t>());
    // Both inputs name the layer itself: constant.
    EXPECT_EQ(l.constant_operands.size(), 2u);
    for (const auto& [rel, size] : c.at("input_size").items()) {
      const int r = l.relation_index(rel);
      ASSERT_GE(r, 0);
      EXPECT_EQ(l.relation_total(r), size.get<std::int64_t>());
      EXPECT_EQ(l.relations[static_cast<std::size_t>(r)].coef_a,
                c.at("strides").at(rel).at("stride").get<std::int64_t>());
    }
  }
}

TEST(YamlWorkload, SyntaxVariants) {
  // '=' with '+', blanks, custom operand names with memory links, Stream's list form of
  // operand_source, ZigZag 3's pr_loop_dims with list-form padding, unordered ids.
  const std::string text = R"(
- id: 3
  operator_type: Add
  equation: "O[b][k] = X[b][k] + Y[b][k]"
  loop_dims: [b, k]
  loop_sizes: [2, 8]
  operand_precision: {O: 16, O_final: 8, X: 8, Y: 8}
  operand_source: {X: [1], Y: []}
  memory_operand_links: {O: O, X: I2, Y: I1}
- id: 1
  operator_type: Conv
  equation: O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]
  dimension_relations: ["ix = ox + 2*fx", iy=1*oy+1*fy]
  pr_loop_dims: [IX, IY]
  pr_loop_sizes: [12, 10]
  padding: [[2, 2], [1, 1]]
  loop_dims: [B, K, C, OY, OX, FY, FX]
  loop_sizes: [2, 8, 4, 8, 8, 3, 3]
  operand_precision: {O: 16, O_final: 8, W: 4, I: 8}
  operand_source: {W: 1}
- id: 4
  operator_type: Reduce
  equation: O[b]+=I[b][k]*W[]
  loop_dims: [B, K]
  loop_sizes: [2, 8]
  operand_precision: {O: 16, O_final: 8, W: 0, I: 8}
  operand_source: {I: 3, W: 4}
)";
  const auto w = parse_yaml_workload(text, "variants.yaml");
  ASSERT_EQ(w.layers.size(), 3u);
  EXPECT_EQ(w.layers[0].id, LayerId(1));
  EXPECT_EQ(w.layers[1].id, LayerId(3));
  const LayerSpec& conv = w.layers[0];
  EXPECT_EQ(conv.relations[0].coef_a, 1);
  EXPECT_EQ(conv.relations[0].coef_b, 2);
  EXPECT_EQ(conv.relations[0].pad_begin, 2);
  EXPECT_EQ(conv.relations[1].pad_end, 1);
  // pr_loop_sizes states the real input extents (Stream's pr_loop_dim_size): they win over
  // the derived value (dilation 2: 12 positions - padding 4 = 8).
  EXPECT_EQ(conv.relation_total(0), 12);
  EXPECT_EQ(conv.relation_total(1), 10);
  LayerSpec derived = conv;
  derived.relations[0].total = 0;
  EXPECT_EQ(derived.relation_total(0), 8 + 2 * 2 - 4);
  EXPECT_EQ(conv.operands[1].precision_bits, 4);
  const LayerSpec& add = w.layers[1];
  EXPECT_EQ(add.dims[0].name, "B");
  EXPECT_EQ(add.operands[1].name, "X");
  EXPECT_EQ(add.operands[1].mem_operand, MemOperand::kI2);
  EXPECT_EQ(add.operands[1].source, LayerId(1));
  EXPECT_FALSE(add.operands[2].source.has_value());
  EXPECT_EQ(w.nodes[1].inputs, (std::vector<std::optional<LayerId>>{LayerId(1)}));
  const LayerSpec& red = w.layers[2];
  EXPECT_EQ(red.operands[1].name, "I");
  EXPECT_EQ(red.operands[2].name, "W");
  EXPECT_TRUE(red.operands[2].indices.empty());
  EXPECT_EQ(constant_names(red), (std::vector<std::string>{"W"}));
}

}  // namespace
}  // namespace stream::workload::test
