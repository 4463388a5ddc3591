#pragma once
/// Workload readers. All throw stream::InputError naming the file, the YAML path or ONNX node
/// and the reason for any malformed or inconsistent input.

#include <string>
#include <string_view>
#include <vector>

#include "stream/workload/workload_spec.hpp"

namespace stream::workload {

/// `zoo:NAME` -> the built-in model, `*.onnx` -> ONNX, `*.yaml`/`*.yml` -> the YAML layer list.
WorkloadSpec load_workload(const std::string& spec);

/// ONNX model (shapes only: weights may be absent or external). Layer id = node index.
WorkloadSpec read_onnx_workload(const std::string& path);
/// ONNX model from bytes; `name` stands for the file in messages.
WorkloadSpec parse_onnx_workload(const std::string& bytes, const std::string& name);

/// YAML list of layers (formats.md "Workload" 2).
WorkloadSpec read_yaml_workload(const std::string& path);
WorkloadSpec parse_yaml_workload(const std::string& text, const std::string& name);

/// Built-in models, built without any file: resnet18, resnet50, mobilenetv2, squeezenet,
/// tinyyolov2, fsrcnn, bert_encoder, llm_decoder.
WorkloadSpec zoo_workload(std::string_view name);
std::vector<std::string> zoo_names();

}  // namespace stream::workload
