// Sweep specs: parsing, bad input, point order and ids, sampling, templates, generated
// hardware.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "stream/common/error.hpp"
#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace {

using stream::InputError;
using namespace stream::sweep;

const std::string kDir = std::string(STREAM_TEST_DATA_DIR) + "/sweep";

// The hardware/mapping/workload part every test spec shares; `extra` adds fields.
std::string spec_text(const std::string& axes, const std::string& extra = "",
                      const std::string& compute = "tpu*${n}",
                      const std::string& topology = "mesh") {
  return "name: t\nseed: 3\naxes:\n" + axes + extra +
         "hardware:\n"
         "  core_types: {tpu: templates/tpu_like.yaml, pool: templates/pooling.yaml,\n"
         "               simd: templates/simd.yaml, dram: templates/offchip.yaml}\n"
         "  compute_cores: \"" +
         compute +
         "\"\n"
         "  extra_cores: [pool, simd]\n"
         "  dram_core: dram\n"
         "  topology: " +
         topology +
         "\n"
         "mapping: {tiling: lbl, assign: {Add: simd}}\n"
         "workload: zoo:fsrcnn\n";
}

const std::string kAxes =
    "  - product: {n: [1, 2, 4], array: [16, 32], buf_kib: [256], dram_bw: [64]}\n";

SweepSpec parse(const std::string& text) { return parse_sweep_spec(text, "t.yaml", kDir); }

