// Tiler benchmarks: CN-graph construction for FSRCNN (540x960, Stream's user-defined dict,
// built in memory), one output row per CN (4320 CNs; Stream: 2.3 s) and one CN per 2x2 output
// tile in the first L layers with one row per CN in the rest (L = 1: 133k CNs, L = 2: 263k,
// L = 8: 1.04M). Counters: CNs, edges, and the process's peak resident memory (run one
// benchmark per process, --benchmark_filter, for a clean peak). Also ResNet-18 (ONNX) with one
// output row per CN (849 CNs; Stream: 0.21-0.44 s).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "builders.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/load.hpp"

namespace {

using namespace stream;
using namespace stream::tiler;
using namespace stream::tiler::test;

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void report(benchmark::State& state, const CnGraph& g) {
  state.counters["cns"] = static_cast<double>(g.cn_count());
  state.counters["edges"] = static_cast<double>(g.edge_count());
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}

void BM_FsrcnnOneRowPerCn(benchmark::State& state) {
  const auto w = fsrcnn();
  const auto m = mapping_with({loop_all("OY")});
  CnGraph g;
  for (auto _ : state) {
    g = build_cn_graph(w, m);
    benchmark::DoNotOptimize(g.edges.data());
  }
  report(state, g);
}
BENCHMARK(BM_FsrcnnOneRowPerCn)->Unit(benchmark::kMillisecond);

void BM_ResNet18OneRowPerCn(benchmark::State& state) {
  const std::string in = std::string(STREAM_TEST_DATA_DIR) + "/reference/stream2023/inputs/";
  const auto w = workload::load_workload(in + "workload/resnet18.onnx");
  const auto m = mapping::read_mapping(in + "mapping/tpu_like_single_core_oy.yaml");
  CnGraph g;
  for (auto _ : state) {
    g = build_cn_graph(w, m);
    benchmark::DoNotOptimize(g.edges.data());
  }
  report(state, g);
}
BENCHMARK(BM_ResNet18OneRowPerCn)->Unit(benchmark::kMillisecond);

void BM_Fsrcnn2x2Tiles(benchmark::State& state) {
  const auto w = fsrcnn();
  const auto layers = state.range(0);
  mapping::MappingSpec m = mapping_with({loop_all("OY")});
  m.tiling_cutoffs.push_back({layers, {loop("OX", 480), loop("OY", 270)}});
  m.tiling_cutoffs.push_back({std::nullopt, {loop_all("OY")}});
  CnGraph g;
  for (auto _ : state) {
    g = CnGraph{};  // free the previous graph first: the peak is one graph
    g = build_cn_graph(w, m);
    benchmark::DoNotOptimize(g.edges.data());
  }
  report(state, g);
}
BENCHMARK(BM_Fsrcnn2x2Tiles)->Arg(1)->Arg(2)->Arg(8)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
