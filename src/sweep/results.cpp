#include "stream/sweep/results.hpp"

#include <algorithm>

namespace stream::sweep {

using io::Column;
using io::h5::Type;

const std::vector<std::string>& energy_term_columns() {
  static const std::vector<std::string> k{"cn_onchip_energy_pj",
                                          "cn_offchip_link_energy_pj",
                                          "cn_offchip_memory_energy_pj",
                                          "eviction_to_offchip_link_energy_pj",
                                          "eviction_to_offchip_memory_energy_pj",
                                          "sink_layer_output_offchip_link_energy_pj",
                                          "sink_layer_output_offchip_memory_energy_pj",
                                          "core_to_core_link_energy_pj",
                                          "core_to_core_memory_energy_pj"};
  return k;
}

bool is_timing_column(const std::string& name) { return name == "eval_seconds" || name == "rank"; }

io::Table make_table(const SweepSpec& spec) {
  io::Table t;
  auto add = [&](const std::string& name, Type type, const std::string& units) -> Column& {
    Column c;
    c.name = name;
    c.type = type;
    c.units = units;
    t.columns.push_back(std::move(c));
    return t.columns.back();
  };
  add("point_id", Type::kU64, "");
  add("status", Type::kU8, "").enum_labels = {"0=ok", "1=infeasible", "2=unsupported", "3=invalid"};
  add("reason_code", Type::kU16, "").enum_labels = {
      "0=none",         "1=memory_capacity", "2=no_core_for_layer", "3=no_mapping",
      "4=too_many_cns", "5=unreachable",     "100=invalid_point"};
  for (const auto& p : spec.params) {
    if (p.type == ParamType::kString) {
      add(p.name, Type::kI32, "").dictionary = "/dims/" + p.name;
    } else {
      add(p.name, p.type == ParamType::kInt ? Type::kI64 : Type::kF64, "");
    }
  }
  add("latency_cycles", Type::kI64, "cycles");
  add("energy_pj", Type::kF64, "pJ");
  add("edp_pj_cycles", Type::kF64, "pJ*cycles");
  for (const auto& n : energy_term_columns()) add(n, Type::kF64, "pJ");
  add("peak_onchip_bits", Type::kI64, "bits");
  add("peak_dram_bits", Type::kI64, "bits");
  add("dram_traffic_bits", Type::kI64, "bits");
  add("mean_core_utilization", Type::kF64, "1");
  add("area", Type::kF64, "hardware area units");
  add("total_macs", Type::kI64, "MACs");
  add("cn_count", Type::kI64, "");
  add("eval_seconds", Type::kF64, "s");
  add("rank", Type::kI32, "");
  return t;
}

void append_row(io::Table& t, const SweepSpec& spec, const Point& p, const evaluate::PointResult& r,
                std::uint8_t status, int rank) {
  auto it = t.columns.begin();
  (it++)->push<std::uint64_t>(p.id);
  (it++)->push<std::uint8_t>(status);
  (it++)->push<std::uint16_t>(status == kStatusInvalid ? kReasonInvalidPoint
                                                       : static_cast<std::uint16_t>(r.reason_code));
  for (std::size_t k = 0; k < spec.params.size(); ++k, ++it) {
    const auto& v = p.values[k];
    const auto& ps = spec.params[k];
    if (ps.type == ParamType::kString) {
      const auto pos = std::find(ps.dictionary.begin(), ps.dictionary.end(), v.s);
      it->push<std::int32_t>(static_cast<std::int32_t>(pos - ps.dictionary.begin()));
    } else if (ps.type == ParamType::kInt) {
      it->push<std::int64_t>(v.i);
    } else {
      it->push<double>(v.number());
    }
  }
  (it++)->push<std::int64_t>(r.latency_cycles);
  (it++)->push<double>(r.energy_pj);
  (it++)->push<double>(r.edp_pj_cycles);
  for (double e : r.energy_terms_pj) (it++)->push<double>(e);
  (it++)->push<std::int64_t>(r.peak_onchip_bits);
  (it++)->push<std::int64_t>(r.peak_dram_bits);
  (it++)->push<std::int64_t>(r.dram_traffic_bits);
  (it++)->push<double>(r.mean_core_utilization);
  (it++)->push<double>(r.area);
  (it++)->push<std::int64_t>(r.total_macs);
  (it++)->push<std::int64_t>(r.cn_count);
  (it++)->push<double>(r.eval_seconds);
  (it++)->push<std::int32_t>(rank);
}

void write_dims(const io::h5::Group& root, const SweepSpec& spec) {
  const auto dims = root.create_group("dims");
  for (const auto& p : spec.params) {
    if (p.type == ParamType::kString) dims.write_strings(p.name, p.dictionary);
  }
}

}  // namespace stream::sweep
