// Outer-CN loops of a layer from the mapping (stream-model.md §3.1).
#include <algorithm>
#include <cstdlib>

#include "internal.hpp"
#include "stream/common/error.hpp"
#include "stream/tiler/tiler.hpp"

namespace stream::tiler {

std::int64_t nearest_divisor(std::int64_t total, std::int64_t factor) {
  if (total < 1 || factor < 1) return 0;
  const std::int64_t lower = std::max<std::int64_t>(2, factor / 50);
  // min(total, 50 * factor) without overflow.
  const std::int64_t upper = factor > total / 50 ? total : std::min(total, 50 * factor);
  std::int64_t best = 0;
  std::int64_t best_dist = 0;
  auto consider = [&](std::int64_t i) {
    if (i < lower || i > upper) return;
    const std::int64_t dist = i > factor ? i - factor : factor - i;
    if (best == 0 || dist < best_dist || (dist == best_dist && i < best)) {
      best = i;
      best_dist = dist;
    }
  };
  // Divisors by trial division up to sqrt(total): O(sqrt(total)), whatever the factor.
  for (std::int64_t i = 1; i <= total / i; ++i) {
    if (total % i != 0) continue;
    consider(i);
    consider(total / i);
  }
  return best;
}

namespace {

std::string loop_text(const mapping::TilingLoop& t) {
  return "[" + t.dim + ", " +
         (t.all   ? std::string("all")
          : t.any ? "*"
                  : std::to_string(t.size)) +
         "]";
}

}  // namespace

std::vector<OuterLoop> outer_loops_for_layer(const workload::LayerSpec& layer,
                                             const mapping::MappingSpec& mapping,
                                             std::vector<std::string>* warnings) {
  const mapping::MappingEntrySpec* entry = mapping.lookup(layer.name, layer.operator_type);
  std::vector<std::pair<mapping::TilingLoop, const char*>> hints;
  if (entry != nullptr) {
    for (const auto& t : entry->inter_core_tiling) hints.emplace_back(t, "inter-core tiling");
  }
  for (const auto& t : mapping.intra_core_tiling_for(layer.id, entry))
    hints.emplace_back(t, "intra-core tiling");

  std::vector<std::int64_t> remaining(layer.dims.size());
  for (std::size_t d = 0; d < layer.dims.size(); ++d) remaining[d] = layer.dims[d].size;

  std::vector<OuterLoop> loops;
  for (const auto& [t, what] : hints) {
    const int d = layer.dim_index(t.dim);
    if (d < 0) continue;  // the layer has no such loop: the hint is dropped (§3.1)
    const std::int64_t rem = remaining[static_cast<std::size_t>(d)];
    std::int64_t s = 0;
    if (t.any) {
      if (warnings != nullptr) {
        warnings->push_back(detail::layer_label(layer) + ": " + what + " " + loop_text(t) +
                            " leaves the split factor to the allocator; not split here");
      }
      continue;
    }
    if (t.all || t.size >= rem) {
      s = rem;
    } else if (t.size < 1) {
      throw InputError(mapping.file, entry != nullptr ? entry->where : detail::layer_label(layer),
                       what + std::string(" ") + loop_text(t) + ": the size must be >= 1");
    } else if (rem % t.size == 0) {
      s = t.size;
    } else {
      s = nearest_divisor(rem, t.size);
      if (s == 0) {
        throw InputError(mapping.file, entry != nullptr ? entry->where : detail::layer_label(layer),
                         detail::layer_label(layer) + ": " + what + " " + loop_text(t) +
                             " does not divide the loop size " + std::to_string(rem) +
                             " and no divisor lies within 50x of it");
      }
      if (warnings != nullptr) {
        warnings->push_back(detail::layer_label(layer) + ": " + what + " " + loop_text(t) +
                            " does not divide the loop size " + std::to_string(rem) + "; using " +
                            std::to_string(s) + ", the nearest divisor");
      }
    }
    remaining[static_cast<std::size_t>(d)] = rem / s;
    loops.push_back(OuterLoop{d, s});
  }
  if (loops.empty() && !layer.dims.empty()) loops.push_back(OuterLoop{0, 1});
  return loops;
}

}  // namespace stream::tiler
