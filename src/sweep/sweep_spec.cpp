// Sweep specification reader and point expansion (README "Sweeps").
#include "stream/sweep/sweep_spec.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <set>
#include <unordered_set>

#include "expr.hpp"
#include "random.hpp"
#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/common/hash.hpp"
#include "stream/common/limits.hpp"
#include "stream/common/yaml_node.hpp"

namespace stream::sweep {

Value Value::of_int(std::int64_t v) {
  Value x;
  x.kind = Kind::kInt;
  x.i = v;
  return x;
}
Value Value::of_float(double v) {
  Value x;
  x.kind = Kind::kFloat;
  x.f = v;
  return x;
}
Value Value::of_string(std::string v) {
  Value x;
  x.kind = Kind::kString;
  x.s = std::move(v);
  return x;
}
std::string Value::text() const {
  switch (kind) {
    case Kind::kInt:
      return std::to_string(i);
    case Kind::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", f);
      return buf;
    }
    default:
      return s;
  }
}
bool Value::operator==(const Value& o) const {
  if (kind != o.kind) return false;
  switch (kind) {
    case Kind::kInt:
      return i == o.i;
    case Kind::kFloat:
      return f == o.f;
    default:
      return s == o.s;
  }
}

int SweepSpec::param_index(const std::string& n) const {
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (params[k].name == n) return static_cast<int>(k);
  }
  return -1;
}

namespace {

using yaml::Node;

/// A template file, read within limits().max_file_bytes (a core file named /dev/zero is an
/// error, not an exhausted memory); the error names the spec field that refers to it.
std::string read_text(const std::string& path, const Node& at) {
  try {
    return read_input_file(path);
  } catch (const InputError& e) {
    at.fail("cannot read '" + path + "': " + e.reason());
  }
}

std::string resolve(const std::string& base, const std::string& p) {
  const std::filesystem::path fp(p);
  return (fp.is_absolute() ? fp : std::filesystem::path(base) / fp).lexically_normal().string();
}

Value scalar_value(const Node& n) {
  if (!n.is_scalar()) n.fail("expected a number or a string");
  const std::string s = n.as_string();
  if (!s.empty()) {
    char* end = nullptr;
    errno = 0;
    const long long iv = std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0' && errno == 0) return Value::of_int(iv);
    const double dv = std::strtod(s.c_str(), &end);
    if (*end == '\0') {
      if (!std::isfinite(dv)) n.fail("parameter values must be finite");
      return Value::of_float(dv);
    }
  }
  if (s.empty()) n.fail("empty parameter value");
  return Value::of_string(s);
}

/// A template field: a scalar read as text (numbers keep their spelling).
std::string field(const Node& n) {
  if (!n.is_scalar()) n.fail("expected a scalar (a number, a string or a ${...} template)");
  return n.as_string();
}

class Builder {
 public:
  explicit Builder(SweepSpec& s) : spec_(s) {}

  void add_param(const std::string& name, const Node& at) {
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) {
      at.fail("parameter names must start with a letter or '_', got '" + name + "'");
    }
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
        at.fail("parameter name '" + name + "' may hold only letters, digits and '_'");
      }
    }
    if (spec_.param_index(name) >= 0) {
      at.fail("parameter '" + name + "' is defined twice (first at " +
              spec_.params[static_cast<std::size_t>(spec_.param_index(name))].where + ")");
    }
    ParamSpec p;
    p.name = name;
    p.where = at.where();
    spec_.params.push_back(p);
  }

  /// Settles the parameter's type from its values (ints and reals -> real; strings only).
  void type_values(const std::string& name, std::vector<Value>& values, const Node& at) {
    auto& p = spec_.params[static_cast<std::size_t>(spec_.param_index(name))];
    bool any_str = false, any_num = false, any_float = false;
    for (const auto& v : values) {
      any_str |= v.kind == Value::Kind::kString;
      any_num |= v.kind != Value::Kind::kString;
      any_float |= v.kind == Value::Kind::kFloat;
    }
    if (any_str && any_num) at.fail("parameter '" + name + "' mixes numbers and strings");
    if (any_str) {
      p.type = ParamType::kString;
      for (const auto& v : values) {
        if (std::find(p.dictionary.begin(), p.dictionary.end(), v.s) == p.dictionary.end()) {
          p.dictionary.push_back(v.s);
        }
      }
    } else if (any_float) {
      p.type = ParamType::kFloat;
      for (auto& v : values) v = Value::of_float(v.number());
    } else {
      p.type = ParamType::kInt;
    }
  }

 private:
  SweepSpec& spec_;
};

