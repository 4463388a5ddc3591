// The 15 ZigZag 2.4.5 reference cases (zigzag-model.md §10.4): the cost model alone with the
// given mappings, and the LOMA search, against ZigZag's own numbers. Cycle counts must match
// exactly and energies to 1e-9 relative (the evaluation order of §6.3 gives ZigZag's doubles);
// the acceptance bounds (0.5% given / 2% latency, 5% energy searched) are implied.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "case_support.hpp"
#include "stream/hardware/load.hpp"

namespace stream::cost {
namespace {

using test::json;

constexpr double kRel = 1e-9;

bool close(double a, double b, double rel = kRel) {
  return std::abs(a - b) <= rel * std::max({std::abs(a), std::abs(b), 1e-300});
}

struct Case {
  json j;
  workload::LayerSpec layer;
  hardware::CoreSpec core;
  std::vector<hardware::Dataflow> candidates;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = [] {
    std::vector<Case> v;
    const json doc = test::load_cases();
    for (const auto& c : doc.at("cases")) {
      Case k;
      k.j = c;
      k.layer = test::layer_from_case(c.at("layer"));
      k.core = hardware::read_core(test::ref_dir() + "/" + c.at("core_file").get<std::string>());
      k.candidates = test::candidates_from_json(c.at("spatial_mapping_user"), k.core);
      v.push_back(std::move(k));
    }
    return v;
  }();
  return all;
}

CostResult run_case(const Case& c, bool given) {
  CostQuery q;
  q.layer = &c.layer;
  q.core = &c.core;
  q.options.lpf_limit = c.j.at("lpf_limit").get<int>();
  q.options.dataflows = c.candidates;
  if (given) q.options.temporal_mapping = test::tm_from_json(c.j.at("temporal_mapping"));
  return evaluate(q);
}

std::vector<std::pair<std::string, double>> sorted_loops(const LevelLoops& l) {
  std::vector<std::pair<std::string, double>> v;
  for (const auto& x : l) v.emplace_back(x.dim, x.size);
  std::sort(v.begin(), v.end());
  return v;
}

/// Compares every `expected` field; returns the number of mismatches (each reported).
int compare(const Case& c, const CostResult& r, bool check_tm) {
  const json& e = c.j.at("expected");
  const std::string id = c.j.at("id").get<std::string>();
  int bad = 0;
  auto expect_int = [&](const char* key, std::int64_t got) {
    const auto want = e.at(key).get<std::int64_t>();
    if (want != got) {
      ADD_FAILURE() << id << " " << key << ": expected " << want << ", got " << got;
      ++bad;
    }
  };
  auto expect_d = [&](const std::string& what, double want, double got) {
    if (!close(want, got)) {
      ADD_FAILURE() << id << " " << what << ": expected " << want << ", got " << got << " (rel "
                    << (got - want) / want << ")";
      ++bad;
    }
  };
  EXPECT_TRUE(r.ok()) << id << ": " << r.reason;
  if (!r.ok()) return 1;
  expect_int("latency_total0", r.latency_total0);
  expect_int("latency_total1", r.latency_total1);
  expect_int("latency_total2", r.latency_total2);
  expect_int("ideal_cycle", r.ideal_cycle);
  expect_int("ideal_temporal_cycle", r.ideal_temporal_cycle);
  expect_int("stall_slack_comb", r.stall_slack_comb);
  expect_int("onloading_cycles", r.onloading_cycles);
  expect_int("offloading_cycles", r.offloading_cycles);
  expect_d("energy_total_pj", e.at("energy_total_pj").get<double>(), r.energy_total_pj);
  expect_d("mac_energy_pj", e.at("mac_energy_pj").get<double>(), r.mac_energy_pj);
  expect_d("memory_energy_pj", e.at("memory_energy_pj").get<double>(), r.memory_energy_pj);
  expect_d("spatial_utilization", e.at("spatial_utilization").get<double>(), r.spatial_utilization);
  expect_d("utilization2", e.at("utilization2").get<double>(), r.utilization2);
  for (const auto& op : r.operands) {
    const auto& eb = e.at("energy_breakdown_pj").at(op.name);
    const auto& wa = e.at("memory_word_access").at(op.name);
    const auto& mu = e.at("mem_utili_shared").at(op.name);
    const auto& db = e.at("double_buffer").at(op.name);
    const auto& names = c.j.at("memory_levels").at(op.name);
    if (eb.size() != op.levels.size()) {
      ADD_FAILURE() << id << " " << op.name << ": " << op.levels.size() << " levels, expected "
                    << eb.size();
      ++bad;
      continue;
    }
    for (std::size_t l = 0; l < op.levels.size(); ++l) {
      const auto& lv = op.levels[l];
      const std::string at = op.name + "[" + std::to_string(l) + "]";
      if (names[l].get<std::string>() != lv.memory) {
        ADD_FAILURE() << id << " " << at << " memory " << lv.memory;
        ++bad;
      }
      expect_d("energy_breakdown " + at, eb[l].get<double>(), lv.energy_pj);
      expect_d("mem_utili_shared " + at, mu[l].get<double>(), lv.mem_utili_shared);
      const auto& w = wa[l];
      expect_d("word_access.rd_out_to_low " + at, w.at("rd_out_to_low").get<double>(),
               lv.word_access.rd_out_to_low);
      expect_d("word_access.wr_in_by_low " + at, w.at("wr_in_by_low").get<double>(),
               lv.word_access.wr_in_by_low);
      expect_d("word_access.rd_out_to_high " + at, w.at("rd_out_to_high").get<double>(),
               lv.word_access.rd_out_to_high);
      expect_d("word_access.wr_in_by_high " + at, w.at("wr_in_by_high").get<double>(),
               lv.word_access.wr_in_by_high);
      if (check_tm) {
        LevelLoops want;
        for (const auto& lp : c.j.at("temporal_mapping").at(op.name)[l]) {
          want.push_back({lp[0].get<std::string>(), lp[1].get<double>()});
        }
        if (want != lv.temporal) {
          ADD_FAILURE() << id << " temporal mapping of " << at << " differs";
          ++bad;
        }
      }
    }
    for (std::size_t a = 0; a < op.double_buffer.size(); ++a) {
      if (db[a].get<bool>() != op.double_buffer[a]) {
        ADD_FAILURE() << id << " double_buffer " << op.name << "[" << a << "]";
        ++bad;
      }
    }
    const auto& sm = c.j.at("spatial_mapping").at(op.name);
    for (std::size_t a = 0; a < op.spatial.size(); ++a) {
      LevelLoops want;
      for (const auto& lp : sm[a]) want.push_back({lp[0].get<std::string>(), lp[1].get<double>()});
      if (sorted_loops(want) != sorted_loops(op.spatial[a])) {
        ADD_FAILURE() << id << " spatial mapping of " << op.name << " arch level " << a;
        ++bad;
      }
    }
  }
  return bad;
}

void print_table(const char* title, const std::vector<std::pair<const Case*, CostResult>>& rows) {
  std::printf("\n%s\n", title);
  std::printf("%-34s %9s %9s %9s %9s %9s %9s %20s %20s %9s\n", "case", "lat0 ref", "lat0",
              "lat1 ref", "lat1", "lat2 ref", "lat2", "energy ref [pJ]", "energy [pJ]", "rel err");
  for (const auto& [c, r] : rows) {
    const json& e = c->j.at("expected");
    const double er = e.at("energy_total_pj").get<double>();
    std::printf("%-34s %9lld %9lld %9lld %9lld %9lld %9lld %20.6f %20.6f %9.1e\n",
                c->j.at("id").get<std::string>().c_str(),
                static_cast<long long>(e.at("latency_total0").get<std::int64_t>()),
                static_cast<long long>(r.latency_total0),
                static_cast<long long>(e.at("latency_total1").get<std::int64_t>()),
                static_cast<long long>(r.latency_total1),
                static_cast<long long>(e.at("latency_total2").get<std::int64_t>()),
                static_cast<long long>(r.latency_total2), er, r.energy_total_pj,
                (r.energy_total_pj - er) / er);
  }
}

TEST(ReferenceCases, AllFifteenPresent) { EXPECT_EQ(cases().size(), 15u); }

TEST(ReferenceCases, GivenMappings) {
  std::vector<std::pair<const Case*, CostResult>> rows;
  int exact_energy = 0;
  for (const auto& c : cases()) {
    const CostResult r = run_case(c, true);
    compare(c, r, true);
    if (r.ok() && r.energy_total_pj == c.j.at("expected").at("energy_total_pj").get<double>())
      ++exact_energy;
    rows.emplace_back(&c, r);
  }
  print_table("ZigZag 2.4.5 reference cases, given spatial and temporal mappings", rows);
  std::printf("energy_total bit-identical to ZigZag's double: %d of %zu\n", exact_energy,
              rows.size());
}

TEST(ReferenceCases, LomaSearch) {
  std::vector<std::pair<const Case*, CostResult>> rows;
  for (const auto& c : cases()) {
    const CostResult r = run_case(c, false);
    const std::string id = c.j.at("id").get<std::string>();
    compare(c, r, true);
    EXPECT_EQ(r.n_temporal_mappings_evaluated,
              c.j.at("n_temporal_mappings_evaluated").get<std::int64_t>())
        << id;
    rows.emplace_back(&c, r);
  }
  print_table("ZigZag 2.4.5 reference cases, LOMA search (lpf 6)", rows);
}

}  // namespace
}  // namespace stream::cost
