#include "stream/sweep/point_builder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "expr.hpp"
#include "stream/common/error.hpp"
#include "stream/common/yaml_node.hpp"
#include "stream/hardware/load.hpp"
#include "stream/workload/load.hpp"

namespace stream::sweep {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

double parse_bandwidth(const std::string& s, const std::string& file, const std::string& where) {
  const std::string t = trim(s);
  if (t == ".inf" || t == "inf") return INFINITY;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || !(v > 0)) {
    throw InputError(file, where, "expected a positive bandwidth (or .inf), got '" + t + "'");
  }
  if (const auto why = hardware::channel_bandwidth_problem(v); !why.empty()) {
    throw InputError(file, where, why);
  }
  return v;
}

std::string id_list(const std::vector<int>& ids) {
  std::string s = "[";
  for (std::size_t k = 0; k < ids.size(); ++k) s += (k ? ", " : "") + std::to_string(ids[k]);
  return s + "]";
}

/// "lbl" -> "[]"; "OY:all,K:4" -> "[[OY, all], [K, 4]]".
std::string tiling_yaml(const std::string& t, const std::string& file) {
  const std::string s = trim(t);
  if (s == "lbl" || s == "layer_by_layer" || s.empty()) return "[]";
  std::string out = "[";
  std::size_t pos = 0;
  bool first = true;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    if (comma == std::string::npos) comma = s.size();
    const std::string item = trim(s.substr(pos, comma - pos));
    const auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      throw InputError(file, "mapping.tiling",
                       "expected 'lbl' or DIM:N|all[,DIM:N|all...], got '" + s + "'");
    }
    out += std::string(first ? "" : ", ") + "[" + trim(item.substr(0, colon)) + ", " +
           trim(item.substr(colon + 1)) + "]";
    first = false;
    pos = comma + 1;
  }
  return out + "]";
}

}  // namespace

PointBuilder::PointBuilder(const SweepSpec& spec) : spec_(spec) {}

std::shared_ptr<const hardware::CoreSpec> PointBuilder::core(const std::string& type,
                                                             const std::string& text) const {
  {
    std::lock_guard lock(mu_);
    auto it = cores_.find(text);
    if (it != cores_.end()) return it->second;
  }
  const auto& file = spec_.hardware.core_type_files.at(type);
  auto c = std::make_shared<const hardware::CoreSpec>(
      hardware::core_from_yaml(yaml::Node::load_string(text, file)));
  std::lock_guard lock(mu_);
  return cores_.emplace(text, std::move(c)).first->second;
}

std::shared_ptr<const workload::WorkloadSpec> PointBuilder::workload(const std::string& w) const {
  std::lock_guard lock(mu_);  // loads are rare (one per distinct workload); keep it simple
  auto it = workloads_.find(w);
  if (it != workloads_.end()) return it->second;
  std::string src = trim(w);
  if (src.rfind("zoo:", 0) != 0) {
    const std::filesystem::path p(src);
    src = (p.is_absolute() ? p : std::filesystem::path(spec_.base_dir) / p)
              .lexically_normal()
              .string();
  }
  auto spec = std::make_shared<const workload::WorkloadSpec>(workload::load_workload(src));
  return workloads_.emplace(w, std::move(spec)).first->second;
}

