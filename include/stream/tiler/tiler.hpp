#pragma once
/// The tiler: layers -> computation nodes (CNs), tensors and the CN dependency graph
/// (stream-model.md §3 and §4). One call builds the whole CnGraph; the result depends only on
/// the workload, the mapping's tiling and the options (same inputs, same graph, byte for byte).

#include <cstdint>
#include <string>
#include <vector>

#include "stream/mapping/mapping_spec.hpp"
#include "stream/tiler/cn_graph.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::tiler {

struct TilerOptions {
  /// true (Stream 5e094e6c): CNs whose ranges over the relevant dims of the layer's last constant
  /// operand coincide form a group; each group is one intra-layer chain (§3.5, §4).
  /// false: the June-2023 validation-branch code: every CN is in group 0 and all CNs of a layer
  /// form one chain in CN-index order (what the validation references were made with).
  bool cn_groups = true;
  /// true (default): Concat, element-wise ops with broadcast inputs (NodeKind::kBroadcast) and
  /// Reduce nodes pass dependencies element by element, like Reshape/Transpose.
  /// false (Stream 5e094e6c): they are pass-through DummyNodes, matched by the box rule with
  /// dims compared by position (which misses or invents dependencies through them).
  bool exact_free_nodes = true;
  /// true (Stream 5e094e6c): a complex pair (through Reshape/Flatten/Transpose) adds each
  /// final-output CN's output bits once more to its data_produced_unique_bits, for the producer
  /// once per pair and for the consumer once per path, before the pair's edges take their bits
  /// (§4; e.g. ResNet-18's GlobalAveragePool -> Flatten -> Gemm edge carries 8,192 bit for a
  /// 4,096-bit tensor). false: data_produced_unique_bits stays the output tensor size.
  bool complex_pair_doubles_bits = true;
};

/// The outer-CN loops of one layer (§3.1): the mapping entry's inter-core tiling, then its
/// intra-core tiling (or the tiling_cutoffs item for the layer id). Loops over dims the layer
/// does not have are dropped; `all` or a size above the loop's (remaining) size takes the whole
/// loop; a size that does not divide it is replaced by the nearest divisor (Stream's search:
/// divisors in [max(2, s/50), min(D, 50 s)], ties to the smaller one) and a warning is added to
/// `warnings`; no such divisor -> InputError. An inter-core `*` (the allocator's choice) is not
/// split here (warning). No loop at all -> (first loop dim, 1): layer by layer.
std::vector<OuterLoop> outer_loops_for_layer(const workload::LayerSpec& layer,
                                             const mapping::MappingSpec& mapping,
                                             std::vector<std::string>* warnings);

/// Stream's nearest-divisor rule for a tiling size `factor` that does not divide `total`: the
/// divisor i of total with max(2, factor/50) <= i <= min(total, 50*factor) closest to factor,
/// ties to the smaller i; 0 when there is none.
std::int64_t nearest_divisor(std::int64_t total, std::int64_t factor);

/// Builds the CN graph. Throws InputError (naming the mapping file or the workload and the
/// layer) for a tiling whose CN count exceeds stream::limits().max_cns (checked before anything
/// is allocated), an impossible tiling, or a workload whose shapes do not let the producer's
/// output be matched to a consumer's input.
CnGraph build_cn_graph(const workload::WorkloadSpec& workload, const mapping::MappingSpec& mapping,
                       const TilerOptions& options = {});

}  // namespace stream::tiler
