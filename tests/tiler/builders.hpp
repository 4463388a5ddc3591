#pragma once
// Hand-built workloads and mappings for the tiler tests and benchmarks (no file readers needed).

#include <optional>
#include <string>
#include <vector>

#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::tiler::test {

using workload::LayerSpec;
using workload::MemOperand;
using workload::NodeKind;
using workload::NodeSpec;
using workload::WorkloadSpec;

struct Rel {
  std::string name;  // e.g. "IY"
  std::string a;     // e.g. "OY"
  std::int64_t ca;
  std::string b;  // e.g. "FY"
  std::int64_t cb;
  std::int64_t pad_begin = 0;
  std::int64_t pad_end = 0;
};

struct Opnd {
  std::string name;  // O, W, I, ...
  MemOperand mem;
  std::vector<std::string> idx;  // loop dim or relation names, equation order
  int precision = 8;
  std::optional<int> source;  // producer node id; the layer's own id = constant
};

/// A layer from its pieces, in the YAML reader's form: operands[0] is the output, the inputs
/// follow in equation order; `constants` names the constant operands in Stream's order.
inline LayerSpec make_layer(int id, const std::string& name, const std::string& op_type,
                            const std::vector<std::pair<std::string, std::int64_t>>& dims,
                            const std::vector<Rel>& rels, const std::vector<Opnd>& ops,
                            const std::vector<std::string>& constants, int o_final = 8) {
  LayerSpec l;
  l.id = LayerId(id);
  l.name = name;
  l.operator_type = op_type;
  for (const auto& [n, s] : dims) l.dims.push_back({n, s});
  for (const auto& r : rels) {
    l.relations.push_back(
        {r.name, l.dim_index(r.a), r.ca, l.dim_index(r.b), r.cb, r.pad_begin, r.pad_end});
  }
  for (std::size_t o = 0; o < ops.size(); ++o) {
    workload::OperandSpec s;
    s.name = ops[o].name;
    s.mem_operand = ops[o].mem;
    s.is_output = o == 0;
    for (const auto& i : ops[o].idx) {
      const int r = l.relation_index(i);
      if (r >= 0) {
        s.indices.push_back({true, r});
      } else {
        s.indices.push_back({false, l.dim_index(i)});
      }
    }
    s.precision_bits = ops[o].precision;
    if (ops[o].source) s.source = LayerId(*ops[o].source);
    s.is_constant = ops[o].source && *ops[o].source == id;
    l.operands.push_back(s);
  }
  for (const auto& c : constants) l.constant_operands.push_back(l.operand_index(c));
  l.output_final_precision_bits = o_final;
  return l;
}

class Builder {
 public:
  /// Adds a costed layer; its node's inputs are the sources of its variable operands.
  Builder& layer(LayerSpec l, std::vector<std::int64_t> out_shape = {}) {
    NodeSpec n;
    n.id = l.id;
    n.name = l.name;
    n.op_type = l.operator_type;
    n.kind = NodeKind::kLayer;
    for (const auto& op : l.operands) {
      if (op.is_output || !op.source || *op.source == l.id) continue;
      n.inputs.emplace_back(*op.source);
    }
    n.output_shape = std::move(out_shape);
    n.layer = static_cast<int>(w_.layers.size());
    w_.nodes.push_back(n);
    w_.layers.push_back(std::move(l));
    return *this;
  }
  /// Adds a free node.
  Builder& free(int id, NodeKind kind, std::vector<int> inputs,
                std::vector<std::vector<std::int64_t>> input_shapes = {},
                std::vector<std::int64_t> output_shape = {}, std::vector<std::int64_t> perm = {},
                std::int64_t axis = 0, const std::string& op_type = "Free") {
    NodeSpec n;
    n.id = LayerId(id);
    n.name = op_type + std::to_string(id);
    n.op_type = op_type;
    n.kind = kind;
    for (int i : inputs) n.inputs.emplace_back(LayerId(i));
    n.input_shapes = std::move(input_shapes);
    n.output_shape = std::move(output_shape);
    n.perm = std::move(perm);
    n.axis = axis;
    w_.nodes.push_back(n);
    return *this;
  }
  WorkloadSpec build(const std::string& name = "test") {
    w_.name = name;
    w_.source = name;
    return w_;
  }

 private:
  WorkloadSpec w_;
};

/// O[b][k][oy][ox] += W[k][c][fy][fx] * I[b][c][iy][ix]; `src` empty = the input has no
/// producer; `input_constant` = the input is a constant operand (a network input in DRAM).
inline LayerSpec conv(int id, std::int64_t k, std::int64_t c, std::int64_t oy, std::int64_t ox,
                      std::int64_t fy, std::int64_t fx, std::int64_t sy, std::int64_t sx,
                      std::int64_t pad_y0, std::int64_t pad_y1, std::int64_t pad_x0,
                      std::int64_t pad_x1, std::optional<int> src, bool input_constant = false,
                      const std::string& name = "") {
  std::optional<int> isrc = input_constant ? std::optional<int>(id) : src;
  std::vector<std::string> constants;
  if (input_constant) constants.push_back("I");
  constants.push_back("W");
  return make_layer(
      id, name.empty() ? "conv" + std::to_string(id) : name, "Conv",
      {{"B", 1}, {"K", k}, {"C", c}, {"OY", oy}, {"OX", ox}, {"FY", fy}, {"FX", fx}},
      {{"IX", "OX", sx, "FX", 1, pad_x0, pad_x1}, {"IY", "OY", sy, "FY", 1, pad_y0, pad_y1}},
      {{"O", MemOperand::kO, {"B", "K", "OY", "OX"}, 16, std::nullopt},
       {"W", MemOperand::kI2, {"K", "C", "FY", "FX"}, 8, id},
       {"I", MemOperand::kI1, {"B", "C", "IY", "IX"}, 8, isrc}},
      constants);
}

