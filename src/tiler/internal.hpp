#pragma once
// Internal pieces of the tiler shared by its translation units (not installed).

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "stream/tiler/cn_graph.hpp"
#include "stream/tiler/tiler.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::tiler::detail {

using workload::LayerSpec;
using workload::NodeKind;
using workload::NodeSpec;
using workload::WorkloadSpec;

/// "layer 12 (/layer1/conv)" for messages.
std::string layer_label(const LayerSpec& l);

/// The workload graph as Stream's networkx layer graph; nodes are positions in
/// WorkloadSpec::nodes (ascending id = insertion order).
struct NodeGraph {
  std::vector<std::vector<int>> preds;  ///< distinct producers, in input order
  std::vector<std::vector<int>> succs;  ///< distinct consumers, ascending position
  std::vector<int> topo;                ///< networkx topological-generation order
};
NodeGraph make_node_graph(const WorkloadSpec& w);
int node_position(const WorkloadSpec& w, LayerId id);

/// How the dependency generator treats a free node.
enum class FreeClass : std::uint8_t {
  kLayer,  ///< a costed layer
  kDummy,  ///< Stream's DummyNode: walked through, box rule
  kShape,  ///< element-wise propagation (complex pair)
};
FreeClass classify(NodeKind kind, const TilerOptions& opt);
/// A node Stream 5e094e6c itself treats as a shape node (Reshape/Flatten/Transpose).
inline bool stream_shape_node(NodeKind k) {
  return k == NodeKind::kReshape || k == NodeKind::kTranspose;
}

/// Range of operand index `idx` of layer `l` for loop ranges `lr` (one per loop dim): a loop
/// range, or the unclipped range of a dimension relation (§3.3).
inline Range index_range(const LayerSpec& l, workload::OperandIndex idx, const Range* lr) {
  if (!idx.is_relation) return lr[idx.index];
  const auto& r = l.relations[static_cast<std::size_t>(idx.index)];
  const Range a = lr[r.dim_a];
  const Range b = lr[r.dim_b];
  return Range{r.coef_a * a.lo + r.coef_b * b.lo - r.pad_begin,
               r.coef_a * (a.hi - 1) + r.coef_b * (b.hi - 1) - r.pad_begin + 1};
}

/// Full (unpadded) extent of operand index `idx`: the loop size, or for a relation the last
/// index read + 1 - the end padding.
std::int64_t index_extent(const LayerSpec& l, workload::OperandIndex idx);

/// The box dims of an operand as Stream's dependency code sees them: the operand's indices in
/// equation order, with G and C (or G and K) merged into one channel dim at the position of
/// the first of them (§4).
struct BoxLayout {
  struct Entry {
    int a = -1;               ///< operand index position (the G one when merged)
    int b = -1;               ///< merged: the C/K operand index position; else -1
    std::int64_t b_size = 1;  ///< merged: the size used for the C/K part
  };
  std::vector<Entry> entries;
};
/// `c_size` / `k_size`: the sizes used when C resp. K is merged with G (Stream takes the
/// consumer's C and the producer's K).
BoxLayout box_layout(const LayerSpec& l, int operand, std::int64_t c_size, std::int64_t k_size);

/// Everything the dependency stage needs from CN generation.
struct LayerCns {
  std::vector<int> by_index;       ///< CN n -> index into CnGraph::cns
  std::vector<std::int64_t> span;  ///< per loop dim: the CN's size of it
};

/// Edge store with Stream's simple-digraph rule: a second edge between the same two CNs
/// overwrites the operand and bits of the first, keeping its position. Edges come in batches of
/// distinct CN pairs for one (producer layer, consumer layer); only a layer pair seen before
/// needs a look-up, so the common case appends without hashing.
class EdgeStore {
 public:
  explicit EdgeStore(std::vector<CnEdge>* edges) : edges_(edges) {}
  void add_batch(int producer_layer, int consumer_layer, const std::vector<CnEdge>& batch);

 private:
  std::vector<CnEdge>* edges_;
  /// Per layer pair: the [begin, end) ranges of `edges_` it added.
  std::map<std::pair<int, int>, std::vector<std::pair<std::size_t, std::size_t>>> added_;
};

/// Adds all inter-layer edges (§4).
void build_inter_layer_edges(const WorkloadSpec& w, const NodeGraph& ng, const TilerOptions& opt,
                             const std::vector<LayerCns>& layer_cns, CnGraph& g);

/// Intersecting boxes: an index over n boxes of dimension d (inclusive integer bounds) that
/// answers "which boxes intersect this one" without comparing all pairs: distinct intervals per
/// dim (sorted), a grid of cells over the interval ids, and per cell its boxes.
class BoxIndex {
 public:
  /// `boxes`: n * 2d values, per box (lo_0, hi_0, lo_1, hi_1, ...), inclusive.
  BoxIndex(int dims, std::vector<std::int64_t> boxes);
  /// Appends to `out` the ids of all boxes intersecting `query` (2d values), unordered.
  void query(const std::int64_t* query, std::vector<int>& out) const;

 private:
  int d_;
  std::size_t n_;
  std::vector<std::int64_t> boxes_;
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> ivals_;
  std::vector<std::int64_t> max_len_;
  std::vector<std::vector<int>> box_ival_;  ///< per dim: interval id of each box
  enum class Mode : std::uint8_t { kDense, kHashed, kScan } mode_ = Mode::kScan;
  std::vector<std::uint64_t> radix_;
  std::vector<int> cell_offsets_;  ///< dense: per cell; hashed: per distinct cell
  std::vector<int> cell_items_;
  std::vector<std::uint64_t> hashed_keys_;  ///< sorted distinct cell keys (hashed mode)
  // per-query scratch
  mutable std::vector<std::vector<int>> hits_;
};

}  // namespace stream::tiler::detail
