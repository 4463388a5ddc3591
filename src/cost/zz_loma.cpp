// LOMA (zigzag-model.md §4): loop prime factors, the lpf limit, the multiset permutations in
// ZigZag's order, the greedy bottom-up memory allocator, and the min-latency reduction.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "stream/common/error.hpp"
#include "zz_model.hpp"

namespace stream::cost::zz {
namespace {

/// ZigZag calc_tensor_size for the dim sizes `cur`: r dims (equation order), then pr sizes.
inline double tensor_elems(const Problem& p, const Op& op, const double* cur) {
  double v = 1;
  for (int i = 0; i < op.n_rdims; ++i) v *= cur[op.rdims[static_cast<std::size_t>(i)]];
  for (int i = 0; i < op.n_rel; ++i) {
    const Rel& r = p.rel[static_cast<std::size_t>(op.rel[static_cast<std::size_t>(i)])];
    v *= pr_size(r, cur[r.a], cur[r.b]);
  }
  return v;
}

}  // namespace

bool allocate(const Problem& p, const Hier& h, const Spatial& s, const Ordering& ord, Cuts& cuts) {
  const int n = ord.n;
  std::int64_t suf[kMaxLoops + 1];
  suf[n] = 1;
  for (int k = n - 1; k >= 0; --k) suf[k] = suf[k + 1] * ord.size[k];
  std::uint32_t dims_from[kMaxLoops + 1];  // dims of the loops at positions >= k
  dims_from[n] = 0;
  for (int k = n - 1; k >= 0; --k) dims_from[k] = dims_from[k + 1] | (1u << ord.dim[k]);

  double cum[kMaxOps][kMaxDims];
  int pos[kMaxOps] = {}, lvl[kMaxOps] = {};
  for (int x = 0; x < p.n_ops; ++x) {
    for (int d = 0; d < p.n_dims; ++d) cum[x][d] = 1;
    const OpSpatial& sp = s.op[x];
    for (int j = 0; j < sp.n[0]; ++j) cum[x][sp.loops[0][j].dim] *= sp.loops[0][j].u;
  }

  for (std::size_t g = 0; g < h.levels.size(); ++g) {
    const MemLevel& m = h.levels[g];
    const auto& users = h.level_users[g];
    const int nu = static_cast<int>(users.size());
    if (nu == 0) continue;
    const double cap = m.size;
    // Candidate slices per operand: bits and accesses.
    double bits[kMaxOps][kMaxLoops + 1], acc[kMaxOps][kMaxLoops + 1];
    int ncand[kMaxOps], offset[kMaxOps];
    for (int u = 0; u < nu; ++u) {
      const int x = users[static_cast<std::size_t>(u)].first;
      const Op& op = p.ops[x];
      const bool top = lvl[x] == h.n_lv[x] - 1;
      int prec = op.prec;
      if (op.is_output) {
        const std::uint32_t unalloc =
            s.op[x].ir_dims_above[static_cast<std::size_t>(lvl[x]) + 1] | dims_from[pos[x]];
        prec = (unalloc & op.ir_mask) ? op.prec : p.o_final_prec;
      }
      double cur[kMaxDims];
      for (int d = 0; d < p.n_dims; ++d) cur[d] = cum[x][d];
      int c = 0;
      for (int i = 0; pos[x] + i <= n; ++i) {
        if (i > 0) cur[ord.dim[pos[x] + i - 1]] *= static_cast<double>(ord.size[pos[x] + i - 1]);
        const double b = tensor_elems(p, op, cur) * prec;
        if (b <= cap) {
          bits[u][c++] = b;
        } else {
          if (i == 0) return false;  // MemoryTooSmall
          break;
        }
      }
      offset[u] = 0;
      if (top) {
        offset[u] = c - 1;
        bits[u][0] = bits[u][c - 1];
        c = 1;
      }
      ncand[u] = c;
      for (int i = 0; i < c; ++i) {
        acc[u][i] = top ? 0.0 : static_cast<double>(suf[pos[x] + i + offset[u]]) * bits[u][i];
      }
    }
    // Best combination: min accesses, ties to the later combination (mixed radix, last fastest).
    int best[kMaxOps] = {};
    double best_acc = std::numeric_limits<double>::infinity();
    if (nu == 1) {
      if (bits[0][0] > cap) return false;  // MemoryTooSmall (cannot happen: checked above)
      for (int i = 0; i < ncand[0]; ++i) {
        if (0.0 + acc[0][i] <= best_acc) {
          best_acc = 0.0 + acc[0][i];
          best[0] = i;
        }
      }
    } else if (nu == 2) {
      // Same visit order and ties as the general loop below; the candidate sizes grow with the
      // slice, so once a combination over-fills the memory the later ones of that row do too.
      if (bits[0][0] + bits[1][0] > cap) return false;  // MemoryTooSmall
      for (int i = 0; i < ncand[0]; ++i) {
        for (int j = 0; j < ncand[1]; ++j) {
          if (0.0 + bits[0][i] + bits[1][j] > cap) break;
          const double a = 0.0 + acc[0][i] + acc[1][j];
          if (a <= best_acc) {
            best_acc = a;
            best[0] = i;
            best[1] = j;
          }
        }
      }
    } else {
      int idx[kMaxOps] = {};
      for (bool first = true;; first = false) {
        double size_sum = 0, acc_sum = 0;
        for (int u = 0; u < nu; ++u) {
          size_sum += bits[u][idx[u]];
          acc_sum += acc[u][idx[u]];
        }
        if (size_sum > cap) {
          if (first) return false;  // MemoryTooSmall
        } else if (acc_sum <= best_acc) {
          best_acc = acc_sum;
          for (int u = 0; u < nu; ++u) best[u] = idx[u];
        }
        // next combination in mixed radix, the last operand fastest
        int u = nu - 1;
        while (u >= 0 && ++idx[u] == ncand[u]) idx[u--] = 0;
        if (u < 0) break;
      }
    }
    for (int u = 0; u < nu; ++u) {
      const int x = users[static_cast<std::size_t>(u)].first;
      const int take = best[u] + offset[u];
      for (int k = pos[x]; k < pos[x] + take; ++k)
        cum[x][ord.dim[k]] *= static_cast<double>(ord.size[k]);
      pos[x] += take;
      cuts[x][lvl[x]] = static_cast<std::int8_t>(pos[x]);
      const OpSpatial& sp = s.op[x];
      const int a = lvl[x] + 1;
      for (int j = 0; j < sp.n[a]; ++j) cum[x][sp.loops[a][j].dim] *= sp.loops[a][j].u;
      if (lvl[x] == h.n_lv[x] - 1 && pos[x] < n) return false;  // MemoryHierarchyTooSmall
      ++lvl[x];
    }
  }
  return true;
}

Ordering loop_prime_factors(const Problem& p, const Spatial& s, int lpf_limit,
                            const std::string& file) {
  struct DimFactors {
    int dim;
    std::vector<std::int64_t> pf;
    std::vector<int> count;
    int sum = 0;
  };
  std::vector<DimFactors> dims;
  for (int d = 0; d < p.n_dims; ++d) {
    std::int64_t q = s.q[static_cast<std::size_t>(d)];
    if (q <= 1) continue;
    DimFactors f{d, {}, {}, 0};
    for (std::int64_t f0 = 2; f0 * f0 <= q; ++f0) {
      int c = 0;
      while (q % f0 == 0) {
        q /= f0;
        ++c;
      }
      if (c > 0) {
        f.pf.push_back(f0);
        f.count.push_back(c);
        f.sum += c;
      }
    }
    if (q > 1) {
      f.pf.push_back(q);
      f.count.push_back(1);
      f.sum += 1;
    }
    dims.push_back(std::move(f));
  }
  Ordering ord;
  if (dims.empty()) {
    ord.n = 1;
    ord.dim[0] = 0;
    ord.size[0] = 1;
    return ord;
  }
  int n_pf = 0;
  for (const auto& f : dims) n_pf += f.sum;
  const int limit = std::max(lpf_limit, static_cast<int>(dims.size()));
  while (n_pf > limit) {
    std::size_t mx = 0;
    for (std::size_t i = 1; i < dims.size(); ++i) {
      if (dims[i].sum > dims[mx].sum) mx = i;
    }
    auto& f = dims[mx];
    std::int64_t nf;
    if (f.count[0] == 1) {
      nf = f.pf[0] * f.pf[1];
      f.count[0] -= 1;
      f.count[1] -= 1;
    } else {
      nf = f.pf[0] * f.pf[0];
      f.count[0] -= 2;
    }
    const auto it = std::find(f.pf.begin(), f.pf.end(), nf);
    if (it != f.pf.end()) {
      f.count[static_cast<std::size_t>(it - f.pf.begin())] += 1;
    } else {
      std::size_t at = 0;
      while (at < f.pf.size() && f.pf[at] < nf) ++at;
      f.pf.insert(f.pf.begin() + static_cast<std::ptrdiff_t>(at), nf);
      f.count.insert(f.count.begin() + static_cast<std::ptrdiff_t>(at), 1);
    }
    std::vector<std::int64_t> pf2;
    std::vector<int> c2;
    for (std::size_t i = 0; i < f.pf.size(); ++i) {
      if (f.count[i] != 0) {
        pf2.push_back(f.pf[i]);
        c2.push_back(f.count[i]);
      }
    }
    f.pf = std::move(pf2);
    f.count = std::move(c2);
    f.sum -= 1;
    --n_pf;
  }
  if (n_pf > kMaxLoops) {
    throw InputError(file, p.layer_label,
                     std::to_string(n_pf) + " loop prime factors exceed the supported " +
                         std::to_string(kMaxLoops) + " (lower the lpf limit)");
  }
  for (const auto& f : dims) {
    for (std::size_t i = 0; i < f.pf.size(); ++i) {
      for (int c = 0; c < f.count[i]; ++c) {
        ord.dim[static_cast<std::size_t>(ord.n)] = static_cast<std::int8_t>(f.dim);
        ord.size[static_cast<std::size_t>(ord.n)] = f.pf[i];
        ++ord.n;
      }
    }
  }
  return ord;
}

SearchOut loma_search(const Problem& p, const Hier& h, const Spatial& s, int lpf_limit,
                      const std::string& file) {
  SearchOut out;
  const Ordering lpf = loop_prime_factors(p, s, lpf_limit, file);
  const int n = lpf.n;
  out.lpf_count = n;
  // Rank of each LPF under Python's tuple order (dim name as a string, then the factor).
  int rank[kMaxLoops];
  {
    std::vector<std::pair<std::string, std::int64_t>> keys;
    for (int k = 0; k < n; ++k)
      keys.emplace_back(p.names[static_cast<std::size_t>(lpf.dim[k])], lpf.size[k]);
    auto sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (int k = 0; k < n; ++k) {
      rank[k] = static_cast<int>(
          std::lower_bound(sorted.begin(), sorted.end(), keys[static_cast<std::size_t>(k)]) -
          sorted.begin());
    }
  }
  Ordering ord;
  ord.n = n;
  Cuts cuts{};
  multiset_permutations(n, rank, [&](const int* items) {
    for (int k = 0; k < n; ++k) {
      ord.dim[k] = lpf.dim[items[k]];
      ord.size[k] = lpf.size[items[k]];
    }
    ++out.n_orderings;
    if (!allocate(p, h, s, ord, cuts)) return;
    const CmeOut c = evaluate_cme(p, h, s, ord, cuts, nullptr);
    if (!c.valid) return;
    ++out.n_valid;
    if (!out.found || c.lat2 < out.best.lat2 ||
        (c.lat2 == out.best.lat2 && c.energy < out.best.energy)) {
      out.found = true;
      out.best = c;
      out.ord = ord;
      out.cuts = cuts;
    }
  });
  return out;
}

}  // namespace stream::cost::zz
