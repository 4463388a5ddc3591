// Building the flat problem: the layer/CN (zigzag-model.md §1), the core's memory hierarchy
// with the off-chip level for too-large operands (stream-model.md §5.2), and the spatial
// mapping conversion (§3.2-§3.3, §4.1).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>

#include "stream/common/checked.hpp"
#include "stream/common/error.hpp"
#include "zz_model.hpp"

namespace stream::cost::zz {
namespace {

using workload::MemOperand;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string layer_where(const workload::LayerSpec& l) {
  std::string w = "layer " + std::to_string(l.id.value);
  if (!l.name.empty()) w += " '" + l.name + "'";
  return w;
}

}  // namespace

std::string core_file(const hardware::CoreSpec& core) {
  return core.file.empty() ? "core '" + core.name + "'" : core.file;
}

Problem build_problem(const workload::LayerSpec& layer, const std::vector<std::int64_t>& sizes,
                      const std::string& file) {
  Problem p;
  p.layer_label = layer_where(layer);
  const std::string where = p.layer_label;
  if (layer.dims.empty()) throw InputError(file, where, "the layer has no loop dimensions");
  if (layer.dims.size() > static_cast<std::size_t>(kMaxDims)) {
    throw InputError(file, where,
                     "the cost model supports at most " + std::to_string(kMaxDims) +
                         " loop dimensions, the layer has " + std::to_string(layer.dims.size()));
  }
  if (!sizes.empty() && sizes.size() != layer.dims.size()) {
    throw InputError(file, where,
                     "CN loop sizes: expected " + std::to_string(layer.dims.size()) +
                         " values (one per loop dimension), got " + std::to_string(sizes.size()));
  }
  p.n_dims = static_cast<int>(layer.dims.size());
  for (int d = 0; d < p.n_dims; ++d) {
    const auto& ld = layer.dims[static_cast<std::size_t>(d)];
    const std::int64_t s = sizes.empty() ? ld.size : sizes[static_cast<std::size_t>(d)];
    if (s < 1) {
      throw InputError(
          file, where,
          "loop dimension " + ld.name + " has size " + std::to_string(s) + " (must be >= 1)");
    }
    if (!sizes.empty() && s > ld.size) {
      throw InputError(file, where,
                       "CN loop size of " + ld.name + " (" + std::to_string(s) +
                           ") exceeds the layer's (" + std::to_string(ld.size) + ")");
    }
    p.size[static_cast<std::size_t>(d)] = s;
    p.names.push_back(upper(ld.name));
    const auto m = checked_mul(p.macs, s);
    if (!m) throw InputError(file, where, "the MAC count overflows 64 bits");
    p.macs = *m;
  }
  if (layer.relations.size() > static_cast<std::size_t>(kMaxRel)) {
    throw InputError(file, where, "at most 4 dimension relations are supported");
  }
  p.n_rel = static_cast<int>(layer.relations.size());
  std::uint32_t rel_dims = 0;
  for (int r = 0; r < p.n_rel; ++r) {
    const auto& lr = layer.relations[static_cast<std::size_t>(r)];
    if (lr.dim_a < 0 || lr.dim_a >= p.n_dims || lr.dim_b < 0 || lr.dim_b >= p.n_dims ||
        lr.coef_a < 1 || lr.coef_b < 1) {
      throw InputError(file, where, "dimension relation " + lr.name + " is malformed");
    }
    Rel& rel = p.rel[static_cast<std::size_t>(r)];
    rel.a = lr.dim_a;
    rel.b = lr.dim_b;
    const std::int64_t g = std::gcd(lr.coef_a, lr.coef_b);
    rel.sa = static_cast<double>(lr.coef_a / g);
    rel.sb = static_cast<double>(lr.coef_b / g);
    const double layer_total = static_cast<double>(layer.relation_total(r));
    rel.total = layer_total;
    // A CN's pr size: from its loop sizes, clipped to the layer's unpadded extent.
    rel.total = pr_size(rel, static_cast<double>(p.size[static_cast<std::size_t>(rel.a)]),
                        static_cast<double>(p.size[static_cast<std::size_t>(rel.b)]));
    if (rel.total <= 0) {
      throw InputError(file, where,
                       "dimension relation " + lr.name + " gives no input elements (extent " +
                           std::to_string(static_cast<std::int64_t>(layer_total)) +
                           " after padding)");
    }
    rel_dims |= (1u << rel.a) | (1u << rel.b);
  }

  if (layer.operands.empty() || layer.operands.size() > static_cast<std::size_t>(kMaxOps) ||
      !layer.operands.front().is_output) {
    throw InputError(file, where,
                     "expected an output operand followed by one or two input operands");
  }
  p.n_ops = static_cast<int>(layer.operands.size());
  if (p.n_ops < 2) throw InputError(file, where, "the layer has no input operand");
  p.o_final_prec = layer.output_final_precision_bits;
  for (int x = 0; x < p.n_ops; ++x) {
    const auto& lo = layer.operands[static_cast<std::size_t>(x)];
    Op& op = p.ops[static_cast<std::size_t>(x)];
    op.name = lo.name;
    op.mem = lo.mem_operand;
    op.is_output = lo.is_output;
    if (op.is_output != (x == 0)) {
      throw InputError(file, where, "the output operand must come first");
    }
    op.prec = lo.precision_bits;
    if (op.prec < 0) throw InputError(file, where, "negative precision of operand " + lo.name);
    auto& slot = p.op_of_mem[static_cast<std::size_t>(op.mem)];
    if (slot >= 0) {
      throw InputError(file, where,
                       "operands " + p.ops[static_cast<std::size_t>(slot)].name + " and " +
                           lo.name + " link to the same memory operand " +
                           std::string(workload::to_string(op.mem)));
    }
    slot = x;
    std::uint32_t direct = 0;
    bool has_pr = false;
    for (const auto& idx : lo.indices) {
      if (idx.is_relation) {
        if (idx.index < 0 || idx.index >= p.n_rel) {
          throw InputError(file, where, "operand " + lo.name + " names an unknown relation");
        }
        has_pr = true;
        bool seen = false;
        for (int i = 0; i < op.n_rel; ++i)
          seen = seen || op.rel[static_cast<std::size_t>(i)] == idx.index;
        if (!seen) op.rel[static_cast<std::size_t>(op.n_rel++)] = idx.index;
      } else {
        if (idx.index < 0 || idx.index >= p.n_dims) {
          throw InputError(file, where, "operand " + lo.name + " names an unknown dimension");
        }
        direct |= 1u << idx.index;
      }
    }
    std::sort(op.rel.begin(), op.rel.begin() + op.n_rel);
    for (int i = 0; i < op.n_rel; ++i) {
      const Rel& rel = p.rel[static_cast<std::size_t>(op.rel[static_cast<std::size_t>(i)])];
      op.pr_mask |= (1u << rel.a) | (1u << rel.b);
    }
    for (int d = 0; d < p.n_dims; ++d) {
      const bool big = p.size[static_cast<std::size_t>(d)] > 1;
      const bool in_rel = has_pr && ((rel_dims >> d) & 1u);
      if (in_rel) continue;
      if ((direct >> d) & 1u) {
        if (has_pr || big) op.r_mask |= 1u << d;
      } else if (big) {
        op.ir_mask |= 1u << d;
      }
    }
    // Tensor-size order: r dims in equation order.
    for (const auto& idx : lo.indices) {
      if (!idx.is_relation && ((op.r_mask >> idx.index) & 1u)) {
        bool seen = false;
        for (int i = 0; i < op.n_rdims; ++i)
          seen = seen || op.rdims[static_cast<std::size_t>(i)] == idx.index;
        if (!seen) op.rdims[static_cast<std::size_t>(op.n_rdims++)] = idx.index;
      }
    }
    double elems = 1;
    for (int i = 0; i < op.n_rdims; ++i) {
      elems *= static_cast<double>(
          p.size[static_cast<std::size_t>(op.rdims[static_cast<std::size_t>(i)])]);
    }
    for (int i = 0; i < op.n_rel; ++i) {
      elems *= p.rel[static_cast<std::size_t>(op.rel[static_cast<std::size_t>(i)])].total;
    }
    op.size_elem = elems;
  }
  return p;
}

Hier build_hier(const Problem& p, const hardware::CoreSpec& core,
                const std::array<bool, workload::kNumMemOperands>& too_large,
                const hardware::MemoryLevelSpec* offchip) {
  const std::string file = core_file(core);
  const std::string where = p.layer_label + " on core '" + core.name + "'";
  Hier h;
  if (core.array.sizes.empty()) throw InputError(file, where, "the core has no operational array");
  if (core.array.sizes.size() > 32) throw InputError(file, where, "too many array dimensions");
  h.array_sizes = core.array.sizes;
  h.total_units = core.array.total_units();
  h.unit_energy = core.array.unit_energy_pj;
  if (!std::isfinite(h.unit_energy)) {
    throw InputError(file, where,
                     "the core's operational unit energy is not finite (an off-chip core cannot "
                     "run a layer)");
  }
  auto add_level = [&](const hardware::MemoryLevelSpec& lv, const std::vector<MemOperand>& ops,
                       bool dram) {
    MemLevel m;
    m.name = lv.memory.name;
    m.size = static_cast<double>(lv.memory.size_bits);
    m.r_bw = lv.memory.r_bw_bits;
    m.w_bw = lv.memory.w_bw_bits;
    m.r_gran = lv.memory.r_granularity_bits > 0 ? lv.memory.r_granularity_bits : m.r_bw;
    m.w_gran = lv.memory.w_granularity_bits > 0 ? lv.memory.w_granularity_bits : m.w_bw;
    m.r_cost = lv.memory.r_cost_pj;
    m.w_cost = lv.memory.w_cost_pj;
    m.is_dram = dram;
    if (!(m.size > 0) || !(m.r_bw > 0) || !(m.w_bw > 0) || !(m.r_gran > 0) || !(m.w_gran > 0) ||
        !std::isfinite(m.r_bw) || !std::isfinite(m.w_bw) || !std::isfinite(m.r_cost) ||
        !std::isfinite(m.w_cost)) {
      throw InputError(
          file, where,
          "memory '" + m.name + "' needs a positive size and finite positive bandwidths and costs");
    }
    if (dram) {
      for (std::size_t d = 0; d < h.array_sizes.size(); ++d) m.served_mask |= 1u << d;
    } else {
      for (int d : lv.served_dimensions) m.served_mask |= 1u << d;
    }
    m.operands = ops;
    for (const auto& port : lv.memory.ports) {
      Port pt;
      bool i1 = false, i2 = false;
      for (const auto& a : port.allocations) {
        if (std::find(ops.begin(), ops.end(), a.operand) == ops.end()) continue;
        i1 = i1 || a.operand == MemOperand::kI1;
        i2 = i2 || a.operand == MemOperand::kI2;
      }
      pt.shared_two_inputs = i1 && i2;
      m.ports.push_back(std::move(pt));
    }
    h.levels.push_back(std::move(m));
    return &lv;
  };
  std::vector<const hardware::MemoryLevelSpec*> specs;
  for (const auto& lv : core.levels) specs.push_back(add_level(lv, lv.operands, false));
  // The off-chip level for the too-large operands (Stream's add_offchip_to_core), operands in
  // ascending size as Stream's capacity check orders them.
  std::vector<MemOperand> tl_ops;
  for (int m = 0; m < workload::kNumMemOperands; ++m) {
    if (too_large[static_cast<std::size_t>(m)] && p.op_of_mem[static_cast<std::size_t>(m)] >= 0)
      tl_ops.push_back(static_cast<MemOperand>(m));
  }
  if (!tl_ops.empty()) {
    if (offchip == nullptr) {
      throw InputError(file, where,
                       "an operand is too large for the core's top memory but no off-chip memory "
                       "is given");
    }
    auto bits = [&](MemOperand m) {
      const Op& op = p.ops[static_cast<std::size_t>(p.op_of_mem[static_cast<std::size_t>(m)])];
      return op.size_elem * op.prec;
    };
    std::stable_sort(tl_ops.begin(), tl_ops.end(),
                     [&](MemOperand a, MemOperand b) { return bits(a) < bits(b); });
    for (auto m : tl_ops) {
      if (!offchip->holds(m)) {
        throw InputError(file, where,
                         "the off-chip memory '" + offchip->memory.name + "' does not store " +
                             std::string(workload::to_string(m)));
      }
    }
    specs.push_back(add_level(*offchip, tl_ops, true));
  }
  if (h.levels.size() > 30) throw InputError(file, where, "more than 30 memory levels");

  // Per layer operand: its levels, innermost first.
  h.level_users.assign(h.levels.size(), {});
  for (int x = 0; x < p.n_ops; ++x) {
    const Op& op = p.ops[static_cast<std::size_t>(x)];
    int n = 0;
    for (std::size_t g = 0; g < h.levels.size(); ++g) {
      const auto& ops = h.levels[g].operands;
      if (std::find(ops.begin(), ops.end(), op.mem) == ops.end()) continue;
      if (n == kMaxLv) {
        throw InputError(
            file, where,
            "more than " + std::to_string(kMaxLv) + " memory levels for operand " + op.name);
      }
      h.glob[static_cast<std::size_t>(x)][static_cast<std::size_t>(n++)] = static_cast<int>(g);
    }
    if (n == 0) {
      throw InputError(file, where,
                       "operand " + op.name + " (memory operand " +
                           std::string(workload::to_string(op.mem)) +
                           ") is not stored in any memory of the core");
    }
    h.n_lv[static_cast<std::size_t>(x)] = n;
  }
  for (std::size_t g = 0; g < h.levels.size(); ++g) {
    for (auto m : h.levels[g].operands) {
      const int x = p.op_of_mem[static_cast<std::size_t>(m)];
      if (x < 0) continue;
      int lv = 0;
      while (h.glob[static_cast<std::size_t>(x)][static_cast<std::size_t>(lv)] !=
             static_cast<int>(g))
        ++lv;
      h.level_users[g].emplace_back(x, lv);
    }
  }
  // Port uses, and the on-loading sharing flag of each (operand, level, direction).
  for (std::size_t g = 0; g < h.levels.size(); ++g) {
    const auto& spec = *specs[g];
    auto& lvl = h.levels[g];
    for (std::size_t pi = 0; pi < spec.memory.ports.size(); ++pi) {
      Port& pt = lvl.ports[pi];
      for (const auto& a : spec.memory.ports[pi].allocations) {
        const int x = p.op_of_mem[static_cast<std::size_t>(a.operand)];
        if (x < 0 ||
            std::find(lvl.operands.begin(), lvl.operands.end(), a.operand) == lvl.operands.end())
          continue;
        int lv = 0;
        for (const auto& [ux, ulv] : h.level_users[g]) {
          if (ux == x) lv = ulv;
        }
        const int dir = static_cast<int>(a.direction);
        pt.uses.push_back({x, lv, dir});
        h.shared_flag[static_cast<std::size_t>(x)][static_cast<std::size_t>(lv)]
                     [static_cast<std::size_t>(dir)] = pt.shared_two_inputs;
      }
    }
  }
  return h;
}

Spatial convert_spatial(const Problem& p, const Hier& h, const hardware::Dataflow& df, bool strict,
                        const hardware::CoreSpec& core) {
  Spatial s;
  const std::string file = core_file(core);
  std::array<std::int64_t, kMaxDims> R = p.size;
  std::array<bool, kMaxDims> present{};
  present.fill(true);
  std::uint32_t used_array_dims = 0;
  for (const auto& e : df) {
    if (e.array_dim < 0 || static_cast<std::size_t>(e.array_dim) >= h.array_sizes.size()) {
      throw InputError(file, p.layer_label,
                       "a spatial mapping names array dimension " + std::to_string(e.array_dim) +
                           ", the core has " + std::to_string(h.array_sizes.size()));
    }
    if ((used_array_dims >> e.array_dim) & 1u) {
      throw InputError(file, p.layer_label,
                       "a spatial mapping uses array dimension " +
                           core.array.dimensions[static_cast<std::size_t>(e.array_dim)] + " twice");
    }
    used_array_dims |= 1u << e.array_dim;
    if (e.unroll < 1) {
      throw InputError(file, p.layer_label, "a spatial unrolling must be >= 1");
    }
    int d = -1;
    const std::string name = upper(e.loop_dim);
    for (int i = 0; i < p.n_dims; ++i) {
      if (p.names[static_cast<std::size_t>(i)] == name) d = i;
    }
    if (d < 0) {
      if (strict) {
        throw InputError(file, p.layer_label + " on core '" + core.name + "'",
                         "the spatial mapping unrolls " + e.loop_dim + " on " +
                             core.array.dimensions[static_cast<std::size_t>(e.array_dim)] +
                             ", but the layer has no loop dimension " + e.loop_dim);
      }
      continue;  // ZigZag skips an entry whose dim the layer lacks (§3.2)
    }
    if (!present[static_cast<std::size_t>(d)]) continue;
    std::int64_t u = std::min(e.unroll, h.array_sizes[static_cast<std::size_t>(e.array_dim)]);
    u = std::min(u, R[static_cast<std::size_t>(d)]);
    const std::int64_t t = ceil_div(R[static_cast<std::size_t>(d)], u);
    const double uf = static_cast<double>(R[static_cast<std::size_t>(d)]) / static_cast<double>(t);
    if (t == 1) {
      present[static_cast<std::size_t>(d)] = false;
    } else {
      R[static_cast<std::size_t>(d)] = t;
    }
    s.applied.push_back({e.array_dim, d, uf});
  }

  for (int x = 0; x < p.n_ops; ++x) {
    const Op& op = p.ops[static_cast<std::size_t>(x)];
    OpSpatial& os = s.op[static_cast<std::size_t>(x)];
    const int L = h.n_lv[static_cast<std::size_t>(x)];
    std::uint32_t claimed = 0;
    auto push = [&](int a, const Spatial::Applied& ap) {
      auto& n = os.n[static_cast<std::size_t>(a)];
      if (n == kMaxSpatial) throw InputError(file, p.layer_label, "too many spatial loops");
      os.loops[static_cast<std::size_t>(a)][static_cast<std::size_t>(n++)] = {ap.dim, ap.u,
                                                                              std::ceil(ap.u)};
    };
    for (int l = 0; l < L; ++l) {
      const std::uint32_t served =
          h.levels[static_cast<std::size_t>(
                       h.glob[static_cast<std::size_t>(x)][static_cast<std::size_t>(l)])]
              .served_mask;
      for (std::size_t ad = 0; ad < h.array_sizes.size(); ++ad) {
        if (!((served >> ad) & 1u) || ((claimed >> ad) & 1u)) continue;
        for (const auto& ap : s.applied) {
          if (ap.array_dim == static_cast<int>(ad)) {
            push(l, ap);
            claimed |= 1u << ad;
          }
        }
      }
    }
    for (std::size_t ad = 0; ad < h.array_sizes.size(); ++ad) {
      if ((claimed >> ad) & 1u) continue;
      for (const auto& ap : s.applied) {
        if (ap.array_dim == static_cast<int>(ad)) push(L, ap);
      }
    }

    // Unrollings per arch level, r / ir / total, with the spatial-only pr decoupling (§3.3).
    for (int v = 0; v < 2; ++v) {
      double ur[kMaxLv + 1], ut[kMaxLv + 1];
      double cA[kMaxRel], cB[kMaxRel], prevD[kMaxRel], prevR[kMaxRel];
      for (int r = 0; r < kMaxRel; ++r) cA[r] = cB[r] = prevD[r] = prevR[r] = 1;
      for (int a = 0; a <= L; ++a) {
        double r_ = 1, t_ = 1;
        for (int j = 0; j < os.n[static_cast<std::size_t>(a)]; ++j) {
          const SLoop& sl = os.loops[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)];
          const double u = v == 0 ? sl.u : sl.ui;
          bool done = false;
          if (!((op.r_mask >> sl.dim) & 1u) && ((op.pr_mask >> sl.dim) & 1u)) {
            for (int i = 0; i < op.n_rel && !done; ++i) {
              const int r = op.rel[static_cast<std::size_t>(i)];
              const Rel& rel = p.rel[static_cast<std::size_t>(r)];
              if (rel.a != sl.dim && rel.b != sl.dim) continue;
              if (rel.a == sl.dim) {
                cA[r] *= u;
              } else {
                cB[r] *= u;
              }
              const double D = pr_size(rel, cA[r], cB[r]);
              const double Rr = cA[r] * cB[r] / D;
              const double xr = D / prevD[r], yr = Rr / prevR[r];
              prevD[r] = D;
              prevR[r] = Rr;
              r_ *= xr;
              t_ *= xr;
              t_ *= yr;
              done = true;
            }
          }
          if (!done) {
            if ((op.r_mask >> sl.dim) & 1u) r_ *= u;
            t_ *= u;
          }
        }
        ur[a] = r_;
        ut[a] = t_;
      }
      auto& count = v == 0 ? os.unit_count : os.unit_count_i;
      auto& unique = v == 0 ? os.unit_unique : os.unit_unique_i;
      auto& boost = v == 0 ? os.boost : os.boost_i;
      for (int a = 0; a <= L; ++a) {
        double tot = 1, uni = 1;
        for (int b = a; b <= L; ++b) {
          tot *= ut[b];
          uni *= ur[b];
        }
        count[static_cast<std::size_t>(a)] = static_cast<std::int64_t>(py_round(py_round3(tot)));
        unique[static_cast<std::size_t>(a)] = uni;
      }
      for (int l = 0; l < L; ++l) {
        boost[static_cast<std::size_t>(l)] = static_cast<std::int64_t>(py_round(
            unique[static_cast<std::size_t>(l)] / unique[static_cast<std::size_t>(l) + 1]));
      }
      boost[static_cast<std::size_t>(L)] = 1;
    }
    if (op.is_output) {
      std::uint32_t above = 0;
      os.ir_dims_above[static_cast<std::size_t>(L) + 1] = 0;
      for (int a = L; a >= 0; --a) {
        bool f = false;
        for (int j = 0; j < os.n[static_cast<std::size_t>(a)]; ++j) {
          const SLoop& sl = os.loops[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)];
          above |= 1u << sl.dim;
          f = f || (((op.ir_mask >> sl.dim) & 1u) && sl.u > 1);
        }
        os.ir_flag[static_cast<std::size_t>(a)] = f;
        os.ir_dims_above[static_cast<std::size_t>(a)] = above;
      }
    }
  }
  s.active_units = s.op[0].unit_count[0];

  // Temporal loop sizes (§4.1): the first input operand's spatial loops, flattened by arch
  // level, q_d <- ceil(q_d / u') in doubles.
  for (int d = 0; d < p.n_dims; ++d)
    s.q[static_cast<std::size_t>(d)] = p.size[static_cast<std::size_t>(d)];
  const OpSpatial& in0 = s.op[1];
  for (int a = 0; a <= h.n_lv[1]; ++a) {
    for (int j = 0; j < in0.n[static_cast<std::size_t>(a)]; ++j) {
      const SLoop& sl = in0.loops[static_cast<std::size_t>(a)][static_cast<std::size_t>(j)];
      auto& q = s.q[static_cast<std::size_t>(sl.dim)];
      q = static_cast<std::int64_t>(std::ceil(static_cast<double>(q) / sl.u));
    }
  }
  return s;
}

}  // namespace stream::cost::zz
