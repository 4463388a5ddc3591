// stream-hpc eval --accelerator A --workload W --mapping M [--priority memory|latency]
//                 [--costs COSTS.csv] [--semantics stream2023|validation2023]
//                 [--fix share-fetches,wait-for-space|all]
//                 [--allocator fixed|ga[:POPxGEN]|greedy|balanced] [--seed N]
//                 [--objective edp|latency|energy] [--write-mapping OUT.yaml]
//                 [--json OUT] [--trace TRACE.json]
// One design point: the mapping's fixed allocation or an allocator's choice (with its Pareto
// front); latency, the nine energy terms, memory peaks, core utilisation. Exit 3 for an
// infeasible point (status and reason printed).
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "stream/common/error.hpp"
#include "stream/cost/cn_cost.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/load.hpp"
#include "table.hpp"

namespace stream::app {
namespace {

constexpr int kExitInfeasible = 3;

struct EvalOptions {
  std::string accelerator, workload, mapping, priority, costs, semantics = "stream2023";
  std::string json, trace, fix;
  int lpf_limit = 6;
  std::string allocator = "fixed", objective = "edp", write_mapping;
  std::uint64_t seed = 0;
  int threads = 0;
};

/// --allocator: fixed | greedy | balanced | ga | ga:POPxGEN (e.g. ga:16x16).
void parse_allocator(const std::string& text, evaluate::PointOptions& o) {
  auto bad = [&](const std::string& why) { throw InputError("--allocator", text, why); };
  if (text == "fixed") {
    o.allocator = evaluate::Allocator::kFixed;
  } else if (text == "greedy") {
    o.allocator = evaluate::Allocator::kGreedy;
  } else if (text == "balanced") {
    o.allocator = evaluate::Allocator::kBalanced;
  } else if (text == "ga" || text.rfind("ga:", 0) == 0) {
    o.allocator = evaluate::Allocator::kGenetic;
    if (text.size() > 3) {
      const std::string spec = text.substr(3);
      const auto x = spec.find('x');
      auto number = [&](const std::string& v, int min) {
        if (v.empty() || v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos)
          bad("expected ga:POPxGEN with whole numbers, e.g. ga:16x16");
        const int n = std::stoi(v);
        if (n < min) bad("population must be >= 1 and generations >= 0");
        return n;
      };
      if (x == std::string::npos) bad("expected ga:POPxGEN, e.g. ga:16x16");
      o.ga_population = number(spec.substr(0, x), 1);
      o.ga_generations = number(spec.substr(x + 1), 0);
    }
  } else {
    bad("expected fixed, greedy, balanced, ga or ga:POPxGEN");
  }
}

nlohmann::ordered_json allocation_json(const evaluate::PointResult& r, const EvalOptions& o) {
  nlohmann::ordered_json a;
  a["allocator"] = o.allocator;
  a["seed"] = o.seed;
  a["objective"] = o.objective;
  a["schedules_evaluated"] = r.schedules_evaluated;
  auto genes = nlohmann::ordered_json::array();
  for (const auto& g : r.allocation_genes)
    genes.push_back({{"layer", g.layer.value}, {"group", g.group}});
  a["genes"] = genes;
  auto front = nlohmann::ordered_json::array();
  for (const auto& f : r.front) {
    auto cores = nlohmann::ordered_json::array();
    for (auto c : f.cores) cores.push_back(c.value);
    front.push_back({{"cores", cores},
                     {"latency_cycles", f.latency_cycles},
                     {"energy_pj", f.energy_pj},
                     {"edp_pj_cycles", f.edp_pj_cycles}});
  }
  a["front"] = front;
  a["chosen"] = r.chosen;
  return a;
}

std::string cores_text(const std::vector<CoreId>& cores) {
  std::string s;
  for (auto c : cores) s += (s.empty() ? "" : ", ") + std::to_string(c.value);
  return s;
}

std::vector<std::string> operands_of(const hardware::AcceleratorSpec& acc, int inst) {
  std::vector<std::string> out;
  for (auto op : acc.top_memories[static_cast<std::size_t>(inst)].operands)
    out.emplace_back(workload::to_string(op));
  return out;
}

nlohmann::ordered_json result_json(const evaluate::PointResult& r,
                                   const hardware::AcceleratorSpec& acc,
                                   const scheduler::Fixes& fixes) {
  nlohmann::ordered_json j;
  j["status"] = r.status == evaluate::PointStatus::kOk           ? "ok"
                : r.status == evaluate::PointStatus::kInfeasible ? "infeasible"
                                                                 : "unsupported";
  if (!r.reason.empty()) j["reason"] = r.reason;
  j["latency_cycles"] = r.latency_cycles;
  j["energy_pj"] = r.energy_pj;
  nlohmann::ordered_json terms;
  for (int k = 0; k < evaluate::kNumEnergyTerms; ++k)
    terms[evaluate::energy_term_names()[static_cast<std::size_t>(k)]] =
        r.energy_terms_pj[static_cast<std::size_t>(k)];
  j["energy_terms_pj"] = terms;
  j["edp_pj_cycles"] = r.edp_pj_cycles;
  j["cn_count"] = r.cn_count;
  j["edge_count"] = r.edge_count;
  auto peaks = nlohmann::ordered_json::array();
  for (const auto& p : r.memory_peaks) {
    nlohmann::ordered_json e;
    auto cores = nlohmann::ordered_json::array();
    for (auto c : p.cores) cores.push_back(c.value);
    e["cores"] = cores;
    e["memory"] = p.memory;
    e["memory_operands"] = operands_of(acc, p.instance);
    e["peak_bits"] = p.peak_bits;
    e["capacity_bits"] = p.capacity_bits;
    peaks.push_back(e);
  }
  j["memory_peaks"] = peaks;
  auto cores = nlohmann::ordered_json::array();
  for (const auto& c : r.cores) {
    cores.push_back({{"core", c.core.value},
                     {"cn_count", c.cn_count},
                     {"busy_cycles", c.busy_cycles},
                     {"utilization", c.utilization}});
  }
  j["cores"] = cores;
  j["dram_traffic_bits"] = r.dram_traffic_bits;
  j["scheduler_fixes"] = fixes.names();
  j["eval_seconds"] = r.eval_seconds;
  return j;
}

/// Chrome / Perfetto trace: one track per core (CNs) and per channel (transfers and streaming
/// blocks), one counter track per top memory instance; 1 us in the viewer = 1 cycle.
nlohmann::json trace_json(const evaluate::PointResult& r, const hardware::AcceleratorSpec& acc,
                          const workload::WorkloadSpec& w) {
  auto ev = nlohmann::json::array();
  auto meta = [&](int pid, int tid, const char* what, const std::string& name) {
    ev.push_back(
        {{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", what}, {"args", {{"name", name}}}});
  };
  meta(1, 0, "process_name", "cores");
  meta(2, 0, "process_name", "channels");
  meta(3, 0, "process_name", "memories");
  for (const auto& c : r.cores)
    meta(1, c.core.value, "thread_name", "core " + std::to_string(c.core.value));
  for (std::size_t i = 0; i < acc.channels.size(); ++i)
    meta(2, static_cast<int>(i), "thread_name", acc.channels[i].label);
  const auto& g = *r.graph;
  const auto& s = *r.schedule;
  for (std::size_t i = 0; i < g.cns.size(); ++i) {
    const auto& cn = g.cns[i];
    const auto& layer = w.layers[static_cast<std::size_t>(cn.layer_index)];
    ev.push_back(
        {{"ph", "X"},
         {"pid", 1},
         {"tid", r.cn_core[i].value},
         {"ts", s.cn_start[i]},
         {"dur", s.cn_end[i] - s.cn_start[i]},
         {"name", "L" + std::to_string(cn.layer.value) + " CN " + std::to_string(cn.index)},
         {"args", {{"layer", layer.name}, {"group", cn.group}}}});
  }
  for (const auto& t : s.trace.transfers) {
    const auto& x = g.tensors[static_cast<std::size_t>(t.tensor)];
    const std::string name =
        "L" + std::to_string(x.layer.value) + " " +
        w.find_layer(x.layer)->operands[static_cast<std::size_t>(x.operand)].name + " " +
        std::to_string(t.from.value) + "->" + std::to_string(t.to.value);
    for (int c : t.channels) {
      ev.push_back(
          {{"ph", "X"},
           {"pid", 2},
           {"tid", c},
           {"ts", t.start},
           {"dur", t.end - t.start},
           {"name", name},
           {"args", {{"bits", t.bits}, {"as", evaluate::energy_term_names()[t.link_term]}}}});
    }
  }
  for (const auto& b : s.trace.blocks) {
    const auto& cn = g.cns[static_cast<std::size_t>(b.cn)];
    for (int c : b.channels) {
      ev.push_back({{"ph", "X"},
                    {"pid", 2},
                    {"tid", c},
                    {"ts", b.start},
                    {"dur", b.end - b.start},
                    {"name", "streaming for L" + std::to_string(cn.layer.value) + " CN " +
                                 std::to_string(cn.index)}});
    }
  }
  for (std::size_t i = 0; i < s.trace.memory_curves.size(); ++i) {
    const auto& p = r.memory_peaks[i];
    const std::string name = p.memory + " @ core " + cores_text(p.cores);
    for (const auto& [t, bits] : s.trace.memory_curves[i])
      ev.push_back(
          {{"ph", "C"}, {"pid", 3}, {"ts", t}, {"name", name}, {"args", {{"bits", bits}}}});
  }
  return {{"traceEvents", ev}, {"displayTimeUnit", "ns"}};
}

int run_eval(const EvalOptions& o) {
  evaluate::PointSpec p;
  p.workload = std::make_shared<const workload::WorkloadSpec>(workload::load_workload(o.workload));
  p.accelerator =
      std::make_shared<const hardware::AcceleratorSpec>(hardware::read_accelerator(o.accelerator));
  p.mapping = std::make_shared<const mapping::MappingSpec>(mapping::read_mapping(o.mapping));
  p.options.priority = o.priority;
  p.options.lpf_limit = o.lpf_limit;
  if (o.lpf_limit < 1) throw InputError("--lpf-limit", std::to_string(o.lpf_limit), "must be >= 1");
  if (o.semantics == "stream2023") {
    p.options.semantics = scheduler::Semantics::kStream2023;
  } else if (o.semantics == "validation2023") {
    p.options.semantics = scheduler::Semantics::kValidation2023;
  } else {
    throw InputError("--semantics", o.semantics, "expected 'stream2023' or 'validation2023'");
  }
  p.options.keep_schedule = !o.trace.empty();
  p.options.fixes = scheduler::parse_fixes(o.fix, "--fix", o.fix);
  parse_allocator(o.allocator, p.options);
  p.options.seed = o.seed;
  p.options.threads = o.threads;
  if (o.threads < 0) throw InputError("--threads", std::to_string(o.threads), "must be >= 0");
  if (o.objective == "edp") {
    p.options.objective = evaluate::Objective::kEdp;
  } else if (o.objective == "latency") {
    p.options.objective = evaluate::Objective::kLatency;
  } else if (o.objective == "energy") {
    p.options.objective = evaluate::Objective::kEnergy;
  } else {
    throw InputError("--objective", o.objective, "expected edp, latency or energy");
  }
  const bool allocating = p.options.allocator != evaluate::Allocator::kFixed;
  if (!o.write_mapping.empty() && !allocating) {
    throw InputError("--write-mapping", o.write_mapping,
                     "needs an allocator that chooses (--allocator ga|greedy|balanced)");
  }
  p.options.keep_allocation_mapping = !o.write_mapping.empty();
  if (!o.costs.empty()) {
    p.cost_table = std::make_shared<const cost::CostTable>(cost::read_cost_table(o.costs));
    p.cost_table_file = o.costs;
  }
  const auto r = evaluate::evaluate_point(p);
  const auto& acc = *p.accelerator;
  std::cout << "Design point: workload " << o.workload << ", accelerator " << o.accelerator
            << ", mapping " << o.mapping << "\n";
  std::cout << "  costs: " << (o.costs.empty() ? "analytical model (ZigZag 2.4.5)" : o.costs)
            << "; scheduler: " << o.semantics << ", priority "
            << (o.priority.empty() ? std::string(mapping::to_string(p.mapping->scheduler.priority))
                                   : o.priority)
            << (p.options.fixes.empty() ? "" : ", fixes " + p.options.fixes.to_string()) << "; "
            << r.cn_count << " CNs, " << r.edge_count << " edges\n";
  for (const auto& wmsg : r.warnings) std::cout << "  note: " << wmsg << "\n";
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    if (!out) throw InputError(o.json, "", "cannot write the JSON output file");
    auto j = result_json(r, acc, p.options.fixes);
    if (allocating) j["allocation"] = allocation_json(r, o);
    out << j.dump(1) << "\n";
  }
  if (r.status != evaluate::PointStatus::kOk) {
    std::cout << "\n  status: "
              << (r.status == evaluate::PointStatus::kInfeasible ? "infeasible" : "unsupported")
              << "\n  reason: " << r.reason << "\n";
    return kExitInfeasible;
  }
  if (allocating) {
    std::cout << "\n  allocator " << o.allocator << " (seed " << o.seed << ", objective "
              << o.objective << "): " << r.allocation_genes.size() << " flexible (layer, group), "
              << r.schedules_evaluated << " schedules; Pareto front:\n\n";
    Table f({"", "latency [cycles]", "energy [pJ]", "EDP [pJ*cycles]", "cores per gene"});
    for (std::size_t i = 0; i < r.front.size(); ++i) {
      f.add({static_cast<int>(i) == r.chosen ? "chosen" : "",
             std::to_string(r.front[i].latency_cycles), num(r.front[i].energy_pj),
             num(r.front[i].edp_pj_cycles), cores_text(r.front[i].cores)});
    }
    f.print(std::cout);
  }
  std::cout << "\n  latency " << r.latency_cycles << " cycles, energy " << num(r.energy_pj)
            << " pJ, EDP " << num(r.edp_pj_cycles) << " pJ*cycles\n\n";
  Table e({"energy term", "pJ"});
  for (int k = 0; k < evaluate::kNumEnergyTerms; ++k)
    e.add({evaluate::energy_term_names()[static_cast<std::size_t>(k)],
           num(r.energy_terms_pj[static_cast<std::size_t>(k)])});
  e.add({"total", num(r.energy_pj)});
  e.print(std::cout);
  std::cout << "\n";
  Table m({"memory", "cores", "operands", "peak [bit]", "capacity [bit]", "peak/capacity"});
  for (const auto& pk : r.memory_peaks) {
    std::string ops;
    for (const auto& x : operands_of(acc, pk.instance)) ops += (ops.empty() ? "" : ",") + x;
    m.add({pk.memory, cores_text(pk.cores), ops, std::to_string(pk.peak_bits),
           std::to_string(pk.capacity_bits),
           num(pk.capacity_bits > 0
                   ? static_cast<double>(pk.peak_bits) / static_cast<double>(pk.capacity_bits)
                   : 0.0)});
  }
  m.print(std::cout);
  std::cout << "\n";
  Table c({"core", "CNs", "busy [cycles]", "utilisation"});
  for (const auto& u : r.cores)
    c.add({std::to_string(u.core.value), std::to_string(u.cn_count), std::to_string(u.busy_cycles),
           num(u.utilization)});
  c.print(std::cout);
  std::cout << "\n  DRAM traffic " << r.dram_traffic_bits << " bit; evaluated in "
            << num(r.eval_seconds) << " s\n";
  if (!o.write_mapping.empty()) {
    std::ofstream out(o.write_mapping);
    if (!out) throw InputError(o.write_mapping, "", "cannot write the mapping file");
    out << r.allocation_mapping_yaml;
    std::cout << "  chosen allocation written to " << o.write_mapping
              << " (reproduce it with --mapping " << o.write_mapping << ")\n";
  }
  if (!o.trace.empty()) {
    std::ofstream out(o.trace);
    if (!out) throw InputError(o.trace, "", "cannot write the trace file");
    out << trace_json(r, acc, *p.workload).dump() << "\n";
    std::cout << "  trace written to " << o.trace << " (open it in ui.perfetto.dev)\n";
  }
  return 0;
}

}  // namespace

void register_eval(CLI::App& app, Action& action) {
  auto o = std::make_shared<EvalOptions>();
  auto* sub = app.add_subcommand(
      "eval",
      "Evaluate one design point (the mapping's allocation, or an allocator's choice): tiling, "
      "costs, schedule; prints latency, energy terms, memory peaks and core utilisation (exit 3 "
      "if infeasible)");
  sub->add_option("--accelerator,-a", o->accelerator, "Accelerator YAML file")->required();
  sub->add_option("--workload,-w", o->workload, "Workload: ONNX, YAML layer list or zoo:NAME")
      ->required();
  sub->add_option("--mapping,-m", o->mapping, "Mapping YAML file")->required();
  sub->add_option("--priority", o->priority,
                  "Candidate priority, overriding the mapping's scheduler: memory | latency");
  sub->add_option("--costs", o->costs,
                  "Per-(layer, group, core) costs from this CSV (Stream's costs.csv) instead of "
                  "the analytical model");
  sub->add_option("--semantics", o->semantics,
                  "Scheduler to reproduce: stream2023 (default, Stream 5e094e6c) or "
                  "validation2023 (the June-2023 validation branch, no CN groups)");
  sub->add_option("--fix", o->fix,
                  "Opt-in fixes of Stream's known scheduler bugs, comma-separated: "
                  "share-fetches, wait-for-space, or all (default: none, "
                  "Stream's behaviour)");
  sub->add_option("--lpf-limit", o->lpf_limit, "LOMA loop-prime-factor limit (default 6)");
  sub->add_option("--allocator", o->allocator,
                  "Layer-core allocation: fixed (the mapping's, default), ga[:POPxGEN] (NSGA-II, "
                  "default 16x16), greedy (earliest finish), balanced (load by cost)");
  sub->add_option("--seed", o->seed, "GA seed (default 0): the same seed, the same front");
  sub->add_option("--objective", o->objective,
                  "Front member to report: edp (default), latency or energy");
  sub->add_option("--threads", o->threads, "Threads of the GA's schedules (0 = all, default)");
  sub->add_option("--write-mapping", o->write_mapping,
                  "Write the chosen allocation as a mapping file (evaluate it again with "
                  "--mapping FILE)");
  sub->add_option("--json", o->json,
                  "Write the result as JSON (metrics.json field names; the allocator's front "
                  "under 'allocation')");
  sub->add_option("--trace", o->trace,
                  "Write a Chrome/Perfetto trace (cores, channels, memory counters)");
  sub->callback([&action, o] { action = [o] { return run_eval(*o); }; });
}

}  // namespace stream::app
