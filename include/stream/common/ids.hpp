#pragma once
/// Strong integer ids: a CoreId cannot be passed where a LayerId is expected.

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace stream {

template <class Tag, class Rep = std::int32_t>
struct StrongId {
  using rep_type = Rep;
  Rep value{-1};

  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep v) : value(v) {}
  constexpr bool valid() const { return value >= 0; }
  constexpr auto operator<=>(const StrongId&) const = default;
};

template <class Tag, class Rep>
std::string to_string(StrongId<Tag, Rep> id) {
  return std::to_string(id.value);
}

/// A core of an accelerator, as numbered in the accelerator file (`cores: {id: file}`).
using CoreId = StrongId<struct CoreIdTag>;
/// A workload node: the 0-based ONNX node index, or the `id` of a YAML layer.
using LayerId = StrongId<struct LayerIdTag>;

}  // namespace stream

template <class Tag, class Rep>
struct std::hash<stream::StrongId<Tag, Rep>> {
  std::size_t operator()(stream::StrongId<Tag, Rep> id) const noexcept {
    return std::hash<Rep>{}(id.value);
  }
};
