#include "stream/hardware/accelerator_spec.hpp"

#include <algorithm>

#include "stream/common/error.hpp"

namespace stream::hardware {

const CoreInstance* AcceleratorSpec::find_core(CoreId id) const {
  auto it = std::lower_bound(cores.begin(), cores.end(), id,
                             [](const CoreInstance& c, CoreId v) { return c.id < v; });
  return (it != cores.end() && it->id == id) ? &*it : nullptr;
}

const CoreSpec& AcceleratorSpec::core(CoreId id) const {
  const auto* c = find_core(id);
  STREAM_ASSERT(c != nullptr, "no core with id " + std::to_string(id.value));
  return *c->spec;
}

std::vector<CoreId> AcceleratorSpec::core_ids() const {
  std::vector<CoreId> out;
  out.reserve(cores.size());
  for (const auto& c : cores) out.push_back(c.id);
  return out;
}

std::vector<CoreId> AcceleratorSpec::compute_core_ids() const {
  std::vector<CoreId> out;
  for (const auto& c : cores) {
    if (c.id != offchip_core) out.push_back(c.id);
  }
  return out;
}

const Route* AcceleratorSpec::route(CoreId from, CoreId to) const {
  auto it = routes.find({from, to});
  return it == routes.end() ? nullptr : &it->second;
}

int AcceleratorSpec::top_memory_of(CoreId c, MemOperand op) const {
  const auto* inst = find_core(c);
  if (inst == nullptr) return -1;
  const int level = inst->spec->top_level_for(op);
  if (level < 0) return -1;
  for (const auto& m : top_memories) {
    for (const auto& [core, lv] : m.owners) {
      if (core == c && lv == level) return m.index;
    }
  }
  return -1;
}

}  // namespace stream::hardware
