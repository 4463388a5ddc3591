#pragma once
// Reading the ZigZag 2.4.5 reference cases (tests/data/reference/zigzag245/cases.json).
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "stream/cost/cost_model.hpp"
#include "stream/hardware/core_spec.hpp"
#include "stream/workload/layer_spec.hpp"
#include "stream/workload/load.hpp"

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

/// The case's layer (formats.md YAML-layer form; a JSON object is a YAML flow mapping) through
/// the project's YAML workload reader.
inline workload::LayerSpec layer_from_case(const json& j) {
  const auto w = workload::parse_yaml_workload("- " + j.dump() + "\n", "cases.json layer");
  if (w.layers.size() != 1) throw std::runtime_error("expected one layer");
  return w.layers.front();
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
