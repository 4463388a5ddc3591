// The public cost model: candidates, search or given temporal mapping, selection, the detailed
// report of the kept mapping, Stream's too-large check and the cache key.
#include "stream/cost/cost_model.hpp"

#include <algorithm>
#include <cmath>

#include "stream/common/error.hpp"
#include "stream/common/hash.hpp"
#include "zz_model.hpp"

namespace stream::cost {
namespace {

using workload::MemOperand;

LevelLoops temporal_loops(const zz::Problem& p, const zz::Ordering& ord, int lo, int hi) {
  LevelLoops out;
  for (int k = lo; k < hi; ++k) {
    out.push_back({p.names[static_cast<std::size_t>(ord.dim[static_cast<std::size_t>(k)])],
                   static_cast<double>(ord.size[static_cast<std::size_t>(k)])});
  }
  return out;
}

/// The given temporal mapping as an ordering with cuts. Structure errors are InputErrors; a
/// mapping whose loop sizes do not match this spatial mapping's temporal loops returns false.
bool given_tm(const zz::Problem& p, const zz::Hier& h, const zz::Spatial& s,
              const TemporalMappingSpec& tm, zz::Ordering& ord, zz::Cuts& cuts, std::string& why) {
  const std::string file = "temporal mapping";
  for (const auto& [name, levels] : tm.operands) {
    bool known = false;
    for (int x = 0; x < p.n_ops; ++x)
      known = known || p.ops[static_cast<std::size_t>(x)].name == name;
    if (!known) throw InputError(file, name, "the layer has no operand '" + name + "'");
  }
  bool first = true;
  for (int x = 0; x < p.n_ops; ++x) {
    const zz::Op& op = p.ops[static_cast<std::size_t>(x)];
    const std::vector<LevelLoops>* levels = nullptr;
    for (const auto& [name, lv] : tm.operands) {
      if (name == op.name) levels = &lv;
    }
    if (levels == nullptr)
      throw InputError(file, op.name, "missing the loops of operand " + op.name);
    const int L = h.n_lv[static_cast<std::size_t>(x)];
    if (static_cast<int>(levels->size()) != L) {
      throw InputError(file, op.name,
                       "operand " + op.name + " has " + std::to_string(L) +
                           " memory levels on this core, the mapping gives " +
                           std::to_string(levels->size()));
    }
    int k = 0;
    for (int l = 0; l < L; ++l) {
      for (const auto& loop : (*levels)[static_cast<std::size_t>(l)]) {
        int d = -1;
        std::string up = loop.dim;
        for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (int i = 0; i < p.n_dims; ++i) {
          if (p.names[static_cast<std::size_t>(i)] == up) d = i;
        }
        if (d < 0) throw InputError(file, op.name, "unknown loop dimension '" + loop.dim + "'");
        if (!(loop.size >= 1) || loop.size != std::floor(loop.size) || loop.size > 1e15) {
          throw InputError(file, op.name, "a temporal loop size must be a positive integer");
        }
        if (k == zz::kMaxLoops) throw InputError(file, op.name, "too many temporal loops");
        const auto size = static_cast<std::int64_t>(loop.size);
        if (first) {
          ord.dim[static_cast<std::size_t>(k)] = static_cast<std::int8_t>(d);
          ord.size[static_cast<std::size_t>(k)] = size;
        } else if (k >= ord.n || ord.dim[static_cast<std::size_t>(k)] != d ||
                   ord.size[static_cast<std::size_t>(k)] != size) {
          throw InputError(file, op.name,
                           "every operand must cut one common loop order (as LOMA allocates); "
                           "operand " +
                               op.name + " differs from " + p.ops[0].name);
        }
        ++k;
      }
      cuts[static_cast<std::size_t>(x)][static_cast<std::size_t>(l)] = static_cast<std::int8_t>(k);
    }
    if (first) {
      ord.n = k;
    } else if (k != ord.n) {
      throw InputError(file, op.name,
                       "every operand must cut one common loop order; operand " + op.name +
                           " has " + std::to_string(k) + " loops, " + p.ops[0].name + " " +
                           std::to_string(ord.n));
    }
    first = false;
  }
  if (ord.n == 0) {
    ord.n = 1;
    ord.dim[0] = 0;
    ord.size[0] = 1;
    for (int x = 0; x < p.n_ops; ++x) {
      for (int l = 0; l < h.n_lv[static_cast<std::size_t>(x)]; ++l) {
        cuts[static_cast<std::size_t>(x)][static_cast<std::size_t>(l)] = 1;
      }
    }
  }
  std::int64_t prod[zz::kMaxDims];
  for (int d = 0; d < p.n_dims; ++d) prod[d] = 1;
  for (int k = 0; k < ord.n; ++k)
    prod[ord.dim[static_cast<std::size_t>(k)]] *= ord.size[static_cast<std::size_t>(k)];
  for (int d = 0; d < p.n_dims; ++d) {
    if (prod[d] != s.q[static_cast<std::size_t>(d)]) {
      why = "its " + p.names[static_cast<std::size_t>(d)] + " loops multiply to " +
            std::to_string(prod[d]) + ", this spatial mapping leaves " +
            std::to_string(s.q[static_cast<std::size_t>(d)]) + " temporal iterations";
      return false;
    }
  }
  return true;
}

void fill_result(CostResult& r, const zz::Problem& p, const zz::Hier& h, const zz::Spatial& s,
                 const zz::Ordering& ord, const zz::Cuts& cuts, const zz::Detail& d) {
  r.status = CostStatus::kOk;
  r.latency_total0 = d.lat0;
  r.latency_total1 = d.lat1;
  r.latency_total2 = d.lat1 + d.offload;
  r.ideal_cycle = d.ideal_cycle;
  r.ideal_temporal_cycle = d.temporal;
  r.stall_slack_comb = d.ss_comb;
  r.onloading_cycles = d.onload;
  r.offloading_cycles = d.offload;
  r.mac_energy_pj = d.mac_energy;
  r.memory_energy_pj = d.mem_energy;
  r.energy_total_pj = d.mem_energy + d.mac_energy;
  const auto ideal = static_cast<double>(d.ideal_cycle);
  r.spatial_utilization = ideal / static_cast<double>(d.temporal);
  r.utilization0 = ideal / static_cast<double>(r.latency_total0);
  r.utilization1 = ideal / static_cast<double>(r.latency_total1);
  r.utilization2 = ideal / static_cast<double>(r.latency_total2);
  r.operands.clear();
  for (int x = 0; x < p.n_ops; ++x) {
    const auto xs = static_cast<std::size_t>(x);
    OperandResult o;
    o.name = p.ops[xs].name;
    o.mem_operand = p.ops[xs].mem;
    o.mac_level_stationary_cycles = d.mac_stationary[xs];
    const int L = h.n_lv[xs];
    for (int a = 0; a <= L; ++a) {
      LevelLoops sl;
      const auto as = static_cast<std::size_t>(a);
      for (int j = 0; j < s.op[xs].n[as]; ++j) {
        const auto& lp = s.op[xs].loops[as][static_cast<std::size_t>(j)];
        sl.push_back({p.names[static_cast<std::size_t>(lp.dim)], lp.u});
      }
      o.spatial.push_back(std::move(sl));
      o.double_buffer.push_back(d.double_buffer[xs][as]);
    }
    for (int l = 0; l < L; ++l) {
      const auto ls = static_cast<std::size_t>(l);
      const zz::MemLevel& m = h.levels[static_cast<std::size_t>(h.glob[xs][ls])];
      LevelResult lr;
      lr.memory = m.name;
      lr.offchip = m.is_dram;
      lr.energy_pj = d.energy[xs][ls];
      const auto& w = d.word_access[xs][ls].v;
      lr.word_access = {w[zz::kTl], w[zz::kFl], w[zz::kTh], w[zz::kFh]};
      lr.mem_utili_individual = d.util_ind[xs][ls];
      lr.mem_utili_shared = d.util_shared[xs][ls];
      lr.temporal = temporal_loops(p, ord, l == 0 ? 0 : cuts[xs][ls - 1], cuts[xs][ls]);
      lr.temporal_stationary =
          temporal_loops(p, ord, l == 0 ? 0 : d.stationary[xs][ls - 1], d.stationary[xs][ls]);
      o.levels.push_back(std::move(lr));
    }
    r.operands.push_back(std::move(o));
  }
  // Stream 2023's split: the DRAM-level energy of the too-large operands is off-chip.
  CnCost& c = r.summary;
  c = CnCost{};
  c.runtime_cycles = r.latency_total1;
  c.latency_total0_cycles = r.latency_total0;
  c.latency_total2_cycles = r.latency_total2;
  c.ideal_cycles = r.ideal_cycle;
  c.energy_total_pj = r.energy_total_pj;
  c.mac_energy_pj = r.mac_energy_pj;
  double onchip = r.energy_total_pj, offchip = 0;
  const zz::MemLevel& last = h.levels.back();
  if (last.is_dram) {
    for (auto m : last.operands) {
      const int x = p.op_of_mem[static_cast<std::size_t>(m)];
      const double e = r.operands[static_cast<std::size_t>(x)].levels.back().energy_pj;
      onchip -= e;
      offchip += e;
      c.too_large[static_cast<std::size_t>(m)] = true;
    }
  }
  c.onchip_energy_pj = onchip;
  c.offchip_energy_pj = offchip;
}

}  // namespace

CostResult evaluate(const CostQuery& q) {
  if (q.layer == nullptr || q.core == nullptr) {
    throw InputError("cost query", "", "a cost query needs a layer and a core");
  }
  const auto& core = *q.core;
  const std::string file = zz::core_file(core);
  const zz::Problem p = zz::build_problem(*q.layer, q.loop_sizes, file);
  const zz::Hier h = zz::build_hier(p, core, q.too_large, q.offchip);
  if (q.options.lpf_limit < 1) {
    throw InputError("options", "lpf_limit", "the lpf limit must be >= 1");
  }
  const std::vector<hardware::Dataflow>& cands =
      q.options.dataflows ? *q.options.dataflows : core.dataflows;
  CostResult r;
  if (cands.empty()) {
    throw InputError(file, p.layer_label + " on core '" + core.name + "'",
                     "no spatial mapping: the core has no dataflows and none was given");
  }
  const bool strict = q.options.dataflows.has_value() && q.options.strict_dataflows;
  bool found = false;
  zz::CmeOut best;
  zz::Spatial best_s;
  zz::Ordering best_ord;
  zz::Cuts best_cuts{};
  std::string reasons;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    const zz::Spatial s = zz::convert_spatial(p, h, cands[i], strict, core);
    zz::Ordering ord;
    zz::Cuts cuts{};
    zz::CmeOut c;
    bool ok = false;
    int lpf_count = ord.n;
    if (q.options.temporal_mapping) {
      std::string why;
      if (given_tm(p, h, s, *q.options.temporal_mapping, ord, cuts, why)) {
        c = zz::evaluate_cme(p, h, s, ord, cuts, nullptr);
        lpf_count = ord.n;
        ++r.n_orderings;
        ok = c.valid;
        if (ok) {
          ++r.n_temporal_mappings_evaluated;
        } else {
          why = "the temporal mapping over-fills a memory";
        }
      }
      if (!ok) reasons += "; spatial mapping " + std::to_string(i + 1) + ": " + why;
    } else {
      const zz::SearchOut so = zz::loma_search(p, h, s, q.options.lpf_limit, file);
      r.n_orderings += so.n_orderings;
      r.n_temporal_mappings_evaluated += so.n_valid;
      ok = so.found;
      lpf_count = so.lpf_count;
      if (ok) {
        c = so.best;
        ord = so.ord;
        cuts = so.cuts;
      } else {
        reasons += "; spatial mapping " + std::to_string(i + 1) + ": none of " +
                   std::to_string(so.n_orderings) + " loop orderings fits the memories";
      }
    }
    if (!ok) continue;
    if (!found || c.lat2 < best.lat2 || (c.lat2 == best.lat2 && c.energy < best.energy)) {
      found = true;
      best = c;
      best_s = s;
      best_ord = ord;
      best_cuts = cuts;
      r.dataflow_index = static_cast<int>(i);
      r.lpf_count = lpf_count;
      r.dataflow = cands[i];
    }
  }
  if (!found) {
    r.status = CostStatus::kInfeasible;
    r.reason = p.layer_label + " does not fit core '" + core.name + "'" + reasons;
    return r;
  }
  zz::Detail d;
  zz::evaluate_cme(p, h, best_s, best_ord, best_cuts, &d);
  fill_result(r, p, h, best_s, best_ord, best_cuts, d);
  // Numeric hygiene: finite access and MAC energies can still sum to infinity (r_cost: 1e308).
  if (!std::isfinite(r.energy_total_pj) || !std::isfinite(r.summary.onchip_energy_pj) ||
      !std::isfinite(r.summary.offchip_energy_pj)) {
    throw InputError(file, p.layer_label + " on core '" + core.name + "'",
                     "the layer's energy is not a finite number of pJ: the core's memory access "
                     "or MAC energies are too large");
  }
  STREAM_ASSERT(r.latency_total0 >= 0 && r.latency_total1 >= r.latency_total0 &&
                    r.latency_total2 >= r.latency_total1,
                "cost model latencies must be non-negative and ordered");
  return r;
}

