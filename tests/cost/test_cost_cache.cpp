// The cost cache: keys by content (not ids), one evaluation per key under concurrency, parallel
// costing of unique pairs, counters, and errors leaving no entry.
#include <gtest/gtest.h>

#include <thread>

#include "case_support.hpp"
#include "stream/common/error.hpp"
#include "stream/cost/cost_cache.hpp"
#include "stream/hardware/load.hpp"

namespace stream::cost {
namespace {

using test::json;

struct Env {
  json cases = test::load_cases();
  hardware::CoreSpec core;
  std::vector<workload::LayerSpec> layers;
  Env() {
    core = hardware::read_core(test::ref_dir() + "/cores/stream_tpu_like_20f6f27d.yaml");
    for (const auto& c : cases.at("cases")) {
      if (c.at("core").get<std::string>() == "Stream_TPU_like")
        layers.push_back(test::layer_from_case(c.at("layer")));
    }
  }
};

const Env& env() {
  static const Env e;
  return e;
}

CostQuery query(const workload::LayerSpec& l, const hardware::CoreSpec& c) {
  CostQuery q;
  q.layer = &l;
  q.core = &c;
  return q;
}

TEST(CostCache, IdenticalCoresAndRepeatedShapesAreCostedOnce) {
  CostCache cache;
  hardware::CoreSpec twin = env().core;
  twin.name = "another_name";
  twin.file = "elsewhere.yaml";
  workload::LayerSpec renamed = env().layers[0];
  renamed.id = LayerId(42);
  renamed.name = "same shape, other layer";
  const auto a = cache.get(query(env().layers[0], env().core));
  const auto b = cache.get(query(renamed, twin));
  EXPECT_EQ(cache.misses(), 1);
  EXPECT_EQ(cache.hits(), 1);
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CostCache, WhatDeterminesTheCostIsInTheKey) {
  const auto& l = env().layers[0];
  const auto base = cost_key(query(l, env().core));
  hardware::CoreSpec bigger = env().core;
  bigger.levels[2].memory.size_bits *= 2;
  EXPECT_NE(cost_key(query(l, bigger)), base);
  auto q = query(l, env().core);
  q.too_large[static_cast<std::size_t>(workload::MemOperand::kO)] = true;
  EXPECT_NE(cost_key(q), base);
  q = query(l, env().core);
  q.options.lpf_limit = 5;
  EXPECT_NE(cost_key(q), base);
  q = query(l, env().core);
  std::vector<std::int64_t> sizes;
  for (const auto& d : l.dims) sizes.push_back(d.name == "OY" ? 1 : d.size);
  q.loop_sizes = sizes;
  EXPECT_NE(cost_key(q), base);
  workload::LayerSpec prec = l;
  prec.operands[1].precision_bits = 4;
  EXPECT_NE(cost_key(query(prec, env().core)), base);
  // Loop sizes equal to the layer's are the same CN as the whole layer.
  q = query(l, env().core);
  for (const auto& d : l.dims) q.loop_sizes.push_back(d.size);
  EXPECT_EQ(cost_key(q), base);
}

TEST(CostCache, CostAllInParallelMatchesSerialEvaluation) {
  CostCache cache;
  std::vector<CostQuery> qs;
  for (int rep = 0; rep < 3; ++rep) {
    for (const auto& l : env().layers) qs.push_back(query(l, env().core));
  }
  const auto res = cache.cost_all(qs, 2);
  ASSERT_EQ(res.size(), qs.size());
  EXPECT_EQ(cache.misses(), static_cast<std::int64_t>(env().layers.size()));
  EXPECT_EQ(cache.hits(), static_cast<std::int64_t>(2 * env().layers.size()));
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const CostResult serial = evaluate(qs[i]);
    ASSERT_TRUE(res[i]->ok());
    EXPECT_EQ(res[i]->latency_total2, serial.latency_total2);
    EXPECT_EQ(res[i]->energy_total_pj, serial.energy_total_pj);
    EXPECT_EQ(res[i]->summary.runtime_cycles, serial.latency_total1);
  }
  // A second batch is all hits.
  cache.cost_all(qs, 2);
  EXPECT_EQ(cache.misses(), static_cast<std::int64_t>(env().layers.size()));
}

TEST(CostCache, ConcurrentRequestsForOneKeyEvaluateOnce) {
  CostCache cache;
  std::vector<std::thread> ts;
  std::vector<CostCache::ResultPtr> got(8);
  for (int t = 0; t < 8; ++t) {
    ts.emplace_back([&, t] {
      got[static_cast<std::size_t>(t)] = cache.get(query(env().layers[1], env().core));
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(cache.misses(), 1);
  EXPECT_EQ(cache.hits(), 7);
  for (const auto& g : got) EXPECT_EQ(g.get(), got[0].get());
}

TEST(CostCache, AnErrorLeavesNoEntry) {
  CostCache cache;
  auto q = query(env().layers[0], env().core);
  q.options.dataflows = std::vector<hardware::Dataflow>{{{0, "NOPE", 4}}};
  q.options.strict_dataflows = true;
  EXPECT_THROW(cache.get(q), InputError);
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace stream::cost
