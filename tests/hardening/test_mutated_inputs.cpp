// Numeric hygiene and robustness, property style: reference inputs (the three validation cases:
// accelerator, core, workload and mapping files) are mutated at random (mutate.hpp) and fed
// through the readers, the mapping check, the tiler and the cost model. Every outcome must be
// either an InputError or a result whose counts are non-negative and whose numbers are finite
// (a mutated bandwidth of .inf is a legal input; no result may become NaN or infinite from it).
// Any other exception fails the test with the mutation that caused it, and the mutated file is
// kept in the temporary directory for reproduction.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mutate.hpp"
#include "stream/common/error.hpp"
#include "stream/cost/cost_model.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/check.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace stream::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Collects the violations of one run (empty = all good).
struct Checker {
  std::vector<std::string> problems;
  void finite_non_negative(double v, const std::string& what) {
    if (!std::isfinite(v) || v < 0) problems.push_back(what + " = " + std::to_string(v));
  }
  void non_negative(std::int64_t v, const std::string& what) {
    if (v < 0) problems.push_back(what + " = " + std::to_string(v));
  }
  void cost(const cost::CostResult& r, const std::string& what) {
    if (!r.ok()) {
      if (r.reason.empty()) problems.push_back(what + ": infeasible without a reason");
      return;
    }
    non_negative(r.latency_total0, what + " latency_total0");
    non_negative(r.latency_total1, what + " latency_total1");
    non_negative(r.latency_total2, what + " latency_total2");
    non_negative(r.ideal_cycle, what + " ideal_cycle");
    non_negative(r.ideal_temporal_cycle, what + " ideal_temporal_cycle");
    non_negative(r.onloading_cycles, what + " onloading_cycles");
    non_negative(r.offloading_cycles, what + " offloading_cycles");
    non_negative(r.summary.runtime_cycles, what + " runtime_cycles");
    finite_non_negative(r.energy_total_pj, what + " energy_total_pj");
    finite_non_negative(r.mac_energy_pj, what + " mac_energy_pj");
    finite_non_negative(r.memory_energy_pj, what + " memory_energy_pj");
    finite_non_negative(r.summary.onchip_energy_pj, what + " onchip_energy_pj");
    finite_non_negative(r.summary.offchip_energy_pj, what + " offchip_energy_pj");
    finite_non_negative(r.spatial_utilization, what + " spatial_utilization");
    finite_non_negative(r.utilization0, what + " utilization0");
    finite_non_negative(r.utilization1, what + " utilization1");
    finite_non_negative(r.utilization2, what + " utilization2");
    for (const auto& op : r.operands) {
      for (const auto& lv : op.levels) {
        finite_non_negative(lv.energy_pj, what + " energy " + op.name + "@" + lv.memory);
      }
    }
  }
};

/// The whole design point (scheduler included): finite, non-negative numbers, or a status
/// with a reason.
void check_point(const evaluate::PointResult& r, Checker& check) {
  if (r.status != evaluate::PointStatus::kOk) {
    if (r.reason.empty()) check.problems.push_back("point not ok without a reason");
    return;
  }
  check.non_negative(r.latency_cycles, "point latency_cycles");
  check.finite_non_negative(r.energy_pj, "point energy_pj");
  check.finite_non_negative(r.edp_pj_cycles, "point edp_pj_cycles");
  for (std::size_t t = 0; t < r.energy_terms_pj.size(); ++t) {
    check.finite_non_negative(r.energy_terms_pj[t],
                              std::string("point energy term ") + evaluate::energy_term_names()[t]);
  }
  check.non_negative(r.peak_onchip_bits, "point peak_onchip_bits");
  check.non_negative(r.peak_dram_bits, "point peak_dram_bits");
  check.non_negative(r.dram_traffic_bits, "point dram_traffic_bits");
  check.finite_non_negative(r.mean_core_utilization, "point mean_core_utilization");
}

