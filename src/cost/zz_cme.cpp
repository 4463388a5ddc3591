// ZigZag 2.4.5's CostModelEvaluation for one temporal mapping (zigzag-model.md §4.4-§7.5), on
// the flat problem of zz_model.hpp. The order of floating-point operations follows ZigZag
// wherever it can change a result (products of fractional unrollings, the word-access formula,
// the energy summation order of §6.3), so energies match ZigZag's doubles bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "zz_model.hpp"

namespace stream::cost::zz {

double py_round(double x) { return std::nearbyint(x); }  // default mode: half to even

double py_round3(double x) {
  // Python's round(x, 3) rounds the exact binary value half to even; so does glibc's printf.
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", x);
  return std::strtod(buf, nullptr);
}

namespace {

inline bool has(std::uint32_t mask, int dim) { return (mask >> dim) & 1u; }

/// ceil(x) for x >= 0 without a libm call: identical to std::ceil on [0, 2^63).
inline double ceil_nonneg(double x) {
  if (!(x < 9.2e18)) return std::ceil(x);
  const auto t = static_cast<double>(static_cast<std::int64_t>(x));
  return t < x ? t + 1.0 : t;
}

/// Python's round() (half to even) for x >= 0: identical to std::nearbyint in the default
/// rounding mode, without a libm call.
inline double round_nonneg(double x) {
  constexpr double kTwo52 = 4503599627370496.0;
  if (!(x < kTwo52)) return std::nearbyint(x);
  volatile double y = x + kTwo52;  // volatile: keep the rounding step as written
  return y - kTwo52;
}

/// a / b for b >= 1, skipping the division when b is 1 (the common case).
inline std::int64_t div1(std::int64_t a, std::int64_t b) { return b == 1 ? a : a / b; }

/// One period's word accesses (2.4.5 calc_memory_word_access), left to right as ZigZag.
inline double word_access(double bits, double gran, double bw, std::int64_t count,
                          std::int64_t units) {
  const double partial = ceil_nonneg(bits / gran);
  return partial * (gran / bw) * static_cast<double>(count) * static_cast<double>(units);
}

/// Marked slots in [0, x) of the union of windows [k*P_i, k*P_i + A_i), activities 0..k-1 with
/// periods that divide each other (sorted ascending). The exact value of ZigZag's bitmap.
std::int64_t covered(const std::int64_t* P, const std::int64_t* A, int k, std::int64_t x) {
  if (k == 0 || x <= 0) return 0;
  const std::int64_t p = P[k - 1];
  if (x > p) return (x / p) * covered(P, A, k, p) + covered(P, A, k, x % p);
  const std::int64_t m = std::min(x, A[k - 1]);
  return m + covered(P, A, k - 1, x) - covered(P, A, k - 1, m);
}

struct Activity {
  std::int64_t real, allowed, period, count;
};

std::int64_t port_ss(const Activity* act, int n) {
  if (n == 1) return (act[0].real - act[0].allowed) * (act[0].count - 1);
  std::int64_t pos = 0, neg = 0, muw = 0;
  for (int i = 0; i < n; ++i) {
    const std::int64_t ss = (act[i].real - act[i].allowed) * (act[i].count - 1);
    if (ss > 0) {
      pos += ss;
    } else {
      neg += ss;
    }
    muw += act[i].allowed * (act[i].count - 1);
  }
  // MUW union (calc_MUW_union): the whole time when one activity may use the port all the time.
  std::int64_t uni = -1;
  for (int i = 0; i < n && uni < 0; ++i) {
    if (act[i].period == act[i].allowed) uni = act[i].period * act[i].count;
  }
  if (uni < 0) {
    std::int64_t P[16], A[16];
    int m = 0;
    std::int64_t pmax = 0, pmax_count = 0;
    for (int i = 0; i < n; ++i) {
      if (act[i].period > pmax) {
        pmax = act[i].period;
        pmax_count = act[i].count;
      }
    }
    // insertion sort by period (nested periods: a chain of divisors)
    for (int i = 0; i < n && m < 16; ++i) {
      int j = m++;
      while (j > 0 && P[j - 1] > act[i].period) {
        P[j] = P[j - 1];
        A[j] = A[j - 1];
        --j;
      }
      P[j] = act[i].period;
      A[j] = act[i].allowed;
    }
    uni = covered(P, A, m, pmax) * pmax_count;
  }
  return pos + std::max<std::int64_t>(0, neg + muw - uni);
}

}  // namespace

CmeOut evaluate_cme(const Problem& p, const Hier& h, const Spatial& s, const Ordering& ord,
                    const Cuts& cuts, Detail* detail) {
  CmeOut out;
  const int n = ord.n;
  std::int64_t P[kMaxLoops + 1];
  P[0] = 1;
  for (int k = 0; k < n; ++k) P[k + 1] = P[k] * ord.size[k];
  const std::int64_t T = P[n];

  // Per operand, per arch level a (0..L): periods, top loops, data sizes (fractional, integer).
  std::int64_t cyc[kMaxOps][kMaxLv + 1], cnt_of[kMaxOps][kMaxLv + 1];
  std::int64_t top_r[kMaxOps][kMaxLv + 1], top_ir[kMaxOps][kMaxLv + 1];
  std::int64_t de[kMaxOps][kMaxLv + 1], dei[kMaxOps][kMaxLv + 1];
  bool psum[kMaxLv + 1] = {};
  Cuts st = cuts;

  for (int x = 0; x < p.n_ops; ++x) {
    const Op& op = p.ops[x];
    const OpSpatial& sp = s.op[x];
    const int L = h.n_lv[x];
    auto& cs = st[x];
    // Stationarity merge-down (§4.4): bottom ir loops of level l >= 1 move to level l-1.
    for (bool changed = true; changed;) {
      changed = false;
      for (int l = 1; l < L; ++l) {
        while (cs[l - 1] < cs[l] && has(op.ir_mask, ord.dim[cs[l - 1]])) {
          ++cs[l - 1];
          changed = true;
        }
      }
    }
    std::int64_t mac_st = 1;
    for (int k = 0; k < cs[0] && has(op.ir_mask, ord.dim[k]); ++k) mac_st *= ord.size[k];
    cyc[x][0] = op.is_output ? 1 : mac_st;
    top_r[x][0] = top_ir[x][0] = 1;
    cnt_of[x][0] = div1(T, cyc[x][0]);
    for (int l = 0; l < L; ++l) {
      const int lo = l == 0 ? 0 : cs[l - 1], hi = cs[l];
      cyc[x][l + 1] = P[hi];
      cnt_of[x][l + 1] = P[n] / P[hi];
      std::int64_t tr = 1, ti = 1;
      for (int k = hi - 1; k >= lo && has(op.r_mask, ord.dim[k]); --k) tr *= ord.size[k];
      for (int k = hi - 1; k >= lo && has(op.ir_mask, ord.dim[k]); --k) ti *= ord.size[k];
      top_r[x][l + 1] = tr;
      top_ir[x][l + 1] = ti;
    }
    if (detail) detail->mac_stationary[x] = mac_st;

    // data_elem_per_level_unrolled from the "1s2t" view: level a = TM_{a-1} then S_{a-1}.
    de[x][0] = dei[x][0] = 1;
    if (op.n_rel == 0) {
      double cum = 1, cumi = 1;
      for (int a = 1; a <= L; ++a) {
        const int lo = a == 1 ? 0 : cs[a - 2], hi = cs[a - 1];
        double rl = 1;
        for (int k = lo; k < hi; ++k) {
          if (has(op.r_mask, ord.dim[k])) rl *= static_cast<double>(ord.size[k]);
        }
        double rli = rl;
        const auto& sl = sp.loops[a - 1];
        for (int j = 0; j < sp.n[a - 1]; ++j) {
          if (has(op.r_mask, sl[j].dim)) {
            rl *= sl[j].u;
            rli *= sl[j].ui;
          }
        }
        cum *= rl;
        cumi *= rli;
        de[x][a] = static_cast<std::int64_t>(round_nonneg(cum));
        dei[x][a] = static_cast<std::int64_t>(round_nonneg(cumi));
      }
    } else {
      // pr decoupling (§5.1): each pr loop contributes D_k / D_{k-1} to the relevant size.
      for (int v = 0; v < 2; ++v) {
        double cA[kMaxRel], cB[kMaxRel], prevD[kMaxRel];
        for (int r = 0; r < kMaxRel; ++r) cA[r] = cB[r] = prevD[r] = 1;
        double cum = 1;
        auto feed = [&](int dim, double size, double& rl) {
          if (has(op.r_mask, dim)) {
            rl *= size;
          } else if (has(op.pr_mask, dim)) {
            for (int i = 0; i < op.n_rel; ++i) {
              const int r = op.rel[i];
              const Rel& rel = p.rel[r];
              if (rel.a != dim && rel.b != dim) continue;
              if (rel.a == dim) {
                cA[r] *= size;
              } else {
                cB[r] *= size;
              }
              const double D = pr_size(rel, cA[r], cB[r]);
              rl *= D / prevD[r];
              prevD[r] = D;
              break;
            }
          }
        };
        for (int a = 1; a <= L; ++a) {
          const int lo = a == 1 ? 0 : cs[a - 2], hi = cs[a - 1];
          double rl = 1;
          for (int k = lo; k < hi; ++k) feed(ord.dim[k], static_cast<double>(ord.size[k]), rl);
          const auto& sl = sp.loops[a - 1];
          for (int j = 0; j < sp.n[a - 1]; ++j) feed(sl[j].dim, v == 0 ? sl[j].u : sl[j].ui, rl);
          cum *= rl;
          (v == 0 ? de : dei)[x][a] = static_cast<std::int64_t>(round_nonneg(cum));
        }
      }
    }

    if (op.is_output) {
      // psum_flag[i] = an O-irrelevant loop at arch level >= i+1 of the "1s1t" view.
      bool flag[kMaxLv + 1];
      for (int a = 0; a <= L; ++a) {
        bool f = sp.ir_flag[a];
        if (a >= 1) {
          const int lo = a == 1 ? 0 : cs[a - 2], hi = cs[a - 1];
          for (int k = lo; k < hi && !f; ++k) {
            f = has(op.ir_mask, ord.dim[k]) && ord.size[k] > 1;
          }
        }
        flag[a] = f;
      }
      bool any = false;
      psum[L] = false;
      for (int i = L - 1; i >= 0; --i) {
        any = any || flag[i + 1];
        psum[i] = any;
      }
    }
  }

  // ---- energy: word accesses of the fractional mapping (§6.2-6.3) ----------------------------
  const int o_prec = p.ops[0].prec, of_prec = p.o_final_prec;
  double mem_energy = 0;
  for (int x = 0; x < p.n_ops; ++x) {
    const Op& op = p.ops[x];
    const OpSpatial& sp = s.op[x];
    const int L = h.n_lv[x];
    for (int l = 0; l < L; ++l) {
      const MemLevel& m = h.levels[static_cast<std::size_t>(h.glob[x][l])];
      const std::int64_t units = sp.unit_count[l + 1];
      const bool top = l == L - 1;
      double w[4] = {0, 0, 0, 0};
      const std::int64_t amt_low = de[x][l] * sp.boost[l];
      const std::int64_t cnt_low = cnt_of[x][l];
      if (!op.is_output) {
        if (amt_low != 0 && op.prec != 0) {
          w[kTl] =
              word_access(static_cast<double>(amt_low * op.prec), m.r_gran, m.r_bw, cnt_low, units);
        }
        if (!top && de[x][l + 1] != 0) {
          w[kFh] = word_access(static_cast<double>(de[x][l + 1] * op.prec), m.w_gran, m.w_bw,
                               cnt_of[x][l + 1], units);
        }
      } else {
        const int prec_low = psum[l] ? o_prec : of_prec;
        if (amt_low != 0 && prec_low != 0) {
          w[kFl] = word_access(static_cast<double>(amt_low * prec_low), m.w_gran, m.w_bw, cnt_low,
                               units);
          if (psum[l]) {
            w[kTl] = word_access(static_cast<double>(amt_low * prec_low), m.r_gran, m.r_bw, cnt_low,
                                 units);
          }
        }
        if (!top && de[x][l + 1] != 0) {
          const int prec_high = psum[l + 1] ? o_prec : of_prec;
          const std::int64_t cnt = cnt_of[x][l + 1];
          w[kTh] = word_access(static_cast<double>(de[x][l + 1] * prec_high), m.r_gran, m.r_bw, cnt,
                               units);
          if (psum[l + 1]) {
            w[kFh] = word_access(static_cast<double>(de[x][l + 1] * prec_high), m.w_gran, m.w_bw,
                                 cnt, units);
          }
        }
      }
      const double e =
          (m.r_cost * w[kTh] + m.r_cost * w[kTl]) + (m.w_cost * w[kFh] + m.w_cost * w[kFl]);
      mem_energy += e;
      if (detail) {
        for (int d = 0; d < 4; ++d) detail->word_access[x][l].v[d] = w[d];
        detail->energy[x][l] = e;
      }
    }
  }
  const double mac_energy = h.unit_energy * static_cast<double>(p.macs);
  out.energy = mem_energy + mac_energy;

  // ---- memory utilisation (fractional) and double-buffer flags (§6.1, §7.1) -----------------
  double util_ind[kMaxOps][kMaxLv], eff_ind[kMaxOps][kMaxLv];
  const std::size_t n_levels = h.levels.size();
  double shared_eff[32], shared_util[32];
  for (std::size_t g = 0; g < n_levels && g < 32; ++g) shared_eff[g] = shared_util[g] = 0;
  for (int x = 0; x < p.n_ops; ++x) {
    const bool out_op = p.ops[x].is_output;
    for (int l = 0; l < h.n_lv[x]; ++l) {
      const int a = l + 1;
      const int prec = out_op ? (psum[a] ? o_prec : of_prec) : p.ops[x].prec;
      const std::int64_t bits = de[x][a] * prec;
      const std::int64_t eff = bits / top_r[x][a];
      const double size = h.levels[static_cast<std::size_t>(h.glob[x][l])].size;
      util_ind[x][l] = static_cast<double>(bits) / size;
      eff_ind[x][l] = static_cast<double>(eff) / size;
      if (util_ind[x][l] > 1) out.valid = false;
    }
  }
  for (std::size_t g = 0; g < n_levels && g < 32; ++g) {
    for (const auto& [x, l] : h.level_users[g]) {
      shared_util[g] += util_ind[x][l];
      shared_eff[g] += eff_ind[x][l];
    }
    if (h.level_users[g].size() > 1 && shared_util[g] > 1) out.valid = false;
  }
  bool db[kMaxOps][kMaxLv + 1];
  for (int x = 0; x < p.n_ops; ++x) {
    db[x][0] = false;
    for (int l = 0; l < h.n_lv[x]; ++l) {
      const auto g = static_cast<std::size_t>(h.glob[x][l]);
      const bool shared = h.level_users[g].size() > 1;
      const double es = shared ? shared_eff[g] : eff_ind[x][l];
      if (es <= 0.5) {
        db[x][l + 1] = true;
      } else if (eff_ind[x][l] <= 1 - es) {
        db[x][l + 1] = true;
        shared_eff[g] += eff_ind[x][l];
      } else {
        db[x][l + 1] = false;
      }
    }
  }

  // ---- latency: integer mapping (§7.2-7.5) ----------------------------------------------------
  std::int64_t R[kMaxOps][kMaxLv][4], A[kMaxOps][kMaxLv][4], PER[kMaxOps][kMaxLv][4],
      CNT[kMaxOps][kMaxLv][4];
  for (int x = 0; x < p.n_ops; ++x) {
    const Op& op = p.ops[x];
    const OpSpatial& sp = s.op[x];
    const int L = h.n_lv[x];
    for (int l = 0; l < L; ++l) {
      const MemLevel& m = h.levels[static_cast<std::size_t>(h.glob[x][l])];
      const bool top = l == L - 1;
      std::int64_t amt[4] = {0, 0, 0, 0}, prec[4] = {0, 0, 0, 0}, per[4] = {0, 0, 0, 0};
      const std::int64_t low = dei[x][l] * sp.boost_i[l];
      if (!op.is_output) {
        amt[kTl] = low;
        prec[kTl] = op.prec;
        per[kTl] = cyc[x][l];
        if (!top) {
          amt[kFh] = dei[x][l + 1];
          prec[kFh] = op.prec;
          per[kFh] = cyc[x][l + 1];
        }
      } else {
        amt[kFl] = low;
        prec[kFl] = psum[l] ? o_prec : of_prec;
        per[kFl] = cyc[x][l];
        if (psum[l]) {
          amt[kTl] = low;
          prec[kTl] = o_prec;
          per[kTl] = cyc[x][l];
        }
        if (!top) {
          amt[kTh] = dei[x][l + 1];
          prec[kTh] = psum[l + 1] ? o_prec : of_prec;
          per[kTh] = cyc[x][l + 1];
          if (psum[l + 1]) {
            amt[kFh] = dei[x][l + 1];
            prec[kFh] = o_prec;
            per[kFh] = cyc[x][l + 1];
          }
        }
      }
      for (int d = 0; d < 4; ++d) {
        const bool read = d == kTl || d == kTh;
        const double bw = read ? m.r_bw : m.w_bw;
        const bool low_dir = d == kTl || d == kFl;
        const int ai = low_dir ? l : l + 1;
        PER[x][l][d] = per[d];
        if (per[d] == 0) {  // inactive: no transfers, no port activity
          R[x][l][d] = 0;
          CNT[x][l][d] = 0;
          A[x][l][d] = 0;
          continue;
        }
        R[x][l][d] =
            static_cast<std::int64_t>(ceil_nonneg(static_cast<double>(amt[d] * prec[d]) / bw));
        CNT[x][l][d] = cnt_of[x][ai];  // T / per[d]: per[d] is the period of arch level ai
        A[x][l][d] = db[x][ai] ? per[d] : div1(per[d], top_ir[x][ai]);
      }
    }
  }

  std::int64_t ss_comb = 0;
  for (std::size_t g = 0; g < n_levels; ++g) {
    for (const Port& port : h.levels[g].ports) {
      Activity act[16];
      int na = 0;
      for (const PortUse& u : port.uses) {
        const std::int64_t cnt = CNT[u.op][u.lv][u.dir];
        if (cnt == 0 || na == 16) continue;
        act[na++] = {R[u.op][u.lv][u.dir], A[u.op][u.lv][u.dir], PER[u.op][u.lv][u.dir], cnt};
      }
      if (na > 0) ss_comb = std::max(ss_comb, port_ss(act, na));
    }
  }

  // On-loading (§7.4), with the "half-shared" assignment quirk.
  std::int64_t indiv[kMaxOps] = {}, shared[kMaxOps] = {}, half[kMaxOps] = {};
  int inputs[kMaxOps];
  int n_in = 0;
  for (int x = 0; x < p.n_ops; ++x) {
    if (p.ops[x].is_output) continue;
    inputs[n_in++] = x;
    for (int l = 0; l + 1 < h.n_lv[x]; ++l) {
      const std::int64_t e1 = R[x][l][kFh], e2 = R[x][l + 1][kTl];
      const bool f1 = h.shared_flag[x][l][kFh], f2 = h.shared_flag[x][l + 1][kTl];
      const std::int64_t longest = std::max(e1, e2);
      if (!f1 && !f2) {
        indiv[x] += longest;
      } else if (f1 && f2) {
        shared[x] += longest;
      } else {
        half[x] = longest;
      }
    }
  }
  std::int64_t onload = 0;
  if (n_in == 1) {
    onload = indiv[inputs[0]];
  } else if (n_in >= 2) {
    const int a = inputs[0], b = inputs[1];
    const std::int64_t p1 =
        shared[a] + std::max(shared[b] + half[b] + indiv[b], half[a] + indiv[a]);
    const std::int64_t p2 =
        shared[b] + std::max(shared[a] + half[a] + indiv[a], half[b] + indiv[b]);
    onload = std::min(p1, p2);
  }
  std::int64_t offload = 0;
  for (int x = 0; x < p.n_ops; ++x) {
    if (!p.ops[x].is_output) continue;
    for (int l = 0; l + 1 < h.n_lv[x]; ++l) offload += std::max(R[x][l][kTh], R[x][l + 1][kFl]);
  }

  const std::int64_t lat0 = T + ss_comb;
  const std::int64_t lat1 = lat0 + onload;
  out.lat2 = lat1 + offload;

  if (detail) {
    detail->stationary = st;
    detail->temporal = T;
    detail->ss_comb = ss_comb;
    detail->onload = onload;
    detail->offload = offload;
    detail->lat0 = lat0;
    detail->lat1 = lat1;
    detail->mem_energy = mem_energy;
    detail->mac_energy = mac_energy;
    detail->ideal_cycle = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(p.macs) / static_cast<double>(h.total_units)));
    for (int x = 0; x < p.n_ops; ++x) {
      for (int l = 0; l < h.n_lv[x]; ++l) {
        const auto g = static_cast<std::size_t>(h.glob[x][l]);
        detail->util_ind[x][l] = util_ind[x][l];
        detail->util_shared[x][l] = h.level_users[g].size() > 1 ? shared_util[g] : util_ind[x][l];
      }
      for (int a = 0; a <= h.n_lv[x]; ++a) detail->double_buffer[x][a] = db[x][a];
    }
  }
  return out;
}

}  // namespace stream::cost::zz