std::vector<Value> value_list(const Node& n) {
  std::vector<Value> out;
  if (n.is_sequence()) {
    for (const auto& e : n.elements()) out.push_back(scalar_value(e));
  } else if (n.is_map()) {
    // {from: A, to: B, step: S} or {from, to, times: F}
    n.check_keys({"from", "to", "step", "times"});
    const Value from = scalar_value(n.required("from"));
    const Value to = scalar_value(n.required("to"));
    if (from.kind == Value::Kind::kString || to.kind == Value::Kind::kString) {
      n.fail("a range needs numbers");
    }
    const bool ints = from.kind == Value::Kind::kInt && to.kind == Value::Kind::kInt;
    if (auto t = n.optional("times")) {
      const double f = t->as_double();
      if (!(f > 1)) t->fail("times must be > 1");
      for (double x = from.number(); x <= to.number() * (1 + 1e-12); x *= f) {
        if (ints && !(std::fabs(x) < 9.2e18)) n.fail("range leaves the 64-bit integers");
        out.push_back(ints ? Value::of_int(std::llround(x)) : Value::of_float(x));
        if (out.size() > 1'000'000) n.fail("range too long");
      }
    } else {
      const auto sn = n.required("step");
      const Value st = scalar_value(sn);
      if (st.kind == Value::Kind::kString || !(st.number() > 0)) sn.fail("step must be > 0");
      if (ints && st.kind == Value::Kind::kInt) {
        for (std::int64_t x = from.i; x <= to.i;) {
          out.push_back(Value::of_int(x));
          if (out.size() > 1'000'000) n.fail("range too long");
          const auto next = checked_add(x, st.i);
          if (!next) break;  // the next value would pass INT64_MAX, so it is past `to` too
          x = *next;
        }
      } else {
        const double s = st.number();
        for (std::int64_t k = 0;; ++k) {
          const double x = from.number() + static_cast<double>(k) * s;
          if (x > to.number() * (1 + 1e-12) + 1e-12) break;
          out.push_back(Value::of_float(x));
          if (out.size() > 1'000'000) n.fail("range too long");
        }
      }
    }
  } else {
    out.push_back(scalar_value(n));
  }
  if (out.empty()) n.fail("empty value list: the product over this axis would have no points");
  return out;
}

void parse_sampled(const Node& g, AxisSpec& ax, SweepSpec& spec, Builder& b,
                   std::size_t group_index) {
  g.check_keys({"samples", "seed", "params"});
  const auto sn = g.required("samples");
  ax.samples = sn.as_int(0, 100'000'000);
  if (ax.samples == 0) sn.fail("samples must be at least 1 (an empty sample has no points)");
  ax.seed = g.optional("seed") ? static_cast<std::uint64_t>(g.required("seed").as_int(0))
                               : spec.seed + 0x9e3779b97f4a7c15ULL * (group_index + 1);
  const auto params = g.required("params");
  if (params.entries().empty()) params.fail("no parameters to sample");
  for (const auto& [name, pn] : params.entries()) {
    b.add_param(name, pn);
    ax.params.push_back(name);
    SampledParam sp;
    sp.name = name;
    if (pn.is_sequence()) {
      sp.choices = value_list(pn);
    } else {
      pn.check_keys({"min", "max", "log", "integer", "choices"});
      if (auto c = pn.optional("choices")) {
        sp.choices = value_list(*c);
      } else {
        sp.min = pn.required("min").as_double();
        sp.max = pn.required("max").as_double();
        if (sp.max < sp.min) pn.fail("max < min");
        if (!std::isfinite(sp.max - sp.min)) pn.fail("max - min is not a finite number");
        sp.log = pn.optional("log") && pn.required("log").as_bool();
        sp.integer = pn.optional("integer") && pn.required("integer").as_bool();
        if (sp.log && !(sp.min > 0)) pn.fail("a log-uniform parameter needs min > 0");
        // Integer samples are 64-bit integers computed in double: both bounds must be exact.
        constexpr double kExact = 9007199254740992.0;  // 2^53
        if (sp.integer && !(std::fabs(sp.min) <= kExact && std::fabs(sp.max) <= kExact)) {
          pn.fail("an integer parameter needs |min| and |max| <= 2^53");
        }
      }
    }
    std::vector<Value> typed = sp.choices;
    if (typed.empty()) {
      typed.push_back(sp.integer ? Value::of_int(0) : Value::of_float(0));
    }
    b.type_values(name, typed, pn);
    if (!sp.choices.empty()) sp.choices = typed;
    ax.sampled.push_back(sp);
  }
}

