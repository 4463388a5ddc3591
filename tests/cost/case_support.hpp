#pragma once
// Reading the ZigZag 2.4.5 reference cases (tests/data/reference/zigzag245/cases.json).
// TEMPORARY: layer_from_case() builds the LayerSpec from the case's YAML-form layer by hand until
// the workload readers (parse_yaml_workload) are merged; then it is replaced by that parser.
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "stream/cost/cost_model.hpp"
#include "stream/hardware/core_spec.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::cost::test {

using json = nlohmann::ordered_json;

inline std::string ref_dir() { return std::string(STREAM_TEST_DATA_DIR) + "/reference/zigzag245"; }

inline json load_cases() {
  std::ifstream in(ref_dir() + "/cases.json");
  return json::parse(in);
}

inline std::string up(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

inline workload::LayerSpec layer_from_case(const json& j) {
  workload::LayerSpec l;
  l.id = LayerId(j.at("id").get<int>());
  l.name = j.value("name", "");
  l.operator_type = j.value("operator_type", "");
  l.equation = j.at("equation").get<std::string>();
  const auto& dims = j.at("loop_dims");
  const auto& sizes = j.at("loop_sizes");
  for (std::size_t i = 0; i < dims.size(); ++i) {
    l.dims.push_back({up(dims[i].get<std::string>()), sizes[i].get<std::int64_t>()});
  }
  for (const auto& rj : j.value("dimension_relations", json::array())) {
    std::string r = rj.get<std::string>();
    std::string t;
    for (char c : r) {
      if (c != ' ') t += c;
    }
    const auto eq = t.find('=');
    workload::DimRelation rel;
    rel.name = up(t.substr(0, eq));
    const std::string rhs = t.substr(eq + 1);
    const auto plus = rhs.find('+');
    auto term = [&](const std::string& s, int& dim, std::int64_t& coef) {
      const auto star = s.find('*');
      coef = star == std::string::npos ? 1 : std::stoll(s.substr(0, star));
      dim = l.dim_index(star == std::string::npos ? s : s.substr(star + 1));
      if (dim < 0) throw std::runtime_error("unknown dim in " + r);
    };
    term(rhs.substr(0, plus), rel.dim_a, rel.coef_a);
    term(rhs.substr(plus + 1), rel.dim_b, rel.coef_b);
    if (j.contains("padding") && j["padding"].contains(rel.name)) {
      rel.pad_begin = j["padding"][rel.name][0].get<std::int64_t>();
      rel.pad_end = j["padding"][rel.name][1].get<std::int64_t>();
    }
    l.relations.push_back(rel);
  }
  // Equation: OUT[..]+=A[..]*B[..]
  std::string e;
  for (char c : l.equation) {
    if (c != ' ') e += c;
  }
  std::vector<std::string> parts;
  std::string cur;
  for (std::size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    if (c == '+' && i + 1 < e.size() && e[i + 1] == '=') {
      parts.push_back(cur);
      cur.clear();
      ++i;
    } else if (c == '=' || c == '*' || c == '+') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  const auto& prec = j.at("operand_precision");
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const std::string& p = parts[k];
    workload::OperandSpec op;
    op.name = p.substr(0, p.find('['));
    op.is_output = k == 0;
    op.mem_operand = op.name == "O"   ? workload::MemOperand::kO
                     : op.name == "W" ? workload::MemOperand::kI2
                                      : workload::MemOperand::kI1;
    op.precision_bits = prec.at(op.name).get<int>();
    std::size_t pos = p.find('[');
    while (pos != std::string::npos) {
      const auto end = p.find(']', pos);
      const std::string idx = up(p.substr(pos + 1, end - pos - 1));
      const int d = l.dim_index(idx);
      if (d >= 0) {
        op.indices.push_back({false, d});
      } else {
        const int r = l.relation_index(idx);
        if (r < 0) throw std::runtime_error("unknown index " + idx);
        op.indices.push_back({true, r});
      }
      pos = p.find('[', end);
    }
    if (!op.is_output && j.contains("operand_source") && j["operand_source"].contains(op.name)) {
      op.source = LayerId(j["operand_source"][op.name].get<int>());
      op.is_constant = *op.source == l.id;
      if (op.is_constant) l.constant_operands.push_back(static_cast<int>(k));
    }
    l.operands.push_back(op);
  }
  l.output_final_precision_bits = prec.at("O_final").get<int>();
  return l;
}

inline hardware::Dataflow dataflow_from_json(const json& j, const hardware::CoreSpec& core) {
  hardware::Dataflow df;
  for (const auto& [k, v] : j.items()) {
    int a = -1;
    for (std::size_t i = 0; i < core.array.dimensions.size(); ++i) {
      if (core.array.dimensions[i] == k) a = static_cast<int>(i);
    }
    if (a < 0) throw std::runtime_error("unknown array dim " + k);
    df.push_back({a, up(v[0].get<std::string>()), v[1].get<std::int64_t>()});
  }
  return df;
}

inline std::vector<hardware::Dataflow> candidates_from_json(const json& j,
                                                            const hardware::CoreSpec& core) {
  std::vector<hardware::Dataflow> out;
  if (j.is_array()) {
    for (const auto& e : j) out.push_back(dataflow_from_json(e, core));
  } else {
    out.push_back(dataflow_from_json(j, core));
  }
  return out;
}

inline TemporalMappingSpec tm_from_json(const json& j) {
  TemporalMappingSpec tm;
  for (const auto& [op, levels] : j.items()) {
    std::vector<LevelLoops> lv;
    for (const auto& level : levels) {
      LevelLoops loops;
      for (const auto& lp : level) loops.push_back({lp[0].get<std::string>(), lp[1].get<double>()});
      lv.push_back(loops);
    }
    tm.operands.emplace_back(op, lv);
  }
  return tm;
}

}  // namespace stream::cost::test
