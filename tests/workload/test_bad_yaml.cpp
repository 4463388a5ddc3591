// Bad YAML workloads: every one is an InputError naming the file, the YAML path and line, and
// the reason.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "stream/common/limits.hpp"
#include "stream/workload/load.hpp"
#include "test_helpers.hpp"

namespace stream::workload::test {
namespace {

const char* const kGood = R"(- id: 0
  operator_type: Conv
  equation: O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]
  dimension_relations: [ix=1*ox+1*fx, iy=1*oy+1*fy]
  loop_dims: [B, K, C, OY, OX, FY, FX]
  loop_sizes: [1, 16, 8, 14, 14, 3, 3]
  padding: {IY: [1, 1], IX: [1, 1]}
  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}
  operand_source: {I: 0, W: 0}
- id: 1
  operator_type: Conv
  equation: O[b][k][oy][ox]+=W[k][c]*I[b][c][oy][ox]
  loop_dims: [B, K, C, OY, OX]
  loop_sizes: [1, 16, 16, 14, 14]
  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}
  operand_source: {I: 0, W: 1}
)";

/// kGood with the first occurrence of `from` replaced by `to`.
std::string variant(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

void expect_yaml_error(const std::string& text, const std::string& where,
                       const std::string& reason) {
  expect_input_error([&] { parse_yaml_workload(text, "bad.yaml"); }, "bad.yaml", where, reason);
}

TEST(BadYaml, TheBaseCaseIsGood) {
  const auto w = parse_yaml_workload(kGood, "good.yaml");
  EXPECT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[1].operands[2].source, LayerId(0));
}

TEST(BadYaml, SyntaxErrorWithTab) {
  expect_yaml_error(variant("  operator_type: Conv", "\toperator_type: Conv"), "",
                    "YAML syntax error at line 2");
}

TEST(BadYaml, MissingEquation) {
  expect_yaml_error(variant("  equation: O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]\n", ""),
                    "[0] (line 1)", "missing field 'equation'");
}

TEST(BadYaml, LoopDimsAndSizesDiffer) {
  expect_yaml_error(variant("[1, 16, 8, 14, 14, 3, 3]", "[1, 16, 8, 14, 14, 3]"),
                    "[0].loop_sizes (line 6)", "has 6 entries but loop_dims has 7");
}

TEST(BadYaml, ZeroNegativeAndHugeLoopSizes) {
  expect_yaml_error(variant("[1, 16, 8, 14, 14, 3, 3]", "[1, 16, 8, 0, 14, 3, 3]"),
                    "[0].loop_sizes[3]", "loop size of OY must be at least 1, got 0");
  expect_yaml_error(variant("[1, 16, 8, 14, 14, 3, 3]", "[1, -16, 8, 14, 14, 3, 3]"),
                    "[0].loop_sizes[1]", "loop size of K must be at least 1, got -16");
  expect_yaml_error(variant("[1, 16, 8, 14, 14, 3, 3]", "[1, 16, 8, 14, 1e12, 3, 3]"),
                    "[0].loop_sizes[4]", "above the limit max_loop_size");
  expect_yaml_error(variant("[1, 16, 8, 14, 14, 3, 3]", "[1, 4000000, 4000000, 14, 14, 3, 3]"),
                    "[0].loop_sizes (line 6)", "above the limit max_layer_macs");
}

TEST(BadYaml, EquationProblems) {
  expect_yaml_error(variant("I[b][c][iy][ix]", "I[b][c][iy][qx]"), "[0].equation (line 3)",
                    "index 'qx' of operand I is neither a loop dim (B, K, C, OY, OX, FY, FX) nor "
                    "a dimension relation (IX, IY)");
  expect_yaml_error(variant("W[k][c][fy][fx]*I", "W[k][c][fy][fx]I"), "[0].equation",
                    "expected '*' or '+' between input operands");
}

TEST(BadYaml, RelationProblems) {
  expect_yaml_error(variant("ix=1*ox+1*fx", "ix=1*ox+1*qx"), "[0].dimension_relations[0]",
                    "relation IX names QX, which is not a loop dim of this layer");
  expect_yaml_error(variant("ix=1*ox+1*fx", "ix=1ox+fx"), "[0].dimension_relations[0]",
                    "cannot read relation 'ix=1ox+fx'");
}