AxisSpec parse_axis(const Node& a, SweepSpec& spec, Builder& b, std::size_t index) {
  if (!a.is_map() || a.entries().size() != 1) {
    a.fail("an axis is a map with one key: product, zip, random or latin_hypercube");
  }
  const auto entries = a.entries();
  const auto& [kind, g] = entries.front();
  AxisSpec ax;
  ax.where = g.where();
  if (kind == "product" || kind == "zip") {
    ax.kind = kind == "product" ? AxisKind::kProduct : AxisKind::kZip;
    if (!g.is_map() || g.entries().empty()) g.fail("expected a map of parameter -> values");
    for (const auto& [name, vn] : g.entries()) {
      b.add_param(name, vn);
      auto vals = value_list(vn);
      b.type_values(name, vals, vn);
      ax.params.push_back(name);
      ax.values.push_back(std::move(vals));
    }
    if (ax.kind == AxisKind::kZip) {
      for (std::size_t k = 1; k < ax.values.size(); ++k) {
        if (ax.values[k].size() != ax.values[0].size()) {
          g.fail("zip needs value lists of equal length: '" + ax.params[0] + "' has " +
                 std::to_string(ax.values[0].size()) + ", '" + ax.params[k] + "' has " +
                 std::to_string(ax.values[k].size()));
        }
      }
    }
  } else if (kind == "random" || kind == "latin_hypercube") {
    ax.kind = kind == "random" ? AxisKind::kRandom : AxisKind::kLatinHypercube;
    parse_sampled(g, ax, spec, b, index);
  } else {
    a.fail("unknown axis kind '" + kind + "' (expected product, zip, random or latin_hypercube)");
  }
  return ax;
}

void check_param_use(SweepSpec& spec, const Node& root) {
  std::set<std::string> builtins{"compute_core_ids", "tiling", "n_compute_cores"};
  for (const auto& [t, f] : spec.hardware.core_type_files) builtins.insert("core_ids_" + t);
  std::set<std::string> used;
  auto use = [&](const std::string& text, const std::string& file, const std::string& where,
                 bool allow_builtins) {
    for (const auto& id : detail::template_identifiers(text, file, where)) {
      if (spec.param_index(id) < 0 && !(allow_builtins && builtins.count(id))) {
        throw InputError(
            file, where, "${" + id + "} is not a parameter (parameters: " + [&] {
              std::string s;
              for (const auto& p : spec.params) s += (s.empty() ? "" : ", ") + p.name;
              return s.empty() ? std::string("none") : s;
            }() + ")");
      }
      used.insert(id);
    }
  };
  const auto& h = spec.hardware;
  for (const auto& [t, text] : h.core_type_text)
    use(text, h.core_type_files.at(t), "(template)", false);
  const std::string& f = spec.file;
  use(h.compute_cores, f, "hardware.compute_cores", false);
  use(h.topology, f, "hardware.topology", false);
  use(h.link_bandwidth, f, "hardware.link_bandwidth", false);
  use(h.extra_link_bandwidth, f, "hardware.extra_link_bandwidth", false);
  use(h.unit_energy_cost, f, "hardware.unit_energy_cost", false);
  use(spec.mapping.tiling, f, "mapping.tiling", false);
  use(spec.mapping.inter_core, f, "mapping.inter_core", false);
  if (!spec.mapping.file.empty())
    use(spec.mapping.file_text, spec.mapping.file, "(template)", true);
  use(spec.workload, f, "workload", false);
  use(spec.allocator, f, "evaluation.allocator", false);
  use(spec.priority, f, "evaluation.priority", false);
  use(spec.objective, f, "evaluation.objective", false);
  use(spec.ga_population, f, "evaluation.ga_population", false);
  use(spec.ga_generations, f, "evaluation.ga_generations", false);
  for (const auto& c : spec.constraints) {
    const auto ids = detail::expr_identifiers(c.expr, f, c.where);
    if (ids.empty()) {
      throw InputError(f, c.where, "constraint '" + c.name + "' names no parameter");
    }
    for (const auto& id : ids) {
      if (spec.param_index(id) < 0) {
        throw InputError(
            f, c.where, "constraint '" + c.name + "' names '" + id + "', which is not a parameter");
      }
    }
  }
  for (const auto& c : spec.constraints) {
    for (const auto& id : detail::expr_identifiers(c.expr, f, c.where)) used.insert(id);
  }
  for (const auto& p : spec.params) {
    if (!used.count(p.name)) {
      throw InputError(f, p.where,
                       "parameter '" + p.name +
                           "' is never used: no template, hardware, mapping, workload, evaluation "
                           "field or constraint refers to ${" +
                           p.name + "}");
    }
  }
  (void)root;
}

}  // namespace

