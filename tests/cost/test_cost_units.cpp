// Pieces of the cost model checked against the examples of zigzag-model.md, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "case_support.hpp"
#include "stream/common/error.hpp"
#include "stream/hardware/load.hpp"
#include "zz_model.hpp"

namespace stream::cost {
namespace {

using test::json;

std::vector<std::string> permutations_of(const std::vector<int>& items) {
  std::vector<std::string> out;
  zz::multiset_permutations(static_cast<int>(items.size()), items.data(), [&](const int* idx) {
    std::string s;
    for (std::size_t k = 0; k < items.size(); ++k)
      s += std::to_string(items[static_cast<std::size_t>(idx[k])]);
    out.push_back(s);
  });
  return out;
}

TEST(Loma, MultisetPermutationOrderIsWilliamsPrefixShift) {
  // zigzag-model.md §4.2 step 3.
  EXPECT_EQ(permutations_of({1, 2, 3}),
            (std::vector<std::string>{"321", "132", "312", "231", "123", "213"}));
  EXPECT_EQ(permutations_of({1, 1, 2, 3}),
            (std::vector<std::string>{"3211", "1321", "3121", "1312", "1132", "3112", "2311",
                                      "1231", "2131", "1213", "1123", "2113"}));
  EXPECT_EQ(permutations_of({7}), std::vector<std::string>{"7"});
  // Every distinct permutation exactly once: 7! / (2! 3!) = 420.
  const auto many = permutations_of({1, 1, 2, 2, 2, 3, 4});
  EXPECT_EQ(many.size(), 420u);
  EXPECT_EQ(std::set<std::string>(many.begin(), many.end()).size(), 420u);
}

zz::Problem one_dim_problem(const std::vector<std::pair<std::string, std::int64_t>>& dims) {
  zz::Problem p;
  p.n_dims = static_cast<int>(dims.size());
  for (std::size_t d = 0; d < dims.size(); ++d) {
    p.names.push_back(dims[d].first);
    p.size[d] = dims[d].second;
  }
  return p;
}

std::string lpf_text(const zz::Problem& p, const zz::Ordering& o) {
  std::string s;
  for (int k = 0; k < o.n; ++k) {
    s += (s.empty() ? "" : " ") +
         p.names[static_cast<std::size_t>(o.dim[static_cast<std::size_t>(k)])] +
         std::to_string(o.size[static_cast<std::size_t>(k)]);
  }
  return s;
}

TEST(Loma, LoopPrimeFactorMerging) {
  // OY = 56 = 2*2*2*7 -> 4*2*7 -> 8*7 (§4.2 step 2).
  const auto p = one_dim_problem({{"K", 1}, {"OY", 56}});
  zz::Spatial s;
  s.q[0] = 1;
  s.q[1] = 56;
  EXPECT_EQ(lpf_text(p, zz::loop_prime_factors(p, s, 6, "x")), "OY2 OY2 OY2 OY7");
  EXPECT_EQ(lpf_text(p, zz::loop_prime_factors(p, s, 3, "x")), "OY2 OY4 OY7");
  EXPECT_EQ(lpf_text(p, zz::loop_prime_factors(p, s, 2, "x")), "OY7 OY8");
  // The limit never goes below the number of temporal dims; ties pick the first dim.
  const auto p2 = one_dim_problem({{"C", 4}, {"K", 4}, {"OX", 3}});
  zz::Spatial s2;
  s2.q[0] = 4;
  s2.q[1] = 4;
  s2.q[2] = 3;
  EXPECT_EQ(lpf_text(p2, zz::loop_prime_factors(p2, s2, 4, "x")), "C4 K2 K2 OX3");
  EXPECT_EQ(lpf_text(p2, zz::loop_prime_factors(p2, s2, 1, "x")), "C4 K4 OX3");
  // No temporal loop at all: one LPF (first dim, 1).
  zz::Spatial s3;
  s3.q.fill(1);
  EXPECT_EQ(lpf_text(p2, zz::loop_prime_factors(p2, s3, 6, "x")), "C1");
}

const json& case_by_id(const std::string& id) {
  static const json doc = test::load_cases();
  for (const auto& c : doc.at("cases")) {
    if (c.at("id").get<std::string>() == id) return c;
  }
  throw std::runtime_error(id);
}

TEST(Loma, ConvEnumerationStartsAsZigZag) {
  // §10.4: TPU_like/resnet18_conv2_1, LPFs K2 C2 OY56 OX56 FY3 FX3.
  const auto& c = case_by_id("TPU_like/resnet18_conv2_1");
  const auto layer = test::layer_from_case(c.at("layer"));
  const auto core =
      hardware::read_core(test::ref_dir() + "/" + c.at("core_file").get<std::string>());
  const auto p = zz::build_problem(layer, {}, "x");
  const auto h = zz::build_hier(p, core, {}, nullptr);
  const auto s = zz::convert_spatial(
      p, h, test::dataflow_from_json(c.at("spatial_mapping_user"), core), false, core);
  const auto lpf = zz::loop_prime_factors(p, s, 6, "x");
  EXPECT_EQ(lpf_text(p, lpf), "K2 C2 OY56 OX56 FY3 FX3");
  std::vector<std::pair<std::string, std::int64_t>> keys;
  for (int k = 0; k < lpf.n; ++k)
    keys.emplace_back(p.names[static_cast<std::size_t>(lpf.dim[k])], lpf.size[k]);
  auto sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  int rank[zz::kMaxLoops];
  for (int k = 0; k < lpf.n; ++k) {
    rank[k] = static_cast<int>(
        std::lower_bound(sorted.begin(), sorted.end(), keys[static_cast<std::size_t>(k)]) -
        sorted.begin());
  }
  std::vector<std::string> first;
  zz::multiset_permutations(lpf.n, rank, [&](const int* idx) {
    if (first.size() == 3) return;
    zz::Ordering o;
    o.n = lpf.n;
    for (int k = 0; k < lpf.n; ++k) {
      o.dim[k] = lpf.dim[idx[k]];
      o.size[k] = lpf.size[idx[k]];
    }
    first.push_back(lpf_text(p, o));
  });
  EXPECT_EQ(first, (std::vector<std::string>{"OY56 OX56 K2 FY3 FX3 C2", "C2 OY56 OX56 K2 FY3 FX3",
                                             "OY56 C2 OX56 K2 FY3 FX3"}));
}

TEST(Spatial, PrSizesAndTruncation) {
  auto rel = [](double sa, double sb) {
    zz::Rel r;
    r.sa = sa;
    r.sb = sb;
    r.total = 1e18;
    return r;
  };
  EXPECT_EQ(zz::pr_size(rel(1, 1), 56, 3), 58);         // OX + FX - 1
  EXPECT_EQ(zz::pr_size(rel(2, 1), 112, 7), 229);       // stride 2
  EXPECT_EQ(zz::pr_size(rel(2, 1), 28, 1), 28);         // FX = 1: unique indices, not the span
  EXPECT_EQ(zz::pr_size(rel(1, 2), 10, 3), 9 + 4 + 1);  // dilation 2
  EXPECT_EQ(zz::pr_size(rel(1, 1), 11.2, 1), 11);       // int-truncated fractional unroll
  zz::Rel clip = rel(1, 1);
  clip.total = 56;
  EXPECT_EQ(zz::pr_size(clip, 56, 3), 56);  // clipped to the unpadded extent
}

hardware::CoreSpec small_core(std::int64_t d1, std::int64_t d2, std::int64_t sram_bits = 1 << 22) {
  const std::string text = R"(
name: small
memories:
  rf:
    size: 64
    r_cost: 0.1
    w_cost: 0.1
    operands: [I2]
    ports:
      - {name: r_port_1, type: read, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I2, tl"]}
      - {name: w_port_1, type: write, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I2, fh"]}
    served_dimensions: []
  sram:
    size: )" + std::to_string(sram_bits) +
                           R"(
    r_cost: 10
    w_cost: 12
    operands: [I1, I2, O]
    ports:
      - {name: rw_port_1, type: read_write, bandwidth_min: 64, bandwidth_max: 256, allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]}
    served_dimensions: [D1, D2]
operational_array:
  unit_energy: 0.1
  unit_area: 1
  dimensions: [D1, D2]
  sizes: [)" + std::to_string(d1) +
                           ", " + std::to_string(d2) + R"(]
dataflows:
  - {D1: [K, 4], D2: [C, 4]}
)";
  return hardware::parse_core(text, "small.yaml");
}

workload::LayerSpec gemm(std::int64_t B, std::int64_t K, std::int64_t C) {
  json j = {{"id", 7},
            {"name", "g"},
            {"operator_type", "Gemm"},
            {"equation", "O[b][k]+=W[k][c]*I[b][c]"},
            {"loop_dims", {"B", "K", "C"}},
            {"loop_sizes", {B, K, C}},
            {"operand_precision", {{"O", 16}, {"O_final", 8}, {"W", 8}, {"I", 8}}},
            {"operand_source", {{"W", 7}, {"I", 7}}}};
  return test::layer_from_case(j);
}

TEST(Spatial, FractionalUnrollAndTheCeilQuirk) {
  // C = 75 on a 12-wide dim: t = 7, u' = 75/7 and ceil(75 / u') = 8 temporal iterations (§4.1).
  const auto core = small_core(14, 12);
  struct Want {
    std::int64_t n, width, t_spatial, q;
  };
  for (const Want w : {Want{75, 12, 7, 8}, Want{82, 12, 7, 8}, Want{206, 14, 15, 16},
                       Want{64, 14, 5, 5}, Want{768, 14, 55, 55}, Want{3, 12, 1, 1}}) {
    const auto layer = gemm(1, w.n, 1);
    const auto p = zz::build_problem(layer, {}, "x");
    const auto h = zz::build_hier(p, core, {}, nullptr);
    const hardware::Dataflow df = {{w.width == 14 ? 0 : 1, "K", 100}};
    const auto s = zz::convert_spatial(p, h, df, false, core);
    ASSERT_EQ(s.applied.size(), 1u);
    EXPECT_EQ(s.applied[0].u, static_cast<double>(w.n) / static_cast<double>(w.t_spatial)) << w.n;
    EXPECT_EQ(s.q[1], w.q) << w.n;
  }
}

CostQuery q_of(const workload::LayerSpec& l, const hardware::CoreSpec& c) {
  CostQuery q;
  q.layer = &l;
  q.core = &c;
  return q;
}

TEST(BadInput, OperandNoMemoryServesNamesCoreAndLayer) {
  auto core = small_core(4, 4);
  core.levels.erase(core.levels.begin());  // the W register
  auto& ops = core.levels[0].operands;
  ops.erase(std::find(ops.begin(), ops.end(), workload::MemOperand::kI2));
  for (auto& port : core.levels[0].memory.ports) {
    std::erase_if(port.allocations,
                  [](const auto& a) { return a.operand == workload::MemOperand::kI2; });
  }
  const auto layer = gemm(8, 16, 16);
  try {
    evaluate(q_of(layer, core));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "small.yaml");
    EXPECT_NE(std::string(e.what()).find("layer 7 'g'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("operand W (memory operand I2)"), std::string::npos)
        << e.what();
  }
}

TEST(BadInput, DataflowOverAMissingDimension) {
  const auto core = small_core(4, 4);
  const auto layer = gemm(8, 16, 16);
  auto q = q_of(layer, core);
  q.options.dataflows = std::vector<hardware::Dataflow>{{{0, "G", 4}, {1, "C", 4}}};
  // The core's own dataflows (and a non-strict override) skip the entry, as ZigZag does.
  const CostResult r = evaluate(q);
  ASSERT_TRUE(r.ok()) << r.reason;
  std::size_t loops = 0;
  for (const auto& level : r.operands[0].spatial) loops += level.size();
  EXPECT_EQ(loops, 1u);  // only C 4 is unrolled
  // A forced dataflow (the CLI's --dataflow) is strict.
  q.options.strict_dataflows = true;
  try {
    evaluate(q);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no loop dimension G"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("core 'small'"), std::string::npos) << e.what();
  }
  q.options.dataflows = std::vector<hardware::Dataflow>{{{5, "C", 4}}};
  EXPECT_THROW(evaluate(q), InputError);  // no array dimension 5
}

TEST(BadInput, NothingFitsIsAnInfeasibleResult) {
  const auto core = small_core(4, 4, 2048);  // a 2 kbit shared SRAM
  const auto layer = gemm(64, 64, 64);
  const CostResult r = evaluate(q_of(layer, core));
  EXPECT_EQ(r.status, CostStatus::kInfeasible);
  EXPECT_NE(r.reason.find("does not fit core 'small'"), std::string::npos) << r.reason;
  EXPECT_GT(r.n_orderings, 0);
  EXPECT_EQ(r.n_temporal_mappings_evaluated, 0);
}

TEST(BadInput, TooLargeWithoutOffchipMemory) {
  const auto core = small_core(4, 4);
  const auto layer = gemm(8, 16, 16);
  auto q = q_of(layer, core);
  q.too_large[static_cast<std::size_t>(workload::MemOperand::kI2)] = true;
  EXPECT_THROW(evaluate(q), InputError);
}

TEST(BadInput, CnLoopSizes) {
  const auto core = small_core(4, 4);
  const auto layer = gemm(8, 16, 16);
  auto q = q_of(layer, core);
  q.loop_sizes = {8, 16};
  EXPECT_THROW(evaluate(q), InputError);
  q.loop_sizes = {8, 32, 16};  // larger than the layer
  EXPECT_THROW(evaluate(q), InputError);
  q.loop_sizes = {8, 0, 16};
  EXPECT_THROW(evaluate(q), InputError);
}

TEST(BadInput, ZeroSizeMemoryIsRefusedByTheCoreReader) {
  EXPECT_THROW(hardware::parse_core(R"(
name: z
memories:
  m:
    size: 0
    r_cost: 1
    w_cost: 1
    operands: [I1, I2, O]
    ports:
      - {name: rw_port_1, type: read_write, bandwidth_min: 8, bandwidth_max: 8, allocation: ["I1, fh", "I1, tl", "I2, fh", "I2, tl", "O, fh", "O, tl", "O, fl", "O, th"]}
    served_dimensions: [D1]
operational_array: {unit_energy: 1, unit_area: 1, dimensions: [D1], sizes: [2]}
)",
                                    "z.yaml"),
               InputError);
}

TEST(GivenTemporalMapping, StructureErrorsAndMismatches) {
  const auto& c = case_by_id("TPU_like/gemm_128x768x768");
  const auto layer = test::layer_from_case(c.at("layer"));
  const auto core =
      hardware::read_core(test::ref_dir() + "/" + c.at("core_file").get<std::string>());
  auto q = q_of(layer, core);
  q.options.dataflows = test::candidates_from_json(c.at("spatial_mapping_user"), core);
  auto tm = test::tm_from_json(c.at("temporal_mapping"));
  q.options.temporal_mapping = tm;
  ASSERT_TRUE(evaluate(q).ok());
  // One level too few for O.
  auto bad = tm;
  bad.operands[0].second.pop_back();
  q.options.temporal_mapping = bad;
  EXPECT_THROW(evaluate(q), InputError);
  // Operands that do not cut one common loop order.
  bad = tm;
  std::swap(bad.operands[1].second[0][0], bad.operands[1].second[0][1]);
  q.options.temporal_mapping = bad;
  EXPECT_THROW(evaluate(q), InputError);
  // Loop sizes that do not match the spatial mapping: infeasible, with the reason.
  bad = tm;
  for (auto& [name, levels] : bad.operands) {
    for (auto& lv : levels) {
      for (auto& lp : lv) {
        if (lp.dim == "K" && lp.size == 4) lp.size = 2;
      }
    }
  }
  q.options.temporal_mapping = bad;
  const CostResult r = evaluate(q);
  EXPECT_EQ(r.status, CostStatus::kInfeasible);
  EXPECT_NE(r.reason.find("K loops multiply to"), std::string::npos) << r.reason;
}

}  // namespace
}  // namespace stream::cost
