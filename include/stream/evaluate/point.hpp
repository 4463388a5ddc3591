#pragma once
/// One design point, end to end: tiler -> per-core costs (cached) -> allocation -> schedule ->
/// PointResult. This is what `stream-hpc eval` runs once and what a sweep runs millions of
/// times. An infeasible point is a result with a status and a reason, never an exception;
/// bad input (an inconsistent mapping, a missing file) throws stream::InputError.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stream/cost/cn_cost.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/accelerator_spec.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::evaluate {

enum class PointStatus : std::uint8_t {
  kOk = 0,
  kInfeasible = 1,   ///< e.g. a tensor that fits no memory that could hold it
  kUnsupported = 2,  ///< e.g. no allowed core can run a layer's operator
};

/// Why a point is not kOk (stable codes: they are written to result tables).
enum class ReasonCode : std::uint16_t {
  kNone = 0,
  kMemoryCapacity = 1,  ///< a tensor larger than every memory that could hold it
  kNoCoreForLayer = 2,  ///< no allowed core can run a layer
  kNoMapping = 3,       ///< the cost model found no valid spatial/temporal mapping
  kTooManyCns = 4,      ///< the tiling exceeds the max_cns limit
  kUnreachable = 5,     ///< a transfer between cores with no route
};

enum class Allocator : std::uint8_t { kFixed, kGenetic, kGreedy, kBalanced };
enum class Objective : std::uint8_t { kEdp, kLatency, kEnergy };

struct PointOptions {
  Allocator allocator = Allocator::kFixed;
  int ga_population = 16;
  int ga_generations = 16;
  Objective objective = Objective::kEdp;
  std::uint64_t seed = 0;  ///< GA seed; a sweep derives it from the point id
  int lpf_limit = 6;
  /// Overrides the mapping file's scheduler priority when set ("memory" or "latency").
  std::string priority;
  /// Which Stream scheduler to reproduce. kValidation2023 (the June-2023 validation branch)
  /// also cuts the layers without CN groups, as that code did.
  scheduler::Semantics semantics = scheduler::Semantics::kStream2023;
  /// Opt-in fixes of Stream's known scheduler bugs (README "Scheduler and eval"); none = Stream's
  /// behaviour. Used by every schedule of the point, the allocator's fitness included; only with
  /// kStream2023 semantics.
  scheduler::Fixes fixes;
  /// Keep the whole schedule (per-CN times, transfers, memory curves) in PointResult::schedule.
  bool keep_schedule = false;
  /// With an allocator other than kFixed: put the chosen allocation, written as a mapping file
  /// that reproduces it with kFixed, in PointResult::allocation_mapping_yaml.
  bool keep_allocation_mapping = false;
  /// oneTBB threads of the GA's fitness evaluations (0 = oneTBB's default). The front does not
  /// depend on it.
  int threads = 0;
};

struct PointSpec {
  std::shared_ptr<const workload::WorkloadSpec> workload;
  std::shared_ptr<const hardware::AcceleratorSpec> accelerator;
  std::shared_ptr<const mapping::MappingSpec> mapping;
  PointOptions options;
  /// Costs from this table (Stream's costs.csv) instead of the analytical model; a CN whose
  /// (layer, group, core) has no row is bad input naming `cost_table_file`.
  std::shared_ptr<const cost::CostTable> cost_table;
  std::string cost_table_file;
};

/// Stream's nine energy terms, in this order (metrics.json names, see energy_term_names()).
inline constexpr int kNumEnergyTerms = scheduler::kNumEnergyTerms;
const std::array<const char*, kNumEnergyTerms>& energy_term_names();

/// One member of the allocator's Pareto front: the core of each gene of
/// PointResult::allocation_genes, and its schedule's objectives.
struct AllocationPoint {
  std::vector<CoreId> cores;
  std::int64_t latency_cycles = 0;
  double energy_pj = 0;
  double edp_pj_cycles = 0;
};

/// A gene of the allocation problem: a flexible (layer, group).
struct AllocationGene {
  LayerId layer;
  int group = 0;
};

struct PointResult {
  PointStatus status = PointStatus::kOk;
  ReasonCode reason_code = ReasonCode::kNone;
  std::string reason;  ///< human-readable, names the CN/memory/layer

  std::int64_t latency_cycles = 0;
  double energy_pj = 0;
  double edp_pj_cycles = 0;
  std::array<double, kNumEnergyTerms> energy_terms_pj{};
  std::int64_t peak_onchip_bits = 0;  ///< max over on-chip top memory instances of their peak
  std::int64_t peak_dram_bits = 0;
  std::int64_t dram_traffic_bits = 0;
  double mean_core_utilization = 0;  ///< busy cycles / latency, averaged over used cores
  double area = 0;                   ///< sum of memory and MAC areas when the hardware gives them
  std::int64_t total_macs = 0;
  std::int64_t cn_count = 0;
  std::int64_t edge_count = 0;
  std::int64_t schedules_evaluated = 0;
  double eval_seconds = 0;
  std::vector<scheduler::MemoryPeak> memory_peaks;  ///< every top memory instance
  std::vector<scheduler::CoreUsage> cores;          ///< every core that runs a CN
  std::vector<std::string> warnings;                ///< e.g. a tiling rounded to a divisor
  /// With PointOptions::keep_schedule: the schedule itself (and the CN graph it refers to).
  std::shared_ptr<const scheduler::ScheduleResult> schedule;
  std::shared_ptr<const tiler::CnGraph> graph;
  std::vector<CoreId> cn_core;  ///< with keep_schedule: per CN its core

  // Allocators other than kFixed (empty for kFixed):
  std::vector<AllocationGene> allocation_genes;  ///< ascending (layer id, group)
  /// The Pareto front over (energy, latency) of every allocation scored (GA), or the
  /// heuristic's allocation; ascending latency. The point's metrics are those of front[chosen].
  std::vector<AllocationPoint> front;
  int chosen = -1;  ///< index into front, by PointOptions::objective
  /// With keep_allocation_mapping: the chosen allocation as a mapping file (YAML).
  std::string allocation_mapping_yaml;
};

/// Evaluates one design point with the process-wide cost cache (CostCache::process()).
PointResult evaluate_point(const PointSpec& spec);
/// The same with a given cost cache (shared by every point of a sweep that uses it).
PointResult evaluate_point(const PointSpec& spec, cost::CostCache& cache);

}  // namespace stream::evaluate
