#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "stream/common/error.hpp"
#include "stream/common/file.hpp"
#include "stream/cost/cn_cost.hpp"

namespace stream::cost {
namespace {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

const CnCost* CostTable::find(LayerId layer, int group, CoreId core) const {
  auto it = costs_.find({layer, group, core});
  return it == costs_.end() ? nullptr : &it->second;
}

CostTable read_cost_table(const std::string& path) {
  return parse_cost_table(read_input_file(path), path);
}

CostTable parse_cost_table(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) throw InputError(path, "", "the cost table is empty");
  const auto header = split_csv_line(line);
  auto col = [&](const std::string& name, bool required) -> int {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return static_cast<int>(i);
    }
    if (required) throw InputError(path, "header (line 1)", "missing column '" + name + "'");
    return -1;
  };
  const int c_layer = col("layer_id", true), c_group = col("group", true),
            c_core = col("core", true);
  const int c_runtime = col("runtime_cycles", true), c_on = col("onchip_energy_pj", true);
  const int c_off = col("offchip_energy_pj", true), c_tl = col("too_large_operands", true);
  const int c_l0 = col("latency_total0", false), c_l2 = col("latency_total2", false);
  const int c_ideal = col("ideal_cycles", false), c_etot = col("energy_total_pj", false);
  const int c_mac = col("mac_energy_pj", false);
  CostTable table;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv_line(line);
    const std::string where = "line " + std::to_string(line_no);
    if (f.size() != header.size()) {
      throw InputError(path, where,
                       "expected " + std::to_string(header.size()) + " columns, got " +
                           std::to_string(f.size()));
    }
    auto integer = [&](int c, std::int64_t min, std::int64_t max = INT64_MAX) -> std::int64_t {
      const std::string& s = f[static_cast<std::size_t>(c)];
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || end == nullptr || *end != '\0' || errno != 0 || v < min || v > max) {
        throw InputError(path, where + ", column " + header[static_cast<std::size_t>(c)],
                         "expected an integer in [" + std::to_string(min) + ", " +
                             std::to_string(max) + "], got '" + s + "'");
      }
      return v;
    };
    auto number = [&](int c) -> double {
      if (c < 0) return 0.0;
      const std::string& s = f[static_cast<std::size_t>(c)];
      errno = 0;
      char* end = nullptr;
      const double v = std::strtod(s.c_str(), &end);
      if (s.empty() || end == nullptr || *end != '\0' || !std::isfinite(v) || v < 0) {
        throw InputError(path, where + ", column " + header[static_cast<std::size_t>(c)],
                         "expected a finite non-negative number, got '" + s + "'");
      }
      return v;
    };
    CnCost c;
    const LayerId layer(static_cast<int>(integer(c_layer, 0, INT32_MAX)));
    const int group = static_cast<int>(integer(c_group, 0, INT32_MAX));
    const CoreId core(static_cast<int>(integer(c_core, 0, INT32_MAX)));
    c.runtime_cycles = integer(c_runtime, 0);
    c.onchip_energy_pj = number(c_on);
    c.offchip_energy_pj = number(c_off);
    if (c_l0 >= 0) c.latency_total0_cycles = integer(c_l0, 0);
    if (c_l2 >= 0) c.latency_total2_cycles = integer(c_l2, 0);
    if (c_ideal >= 0) c.ideal_cycles = integer(c_ideal, 0);
    c.energy_total_pj = c_etot >= 0 ? number(c_etot) : c.onchip_energy_pj + c.offchip_energy_pj;
    if (!std::isfinite(c.energy_total_pj)) {
      throw InputError(path, where, "onchip_energy_pj + offchip_energy_pj is not finite");
    }
    c.mac_energy_pj = number(c_mac);
    std::stringstream ops(f[static_cast<std::size_t>(c_tl)]);
    std::string op;
    while (std::getline(ops, op, ';')) {
      if (op.empty()) continue;
      const auto m = workload::parse_mem_operand(op);
      if (!m) {
        throw InputError(
            path, where + ", column too_large_operands",
            "unknown memory operand '" + op + "' (expected I1, I2 or O separated by ';')");
      }
      c.too_large[static_cast<std::size_t>(*m)] = true;
    }
    if (table.find(layer, group, core) != nullptr) {
      throw InputError(path, where,
                       "a second row for layer " + std::to_string(layer.value) + ", group " +
                           std::to_string(group) + ", core " + std::to_string(core.value));
    }
    table.set(layer, group, core, c);
  }
  return table;
}

}  // namespace stream::cost
