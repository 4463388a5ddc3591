// Cost-model micro-benchmarks (README "Performance"). Run with, e.g.,
//   build/tests/bench/bench_cost --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "../cost/case_support.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/load.hpp"

namespace stream::cost {
namespace {

using test::json;

const json& case_json(const std::string& id) {
  static const json doc = test::load_cases();
  for (const auto& c : doc.at("cases")) {
    if (c.at("id").get<std::string>() == id) return c;
  }
  throw std::runtime_error("no case " + id);
}

/// One LOMA search at lpf 6 (720 orderings, each allocated and evaluated) for ResNet-18
/// conv2_1 on ZigZag's TPU-like core with its single spatial mapping {D1: K 32, D2: C 32}.
void BM_LomaConv2_1_TpuLike(benchmark::State& state) {
  const json& c = case_json("TPU_like/resnet18_conv2_1");
  const auto layer = test::layer_from_case(c.at("layer"));
  const auto core =
      hardware::read_core(test::ref_dir() + "/" + c.at("core_file").get<std::string>());
  CostQuery q;
  q.layer = &layer;
  q.core = &core;
  q.options.dataflows = test::candidates_from_json(c.at("spatial_mapping_user"), core);
  std::int64_t cmes = 0;
  for (auto _ : state) {
    const CostResult r = evaluate(q);
    benchmark::DoNotOptimize(r.latency_total2);
    cmes = r.n_temporal_mappings_evaluated;
  }
  state.counters["CMEs"] = static_cast<double>(cmes);
}
BENCHMARK(BM_LomaConv2_1_TpuLike)->Unit(benchmark::kMillisecond);

/// The same layer on Stream's TPU-like core: both of its dataflows ({K 32, C 32} and {G 32}),
/// i.e. two LOMA searches, as Stream costs every CN.
void BM_LomaConv2_1_StreamTpuLike(benchmark::State& state) {
  const json& c = case_json("Stream_TPU_like/resnet18_conv2_1");
  const auto layer = test::layer_from_case(c.at("layer"));
  const auto core =
      hardware::read_core(test::ref_dir() + "/" + c.at("core_file").get<std::string>());
  CostQuery q;
  q.layer = &layer;
  q.core = &core;
  for (auto _ : state) {
    const CostResult r = evaluate(q);
    benchmark::DoNotOptimize(r.latency_total2);
  }
}
BENCHMARK(BM_LomaConv2_1_StreamTpuLike)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace stream::cost

BENCHMARK_MAIN();
