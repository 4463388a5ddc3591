#pragma once
// The smallest valid core file (one 1024-bit memory serving I1, I2 and O, an 8-wide array),
// shared by tests that mutate it one field at a time.

namespace stream::test {

inline constexpr const char* kMinimalCore = R"(name: tiny
memories:
  sram:
    size: 1024
    r_cost: 1
    w_cost: 1
    operands: [I1, I2, O]
    ports:
      - {name: r1, type: read, bandwidth_min: 8, bandwidth_max: 64, allocation: ["I1, tl", "I2, tl", "O, tl", "O, th"]}
      - {name: w1, type: write, bandwidth_min: 8, bandwidth_max: 64, allocation: ["I1, fh", "I2, fh", "O, fh", "O, fl"]}
    served_dimensions: [D1]
operational_array: {unit_energy: 0.1, unit_area: 1, dimensions: [D1], sizes: [8]}
dataflows:
  - {D1: [K, 8]}
)";

}  // namespace stream::test