/// O[b][k][oy][ox] += W[k][c] * I[b][c][oy][ox] (FSRCNN's 1x1 layers).
inline LayerSpec pointwise(int id, std::int64_t k, std::int64_t c, std::int64_t oy, std::int64_t ox,
                           int src) {
  return make_layer(id, "pw" + std::to_string(id), "Conv_pointwise",
                    {{"B", 1}, {"K", k}, {"C", c}, {"OY", oy}, {"OX", ox}}, {},
                    {{"O", MemOperand::kO, {"B", "K", "OY", "OX"}, 16, std::nullopt},
                     {"W", MemOperand::kI2, {"K", "C"}, 8, id},
                     {"I", MemOperand::kI1, {"B", "C", "OY", "OX"}, 8, src}},
                    {"W"});
}

/// O[b][g][oy][ox] = W[b][g][oy][ox] + I[b][g][oy][ox] (two variable inputs).
inline LayerSpec add(int id, std::int64_t g, std::int64_t oy, std::int64_t ox, int src_w,
                     int src_i) {
  return make_layer(id, "add" + std::to_string(id), "Add",
                    {{"B", 1}, {"G", g}, {"OY", oy}, {"OX", ox}}, {},
                    {{"O", MemOperand::kO, {"B", "G", "OY", "OX"}, 16, std::nullopt},
                     {"W", MemOperand::kI2, {"B", "G", "OY", "OX"}, 8, src_w},
                     {"I", MemOperand::kI1, {"B", "G", "OY", "OX"}, 8, src_i}},
                    {});
}

/// FSRCNN 540x960 as Stream's user-defined dict (inputs/workload/fsrcnn.yaml).
inline WorkloadSpec fsrcnn(std::int64_t oy = 540, std::int64_t ox = 960) {
  Builder b;
  b.layer(conv(0, 56, 1, oy, ox, 5, 5, 1, 1, 2, 2, 2, 2, std::nullopt));
  b.layer(pointwise(1, 12, 56, oy, ox, 0));
  for (int i = 2; i <= 5; ++i) b.layer(conv(i, 12, 12, oy, ox, 3, 3, 1, 1, 1, 1, 1, 1, i - 1));
  b.layer(pointwise(6, 56, 12, oy, ox, 5));
  b.layer(conv(7, 16, 56, oy, ox, 3, 3, 1, 1, 1, 1, 1, 1, 6));
  return b.build("fsrcnn");
}

/// The DIANA validation workload (validation/diana/workload.yaml): ResNet-18's first 9 layers.
inline WorkloadSpec diana_workload() {
  Builder b;
  b.layer(conv(0, 64, 3, 112, 112, 7, 7, 2, 2, 3, 2, 3, 2, std::nullopt, true, "conv1"));
  b.layer(make_layer(1, "maxpool", "MaxPool",
                     {{"B", 1}, {"G", 64}, {"OY", 56}, {"OX", 56}, {"FX", 2}, {"FY", 2}},
                     {{"IX", "OX", 2, "FX", 1}, {"IY", "OY", 2, "FY", 1}},
                     {{"O", MemOperand::kO, {"B", "G", "OY", "OX"}, 16, std::nullopt},
                      {"W", MemOperand::kI2, {"FX", "FY"}, 0, 1},
                      {"I", MemOperand::kI1, {"B", "G", "IY", "IX"}, 8, 0}},
                     {"W"}));
  b.layer(conv(2, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 1, false, "conv2_1"));
  b.layer(conv(3, 64, 64, 56, 56, 1, 1, 1, 1, 0, 0, 0, 0, 1, false, "conv_1x1_extra"));
  b.layer(conv(4, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 2, false, "conv2_2"));
  b.layer(add(5, 64, 56, 56, 3, 4));
  b.layer(conv(6, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 5, false, "conv2_3"));
  b.layer(conv(7, 64, 64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 6, false, "conv2_4"));
  b.layer(add(8, 64, 56, 56, 5, 7));
  return b.build("diana");
}

inline mapping::TilingLoop loop(const std::string& dim, std::int64_t size) {
  return mapping::TilingLoop{dim, size, false, false};
}
inline mapping::TilingLoop loop_all(const std::string& dim) {
  return mapping::TilingLoop{dim, 1, true, false};
}

/// A mapping with one default entry on core 0 and the given tilings.
inline mapping::MappingSpec mapping_with(std::vector<mapping::TilingLoop> intra,
                                         std::vector<mapping::TilingLoop> inter = {}) {
  mapping::MappingSpec m;
  m.file = "test-mapping.yaml";
  mapping::MappingEntrySpec e;
  e.name = "default";
  e.core_allocation = {CoreId(0)};
  e.intra_core_tiling = std::move(intra);
  e.inter_core_tiling = std::move(inter);
  e.where = "[0]";
  m.entries.push_back(e);
  return m;
}

/// The DIANA validation mapping (validation/diana/mapping.yaml).
inline mapping::MappingSpec diana_mapping() {
  mapping::MappingSpec m;
  m.file = "diana-mapping.yaml";
  auto entry = [&](const std::string& name, std::vector<mapping::TilingLoop> t) {
    mapping::MappingEntrySpec e;
    e.name = name;
    e.core_allocation = {CoreId(0)};
    e.intra_core_tiling = std::move(t);
    m.entries.push_back(e);
  };
  entry("conv1", {loop("K", 4), loop("OX", 8), loop("OY", 112)});
  entry("MaxPool", {loop("OX", 4), loop("OY", 56)});
  entry("Conv", {loop("OY", 56)});
  entry("Add", {loop("OY", 56)});
  entry("default", {});
  return m;
}

}  // namespace stream::tiler::test
