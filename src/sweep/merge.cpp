// The merge: shards -> DIR/results.h5, each point exactly once, in point order.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "run_dir.hpp"
#include "sha256.hpp"
#include "stream/common/error.hpp"
#include "stream/io/h5.hpp"
#include "stream/sweep/results.hpp"
#include "stream/sweep/run.hpp"

namespace stream::sweep {

namespace fs = std::filesystem;

SweepSpec read_run_spec(const std::string& dir) {
  const auto j = detail::read_run_json(dir);
  if (j.is_null()) {
    throw InputError(dir, "run.json", "not a sweep run directory (no run.json)");
  }
  std::ifstream in(fs::path(dir) / "spec.yaml", std::ios::binary);
  if (!in) throw InputError(dir, "spec.yaml", "missing: the run directory is incomplete");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_sweep_spec(ss.str(), j.value("spec_file", dir + "/spec.yaml"),
                          j.value("spec_dir", dir));
}

MergeSummary merge_run(const SweepSpec& spec, const PointSet& points, const std::string& dir,
                       const std::string& engine_version) {
  MergeSummary ms;
  const auto run = detail::read_run_json(dir);
  const std::string sha = spec_sha256(spec);
  if (!run.is_null() && run.value("spec_sha256", sha) != sha) {
    throw InputError(dir, "run.json", "the run directory holds another sweep spec");
  }
  std::unordered_map<std::uint64_t, std::uint32_t> index;
  index.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    index.emplace(points.id(i), static_cast<std::uint32_t>(i));
  }
  const io::Table schema = make_table(spec);
  std::vector<io::Table> tables;
  std::vector<std::pair<std::int32_t, std::uint32_t>> where(points.size(), {-1, 0});
  std::vector<std::string> hosts;
  std::int64_t max_ranks = 0, max_threads = 0;
  for (const auto& p : detail::committed_shards(dir)) {
    const auto f = io::h5::File::open_read(p.string());
    const auto root = f.root();
    io::Table t = io::read_table(root.open_group("points"));
    if (t.columns.size() != schema.columns.size()) {
      throw InputError(p.string(), "/points", "the shard's columns differ from the spec's");
    }
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      if (t.columns[k].name != schema.columns[k].name ||
          t.columns[k].type != schema.columns[k].type) {
        throw InputError(p.string(), "/points/" + t.columns[k].name,
                         "the shard's columns differ from the spec's");
      }
    }
    if (root.has_attr("hostname")) hosts.push_back(root.attr_string("hostname"));
    if (root.has_attr("n_ranks")) max_ranks = std::max(max_ranks, root.attr_int("n_ranks"));
    if (root.has_attr("threads_per_rank")) {
      max_threads = std::max(max_threads, root.attr_int("threads_per_rank"));
    }
    const auto& ids = t.at("point_id");
    const auto ti = static_cast<std::int32_t>(tables.size());
    for (std::size_t r = 0; r < ids.size(); ++r) {
      const auto it = index.find(ids.get<std::uint64_t>(r));
      if (it == index.end()) {
        throw InputError(p.string(), "/points/point_id",
                         "a point id that the spec does not produce");
      }
      auto& w = where[it->second];
      if (w.first >= 0) {
        ++ms.duplicates_dropped;
      } else {
        w = {ti, static_cast<std::uint32_t>(r)};
      }
    }
    tables.push_back(std::move(t));
    ++ms.shards;
  }
  std::int64_t missing = 0;
  for (const auto& w : where) missing += w.first < 0;
  if (missing > 0) {
    throw InputError(dir, "shards",
                     std::to_string(missing) + " of " + std::to_string(points.size()) +
                         " points have no committed result; run the sweep again with --resume "
                         "(or finish every --shard) before merging");
  }
  io::Table out = schema;
  for (auto& c : out.columns) c.data.reserve(points.size() * c.elem_size());
  for (const auto& [ti, r] : where) {
    const auto& t = tables[static_cast<std::size_t>(ti)];
    for (std::size_t k = 0; k < out.columns.size(); ++k) {
      out.columns[k].append_from(t.columns[k], r);
    }
  }
  tables.clear();
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());

  const fs::path final_path = fs::path(dir) / "results.h5";
  const fs::path tmp = fs::path(dir) / ".tmp-results.h5";
  {
    auto f = io::h5::File::create(tmp.string());
    {
      const auto root = f.root();
      io::write_table(root, "points", out);
      write_dims(root, spec);
      const auto prov = root.create_group("provenance");
      prov.write_strings("sweep_spec", {spec.text});
      root.set_attr("schema", std::string("stream-hpc sweep results"));
      root.set_attr("schema_version", std::int64_t{1});
      root.set_attr("engine_version", engine_version);
      root.set_attr("spec_sha256", sha);
      root.set_attr("spec_name", spec.name);
      // Comma-separated fix names, "none" for Stream's behaviour.
      root.set_attr("scheduler_fixes",
                    spec.fixes.empty() ? std::string("none") : spec.fixes.to_string());
      root.set_attr("hdf5_version", io::h5::library_version());
      root.set_attr("n_points", static_cast<std::int64_t>(points.size()));
      root.set_attr("n_shards", ms.shards);
      root.set_attr("duplicates_dropped", ms.duplicates_dropped);
      root.set_attr("hostnames", hosts);
      root.set_attr("end_utc", detail::utc_now());
      std::string start = detail::utc_now();
      std::string cmd, job, array_job, task;
      std::int64_t n_ranks = max_ranks, threads = max_threads, attempts = 0;
      if (!run.is_null()) {
        start = run.value("created_utc", start);
        if (run.contains("attempts") && !run["attempts"].empty()) {
          const auto& last = run["attempts"].back();
          attempts = static_cast<std::int64_t>(run["attempts"].size());
          cmd = last.value("command_line", "");
          job = last.value("slurm_job_id", "");
          array_job = last.value("slurm_array_job_id", "");
          task = last.value("slurm_array_task_id", "");
          n_ranks = last.value("n_ranks", n_ranks);
          threads = last.value("threads_per_rank", threads);
        }
      }
      root.set_attr("start_utc", start);
      root.set_attr("n_ranks", n_ranks);
      root.set_attr("threads_per_rank", threads);
      root.set_attr("n_attempts", attempts);
      root.set_attr("command_line", cmd);
      root.set_attr("slurm_job_id", job);
      root.set_attr("slurm_array_job_id", array_job);
      root.set_attr("slurm_array_task_id", task);
    }
    f.close();
  }
  detail::fsync_path(tmp);
  fs::rename(tmp, final_path);
  detail::fsync_path(final_path);
  ms.path = final_path.string();
  ms.rows = static_cast<std::int64_t>(out.n_rows());
  return ms;
}

}  // namespace stream::sweep
