// Accelerator files (formats.md "Accelerator file"), both Stream generations:
//  - 2024: `offchip_core: cores/offchip.yaml` (id = max core id + 1), `bandwidth` and
//    `unit_energy_cost` for all string entries of `core_connectivity` ("0, 1" = a link,
//    more than 2 ids = a bus), `core_memory_sharing: ["0, 1"]`;
//  - 2025+: `offchip_core_id`, link and bus entries with their own bandwidth and energy.
// build_accelerator() turns the raw connectivity into channels, the automatic DRAM buses,
// shared top-memory instances and a route for every ordered core pair.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/common/yaml_node.hpp"
#include "stream/hardware/load.hpp"

namespace stream::hardware {
namespace {

using yaml::Node;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string ids_text(const std::vector<CoreId>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? ", " : "") + std::to_string(ids[i].value);
  return s + "]";
}

/// "0, 1, 2" -> ids; each must be a non-negative integer.
std::vector<CoreId> parse_id_string(const Node& n) {
  std::vector<CoreId> out;
  std::stringstream ss(n.as_string());
  std::string item;
  while (std::getline(ss, item, ',')) {
    const std::string t = trim(item);
    char* end = nullptr;
    const long v = std::strtol(t.c_str(), &end, 10);
    if (t.empty() || end == nullptr || *end != '\0' || v < 0 || v > 1'000'000) {
      n.fail("expected core ids separated by commas (e.g. \"0, 1\"), got '" + n.as_string() + "'");
    }
    out.emplace_back(static_cast<int>(v));
  }
  return out;
}

std::vector<CoreId> parse_id_list(const Node& n) {
  if (n.is_scalar()) return parse_id_string(n);
  std::vector<CoreId> out;
  for (const auto& e : n.elements()) out.emplace_back(static_cast<int>(e.as_int(0, 1'000'000)));
  return out;
}

bool same_memory(const MemoryInstanceSpec& a, const MemoryInstanceSpec& b) {
  return a.size_bits == b.size_bits && a.r_cost_pj == b.r_cost_pj && a.w_cost_pj == b.w_cost_pj &&
         a.r_bw_bits == b.r_bw_bits && a.w_bw_bits == b.w_bw_bits &&
         a.r_granularity_bits == b.r_granularity_bits &&
         a.w_granularity_bits == b.w_granularity_bits && a.r_ports == b.r_ports &&
         a.w_ports == b.w_ports && a.rw_ports == b.rw_ports;
}

std::string where_of(const AcceleratorDraft& d, const std::string& w) {
  return w.empty() ? d.name : w;
}

// --- channels ------------------------------------------------------------------------------

void add_channels(const AcceleratorDraft& d, AcceleratorSpec& acc) {
  auto core_exists = [&](CoreId id) { return acc.find_core(id) != nullptr; };
  bool dram_named = false;
  for (const auto& e : d.connectivity) {
    for (auto c : e.cores) {
      if (!core_exists(c)) {
        throw InputError(d.file, e.where,
                         "connects core " + std::to_string(c.value) +
                             ", which does not exist (cores: " + ids_text(acc.core_ids()) + ")");
      }
      dram_named = dram_named || c == d.offchip_core;
    }
    std::set<CoreId> uniq(e.cores.begin(), e.cores.end());
    if (uniq.size() != e.cores.size()) throw InputError(d.file, e.where, "a core is listed twice");
    if (const auto why = channel_bandwidth_problem(e.bandwidth_bits_per_cycle); !why.empty()) {
      throw InputError(d.file, e.where, why);
    }
    const double energy = e.energy_pj_per_cycle.value_or(d.default_unit_energy_cost);
    if (e.kind == ChannelKind::kLink) {
      if (e.cores.size() != 2) {
        throw InputError(d.file, e.where,
                         "a link joins exactly 2 cores, got " + std::to_string(e.cores.size()));
      }
      const CoreId a = e.cores[0], b = e.cores[1];
      acc.channels.push_back({"link " + std::to_string(a.value) + "->" + std::to_string(b.value),
                              ChannelKind::kLink,
                              e.bandwidth_bits_per_cycle,
                              energy,
                              {{a, b}}});
      if (!e.directed) {
        acc.channels.push_back({"link " + std::to_string(b.value) + "->" + std::to_string(a.value),
                                ChannelKind::kLink,
                                e.bandwidth_bits_per_cycle,
                                energy,
                                {{b, a}}});
      }
    } else {
      if (e.cores.size() < 2) throw InputError(d.file, e.where, "a bus needs at least 2 cores");
      ChannelSpec ch;
      ch.kind = ChannelKind::kBus;
      ch.bandwidth_bits_per_cycle = e.bandwidth_bits_per_cycle;
      ch.energy_pj_per_cycle = energy;
      ch.label = "bus " + ids_text(e.cores);
      if (e.hub) {
        if (uniq.count(*e.hub) == 0) {
          throw InputError(d.file, e.where,
                           "hub " + std::to_string(e.hub->value) + " is not one of the bus cores");
        }
        ch.label += " hub " + std::to_string(e.hub->value);
        for (auto m : e.cores) {
          if (m == *e.hub) continue;
          ch.hops.push_back({*e.hub, m});
          ch.hops.push_back({m, *e.hub});
        }
      } else {
        for (auto a : e.cores) {
          for (auto b : e.cores) {
            if (a != b) ch.hops.push_back({a, b});
          }
        }
      }
      acc.channels.push_back(std::move(ch));
    }
  }
  if (!dram_named) {
    // formats.md: the off-chip core is connected to every core automatically, as wide as the
    // DRAM port it uses: one shared hub bus for a single read_write port, two directed shared
    // buses (DRAM -> cores on the read port, cores -> DRAM on the write port) otherwise.
    const CoreSpec& dram = acc.core(d.offchip_core);
    const auto tops = dram.top_levels();
    const auto& mem = dram.levels[static_cast<std::size_t>(tops.empty() ? 0 : tops.back())].memory;
    const double energy = d.default_unit_energy_cost;
    const auto others = acc.compute_core_ids();
    if (mem.r_ports > 0 && mem.w_ports > 0) {
      ChannelSpec rd{"DRAM read bus " + std::to_string(d.offchip_core.value) + "->*",
                     ChannelKind::kBus,
                     mem.r_bw_bits,
                     energy,
                     {}};
      ChannelSpec wr{"DRAM write bus *->" + std::to_string(d.offchip_core.value),
                     ChannelKind::kBus,
                     mem.w_bw_bits,
                     energy,
                     {}};
      for (auto c : others) {
        rd.hops.push_back({d.offchip_core, c});
        wr.hops.push_back({c, d.offchip_core});
      }
      acc.channels.push_back(std::move(rd));
      acc.channels.push_back(std::move(wr));
    } else {
      ChannelSpec bus{"DRAM bus " + std::to_string(d.offchip_core.value) + "<->*",
                      ChannelKind::kBus,
                      std::max(mem.r_bw_bits, mem.w_bw_bits),
                      energy,
                      {}};
      for (auto c : others) {
        bus.hops.push_back({d.offchip_core, c});
        bus.hops.push_back({c, d.offchip_core});
      }
      acc.channels.push_back(std::move(bus));
    }
  }
  for (std::size_t i = 0; i < acc.channels.size(); ++i) {
    for (const auto& hop : acc.channels[i].hops) {
      const bool known = std::any_of(acc.hop_channels.begin(), acc.hop_channels.end(),
                                     [&](const auto& hc) { return hc.first == hop; });
      if (!known) acc.hop_channels.push_back({hop, static_cast<int>(i)});
    }
  }
}

// --- shared memories -----------------------------------------------------------------------

void build_top_memories(const AcceleratorDraft& d, AcceleratorSpec& acc) {
  // (core, level) -> instance index for shared ones.
  std::map<std::pair<CoreId, int>, int> shared_with;
  for (const auto& sh : d.sharing) {
    for (auto c : sh.cores) {
      if (acc.find_core(c) == nullptr) {
        throw InputError(d.file, "core_memory_sharing",
                         "names core " + std::to_string(c.value) + ", which does not exist");
      }
    }
    if (sh.cores.size() < 2)
      throw InputError(d.file, "core_memory_sharing", "a sharing entry needs at least 2 cores");
  }
  for (const auto& inst : acc.cores) {
    const CoreSpec& core = *inst.spec;
    for (int level : core.top_levels()) {
      const auto& lv = core.levels[static_cast<std::size_t>(level)];
      int existing = -1;
      for (const auto& sh : d.sharing) {
        if (std::find(sh.cores.begin(), sh.cores.end(), inst.id) == sh.cores.end()) continue;
        if (!sh.memory.empty() && sh.memory != lv.memory.name) continue;
        // Find an earlier core of this entry that already created the instance.
        for (auto other : sh.cores) {
          if (other >= inst.id) continue;
          const CoreSpec& oc = acc.core(other);
          for (int ol : oc.top_levels()) {
            const auto& olv = oc.levels[static_cast<std::size_t>(ol)];
            if (olv.memory.name != lv.memory.name) continue;
            if (!same_memory(olv.memory, lv.memory)) {
              throw InputError(
                  d.file, "core_memory_sharing",
                  "memory '" + lv.memory.name + "' of core " + std::to_string(inst.id.value) +
                      " differs from the one of core " + std::to_string(other.value) +
                      " (a shared memory must have the same size, costs, bandwidths and ports)");
            }
            auto it = shared_with.find({other, ol});
            if (it != shared_with.end() && existing < 0) existing = it->second;
          }
        }
      }
      if (existing >= 0) {
        auto& shared = acc.top_memories[static_cast<std::size_t>(existing)];
        shared.owners.push_back({inst.id, level});
        for (auto op : lv.operands) {  // the cores may use the one instance for different operands
          if (std::find(shared.operands.begin(), shared.operands.end(), op) ==
              shared.operands.end()) {
            shared.operands.push_back(op);
          }
        }
        shared_with[{inst.id, level}] = existing;
      } else {
        TopMemoryInstance m;
        m.index = static_cast<int>(acc.top_memories.size());
        m.name = lv.memory.name;
        m.owners.push_back({inst.id, level});
        m.operands = lv.operands;
        m.capacity_bits = lv.memory.size_bits;
        shared_with[{inst.id, level}] = m.index;
        acc.top_memories.push_back(std::move(m));
      }
    }
  }
  // Every named shared memory must exist as a top memory of every listed core.
  for (const auto& sh : d.sharing) {
    if (sh.memory.empty()) continue;
    for (auto c : sh.cores) {
      const CoreSpec& core = acc.core(c);
      bool found = false;
      for (int l : core.top_levels())
        found = found || core.levels[static_cast<std::size_t>(l)].memory.name == sh.memory;
      if (!found) {
        throw InputError(d.file, "core_memory_sharing",
                         "core " + std::to_string(c.value) + " has no top-level memory called '" +
                             sh.memory + "'");
      }
    }
  }
}

// --- routes --------------------------------------------------------------------------------

/// networkx's bidirectional_shortest_path on the core graph with edges in insertion order
/// (stream-model.md §7.3 transfer step 5): the fewest-hop path Stream 2023 used.
std::optional<std::vector<CoreId>> bidirectional_bfs(
    const std::map<CoreId, std::vector<CoreId>>& succ,
    const std::map<CoreId, std::vector<CoreId>>& pred, CoreId source, CoreId target) {
  std::map<CoreId, std::optional<CoreId>> fwd{{source, std::nullopt}};
  std::map<CoreId, std::optional<CoreId>> bwd{{target, std::nullopt}};
  std::vector<CoreId> ffringe{source}, rfringe{target};
  std::optional<CoreId> meet;
  static const std::vector<CoreId> kEmpty;
  auto adj = [](const std::map<CoreId, std::vector<CoreId>>& m,
                CoreId v) -> const std::vector<CoreId>& {
    auto it = m.find(v);
    return it == m.end() ? kEmpty : it->second;
  };
  while (!ffringe.empty() && !rfringe.empty() && !meet) {
    if (ffringe.size() <= rfringe.size()) {
      std::vector<CoreId> level;
      level.swap(ffringe);
      for (auto v : level) {
        for (auto w : adj(succ, v)) {
          if (!fwd.count(w)) {
            ffringe.push_back(w);
            fwd[w] = v;
          }
          if (bwd.count(w)) {
            meet = w;
            break;
          }
        }
        if (meet) break;
      }
    } else {
      std::vector<CoreId> level;
      level.swap(rfringe);
      for (auto v : level) {
        for (auto w : adj(pred, v)) {
          if (!bwd.count(w)) {
            bwd[w] = v;
            rfringe.push_back(w);
          }
          if (fwd.count(w)) {
            meet = w;
            break;
          }
        }
        if (meet) break;
      }
    }
  }
  if (!meet) return std::nullopt;
  std::vector<CoreId> path;
  for (std::optional<CoreId> v = *meet; v; v = fwd[*v]) path.push_back(*v);
  std::reverse(path.begin(), path.end());
  for (std::optional<CoreId> v = bwd[*meet]; v; v = bwd[*v]) path.push_back(*v);
  return path;
}

void build_routes(const AcceleratorDraft& d, AcceleratorSpec& acc) {
  std::map<CoreId, std::vector<CoreId>> succ, pred;
  for (const auto& [hop, ch] : acc.hop_channels) {
    succ[hop.first].push_back(hop.second);
    pred[hop.second].push_back(hop.first);
  }
  auto channel_of = [&](CoreId a, CoreId b) -> int {
    for (const auto& [hop, ch] : acc.hop_channels) {
      if (hop.first == a && hop.second == b) return ch;
    }
    return -1;
  };
  for (std::size_t i = 0; i < d.pinned_routes.size(); ++i) {
    const auto& r = d.pinned_routes[i];
    const std::string where = "routes[" + std::to_string(i) + "]";
    if (r.size() < 2)
      throw InputError(d.file, where, "a route needs at least a source and a destination");
    Route route;
    route.cores = r;
    for (std::size_t h = 0; h + 1 < r.size(); ++h) {
      for (auto c : {r[h], r[h + 1]}) {
        if (acc.find_core(c) == nullptr) {
          throw InputError(d.file, where, "core " + std::to_string(c.value) + " does not exist");
        }
      }
      const int ch = channel_of(r[h], r[h + 1]);
      if (ch < 0) {
        throw InputError(d.file, where,
                         "no link or bus connects core " + std::to_string(r[h].value) +
                             " to core " + std::to_string(r[h + 1].value));
      }
      route.channels.push_back(ch);
    }
    const std::pair key{r.front(), r.back()};
    if (acc.pinned.count(key))
      throw InputError(d.file, where, "a route for this pair is already pinned");
    acc.routes[key] = std::move(route);
    acc.pinned[key] = true;
  }
  for (const auto& a : acc.cores) {
    for (const auto& b : acc.cores) {
      if (a.id == b.id || acc.routes.count({a.id, b.id})) continue;
      auto path = bidirectional_bfs(succ, pred, a.id, b.id);
      if (!path) continue;
      Route route;
      route.cores = *path;
      for (std::size_t h = 0; h + 1 < path->size(); ++h)
        route.channels.push_back(channel_of((*path)[h], (*path)[h + 1]));
      acc.routes[{a.id, b.id}] = std::move(route);
    }
  }
}

// --- file reading --------------------------------------------------------------------------

AcceleratorDraft draft_from_yaml(const Node& root) {
  AcceleratorDraft d;
  d.file = root.file();
  if (!root.is_map()) root.fail("an accelerator file must be a map with 'cores'");
  root.check_keys({"name", "cores", "offchip_core_id", "offchip_core", "unit_energy_cost",
                   "bandwidth", "core_connectivity", "core_memory_sharing", "routes"});
  d.name = root.optional("name") ? root.required("name").as_string()
                                 : std::filesystem::path(d.file).stem().string();
  const auto base = std::filesystem::path(d.file).parent_path();
  auto resolve = [&](const Node& n) {
    const std::filesystem::path p(n.as_string());
    return (p.is_absolute() ? p : base / p).lexically_normal().string();
  };
  std::map<std::string, std::shared_ptr<const CoreSpec>> by_file;
  auto load_core = [&](const Node& n) {
    const std::string path = resolve(n);
    auto it = by_file.find(path);
    if (it != by_file.end()) return it->second;
    std::error_code ec;  // the non-throwing overload: a name too long is "not found", not a crash
    if (!std::filesystem::exists(path, ec)) {
      n.fail("core file '" + n.as_string() + "' not found (looked for " + path + ")");
    }
    auto spec = std::make_shared<const CoreSpec>(read_core(path));
    by_file[path] = spec;
    return spec;
  };
  const auto cores = root.required("cores");
  for (const auto& [key, cn] : cores.entries()) {
    char* end = nullptr;
    const long id = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || end == nullptr || *end != '\0' || id < 0 || id > 1'000'000) {
      cn.fail("core ids must be non-negative integers, got '" + key + "'");
    }
    d.cores.push_back({CoreId(static_cast<int>(id)), load_core(cn)});
  }
  if (d.cores.empty()) cores.fail("an accelerator needs at least one core");
  if (static_cast<std::int64_t>(d.cores.size()) > limits().max_cores) {
    cores.fail("more than max_cores = " + std::to_string(limits().max_cores) + " cores");
  }
  std::sort(d.cores.begin(), d.cores.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  const bool has_id = root.has("offchip_core_id");
  const bool has_file = root.has("offchip_core");
  if (has_id && has_file)
    root.fail("give either 'offchip_core_id' (2025+ form) or 'offchip_core' (2024 form), not both");
  if (!has_id && !has_file)
    root.fail("missing field 'offchip_core_id' (or the 2024 form's 'offchip_core')");
  if (has_id) {
    const auto n = root.required("offchip_core_id");
    d.offchip_core = CoreId(static_cast<int>(n.as_int(0, 1'000'000)));
    if (std::none_of(d.cores.begin(), d.cores.end(),
                     [&](const auto& c) { return c.id == d.offchip_core; })) {
      n.fail("offchip_core_id " + std::to_string(d.offchip_core.value) +
             " is not one of the cores");
    }
  } else {
    d.offchip_core = CoreId(d.cores.back().id.value + 1);
    d.cores.push_back({d.offchip_core, load_core(root.required("offchip_core"))});
  }
  d.default_unit_energy_cost =
      root.optional("unit_energy_cost") ? root.required("unit_energy_cost").as_non_negative() : 0.0;
  std::optional<double> global_bw;
  if (auto bw = root.optional("bandwidth")) {
    global_bw = bw->as_double(/*allow_inf=*/true);
    if (const auto why = channel_bandwidth_problem(*global_bw); !why.empty()) bw->fail(why);
  }
  if (auto conn = root.optional("core_connectivity")) {
    for (const auto& e : conn->elements()) {
      ConnectivityEntry ce;
      ce.where = e.where();
      if (e.is_scalar()) {
        ce.cores = parse_id_string(e);
        ce.kind = ce.cores.size() > 2 ? ChannelKind::kBus : ChannelKind::kLink;
        if (!global_bw)
          e.fail("a string connectivity entry needs the accelerator's global 'bandwidth'");
        ce.bandwidth_bits_per_cycle = *global_bw;
      } else {
        e.check_keys({"type", "cores", "bandwidth", "unit_energy_cost", "directed", "hub"});
        const auto tn = e.required("type");
        const std::string t = trim(tn.as_string());
        if (t == "link") {
          ce.kind = ChannelKind::kLink;
        } else if (t == "bus") {
          ce.kind = ChannelKind::kBus;
        } else {
          tn.fail("unknown connection type '" + t + "' (expected link or bus)");
        }
        ce.cores = parse_id_list(e.required("cores"));
        if (auto bw = e.optional("bandwidth")) {
          ce.bandwidth_bits_per_cycle = bw->as_double(/*allow_inf=*/true);
        } else if (global_bw) {
          ce.bandwidth_bits_per_cycle = *global_bw;
        } else {
          e.fail("missing field 'bandwidth' (and no global 'bandwidth')");
        }
        if (const auto why = channel_bandwidth_problem(ce.bandwidth_bits_per_cycle); !why.empty())
          e.required("bandwidth").fail(why);
        if (auto u = e.optional("unit_energy_cost")) ce.energy_pj_per_cycle = u->as_non_negative();
        if (auto dn = e.optional("directed")) {
          ce.directed = dn->as_bool();
          if (ce.directed && ce.kind != ChannelKind::kLink)
            dn->fail("'directed' applies to links only");
        }
        if (auto h = e.optional("hub")) {
          if (ce.kind != ChannelKind::kBus) h->fail("'hub' applies to buses only");
          ce.hub = CoreId(static_cast<int>(h->as_int(0, 1'000'000)));
        }
      }
      d.connectivity.push_back(std::move(ce));
    }
  }
  if (auto sh = root.optional("core_memory_sharing")) {
    for (const auto& e : sh->elements()) {
      MemorySharingSpec s;
      if (e.is_scalar()) {
        s.cores = parse_id_string(e);
      } else {
        e.check_keys({"memory", "cores"});
        s.memory = e.optional("memory") ? trim(e.required("memory").as_string()) : "";
        s.cores = parse_id_list(e.required("cores"));
      }
      d.sharing.push_back(std::move(s));
    }
  }
  if (auto rs = root.optional("routes")) {
    for (const auto& r : rs->elements()) d.pinned_routes.push_back(parse_id_list(r));
  }
  return d;
}

}  // namespace

