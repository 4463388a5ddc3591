// Property tests on random small networks (conv chains with strides, padding, kernels smaller
// than the stride, residual adds, pools, pass-through nodes) under random tilings (rows,
// columns, channel chunks incl. partial sums, kernel splits, non-divisors): the edges into each
// CN name exactly the final-output CNs that produce what it reads, none more.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <random>

#include "builders.hpp"
#include "graph_check.hpp"
#include "stream/tiler/tiler.hpp"

using namespace stream;
using namespace stream::tiler;
using namespace stream::tiler::test;

namespace {

struct Shape {
  std::int64_t ch, oy, ox;
};

struct RandomNet {
  WorkloadSpec w;
  mapping::MappingSpec m;
  TilerOptions opt;
};

RandomNet random_net(std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  Builder b;
  std::vector<Shape> shapes;       // per layer
  std::vector<int> out_node;       // node id carrying each layer's output (layer or Relu)
  std::vector<std::string> names;  // per layer
  int next_id = 0;
  const int n_layers = static_cast<int>(pick(2, 6));
  for (int li = 0; li < n_layers; ++li) {
    const int id = next_id++;
    std::int64_t kind = li == 0 ? 0 : pick(0, 9);
    // Residual add needs two layers of equal shape.
    std::vector<std::pair<int, int>> add_pairs;
    for (int a = 0; a < li; ++a)
      for (int c = a; c < li; ++c)
        if (shapes[a].ch == shapes[c].ch && shapes[a].oy == shapes[c].oy &&
            shapes[a].ox == shapes[c].ox)
          add_pairs.emplace_back(a, c);
    if (kind >= 6 && kind <= 7 && add_pairs.empty()) kind = 0;
    if (kind <= 5) {  // conv
      const std::int64_t fy = pick(1, 3), fx = pick(1, 3), sy = pick(1, 2), sx = pick(1, 2);
      const std::int64_t py0 = pick(0, fy - 1), py1 = pick(0, fy - 1);
      const std::int64_t px0 = pick(0, fx - 1), px1 = pick(0, fx - 1);
      const std::int64_t k = pick(1, 4);
      if (li == 0) {
        const std::int64_t oy = pick(2, 9), ox = pick(2, 9);
        b.layer(conv(id, k, pick(1, 3), oy, ox, fy, fx, sy, sx, py0, py1, px0, px1, std::nullopt,
                     pick(0, 1) == 1));
        shapes.push_back({k, oy, ox});
      } else {
        const int src = static_cast<int>(pick(0, li - 1));
        const Shape in = shapes[static_cast<std::size_t>(src)];
        const std::int64_t oy = std::max<std::int64_t>(1, (in.oy + py0 + py1 - fy) / sy + 1);
        const std::int64_t ox = std::max<std::int64_t>(1, (in.ox + px0 + px1 - fx) / sx + 1);
        b.layer(conv(id, k, in.ch, oy, ox, fy, fx, sy, sx, py0, py1, px0, px1,
                     out_node[static_cast<std::size_t>(src)]));
        shapes.push_back({k, oy, ox});
      }
    } else if (kind <= 7) {  // residual add
      const auto [a, c] = add_pairs[static_cast<std::size_t>(
          pick(0, static_cast<std::int64_t>(add_pairs.size()) - 1))];
      const Shape s = shapes[static_cast<std::size_t>(a)];
      b.layer(add(id, s.ch, s.oy, s.ox, out_node[static_cast<std::size_t>(a)],
                  out_node[static_cast<std::size_t>(c)]));
      shapes.push_back(s);
    } else {  // pool over channels G
      const int src = static_cast<int>(pick(0, li - 1));
      const Shape in = shapes[static_cast<std::size_t>(src)];
      const std::int64_t f = pick(1, 3), s = pick(1, 3);
      const std::int64_t oy = std::max<std::int64_t>(1, (in.oy - f) / s + 1);
      const std::int64_t ox = std::max<std::int64_t>(1, (in.ox - f) / s + 1);
      b.layer(make_layer(id, "pool" + std::to_string(id), "MaxPool",
                         {{"B", 1}, {"G", in.ch}, {"OY", oy}, {"OX", ox}, {"FX", f}, {"FY", f}},
                         {{"IX", "OX", s, "FX", 1}, {"IY", "OY", s, "FY", 1}},
                         {{"O", MemOperand::kO, {"B", "G", "OY", "OX"}, 16, std::nullopt},
                          {"W", MemOperand::kI2, {"FX", "FY"}, 0, id},
                          {"I",
                           MemOperand::kI1,
                           {"B", "G", "IY", "IX"},
                           8,
                           out_node[static_cast<std::size_t>(src)]}},
                         {"W"}));
      shapes.push_back({in.ch, oy, ox});
    }
    names.push_back(b.build().layers.back().name);
    out_node.push_back(id);
    if (pick(0, 3) == 0) {  // a Relu after the layer: consumers read through it
      const int relu = next_id++;
      b.free(relu, NodeKind::kPassThrough, {id}, {}, {}, {}, 0, "Relu");
      out_node.back() = relu;
    }
  }
  RandomNet net;
  net.w = b.build("random" + std::to_string(seed));
  net.m.file = "random-mapping.yaml";
  const char* dims[] = {"OY", "OX", "K", "C", "G", "FY", "FX"};
  for (const auto& name : names) {
    mapping::MappingEntrySpec e;
    e.name = name;
    e.core_allocation = {CoreId(0)};
    std::vector<mapping::TilingLoop> t;
    const auto n = pick(0, 3);
    for (int i = 0; i < n; ++i) {
      const char* d = dims[pick(0, 6)];
      if (pick(0, 2) == 0) {
        t.push_back(loop_all(d));
      } else {
        t.push_back(loop(d, pick(1, 5)));
      }
    }
    e.intra_core_tiling = t;
    if (pick(0, 4) == 0) e.inter_core_tiling = {loop("K", pick(2, 3))};
    net.m.entries.push_back(e);
  }
  net.opt.cn_groups = pick(0, 3) != 0;
  net.opt.exact_free_nodes = pick(0, 1) == 1;
  return net;
}

TEST(Property, RandomNetworksHaveExactDependencies) {
  int total_cns = 0, total_edges = 0;
  for (std::uint32_t seed = 0; seed < 400; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto net = random_net(seed);
    const auto g = build_cn_graph(net.w, net.m, net.opt);
    total_cns += static_cast<int>(g.cn_count());
    total_edges += static_cast<int>(g.edge_count());
    expect_exact_dependencies(net.w, g);
    if (::testing::Test::HasFailure()) break;
    // Same inputs, same graph.
    EXPECT_TRUE(same_graph(g, build_cn_graph(net.w, net.m, net.opt)));
  }
  // The generator exercises non-trivial graphs.
  EXPECT_GT(total_cns, 4000);
  EXPECT_GT(total_edges, 8000);
}

TEST(Property, CheckerCatchesMissingAndSuperfluousEdges) {
  const auto w = fsrcnn(12, 8);
  auto g = build_cn_graph(w, mapping_with({loop_all("OY")}));
  auto missing = g;
  const auto it = std::find_if(missing.edges.begin(), missing.edges.end(),
                               [](const CnEdge& e) { return e.operand >= 0; });
  missing.edges.erase(it);
  EXPECT_NONFATAL_FAILURE(expect_exact_dependencies(w, missing), "CN (");
  auto extra = g;
  // Row 0 of layer 1 (1x1) does not need row 5 of layer 0.
  extra.edges.push_back(
      CnEdge{g.layer_cns[0][5], g.layer_cns[1][0], 2,
             g.cns[static_cast<std::size_t>(g.layer_cns[0][5])].data_produced_unique_bits});
  EXPECT_NONFATAL_FAILURE(expect_exact_dependencies(w, extra), "CN (");
}

}  // namespace