std::string error_of(const std::string& text) {
  try {
    auto s = parse(text);
    expand_points(s);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(SweepSpec, ProductOrderFirstAxisOutermost) {
  const auto spec = parse(spec_text(kAxes));
  ASSERT_EQ(spec.params.size(), 4u);
  EXPECT_EQ(spec.params[0].name, "n");
  EXPECT_EQ(spec.params[0].type, ParamType::kInt);
  const auto pts = expand_points(spec);
  ASSERT_EQ(pts.size(), 6u);
  const std::vector<std::pair<int, int>> want{{1, 16}, {1, 32}, {2, 16}, {2, 32}, {4, 16}, {4, 32}};
  std::set<std::uint64_t> ids;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const auto p = pts.point(i);
    EXPECT_EQ(p.values[0].i, want[i].first) << i;
    EXPECT_EQ(p.values[1].i, want[i].second) << i;
    EXPECT_EQ(p.id, point_id(spec, p.values));
    ids.insert(p.id);
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST(SweepSpec, ZipAndConstraints) {
  const auto spec =
      parse(spec_text("  - zip: {n: [1, 2, 4], array: [32, 32, 16]}\n"
                      "  - product: {buf_kib: [256, 512], dram_bw: [64]}\n",
                      "constraints:\n  - {name: sram, expr: \"n * buf_kib\", max: 600}\n"));
  const auto pts = expand_points(spec);
  // (1,32,256) (1,32,512) (2,32,256); (2,32,512)=1024, (4,16,*) dropped.
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_EQ(pts.dropped_by_constraints(), 3);
  EXPECT_EQ(pts.point(2).values[0].i, 2);
  EXPECT_EQ(pts.point(2).values[2].i, 256);
}

TEST(SweepSpec, PointIdsAreStableAndIndependentOfParameterOrder) {
  // The id hashes the sorted (name, kind, value) pairs with FNV-1a: it must not change
  // between builds or machines (resume and merges of old runs rely on it). The value below
  // was recomputed independently (Python) from the documented byte layout: str("stream-hpc
  // point v1"), then per parameter in name order str(name), u64(kind), i64(value), where
  // str = u64 little-endian length + bytes.
  const auto a =
      parse(spec_text("  - product: {n: [2], array: [16], buf_kib: [256], dram_bw: [64]}\n"));
  const auto b =
      parse(spec_text("  - product: {dram_bw: [64], buf_kib: [256], array: [16], n: [2]}\n"));
  const auto pa = expand_points(a).point(0);
  const auto pb = expand_points(b).point(0);
  EXPECT_EQ(pa.id, pb.id);
  EXPECT_EQ(pa.id, 0x5f957b011b4824b7ULL) << std::hex << pa.id;
  // Kind matters: 16 and 16.0 are different points.
  const auto c =
      parse(spec_text("  - product: {n: [2], array: [16], buf_kib: [256.0], dram_bw: [64]}\n"));
  EXPECT_NE(expand_points(c).point(0).id, pa.id);
}

TEST(SweepSpec, RandomAndLatinHypercubeAreDeterministic) {
  const std::string lhs =
      "  - product: {n: [1], buf_kib: [256], dram_bw: [64]}\n"
      "  - latin_hypercube: {samples: 8, seed: 11, params: {array: {min: 8, max: 71, integer: "
      "true}}}\n";
  const auto s1 = parse(spec_text(lhs));
  const auto p1 = expand_points(s1);
  const auto p2 = expand_points(parse(spec_text(lhs)));
  ASSERT_EQ(p1.size(), 8u);
  std::set<std::int64_t> strata;
  for (std::size_t i = 0; i < p1.size(); ++i) {
    EXPECT_EQ(p1.id(i), p2.id(i));
    const auto v = p1.point(i).values[static_cast<std::size_t>(s1.param_index("array"))].i;
    EXPECT_GE(v, 8);
    EXPECT_LE(v, 71);
    strata.insert((v - 8) / 8);  // 8 strata of 8 integers each
  }
  EXPECT_EQ(strata.size(), 8u) << "a Latin hypercube hits every stratum once";
  std::string other = lhs;
  other.replace(other.find("seed: 11"), 8, "seed: 12");
  const auto p3 = expand_points(parse(spec_text(other)));
  bool differs = false;
  for (std::size_t i = 0; i < p3.size(); ++i) differs |= p3.id(i) != p1.id(i);
  EXPECT_TRUE(differs);

  const std::string rnd =
      "  - product: {n: [1], array: [16], dram_bw: [64]}\n"
      "  - random: {samples: 20, params: {buf_kib: {min: 64, max: 4096, log: true}}}\n";
  const auto r1 = parse(spec_text(rnd));
  EXPECT_EQ(r1.params[static_cast<std::size_t>(r1.param_index("buf_kib"))].type, ParamType::kFloat);
  const auto q1 = expand_points(r1);
  const auto q2 = expand_points(parse(spec_text(rnd)));
  ASSERT_EQ(q1.size(), 20u);
  for (std::size_t i = 0; i < q1.size(); ++i) {
    EXPECT_EQ(q1.id(i), q2.id(i));
    const double v = q1.point(i).values[3].f;
    EXPECT_GE(v, 64.0);
    EXPECT_LT(v, 4096.0);
  }
}

TEST(SweepSpec, BadInputNamesTheProblem) {
  auto e = error_of(spec_text("  - cartesian: {n: [1]}\n"));
  EXPECT_TRUE(contains(e, "unknown axis kind 'cartesian'")) << e;
  e = error_of(spec_text("  - product: {n: [], array: [16], buf_kib: [256], dram_bw: [64]}\n"));
  EXPECT_TRUE(contains(e, "empty value list")) << e;
  e = error_of(
      spec_text("  - product: {n: [1], array: [16], buf_kib: [256], dram_bw: [64], x: [1]}\n"));
  EXPECT_TRUE(contains(e, "parameter 'x' is never used")) << e;
  e = error_of(spec_text(kAxes, "constraints:\n  - {name: budget, expr: \"2 * 3\", max: 5}\n"));
  EXPECT_TRUE(contains(e, "constraint 'budget' names no parameter")) << e;
  e = error_of(spec_text(kAxes, "constraints:\n  - {name: budget, expr: \"n * macs\", max: 5}\n"));
  EXPECT_TRUE(contains(e, "names 'macs', which is not a parameter")) << e;
  e = error_of(spec_text(kAxes, "constraints:\n  - {name: budget, expr: \"n\", max: 0}\n"));
  EXPECT_TRUE(contains(e, "no point is left")) << e;
  e = error_of(spec_text(kAxes, "", "tpu*${cores}"));
  EXPECT_TRUE(contains(e, "${cores} is not a parameter")) << e;
  e = error_of(spec_text("  - zip: {n: [1, 2], array: [16], buf_kib: [256], dram_bw: [64]}\n"));
  EXPECT_TRUE(contains(e, "equal length")) << e;
  e = error_of(spec_text(kAxes + "  - product: {n: [3]}\n"));
  EXPECT_TRUE(contains(e, "defined twice")) << e;
  e = error_of(spec_text(kAxes, "typo_field: 1\n"));
  EXPECT_TRUE(contains(e, "typo_field")) << e;
  e = error_of(spec_text("  - random: {samples: 0, params: {n: {min: 1, max: 2}}}\n"));
  EXPECT_TRUE(contains(e, "samples must be at least 1")) << e;
  // Every message names the file.
  EXPECT_TRUE(contains(e, "t.yaml")) << e;
}

TEST(SweepSpec, TemplatesFillArithmetic) {
  const auto spec =
      parse(spec_text("  - product: {n: [2], array: [8], buf_kib: [2048], dram_bw: [100]}\n"));
  const PointBuilder b(spec);
  const auto bp = b.build(expand_points(spec).point(0));
  const auto& acc = *bp.spec.accelerator;
  // 2 TPU-like cores, pooling, SIMD, DRAM.
  ASSERT_EQ(acc.cores.size(), 5u);
  EXPECT_EQ(acc.offchip_core.value, 4);
  const auto& tpu = acc.core(stream::CoreId(0));
  EXPECT_EQ(tpu.array.total_units(), 64);
  bool found = false;
  for (const auto& l : tpu.levels) {
    if (l.memory.name == "sram_A") {
      found = true;
      EXPECT_EQ(l.memory.size_bits, 2048 * 8192);
      EXPECT_DOUBLE_EQ(l.memory.r_cost_pj, 208.08 * std::sqrt(2.0));  // sqrt rule
    }
  }
  EXPECT_TRUE(found);
  // Identical cores share one spec (one cost-cache entry).
  EXPECT_EQ(acc.cores[0].spec.get(), acc.cores[1].spec.get());
  EXPECT_EQ(bp.spec.options.seed, expand_points(spec).point(0).id);
  EXPECT_EQ(bp.spec.workload->name, "fsrcnn");
}

TEST(SweepSpec, Topologies) {
  auto channels = [](const std::string& topo, int n) {
    const auto spec = parse(spec_text("  - product: {n: [" + std::to_string(n) +
                                          "], array: [8], buf_kib: [256], dram_bw: [64]}\n",
                                      "", "tpu*${n}", topo));
    const PointBuilder b(spec);
    return b.build(expand_points(spec).point(0)).spec.accelerator->channels.size();
  };
  // Extra cores: pooling and SIMD each linked to every compute core and to each other:
  // (2n + 1) links = 2 (2n + 1) directed channels; plus the DRAM's one bus.
  const auto extra = [](int n) { return static_cast<std::size_t>(2 * (2 * n + 1) + 1); };
  EXPECT_EQ(channels("mesh", 4), extra(4) + 2 * 4);  // 2x2 mesh: 4 links
  EXPECT_EQ(channels("mesh", 6), extra(6) + 2 * 7);  // 2x3 mesh: 7 links
  EXPECT_EQ(channels("ring", 4), extra(4) + 2 * 4);
  EXPECT_EQ(channels("bus", 4), extra(4) + 1);
}

TEST(SweepSpec, InvalidFilledTemplateIsAnInputError) {
  // array 0 gives a core with a zero-sized array: the hardware reader rejects it.
  const auto spec =
      parse(spec_text("  - product: {n: [1], array: [0], buf_kib: [256], dram_bw: [64]}\n"));
  const PointBuilder b(spec);
  EXPECT_THROW(b.build(expand_points(spec).point(0)), InputError);
}

TEST(SweepSpec, SchedulerFixesReachEveryPoint) {
  const std::string axes = "  - product: {n: [2], array: [8], buf_kib: [256], dram_bw: [64]}\n";
  // None by default: Stream's scheduler.
  auto spec = parse(spec_text(axes));
  EXPECT_TRUE(spec.fixes.empty());
  EXPECT_TRUE(PointBuilder(spec).build(expand_points(spec).point(0)).spec.options.fixes.empty());
  // A list of names.
  spec = parse(spec_text(axes, "evaluation: {fixes: [share-fetches, wait-for-space]}\n"));
  EXPECT_EQ(spec.fixes.to_string(), "share-fetches,wait-for-space");
  const auto bp = PointBuilder(spec).build(expand_points(spec).point(0));
  EXPECT_EQ(bp.spec.options.fixes, spec.fixes);
  // "all".
  spec = parse(spec_text(axes, "evaluation: {fixes: all}\n"));
  EXPECT_EQ(spec.fixes, stream::scheduler::Fixes::all());
  // An unknown name names the field and the valid names.
  const auto e = error_of(spec_text(axes, "evaluation: {fixes: [share-fetch]}\n"));
  EXPECT_TRUE(contains(e, "evaluation.fixes")) << e;
  EXPECT_TRUE(contains(e, "unknown scheduler fix 'share-fetch'")) << e;
  EXPECT_TRUE(contains(e, "share-fetches, wait-for-space, all, none")) << e;
}

}  // namespace
