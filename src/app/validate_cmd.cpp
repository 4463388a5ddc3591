// stream-hpc validate [--chips FILE] [--json OUT] [--max-error PERCENT]
// Stream's validation against silicon: each chip of the chips file (by default the project's
// sweeps/validation/chips.yaml) is modelled with the analytical cost model and its latency
// compared with the measured one, next to the error Stream itself reported.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "stream/common/error.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/evaluate/validation.hpp"
#include "stream/io/spec_json.hpp"

#ifndef STREAM_SOURCE_DIR
#define STREAM_SOURCE_DIR "."
#endif

namespace stream::app {
namespace {

struct ValidateCli {
  std::string chips = std::string(STREAM_SOURCE_DIR) + "/sweeps/validation/chips.yaml";
  std::string json;
  double max_error = -1;
};

const char* status_name(evaluate::PointStatus s) {
  switch (s) {
    case evaluate::PointStatus::kOk:
      return "ok";
    case evaluate::PointStatus::kInfeasible:
      return "infeasible";
    case evaluate::PointStatus::kUnsupported:
      return "unsupported";
  }
  return "?";
}

int run_validate(const ValidateCli& o) {
  const auto spec = evaluate::read_validation_spec(o.chips);
  const auto results = evaluate::run_validation(spec, cost::CostCache::process());
  std::printf("Latency of Stream's validation chips (analytical cost model, %s)\n\n",
              o.chips.c_str());
  std::printf("%-9s %14s %14s %9s %16s %9s %14s\n", "chip", "measured", "modelled", "error",
              "Stream modelled", "error", "energy [pJ]");
  nlohmann::json j = nlohmann::json::object();
  bool all_within = true;
  for (const auto& r : results) {
    const bool ok = r.point.status == evaluate::PointStatus::kOk;
    if (ok) {
      std::printf("%-9s %14lld %14lld %+8.2f%% %16lld %+8.2f%% %14.6e\n", r.chip.id.c_str(),
                  static_cast<long long>(r.chip.measured_latency_cycles),
                  static_cast<long long>(r.point.latency_cycles), r.error_percent,
                  static_cast<long long>(r.chip.stream_latency_cycles), r.stream_error_percent,
                  r.point.energy_pj);
    } else {
      std::printf("%-9s %14lld %14s (%s: %s)\n", r.chip.id.c_str(),
                  static_cast<long long>(r.chip.measured_latency_cycles), "-",
                  status_name(r.point.status), r.point.reason.c_str());
    }
    if (!ok || (o.max_error >= 0 && std::abs(r.error_percent) > o.max_error)) all_within = false;
    j[r.chip.id] = {
        {"title", r.chip.title},
        {"status", status_name(r.point.status)},
        {"measured_latency_cycles", r.chip.measured_latency_cycles},
        {"measured_latency_source", r.chip.measured_latency_source},
        {"latency_cycles", r.point.latency_cycles},
        {"energy_pj", r.point.energy_pj},
        {"error_percent", r.error_percent},
        {"stream_latency_cycles", r.chip.stream_latency_cycles},
        {"stream_error_percent", r.stream_error_percent},
        {"cn_count", r.point.cn_count},
        {"eval_seconds", r.point.eval_seconds},
    };
  }
  std::printf("\nerror = (modelled - measured) / measured. Measured latencies and sources:\n");
  for (const auto& r : results) {
    std::printf("  %-9s %s\n", r.chip.id.c_str(), r.chip.measured_latency_source.c_str());
  }
  if (!o.json.empty()) io::write_json_file(j, o.json);
  if (o.max_error >= 0 && !all_within) {
    std::printf("\nFAILED: a chip's latency error exceeds %.2f %%\n", o.max_error);
    return 1;
  }
  return 0;
}

}  // namespace

void register_validate(CLI::App& app, Action& action) {
  auto opts = std::make_shared<ValidateCli>();
  auto* sub = app.add_subcommand(
      "validate",
      "Model Stream's three validation chips (DepFiN, DIANA, 4x4 AiMC) and compare the latency "
      "with the measured one");
  sub->add_option("--chips", opts->chips,
                  "Chips file (default: the project's sweeps/validation/chips.yaml)");
  sub->add_option("--json", opts->json,
                  "Also write per chip: measured_latency_cycles, latency_cycles, energy_pj, "
                  "error_percent (and Stream's)");
  sub->add_option("--max-error", opts->max_error,
                  "Exit 1 when a chip's |latency error| exceeds this many percent");
  sub->callback([opts, &action] { action = [opts] { return run_validate(*opts); }; });
}

}  // namespace stream::app
