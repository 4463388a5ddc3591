// ZigZag core files in both port styles (formats.md "Core file"):
//  - explicit ports (ZigZag 3, Stream 2025+): each memory lists `ports` with type,
//    bandwidth_min/max and the (operand, direction) pairs each port serves;
//  - 2024 style: r_bw/w_bw, r_port/w_port/rw_port counts, min_r/w_granularity on the memory
//    and `ports: [{fh: w_port_1, tl: r_port_1}, ...]` per operand in `operands` order.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

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

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

MemOperand parse_operand(const Node& n) {
  const std::string s = trim(n.as_string());
  const auto op = workload::parse_mem_operand(s);
  if (!op) n.fail("unknown memory operand '" + s + "' (expected I1, I2 or O)");
  return *op;
}

std::optional<Direction> parse_direction(const std::string& s) {
  if (s == "fh") return Direction::kFromHigh;
  if (s == "tl") return Direction::kToLow;
  if (s == "fl") return Direction::kFromLow;
  if (s == "th") return Direction::kToHigh;
  return std::nullopt;
}

std::string op_name(MemOperand op) { return std::string(workload::to_string(op)); }

/// Parses "I2, tl" into an allocation.
PortAllocation parse_allocation(const Node& n) {
  const std::string s = n.as_string();
  const auto comma = s.find(',');
  if (comma == std::string::npos) {
    n.fail("expected \"OPERAND, DIRECTION\" such as \"I2, tl\", got '" + s + "'");
  }
  const std::string op_text = trim(s.substr(0, comma));
  const std::string dir_text = trim(s.substr(comma + 1));
  const auto op = workload::parse_mem_operand(op_text);
  if (!op) n.fail("unknown memory operand '" + op_text + "' (expected I1, I2 or O)");
  const auto dir = parse_direction(dir_text);
  if (!dir) n.fail("unknown direction '" + dir_text + "' (expected fh, tl, fl or th)");
  return {*op, *dir};
}

std::vector<int> parse_served(const Node& n, const OperationalArraySpec& array) {
  std::vector<int> out;
  if (n.is_scalar()) {
    const std::string s = trim(n.as_string());
    if (s == "all") {
      for (std::size_t d = 0; d < array.dimensions.size(); ++d) out.push_back(static_cast<int>(d));
      return out;
    }
    n.fail("expected a list of array dimensions (e.g. [D1, D2]), [] or 'all', got '" + s + "'");
  }
  for (const auto& e : n.elements()) {
    const std::string s = trim(e.as_string());
    const auto it = std::find(array.dimensions.begin(), array.dimensions.end(), s);
    if (it == array.dimensions.end()) {
      std::string dims;
      for (const auto& d : array.dimensions) dims += (dims.empty() ? "" : ", ") + d;
      e.fail("served dimension '" + s + "' is not a dimension of the operational array (" + dims +
             ")");
    }
    const int idx = static_cast<int>(it - array.dimensions.begin());
    if (std::find(out.begin(), out.end(), idx) != out.end())
      e.fail("dimension '" + s + "' listed twice");
    out.push_back(idx);
  }
  std::sort(out.begin(), out.end());
  return out;
}

double positive_bandwidth(const Node& n) {
  const double v = n.as_double();
  // At least one bit per cycle: a transfer then takes at most as many cycles as it has bits,
  // so cycle counts stay within 64 bits (1e-300 would make them overflow).
  if (!(v >= 1))
    n.fail("a bandwidth must be at least 1 bit per cycle, got '" + n.as_string() + "'");
  return v;
}

void set_alloc(MemoryLevelSpec& lv, const Node& where, PortAllocation a, int port) {
  if (!lv.holds(a.operand)) {
    where.fail("port allocation for operand " + op_name(a.operand) + ", but memory '" +
               lv.memory.name + "' does not store it (operands: see 'operands')");
  }
  if (a.operand != MemOperand::kO &&
      (a.direction == Direction::kFromLow || a.direction == Direction::kToHigh)) {
    where.fail("direction " + std::string(to_string(a.direction)) +
               " is only valid for operand O (" + op_name(a.operand) +
               " is an input: use fh and tl)");
  }
  int& slot =
      lv.port_alloc[static_cast<std::size_t>(a.operand)][static_cast<std::size_t>(a.direction)];
  if (slot >= 0) {
    where.fail(op_name(a.operand) + ", " + std::string(to_string(a.direction)) +
               " is allocated to two ports");
  }
  slot = port;
}

