#pragma once
/// Turns a sweep point into an evaluate::PointSpec: fills the `${...}` templates with the
/// point's values, builds the accelerator through the hardware library's own readers
/// (core_from_yaml on the filled core text, build_accelerator on the generated layout: the
/// same validation as a hand-written file), generates the mapping, loads the workload.
///
/// Generated layout (README "Sweeps"): compute cores get ids 0..n-1 in the order of
/// `compute_cores`, the extra cores follow, the DRAM core is last. Compute cores are joined by
/// the topology: `bus` (one shared bus), `mesh` (the most square r x c grid with r*c = n, r <= c,
/// row-major placement, links to the 4 neighbours), `ring` (i <-> i+1 mod n); every extra core
/// has a link to every compute core and to the other extra cores; the DRAM is connected
/// automatically by its ports (one bus per port, stream-model.md).
///
/// Thread safety: build() may be called concurrently; core specs, mappings and workloads are
/// cached by content and shared between points (so the cost cache sees identical cores).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "stream/evaluate/point.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace stream::sweep {

/// The evaluator a sweep calls for every point (evaluate::evaluate_point in the application;
/// a deterministic fake in tests). Must be callable concurrently.
using Evaluator = std::function<evaluate::PointResult(const evaluate::PointSpec&)>;

struct BuiltPoint {
  evaluate::PointSpec spec;
  std::string compute_cores;  ///< the filled compute_cores field, e.g. "tpu*2+eyeriss*2"
  std::string mapping_text;   ///< the generated mapping YAML
};

class PointBuilder {
 public:
  explicit PointBuilder(const SweepSpec& spec);
  /// Throws InputError when a filled template is not a valid core, accelerator, mapping or
  /// workload (the message names the template and the point).
  BuiltPoint build(const Point& p) const;

 private:
  std::shared_ptr<const hardware::CoreSpec> core(const std::string& type,
                                                 const std::string& text) const;
  std::shared_ptr<const workload::WorkloadSpec> workload(const std::string& w) const;

  const SweepSpec& spec_;
  mutable std::mutex mu_;
  mutable std::map<std::string, std::shared_ptr<const hardware::CoreSpec>> cores_;
  mutable std::map<std::string, std::shared_ptr<const mapping::MappingSpec>> mappings_;
  mutable std::map<std::string, std::shared_ptr<const workload::WorkloadSpec>> workloads_;
};

}  // namespace stream::sweep
