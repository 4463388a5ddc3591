// libFuzzer target: an ONNX model (protobuf bytes).
#include "fuzz_support.hpp"
#include "stream/workload/load.hpp"

STREAM_FUZZ_TARGET({ (void)stream::workload::parse_onnx_workload(text, "fuzz.onnx"); })