SweepSpec parse_sweep_spec(const std::string& text, const std::string& name,
                           const std::string& base_dir) {
  SweepSpec spec;
  spec.file = name;
  spec.base_dir = base_dir;
  spec.text = text;
  const Node root = Node::load_string(text, name);
  if (!root.is_map()) root.fail("a sweep spec must be a map");
  root.check_keys(
      {"name", "seed", "axes", "constraints", "hardware", "mapping", "workload", "evaluation"});
  spec.name = root.optional("name") ? root.required("name").as_string()
                                    : std::filesystem::path(name).stem().string();
  spec.seed =
      root.optional("seed") ? static_cast<std::uint64_t>(root.required("seed").as_int(0)) : 0;
  Builder b(spec);
  const auto axes = root.required("axes");
  const auto axis_nodes = axes.elements();
  if (axis_nodes.empty()) axes.fail("no axes: a sweep needs at least one parameter");
  for (std::size_t k = 0; k < axis_nodes.size(); ++k) {
    spec.axes.push_back(parse_axis(axis_nodes[k], spec, b, k));
  }
  if (auto cs = root.optional("constraints")) {
    for (const auto& c : cs->elements()) {
      c.check_keys({"name", "expr", "min", "max"});
      ConstraintSpec cn;
      cn.where = c.where();
      cn.expr = c.required("expr").as_string();
      cn.name = c.optional("name") ? c.required("name").as_string() : cn.expr;
      if (auto m = c.optional("min")) cn.min = m->as_double();
      if (auto m = c.optional("max")) cn.max = m->as_double();
      if (!cn.min && !cn.max) c.fail("a constraint needs 'min', 'max' or both");
      spec.constraints.push_back(cn);
    }
  }
  // Hardware.
  const auto hw = root.required("hardware");
  hw.check_keys({"core_types", "compute_cores", "extra_cores", "dram_core", "topology",
                 "link_bandwidth", "extra_link_bandwidth", "unit_energy_cost"});
  auto& h = spec.hardware;
  for (const auto& [t, fn] : hw.required("core_types").entries()) {
    const std::string path = resolve(base_dir, fn.as_string());
    std::error_code ec;  // a name longer than NAME_MAX is "not found", not a filesystem_error
    if (!std::filesystem::exists(path, ec)) {
      fn.fail("core file '" + fn.as_string() + "' not found (looked for " + path + ")");
    }
    h.core_type_files[t] = path;
    h.core_type_text[t] = read_text(path, fn);
  }
  h.compute_cores = field(hw.required("compute_cores"));
  if (auto e = hw.optional("extra_cores")) {
    for (const auto& x : e->elements()) {
      const std::string t = x.as_string();
      if (!h.core_type_files.count(t)) x.fail("unknown core type '" + t + "'");
      h.extra_cores.push_back(t);
    }
  }
  const auto dn = hw.required("dram_core");
  h.dram_core = dn.as_string();
  if (!h.core_type_files.count(h.dram_core)) dn.fail("unknown core type '" + h.dram_core + "'");
  if (auto n = hw.optional("topology")) h.topology = field(*n);
  if (auto n = hw.optional("link_bandwidth")) h.link_bandwidth = field(*n);
  if (auto n = hw.optional("extra_link_bandwidth")) h.extra_link_bandwidth = field(*n);
  if (auto n = hw.optional("unit_energy_cost")) h.unit_energy_cost = field(*n);
  // Mapping.
  if (auto mn = root.optional("mapping")) {
    mn->check_keys({"tiling", "inter_core", "assign", "file"});
    if (auto n = mn->optional("tiling")) spec.mapping.tiling = field(*n);
    if (auto n = mn->optional("inter_core")) spec.mapping.inter_core = field(*n);
    if (auto n = mn->optional("assign")) {
      for (const auto& [op, tn] : n->entries()) {
        const std::string t = tn.as_string();
        if (std::find(h.extra_cores.begin(), h.extra_cores.end(), t) == h.extra_cores.end()) {
          tn.fail("'" + t + "' is not one of hardware.extra_cores");
        }
        spec.mapping.assign[op] = t;
      }
    }
    if (auto n = mn->optional("file")) {
      spec.mapping.file = resolve(base_dir, n->as_string());
      spec.mapping.file_text = read_text(spec.mapping.file, *n);
    }
  }
  spec.workload = field(root.required("workload"));
  if (auto ev = root.optional("evaluation")) {
    ev->check_keys(
        {"allocator", "priority", "objective", "ga_population", "ga_generations", "fixes"});
    if (auto n = ev->optional("allocator")) spec.allocator = field(*n);
    if (auto n = ev->optional("priority")) spec.priority = field(*n);
    if (auto n = ev->optional("objective")) spec.objective = field(*n);
    if (auto n = ev->optional("ga_population")) spec.ga_population = field(*n);
    if (auto n = ev->optional("ga_generations")) spec.ga_generations = field(*n);
    if (auto n = ev->optional("fixes")) {
      std::vector<std::string> names;
      if (n->is_sequence()) {
        for (const auto& e : n->elements()) names.push_back(field(e));
      } else {
        names.push_back(field(*n));
      }
      spec.fixes = scheduler::parse_fixes(names, spec.file, "evaluation.fixes");
    }
  }
  check_param_use(spec, root);
  return spec;
}

