#pragma once
// Loading the reference runs (tests/data/reference/stream2023/R*, validation/*) for the
// scheduler tests: inputs, CN graph, fixed allocation, and the expected numbers.
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "stream/evaluate/fixed_allocation.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/cost_provider.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace stream::scheduler::test {

inline const std::string kRef = std::string(STREAM_TEST_DATA_DIR) + "/reference";

struct RefCase {
  std::string name;
  std::string dir;                             ///< under kRef
  std::string accelerator, workload, mapping;  ///< relative to dir
  bool validation = false;
};

inline const std::vector<RefCase>& ref_cases() {
  static const std::vector<RefCase> v = {
      {"R3", "stream2023/R3_tpu_single_resnet18_lbl", "inputs/hardware/tpu_like_single_core.yaml",
       "inputs/workload/resnet18.onnx", "inputs/mapping/tpu_like_single_core_lbl.yaml", false},
      {"R4", "stream2023/R4_tpu_single_resnet18_oy", "inputs/hardware/tpu_like_single_core.yaml",
       "inputs/workload/resnet18.onnx", "inputs/mapping/tpu_like_single_core_oy.yaml", false},
      {"R8", "stream2023/R8_tpu_single_fsrcnn_lbl", "inputs/hardware/tpu_like_single_core.yaml",
       "inputs/workload/fsrcnn.onnx", "inputs/mapping/tpu_like_single_core_lbl.yaml", false},
      {"R9", "stream2023/R9_tpu_single_fsrcnn_oy", "inputs/hardware/tpu_like_single_core.yaml",
       "inputs/workload/fsrcnn.onnx", "inputs/mapping/tpu_like_single_core_oy.yaml", false},
      {"DepFiN", "validation/depfin", "accelerator.yaml", "workload.yaml", "mapping.yaml", true},
      {"DIANA", "validation/diana", "accelerator.yaml", "workload.yaml", "mapping.yaml", true},
      {"AiMC", "validation/aimc_4x4", "accelerator.yaml", "workload.yaml", "mapping.yaml", true},
  };
  return v;
}

struct Loaded {
  workload::WorkloadSpec workload;
  hardware::AcceleratorSpec accelerator;
  mapping::MappingSpec mapping;
  tiler::CnGraph graph;
  std::vector<CoreId> cn_core;
  nlohmann::json metrics;
  ScheduleOptions options;
};

inline std::unique_ptr<Loaded> load_case(const RefCase& c) {
  auto l = std::make_unique<Loaded>();
  const std::string d = kRef + "/" + c.dir + "/";
  l->workload = workload::load_workload(d + c.workload);
  l->accelerator = hardware::read_accelerator(d + c.accelerator);
  l->mapping = mapping::read_mapping(d + c.mapping);
  tiler::TilerOptions to;
  to.cn_groups = !c.validation;
  l->graph = tiler::build_cn_graph(l->workload, l->mapping, to);
  l->cn_core = evaluate::fixed_allocation(l->workload, l->mapping, l->graph);
  std::ifstream in(d + "metrics.json");
  l->metrics = nlohmann::json::parse(in);
  l->options.priority = l->mapping.scheduler.priority == mapping::SchedulerPriority::kLatency
                            ? Priority::kLatency
                            : Priority::kMemory;
  l->options.prefetch = l->mapping.scheduler.prefetch;
  l->options.semantics = c.validation ? Semantics::kValidation2023 : Semantics::kStream2023;
  return l;
}

inline std::int64_t expected_latency(const RefCase& c, const nlohmann::json& m) {
  return c.validation ? m.at("stream_latency_cycles").get<std::int64_t>()
                      : m.at("latency_cycles").get<std::int64_t>();
}
inline double expected_energy(const RefCase& c, const nlohmann::json& m) {
  return c.validation ? m.at("stream_energy_pj").get<double>() : m.at("energy_pj").get<double>();
}

/// schedule.csv: (layer id, cn index) -> (core, start, end).
using SchedRow = std::tuple<int, std::int64_t, std::int64_t>;
inline std::map<std::pair<int, int>, SchedRow> read_schedule(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  auto chomp = [](std::string& x) {
    if (!x.empty() && x.back() == '\r') x.pop_back();
  };
  std::getline(in, line);
  chomp(line);
  std::vector<std::string> head;
  {
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) head.push_back(x);
  }
  auto col = [&](std::initializer_list<const char*> names) {
    for (const char* n : names)
      for (std::size_t i = 0; i < head.size(); ++i)
        if (head[i] == n) return i;
    return head.size();
  };
  const auto cl = col({"layer_id"}), cc = col({"cn_id", "cn"}), ck = col({"core"}),
             cs = col({"start"}), ce = col({"end"});
  std::map<std::pair<int, int>, SchedRow> out;
  while (std::getline(in, line)) {
    chomp(line);
    if (line.empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    out[{std::stoi(f[cl]), std::stoi(f[cc])}] = {std::stoi(f[ck]), std::stoll(f[cs]),
                                                 std::stoll(f[ce])};
  }
  return out;
}

}  // namespace stream::scheduler::test
