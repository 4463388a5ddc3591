// Stream's three validation chips: read the chips file, evaluate each chip, compare latencies.
#include "stream/evaluate/validation.hpp"

#include <filesystem>
#include <memory>

#include "stream/common/yaml_node.hpp"
#include "stream/hardware/load.hpp"
#include "stream/mapping/mapping_spec.hpp"
#include "stream/workload/load.hpp"

namespace stream::evaluate {

namespace fs = std::filesystem;

ValidationSpec read_validation_spec(const std::string& path) {
  const auto root = yaml::Node::load_file(path);
  root.check_keys({"chips"});
  ValidationSpec spec;
  spec.file = path;
  const auto base = fs::path(path).parent_path();
  for (const auto& n : root.required("chips").elements()) {
    n.check_keys({"id", "title", "dir", "measured_latency_cycles", "measured_latency_source",
                  "stream_latency_cycles", "semantics"});
    ChipSpec c;
    c.id = n.required("id").as_string();
    c.title = n.required("title").as_string();
    const auto dir_node = n.required("dir");
    c.dir = (base / dir_node.as_string()).lexically_normal().string();
    if (!fs::is_directory(c.dir)) dir_node.fail("no such folder: " + c.dir);
    c.measured_latency_cycles = n.required("measured_latency_cycles").as_int(1);
    c.measured_latency_source = n.required("measured_latency_source").as_string();
    c.stream_latency_cycles = n.required("stream_latency_cycles").as_int(1);
    if (const auto s = n.optional("semantics")) {
      const auto v = s->as_string();
      if (v == "validation2023") {
        c.semantics = scheduler::Semantics::kValidation2023;
      } else if (v == "stream2023") {
        c.semantics = scheduler::Semantics::kStream2023;
      } else {
        s->fail("expected 'validation2023' or 'stream2023', got '" + v + "'");
      }
    }
    for (const auto& other : spec.chips) {
      if (other.id == c.id) n.required("id").fail("duplicate chip id '" + c.id + "'");
    }
    spec.chips.push_back(std::move(c));
  }
  if (spec.chips.empty()) root.required("chips").fail("no chips listed");
  return spec;
}

std::vector<ChipResult> run_validation(const ValidationSpec& spec, cost::CostCache& cache) {
  std::vector<ChipResult> out;
  out.reserve(spec.chips.size());
  for (const auto& chip : spec.chips) {
    PointSpec p;
    const auto dir = fs::path(chip.dir);
    p.accelerator = std::make_shared<const hardware::AcceleratorSpec>(
        hardware::read_accelerator((dir / "accelerator.yaml").string()));
    p.workload = std::make_shared<const workload::WorkloadSpec>(
        workload::load_workload((dir / "workload.yaml").string()));
    p.mapping = std::make_shared<const mapping::MappingSpec>(
        mapping::read_mapping((dir / "mapping.yaml").string()));
    p.options.semantics = chip.semantics;
    ChipResult r;
    r.chip = chip;
    r.point = evaluate_point(p, cache);
    const auto measured = static_cast<double>(chip.measured_latency_cycles);
    r.error_percent = 100.0 * (static_cast<double>(r.point.latency_cycles) - measured) / measured;
    r.stream_error_percent =
        100.0 * (static_cast<double>(chip.stream_latency_cycles) - measured) / measured;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace stream::evaluate
