// libFuzzer target: a sweep spec (README "Sweeps"). Parses it, expands its points and builds
// the first, a middle and the last point (templates filled, cores/accelerator/mapping built
// through the hardware and mapping readers, workload loaded), as a sweep rank would; no MPI.
// Relative paths resolve in STREAM_FUZZ_SWEEP_DIR, a copy of the YAML files of sweeps/ and of
// tests/data/sweep/templates (CMake copies them there).
#include <algorithm>

#include "fuzz_support.hpp"
#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/sweep_spec.hpp"

STREAM_FUZZ_TARGET({
  namespace sw = stream::sweep;
  const sw::SweepSpec spec =
      sw::parse_sweep_spec(text, STREAM_FUZZ_SWEEP_DIR "/fuzz_sweep.yaml", STREAM_FUZZ_SWEEP_DIR);
  const sw::PointSet points = sw::expand_points(spec);
  const sw::PointBuilder builder(spec);
  const std::size_t n = points.size();
  for (const std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
    const sw::Point p = points.point(i);
    (void)sw::describe(spec, p);
    try {
      (void)builder.build(p);  // a point that does not build is an invalid row, not an error
    } catch (const stream::InputError&) {
    }
  }
})
