#pragma once
// Run-directory helpers shared by the driver and the merge: paths, UTC times, atomic writes,
// the run.json record (under an flock on DIR/.lock), committed shard listing.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace stream::sweep::detail {

std::string utc_now();  ///< ISO 8601, e.g. 2026-11-27T02:45:00Z
std::string hostname();
/// Writes `text` to `path` atomically: temporary file, fsync, rename, fsync of the directory.
void write_atomic(const std::filesystem::path& path, const std::string& text);
/// fsync of a file and of its directory after a rename.
void fsync_path(const std::filesystem::path& path);

/// Committed shard files (DIR/shards/*.h5, temporary files excluded), sorted by name.
std::vector<std::filesystem::path> committed_shards(const std::filesystem::path& dir);

/// Reads DIR/run.json (null when absent).
nlohmann::json read_run_json(const std::filesystem::path& dir);
/// Applies `update` to DIR/run.json under an exclusive flock of DIR/.lock and writes it back
/// atomically.
void update_run_json(const std::filesystem::path& dir,
                     const std::function<void(nlohmann::json&)>& update);

}  // namespace stream::sweep::detail