TEST(BadYaml, PaddingProblems) {
  expect_yaml_error(variant("IX: [1, 1]", "IZ: [1, 1]"), "[0].padding.IZ",
                    "padding names 'IZ', which is not a dimension relation of this layer "
                    "(relations: IX, IY)");
  expect_yaml_error(variant("IX: [1, 1]", "IX: [9, 9]"), "[0].padding",
                    "relation IX covers 16 input positions for these loop sizes, not more than "
                    "its padding 9 + 9");
}

TEST(BadYaml, OperandSourceNamesAMissingLayer) {
  expect_yaml_error(variant("{I: 0, W: 1}", "{I: 7, W: 1}"), "[1].operand_source.I",
                    "layer 7 does not exist in this workload");
}

TEST(BadYaml, ForwardReference) {
  expect_yaml_error(variant("{I: 0, W: 0}", "{I: 1, W: 0}"), "[0].operand_source.I",
                    "forward references and cycles are not allowed");
}

TEST(BadYaml, PrecisionMissingForAnOperand) {
  expect_yaml_error(variant("{O: 16, O_final: 8, W: 8, I: 8}", "{O: 16, O_final: 8, I: 8}"),
                    "[0].operand_precision (line 8)", "no precision for operand W");
  expect_yaml_error(variant("{O: 16, O_final: 8, W: 8, I: 8}", "{O: 16, W: 8, I: 8}"),
                    "[0].operand_precision", "missing O_final");
}

TEST(BadYaml, UnknownKey) {
  expect_yaml_error(variant("  operator_type: Conv\n", "  operator_type: Conv\n  stride: 2\n"),
                    "[0].stride (line 3)",
                    "unknown field 'stride' (allowed here: id, name, operator_type, equation");
}

TEST(BadYaml, DuplicateLayerId) {
  expect_yaml_error(variant("- id: 1", "- id: 0"), "[1].id (line 10)",
                    "duplicate layer id 0 (also used by the layer at [0] (line 1))");
}

TEST(BadYaml, MemoryOperandLinks) {
  const std::string custom = R"(- id: 0
  operator_type: Add
  equation: O[k]=X[k]+Y[k]
  loop_dims: [K]
  loop_sizes: [4]
  operand_precision: {O: 8, O_final: 8, X: 8, Y: 8}
)";
  expect_yaml_error(custom, "[0].equation", "operand X has no memory operand");
  expect_yaml_error(custom + "  memory_operand_links: {X: I1, Y: I1}\n", "[0].memory_operand_links",
                    "operands X and Y both use memory operand I1");
  expect_yaml_error(custom + "  memory_operand_links: {X: I3, Y: I1}\n",
                    "[0].memory_operand_links.X", "expected I1, I2 or O, got 'I3'");
}

TEST(BadYaml, NotAListOfLayers) {
  expect_yaml_error("id: 0\noperator_type: Conv\n", "(document)", "list of layers");
  TempDir dir;
  const std::string path = dir.write("layers.yml", "[]\n");
  expect_input_error([&] { read_yaml_workload(path); }, "layers.yml", "(document)",
                     "the workload has no layers");
}

TEST(Robustness, MutatedYamlText) {
  const std::string chars = "0123456789-[]{}:,*+= \t\nxXIO#'\"";
  for (const std::string& text :
       {std::string(kGood), file_bytes(ref("validation/diana/workload.yaml"))}) {
    std::mt19937 rng(777);
    int errors = 0;
    auto parse = [](const std::string& t) { parse_yaml_workload(t, "mutated.yaml"); };
    for (int trial = 0; trial < 500; ++trial) {
      std::string m = text;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < edits; ++k) m[rng() % m.size()] = chars[rng() % chars.size()];
      expect_clean_outcome(parse, m, trial, &errors);
    }
    EXPECT_GT(errors, 100);
  }
}

}  // namespace
}  // namespace stream::workload::test
