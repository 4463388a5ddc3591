// libFuzzer target: the YAML layer list of Stream/ZigZag.
#include "fuzz_support.hpp"
#include "stream/workload/load.hpp"

STREAM_FUZZ_TARGET({ (void)stream::workload::parse_yaml_workload(text, "fuzz_workload.yaml"); })
