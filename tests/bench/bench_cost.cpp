// Cost-model micro-benchmarks (README "Performance"). Run with, e.g.,
//   build/tests/bench/bench_cost --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "../cost/case_support.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/load.hpp"

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

/// Every (layer, allowed core) pair of ResNet-18 on the quad-core TPU-like accelerator of the
/// Stream 2023 reference (4 TPU-like cores, a pooling core, a SIMD core; mapping: Conv and Gemm
/// on any TPU core, pools on the pooling core, Add on the SIMD core), with Stream's too-large
/// rule, through a cold CostCache on 2 threads. Identical cores and repeated shapes are costed
/// once: the counters report the unique evaluations (misses) and the queries (pairs).
void BM_ResNet18AllPairsQuadCore(benchmark::State& state) {
  const std::string dir = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/";
  const auto acc = hardware::read_accelerator(dir + "inputs/hardware/tpu_like_quad_core.yaml");
  const auto map = mapping::read_mapping(dir + "inputs/mapping/tpu_like_quad_core_lbl.yaml");
  const auto w = workload::read_onnx_workload(
      dir + "R3_tpu_single_resnet18_lbl/inputs/workload/resnet18.onnx");
  const auto* off = acc.find_core(acc.offchip_core);
  std::vector<CostQuery> queries;
  for (const auto& layer : w.layers) {
    // In-edge bits of the variable inputs (layer by layer: whole producer outputs).
    std::vector<std::int64_t> bits(layer.operands.size(), 0);
    for (std::size_t o = 1; o < layer.operands.size(); ++o) {
      const auto& op = layer.operands[o];
      if (op.is_constant || !op.source) continue;
      const auto prods = w.find_layer(*op.source) ? std::vector<LayerId>{*op.source}
                                                  : w.costed_producers(*op.source);
      for (auto p : prods) {
        const auto* pl = w.find_layer(p);
        bits[o] += pl->operand_elements(0) * pl->output_final_precision_bits;
      }
    }
    const auto* entry = map.lookup(layer.name, layer.operator_type);
    for (auto core_id : entry->core_allocation) {
      const auto& core = *acc.find_core(core_id)->spec;
      CostQuery q;
      q.layer = &layer;
      q.core = &core;
      q.too_large = too_large_operands(layer, {}, core, bits);
      q.offchip = &off->spec->levels.front();
      queries.push_back(q);
    }
  }
  std::int64_t misses = 0;
  for (auto _ : state) {
    CostCache cache;  // cold
    const auto res = cache.cost_all(queries, 2);
    benchmark::DoNotOptimize(res.data());
    misses = cache.misses();
  }
  state.counters["pairs"] = static_cast<double>(queries.size());
  state.counters["unique"] = static_cast<double>(misses);
}
BENCHMARK(BM_ResNet18AllPairsQuadCore)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace stream::cost

BENCHMARK_MAIN();
