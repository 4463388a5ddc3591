// End-to-end check of the cost model plus Stream 2023's too-large logic against Stream's own
// per-(layer, core) costs (tests/data/reference/stream2023/*/costs.csv: runtime =
// latency_total1, energy split on-chip / off-chip, too-large operands).
// Most layers are built here exactly as Stream 2023's ONNX parser built them (loop order,
// equations, precisions, pr totals = the ONNX input sizes, FSRCNN's OX = width), so every row
// checks the cost model alone; ResNet18FromOnnx checks the rows again through the project's
// ONNX reader.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "case_support.hpp"
#include "stream/cost/cost_model.hpp"
#include "stream/hardware/load.hpp"
#include "stream/workload/load.hpp"

namespace stream::cost {
namespace {

const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023";

struct Row {
  std::map<std::string, std::string> f;
  double d(const std::string& k) const { return std::stod(f.at(k)); }
  std::int64_t i(const std::string& k) const { return std::stoll(f.at(k)); }
};

std::map<int, Row> read_costs(const std::string& run) {
  std::ifstream in(kRef + "/" + run + "/costs.csv");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  std::stringstream hs(line);
  for (std::string c; std::getline(hs, c, ',');) head.push_back(c);
  std::map<int, Row> rows;
  while (std::getline(in, line)) {
    Row r;
    std::stringstream ls(line);
    std::size_t k = 0;
    for (std::string c; std::getline(ls, c, ',') || k < head.size(); ++k) {
      if (k < head.size()) r.f[head[k]] = c;
      c.clear();
    }
    rows[std::stoi(r.f.at("layer_id"))] = r;
  }
  return rows;
}

struct ConvShape {
  int id;
  std::int64_t K, C, O, F, stride, in;  // square output O x O, kernel F x F, input in x in
  std::int64_t pad_begin;
};

/// A Conv as Stream 2023's ONNX parser builds it: loop dims B K G OX OY C FX FY, equation
/// O[b][g][k][oy][ox]+=W[g][k][c][fy][fx]*I[b][g][c][iy][ix], pr totals = the input size.
workload::LayerSpec conv(const ConvShape& s, bool input_constant) {
  workload::LayerSpec l;
  l.id = LayerId(s.id);
  l.name = "conv" + std::to_string(s.id);
  l.operator_type = "Conv";
  l.equation = "O[b][g][k][oy][ox]+=W[g][k][c][fy][fx]*I[b][g][c][iy][ix]";
  l.dims = {{"B", 1},    {"K", s.K}, {"G", 1},    {"OX", s.O},
            {"OY", s.O}, {"C", s.C}, {"FX", s.F}, {"FY", s.F}};
  const auto ext = static_cast<std::int64_t>(workload::LayerSpec::relation_extent(
      static_cast<double>(s.O), static_cast<double>(s.F), s.stride, 1));
  const std::int64_t pad_end = ext - s.in - s.pad_begin;
  l.relations = {{"IX", 3, s.stride, 6, 1, s.pad_begin, pad_end},
                 {"IY", 4, s.stride, 7, 1, s.pad_begin, pad_end}};
  using workload::MemOperand;
  workload::OperandSpec o{
      "O", MemOperand::kO, true,  {{false, 0}, {false, 2}, {false, 1}, {false, 4}, {false, 3}},
      16,  std::nullopt,   false, {}};
  workload::OperandSpec w{"W",   MemOperand::kI2,
                          false, {{false, 2}, {false, 1}, {false, 5}, {false, 7}, {false, 6}},
                          8,     l.id,
                          true,  {}};
  workload::OperandSpec i{"I",
                          MemOperand::kI1,
                          false,
                          {{false, 0}, {false, 2}, {false, 5}, {true, 1}, {true, 0}},
                          8,
                          std::nullopt,
                          input_constant,
                          {}};
  if (input_constant) i.source = l.id;
  l.operands = {o, w, i};
  l.output_final_precision_bits = 8;
  l.constant_operands = input_constant ? std::vector<int>{2, 1} : std::vector<int>{1};
  return l;
}

// ResNet-18 (224x224) convolutions by ONNX node index, and the bits of the tensor feeding each
// (the producer's output at 8 bit = the CN's in-edge bits in layer-by-layer mode).
const std::vector<std::pair<ConvShape, std::int64_t>>& resnet18_convs() {
  static const std::vector<std::pair<ConvShape, std::int64_t>> v = {
      {{0, 64, 3, 112, 7, 2, 224, 3}, 0},
      {{3, 64, 64, 56, 3, 1, 56, 1}, 64 * 56 * 56 * 8},
      {{5, 64, 64, 56, 3, 1, 56, 1}, 64 * 56 * 56 * 8},
      {{13, 128, 64, 28, 3, 2, 56, 1}, 64 * 56 * 56 * 8},
      {{15, 128, 128, 28, 3, 1, 28, 1}, 128 * 28 * 28 * 8},
      {{16, 128, 64, 28, 1, 2, 56, 0}, 64 * 56 * 56 * 8},
      {{24, 256, 128, 14, 3, 2, 28, 1}, 128 * 28 * 28 * 8},
      {{26, 256, 256, 14, 3, 1, 14, 1}, 256 * 14 * 14 * 8},
      {{27, 256, 128, 14, 1, 2, 28, 0}, 128 * 28 * 28 * 8},
      {{35, 512, 256, 7, 3, 2, 14, 1}, 256 * 14 * 14 * 8},
      {{37, 512, 512, 7, 3, 1, 7, 1}, 512 * 7 * 7 * 8},
      {{38, 512, 256, 7, 1, 2, 14, 0}, 256 * 14 * 14 * 8},
  };
  return v;
}

std::string too_large_text(const std::array<bool, 3>& tl) {
  std::string s;
  for (auto m : {workload::MemOperand::kO, workload::MemOperand::kI1, workload::MemOperand::kI2}) {
    if (tl[static_cast<std::size_t>(m)])
      s += (s.empty() ? "" : ";") + std::string(workload::to_string(m));
  }
  return s;
}

void check_row(const Row& want, const CostResult& r, const std::string& id) {
  ASSERT_TRUE(r.ok()) << id << ": " << r.reason;
  EXPECT_EQ(r.summary.runtime_cycles, want.i("runtime_cycles")) << id;
  EXPECT_EQ(r.latency_total0, want.i("latency_total0")) << id;
  EXPECT_EQ(r.latency_total2, want.i("latency_total2")) << id;
  EXPECT_EQ(r.ideal_cycle, want.i("ideal_cycles")) << id;
  EXPECT_NEAR(r.energy_total_pj, want.d("energy_total_pj"), 1e-9 * want.d("energy_total_pj")) << id;
  EXPECT_NEAR(r.summary.onchip_energy_pj, want.d("onchip_energy_pj"),
              1e-9 * want.d("energy_total_pj"))
      << id;
  EXPECT_NEAR(r.summary.offchip_energy_pj, want.d("offchip_energy_pj"),
              1e-9 * want.d("energy_total_pj"))
      << id;
  EXPECT_NEAR(r.mac_energy_pj, want.d("mac_energy_pj"), 1e-9 * want.d("mac_energy_pj")) << id;
}

struct Fixture {
  hardware::CoreSpec tpu =
      hardware::read_core(kRef + "/R3_tpu_single_resnet18_lbl/inputs/hardware/cores/tpu_like.yaml");
  hardware::CoreSpec offchip =
      hardware::read_core(kRef + "/R3_tpu_single_resnet18_lbl/inputs/hardware/cores/offchip.yaml");
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

TEST(Stream2023, ResNet18LayerByLayerConvs) {
  const auto rows = read_costs("R3_tpu_single_resnet18_lbl");
  int checked = 0, too_large_rows = 0;
  for (const auto& [shape, in_bits] : resnet18_convs()) {
    const auto layer = conv(shape, shape.id == 0);
    const std::string id = "layer " + std::to_string(shape.id);
    const auto& want = rows.at(shape.id);
    const auto tl = too_large_operands(layer, {}, fx().tpu, {0, 0, in_bits});
    EXPECT_EQ(too_large_text(tl), want.f.at("too_large_operands")) << id;
    CostQuery q;
    q.layer = &layer;
    q.core = &fx().tpu;
    q.too_large = tl;
    q.offchip = &fx().offchip.levels.front();
    const CostResult r = evaluate(q);
    check_row(want, r, id);
    EXPECT_EQ(r.summary.too_large, tl) << id;
    too_large_rows += want.f.at("too_large_operands").empty() ? 0 : 1;
    ++checked;
  }
  EXPECT_EQ(checked, 12);
  EXPECT_EQ(too_large_rows, 3);  // conv1 (O), layer4.0.conv1 and conv2 (I2)
}

TEST(Stream2023, ResNet18OneRowCns) {
  // OY-fused run: every CN is one output row; pr sizes from the CN's loops, clipped.
  const auto rows = read_costs("R4_tpu_single_resnet18_oy");
  for (const auto& [shape, in_bits] : resnet18_convs()) {
    if (!rows.count(shape.id) || rows.at(shape.id).i("cn_count") != shape.O) continue;
    const auto layer = conv(shape, shape.id == 0);
    std::vector<std::int64_t> sizes;
    for (const auto& d : layer.dims) sizes.push_back(d.name == "OY" ? 1 : d.size);
    const std::string id = "layer " + std::to_string(shape.id) + " (one row)";
    CostQuery q;
    q.layer = &layer;
    q.loop_sizes = sizes;
    q.core = &fx().tpu;
    q.offchip = &fx().offchip.levels.front();
    // In-edge bits of one row CN: not needed when nothing is too large; check that.
    const auto tl = too_large_operands(layer, sizes, fx().tpu, {0, 0, in_bits});
    EXPECT_EQ(too_large_text(tl), rows.at(shape.id).f.at("too_large_operands")) << id;
    q.too_large = tl;
    check_row(rows.at(shape.id), evaluate(q), id);
  }
}

/// A layer in the YAML-layer form (as cases.json writes them), built with the loop order,
/// equation, precisions and pr totals (via the padding) of Stream 2023's ONNX parser. Variable
/// inputs have no operand_source here (their producers are not in a one-layer workload); their
/// in-edge bits are given to too_large_operands directly.
workload::LayerSpec yaml_layer(const std::string& text) {
  return test::layer_from_case(test::json::parse(text));
}

std::int64_t out_bits(const workload::LayerSpec& l) {
  return l.operand_elements(0) * l.output_final_precision_bits;
}

CostResult cost_with_stream_rules(const workload::LayerSpec& layer, const hardware::CoreSpec& core,
                                  const std::vector<std::int64_t>& in_bits,
                                  std::array<bool, 3>* tl_out = nullptr) {
  CostQuery q;
  q.layer = &layer;
  q.core = &core;
  q.too_large = too_large_operands(layer, {}, core, in_bits);
  q.offchip = &fx().offchip.levels.front();
  if (tl_out) *tl_out = q.too_large;
  return evaluate(q);
}

TEST(Stream2023, ResNet18PoolingSimdAndGemmRows) {
  // MaxPool and GlobalAveragePool on the pooling core, Add on the SIMD core, the FC layer on
  // the TPU core. MaxPool streams both its input and its output (O;I1).
  const auto rows = read_costs("R3_tpu_single_resnet18_lbl");
  const std::string dir = kRef + "/R3_tpu_single_resnet18_lbl/inputs/hardware/cores/";
  const auto pooling = hardware::read_core(dir + "pooling.yaml");
  const auto simd = hardware::read_core(dir + "simd.yaml");
  const auto maxpool = yaml_layer(R"({"id": 2, "name": "maxpool", "operator_type": "MaxPool",
      "equation": "O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix]",
      "dimension_relations": ["ix=2*ox+1*fx", "iy=2*oy+1*fy"],
      "loop_dims": ["B", "K", "OX", "OY", "FX", "FY"], "loop_sizes": [1, 64, 56, 56, 3, 3],
      "padding": {"IX": [1, 0], "IY": [1, 0]},
      "operand_precision": {"O": 8, "O_final": 8, "W": 0, "I": 8},
      "operand_source": {"W": 2}})");
  const auto gap = yaml_layer(R"({"id": 46, "name": "avgpool", "operator_type": "GlobalAveragePool",
      "equation": "O[b][k][oy][ox]+=W[fy][fx]*I[b][k][iy][ix]",
      "dimension_relations": ["ix=1*ox+1*fx", "iy=1*oy+1*fy"],
      "loop_dims": ["B", "K", "OX", "OY", "FX", "FY"], "loop_sizes": [1, 512, 1, 1, 7, 7],
      "operand_precision": {"O": 8, "O_final": 8, "W": 0, "I": 8},
      "operand_source": {"W": 46}})");
  const auto gemm = yaml_layer(
      R"({"id": 48, "name": "fc", "operator_type": "Gemm", "equation": "O[b][k]+=I[b][c]*W[c][k]",
      "loop_dims": ["K", "C", "B"], "loop_sizes": [1000, 512, 1],
      "operand_precision": {"O": 16, "O_final": 8, "W": 8, "I": 8},
      "operand_source": {"W": 48}})");
  auto add = [](int id, std::int64_t K, std::int64_t O) {
    return yaml_layer(R"({"id": )" + std::to_string(id) +
                      R"(, "name": "add", "operator_type": "Add",
      "equation": "O[b][k][oy][ox]+=I[b][k][oy][ox]*W[b][k][oy][ox]",
      "loop_dims": ["B", "K", "OX", "OY"], "loop_sizes": [1, )" +
                      std::to_string(K) + ", " + std::to_string(O) + ", " + std::to_string(O) +
                      R"(], "operand_precision": {"O": 8, "O_final": 8, "W": 8, "I": 8},
      "operand_source": {}})");
  };
  struct Check {
    const workload::LayerSpec layer;
    const hardware::CoreSpec* core;
    std::vector<std::int64_t> in_bits;
  };
  const std::vector<Check> checks = {
      {maxpool, &pooling, {0, 0, 64 * 112 * 112 * 8}},
      {gap, &pooling, {0, 0, 512 * 7 * 7 * 8}},
      {gemm, &fx().tpu, {0, 2 * 512 * 8, 0}},  // Flatten in between: Stream doubles the edge
      {add(6, 64, 56), &simd, {0, 64 * 56 * 56 * 8, 64 * 56 * 56 * 8}},
      {add(17, 128, 28), &simd, {0, 128 * 28 * 28 * 8, 128 * 28 * 28 * 8}},
      {add(28, 256, 14), &simd, {0, 256 * 14 * 14 * 8, 256 * 14 * 14 * 8}},
      {add(39, 512, 7), &simd, {0, 512 * 7 * 7 * 8, 512 * 7 * 7 * 8}},
  };
  for (const auto& c : checks) {
    const std::string id = "layer " + std::to_string(c.layer.id.value);
    std::array<bool, 3> tl{};
    const CostResult r = cost_with_stream_rules(c.layer, *c.core, c.in_bits, &tl);
    const auto& want = rows.at(c.layer.id.value);
    EXPECT_EQ(too_large_text(tl), want.f.at("too_large_operands")) << id;
    check_row(want, r, id);
  }
}