void parse_explicit_ports(MemoryLevelSpec& lv, const Node& ports_node) {
  auto& m = lv.memory;
  for (const auto& pn : ports_node.elements()) {
    pn.check_keys({"name", "type", "bandwidth_min", "bandwidth_max", "allocation"});
    PortSpec p;
    p.name = pn.optional("name") ? pn.required("name").as_string()
                                 : "port_" + std::to_string(m.ports.size());
    const auto tn = pn.required("type");
    const std::string t = trim(tn.as_string());
    if (t == "read") {
      p.type = PortType::kRead;
    } else if (t == "write") {
      p.type = PortType::kWrite;
    } else if (t == "read_write" || t == "rw") {
      p.type = PortType::kReadWrite;
    } else {
      tn.fail("unknown port type '" + t + "' (expected read, write or read_write)");
    }
    p.bandwidth_max_bits = positive_bandwidth(pn.required("bandwidth_max"));
    p.bandwidth_min_bits = pn.optional("bandwidth_min")
                               ? positive_bandwidth(pn.required("bandwidth_min"))
                               : p.bandwidth_max_bits;
    if (p.bandwidth_min_bits > p.bandwidth_max_bits) {
      pn.required("bandwidth_min").fail("bandwidth_min is larger than bandwidth_max");
    }
    for (const auto& other : m.ports) {
      if (other.name == p.name) pn.fail("two ports are called '" + p.name + "'");
    }
    const int index = static_cast<int>(m.ports.size());
    if (auto an = pn.optional("allocation")) {
      for (const auto& a : an->elements()) {
        const auto alloc = parse_allocation(a);
        const bool reads =
            alloc.direction == Direction::kToLow || alloc.direction == Direction::kToHigh;
        if (reads && p.type == PortType::kWrite)
          a.fail("a write port cannot serve the read direction " +
                 std::string(to_string(alloc.direction)));
        if (!reads && p.type == PortType::kRead)
          a.fail("a read port cannot serve the write direction " +
                 std::string(to_string(alloc.direction)));
        set_alloc(lv, a, alloc, index);
        p.allocations.push_back(alloc);
      }
    }
    m.ports.push_back(std::move(p));
  }
  // Instance bandwidths of the 2.x model (zigzag-model.md §2.3): read ports, else rw ports.
  auto pick = [&](PortType want, bool max) {
    double v = 0;
    for (const auto& p : m.ports) {
      if (p.type == want) v = std::max(v, max ? p.bandwidth_max_bits : p.bandwidth_min_bits);
    }
    return v;
  };
  for (const auto& p : m.ports) {
    if (p.type == PortType::kRead) ++m.r_ports;
    if (p.type == PortType::kWrite) ++m.w_ports;
    if (p.type == PortType::kReadWrite) ++m.rw_ports;
  }
  m.r_bw_bits = m.r_ports > 0 ? pick(PortType::kRead, true) : pick(PortType::kReadWrite, true);
  m.r_granularity_bits =
      m.r_ports > 0 ? pick(PortType::kRead, false) : pick(PortType::kReadWrite, false);
  m.w_bw_bits = m.w_ports > 0 ? pick(PortType::kWrite, true) : pick(PortType::kReadWrite, true);
  m.w_granularity_bits =
      m.w_ports > 0 ? pick(PortType::kWrite, false) : pick(PortType::kReadWrite, false);
  if (m.r_bw_bits <= 0) ports_node.fail("memory '" + m.name + "' has no read or read_write port");
  if (m.w_bw_bits <= 0) ports_node.fail("memory '" + m.name + "' has no write or read_write port");
}

int port_index_2024(const MemoryInstanceSpec& m, const Node& n) {
  const std::string s = trim(n.as_string());
  for (std::size_t i = 0; i < m.ports.size(); ++i) {
    if (m.ports[i].name == s) return static_cast<int>(i);
  }
  n.fail("unknown port '" + s + "' (memory '" + m.name + "' has r_port " +
         std::to_string(m.r_ports) + ", w_port " + std::to_string(m.w_ports) + ", rw_port " +
         std::to_string(m.rw_ports) + ")");
}

