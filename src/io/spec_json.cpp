#include "stream/io/spec_json.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "stream/common/error.hpp"

namespace stream::io {
namespace {
using nlohmann::json;

json number(double v) {
  if (std::isinf(v)) return v > 0 ? json("inf") : json("-inf");
  return json(v);
}
}  // namespace

json to_json(const workload::LayerSpec& l) {
  json j;
  j["id"] = l.id.value;
  j["name"] = l.name;
  j["operator_type"] = l.operator_type;
  j["equation"] = l.equation;
  json dims = json::object();
  json order = json::array();
  for (const auto& d : l.dims) {
    dims[d.name] = d.size;
    order.push_back(d.name);
  }
  j["loop_sizes"] = dims;
  j["loop_dims"] = order;
  json rel = json::array();
  for (const auto& r : l.relations) {
    rel.push_back({{"name", r.name},
                   {"relation", r.name + "=" + std::to_string(r.coef_a) + "*" +
                                    l.dims[static_cast<std::size_t>(r.dim_a)].name + "+" +
                                    std::to_string(r.coef_b) + "*" +
                                    l.dims[static_cast<std::size_t>(r.dim_b)].name},
                   {"padding", {r.pad_begin, r.pad_end}},
                   {"size", l.relation_total(static_cast<int>(&r - l.relations.data()))}});
  }
  j["dimension_relations"] = rel;
  j["macs"] = l.mac_count();
  json ops = json::array();
  for (std::size_t o = 0; o < l.operands.size(); ++o) {
    const auto& op = l.operands[o];
    json oj{{"name", op.name},
            {"memory_operand", std::string(workload::to_string(op.mem_operand))},
            {"is_output", op.is_output},
            {"precision_bits", op.precision_bits},
            {"elements", l.operand_elements(static_cast<int>(o))},
            {"size_bits", l.operand_bits(static_cast<int>(o))}};
    if (op.is_output) {
      oj["final_precision_bits"] = l.output_final_precision_bits;
      oj["final_size_bits"] =
          l.operand_elements(static_cast<int>(o)) * l.output_final_precision_bits;
    } else {
      oj["constant"] = op.is_constant;
      oj["source"] = op.source ? json(op.source->value) : json(nullptr);
    }
    ops.push_back(oj);
  }
  j["operands"] = ops;
  return j;
}

json to_json(const workload::WorkloadSpec& w) {
  json j;
  j["name"] = w.name;
  j["source"] = w.source;
  j["node_count"] = w.nodes.size();
  j["layer_count"] = w.layers.size();
  j["total_macs"] = w.total_macs();
  json layers = json::array();
  for (const auto& l : w.layers) layers.push_back(to_json(l));
  j["layers"] = layers;
  json free_nodes = json::array();
  for (const auto& n : w.nodes) {
    if (n.kind == workload::NodeKind::kLayer) continue;
    json inputs = json::array();
    for (const auto& i : n.inputs) inputs.push_back(i ? json(i->value) : json(nullptr));
    free_nodes.push_back({{"id", n.id.value},
                          {"name", n.name},
                          {"op_type", n.op_type},
                          {"kind", std::string(workload::to_string(n.kind))},
                          {"inputs", inputs},
                          {"output_shape", n.output_shape}});
  }
  j["free_nodes"] = free_nodes;
  return j;
}

json to_json(const hardware::CoreSpec& c) {
  json j;
  j["name"] = c.name;
  j["type"] = c.type == hardware::CoreType::kOffchip ? "offchip" : "compute";
  j["array"] = {{"dimensions", c.array.dimensions},
                {"sizes", c.array.sizes},
                {"units", c.array.total_units()},
                {"unit_energy_pj", number(c.array.unit_energy_pj)}};
  json levels = json::array();
  const auto tops = c.top_levels();
  for (std::size_t i = 0; i < c.levels.size(); ++i) {
    const auto& lv = c.levels[i];
    json ops = json::array();
    for (auto op : lv.operands) ops.push_back(std::string(workload::to_string(op)));
    json served = json::array();
    for (auto d : lv.served_dimensions)
      served.push_back(c.array.dimensions[static_cast<std::size_t>(d)]);
    levels.push_back(
        {{"name", lv.memory.name},
         {"size_bits", lv.memory.size_bits},
         {"operands", ops},
         {"r_bw_bits_per_cycle", lv.memory.r_bw_bits},
         {"w_bw_bits_per_cycle", lv.memory.w_bw_bits},
         {"r_cost_pj", lv.memory.r_cost_pj},
         {"w_cost_pj", lv.memory.w_cost_pj},
         {"ports", {lv.memory.r_ports, lv.memory.w_ports, lv.memory.rw_ports}},
         {"served_dimensions", served},
         {"instances", lv.instance_count(c.array.sizes)},
         {"top", std::find(tops.begin(), tops.end(), static_cast<int>(i)) != tops.end()}});
  }
  j["memories"] = levels;
  json dfs = json::array();
  for (const auto& df : c.dataflows) {
    json d = json::object();
    for (const auto& u : df)
      d[c.array.dimensions[static_cast<std::size_t>(u.array_dim)]].push_back(
          {u.loop_dim, u.unroll});
    dfs.push_back(d);
  }
  j["dataflows"] = dfs;
  j["content_hash"] = c.content_hash();
  return j;
}

json to_json(const hardware::AcceleratorSpec& a) {
  json j;
  j["name"] = a.name;
  j["file"] = a.file;
  j["offchip_core"] = a.offchip_core.value;
  json cores = json::array();
  for (const auto& c : a.cores) {
    json cj = to_json(*c.spec);
    cj["id"] = c.id.value;
    cores.push_back(cj);
  }
  j["cores"] = cores;
  json chans = json::array();
  for (const auto& ch : a.channels) {
    json hops = json::array();
    for (const auto& [x, y] : ch.hops) hops.push_back({x.value, y.value});
    chans.push_back({{"label", ch.label},
                     {"kind", ch.kind == hardware::ChannelKind::kBus ? "bus" : "link"},
                     {"bandwidth_bits_per_cycle", number(ch.bandwidth_bits_per_cycle)},
                     {"energy_pj_per_cycle", ch.energy_pj_per_cycle},
                     {"hops", hops}});
  }
  j["channels"] = chans;
  json mems = json::array();
  for (const auto& m : a.top_memories) {
    json owners = json::array();
    for (const auto& [c, l] : m.owners) owners.push_back(c.value);
    json ops = json::array();
    for (auto op : m.operands) ops.push_back(std::string(workload::to_string(op)));
    mems.push_back({{"index", m.index},
                    {"name", m.name},
                    {"cores", owners},
                    {"operands", ops},
                    {"capacity_bits", m.capacity_bits}});
  }
  j["top_memories"] = mems;
  json routes = json::array();
  for (const auto& [pair, r] : a.routes) {
    json path = json::array();
    for (auto c : r.cores) path.push_back(c.value);
    routes.push_back({{"from", pair.first.value},
                      {"to", pair.second.value},
                      {"path", path},
                      {"channels", r.channels},
                      {"pinned", a.pinned.count(pair) > 0}});
  }
  j["routes"] = routes;
  return j;
}

json to_json(const mapping::MappingSpec& m) {
  json j;
  j["file"] = m.file;
  auto tiling = [](const std::vector<mapping::TilingLoop>& t) {
    json a = json::array();
    for (const auto& l : t)
      a.push_back({l.dim, l.all ? json("all") : l.any ? json("*") : json(l.size)});
    return a;
  };
  json entries = json::array();
  for (const auto& e : m.entries) {
    json cores = json::array();
    for (auto c : e.core_allocation) cores.push_back(c.value);
    json ej{{"name", e.name},
            {"core_allocation", cores},
            {"core_allocation_is_fixed", e.core_allocation_is_fixed}};
    ej["intra_core_tiling"] = e.intra_core_tiling ? tiling(*e.intra_core_tiling) : json(nullptr);
    ej["inter_core_tiling"] = tiling(e.inter_core_tiling);
    entries.push_back(ej);
  }
  j["layers"] = entries;
  j["scheduler"] = {{"priority", std::string(mapping::to_string(m.scheduler.priority))},
                    {"prefetch", m.scheduler.prefetch}};
  json cut = json::array();
  for (const auto& c : m.tiling_cutoffs) {
    cut.push_back({{"below_layer", c.below_layer ? json(*c.below_layer) : json(nullptr)},
                   {"intra_core_tiling", tiling(c.intra_core_tiling)}});
  }
  j["tiling_cutoffs"] = cut;
  return j;
}

void write_json_file(const json& j, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw InputError(path, "", "cannot write the JSON output file");
    out << j.dump(2) << '\n';
    if (!out) throw InputError(path, "", "write error");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw InputError(path, "", "cannot rename the temporary file: " + ec.message());
}

}  // namespace stream::io
