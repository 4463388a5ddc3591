// BoxIndex: which boxes intersect a query box, without an all-pairs test.
//
// A tiling gives boxes whose interval on each dim takes few distinct values (one per CN row,
// column, channel chunk, ...). Per dim the distinct intervals are sorted; a box is the tuple of
// its interval ids, a cell of a grid. A query finds the overlapping intervals per dim by binary
// search and visits only the cells in their product: O(log n + cells visited + hits).
#include <algorithm>
#include <limits>

#include "internal.hpp"
#include "stream/common/error.hpp"

namespace stream::tiler::detail {

BoxIndex::BoxIndex(int dims, std::vector<std::int64_t> boxes)
    : d_(dims),
      n_(dims > 0 ? boxes.size() / (2 * static_cast<std::size_t>(dims)) : 0),
      boxes_(std::move(boxes)) {
  STREAM_ASSERT(dims > 0, "BoxIndex needs at least one dimension");
  const std::size_t d = static_cast<std::size_t>(d_);
  ivals_.resize(d);
  max_len_.assign(d, 0);
  box_ival_.resize(d);
  hits_.resize(d);
  for (std::size_t k = 0; k < d; ++k) {
    auto& iv = ivals_[k];
    iv.reserve(n_);
    for (std::size_t i = 0; i < n_; ++i)
      iv.emplace_back(boxes_[i * 2 * d + 2 * k], boxes_[i * 2 * d + 2 * k + 1]);
    std::sort(iv.begin(), iv.end());
    iv.erase(std::unique(iv.begin(), iv.end()), iv.end());
    for (const auto& [lo, hi] : iv) max_len_[k] = std::max(max_len_[k], hi - lo + 1);
    auto& ids = box_ival_[k];
    ids.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      const std::pair<std::int64_t, std::int64_t> key{boxes_[i * 2 * d + 2 * k],
                                                      boxes_[i * 2 * d + 2 * k + 1]};
      ids[i] = static_cast<int>(std::lower_bound(iv.begin(), iv.end(), key) - iv.begin());
    }
  }
  // Mixed-radix cell numbering over the interval ids.
  radix_.assign(d, 1);
  std::uint64_t cells = 1;
  bool overflow = false;
  constexpr std::uint64_t kMaxCells = std::uint64_t{1} << 62;
  for (std::size_t k = d; k-- > 0;) {
    radix_[k] = cells;
    const std::uint64_t count = ivals_[k].size();
    if (count != 0 && cells > kMaxCells / count) {
      overflow = true;
      break;
    }
    cells *= count;
  }
  auto key_of = [&](std::size_t i) {
    std::uint64_t key = 0;
    for (std::size_t k = 0; k < d; ++k)
      key += static_cast<std::uint64_t>(box_ival_[k][i]) * radix_[k];
    return key;
  };
  if (!overflow && cells <= 4 * static_cast<std::uint64_t>(n_) + 1024) {
    mode_ = Mode::kDense;
    const std::size_t nc = static_cast<std::size_t>(cells);
    cell_offsets_.assign(nc + 1, 0);
    std::vector<std::uint64_t> keys(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      keys[i] = key_of(i);
      ++cell_offsets_[keys[i] + 1];
    }
    for (std::size_t c = 0; c < nc; ++c) cell_offsets_[c + 1] += cell_offsets_[c];
    cell_items_.resize(n_);
    std::vector<int> fill(cell_offsets_.begin(), cell_offsets_.end() - 1);
    for (std::size_t i = 0; i < n_; ++i)
      cell_items_[static_cast<std::size_t>(fill[keys[i]]++)] = static_cast<int>(i);
  } else if (!overflow) {
    mode_ = Mode::kHashed;
    std::vector<std::pair<std::uint64_t, int>> kv(n_);
    for (std::size_t i = 0; i < n_; ++i) kv[i] = {key_of(i), static_cast<int>(i)};
    std::sort(kv.begin(), kv.end());
    cell_items_.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      if (i == 0 || kv[i].first != kv[i - 1].first) {
        hashed_keys_.push_back(kv[i].first);
        cell_offsets_.push_back(static_cast<int>(i));
      }
      cell_items_[i] = kv[i].second;
    }
    cell_offsets_.push_back(static_cast<int>(n_));
  } else {
    // Scan mode: per dim, the boxes of each interval id (CSR over all dims, concatenated).
    mode_ = Mode::kScan;
    cell_offsets_.clear();
    cell_items_.clear();
    radix_.assign(d, 0);  // reused: start of dim k's offsets in cell_offsets_
    for (std::size_t k = 0; k < d; ++k) {
      radix_[k] = cell_offsets_.size();
      const std::size_t ni = ivals_[k].size();
      const std::size_t base = cell_offsets_.size();
      cell_offsets_.resize(base + ni + 1, 0);
      for (std::size_t i = 0; i < n_; ++i)
        ++cell_offsets_[base + static_cast<std::size_t>(box_ival_[k][i]) + 1];
      const int item_base = static_cast<int>(cell_items_.size());
      cell_offsets_[base] = item_base;
      for (std::size_t j = 0; j < ni; ++j) cell_offsets_[base + j + 1] += cell_offsets_[base + j];
      cell_items_.resize(cell_items_.size() + n_);
      std::vector<int> fill(cell_offsets_.begin() + static_cast<std::ptrdiff_t>(base),
                            cell_offsets_.begin() + static_cast<std::ptrdiff_t>(base + ni));
      for (std::size_t i = 0; i < n_; ++i)
        cell_items_[static_cast<std::size_t>(fill[static_cast<std::size_t>(box_ival_[k][i])]++)] =
            static_cast<int>(i);
    }
  }
}