std::array<bool, workload::kNumMemOperands> too_large_operands(
    const workload::LayerSpec& layer, const std::vector<std::int64_t>& loop_sizes,
    const hardware::CoreSpec& core, const std::vector<std::int64_t>& input_bits) {
  const std::string file = zz::core_file(core);
  const zz::Problem p = zz::build_problem(layer, loop_sizes, file);
  std::array<bool, workload::kNumMemOperands> out{};
  // Bits each memory operand needs in the core's top memory.
  auto need = [&](MemOperand m) -> std::int64_t {
    const int x = p.op_of_mem[static_cast<std::size_t>(m)];
    const auto& lo = layer.operands[static_cast<std::size_t>(x)];
    const zz::Op& op = p.ops[static_cast<std::size_t>(x)];
    if (lo.is_output || lo.is_constant) {
      return static_cast<std::int64_t>(op.size_elem) * op.prec;
    }
    return static_cast<std::size_t>(x) < input_bits.size() ? input_bits[static_cast<std::size_t>(x)]
                                                           : 0;
  };
  // Spatial-unrolling footprint of operands kept off-chip: max over the dataflows of the sum
  // of their relevant unrolled sizes (raw dataflow unrollings, pr dims decoupled), in bits.
  auto footprint = [&](const std::vector<MemOperand>& off) -> std::int64_t {
    double mx = 0;
    bool any = false;
    for (const auto& df : core.dataflows) {
      double sum = 0;
      for (auto m : off) {
        const zz::Op& op =
            p.ops[static_cast<std::size_t>(p.op_of_mem[static_cast<std::size_t>(m)])];
        double cA[zz::kMaxRel], cB[zz::kMaxRel], prevD[zz::kMaxRel];
        for (int r = 0; r < zz::kMaxRel; ++r) cA[r] = cB[r] = prevD[r] = 1;
        double elems = 1;
        for (const auto& e : df) {
          int d = -1;
          for (int i = 0; i < p.n_dims; ++i) {
            std::string up = e.loop_dim;
            for (auto& ch : up)
              ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            if (p.names[static_cast<std::size_t>(i)] == up) d = i;
          }
          if (d < 0) continue;
          const auto u = static_cast<double>(e.unroll);
          if ((op.r_mask >> d) & 1u) {
            elems *= u;
          } else if ((op.pr_mask >> d) & 1u) {
            for (int i = 0; i < op.n_rel; ++i) {
              const int ri = op.rel[static_cast<std::size_t>(i)];
              const zz::Rel& rel = p.rel[static_cast<std::size_t>(ri)];
              if (rel.a != d && rel.b != d) continue;
              if (rel.a == d) {
                cA[ri] *= u;
              } else {
                cB[ri] *= u;
              }
              const double D = zz::pr_size(rel, cA[ri], cB[ri]);
              elems *= D / prevD[ri];
              prevD[ri] = D;
              break;
            }
          }
        }
        sum += elems * op.prec;
      }
      mx = any ? std::max(mx, sum) : sum;
      any = true;
    }
    return static_cast<std::int64_t>(zz::py_round(mx));
  };
  // Distinct top memories: the last level of each memory operand, in hierarchy order.
  std::vector<int> tops;
  for (int m = 0; m < workload::kNumMemOperands; ++m) {
    const auto lv = core.levels_of(static_cast<MemOperand>(m));
    if (!lv.empty() && std::find(tops.begin(), tops.end(), lv.back()) == tops.end())
      tops.push_back(lv.back());
  }
  std::sort(tops.begin(), tops.end());
  for (int g : tops) {
    const auto& lvl = core.levels[static_cast<std::size_t>(g)];
    const auto cap = lvl.memory.size_bits;
    std::vector<std::pair<MemOperand, std::int64_t>> req;
    std::int64_t total = 0;
    for (auto m : lvl.operands) {
      if (p.op_of_mem[static_cast<std::size_t>(m)] < 0) continue;
      req.emplace_back(m, need(m));
      total += req.back().second;
    }
    if (total <= cap) continue;
    std::stable_sort(req.begin(), req.end(),
                     [](const auto& a, const auto& b) { return a.second < b.second; });
    auto prefix = [&](std::size_t n) {
      std::int64_t s = 0;
      for (std::size_t i = 0; i < n; ++i) s += req[i].second;
      return s;
    };
    std::size_t nb = req.size();
    while (cap < prefix(nb)) {
      --nb;
      if (nb == 0) break;
    }
    auto off_list = [&](std::size_t keep) {
      std::vector<MemOperand> off;
      for (std::size_t i = keep; i < req.size(); ++i) off.push_back(req[i].first);
      return off;
    };
    if (nb > 0 && nb < req.size()) {
      std::int64_t rest = cap - prefix(nb);
      std::int64_t required = footprint(off_list(nb));
      while (rest < required) {
        --nb;
        if (nb == 0) break;
        rest = cap - prefix(nb);
        required = footprint(off_list(nb));
      }
    }
    for (auto m : off_list(nb)) out[static_cast<std::size_t>(m)] = true;
  }
  return out;
}

