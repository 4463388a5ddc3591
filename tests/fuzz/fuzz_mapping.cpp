// libFuzzer target: a mapping file (list form and map form).
#include "fuzz_support.hpp"
#include "stream/mapping/mapping_spec.hpp"

STREAM_FUZZ_TARGET({ (void)stream::mapping::parse_mapping(text, "fuzz_mapping.yaml"); })