/// Readers -> mapping check -> tiler -> cost model (whole layer and its first CN, on the
/// layer's allocated cores) -> with `whole_point`, the design point through the scheduler.
/// InputError propagates; violations go to `check`.
void run_pipeline(const fs::path& dir, Checker& check, bool whole_point = true) {
  const auto acc = hardware::read_accelerator((dir / "accelerator.yaml").string());
  const auto w = workload::read_yaml_workload((dir / "workload.yaml").string());
  const auto m = mapping::read_mapping((dir / "mapping.yaml").string());
  for (const auto& ch : acc.channels) {
    if (std::isnan(ch.bandwidth_bits_per_cycle) || !(ch.bandwidth_bits_per_cycle > 0)) {
      check.problems.push_back("channel " + ch.label + " bandwidth " +
                               std::to_string(ch.bandwidth_bits_per_cycle));
    }
    check.finite_non_negative(ch.energy_pj_per_cycle, "channel " + ch.label + " energy");
  }
  mapping::check_mapping(m, w, acc);
  const auto g = tiler::build_cn_graph(w, m);
  for (const auto& e : g.edges) check.non_negative(e.bits, "edge bits");
  const auto* offchip = &acc.core(acc.offchip_core).levels.back();
  for (std::size_t li = 0; li < w.layers.size(); ++li) {
    const auto& layer = w.layers[li];
    const auto* entry = m.lookup(layer.name, layer.operator_type);
    if (entry == nullptr) continue;
    for (const CoreId core_id : entry->core_allocation) {
      const auto& core = acc.core(core_id);
      cost::CostQuery q;
      q.layer = &layer;
      q.core = &core;
      q.offchip = offchip;
      const std::string what =
          "layer " + std::to_string(layer.id.value) + " on core " + std::to_string(core_id.value);
      check.cost(cost::evaluate(q), what);
      if (!g.layer_cns[li].empty()) {
        const auto& cn = g.cns[static_cast<std::size_t>(g.layer_cns[li].front())];
        q.loop_sizes = cn.loop_sizes();
        q.too_large = cost::too_large_operands(layer, q.loop_sizes, core, {});
        check.cost(cost::evaluate(q), what + " first CN");
      }
    }
  }
  if (!whole_point) return;
  evaluate::PointSpec spec;
  spec.workload = std::make_shared<const workload::WorkloadSpec>(w);
  spec.accelerator = std::make_shared<const hardware::AcceleratorSpec>(acc);
  spec.mapping = std::make_shared<const mapping::MappingSpec>(m);
  spec.options.semantics = scheduler::Semantics::kValidation2023;
  cost::CostCache cache;
  check_point(evaluate::evaluate_point(spec, cache), check);
}

TEST(MutatedInputs, ReferenceCasesRunClean) {
  const fs::path ref = fs::path(STREAM_TEST_DATA_DIR) / "reference" / "validation";
  for (const char* c : {"depfin", "aimc_4x4", "diana"}) {
    Checker check;
    ASSERT_NO_THROW(run_pipeline(ref / c, check)) << c;
    EXPECT_TRUE(check.problems.empty()) << c << ": " << check.problems.front();
  }
}

TEST(MutatedInputs, EveryMutationIsAnInputErrorOrAFiniteResult) {
  const fs::path ref = fs::path(STREAM_TEST_DATA_DIR) / "reference" / "validation";
  const fs::path tmp =
      fs::temp_directory_path() / ("stream_mutation_" + std::to_string(::getpid()));
  struct Target {
    std::string kase;
    std::string file;  // relative to the case directory
  };
  std::vector<Target> targets;
  for (const char* c : {"depfin", "aimc_4x4", "diana"}) {
    for (const char* f : {"accelerator.yaml", "workload.yaml", "mapping.yaml"})
      targets.push_back({c, f});
    for (const auto& e : fs::directory_iterator(ref / c / "cores"))
      targets.push_back({c, "cores/" + e.path().filename().string()});
  }
  fs::create_directories(tmp);
  Mutator mut(20261127);
  constexpr int kMutations = 300;
  int input_errors = 0, clean = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kMutations; ++i) {
    const Target& t = targets[mut.pick(targets.size())];
    std::string what;
    const std::string text = mut.mutate(slurp(ref / t.kase / t.file), &what);
    const fs::path dir = tmp / (t.kase + "_" + std::to_string(i));
    fs::remove_all(dir);
    fs::copy(ref / t.kase, dir, fs::copy_options::recursive);
    {
      std::ofstream out(dir / t.file, std::ios::binary | std::ios::trunc);
      out << text;
    }
    const std::string label = "mutation " + std::to_string(i) + " of " + t.kase + "/" + t.file +
                              " (" + what + "), kept in " + dir.string();
    Checker check;
    bool keep = false;
    try {
      // The whole point (scheduler included) for every third mutation: it is most of the
      // run time (about 0.5 s for DepFiN's 4,320 CNs).
      run_pipeline(dir, check, /*whole_point=*/i % 3 == 0);
      ++clean;
    } catch (const InputError& e) {
      ++input_errors;
      if (std::string(e.what()).empty()) {
        ADD_FAILURE() << label << ": InputError without a message";
        keep = true;
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << label << ": unexpected exception: " << e.what();
      keep = true;
    }
    if (!check.problems.empty()) {
      ADD_FAILURE() << label << ": " << check.problems.front();
      keep = true;
    }
    if (!keep) fs::remove_all(dir);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << kMutations << " mutations: " << input_errors << " InputError, " << clean
            << " ran clean, " << secs << " s\n";
  EXPECT_EQ(input_errors + clean, kMutations);
  // The mutations must exercise both outcomes, or the test proves nothing.
  EXPECT_GT(input_errors, 0);
  EXPECT_GT(clean, 0);
}

}  // namespace
}  // namespace stream::test