std::uint64_t cost_key(const CostQuery& q) {
  if (q.layer == nullptr || q.core == nullptr) {
    throw InputError("cost query", "", "a cost query needs a layer and a core");
  }
  StableHasher h;
  h.str("zigzag-2.4.5-cost-v1");
  const auto& l = *q.layer;
  h.u64(l.dims.size());
  const bool cn = !q.loop_sizes.empty() && q.loop_sizes.size() == l.dims.size();
  for (std::size_t d = 0; d < l.dims.size(); ++d) {
    h.str(l.dims[d].name);
    h.i64(cn ? q.loop_sizes[d] : l.dims[d].size);
  }
  if (!q.loop_sizes.empty() && !cn) {  // malformed: evaluate() rejects it; keep keys distinct
    h.str("bad-sizes").u64(q.loop_sizes.size());
    for (auto v : q.loop_sizes) h.i64(v);
  }
  h.u64(l.relations.size());
  for (std::size_t r = 0; r < l.relations.size(); ++r) {
    const auto& rel = l.relations[r];
    h.i64(rel.dim_a).i64(rel.coef_a).i64(rel.dim_b).i64(rel.coef_b);
    h.i64(l.relation_total(static_cast<int>(r)));
  }
  h.u64(l.operands.size());
  for (const auto& op : l.operands) {
    h.str(op.name).u64(static_cast<std::uint64_t>(op.mem_operand)).u64(op.is_output ? 1 : 0);
    h.u64(op.is_constant ? 1 : 0).i64(op.precision_bits);
    h.u64(op.indices.size());
    for (const auto& idx : op.indices) h.u64(idx.is_relation ? 1 : 0).i64(idx.index);
  }
  h.i64(l.output_final_precision_bits);
  h.u64(q.core->content_hash());
  bool any_tl = false;
  for (std::size_t m = 0; m < q.too_large.size(); ++m) {
    const bool tl = q.too_large[m] && l.operand_index(static_cast<MemOperand>(m)) >= 0;
    h.u64(tl ? 1 : 0);
    any_tl = any_tl || tl;
  }
  if (any_tl && q.offchip != nullptr) {
    const auto& m = q.offchip->memory;
    h.i64(m.size_bits).f64(m.r_cost_pj).f64(m.w_cost_pj).f64(m.r_bw_bits).f64(m.w_bw_bits);
    h.f64(m.r_granularity_bits).f64(m.w_granularity_bits);
    for (const auto& p : m.ports) {
      h.u64(p.allocations.size());
      for (const auto& a : p.allocations) {
        h.u64(static_cast<std::uint64_t>(a.operand)).u64(static_cast<std::uint64_t>(a.direction));
      }
    }
  }
  const auto& o = q.options;
  h.i64(o.lpf_limit).u64(o.strict_dataflows ? 1 : 0);
  h.u64(o.dataflows ? o.dataflows->size() + 1 : 0);
  if (o.dataflows) {
    for (const auto& df : *o.dataflows) {
      h.u64(df.size());
      for (const auto& u : df) h.i64(u.array_dim).str(u.loop_dim).i64(u.unroll);
    }
  }
  h.u64(o.temporal_mapping ? 1 : 0);
  if (o.temporal_mapping) {
    for (const auto& [name, levels] : o.temporal_mapping->operands) {
      h.str(name).u64(levels.size());
      for (const auto& lv : levels) {
        h.u64(lv.size());
        for (const auto& lp : lv) h.str(lp.dim).f64(lp.size);
      }
    }
  }
  return h.value();
}

}  // namespace stream::cost
