#pragma once
/// The MPI sweep driver and the merge (README "Sweeps"; hpc-conventions §2.5, §3.3).
///
/// Run directory layout:
///   DIR/spec.yaml      the spec text the run was started with (its SHA-256 is the run identity)
///   DIR/run.json       spec path and hash, point count, one record per attempt (provenance)
///   DIR/shards/*.h5    committed results: each a /points table, written under a temporary
///                      name, fsynced and renamed (the rename is the commit)
///   DIR/results.h5     the merged table, each point exactly once, in point order
///
/// Rank 0 dispatches chunks of point indices on request (dynamic: points differ in cost by
/// orders of magnitude) and evaluates chunks itself on a second thread; every rank evaluates
/// a chunk with oneTBB threads that share the process-wide cost cache. A stop request (the
/// application's SIGTERM/SIGUSR1 flag) makes every rank finish the points it is evaluating,
/// commit, and return kStopped. Resume skips the point ids found in committed shards.

#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/sweep_spec.hpp"

namespace stream::sweep {

struct Progress {
  std::int64_t done = 0;   ///< points with a committed or evaluated result (this shard)
  std::int64_t total = 0;  ///< points of this shard
  double elapsed_seconds = 0;
  double rate_points_per_second = 0;  ///< this attempt
  double eta_seconds = 0;             ///< < 0 when unknown
  bool final = false;
};

struct RunOptions {
  std::string out_dir;
  bool resume = false;
  int threads = 0;     ///< oneTBB threads per rank; 0 = oneTBB's default (affinity mask)
  int chunk_size = 0;  ///< points per dispatched chunk; 0 = guided (large first, then small)
  double progress_seconds = 10;
  double commit_seconds = 30;  ///< a rank commits its buffered rows at least this often
  int commit_points = 4096;    ///< ... or when this many rows are buffered
  int shard_index = 0;         ///< job arrays: this task evaluates points with index % count
  int shard_count = 1;         ///<   == shard_index
  std::string command_line;
  std::string engine_version;
  const std::atomic<bool>* stop = nullptr;  ///< set by a signal handler: checkpoint and stop
  std::function<void(const Progress&)> on_progress;    ///< called on rank 0 only
  std::function<void(const std::string&)> on_message;  ///< informational lines, rank 0 only
  int fault_rank = -1;  ///< test hook: this rank raises SIGKILL once it has evaluated
  std::int64_t fault_after_points = -1;  ///< this many points (before committing them)
};

enum class RunOutcome : std::uint8_t {
  kComplete,       ///< every point of the spec is committed; DIR/results.h5 written
  kShardComplete,  ///< this shard (--shard i/n) is done; other shards are missing
  kStopped,        ///< stopped by a signal with work left: resume later (exit 75)
};

struct RunSummary {
  RunOutcome outcome = RunOutcome::kComplete;
  std::int64_t total = 0;         ///< points of this shard
  std::int64_t already_done = 0;  ///< found committed at start (resume)
  std::int64_t evaluated = 0;     ///< evaluated by this attempt, all ranks
  double seconds = 0;
  std::string results_path;
};

/// Runs (or resumes) a sweep. Collective over `comm`: every rank calls it with the same spec
/// and options. Throws InputError (on every rank, same message) for a run directory that
/// holds another spec or, without `resume`, any results.
RunSummary run_sweep(const SweepSpec& spec, const PointSet& points, const Evaluator& evaluator,
                     const RunOptions& options, MPI_Comm comm);

struct MergeSummary {
  std::string path;
  std::int64_t rows = 0;
  std::int64_t shards = 0;
  std::int64_t duplicates_dropped = 0;
};

/// Merges DIR/shards into DIR/results.h5 (local, no MPI): deduplicates on point_id, orders
/// rows as the spec orders points, and throws InputError naming the count when a point is
/// missing.
MergeSummary merge_run(const SweepSpec& spec, const PointSet& points, const std::string& dir,
                       const std::string& engine_version);

/// The spec a run directory was started with (DIR/spec.yaml, relative paths resolved against
/// the original spec's directory recorded in DIR/run.json).
SweepSpec read_run_spec(const std::string& dir);

/// SHA-256 of a spec's text (lower-case hex).
std::string spec_sha256(const SweepSpec& spec);

}  // namespace stream::sweep
