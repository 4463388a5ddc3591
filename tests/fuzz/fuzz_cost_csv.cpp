// libFuzzer target: an external cost table (CSV).
#include "fuzz_support.hpp"
#include "stream/cost/cn_cost.hpp"

STREAM_FUZZ_TARGET({ (void)stream::cost::parse_cost_table(text, "fuzz_costs.csv"); })
