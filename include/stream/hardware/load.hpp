#pragma once
/// Hardware readers (formats.md). All throw stream::InputError naming the file, the YAML path
/// and the reason.

#include <string>

#include "stream/common/yaml_node.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/hardware/core_spec.hpp"

namespace stream::hardware {

/// A ZigZag core file, explicit-port style (ZigZag 3, Stream 2025+) or 2024 style (r_bw, w_bw,
/// r_port, w_port, rw_port, min_r_granularity, ... and per-operand port dicts).
CoreSpec read_core(const std::string& path);
CoreSpec parse_core(const std::string& text, const std::string& name);
/// A core from an already loaded YAML document (e.g. a sweep's template instance).
CoreSpec core_from_yaml(const yaml::Node& root);

/// An accelerator file in the 2024 form (string connectivity with a global bandwidth and
/// `offchip_core`) or the 2025+ form (`offchip_core_id`, link and bus entries). Core files are
/// resolved relative to the accelerator file.
AcceleratorSpec read_accelerator(const std::string& path);
/// The same from the text of an accelerator file; `name` stands for its path (core files are
/// resolved relative to its directory).
AcceleratorSpec parse_accelerator(const std::string& text, const std::string& name);

/// Builds channels, automatic DRAM buses, shared top memories and routes for an accelerator
/// whose cores, offchip core and raw connectivity are set. Used by the readers and by the
/// sweep's hardware generator. `where` names the source for messages.
struct ConnectivityEntry {
  ChannelKind kind = ChannelKind::kLink;
  std::vector<CoreId> cores;
  std::optional<CoreId> hub;
  double bandwidth_bits_per_cycle = 0;
  std::optional<double> energy_pj_per_cycle;
  bool directed = false;
  std::string where;  ///< YAML path, for messages
};
struct AcceleratorDraft {
  std::string name;
  std::string file;
  std::vector<CoreInstance> cores;
  CoreId offchip_core;
  double default_unit_energy_cost = 0;
  std::vector<ConnectivityEntry> connectivity;
  std::vector<MemorySharingSpec> sharing;
  std::vector<std::vector<CoreId>> pinned_routes;
};
AcceleratorSpec build_accelerator(AcceleratorDraft draft);

/// Why a link or bus bandwidth (bits per cycle) is refused, or "" when it is accepted: it must
/// be positive (.inf is accepted: a transfer takes no time) and at least
/// 1 / limits().max_link_cycles_per_bit (a slower channel makes transfer durations overflow).
std::string channel_bandwidth_problem(double bits_per_cycle);

}  // namespace stream::hardware