SweepSpec read_sweep_spec(const std::string& path) {
  const std::string text = read_input_file(path);  // bounded by limits().max_file_bytes
  const auto base = std::filesystem::absolute(path).parent_path().string();
  return parse_sweep_spec(text, path, base);
}

std::uint64_t point_id(const SweepSpec& spec, const std::vector<Value>& values) {
  std::vector<std::size_t> order(spec.params.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](auto a, auto b) { return spec.params[a].name < spec.params[b].name; });
  StableHasher h;
  h.str("stream-hpc point v1");
  for (auto k : order) {
    const auto& v = values[k];
    h.str(spec.params[k].name);
    h.u64(static_cast<std::uint64_t>(v.kind));
    switch (v.kind) {
      case Value::Kind::kInt:
        h.i64(v.i);
        break;
      case Value::Kind::kFloat:
        h.f64(v.f);
        break;
      default:
        h.str(v.s);
    }
  }
  return h.value();
}

namespace {

/// The units of one axis group: a product gives one unit per parameter (so the point set
/// stores an index per parameter, not the product); zip and samples give one unit.
std::vector<std::pair<std::vector<std::size_t>, std::vector<std::vector<Value>>>> group_units(
    const AxisSpec& ax) {
  std::vector<std::pair<std::vector<std::size_t>, std::vector<std::vector<Value>>>> out;
  if (ax.kind == AxisKind::kProduct) {
    for (std::size_t p = 0; p < ax.values.size(); ++p) {
      std::vector<std::vector<Value>> rows;
      for (const auto& v : ax.values[p]) rows.push_back({v});
      out.push_back({{p}, std::move(rows)});
    }
    return out;
  }
  std::vector<std::size_t> all(ax.params.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<std::vector<Value>> rows;
  if (ax.kind == AxisKind::kZip) {
    for (std::size_t i = 0; i < ax.values[0].size(); ++i) {
      std::vector<Value> r;
      for (const auto& vals : ax.values) r.push_back(vals[i]);
      rows.push_back(std::move(r));
    }
  } else {
    const auto n = static_cast<std::size_t>(ax.samples);
    rows.assign(n, std::vector<Value>(ax.sampled.size()));
    for (std::size_t p = 0; p < ax.sampled.size(); ++p) {
      const auto& sp = ax.sampled[p];
      detail::SplitMix64 rng(ax.seed ^ StableHasher().str(sp.name).value());
      std::vector<std::size_t> strata(n);
      std::iota(strata.begin(), strata.end(), 0);
      if (ax.kind == AxisKind::kLatinHypercube) {
        for (std::size_t i = n; i > 1; --i) {
          const auto j = static_cast<std::size_t>(rng.below(i));
          std::swap(strata[i - 1], strata[j]);
        }
      }
      for (std::size_t i = 0; i < n; ++i) {
        double u = rng.uniform();
        if (ax.kind == AxisKind::kLatinHypercube) {
          u = (static_cast<double>(strata[i]) + u) / static_cast<double>(n);
        }
        rows[i][p] = detail::sample_value(sp, u);
      }
    }
  }
  out.push_back({all, std::move(rows)});
  return out;
}

}  // namespace

Point PointSet::point(std::size_t i) const {
  Point p;
  p.id = ids_[i];
  p.values.resize(n_params_);
  const std::size_t nu = units_.size();
  for (std::size_t u = 0; u < nu; ++u) {
    const auto& row = units_[u].rows[rows_[i * nu + u]];
    for (std::size_t k = 0; k < row.size(); ++k) {
      p.values[static_cast<std::size_t>(units_[u].params[k])] = row[k];
    }
  }
  return p;
}

PointSet expand_points(const SweepSpec& spec) {
  PointSet ps;
  ps.n_params_ = spec.params.size();
  // The size of the product, from the spec alone: refused before any axis is materialised (a
  // 10^15-point product, or 10^8 samples under a lower limit, would exhaust memory): the
  // configurable limit max_sweep_points, and at most 2e9 per spec (32-bit row indices).
  double total = 1;
  for (const auto& ax : spec.axes) {
    if (ax.kind == AxisKind::kProduct) {
      for (const auto& vals : ax.values) total *= static_cast<double>(vals.size());
    } else if (ax.kind == AxisKind::kZip) {
      total *= static_cast<double>(ax.values.front().size());
    } else {
      total *= static_cast<double>(ax.samples);
    }
  }
  const double limit = std::min(2.0e9, static_cast<double>(limits().max_sweep_points));
  if (total > limit) {
    throw InputError(spec.file, "axes",
                     "the product has " + detail::format_number(total) +
                         " points, above the limit max_sweep_points = " +
                         std::to_string(limits().max_sweep_points) +
                         " (raise it with --limit max_sweep_points=N, up to 2e9 per spec; or "
                         "sample the axes, or split the sweep)");
  }
  for (const auto& ax : spec.axes) {
    for (auto& [local, rows] : group_units(ax)) {
      PointSet::Unit u;
      for (auto k : local) u.params.push_back(spec.param_index(ax.params[k]));
      u.rows = std::move(rows);
      ps.units_.push_back(std::move(u));
    }
  }
  const std::size_t nu = ps.units_.size();
  std::unordered_set<std::uint64_t> seen;
  std::vector<std::uint32_t> idx(nu, 0);
  std::vector<Value> values(spec.params.size());
  std::vector<std::int64_t> dropped(spec.constraints.size(), 0);
  const detail::Lookup lookup = [&](const std::string& n) -> std::optional<Value> {
    const int i = spec.param_index(n);
    if (i < 0) return std::nullopt;
    return values[static_cast<std::size_t>(i)];
  };
  for (bool more = true; more;) {
    for (std::size_t u = 0; u < nu; ++u) {
      const auto& row = ps.units_[u].rows[idx[u]];
      for (std::size_t k = 0; k < row.size(); ++k) {
        values[static_cast<std::size_t>(ps.units_[u].params[k])] = row[k];
      }
    }
    bool keep = true;
    for (std::size_t c = 0; c < spec.constraints.size() && keep; ++c) {
      const auto& cs = spec.constraints[c];
      const Value v = detail::eval_expr(cs.expr, lookup, spec.file, cs.where);
      if (v.kind == Value::Kind::kString) {
        throw InputError(spec.file, cs.where, "constraint '" + cs.name + "' is not a number");
      }
      const double x = v.number();
      if ((cs.min && x < *cs.min) || (cs.max && x > *cs.max)) {
        keep = false;
        ++dropped[c];
      }
    }
    if (keep) {
      const std::uint64_t id = point_id(spec, values);
      if (seen.insert(id).second) {
        ps.ids_.push_back(id);
        ps.rows_.insert(ps.rows_.end(), idx.begin(), idx.end());
      }
    } else {
      ++ps.dropped_;
    }
    // Next index, last unit fastest.
    more = false;
    for (std::size_t u = nu; u-- > 0;) {
      if (++idx[u] < ps.units_[u].rows.size()) {
        more = true;
        break;
      }
      idx[u] = 0;
    }
  }
  if (ps.ids_.empty()) {
    std::string why = "no point is left";
    for (std::size_t c = 0; c < spec.constraints.size(); ++c) {
      why += (c == 0 ? ": " : ", ") + std::string("constraint '") + spec.constraints[c].name +
             "' dropped " + std::to_string(dropped[c]);
    }
    throw InputError(spec.file, "constraints", why);
  }
  return ps;
}

std::string describe(const SweepSpec& spec, const Point& p) {
  std::string s;
  for (std::size_t k = 0; k < spec.params.size(); ++k) {
    if (k) s += ' ';
    s += spec.params[k].name + "=" + p.values[k].text();
  }
  return s;
}

}  // namespace stream::sweep
