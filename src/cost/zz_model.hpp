#pragma once
// Internal flat representation of one (layer or CN, core, spatial mapping) problem for the
// ZigZag 2.4.5 cost model (zigzag-model.md). Everything the LOMA inner loop touches is a small
// fixed-size array indexed by small integers: loop dims, layer operands (output first, then the
// inputs in equation order), memory levels per operand (innermost first) and arch levels
// (a = 0 is the MAC level, a = l + 1 is memory level l).
//
// Not a public header: only src/cost uses it.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "stream/hardware/core_spec.hpp"
#include "stream/workload/layer_spec.hpp"

namespace stream::cost::zz {

inline constexpr int kMaxDims = 16;    // loop dimensions of a layer
inline constexpr int kMaxRel = 4;      // dimension relations of a layer
inline constexpr int kMaxOps = 3;      // layer operands (O, W, I)
inline constexpr int kMaxLv = 10;      // memory levels of one operand
inline constexpr int kMaxLoops = 64;   // temporal loops (LPFs) of one ordering
inline constexpr int kMaxSpatial = 8;  // spatial loops at one arch level

enum Dir : int { kFh = 0, kTl = 1, kFl = 2, kTh = 3 };  // as hardware::Direction

// ---- the layer ------------------------------------------------------------------------------

struct Rel {
  int a = 0, b = 0;       // loop dims: a is written first (ix = sa*ox + sb*fx: a = OX)
  double sa = 1, sb = 1;  // coefficients divided by their gcd (as ZigZag's sa/g, sb/g)
  double total = 0;       // pr_loop_dim_size: the clip for every pr size
};

struct Op {
  std::string name;  // layer operand name as in the equation (O, W, I, ...)
  workload::MemOperand mem = workload::MemOperand::kO;
  bool is_output = false;
  int prec = 8;               // for O: the partial-sum precision
  std::uint32_t r_mask = 0;   // plain r dims (ZigZag operand_loop_dim r)
  std::uint32_t ir_mask = 0;  // plain ir dims (size > 1 only)
  std::uint32_t pr_mask = 0;  // loop dims feeding the operand's relations
  int n_rel = 0;
  std::array<int, kMaxRel> rel{};  // relation indices (layer order)
  // Tensor-size product order (ZigZag calc_tensor_size): r dims in equation order, then pr.
  int n_rdims = 0;
  std::array<int, kMaxDims> rdims{};
  double size_elem = 0;  // whole-CN operand size in elements (operand_size_elem)
};

struct Problem {
  int n_dims = 0;
  std::array<std::int64_t, kMaxDims> size{};
  std::vector<std::string> names;
  int n_rel = 0;
  std::array<Rel, kMaxRel> rel{};
  int n_ops = 0;
  std::array<Op, kMaxOps> ops{};
  int o_final_prec = 8;
  std::int64_t macs = 1;
  std::array<int, workload::kNumMemOperands> op_of_mem{-1, -1, -1};  // mem operand -> op
  std::string layer_label;                                           // for messages
};

/// ZigZag's calc_pr_dimension_size (int-truncated), then clipped to the total.
inline double pr_size(const Rel& r, double A, double B) {
  double v = A * B - (B - r.sa > 0 ? B - r.sa : 0.0) * (A - r.sb);
  v = static_cast<double>(static_cast<std::int64_t>(v));  // int() truncates toward zero
  return v < r.total ? v : r.total;
}

// ---- the core (memory hierarchy, ports) ----------------------------------------------------

struct PortUse {
  int op = -1;  // layer operand
  int lv = 0;   // that operand's memory level
  int dir = 0;  // Dir
};

struct Port {
  std::vector<PortUse> uses;  // allocations of operands the layer uses, in port order
  bool shared_two_inputs = false;
};

struct MemLevel {
  std::string name;
  double size = 0;
  double r_bw = 0, w_bw = 0, r_gran = 0, w_gran = 0, r_cost = 0, w_cost = 0;
  std::uint32_t served_mask = 0;               // array dims one instance spans
  std::vector<workload::MemOperand> operands;  // as listed in the level
  std::vector<Port> ports;
  bool is_dram = false;  // the added off-chip level
};

struct Hier {
  std::vector<MemLevel> levels;  // hierarchy (allocation) order
  std::vector<std::int64_t> array_sizes;
  std::int64_t total_units = 1;
  double unit_energy = 0;
  // Per layer operand: its memory levels (global indices), innermost first.
  std::array<int, kMaxOps> n_lv{};
  std::array<std::array<int, kMaxLv>, kMaxOps> glob{};
  // On-loading: the port-sharing flag of (op, level, dir) (last port in order wins).
  std::array<std::array<std::array<bool, 4>, kMaxLv>, kMaxOps> shared_flag{};
  // Sharing group of an operand's level: the physical level index (global).
  // Layer operands that share a physical level are listed there.
  std::vector<std::vector<std::pair<int, int>>> level_users;  // global level -> (op, lv)
};

// ---- a spatial mapping, converted (zigzag-model.md §3.2-3.3) ---------------------------------

struct SLoop {
  int dim = 0;
  double u = 1;   // fractional unrolling (energy)
  double ui = 1;  // ceil(u) (latency)
};

struct OpSpatial {
  // Spatial loops per arch level a = 0..L.
  std::array<int, kMaxLv + 1> n{};
  std::array<std::array<SLoop, kMaxSpatial>, kMaxLv + 1> loops{};
  // unit counts (rounded) per arch level, fractional and integer mapping
  std::array<std::int64_t, kMaxLv + 1> unit_count{};
  std::array<std::int64_t, kMaxLv + 1> unit_count_i{};
  std::array<double, kMaxLv + 1> unit_unique{};
  std::array<double, kMaxLv + 1> unit_unique_i{};
  // mem_bw_boost per memory level l (0..L-1); index L holds 1
  std::array<std::int64_t, kMaxLv + 1> boost{};
  std::array<std::int64_t, kMaxLv + 1> boost_i{};
  // O only: S_a has an ir loop of size > 1 (psum detection), and the ir dims unrolled at
  // arch levels >= a (allocator precision choice)
  std::array<bool, kMaxLv + 1> ir_flag{};
  std::array<std::uint32_t, kMaxLv + 2> ir_dims_above{};
};

struct Spatial {
  std::array<OpSpatial, kMaxOps> op{};
  std::array<std::int64_t, kMaxDims> q{};  // temporal loop size per dim (1 = none)
  std::int64_t active_units = 1;           // unit_count[0]
  // The user spatial mapping entries that were applied, (array dim, layer dim, u').
  struct Applied {
    int array_dim;
    int dim;
    double u;
  };
  std::vector<Applied> applied;
};

// ---- one temporal mapping: an ordering with per-operand cuts ---------------------------------

struct Ordering {
  int n = 0;
  std::array<std::int8_t, kMaxLoops> dim{};
  std::array<std::int64_t, kMaxLoops> size{};
};

/// Per operand, per memory level l: level l holds loops [cut[l-1], cut[l]) (cut[-1] = 0) of the
/// ordering, innermost first. cut[L-1] = n.
using Cuts = std::array<std::array<std::int8_t, kMaxLv>, kMaxOps>;

// ---- evaluation outputs ----------------------------------------------------------------------

struct FourWayD {
  std::array<double, 4> v{};  // indexed by Dir
};

/// Everything a report needs beyond latency and energy (filled for the selected mapping only).
struct Detail {
  std::array<std::array<FourWayD, kMaxLv>, kMaxOps> word_access{};
  std::array<std::array<double, kMaxLv>, kMaxOps> energy{};
  std::array<std::array<double, kMaxLv>, kMaxOps> util_ind{};
  std::array<std::array<double, kMaxLv>, kMaxOps> util_shared{};
  std::array<std::array<bool, kMaxLv + 1>, kMaxOps> double_buffer{};
  std::array<std::int64_t, kMaxOps> mac_stationary{};
  Cuts stationary{};
  std::int64_t ideal_cycle = 0, temporal = 0, ss_comb = 0, onload = 0, offload = 0;
  std::int64_t lat0 = 0, lat1 = 0;
  double mem_energy = 0, mac_energy = 0;
};

struct CmeOut {
  std::int64_t lat2 = 0;
  double energy = 0;
  bool valid = true;  // false: a memory over-filled (only for given temporal mappings)
};

// ---- functions -------------------------------------------------------------------------------

/// The layer (or CN with loop sizes `sizes`, empty = the layer's) in flat form. Throws
/// InputError naming `file` and the layer for layers the model cannot represent.
Problem build_problem(const workload::LayerSpec& layer, const std::vector<std::int64_t>& sizes,
                      const std::string& file);

/// The core's hierarchy bound to the problem's operands, with the off-chip level added on top
/// for the too-large memory operands. Throws InputError when an operand has no memory.
Hier build_hier(const Problem& p, const hardware::CoreSpec& core,
                const std::array<bool, workload::kNumMemOperands>& too_large,
                const hardware::MemoryLevelSpec* offchip);

/// Spatial mapping conversion (§3.2) and per-operand unit counts (§3.3), plus the temporal loop
/// sizes (§4.1). `strict`: an entry over a dim the layer lacks is an InputError.
Spatial convert_spatial(const Problem& p, const Hier& h, const hardware::Dataflow& df, bool strict,
                        const hardware::CoreSpec& core);

/// "core NAME" for messages, and the file to name in InputErrors.
std::string core_file(const hardware::CoreSpec& core);

/// Evaluates one temporal mapping (as allocated) with ZigZag 2.4.5's CostModelEvaluation.
/// `detail` may be null (the LOMA inner loop).
CmeOut evaluate_cme(const Problem& p, const Hier& h, const Spatial& s, const Ordering& ord,
                    const Cuts& cuts, Detail* detail);

/// LOMA's memory allocator for one ordering (zigzag-model.md §4.3). Returns false when the
/// ordering does not fit (MemoryTooSmall / MemoryHierarchyTooSmall).
bool allocate(const Problem& p, const Hier& h, const Spatial& s, const Ordering& ord, Cuts& cuts);

struct SearchOut {
  bool found = false;
  Ordering ord;
  Cuts cuts{};
  CmeOut best;
  std::int64_t n_orderings = 0;  // orderings enumerated
  std::int64_t n_valid = 0;      // orderings whose allocation fitted (CMEs evaluated)
  int lpf_count = 0;
};

/// The loop prime factors of the temporal loops after the lpf limit (§4.2 steps 1-2), as an
/// ordering in LPF-list order (dims in layer order, factors ascending).
Ordering loop_prime_factors(const Problem& p, const Spatial& s, int lpf_limit,
                            const std::string& file);

/// Visits every distinct permutation of the multiset `items` (compared by `rank`) in Williams'
/// prefix-shift order, as ZigZag's multipermute (§4.2 step 3). `visit(order)` gets the item
/// indices, innermost first.
template <class Visit>
void multiset_permutations(int n, const int* rank, Visit&& visit);

/// LOMA (§4.2): all orderings, allocated and evaluated; the min latency_total2 (ties: energy,
/// then the first) is kept.
SearchOut loma_search(const Problem& p, const Hier& h, const Spatial& s, int lpf_limit,
                      const std::string& file);

/// Python's round() (half to even) and round(x, 3).
double py_round(double x);
double py_round3(double x);

template <class Visit>
void multiset_permutations(int n, const int* rank, Visit&& visit) {
  // Linked list in non-increasing order: nodes 0..n-1 hold the items sorted ascending, the
  // head is the largest (ZigZag's init() prepends the ascending items).
  int order[kMaxLoops];
  for (int k = 0; k < n; ++k) order[k] = k;
  for (int a = 1; a < n; ++a) {  // stable insertion sort by rank
    const int v = order[a];
    int b = a;
    while (b > 0 && rank[order[b - 1]] > rank[v]) {
      order[b] = order[b - 1];
      --b;
    }
    order[b] = v;
  }
  int nxt[kMaxLoops];
  int head = -1;
  for (int k = 0; k < n; ++k) {
    nxt[order[k]] = head;
    head = order[k];
  }
  auto nth = [&](int k) {
    int o = head;
    for (int c = 0; c < k && nxt[o] >= 0; ++c) o = nxt[o];
    return o;
  };
  int i = nth(n - 2), j = nth(n - 1);
  int out[kMaxLoops];
  auto emit = [&]() {
    int m = 0;
    for (int o = head; o >= 0; o = nxt[o]) out[m++] = o;
    visit(static_cast<const int*>(out));
  };
  emit();
  while (nxt[j] >= 0 || rank[j] < rank[head]) {
    int sv;
    if (nxt[j] >= 0 && rank[i] >= rank[nxt[j]]) {
      sv = j;
    } else {
      sv = i;
    }
    const int t = nxt[sv];
    nxt[sv] = nxt[t];
    nxt[t] = head;
    if (rank[t] < rank[head]) i = t;
    j = nxt[i];
    head = t;
    emit();
  }
}

}  // namespace stream::cost::zz