void parse_2024_ports(MemoryLevelSpec& lv, const Node& mn) {
  auto& m = lv.memory;
  m.r_bw_bits = positive_bandwidth(mn.required("r_bw"));
  m.w_bw_bits = positive_bandwidth(mn.required("w_bw"));
  m.r_granularity_bits = mn.optional("min_r_granularity")
                             ? positive_bandwidth(mn.required("min_r_granularity"))
                             : m.r_bw_bits;
  m.w_granularity_bits = mn.optional("min_w_granularity")
                             ? positive_bandwidth(mn.required("min_w_granularity"))
                             : m.w_bw_bits;
  m.r_ports = static_cast<int>(mn.optional("r_port") ? mn.required("r_port").as_int(0, 64) : 0);
  m.w_ports = static_cast<int>(mn.optional("w_port") ? mn.required("w_port").as_int(0, 64) : 0);
  m.rw_ports = static_cast<int>(mn.optional("rw_port") ? mn.required("rw_port").as_int(0, 64) : 0);
  if (m.r_ports + m.rw_ports == 0)
    mn.fail("memory '" + m.name + "' has no read port (r_port and rw_port are 0)");
  if (m.w_ports + m.rw_ports == 0)
    mn.fail("memory '" + m.name + "' has no write port (w_port and rw_port are 0)");
  for (int i = 1; i <= m.r_ports; ++i) {
    m.ports.push_back(
        {"r_port_" + std::to_string(i), PortType::kRead, m.r_granularity_bits, m.r_bw_bits, {}});
  }
  for (int i = 1; i <= m.w_ports; ++i) {
    m.ports.push_back(
        {"w_port_" + std::to_string(i), PortType::kWrite, m.w_granularity_bits, m.w_bw_bits, {}});
  }
  for (int i = 1; i <= m.rw_ports; ++i) {
    m.ports.push_back({"rw_port_" + std::to_string(i),
                       PortType::kReadWrite,
                       std::min(m.r_granularity_bits, m.w_granularity_bits),
                       std::max(m.r_bw_bits, m.w_bw_bits),
                       {}});
  }
  const auto ports_node = mn.optional("ports");
  if (!ports_node) {
    // ZigZag's default, only legal for one read and one write port.
    if (!(m.r_ports == 1 && m.w_ports == 1 && m.rw_ports == 0)) {
      mn.fail("memory '" + m.name +
              "' needs 'ports' (the default allocation needs exactly 1 r_port and 1 w_port)");
    }
    for (auto op : lv.operands) {
      set_alloc(lv, mn, {op, Direction::kFromHigh}, 1);
      set_alloc(lv, mn, {op, Direction::kToLow}, 0);
      if (op == MemOperand::kO) {
        set_alloc(lv, mn, {op, Direction::kFromLow}, 1);
        set_alloc(lv, mn, {op, Direction::kToHigh}, 0);
      }
    }
  } else {
    const auto per_op = ports_node->elements();
    if (per_op.size() != lv.operands.size()) {
      ports_node->fail("expected one port map per operand (" + std::to_string(lv.operands.size()) +
                       ", in 'operands' order), got " + std::to_string(per_op.size()));
    }
    for (std::size_t i = 0; i < per_op.size(); ++i) {
      for (const auto& [dir_text, pn] : per_op[i].entries()) {
        const auto dir = parse_direction(dir_text);
        if (!dir) pn.fail("unknown direction '" + dir_text + "' (expected fh, tl, fl or th)");
        const int port = port_index_2024(m, pn);
        const bool reads = *dir == Direction::kToLow || *dir == Direction::kToHigh;
        const auto type = m.ports[static_cast<std::size_t>(port)].type;
        if (reads && type == PortType::kWrite)
          pn.fail("a write port cannot serve the read direction " + dir_text);
        if (!reads && type == PortType::kRead)
          pn.fail("a read port cannot serve the write direction " + dir_text);
        const PortAllocation a{lv.operands[i], *dir};
        set_alloc(lv, pn, a, port);
        m.ports[static_cast<std::size_t>(port)].allocations.push_back(a);
      }
    }
  }
}