BuiltPoint PointBuilder::build(const Point& p) const {
  const detail::Lookup lookup = [&](const std::string& n) -> std::optional<Value> {
    const int i = spec_.param_index(n);
    if (i < 0) return std::nullopt;
    return p.values[static_cast<std::size_t>(i)];
  };
  const std::string& f = spec_.file;
  auto fill = [&](const std::string& t, const char* where) {
    return detail::substitute(t, lookup, f, where);
  };
  const auto& h = spec_.hardware;
  BuiltPoint out;

  // Compute cores: "type*count+type*count...".
  out.compute_cores = trim(fill(h.compute_cores, "hardware.compute_cores"));
  std::vector<std::string> types;
  {
    std::size_t pos = 0;
    const std::string& s = out.compute_cores;
    while (pos <= s.size()) {
      auto plus = s.find('+', pos);
      if (plus == std::string::npos) plus = s.size();
      const std::string item = trim(s.substr(pos, plus - pos));
      const auto star = item.find('*');
      const std::string t = trim(item.substr(0, star));
      std::int64_t n = 1;
      if (star != std::string::npos) {
        const std::string cnt = trim(item.substr(star + 1));
        char* end = nullptr;
        n = std::strtoll(cnt.c_str(), &end, 10);
        if (cnt.empty() || *end != '\0' || n < 0 || n > 4096) {
          throw InputError(f, "hardware.compute_cores",
                           "bad core count '" + cnt + "' in '" + s + "'");
        }
      }
      if (!h.core_type_files.count(t)) {
        throw InputError(f, "hardware.compute_cores",
                         "unknown core type '" + t + "' in '" + s + "'");
      }
      for (std::int64_t k = 0; k < n; ++k) types.push_back(t);
      pos = plus + 1;
    }
  }
  if (types.empty()) {
    throw InputError(f, "hardware.compute_cores", "no compute core in '" + out.compute_cores + "'");
  }
  hardware::AcceleratorDraft d;
  d.name = spec_.name;
  d.file = f + " [" + describe(spec_, p) + "]";
  std::map<std::string, std::string> filled;  // core type -> filled text
  auto core_of = [&](const std::string& t) {
    auto it = filled.find(t);
    if (it == filled.end()) {
      it = filled
               .emplace(t, detail::substitute(h.core_type_text.at(t), lookup,
                                              h.core_type_files.at(t), "(template)"))
               .first;
    }
    return core(t, it->second);
  };
  std::vector<int> compute_ids;
  std::map<std::string, std::vector<int>> ids_of_type;
  int next = 0;
  for (const auto& t : types) {
    d.cores.push_back({CoreId(next), core_of(t)});
    compute_ids.push_back(next);
    ids_of_type[t].push_back(next);
    ++next;
  }
  std::vector<int> extra_ids;
  for (const auto& t : h.extra_cores) {
    d.cores.push_back({CoreId(next), core_of(t)});
    extra_ids.push_back(next);
    ids_of_type[t].push_back(next);
    ++next;
  }
  d.offchip_core = CoreId(next);
  d.cores.push_back({d.offchip_core, core_of(h.dram_core)});
  {
    const std::string u = trim(fill(h.unit_energy_cost, "hardware.unit_energy_cost"));
    char* end = nullptr;
    const double v = std::strtod(u.c_str(), &end);
    if (u.empty() || *end != '\0' || !(v >= 0) || !std::isfinite(v)) {
      throw InputError(f, "hardware.unit_energy_cost", "expected a number >= 0, got '" + u + "'");
    }
    d.default_unit_energy_cost = v;
  }
  const double bw = parse_bandwidth(fill(h.link_bandwidth, "hardware.link_bandwidth"), f,
                                    "hardware.link_bandwidth");
  const double xbw =
      h.extra_link_bandwidth.empty()
          ? bw
          : parse_bandwidth(fill(h.extra_link_bandwidth, "hardware.extra_link_bandwidth"), f,
                            "hardware.extra_link_bandwidth");
  auto link = [&](int a, int b, double bandwidth, const std::string& where) {
    hardware::ConnectivityEntry e;
    e.kind = hardware::ChannelKind::kLink;
    e.cores = {CoreId(a), CoreId(b)};
    e.bandwidth_bits_per_cycle = bandwidth;
    e.where = where;
    d.connectivity.push_back(std::move(e));
  };
  const std::string topo = trim(fill(h.topology, "hardware.topology"));
  const int n = static_cast<int>(compute_ids.size());
  if (topo == "bus") {
    if (n >= 2) {
      hardware::ConnectivityEntry e;
      e.kind = hardware::ChannelKind::kBus;
      for (int c : compute_ids) e.cores.push_back(CoreId(c));
      e.bandwidth_bits_per_cycle = bw;
      e.where = "hardware.topology (bus)";
      d.connectivity.push_back(std::move(e));
    }
  } else if (topo == "mesh") {
    int rows = static_cast<int>(std::floor(std::sqrt(static_cast<double>(n))));
    while (rows > 1 && n % rows != 0) --rows;
    const int cols = n / rows;
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const int i = r * cols + c;
        if (c + 1 < cols) link(i, i + 1, bw, "hardware.topology (mesh)");
        if (r + 1 < rows) link(i, i + cols, bw, "hardware.topology (mesh)");
      }
    }
  } else if (topo == "ring") {
    for (int i = 0; i + 1 < n; ++i) link(i, i + 1, bw, "hardware.topology (ring)");
    if (n >= 3) link(n - 1, 0, bw, "hardware.topology (ring)");
  } else {
    throw InputError(f, "hardware.topology", "expected bus, mesh or ring, got '" + topo + "'");
  }
  for (std::size_t k = 0; k < extra_ids.size(); ++k) {
    for (int c : compute_ids) link(c, extra_ids[k], xbw, "hardware.extra_cores");
    for (std::size_t j = 0; j < k; ++j)
      link(extra_ids[j], extra_ids[k], xbw, "hardware.extra_cores");
  }
  out.spec.accelerator =
      std::make_shared<const hardware::AcceleratorSpec>(hardware::build_accelerator(std::move(d)));

  // Mapping.
  const std::string tiling = tiling_yaml(fill(spec_.mapping.tiling, "mapping.tiling"), f);
  if (!spec_.mapping.file.empty()) {
    const detail::Lookup ml = [&](const std::string& name) -> std::optional<Value> {
      if (name == "compute_core_ids") return Value::of_string(id_list(compute_ids));
      if (name == "n_compute_cores") return Value::of_int(n);
      if (name == "tiling") return Value::of_string(tiling);
      if (name.rfind("core_ids_", 0) == 0) {
        const auto it = ids_of_type.find(name.substr(9));
        if (it != ids_of_type.end()) return Value::of_string(id_list(it->second));
        if (h.core_type_files.count(name.substr(9))) return Value::of_string("[]");
      }
      return lookup(name);
    };
    out.mapping_text =
        detail::substitute(spec_.mapping.file_text, ml, spec_.mapping.file, "(template)");
  } else {
    std::string m = "layers:\n";
    const std::string inter = trim(fill(spec_.mapping.inter_core, "mapping.inter_core"));
    std::string split;
    if (!inter.empty() && inter != "none" && n > 1) {
      for (char c : inter) {
        if (!std::isalnum(static_cast<unsigned char>(c))) {
          throw InputError(f, "mapping.inter_core",
                           "expected a loop dimension such as K (or none), got '" + inter + "'");
        }
      }
      split = ", inter_core_tiling: [[" + inter + ", " + std::to_string(n) +
              "]], core_allocation_is_fixed: true";
    }
    m += "  - {name: default, core_allocation: " + id_list(compute_ids) +
         ", intra_core_tiling: " + tiling + split + "}\n";
    for (const auto& [op, t] : spec_.mapping.assign) {
      m += "  - {name: " + op + ", core_allocation: " + id_list(ids_of_type[t]) +
           ", intra_core_tiling: " + tiling + "}\n";
    }
    m += "scheduler: {priority: memory, prefetch: []}\n";
    out.mapping_text = std::move(m);
  }
  {
    std::shared_ptr<const mapping::MappingSpec> ms;
    {
      std::lock_guard lock(mu_);
      auto it = mappings_.find(out.mapping_text);
      if (it != mappings_.end()) ms = it->second;
    }
    if (!ms) {
      const std::string name =
          spec_.mapping.file.empty() ? f + " (generated mapping)" : spec_.mapping.file;
      ms = std::make_shared<const mapping::MappingSpec>(
          mapping::parse_mapping(out.mapping_text, name));
      std::lock_guard lock(mu_);
      ms = mappings_.emplace(out.mapping_text, ms).first->second;
    }
    out.spec.mapping = std::move(ms);
  }
  out.spec.workload = workload(fill(spec_.workload, "workload"));

  // Evaluation options.
  auto& o = out.spec.options;
  const std::string alloc = trim(fill(spec_.allocator, "evaluation.allocator"));
  if (alloc == "fixed") {
    o.allocator = evaluate::Allocator::kFixed;
  } else if (alloc == "genetic") {
    o.allocator = evaluate::Allocator::kGenetic;
  } else if (alloc == "greedy") {
    o.allocator = evaluate::Allocator::kGreedy;
  } else if (alloc == "balanced") {
    o.allocator = evaluate::Allocator::kBalanced;
  } else {
    throw InputError(f, "evaluation.allocator",
                     "expected fixed, genetic, greedy or balanced, got '" + alloc + "'");
  }
  const std::string pr = trim(fill(spec_.priority, "evaluation.priority"));
  if (!pr.empty() && pr != "memory" && pr != "latency") {
    throw InputError(f, "evaluation.priority", "expected memory or latency, got '" + pr + "'");
  }
  o.priority = pr;
  o.fixes = spec_.fixes;
  const std::string obj = trim(fill(spec_.objective, "evaluation.objective"));
  if (obj == "edp") {
    o.objective = evaluate::Objective::kEdp;
  } else if (obj == "latency") {
    o.objective = evaluate::Objective::kLatency;
  } else if (obj == "energy") {
    o.objective = evaluate::Objective::kEnergy;
  } else {
    throw InputError(f, "evaluation.objective",
                     "expected edp, latency or energy, got '" + obj + "'");
  }
  auto count = [&](const std::string& t, const char* where) {
    const std::string s = trim(fill(t, where));
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || v < 1 || v > 1'000'000) {
      throw InputError(f, where, "expected a positive integer, got '" + s + "'");
    }
    return static_cast<int>(v);
  };
  o.ga_population = count(spec_.ga_population, "evaluation.ga_population");
  o.ga_generations = count(spec_.ga_generations, "evaluation.ga_generations");
  o.seed = p.id;
  return out;
}

}  // namespace stream::sweep