std::string channel_bandwidth_problem(double bits_per_cycle) {
  if (!(bits_per_cycle > 0)) return "bandwidth must be positive (or .inf)";
  const std::int64_t n = limits().max_link_cycles_per_bit;
  if (bits_per_cycle * static_cast<double>(n) >= 1) return "";
  char bw[32];
  std::snprintf(bw, sizeof bw, "%g", bits_per_cycle);
  return "bandwidth " + std::string(bw) + " bit/cycle is below the limit: a link or bus moves " +
         "at least 1/" + std::to_string(n) +
         " bit per cycle (max_link_cycles_per_bit = " + std::to_string(n) +
         "; raise it with --limit max_link_cycles_per_bit=N)";
}

AcceleratorSpec build_accelerator(AcceleratorDraft d) {
  AcceleratorSpec acc;
  acc.name = d.name;
  acc.file = d.file;
  acc.cores = d.cores;
  std::sort(acc.cores.begin(), acc.cores.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < acc.cores.size(); ++i) {
    if (acc.cores[i].id == acc.cores[i - 1].id) {
      throw InputError(d.file, "cores",
                       "core id " + std::to_string(acc.cores[i].id.value) + " is used twice");
    }
  }
  acc.offchip_core = d.offchip_core;
  if (acc.find_core(acc.offchip_core) == nullptr) {
    throw InputError(
        d.file, where_of(d, ""),
        "the off-chip core " + std::to_string(acc.offchip_core.value) + " does not exist");
  }
  acc.default_unit_energy_cost = d.default_unit_energy_cost;
  acc.sharing = d.sharing;
  add_channels(d, acc);
  build_top_memories(d, acc);
  build_routes(d, acc);
  return acc;
}

AcceleratorSpec read_accelerator(const std::string& path) {
  return build_accelerator(draft_from_yaml(Node::load_file(path)));
}

AcceleratorSpec parse_accelerator(const std::string& text, const std::string& name) {
  return build_accelerator(draft_from_yaml(Node::load_string(text, name)));
}

}  // namespace stream::hardware