void check_complete_allocation(const MemoryLevelSpec& lv, const Node& mn) {
  for (auto op : lv.operands) {
    const auto& pa = lv.port_alloc[static_cast<std::size_t>(op)];
    std::vector<Direction> need = {Direction::kFromHigh, Direction::kToLow};
    if (op == MemOperand::kO)
      need = {Direction::kFromHigh, Direction::kToLow, Direction::kFromLow, Direction::kToHigh};
    for (auto d : need) {
      if (pa[static_cast<std::size_t>(d)] < 0) {
        mn.fail("memory '" + lv.memory.name + "' stores operand " + op_name(op) +
                " but no port is allocated to its direction " + std::string(to_string(d)));
      }
    }
  }
}

MemoryLevelSpec parse_memory(const std::string& name, const Node& mn,
                             const OperationalArraySpec& array) {
  mn.check_keys({"size", "r_cost", "w_cost", "area", "latency", "operands", "ports",
                 "served_dimensions", "r_bw", "w_bw", "r_port", "w_port", "rw_port",
                 "min_r_granularity", "min_w_granularity", "auto_cost_extraction", "name"});
  MemoryLevelSpec lv;
  for (auto& per_op : lv.port_alloc) per_op.fill(-1);
  auto& m = lv.memory;
  m.name = name;
  const auto size_node = mn.required("size");
  // A size above the limit (a 10^30-bit memory) is refused naming the limit; the check is on
  // the value as a number, so sizes beyond 64 bits get the same message.
  if (size_node.as_double() > static_cast<double>(limits().max_memory_bits)) {
    size_node.fail("memory size '" + size_node.as_string() +
                   "' bits is out of range: above the limit max_memory_bits = " +
                   std::to_string(limits().max_memory_bits) +
                   " (raise it with --limit max_memory_bits=N)");
  }
  m.size_bits = size_node.as_int(1, limits().max_memory_bits);
  m.r_cost_pj = mn.required("r_cost").as_non_negative();
  m.w_cost_pj = mn.required("w_cost").as_non_negative();
  m.area = mn.optional("area") ? mn.required("area").as_non_negative() : 0.0;
  m.latency_cycles = mn.optional("latency") ? mn.required("latency").as_int(0) : 1;
  const auto ops_node = mn.required("operands");
  for (const auto& on : ops_node.elements_or_self()) {
    const auto op = parse_operand(on);
    if (lv.holds(op)) on.fail("operand " + op_name(op) + " listed twice");
    lv.operands.push_back(op);
  }
  if (lv.operands.empty()) ops_node.fail("a memory must store at least one operand");
  lv.served_dimensions = mn.optional("served_dimensions")
                             ? parse_served(mn.required("served_dimensions"), array)
                             : std::vector<int>{};
  const bool style_2024 =
      mn.has("r_bw") || mn.has("w_bw") || mn.has("r_port") || mn.has("w_port") || mn.has("rw_port");
  if (style_2024) {
    parse_2024_ports(lv, mn);
  } else {
    if (mn.has("min_r_granularity") || mn.has("min_w_granularity")) {
      mn.fail(
          "min_r_granularity/min_w_granularity belong to the 2024 style (with r_bw/w_bw); with "
          "explicit ports use bandwidth_min");
    }
    parse_explicit_ports(lv, mn.required("ports"));
  }
  check_complete_allocation(lv, mn);
  return lv;
}

OperationalArraySpec parse_array(const Node& an) {
  an.check_keys(
      {"unit_energy", "unit_area", "dimensions", "sizes", "input_precision", "multiplier_type"});
  OperationalArraySpec a;
  a.unit_energy_pj = an.required("unit_energy").as_non_negative(/*allow_inf=*/true);
  a.unit_area = an.optional("unit_area") ? an.required("unit_area").as_non_negative() : 0.0;
  const auto dn = an.required("dimensions");
  for (const auto& d : dn.elements()) {
    const std::string s = trim(d.as_string());
    if (s.empty()) d.fail("empty dimension name");
    if (std::find(a.dimensions.begin(), a.dimensions.end(), s) != a.dimensions.end())
      d.fail("dimension '" + s + "' listed twice");
    a.dimensions.push_back(s);
  }
  const auto sn = an.required("sizes");
  for (const auto& s : sn.elements()) a.sizes.push_back(s.as_int(1, 1 << 24));
  if (a.sizes.size() != a.dimensions.size()) {
    sn.fail("'sizes' has " + std::to_string(a.sizes.size()) + " entries but 'dimensions' has " +
            std::to_string(a.dimensions.size()));
  }
  if (a.dimensions.empty()) dn.fail("the operational array needs at least one dimension");
  return a;
}

