#pragma once
/// JSON views of the parsed inputs (what `stream-hpc inspect --json` writes). Keys use the
/// field names of the ...Spec structs, with units in the names.

#include <nlohmann/json.hpp>

#include "stream/hardware/accelerator_spec.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/workload_spec.hpp"

namespace stream::io {

nlohmann::json to_json(const workload::LayerSpec& layer);
nlohmann::json to_json(const workload::WorkloadSpec& workload);
nlohmann::json to_json(const hardware::CoreSpec& core);
nlohmann::json to_json(const hardware::AcceleratorSpec& acc);
nlohmann::json to_json(const mapping::MappingSpec& mapping);

/// Writes `j` to `path` (pretty-printed) through a temporary file and a rename, so a reader
/// never sees half a file. Throws InputError when the path cannot be written.
void write_json_file(const nlohmann::json& j, const std::string& path);

}  // namespace stream::io