void BoxIndex::query(const std::int64_t* q, std::vector<int>& out) const {
  const std::size_t d = static_cast<std::size_t>(d_);
  for (std::size_t k = 0; k < d; ++k) {
    auto& h = hits_[k];
    h.clear();
    const std::int64_t qlo = q[2 * k];
    const std::int64_t qhi = q[2 * k + 1];
    const auto& iv = ivals_[k];
    // Intervals with hi >= qlo have lo >= qlo - max_len + 1.
    const std::pair<std::int64_t, std::int64_t> from{qlo - max_len_[k] + 1,
                                                     std::numeric_limits<std::int64_t>::min()};
    for (auto it = std::lower_bound(iv.begin(), iv.end(), from); it != iv.end() && it->first <= qhi;
         ++it) {
      if (it->second >= qlo) h.push_back(static_cast<int>(it - iv.begin()));
    }
    if (h.empty()) return;
  }
  if (mode_ == Mode::kScan) {
    // Visit the boxes of the dim with the fewest candidates, test the full box.
    std::size_t best = 0;
    std::size_t best_count = std::numeric_limits<std::size_t>::max();
    for (std::size_t k = 0; k < d; ++k) {
      std::size_t c = 0;
      for (int id : hits_[k]) {
        const std::size_t base = static_cast<std::size_t>(radix_[k]) + static_cast<std::size_t>(id);
        c += static_cast<std::size_t>(cell_offsets_[base + 1] - cell_offsets_[base]);
      }
      if (c < best_count) best_count = c, best = k;
    }
    for (int id : hits_[best]) {
      const std::size_t base =
          static_cast<std::size_t>(radix_[best]) + static_cast<std::size_t>(id);
      for (int j = cell_offsets_[base]; j < cell_offsets_[base + 1]; ++j) {
        const int item = cell_items_[static_cast<std::size_t>(j)];
        const std::int64_t* b = &boxes_[static_cast<std::size_t>(item) * 2 * d];
        bool hit = true;
        for (std::size_t k = 0; k < d && hit; ++k)
          hit = b[2 * k] <= q[2 * k + 1] && q[2 * k] <= b[2 * k + 1];
        if (hit) out.push_back(item);
      }
    }
    return;
  }
  // Odometer over the product of the per-dim hits.
  std::vector<std::size_t> pos(d, 0);
  while (true) {
    std::uint64_t key = 0;
    for (std::size_t k = 0; k < d; ++k)
      key += static_cast<std::uint64_t>(hits_[k][pos[k]]) * radix_[k];
    if (mode_ == Mode::kDense) {
      for (int j = cell_offsets_[key]; j < cell_offsets_[key + 1]; ++j)
        out.push_back(cell_items_[static_cast<std::size_t>(j)]);
    } else {
      const auto it = std::lower_bound(hashed_keys_.begin(), hashed_keys_.end(), key);
      if (it != hashed_keys_.end() && *it == key) {
        const std::size_t c = static_cast<std::size_t>(it - hashed_keys_.begin());
        for (int j = cell_offsets_[c]; j < cell_offsets_[c + 1]; ++j)
          out.push_back(cell_items_[static_cast<std::size_t>(j)]);
      }
    }
    std::size_t k = d;
    while (k-- > 0) {
      if (++pos[k] < hits_[k].size()) break;
      pos[k] = 0;
    }
    if (k == static_cast<std::size_t>(-1)) break;
  }
}

}  // namespace stream::tiler::detail
