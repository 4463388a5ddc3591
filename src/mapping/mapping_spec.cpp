#include "stream/mapping/mapping_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "stream/common/error.hpp"
#include "stream/common/yaml_node.hpp"
#include "stream/mapping/check.hpp"

namespace stream::mapping {
namespace {

using yaml::Node;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TilingLoop make_loop(const Node& where, const std::string& dim_text, const std::string& size_text,
                     bool allow_any) {
  TilingLoop t;
  t.dim = upper(trim(dim_text));
  if (t.dim.empty()) where.fail("empty loop dimension in tiling");
  const std::string s = trim(size_text);
  if (s == "all") {
    t.all = true;
  } else if (s == "*") {
    if (!allow_any) where.fail("'*' (allocator's choice) is only allowed in inter_core_tiling");
    t.any = true;
  } else {
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || end == nullptr || *end != '\0' || v < 1) {
      where.fail("tiling size must be a positive integer, 'all' or '*', got '" + s + "'");
    }
    t.size = v;
  }
  return t;
}

std::vector<TilingLoop> parse_tiling(const Node& n, bool allow_any) {
  std::vector<TilingLoop> out;
  for (const auto& e : n.elements()) {
    if (e.is_scalar()) {  // "OY, all" (Stream 2024 files)
      const std::string s = e.as_string();
      const auto comma = s.find(',');
      if (comma == std::string::npos)
        e.fail("expected [DIM, SIZE] or \"DIM, SIZE\", got '" + s + "'");
      out.push_back(make_loop(e, s.substr(0, comma), s.substr(comma + 1), allow_any));
    } else {
      const auto parts = e.elements();
      if (parts.size() != 2) e.fail("expected [DIM, SIZE], e.g. [OY, all] or [K, 4]");
      out.push_back(make_loop(e, parts[0].as_string(), parts[1].as_string(), allow_any));
    }
  }
  return out;
}

MappingEntrySpec parse_entry(const Node& e) {
  e.check_keys({"name", "core_allocation", "core_allocation_is_fixed", "intra_core_tiling",
                "inter_core_tiling"});
  MappingEntrySpec m;
  m.where = e.where();
  m.name = trim(e.required("name").as_string());
  const auto ca = e.required("core_allocation");
  std::set<int> seen;
  for (const auto& c : ca.elements_or_self()) {
    const int id = static_cast<int>(c.as_int(0, 1'000'000));
    if (!seen.insert(id).second && !e.has("core_allocation_is_fixed")) {
      c.fail("core " + std::to_string(id) + " is listed twice");
    }
    m.core_allocation.emplace_back(id);
  }
  if (m.core_allocation.empty()) ca.fail("core_allocation needs at least one core");
  if (auto f = e.optional("core_allocation_is_fixed")) m.core_allocation_is_fixed = f->as_bool();
  if (auto t = e.optional("intra_core_tiling")) {
    m.intra_core_tiling = parse_tiling(*t, /*allow_any=*/false);
  } else if (e.has("intra_core_tiling")) {
    m.intra_core_tiling = std::vector<TilingLoop>{};
  }
  if (auto t = e.optional("inter_core_tiling"))
    m.inter_core_tiling = parse_tiling(*t, /*allow_any=*/true);
  return m;
}

}  // namespace

std::string_view to_string(SchedulerPriority p) {
  return p == SchedulerPriority::kMemory ? "memory" : "latency";
}

const MappingEntrySpec* MappingSpec::lookup(std::string_view node_name,
                                            std::string_view op_type) const {
  for (const auto& e : entries) {
    if (!node_name.empty() && e.name == node_name) return &e;
  }
  for (const auto& e : entries) {
    if (e.name == op_type) return &e;
  }
  for (const auto& e : entries) {
    if (e.name == "default") return &e;
  }
  return nullptr;
}

std::vector<TilingLoop> MappingSpec::intra_core_tiling_for(LayerId id,
                                                           const MappingEntrySpec* entry) const {
  if (!tiling_cutoffs.empty()) {
    for (const auto& c : tiling_cutoffs) {
      if (!c.below_layer || id.value < *c.below_layer) return c.intra_core_tiling;
    }
    return tiling_cutoffs.back().intra_core_tiling;
  }
  if (entry != nullptr && entry->intra_core_tiling) return *entry->intra_core_tiling;
  return {};
}

