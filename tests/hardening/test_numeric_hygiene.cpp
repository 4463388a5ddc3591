// Numeric hygiene, directed cases (issue 10 item 4): extreme but syntactically valid numbers in
// a core file never turn into negative cycle counts or infinite/NaN energies; they are refused
// with an InputError naming the file and the field or the layer and core.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "stream/common/error.hpp"
#include "stream/common/limits.hpp"
#include "stream/cost/cost_model.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/load.hpp"

namespace stream::test {
namespace {

const std::string kCase = STREAM_TEST_DATA_DIR "/reference/validation/";

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Every occurrence of `from` replaced by `to` (at least one must exist).
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  while (at != std::string::npos) {
    s.replace(at, from.size(), to);
    at = s.find(from, at + to.size());
  }
  return s;
}

/// The DepFiN core with a text substitution, costing the first AiMC ResNet-50 layer (56 x 56,
/// feasible on it).
cost::CostResult cost_with(const std::string& from, const std::string& to) {
  const auto core = hardware::parse_core(
      replace_all(slurp(kCase + "depfin/cores/depfin_core.yaml"), from, to), "depfin_core.yaml");
  const auto w = workload::read_yaml_workload(kCase + "aimc_4x4/workload.yaml");
  cost::CostQuery q;
  q.layer = &w.layers.front();
  q.core = &core;
  return cost::evaluate(q);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(NumericHygiene, ReferenceCoreGivesFiniteCosts) {
  const auto r = cost_with("r_cost: 1\n", "r_cost: 1\n");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_GT(r.latency_total2, 0);
  EXPECT_TRUE(std::isfinite(r.energy_total_pj));
}

TEST(NumericHygiene, ATinyMemoryBandwidthIsRefusedNotOverflowed) {
  // 1e-300 bits per cycle made a transfer take ~1e306 cycles: the int64 cast overflowed and
  // the latencies came out negative (-9223372036854775807).
  const auto msg = error_of([] {
    cost_with("bandwidth_min: 8, bandwidth_max: 8", "bandwidth_min: 1e-300, bandwidth_max: 1e-300");
  });
  EXPECT_NE(msg.find("at least 1 bit per cycle"), std::string::npos) << msg;
  EXPECT_NE(msg.find("memories.rf_1B_I.ports[0].bandwidth_max"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { cost_with("bandwidth_max: 8", "bandwidth_max: 0.5"); }), "");
}

TEST(NumericHygiene, HugeAccessEnergiesAreRefusedNotInfinite) {
  // Each access energy is finite, their sum over the layer's accesses is not.
  const auto msg = error_of([] { cost_with("r_cost: 1\n", "r_cost: 1e308\n"); });
  EXPECT_NE(msg.find("not a finite number of pJ"), std::string::npos) << msg;
  EXPECT_NE(msg.find("on core 'depfin_core'"), std::string::npos) << msg;
  // Large but representable: a finite result.
  const auto r = cost_with("r_cost: 1\n", "r_cost: 1e200\n");
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_TRUE(std::isfinite(r.energy_total_pj));
  EXPECT_GT(r.energy_total_pj, 1e200);
}

TEST(NumericHygiene, NanAndInfiniteCostsAreRefusedAtTheField) {
  for (const char* bad : {".nan", ".inf", "-1"}) {
    const auto msg =
        error_of([&] { cost_with("r_cost: 1\n", std::string("r_cost: ") + bad + "\n"); });
    EXPECT_NE(msg.find("r_cost"), std::string::npos) << bad << ": " << msg;
  }
  // unit_energy: .inf is the off-chip core's marker; a compute core with it cannot run a layer.
  const auto msg = error_of([] { cost_with("unit_energy: 0.04", "unit_energy: .inf"); });
  EXPECT_NE(msg.find("unit energy is not finite"), std::string::npos) << msg;
}

TEST(NumericHygiene, AnInfiniteLinkBandwidthIsKeptAsInfinity) {
  // The one place +inf is legal: a link or bus bandwidth of .inf (a transfer takes 0 cycles).
  const std::string dir = kCase + "aimc_4x4/";
  std::string acc = slurp(dir + "accelerator.yaml");
  const auto at = acc.find("bandwidth: ");
  ASSERT_NE(at, std::string::npos);
  const auto end = acc.find_first_of(",}\n", at);
  acc.replace(at, end - at, "bandwidth: .inf");
  const auto spec = hardware::parse_accelerator(acc, dir + "accelerator.yaml");
  bool any_inf = false;
  for (const auto& ch : spec.channels) {
    EXPECT_FALSE(std::isnan(ch.bandwidth_bits_per_cycle)) << ch.label;
    EXPECT_GT(ch.bandwidth_bits_per_cycle, 0) << ch.label;
    any_inf = any_inf || std::isinf(ch.bandwidth_bits_per_cycle);
  }
  EXPECT_TRUE(any_inf);
}

/// The AiMC 4x4 accelerator (4 directed links, then a bus to the off-chip core) with the
/// bandwidth of connectivity entry `entry` replaced by `bw`.
std::string aimc_with_bandwidth(int entry, const std::string& bw) {
  std::string acc = slurp(kCase + "aimc_4x4/accelerator.yaml");
  std::size_t at = 0;
  for (int k = 0; k <= entry; ++k) {
    at = acc.find("bandwidth: 128", k == 0 ? 0 : at + 1);
    EXPECT_NE(at, std::string::npos);
  }
  acc.replace(at, std::string("bandwidth: 128").size(), "bandwidth: " + bw);
  return acc;
}

class ChannelBandwidth : public ::testing::Test {
 protected:
  void TearDown() override { limits() = saved_; }
  Limits saved_ = limits();
};

TEST_F(ChannelBandwidth, ATinyLinkOrBusBandwidthIsRefusedAtReadTime) {
  // 1e-300 bit/cycle: transfers of ~1e303 cycles; the int64 cast wrapped and `stream-hpc eval`
  // printed a plausible latency (60182 cycles) as if the links were free.
  const std::string file = kCase + "aimc_4x4/accelerator.yaml";
  for (int entry : {0, 4}) {  // a link, the bus
    const auto msg =
        error_of([&] { hardware::parse_accelerator(aimc_with_bandwidth(entry, "1e-300"), file); });
    EXPECT_NE(msg.find("accelerator.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("core_connectivity[" + std::to_string(entry) + "].bandwidth"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("below the limit"), std::string::npos) << msg;
    EXPECT_NE(msg.find("max_link_cycles_per_bit = 1048576"), std::string::npos) << msg;
  }
  // The 2024 form: one global bandwidth for the string connectivity entries.
  const std::string dir = STREAM_TEST_DATA_DIR "/hardware/";
  const auto msg = error_of([&] {
    hardware::parse_accelerator(
        replace_all(slurp(dir + "quad_core_2024.yaml"), "bandwidth: 32", "bandwidth: 1e-300"),
        dir + "quad_core_2024.yaml");
  });
  EXPECT_NE(msg.find("quad_core_2024.yaml: bandwidth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("max_link_cycles_per_bit"), std::string::npos) << msg;
}

TEST_F(ChannelBandwidth, TheLimitIsConfigurable) {
  const std::string file = kCase + "aimc_4x4/accelerator.yaml";
  // The default admits 1 bit per 2^20 cycles (9.5e-7 bit/cycle), not 1e-7.
  EXPECT_EQ(error_of([&] { hardware::parse_accelerator(aimc_with_bandwidth(0, "1e-6"), file); }),
            "");
  EXPECT_NE(error_of([&] { hardware::parse_accelerator(aimc_with_bandwidth(0, "1e-7"), file); }),
            "");
  limits().set("max_link_cycles_per_bit", "16777216", "--limit");  // 2^24: 6e-8 bit/cycle
  const auto acc = hardware::parse_accelerator(aimc_with_bandwidth(0, "1e-7"), file);
  EXPECT_EQ(acc.channels.front().bandwidth_bits_per_cycle, 1e-7);
}

TEST_F(ChannelBandwidth, ATransferBeyond2To62CyclesIsAnErrorNotAWrappedDuration) {
  // With the limit raised as far as it goes, 1e-17 bit/cycle passes the reader; the first
  // 1024-bit tensor moved over that link needs 1e20 cycles, more than int64 timestamps hold.
  limits().set("max_link_cycles_per_bit", "9223372036854775807", "--limit");
  const std::string dir = kCase + "aimc_4x4/";
  evaluate::PointSpec p;
  p.accelerator = std::make_shared<const hardware::AcceleratorSpec>(
      hardware::parse_accelerator(aimc_with_bandwidth(0, "1e-17"), dir + "accelerator.yaml"));
  p.workload = std::make_shared<const workload::WorkloadSpec>(
      workload::read_yaml_workload(dir + "workload.yaml"));
  p.mapping =
      std::make_shared<const mapping::MappingSpec>(mapping::read_mapping(dir + "mapping.yaml"));
  const auto msg = error_of([&] { evaluate::evaluate_point(p); });
  EXPECT_NE(msg.find("accelerator.yaml: link 0->1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("more than 2^62"), std::string::npos) << msg;
}

}  // namespace
}  // namespace stream::test
