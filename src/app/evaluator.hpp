#pragma once
// The evaluator the sweep command injects into the sweep engine. stream-hpc links the real
// one (stream::evaluate::evaluate_point, when the evaluate stage is built); stream-hpc-fake,
// a test binary built from the same objects, links a deterministic fake whose cost per point
// is tunable (STREAM_FAKE_WORK = thousands of arithmetic iterations per point).
#include <string>

#include "stream/sweep/point_builder.hpp"

namespace stream::app {

/// Empty when this build has no evaluator.
sweep::Evaluator make_evaluator();
/// "evaluate_point" or "fake"; shown in logs and provenance.
std::string evaluator_name();

}  // namespace stream::app
