// stream-hpc's evaluator: the evaluate stage's evaluate_point, once that stage is built.
#include "evaluator.hpp"

#if STREAM_HAVE_EVALUATE
#include "stream/evaluate/point.hpp"
#endif

namespace stream::app {

sweep::Evaluator make_evaluator() {
#if STREAM_HAVE_EVALUATE
  return [](const evaluate::PointSpec& p) { return evaluate::evaluate_point(p); };
#else
  return {};
#endif
}

std::string evaluator_name() {
#if STREAM_HAVE_EVALUATE
  return "evaluate_point";
#else
  return "none";
#endif
}

}  // namespace stream::app