/// One unrolling value: [K, 32], "K, 32", or a list of such pairs.
void parse_unroll_value(const Node& v, int array_dim, Dataflow& out) {
  auto one = [&](const std::string& dim, const Node& size_node, std::int64_t size) {
    const std::string d = upper(trim(dim));
    if (d.empty()) size_node.fail("empty loop dimension in dataflow");
    if (size < 1) size_node.fail("unrolling must be at least 1");
    out.push_back({array_dim, d, size});
  };
  if (v.is_scalar()) {
    const std::string s = v.as_string();
    const auto comma = s.find(',');
    if (comma == std::string::npos)
      v.fail("expected [DIM, SIZE] or \"DIM, SIZE\", got '" + s + "'");
    const std::string size_text = trim(s.substr(comma + 1));
    char* end = nullptr;
    const long long size = std::strtoll(size_text.c_str(), &end, 10);
    if (size_text.empty() || end == nullptr || *end != '\0' || size < 1 || size > (1 << 24)) {
      v.fail("expected [DIM, SIZE] or \"DIM, SIZE\" with a positive integer size, got '" + s + "'");
    }
    one(s.substr(0, comma), v, size);
    return;
  }
  const auto els = v.elements();
  if (els.size() == 2 && els[0].is_scalar() && els[1].is_scalar() &&
      els[1].as_string().find(',') == std::string::npos) {
    one(els[0].as_string(), els[1], els[1].as_int(1, 1 << 24));
    return;
  }
  for (const auto& e : els) parse_unroll_value(e, array_dim, out);
}

Dataflow parse_dataflow(const Node& dn, const OperationalArraySpec& array) {
  Dataflow df;
  for (const auto& [key, v] : dn.entries()) {
    const auto it = std::find(array.dimensions.begin(), array.dimensions.end(), key);
    if (it == array.dimensions.end()) {
      std::string dims;
      for (const auto& d : array.dimensions) dims += (dims.empty() ? "" : ", ") + d;
      v.fail("dataflow uses array dimension '" + key + "' but the operational array has only " +
             dims);
    }
    parse_unroll_value(v, static_cast<int>(it - array.dimensions.begin()), df);
  }
  return df;
}

}  // namespace

CoreSpec core_from_yaml(const Node& root) {
  const std::string& name = root.file();
  if (!root.is_map())
    root.fail("a core file must be a map with 'memories' and 'operational_array'");
  root.check_keys({"name", "type", "memories", "operational_array", "dataflows", "operator_types"});
  CoreSpec core;
  core.file = name;
  core.name = root.optional("name") ? root.required("name").as_string()
                                    : std::filesystem::path(name).stem().string();
  if (auto t = root.optional("type")) {
    const std::string s = trim(t->as_string());
    if (s == "zigzag.compute" || s == "compute") {
      core.type = CoreType::kCompute;
    } else if (s == "zigzag.offchip" || s == "offchip" || s == "memory") {
      core.type = CoreType::kOffchip;
    } else {
      t->fail("unknown core type '" + s + "' (expected zigzag.compute or zigzag.offchip)");
    }
  }
  core.array = parse_array(root.required("operational_array"));
  const auto mems = root.required("memories");
  for (const auto& [mname, mn] : mems.entries())
    core.levels.push_back(parse_memory(mname, mn, core.array));
  if (core.levels.empty()) mems.fail("a core needs at least one memory");
  if (auto dfs = root.optional("dataflows")) {
    if (dfs->is_map()) {
      core.dataflows.push_back(parse_dataflow(*dfs, core.array));
    } else {
      for (const auto& d : dfs->elements()) core.dataflows.push_back(parse_dataflow(d, core.array));
    }
  }
  if (auto ots = root.optional("operator_types")) {
    for (const auto& o : ots->elements_or_self())
      core.operator_types.push_back(trim(o.as_string()));
  }
  return core;
}

CoreSpec parse_core(const std::string& text, const std::string& name) {
  return core_from_yaml(Node::load_string(text, name));
}

CoreSpec read_core(const std::string& path) { return core_from_yaml(Node::load_file(path)); }

}  // namespace stream::hardware
