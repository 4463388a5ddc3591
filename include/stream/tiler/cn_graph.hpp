#pragma once
/// The computation-node (CN) graph: each layer cut into CNs by its outer-CN loops, one tensor
/// per CN operand, intra-layer chains and inter-layer dependency edges (stream-model.md §3, §4).
/// Flat vectors and integer ids: a CN is an index into CnGraph::cns, a tensor an index into
/// CnGraph::tensors. Built once per (workload, mapping granularity) and shared read-only by
/// every schedule evaluated on it.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stream/common/ids.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::tiler {

using workload::MemOperand;

/// Half-open index range [lo, hi). Ranges of partially relevant dims are not clipped to the
/// real input: they may start below 0 and run past it (padding rows count, §3.3).
struct Range {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::int64_t size() const { return hi - lo; }
  bool operator==(const Range&) const = default;
};

/// A tensor: the part of one layer operand that one or more CNs of that layer read or write.
/// Identity = (layer, operand, ranges); CNs of a layer with identical ranges share one tensor.
struct Tensor {
  LayerId layer;
  int operand = -1;            ///< index into the layer's LayerSpec::operands
  MemOperand mem_operand;      ///< the owner layer's memory operand (O, I2, I1)
  std::int64_t size_bits = 0;  ///< product of the range lengths x precision (O at O_final)
  std::vector<Range> ranges;   ///< per operand index, in equation order
  bool is_output = false;
  bool is_constant = false;  ///< a constant operand (weights, network input)
  /// Base priority (§3.7): for a constant operand the number of CNs that use it; for an
  /// output the number of inter-layer successor CNs (informational).
  std::int64_t base_priority = 0;
};

struct ComputationNode {
  LayerId layer;
  int layer_index = -1;  ///< index into WorkloadSpec::layers
  int index = 0;         ///< n of Stream's CN id (layer, n)
  int group = 0;         ///< CN group (§3.5); group k of a fixed tuple allocation -> core k
  std::vector<Range> loop_ranges;  ///< per loop dim of the layer, in LayerSpec::dims order
  /// Per layer operand (LayerSpec::operands order): index into CnGraph::tensors, or -1.
  std::vector<int> tensors;
  bool produces_final_output = true;           ///< §3.6
  std::int64_t data_produced_unique_bits = 0;  ///< §3.8/§4 (bits of its inter-layer out-edges)
  /// Loop sizes of this CN (hi - lo per loop dim): what the cost model is called with.
  std::vector<std::int64_t> loop_sizes() const;
};

/// One outer-CN loop of a layer after the hint conversion of §3.1: split loop dim `dim` (index
/// into LayerSpec::dims) into `size` parts. The CN index counts the first loop fastest.
struct OuterLoop {
  int dim = 0;
  std::int64_t size = 1;
  bool operator==(const OuterLoop&) const = default;
};

struct CnEdge {
  int src = -1;  ///< CN index
  int dst = -1;  ///< CN index
  /// Inter-layer: the consumer's layer operand the data feeds (index into the consumer layer's
  /// operands); -1 for an intra-layer (chain) edge.
  int operand = -1;
  std::int64_t bits = 0;  ///< producer's data_produced_unique_bits; 0 for intra-layer edges
};

struct CnGraph {
  /// CNs in Stream's graph node order: layers in topological (generation) order, within a layer
  /// group 0's CNs by index, then group 1's, ...
  std::vector<ComputationNode> cns;
  std::vector<Tensor> tensors;
  std::vector<CnEdge> edges;
  /// CSR adjacency over `edges`: predecessors and successors of CN i, ascending CN id
  /// (Stream's CN id order = (layer id, index)).
  std::vector<int> pred_offsets, pred_edges;
  std::vector<int> succ_offsets, succ_edges;
  /// Per layer of WorkloadSpec::layers: its CNs (indices into cns) and its number of groups.
  std::vector<std::vector<int>> layer_cns;
  std::vector<int> layer_groups;
  /// Per layer of WorkloadSpec::layers: its outer-CN loops (inter-core tiling first, then the
  /// intra-core tiling), as the CNs were cut. Layer by layer = one loop (first dim, 1).
  std::vector<std::vector<OuterLoop>> layer_outer_loops;
  /// Costed layers (indices into WorkloadSpec::layers) in the order Stream processed them.
  std::vector<int> layer_order;
  /// Human-readable notes (e.g. a tiling size rounded to the nearest divisor).
  std::vector<std::string> warnings;

  std::size_t cn_count() const { return cns.size(); }
  std::size_t edge_count() const { return edges.size(); }
};

}  // namespace stream::tiler
