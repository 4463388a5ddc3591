#include "stream/hardware/core_spec.hpp"

#include <algorithm>

#include "stream/common/hash.hpp"

namespace stream::hardware {

std::string_view to_string(Direction d) {
  switch (d) {
    case Direction::kFromHigh:
      return "fh";
    case Direction::kToLow:
      return "tl";
    case Direction::kFromLow:
      return "fl";
    case Direction::kToHigh:
      return "th";
  }
  return "?";
}

std::string_view to_string(PortType t) {
  switch (t) {
    case PortType::kRead:
      return "read";
    case PortType::kWrite:
      return "write";
    case PortType::kReadWrite:
      return "read_write";
  }
  return "?";
}

bool MemoryLevelSpec::holds(MemOperand op) const {
  return std::find(operands.begin(), operands.end(), op) != operands.end();
}

std::int64_t MemoryLevelSpec::instance_count(const std::vector<std::int64_t>& array_sizes) const {
  std::int64_t n = 1;
  for (std::size_t d = 0; d < array_sizes.size(); ++d) {
    if (std::find(served_dimensions.begin(), served_dimensions.end(), static_cast<int>(d)) ==
        served_dimensions.end()) {
      n *= array_sizes[d];
    }
  }
  return n;
}

std::int64_t OperationalArraySpec::total_units() const {
  std::int64_t n = 1;
  for (auto s : sizes) n *= s;
  return n;
}

std::vector<int> CoreSpec::levels_of(MemOperand op) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].holds(op)) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::vector<int> CoreSpec::top_levels() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    bool continues = false;
    for (auto op : levels[i].operands) {
      for (std::size_t j = i + 1; j < levels.size(); ++j)
        continues = continues || levels[j].holds(op);
    }
    if (!continues) out.push_back(static_cast<int>(i));
  }
  return out;
}

int CoreSpec::top_level_for(MemOperand op) const {
  for (int l : top_levels()) {
    if (levels[static_cast<std::size_t>(l)].holds(op)) return l;
  }
  const auto all = levels_of(op);
  return all.empty() ? -1 : all.back();
}

std::uint64_t CoreSpec::content_hash() const {
  StableHasher h;
  h.str("core-v1");
  h.u64(array.dimensions.size());
  for (std::size_t d = 0; d < array.dimensions.size(); ++d) {
    h.str(array.dimensions[d]).i64(array.sizes[d]);
  }
  h.f64(array.unit_energy_pj).f64(array.unit_area);
  h.u64(levels.size());
  for (const auto& lv : levels) {
    const auto& m = lv.memory;
    h.i64(m.size_bits).f64(m.r_cost_pj).f64(m.w_cost_pj).f64(m.r_bw_bits).f64(m.w_bw_bits);
    h.f64(m.r_granularity_bits).f64(m.w_granularity_bits);
    h.i64(m.r_ports).i64(m.w_ports).i64(m.rw_ports);
    h.u64(m.ports.size());
    for (const auto& p : m.ports) {
      h.u64(static_cast<std::uint64_t>(p.type)).f64(p.bandwidth_min_bits).f64(p.bandwidth_max_bits);
    }
    h.u64(lv.operands.size());
    for (auto op : lv.operands) h.u64(static_cast<std::uint64_t>(op));
    h.u64(lv.served_dimensions.size());
    for (auto d : lv.served_dimensions) h.i64(d);
    for (const auto& per_op : lv.port_alloc) {
      for (int p : per_op) h.i64(p);
    }
  }
  h.u64(dataflows.size());
  for (const auto& df : dataflows) {
    h.u64(df.size());
    for (const auto& u : df) h.i64(u.array_dim).str(u.loop_dim).i64(u.unroll);
  }
  return h.value();
}

}  // namespace stream::hardware
