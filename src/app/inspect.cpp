// stream-hpc inspect [--accelerator A] [--workload W] [--mapping M] [--json OUT]
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "commands.hpp"
#include "stream/common/error.hpp"
#include "stream/hardware/load.hpp"
#include "stream/io/spec_json.hpp"
#include "stream/mapping/check.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"
#include "table.hpp"

namespace stream::app {
namespace {

struct InspectOptions {
  std::string accelerator;
  std::string workload;
  std::string mapping;
  std::string json;
  bool no_cn_groups = false;
  bool stream_free_nodes = false;
};

std::string loop_text(const workload::LayerSpec& l) {
  std::string s;
  for (const auto& d : l.dims) {
    if (d.size == 1) continue;
    s += (s.empty() ? "" : " ") + d.name + std::to_string(d.size);
  }
  return s.empty() ? "-" : s;
}

std::string stride_pad_text(const workload::LayerSpec& l) {
  std::string s;
  for (const auto& r : l.relations) {
    if (r.coef_a == 1 && r.coef_b == 1 && r.pad_begin == 0 && r.pad_end == 0) continue;
    s += (s.empty() ? "" : " ") + r.name + ":s" + std::to_string(r.coef_a);
    if (r.coef_b != 1) s += "d" + std::to_string(r.coef_b);
    if (r.pad_begin || r.pad_end)
      s += "p" + std::to_string(r.pad_begin) + "/" + std::to_string(r.pad_end);
  }
  return s.empty() ? "-" : s;
}

std::string operand_bits(const workload::LayerSpec& l, workload::MemOperand op) {
  const int o = l.operand_index(op);
  if (o < 0) return "-";
  std::int64_t bits = l.operand_bits(o);
  if (op == workload::MemOperand::kO) bits = l.operand_elements(o) * l.output_final_precision_bits;
  return std::to_string(bits);
}

void print_workload(const workload::WorkloadSpec& w) {
  std::cout << "Workload " << w.name << " (" << w.source << "): " << w.nodes.size() << " nodes, "
            << w.layers.size() << " costed layers, " << w.total_macs() << " MACs\n";
  Table t({"id", "name", "operator", "loop sizes", "stride/pad", "MACs", "I bits", "W bits",
           "O bits", "inputs from"});
  for (const auto& l : w.layers) {
    std::string from;
    for (const auto& op : l.operands) {
      if (op.is_output) continue;
      std::string src = op.is_constant ? "const"
                        : op.source    ? std::to_string(op.source->value)
                                       : "-";
      from += (from.empty() ? "" : " ") + op.name + ":" + src;
    }
    t.add({std::to_string(l.id.value), l.name, l.operator_type, loop_text(l), stride_pad_text(l),
           std::to_string(l.mac_count()), operand_bits(l, workload::MemOperand::kI1),
           operand_bits(l, workload::MemOperand::kI2), operand_bits(l, workload::MemOperand::kO),
           from});
  }
  t.print(std::cout);
  std::cout << "  (I/W bits at the operand precision, O bits at the final output precision)\n";
  const auto free_count = w.nodes.size() - w.layers.size();
  if (free_count > 0) {
    std::cout << "  " << free_count << " free nodes (not costed):";
    std::map<std::string, int> by_op;
    for (const auto& n : w.nodes) {
      if (n.kind != workload::NodeKind::kLayer) by_op[n.op_type]++;
    }
    for (const auto& [op, n] : by_op) std::cout << " " << op << " x" << n;
    std::cout << "\n";
  }
}

void print_accelerator(const hardware::AcceleratorSpec& a) {
  std::cout << "Accelerator " << a.name << " (" << a.file << "): " << a.cores.size()
            << " cores, off-chip core " << a.offchip_core.value << "\n";
  Table cores({"core", "name", "type", "array", "MACs", "pJ/MAC", "dataflows"});
  for (const auto& c : a.cores) {
    const auto& s = *c.spec;
    std::string arr;
    for (std::size_t d = 0; d < s.array.dimensions.size(); ++d) {
      arr += (d ? "x" : "") + std::to_string(s.array.sizes[d]);
    }
    std::string dfs;
    for (const auto& df : s.dataflows) {
      std::string one;
      for (const auto& u : df) {
        one += (one.empty() ? "" : ",") +
               s.array.dimensions[static_cast<std::size_t>(u.array_dim)] + ":" + u.loop_dim +
               std::to_string(u.unroll);
      }
      dfs += (dfs.empty() ? "" : " | ") + one;
    }
    cores.add({std::to_string(c.id.value), s.name,
               s.type == hardware::CoreType::kOffchip ? "off-chip" : "compute", arr,
               std::to_string(s.array.total_units()), num(s.array.unit_energy_pj),
               dfs.empty() ? "-" : dfs});
  }
  cores.print(std::cout);
  std::cout << "\n  Memories (innermost first; sizes in bits, bandwidths in bits/cycle, costs in "
               "pJ per access)\n";
  Table mem({"core", "memory", "operands", "size", "r_bw", "w_bw", "r_cost", "w_cost",
             "ports r/w/rw", "instances", "top"});
  std::set<const hardware::CoreSpec*> shown;
  for (const auto& c : a.cores) {
    const auto& s = *c.spec;
    const auto tops = s.top_levels();
    for (std::size_t i = 0; i < s.levels.size(); ++i) {
      const auto& lv = s.levels[i];
      std::string ops;
      for (auto op : lv.operands)
        ops += (ops.empty() ? "" : ",") + std::string(workload::to_string(op));
      mem.add(
          {std::to_string(c.id.value), lv.memory.name, ops, bits_text(lv.memory.size_bits),
           num(lv.memory.r_bw_bits), num(lv.memory.w_bw_bits), num(lv.memory.r_cost_pj),
           num(lv.memory.w_cost_pj),
           std::to_string(lv.memory.r_ports) + "/" + std::to_string(lv.memory.w_ports) + "/" +
               std::to_string(lv.memory.rw_ports),
           std::to_string(lv.instance_count(s.array.sizes)),
           std::find(tops.begin(), tops.end(), static_cast<int>(i)) != tops.end() ? "yes" : ""});
    }
  }
  mem.print(std::cout);
  std::cout << "\n  Top memory instances (what the scheduler tracks)\n";
  Table tm({"#", "memory", "cores", "operands", "capacity"});
  for (const auto& m : a.top_memories) {
    std::string owners, ops;
    for (const auto& [c, l] : m.owners)
      owners += (owners.empty() ? "" : ",") + std::to_string(c.value);
    for (auto op : m.operands)
      ops += (ops.empty() ? "" : ",") + std::string(workload::to_string(op));
    tm.add({std::to_string(m.index), m.name, owners, ops, bits_text(m.capacity_bits)});
  }
  tm.print(std::cout);
  std::cout << "\n  Channels (bandwidth in bits/cycle, energy in pJ per busy cycle)\n";
  Table ch({"#", "channel", "kind", "bandwidth", "energy"});
  for (std::size_t i = 0; i < a.channels.size(); ++i) {
    const auto& c = a.channels[i];
    ch.add({std::to_string(i), c.label, c.kind == hardware::ChannelKind::kBus ? "bus" : "link",
            num(c.bandwidth_bits_per_cycle), num(c.energy_pj_per_cycle)});
  }
  ch.print(std::cout);
  std::cout << "\n  Routes (fewest hops; * = pinned in the file)\n";
  Table rt({"from", "to", "path", "channels"});
  for (const auto& [pair, r] : a.routes) {
    std::string path, chans;
    for (auto c : r.cores) path += (path.empty() ? "" : "->") + std::to_string(c.value);
    for (auto c : r.channels) chans += (chans.empty() ? "" : ",") + std::to_string(c);
    rt.add({std::to_string(pair.first.value), std::to_string(pair.second.value),
            path + (a.pinned.count(pair) ? " *" : ""), chans});
  }
  rt.print(std::cout);
}

void print_mapping(const mapping::MappingSpec& m) {
  std::cout << "Mapping (" << m.file << "): " << m.entries.size() << " entries, scheduler priority "
            << mapping::to_string(m.scheduler.priority) << ", prefetch [";
  for (std::size_t i = 0; i < m.scheduler.prefetch.size(); ++i)
    std::cout << (i ? ", " : "") << m.scheduler.prefetch[i];
  std::cout << "]\n";
  auto tiling = [](const std::vector<mapping::TilingLoop>& t) {
    std::string s;
    for (const auto& l : t)
      s += (s.empty() ? "" : " ") + l.dim + ":" +
           (l.all   ? "all"
            : l.any ? "*"
                    : std::to_string(l.size));
    return s.empty() ? "layer-by-layer" : s;
  };
  Table t({"entry", "cores", "fixed", "intra-core tiling", "inter-core tiling"});
  for (const auto& e : m.entries) {
    std::string cores;
    for (auto c : e.core_allocation) cores += (cores.empty() ? "" : ",") + std::to_string(c.value);
    t.add({e.name, cores, e.core_allocation_is_fixed ? "yes" : "",
           e.intra_core_tiling ? tiling(*e.intra_core_tiling) : "layer-by-layer",
           e.inter_core_tiling.empty() ? "-" : tiling(e.inter_core_tiling)});
  }
  t.print(std::cout);
  for (const auto& c : m.tiling_cutoffs) {
    std::cout << "  tiling cutoff: "
              << (c.below_layer ? "layers < " + std::to_string(*c.below_layer)
                                : std::string("other layers"))
              << ": " << tiling(c.intra_core_tiling) << "\n";
  }
}

std::string outer_loops_text(const workload::LayerSpec& l,
                             const std::vector<tiler::OuterLoop>& loops) {
  std::string s;
  for (const auto& loop : loops) {
    if (loop.size == 1) continue;
    s += (s.empty() ? "" : " ") + l.dims[static_cast<std::size_t>(loop.dim)].name + ":" +
         std::to_string(loop.size);
  }
  return s.empty() ? "layer-by-layer" : s;
}

/// Per costed layer (in the tiler's topological order): CNs, groups, outer loops, edges in.
nlohmann::json cn_layers_json(const workload::WorkloadSpec& w, const tiler::CnGraph& g) {
  std::vector<std::int64_t> intra(w.layers.size(), 0), inter_in(w.layers.size(), 0);
  for (const auto& e : g.edges) {
    const auto li = static_cast<std::size_t>(g.cns[static_cast<std::size_t>(e.dst)].layer_index);
    (e.operand < 0 ? intra : inter_in)[li]++;
  }
  nlohmann::json layers = nlohmann::json::array();
  for (int li : g.layer_order) {
    const auto i = static_cast<std::size_t>(li);
    const auto& l = w.layers[i];
    layers.push_back({{"id", l.id.value},
                      {"name", l.name},
                      {"operator", l.operator_type},
                      {"cns", g.layer_cns[i].size()},
                      {"groups", g.layer_groups[i]},
                      {"outer_loops", outer_loops_text(l, g.layer_outer_loops[i])},
                      {"intra_edges", intra[i]},
                      {"inter_edges_in", inter_in[i]}});
  }
  return layers;
}

void print_cn_graph(const nlohmann::json& layers, const tiler::CnGraph& g) {
  std::cout << "CN graph: " << g.cn_count() << " CNs, " << g.edge_count() << " edges, "
            << g.tensors.size() << " tensors\n";
  Table t({"id", "name", "operator", "CNs", "groups", "outer-CN loops", "intra edges",
           "inter edges in"});
  for (const auto& l : layers) {
    t.add({std::to_string(l["id"].get<int>()), l["name"].get<std::string>(),
           l["operator"].get<std::string>(), std::to_string(l["cns"].get<std::size_t>()),
           std::to_string(l["groups"].get<int>()), l["outer_loops"].get<std::string>(),
           std::to_string(l["intra_edges"].get<std::int64_t>()),
           std::to_string(l["inter_edges_in"].get<std::int64_t>())});
  }
  t.print(std::cout);
}

int run_inspect(const InspectOptions& o) {
  if (o.accelerator.empty() && o.workload.empty() && o.mapping.empty()) {
    throw InputError("inspect", "", "give at least one of --accelerator, --workload, --mapping");
  }
  std::optional<workload::WorkloadSpec> w;
  std::optional<hardware::AcceleratorSpec> a;
  std::optional<mapping::MappingSpec> m;
  if (!o.workload.empty()) w = workload::load_workload(o.workload);
  if (!o.accelerator.empty()) a = hardware::read_accelerator(o.accelerator);
  if (!o.mapping.empty()) m = mapping::read_mapping(o.mapping);
  if (w && a && m) mapping::check_mapping(*m, *w, *a);
  std::optional<tiler::CnGraph> g;
  nlohmann::json cn_layers;
  if (w && m) {
    tiler::TilerOptions topt;
    topt.cn_groups = !o.no_cn_groups;
    topt.exact_free_nodes = !o.stream_free_nodes;
    g = tiler::build_cn_graph(*w, *m, topt);
    for (const auto& warning : g->warnings) std::cerr << "warning: " << warning << "\n";
    cn_layers = cn_layers_json(*w, *g);
  }
  if (!o.json.empty()) {
    nlohmann::json j = nlohmann::json::object();
    if (w) j["workload"] = io::to_json(*w);
    if (a) j["accelerator"] = io::to_json(*a);
    if (m) j["mapping"] = io::to_json(*m);
    if (g) {
      j["cn_count"] = g->cn_count();
      j["edge_count"] = g->edge_count();
      j["cn_layers"] = cn_layers;
      j["tiler_warnings"] = g->warnings;
    }
    io::write_json_file(j, o.json);
    return 0;
  }
  bool first = true;
  auto sep = [&] {
    if (!first) std::cout << "\n";
    first = false;
  };
  if (w) sep(), print_workload(*w);
  if (a) sep(), print_accelerator(*a);
  if (m) sep(), print_mapping(*m);
  if (g) sep(), print_cn_graph(cn_layers, *g);
  return 0;
}

}  // namespace

void register_inspect(CLI::App& app, Action& action) {
  auto opts = std::make_shared<InspectOptions>();
  auto* sub = app.add_subcommand(
      "inspect",
      "Print a workload, an accelerator and/or a mapping as readable tables (or JSON); with a "
      "workload and a mapping also the CN graph (CNs and edges per layer)");
  sub->add_option("--accelerator,-a", opts->accelerator,
                  "Accelerator YAML file (Stream 2024 or 2025+ form)");
  sub->add_option("--workload,-w", opts->workload,
                  "Workload: an ONNX file, a YAML layer list, or zoo:NAME");
  sub->add_option("--mapping,-m", opts->mapping, "Mapping YAML file (list form or map form)");
  sub->add_option("--json", opts->json,
                  "Write the summaries as JSON to this file instead of printing tables");
  sub->add_flag("--no-cn-groups", opts->no_cn_groups,
                "CN graph as the June-2023 validation code: no CN groups, one chain per layer");
  sub->add_flag("--stream-free-nodes", opts->stream_free_nodes,
                "Concat, broadcast and Reduce nodes as Stream 5e094e6c's pass-through dummies "
                "(box rule by position) instead of exact element-wise dependencies");
  sub->callback([&action, opts] { action = [opts] { return run_inspect(*opts); }; });
}

}  // namespace stream::app
