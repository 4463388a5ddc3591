// The opt-in fixes of Stream's scheduler bugs (ScheduleOptions::fixes) on hand-built design
// points whose schedules are derived by hand below: the default reproduces Stream's behaviour
// (the reference tests prove it on real runs), each fix changes exactly what it should.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "stream/common/error.hpp"
#include "stream/cost/cn_cost.hpp"
#include "stream/evaluate/point.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/scheduler/schedule.hpp"
#include "stream/workload/load.hpp"
#include "support/run_command.hpp"

namespace stream::scheduler::test {
namespace {

namespace fs = std::filesystem;

// The TPU-like quad core of Stream's 2023 examples: cores 0-3 TPU-like on a 2x2 mesh of
// 64 bit/cycle links (0-1 direct), one 64 bit/cycle DRAM bus (core 6) shared by all traffic,
// channel energy 0 pJ/cycle. Memories used below: sram_1MB_W (I2) and sram_1MB_A (I1 and O),
// 8,388,608 bit each, read 1024 bit at 208.08 pJ, write 1024 bit at 189.2 pJ; DRAM 64 bit per
// access at 1000 pJ, read and write.
const std::string kQuad =
    std::string(STREAM_SOURCE_DIR) + "/sweeps/hardware/stream2023/tpu_like_quad_core.yaml";

std::string write(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

std::string conv(int id, int k, int c, int oy, int ox) {
  const std::string i = std::to_string(id);
  return "- id: " + i + "\n  name: conv" + i +
         "\n  operator_type: Conv\n"
         "  equation: O[b][k][oy][ox]+=W[k][c][fy][fx]*I[b][c][iy][ix]\n"
         "  dimension_relations: [ix=1*ox+1*fx, iy=1*oy+1*fy]\n"
         "  loop_dims: [B, K, C, OY, OX, FY, FX]\n"
         "  loop_sizes: [1, " +
         std::to_string(k) + ", " + std::to_string(c) + ", " + std::to_string(oy) + ", " +
         std::to_string(ox) +
         ", 1, 1]\n"
         "  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}\n"
         "  operand_source: {I: " +
         i + ", W: " + i + "}\n";
}

/// A design point on the quad core with the given workload, mapping and costs.csv texts.
evaluate::PointSpec point(const std::string& tag, const std::string& workload,
                          const std::string& mapping, const std::string& costs) {
  const fs::path d = stream::test::scratch_dir("fixes_" + tag);
  evaluate::PointSpec p;
  p.workload = std::make_shared<const workload::WorkloadSpec>(
      workload::load_workload(write(d, "workload.yaml", workload)));
  p.accelerator =
      std::make_shared<const hardware::AcceleratorSpec>(hardware::read_accelerator(kQuad));
  p.mapping = std::make_shared<const mapping::MappingSpec>(
      mapping::read_mapping(write(d, "mapping.yaml", mapping)));
  p.cost_table_file = write(d, "costs.csv", costs);
  p.cost_table = std::make_shared<const cost::CostTable>(cost::read_cost_table(p.cost_table_file));
  p.options.keep_schedule = true;
  return p;
}

// One 1x1 conv (K 32, C 32, OY 4, OX 8) split over K into two groups on cores 0 and 1 (Stream
// groups CNs by their weights, so two cores never share a weight tensor; they share the input
// when a layer is split over K); each group is one CN of 1000 cycles. Both CNs use the same
// input tensor I (32x4x8 x 8 bit = 8,192 bit, 128 cycles on any 64 bit/cycle channel), a
// constant in DRAM since 0; each has its own weights W (16x32 x 8 bit = 4,096 bit, 64 cycles)
// and output O (16x4x8 at the final 8 bit = 4,096 bit, 64 cycles), a sink output written back.
evaluate::PointSpec shared_input() {
  return point("share", conv(0, 32, 32, 4, 8),
               "layers:\n  - {name: conv0, core_allocation: [0, 1], inter_core_tiling: [[K, "
               "2]]}\nscheduler: {priority: memory, prefetch: []}\n",
               "layer_id,group,core,runtime_cycles,onchip_energy_pj,offchip_energy_pj,too_large_"
               "operands,cns\n0,0,0,1000,5000.0,0.0,,1\n0,1,1,1000,5000.0,0.0,,1\n");
}

// Memory priority takes group 0 (core 0) first. Its tensors, smallest first, from DRAM:
//   W0 [0, 64), I [64, 192); CN 0 runs [192, 1192); its output is written back [1192, 1256).
// Group 1 (core 1), t = 0: W1 from DRAM in the bus's first idle 64 cycles [192, 256). Then I:
// * Stream: the holder held longest is the DRAM (since 0; core 0's copy since 192), so I
//   crosses the bus a second time, [256, 384); CN 1 runs [384, 1384), write-back
//   [1384, 1448) = the latency. DRAM traffic 2 x 8,192 + 4 x 4,096 = 32,768 bit.
// * share-fetches: from DRAM I would end at 384; core 0's copy (available at 192) over the
//   idle 0->1 link ends at 192 + 128 = 320, earlier, so I moves core 0 -> core 1 [192, 320);
//   CN 1 runs [320, 1320), write-back [1320, 1384) = the latency. DRAM traffic 24,576 bit.
// Energies [pJ] (channels cost 0 pJ): a W fetch = ceil(4096/64) x 1000 (DRAM read) +
// ceil(4096/1024) x 189.2 (SRAM write) = 64,756.8; an I fetch from DRAM = 128 x 1000 +
// 8 x 189.2 = 129,513.6; I from core 0 = 8 x 208.08 + 8 x 189.2 = 3,178.24 (core-to-core); a
// write-back = 4 x 208.08 + 64 x 1000 = 64,832.32 (sink); CNs 2 x 5,000 on-chip.
TEST(SchedulerFixes, ShareFetchesReadsTheSharedInputFromTheOtherCore) {
  auto p = shared_input();
  const auto base = evaluate::evaluate_point(p);
  ASSERT_EQ(base.status, evaluate::PointStatus::kOk) << base.reason;
  ASSERT_EQ(base.cn_count, 2);
  EXPECT_EQ(base.latency_cycles, 1448);
  EXPECT_EQ(base.dram_traffic_bits, 32768);
  EXPECT_DOUBLE_EQ(base.energy_terms_pj[kCnOnchip], 10000.0);
  EXPECT_DOUBLE_EQ(base.energy_terms_pj[kCnOffchipMemory], 2 * 64756.8 + 2 * 129513.6);
  EXPECT_DOUBLE_EQ(base.energy_terms_pj[kSinkMemory], 2 * 64832.32);
  EXPECT_DOUBLE_EQ(base.energy_terms_pj[kCoreToCoreMemory], 0.0);
  const auto& bs = *base.schedule;
  EXPECT_EQ(bs.transfer_count, 6);
  int i_from_dram = 0;
  for (const auto& t : bs.trace.transfers)
    if (t.bits == 8192 && t.from.value == 6) ++i_from_dram;
  EXPECT_EQ(i_from_dram, 2);
  EXPECT_EQ(bs.cn_start, (std::vector<std::int64_t>{192, 384}));

  p.options.fixes.set(Fix::kShareFetches);
  const auto fix = evaluate::evaluate_point(p);
  ASSERT_EQ(fix.status, evaluate::PointStatus::kOk) << fix.reason;
  EXPECT_EQ(fix.latency_cycles, 1384);
  EXPECT_EQ(fix.dram_traffic_bits, 24576);
  EXPECT_EQ(base.dram_traffic_bits - fix.dram_traffic_bits, 8192);
  EXPECT_DOUBLE_EQ(fix.energy_terms_pj[kCnOffchipMemory], 2 * 64756.8 + 129513.6);
  EXPECT_DOUBLE_EQ(fix.energy_terms_pj[kCoreToCoreMemory], 8 * 208.08 + 8 * 189.2);
  EXPECT_DOUBLE_EQ(fix.energy_terms_pj[kSinkMemory], 2 * 64832.32);
  EXPECT_NEAR(fix.energy_pj, base.energy_pj - 129513.6 + 3178.24, 1e-6);
  const auto& fs_ = *fix.schedule;
  EXPECT_EQ(fs_.transfer_count, 6);
  int from_dram = 0, core_to_core = 0;
  for (const auto& t : fs_.trace.transfers) {
    if (t.bits != 8192) continue;
    if (t.from.value == 6) ++from_dram;
    if (t.from.value == 0 && t.to.value == 1) {
      ++core_to_core;
      EXPECT_EQ(t.start, 192);
      EXPECT_EQ(t.end, 320);
      EXPECT_EQ(t.link_term, kCoreToCoreLink);
    }
  }
  EXPECT_EQ(from_dram, 1);
  EXPECT_EQ(core_to_core, 1);
  EXPECT_EQ(fs_.cn_start, (std::vector<std::int64_t>{192, 320}));
}

// The copy a transfer reads must not be freed before the transfer ends (source clean-up,
// evictions, releases: the copy's free is moved to the end of its last read). Costs: every CN
// 1000 cycles except layer 1 group 0's (100).
//   layer 0, core 1: K 1, C 1023, 32x32: I0 = 8,380,416 bit + O0 = 8,192 bit fill core 1's
//     sram_1MB_A exactly (W0 8,184 bit);
//   layer 1: the two-group layer above (I 8,192 bit on cores 0 and 1);
//   layer 2, core 0: K 1, C 1024, 32x32: I2 = 8,388,608 bit, all of core 0's sram_1MB_A; its
//     output is too large (streamed to DRAM), so Step D first clears core 0's sram_1MB_A.
// Latency priority (every CN is ready at 0): lower layer first, then the candidates' order.
// * layer 0 (core 1): W0 [0, 128), I0 [128, 131,072); runs [131,072, 132,072); O0 written back
//   [132,072, 132,200).
// * layer 1 group 0 (core 0): W [131,072, 131,136), I [131,136, 131,264); runs
//   [131,264, 131,364); write-back [131,364, 131,428).
// * layer 1 group 1 (core 1): W [131,428, 131,492). I fits core 1 only from 132,072: from DRAM
//   the bus is next free for 128 cycles at 132,200 (end 132,328); core 0's copy over the 0->1
//   link ends at 132,200: I moves core 0 -> core 1 [132,072, 132,200); runs [132,200, 133,200);
//   write-back [133,200, 133,264).
// * layer 2 (core 0, t = 131,364): Step D evicts I from core 0 at 131,364 - before the copy is
//   read at [132,072, 132,200). The free is moved to 132,200, the eviction completes then and
//   t = 132,200. W2 [131,492, 131,620); I2 fits from 132,200; the bus is free for its 131,072
//   cycles from 133,264: I2 [133,264, 264,336); the streaming block and the CN [264,336, 265,336).
// Without the guard core 0's curve would drop I at 131,364, while the copy is read later.
TEST(SchedulerFixes, SharedSourceCopyIsKeptUntilTheTransferEnds) {
  auto p =
      point("guard", conv(0, 1, 1023, 32, 32) + conv(1, 32, 32, 4, 8) + conv(2, 1, 1024, 32, 32),
            "layers:\n  - {name: conv0, core_allocation: [1]}\n  - {name: conv1, "
            "core_allocation: [0, 1], inter_core_tiling: [[K, 2]]}\n  - {name: conv2, "
            "core_allocation: [0]}\nscheduler: {priority: latency, prefetch: []}\n",
            "layer_id,group,core,runtime_cycles,onchip_energy_pj,offchip_energy_pj,too_"
            "large_operands,cns\n0,0,1,1000,1.0,0.0,,1\n1,0,0,100,1.0,0.0,,1\n1,1,1,1000,"
            "1.0,0.0,,1\n2,0,0,1000,1.0,0.0,O,1\n");
  p.options.fixes.set(Fix::kShareFetches);
  const auto r = evaluate::evaluate_point(p);
  ASSERT_EQ(r.status, evaluate::PointStatus::kOk) << r.reason;
  const auto& s = *r.schedule;
  EXPECT_EQ(s.cn_start, (std::vector<std::int64_t>{131072, 131264, 132200, 264336}));
  EXPECT_EQ(r.latency_cycles, 265336);
  int c2c = 0;
  for (const auto& t : s.trace.transfers) {
    if (t.from.value == 0 && t.to.value == 1) {
      ++c2c;
      EXPECT_EQ(t.start, 132072);
      EXPECT_EQ(t.end, 132200);
    }
    if (t.bits == 8388608 && t.to.value == 0) {
      EXPECT_EQ(t.start, 133264);
    }
  }
  EXPECT_EQ(c2c, 1);
  int a0 = -1;
  for (const auto& pk : r.memory_peaks)
    if (pk.memory == "sram_1MB_A" && pk.cores.front().value == 0) a0 = pk.instance;
  ASSERT_GE(a0, 0);
  // Core 0's sram_1MB_A: I stored [131,136, 132,200) (with layer 1's output [131,264,
  // 131,428)), then nothing until I2 from 133,264.
  const auto& curve = s.trace.memory_curves[static_cast<std::size_t>(a0)];
  auto at = [&](std::int64_t t) {
    std::int64_t v = 0;
    for (const auto& [bt, bits] : curve)
      if (bt <= t) v = bits;
    return v;
  };
  EXPECT_EQ(at(131135), 0);
  EXPECT_EQ(at(131136), 8192);
  EXPECT_EQ(at(131428), 8192);
  EXPECT_EQ(at(132199), 8192);
  EXPECT_EQ(at(132200), 0);
  EXPECT_EQ(at(133264), 8388608);
}

// Two independent 1x1 convs on core 0 (latency priority: layer 0 first), inputs and weights
// from DRAM, outputs written back (sinks); 30,000 cycles each.
//   layer 0: K 100, C 12, 100x80: W 9,600 bit (150 cycles), I 768,000 (12,000),
//            O 6,400,000 (100,000)
//   layer 1: K 50, C 12, 100x80: W 4,800 (75), I 768,000 (12,000), O 3,200,000 (50,000)
// sram_1MB_A (I and O) holds 8,388,608 bit.
// CN 0: W0 [0, 150), I0 [150, 12,150); runs [12,150, 42,150) with I0 + O0 = 7,168,000 bit
// stored; I0 is freed at 42,150; O0's write-back takes the bus [42,150, 142,150) and frees O0
// at 142,150.
// CN 1 (t = 42,150): W1 [12,150, 12,225) and I1 [12,225, 24,225) fit from 0 (7,168,000 +
// 768,000 bit). Its output needs 3,200,000 bit at 42,150, where O0 + I1 = 7,168,000 are
// stored: it fits only from 142,150, with nothing to evict (the earliest-fit time has room).
// * Stream 2023 inserts it at t = 42,150 anyway: memory overflow, an infeasible point.
// * wait-for-space starts CN 1 at 142,150: runs [142,150, 172,150), write-back
//   [172,150, 222,150).
TEST(SchedulerFixes, WaitForSpaceSchedulesWhatStreamOverflows) {
  auto p = point("wait", conv(0, 100, 12, 100, 80) + conv(1, 50, 12, 100, 80),
                 "layers:\n  - {name: default, core_allocation: [0]}\nscheduler: {priority: "
                 "latency, prefetch: []}\n",
                 "layer_id,group,core,runtime_cycles,onchip_energy_pj,offchip_energy_pj,too_"
                 "large_operands,cns\n0,0,0,30000,1.0,0.0,,1\n1,0,0,30000,1.0,0.0,,1\n");
  const auto base = evaluate::evaluate_point(p);
  EXPECT_EQ(base.status, evaluate::PointStatus::kInfeasible);
  EXPECT_EQ(base.reason_code, evaluate::ReasonCode::kMemoryCapacity);
  EXPECT_TRUE(stream::test::contains(base.reason, "memory overflow")) << base.reason;
  EXPECT_TRUE(stream::test::contains(base.reason, "sram_1MB_A")) << base.reason;
  EXPECT_TRUE(stream::test::contains(base.reason, "at cycle 42150")) << base.reason;

  p.options.fixes.set(Fix::kWaitForSpace);
  const auto fix = evaluate::evaluate_point(p);
  ASSERT_EQ(fix.status, evaluate::PointStatus::kOk) << fix.reason;
  EXPECT_EQ(fix.schedule->cn_start, (std::vector<std::int64_t>{12150, 142150}));
  EXPECT_EQ(fix.latency_cycles, 222150);
  for (const auto& pk : fix.memory_peaks) {
    if (pk.memory == "sram_1MB_A" && pk.cores.front().value == 0) {
      EXPECT_EQ(pk.peak_bits, 7936000);  // I0 + O0 + I1 while CN 0 runs
    }
  }
}

TEST(SchedulerFixes, NamesParseAndUnknownNamesListTheValidOnes) {
  EXPECT_TRUE(parse_fixes("", "--fix", "").empty());
  EXPECT_TRUE(parse_fixes("none", "--fix", "none").empty());
  EXPECT_EQ(parse_fixes("all", "--fix", "all"), Fixes::all());
  const auto f = parse_fixes(" wait-for-space , share-fetches", "--fix", "x");
  EXPECT_TRUE(f.has(Fix::kShareFetches));
  EXPECT_TRUE(f.has(Fix::kWaitForSpace));
  EXPECT_EQ(f.to_string(), "share-fetches,wait-for-space");
  EXPECT_EQ(Fixes::all().names().size(), static_cast<std::size_t>(kNumFixes));
  try {
    (void)parse_fixes("share-fetches,bogus", "--fix", "share-fetches,bogus");
    FAIL() << "no error for an unknown fix";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_TRUE(stream::test::contains(m, "'bogus'")) << m;
    EXPECT_TRUE(stream::test::contains(m, "share-fetches, wait-for-space, all, none")) << m;
  }
}

TEST(SchedulerFixes, FixesNeedTheStream2023Semantics) {
  auto p = shared_input();
  p.options.fixes = Fixes::all();
  p.options.semantics = Semantics::kValidation2023;
  EXPECT_THROW((void)evaluate::evaluate_point(p), InputError);
}

}  // namespace
}  // namespace stream::scheduler::test
