#pragma once
/// A sweep specification (README "Sweeps"): parameters combined by axes (product, zip, random
/// and Latin-hypercube samples), constraints that drop points, and templates (core files, the
/// accelerator layout, the mapping, the workload, the evaluation options) whose `${expr}`
/// fields are filled in per point. Parsing validates everything that can be checked without
/// evaluating: unknown keys, unknown or unused parameters, empty axes, constraints that name no
/// parameter; every error is a stream::InputError naming the file, the field and the reason.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stream/scheduler/schedule.hpp"

namespace stream::sweep {

/// A parameter value: an integer, a real number or a string.
struct Value {
  enum class Kind : std::uint8_t { kInt, kFloat, kString };
  Kind kind = Kind::kInt;
  std::int64_t i = 0;
  double f = 0;
  std::string s;

  static Value of_int(std::int64_t v);
  static Value of_float(double v);
  static Value of_string(std::string v);
  double number() const { return kind == Kind::kInt ? static_cast<double>(i) : f; }
  /// Canonical text: integers in decimal, reals with 17 significant digits, strings verbatim.
  std::string text() const;
  bool operator==(const Value& o) const;
};

enum class ParamType : std::uint8_t { kInt, kFloat, kString };

/// One swept parameter (a column of the result table).
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kInt;
  /// For string parameters: the distinct values in order of first appearance in the spec;
  /// the result table stores the index (the code) and /dims/<name> the strings.
  std::vector<std::string> dictionary;
  std::string where;  ///< YAML path, for messages
};

/// A sampled parameter: uniform (or log-uniform) in [min, max], integer or real, or a choice
/// among `choices`.
struct SampledParam {
  std::string name;
  double min = 0;
  double max = 0;
  bool log = false;
  bool integer = false;
  std::vector<Value> choices;  ///< non-empty: pick one of these
};

enum class AxisKind : std::uint8_t { kProduct, kZip, kRandom, kLatinHypercube };

/// One axis group. Groups are combined as a full product, the first group outermost.
struct AxisSpec {
  AxisKind kind = AxisKind::kProduct;
  std::vector<std::string> params;         ///< parameter names in this group
  std::vector<std::vector<Value>> values;  ///< product/zip: the value list of each param
  std::vector<SampledParam> sampled;       ///< random/LHS
  std::int64_t samples = 0;                ///< random/LHS: number of samples
  std::uint64_t seed = 0;                  ///< random/LHS
  std::string where;
};

/// `expr` evaluated per point must lie in [min, max]; otherwise the point is dropped.
struct ConstraintSpec {
  std::string name;
  std::string expr;
  std::optional<double> min;
  std::optional<double> max;
  std::string where;
};

/// A template string: literal text with `${expr}` fields.
using Template = std::string;

struct HardwareTemplate {
  std::map<std::string, std::string> core_type_files;  ///< core type -> core file (absolute)
  std::map<std::string, std::string> core_type_text;   ///< core type -> file text (template)
  Template compute_cores;                              ///< "tpu*4" or "tpu*2+eyeriss*1"
  std::vector<std::string> extra_cores;                ///< core types after the compute cores
  std::string dram_core;                               ///< core type of the off-chip memory
  Template topology = "mesh";                          ///< bus | mesh | ring
  Template link_bandwidth = "64";                      ///< bits per cycle between compute cores
  Template extra_link_bandwidth;    ///< extra core <-> compute core links (default: link_bandwidth)
  Template unit_energy_cost = "0";  ///< pJ per busy link cycle
};

struct MappingTemplate {
  Template tiling = "lbl";  ///< "lbl" or "DIM:N|all[,DIM:N|all...]"
  /// Empty/"none", or a loop dimension (e.g. K) that splits every compute layer into one
  /// group per compute core (inter_core_tiling [[DIM, n]], group g on compute core g): how
  /// the fixed allocation uses several cores.
  Template inter_core;
  /// Operator type -> extra core type that runs it (e.g. Add -> simd); others run on the
  /// compute cores.
  std::map<std::string, std::string> assign;
  std::string file;       ///< optional mapping template file (absolute path)
  std::string file_text;  ///< its text; ${compute_core_ids}, ${core_ids:TYPE}, ${tiling}
};

struct SweepSpec {
  std::string file;      ///< the spec file (or a name standing for it)
  std::string base_dir;  ///< relative paths are resolved against this
  std::string text;      ///< the spec text, as read (hashed for provenance)
  std::string name;
  std::uint64_t seed = 0;
  std::vector<ParamSpec> params;  ///< in first-appearance order
  std::vector<AxisSpec> axes;
  std::vector<ConstraintSpec> constraints;
  HardwareTemplate hardware;
  MappingTemplate mapping;
  Template workload;
  Template allocator = "fixed";
  Template priority;  ///< empty: the mapping's priority
  Template objective = "edp";
  Template ga_population = "16";
  Template ga_generations = "16";
  /// evaluation.fixes: opt-in fixes of Stream's scheduler bugs for every point (a list of names
  /// or "all"; not a template). Recorded in results.h5 as the root attribute scheduler_fixes.
  scheduler::Fixes fixes;

  int param_index(const std::string& name) const;  ///< -1 when absent
};

/// Reads and validates a sweep spec. Template files are read too (paths relative to the spec).
SweepSpec read_sweep_spec(const std::string& path);
SweepSpec parse_sweep_spec(const std::string& text, const std::string& name,
                           const std::string& base_dir);

/// One point: a value per parameter (SweepSpec::params order) and its stable id.
struct Point {
  std::uint64_t id = 0;
  std::vector<Value> values;
};

/// The stable 64-bit id of an assignment: StableHasher over the sorted (name, kind, value)
/// pairs. The same assignment gives the same id in any spec, on any machine.
std::uint64_t point_id(const SweepSpec& spec, const std::vector<Value>& values);

/// All points of a spec in the deterministic order, stored compactly (a row index per axis
/// unit and the id: a few bytes per point, so a million-point sweep costs megabytes, not a
/// copy of every value). Order: axes as nested loops, the first outermost (inside a product
/// the first parameter outermost; samples in sample order); constraints applied; a point whose
/// id repeats an earlier one (a duplicate sample) dropped.
class PointSet {
 public:
  std::size_t size() const { return ids_.size(); }
  std::uint64_t id(std::size_t i) const { return ids_[i]; }
  Point point(std::size_t i) const;
  std::int64_t dropped_by_constraints() const { return dropped_; }

 private:
  friend PointSet expand_points(const SweepSpec& spec);
  struct Unit {
    std::vector<int> params;               ///< parameter indices
    std::vector<std::vector<Value>> rows;  ///< one value per parameter
  };
  std::vector<Unit> units_;
  std::vector<std::uint32_t> rows_;  ///< size() * units_.size() row indices
  std::vector<std::uint64_t> ids_;
  std::size_t n_params_ = 0;
  std::int64_t dropped_ = 0;
};

/// Expands the spec. Throws InputError when no point is left or the product is too large.
PointSet expand_points(const SweepSpec& spec);

/// "name=value name=value ..." in parameter order.
std::string describe(const SweepSpec& spec, const Point& p);

}  // namespace stream::sweep
