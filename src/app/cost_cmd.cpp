// stream-hpc cost --core CORE.yaml --layer LAYER.yaml [--dataflow SM] [--lpf-limit N]
//                 [--temporal-mapping TM.json] [--offchip OFFCHIP.yaml] [--json OUT]
// One layer (a one-layer YAML workload) on one core with the ZigZag 2.4.5 cost model: the
// chosen spatial and temporal mappings and the full breakdown, as text or as JSON with the key
// names of the reference cases' `expected` objects.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "stream/common/error.hpp"
#include "stream/common/yaml_node.hpp"
#include "stream/cost/cost_model.hpp"
#include "stream/hardware/load.hpp"
#include "stream/io/spec_json.hpp"
#include "stream/workload/load.hpp"
#include "table.hpp"

namespace stream::app {
namespace {

struct CostOptionsCli {
  std::string core;
  std::string layer;
  std::string dataflow;
  int lpf_limit = 6;
  std::string temporal_mapping;
  std::string offchip;
  std::string json;
};

hardware::Dataflow parse_one_dataflow(const yaml::Node& n, const hardware::CoreSpec& core) {
  if (!n.is_map()) n.fail("expected a spatial mapping {ARRAY_DIM: [LOOP_DIM, UNROLL], ...}");
  hardware::Dataflow df;
  for (const auto& [key, v] : n.entries()) {
    int a = -1;
    for (std::size_t i = 0; i < core.array.dimensions.size(); ++i) {
      if (core.array.dimensions[i] == key) a = static_cast<int>(i);
    }
    if (a < 0) {
      std::string dims;
      for (const auto& d : core.array.dimensions) dims += (dims.empty() ? "" : ", ") + d;
      v.fail("'" + key + "' is not an array dimension of core '" + core.name + "' (" + dims + ")");
    }
    const auto e = v.elements();
    if (e.size() != 2) v.fail("expected [LOOP_DIM, UNROLL], e.g. [K, 32]");
    std::string dim = e[0].as_string();
    for (auto& c : dim) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    df.push_back({a, dim, e[1].as_int(1)});
  }
  return df;
}

std::vector<hardware::Dataflow> parse_dataflows(const std::string& text,
                                                const hardware::CoreSpec& core) {
  const auto root = yaml::Node::load_string(text, "--dataflow");
  std::vector<hardware::Dataflow> out;
  if (root.is_sequence()) {
    for (const auto& e : root.elements()) out.push_back(parse_one_dataflow(e, core));
    if (out.empty()) root.fail("the list of spatial mappings is empty");
  } else {
    out.push_back(parse_one_dataflow(root, core));
  }
  return out;
}

cost::TemporalMappingSpec parse_temporal_mapping(const std::string& path) {
  const auto root = yaml::Node::load_file(path);
  if (!root.is_map()) root.fail("expected {OPERAND: [[[DIM, SIZE], ...], ...], ...}");
  cost::TemporalMappingSpec tm;
  for (const auto& [op, levels] : root.entries()) {
    std::vector<cost::LevelLoops> lv;
    for (const auto& level : levels.elements()) {
      cost::LevelLoops loops;
      for (const auto& lp : level.elements()) {
        const auto e = lp.elements();
        if (e.size() != 2) lp.fail("expected [DIM, SIZE]");
        loops.push_back({e[0].as_string(), static_cast<double>(e[1].as_int(1))});
      }
      lv.push_back(std::move(loops));
    }
    tm.operands.emplace_back(op, std::move(lv));
  }
  return tm;
}

std::string loops_text(const cost::LevelLoops& l) {
  std::string s;
  for (const auto& x : l) s += (s.empty() ? "" : " ") + x.dim + num(x.size);
  return s.empty() ? "-" : s;
}

std::string dataflow_text(const hardware::Dataflow& df, const hardware::CoreSpec& core) {
  std::string s;
  for (const auto& u : df) {
    s += (s.empty() ? "" : ", ") + core.array.dimensions[static_cast<std::size_t>(u.array_dim)] +
         ": " + u.loop_dim + " " + std::to_string(u.unroll);
  }
  return "{" + s + "}";
}

std::string too_large_text(const std::array<bool, workload::kNumMemOperands>& tl) {
  std::string s;
  for (int m = 0; m < workload::kNumMemOperands; ++m) {
    if (tl[static_cast<std::size_t>(m)])
      s += (s.empty() ? "" : ";") +
           std::string(workload::to_string(static_cast<workload::MemOperand>(m)));
  }
  return s;
}

nlohmann::ordered_json loops_json(const cost::LevelLoops& l) {
  auto j = nlohmann::ordered_json::array();
  for (const auto& x : l) j.push_back({x.dim, x.size});
  return j;
}

nlohmann::ordered_json result_json(const cost::CostResult& r, const workload::LayerSpec& layer,
                                   const hardware::CoreSpec& core,
                                   const std::vector<hardware::Dataflow>& cands) {
  nlohmann::ordered_json j;
  j["status"] = r.ok() ? "ok" : "infeasible";
  if (!r.ok()) j["reason"] = r.reason;
  j["layer"] = layer.name.empty() ? std::to_string(layer.id.value) : layer.name;
  j["core"] = core.name;
  j["n_temporal_mappings_evaluated"] = r.n_temporal_mappings_evaluated;
  j["n_orderings"] = r.n_orderings;
  if (!r.ok()) return j;
  j["latency_total0"] = r.latency_total0;
  j["latency_total1"] = r.latency_total1;
  j["latency_total2"] = r.latency_total2;
  j["ideal_cycle"] = r.ideal_cycle;
  j["ideal_temporal_cycle"] = r.ideal_temporal_cycle;
  j["stall_slack_comb"] = r.stall_slack_comb;
  j["onloading_cycles"] = r.onloading_cycles;
  j["offloading_cycles"] = r.offloading_cycles;
  j["energy_total_pj"] = r.energy_total_pj;
  j["mac_energy_pj"] = r.mac_energy_pj;
  j["memory_energy_pj"] = r.memory_energy_pj;
  j["spatial_utilization"] = r.spatial_utilization;
  j["utilization0"] = r.utilization0;
  j["utilization1"] = r.utilization1;
  j["utilization2"] = r.utilization2;
  j["runtime_cycles"] = r.summary.runtime_cycles;
  j["onchip_energy_pj"] = r.summary.onchip_energy_pj;
  j["offchip_energy_pj"] = r.summary.offchip_energy_pj;
  j["too_large_operands"] = too_large_text(r.summary.too_large);
  nlohmann::ordered_json eb, wa, mu, db, ml, sm, tm;
  for (const auto& op : r.operands) {
    auto& e = eb[op.name] = nlohmann::ordered_json::array();
    auto& w = wa[op.name] = nlohmann::ordered_json::array();
    auto& u = mu[op.name] = nlohmann::ordered_json::array();
    auto& n = ml[op.name] = nlohmann::ordered_json::array();
    auto& t = tm[op.name] = nlohmann::ordered_json::array();
    for (const auto& lv : op.levels) {
      e.push_back(lv.energy_pj);
      w.push_back({{"rd_out_to_low", lv.word_access.rd_out_to_low},
                   {"wr_in_by_low", lv.word_access.wr_in_by_low},
                   {"rd_out_to_high", lv.word_access.rd_out_to_high},
                   {"wr_in_by_high", lv.word_access.wr_in_by_high}});
      u.push_back(lv.mem_utili_shared);
      n.push_back(lv.memory);
      t.push_back(loops_json(lv.temporal));
    }
    db[op.name] = op.double_buffer;
    auto& s = sm[op.name] = nlohmann::ordered_json::array();
    for (const auto& a : op.spatial) s.push_back(loops_json(a));
  }
  j["energy_breakdown_pj"] = eb;
  j["memory_word_access"] = wa;
  j["mem_utili_shared"] = mu;
  j["double_buffer"] = db;
  j["memory_levels"] = ml;
  nlohmann::ordered_json usm;
  for (const auto& u : r.dataflow) {
    usm[core.array.dimensions[static_cast<std::size_t>(u.array_dim)]] = {u.loop_dim, u.unroll};
  }
  j["spatial_mapping_user"] = usm;
  j["spatial_mapping_candidate"] = r.dataflow_index;
  j["spatial_mapping_candidates"] = cands.size();
  j["spatial_mapping"] = sm;
  j["temporal_mapping"] = tm;
  return j;
}

void print_result(const cost::CostResult& r, const workload::LayerSpec& layer,
                  const hardware::CoreSpec& core, const std::vector<hardware::Dataflow>& cands) {
  std::cout << "Layer " << layer.id.value << (layer.name.empty() ? "" : " '" + layer.name + "'")
            << " (" << layer.operator_type << ") on core '" << core.name << "' (" << core.file
            << ")\n";
  if (!r.ok()) {
    std::cout << "  infeasible: " << r.reason << "\n  (" << r.n_orderings
              << " loop orderings tried)\n";
    return;
  }
  std::cout << "  spatial mapping " << r.dataflow_index + 1 << " of " << cands.size() << ": "
            << dataflow_text(r.dataflow, core) << "\n"
            << "  loop prime factors " << r.lpf_count << ", orderings " << r.n_orderings
            << ", temporal mappings evaluated " << r.n_temporal_mappings_evaluated << "\n\n";
  Table t({"quantity", "value"});
  t.add({"latency_total0 [cycles]", std::to_string(r.latency_total0)});
  t.add({"latency_total1 [cycles] (runtime)", std::to_string(r.latency_total1)});
  t.add({"latency_total2 [cycles]", std::to_string(r.latency_total2)});
  t.add({"ideal_cycle", std::to_string(r.ideal_cycle)});
  t.add({"ideal_temporal_cycle", std::to_string(r.ideal_temporal_cycle)});
  t.add({"stall_slack_comb", std::to_string(r.stall_slack_comb)});
  t.add({"onloading_cycles", std::to_string(r.onloading_cycles)});
  t.add({"offloading_cycles", std::to_string(r.offloading_cycles)});
  t.add({"energy_total_pj", num(r.energy_total_pj)});
  t.add({"mac_energy_pj", num(r.mac_energy_pj)});
  t.add({"memory_energy_pj", num(r.memory_energy_pj)});
  t.add({"onchip_energy_pj", num(r.summary.onchip_energy_pj)});
  t.add({"offchip_energy_pj", num(r.summary.offchip_energy_pj)});
  t.add({"too_large_operands",
         too_large_text(r.summary.too_large).empty() ? "-" : too_large_text(r.summary.too_large)});
  t.add({"spatial_utilization", num(r.spatial_utilization)});
  t.add({"utilization0", num(r.utilization0)});
  t.add({"utilization1", num(r.utilization1)});
  t.add({"utilization2", num(r.utilization2)});
  t.print(std::cout);
  std::cout << "\n  Per operand and memory level (innermost first; word accesses per direction: "
               "rd_out_to_low, wr_in_by_low, rd_out_to_high, wr_in_by_high)\n";
  Table m({"operand", "level", "memory", "unrolled below", "temporal (as allocated)", "rd low",
           "wr low", "rd high", "wr high", "energy [pJ]", "util", "db"});
  for (const auto& op : r.operands) {
    for (std::size_t l = 0; l < op.levels.size(); ++l) {
      const auto& lv = op.levels[l];
      m.add({op.name + " (" + std::string(workload::to_string(op.mem_operand)) + ")",
             std::to_string(l), lv.memory + (lv.offchip ? " (off-chip)" : ""),
             loops_text(op.spatial[l]), loops_text(lv.temporal), num(lv.word_access.rd_out_to_low),
             num(lv.word_access.wr_in_by_low), num(lv.word_access.rd_out_to_high),
             num(lv.word_access.wr_in_by_high), num(lv.energy_pj), num(lv.mem_utili_shared),
             op.double_buffer[l + 1] ? "yes" : "no"});
    }
    if (!op.spatial.back().empty()) {
      m.add({op.name, "-", "(not served)", loops_text(op.spatial.back()), "", "", "", "", "", "",
             "", ""});
    }
  }
  m.print(std::cout);
}

int run_cost(const CostOptionsCli& o) {
  const auto core = hardware::read_core(o.core);
  const auto w = workload::read_yaml_workload(o.layer);
  if (w.layers.size() != 1) {
    throw InputError(o.layer, "",
                     "expected a one-layer workload, the file has " +
                         std::to_string(w.layers.size()) + " costed layers");
  }
  const auto& layer = w.layers.front();
  cost::CostQuery q;
  q.layer = &layer;
  q.core = &core;
  q.options.lpf_limit = o.lpf_limit;
  if (o.lpf_limit < 1) throw InputError("--lpf-limit", std::to_string(o.lpf_limit), "must be >= 1");
  if (!o.dataflow.empty()) {
    q.options.dataflows = parse_dataflows(o.dataflow, core);
    q.options.strict_dataflows = true;
  }
  if (!o.temporal_mapping.empty()) {
    q.options.temporal_mapping = parse_temporal_mapping(o.temporal_mapping);
  }
  hardware::CoreSpec offchip;
  if (!o.offchip.empty()) {
    offchip = hardware::read_core(o.offchip);
    if (offchip.levels.size() != 1) {
      throw InputError(o.offchip, "memories", "the off-chip core must have exactly one memory");
    }
    // A layer alone: every input arrives whole (its size at its own precision).
    std::vector<std::int64_t> in_bits;
    for (std::size_t i = 0; i < layer.operands.size(); ++i)
      in_bits.push_back(layer.operand_bits(static_cast<int>(i)));
    q.too_large = cost::too_large_operands(layer, {}, core, in_bits);
    q.offchip = &offchip.levels.front();
  }
  const auto cands = q.options.dataflows ? *q.options.dataflows : core.dataflows;
  const cost::CostResult r = cost::evaluate(q);
  if (!o.json.empty()) {
    const auto j = result_json(r, layer, core, cands);
    if (o.json == "-") {
      std::cout << j.dump(2) << '\n';
    } else {
      io::write_json_file(nlohmann::json::parse(j.dump()), o.json);
    }
  }
  if (o.json != "-") print_result(r, layer, core, cands);
  return 0;
}

}  // namespace

void register_cost(CLI::App& app, Action& action) {
  auto opts = std::make_shared<CostOptionsCli>();
  auto* sub = app.add_subcommand(
      "cost",
      "Cost one layer on one core with the ZigZag 2.4.5 model (spatial mapping, LOMA search, "
      "energy and latency breakdown)");
  sub->add_option("--core,-c", opts->core, "Core YAML file (ZigZag format)")->required();
  sub->add_option("--layer,-l", opts->layer, "A one-layer YAML workload")->required();
  sub->add_option("--dataflow", opts->dataflow,
                  "Spatial mapping(s) replacing the core's dataflows, as in cases.json's "
                  "spatial_mapping_user (YAML flow or JSON), e.g. '{D1: [K, 32], D2: [C, 32]}' "
                  "or a list of such maps");
  sub->add_option("--lpf-limit", opts->lpf_limit, "LOMA loop-prime-factor limit (default 6)");
  sub->add_option("--temporal-mapping", opts->temporal_mapping,
                  "Evaluate this temporal mapping (JSON/YAML: operand -> levels -> [dim, size]) "
                  "instead of searching");
  sub->add_option("--offchip", opts->offchip,
                  "Off-chip core YAML: operands that do not fit the core's top memories stream "
                  "from it (Stream 2023's too-large rule; inputs counted whole)");
  sub->add_option("--json", opts->json,
                  "Also write the result as JSON to this file ('-' = stdout only)");
  sub->callback([&action, opts] { action = [opts] { return run_cost(*opts); }; });
}

}  // namespace stream::app