TEST(Stream2023, FsrcnnLayerByLayerStreamsOutputsAndInputs) {
  // FSRCNN on a 540x960 frame: Stream's parser names the width OX (960) and the height OY (540).
  // Layer 0 streams its output, layers 1-7 their output and input (O;I1) from DRAM.
  const auto rows = read_costs("R8_tpu_single_fsrcnn_lbl");
  struct L {
    int id;
    std::int64_t K, C, F, pad;
  };
  const std::vector<L> ls = {{0, 56, 1, 5, 2},  {1, 12, 56, 1, 0}, {2, 12, 12, 3, 1},
                             {3, 12, 12, 3, 1}, {4, 12, 12, 3, 1}, {5, 12, 12, 3, 1},
                             {6, 56, 12, 1, 0}, {7, 16, 56, 3, 1}};
  std::int64_t prev_out = 0;
  for (const auto& l : ls) {
    const std::string p = std::to_string(l.pad);
    const auto layer = yaml_layer(
        R"({"id": )" + std::to_string(l.id) + R"(, "name": "conv", "operator_type": "Conv",
      "equation": "O[b][g][k][oy][ox]+=W[k][c][fy][fx]*I[b][g][c][iy][ix]",
      "dimension_relations": ["ix=1*ox+1*fx", "iy=1*oy+1*fy"],
      "loop_dims": ["B", "K", "G", "OX", "OY", "C", "FX", "FY"],
      "loop_sizes": [1, )" +
        std::to_string(l.K) + ", 1, 960, 540, " + std::to_string(l.C) + ", " + std::to_string(l.F) +
        ", " + std::to_string(l.F) + R"(], "padding": {"IX": [)" + p + ", " + p + R"(], "IY": [)" +
        p + ", " + p + R"(]},
      "operand_precision": {"O": 16, "O_final": 8, "W": 8, "I": 8},
      "operand_source": {"W": )" +
        std::to_string(l.id) + (l.id == 0 ? R"(, "I": 0)" : "") + "}}");
    const std::string id = "fsrcnn layer " + std::to_string(l.id);
    std::array<bool, 3> tl{};
    const CostResult r = cost_with_stream_rules(layer, fx().tpu, {0, 0, prev_out}, &tl);
    const auto& want = rows.at(l.id);
    EXPECT_EQ(too_large_text(tl), want.f.at("too_large_operands")) << id;
    check_row(want, r, id);
    prev_out = out_bits(layer);
  }
}

