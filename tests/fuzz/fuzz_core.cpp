// libFuzzer target: a ZigZag core file (explicit-port and 2024 styles).
#include "fuzz_support.hpp"
#include "stream/hardware/load.hpp"

STREAM_FUZZ_TARGET({ (void)stream::hardware::parse_core(text, "fuzz_core.yaml"); })