MappingSpec mapping_from_yaml(const Node& root) {
  MappingSpec m;
  m.file = root.file();
  std::optional<Node> layers;
  if (root.is_sequence()) {
    layers = root;
  } else if (root.is_map()) {
    root.check_keys({"layers", "scheduler", "tiling_cutoffs"});
    layers = root.required("layers");
    if (auto s = root.optional("scheduler")) {
      s->check_keys({"priority", "prefetch"});
      m.has_scheduler = true;
      if (auto p = s->optional("priority")) {
        const std::string v = trim(p->as_string());
        if (v == "memory") {
          m.scheduler.priority = SchedulerPriority::kMemory;
        } else if (v == "latency") {
          m.scheduler.priority = SchedulerPriority::kLatency;
        } else {
          p->fail("unknown priority '" + v + "' (expected memory or latency)");
        }
      }
      if (auto pf = s->optional("prefetch")) {
        for (const auto& o : pf->elements_or_self()) {
          const std::string name = trim(o.as_string());
          if (name.empty()) o.fail("empty operand name");
          m.scheduler.prefetch.push_back(name);
        }
      }
    }
    if (auto tc = root.optional("tiling_cutoffs")) {
      const auto items = tc->elements();
      for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& it = items[i];
        it.check_keys({"below_layer", "intra_core_tiling"});
        TilingCutoff c;
        if (auto b = it.optional("below_layer")) {
          c.below_layer = b->as_int(0);
          if (!m.tiling_cutoffs.empty() && m.tiling_cutoffs.back().below_layer &&
              *c.below_layer <= *m.tiling_cutoffs.back().below_layer) {
            b->fail("below_layer values must increase from one item to the next");
          }
        } else if (i + 1 != items.size()) {
          it.fail("only the last tiling_cutoffs item may omit below_layer");
        }
        if (auto t = it.optional("intra_core_tiling"))
          c.intra_core_tiling = parse_tiling(*t, false);
        m.tiling_cutoffs.push_back(std::move(c));
      }
      if (items.empty()) tc->fail("tiling_cutoffs is empty");
    }
  } else {
    root.fail("a mapping file is a list of entries, or a map with 'layers'");
  }
  std::set<std::string> names;
  for (const auto& e : layers->elements()) {
    auto entry = parse_entry(e);
    if (!names.insert(entry.name).second)
      e.required("name").fail("two entries are called '" + entry.name + "'");
    m.entries.push_back(std::move(entry));
  }
  if (m.entries.empty()) layers->fail("a mapping needs at least one entry");
  return m;
}

MappingSpec read_mapping(const std::string& path) {
  return mapping_from_yaml(Node::load_file(path));
}

MappingSpec parse_mapping(const std::string& text, const std::string& name) {
  return mapping_from_yaml(Node::load_string(text, name));
}

// --- cross-checks against a workload and an accelerator ---------------------------------------

void check_mapping(const MappingSpec& m, const workload::WorkloadSpec& w,
                   const hardware::AcceleratorSpec& acc) {
  for (const auto& e : m.entries) {
    for (auto c : e.core_allocation) {
      if (acc.find_core(c) == nullptr) {
        std::string ids;
        for (auto id : acc.compute_core_ids())
          ids += (ids.empty() ? "" : ", ") + std::to_string(id.value);
        throw InputError(m.file, e.where,
                         "core_allocation names core " + std::to_string(c.value) +
                             ", which the accelerator '" + acc.name +
                             "' does not have (compute cores: " + ids + ")");
      }
      if (c == acc.offchip_core) {
        throw InputError(m.file, e.where,
                         "core_allocation names core " + std::to_string(c.value) +
                             ", the off-chip (DRAM) core, which cannot compute");
      }
    }
  }
  for (const auto& layer : w.layers) {
    const auto* e = m.lookup(layer.name, layer.operator_type);
    if (e == nullptr) {
      throw InputError(m.file, "layers",
                       "no entry for layer " + std::to_string(layer.id.value) + " '" + layer.name +
                           "' (operator " + layer.operator_type + ") and no 'default' entry");
    }
    for (auto c : e->core_allocation) {
      const auto& core = acc.core(c);
      if (!core.operator_types.empty() &&
          std::find(core.operator_types.begin(), core.operator_types.end(), layer.operator_type) ==
              core.operator_types.end()) {
        throw InputError(m.file, e->where,
                         "layer " + std::to_string(layer.id.value) + " '" + layer.name + "' (" +
                             layer.operator_type + ") may go to core " + std::to_string(c.value) +
                             ", which does not accept that operator");
      }
    }
  }
  for (const auto& op : m.scheduler.prefetch) {
    const bool used = std::any_of(w.layers.begin(), w.layers.end(),
                                  [&](const auto& l) { return l.operand_index(op) >= 0; });
    if (!used) {
      throw InputError(m.file, "scheduler.prefetch",
                       "no layer of the workload has an operand called '" + op + "'");
    }
  }
}

}  // namespace stream::mapping