/// Every row of a layer-by-layer run, with the layers from the run's ONNX model through the
/// workload reader and the cores from its accelerator file. Returns the rows checked exactly.
int check_onnx_run(const std::string& name, const std::string& acc_file, const std::string& onnx,
                   const std::set<int>& reader_pr_total) {
  const std::string run = kRef + "/" + name;
  const auto rows = read_costs(name);
  const auto acc = hardware::read_accelerator(run + "/inputs/hardware/" + acc_file);
  const auto w = workload::read_onnx_workload(run + "/inputs/workload/" + onnx);
  const auto& offchip = acc.find_core(acc.offchip_core)->spec->levels.front();
  int exact = 0;
  for (const auto& [lid, want] : rows) {
    const auto* layer = w.find_layer(LayerId(lid));
    if (layer == nullptr) {
      ADD_FAILURE() << name << ": no layer " << lid;
      continue;
    }
    const auto& core = *acc.find_core(CoreId(static_cast<int>(want.i("core"))))->spec;
    // In-edge bits of the variable inputs: the producers' whole outputs (one CN per layer);
    // through a Flatten (a "complex pair") Stream counts the edge twice.
    std::vector<std::int64_t> bits(layer->operands.size(), 0);
    for (std::size_t o = 1; o < layer->operands.size(); ++o) {
      const auto& op = layer->operands[o];
      if (op.is_constant || !op.source) continue;
      const bool direct = w.find_layer(*op.source) != nullptr;
      for (auto p : direct ? std::vector<LayerId>{*op.source} : w.costed_producers(*op.source)) {
        const auto* pl = w.find_layer(p);
        bits[o] += pl->operand_elements(0) * pl->output_final_precision_bits;
      }
      if (!direct && w.find_node(*op.source)->op_type == "Flatten") bits[o] *= 2;
    }
    CostQuery q;
    q.layer = layer;
    q.core = &core;
    q.too_large = too_large_operands(*layer, {}, core, bits);
    q.offchip = &offchip;
    const CostResult r = evaluate(q);
    const std::string id = name + " layer " + std::to_string(lid) + " " + layer->name;
    if (reader_pr_total.count(lid)) {
      std::printf("  %-60s (reader pr total) latency_total1 %lld vs %lld, energy %.3f vs %.3f\n",
                  id.c_str(), static_cast<long long>(r.latency_total1),
                  static_cast<long long>(want.i("runtime_cycles")), r.energy_total_pj,
                  want.d("energy_total_pj"));
      continue;
    }
    EXPECT_EQ(too_large_text(q.too_large), want.f.at("too_large_operands")) << id;
    check_row(want, r, id);
    ++exact;
  }
  return exact;
}

TEST(Stream2023, LayerByLayerRunsThroughTheOnnxReader) {
  // Every row of Stream's costs.csv, with the layers as the ONNX reader builds them (including
  // the real input extents Stream uses as pr_loop_dim_size for strided, padded convs and pools).
  EXPECT_EQ(check_onnx_run("R3_tpu_single_resnet18_lbl", "tpu_like_single_core.yaml",
                           "resnet18.onnx", {}),
            31);
  EXPECT_EQ(
      check_onnx_run("R8_tpu_single_fsrcnn_lbl", "tpu_like_single_core.yaml", "fsrcnn.onnx", {}),
      8);
}

}  // namespace
}  // namespace stream::cost
