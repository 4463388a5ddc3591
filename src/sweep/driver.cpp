// The MPI sweep driver (see run.hpp). MPI calls happen only on each rank's main thread
// (MPI_THREAD_FUNNELED is enough); rank 0's own evaluation runs on a second std::thread.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "run_dir.hpp"
#include "sha256.hpp"
#include "stream/common/error.hpp"
#include "stream/common/parallel.hpp"
#include "stream/io/h5.hpp"
#include "stream/sweep/results.hpp"
#include "stream/sweep/run.hpp"

namespace stream::sweep {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string spec_sha256(const SweepSpec& spec) { return detail::sha256_hex(spec.text); }

namespace {

/// Shard sequence numbers are unique within a process (several runs may share one process
/// and one second, e.g. a resume in tests); the pid makes them unique between processes.
std::atomic<int> g_shard_seq{0};

constexpr int kTagRequest = 101;
constexpr int kTagWork = 102;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Broadcasts rank 0's error (empty = none); every rank throws the same InputError.
void bcast_error(MPI_Comm comm, int rank, std::string err) {
  int n = static_cast<int>(err.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, comm);
  if (n == 0) return;
  err.resize(static_cast<std::size_t>(n));
  MPI_Bcast(err.data(), n, MPI_CHAR, 0, comm);
  (void)rank;
  throw InputError("--out", "run directory", err);
}

/// Evaluates chunks on one rank and commits its rows as shard files.
class RankWorker {
 public:
  RankWorker(const SweepSpec& spec, const PointSet& points, const Evaluator& eval,
             const RunOptions& opt, int rank, int n_ranks, int threads, std::string start_utc)
      : spec_(spec),
        points_(points),
        builder_(spec),
        eval_(eval),
        opt_(opt),
        rank_(rank),
        n_ranks_(n_ranks),
        threads_(threads),
        start_utc_(std::move(start_utc)),
        buffer_(make_table(spec)),
        last_commit_(Clock::now()) {}

  bool stop_requested() const { return opt_.stop && opt_.stop->load(); }

  /// Evaluates the points of a chunk; returns how many were evaluated (fewer when stopped).
  std::int64_t evaluate(const std::vector<std::uint32_t>& chunk) {
    struct Slot {
      bool done = false;
      std::uint8_t status = 0;
      evaluate::PointResult result;
    };
    std::vector<Slot> slots(chunk.size());
    auto one = [&](std::size_t k) {
      if (stop_requested()) return;  // finish the points already started, start no more
      const Point p = points_.point(chunk[k]);
      const auto t0 = Clock::now();
      Slot& s = slots[k];
      try {
        const BuiltPoint bp = builder_.build(p);
        s.result = eval_(bp.spec);
        s.status = static_cast<std::uint8_t>(s.result.status);
      } catch (const InputError& e) {
        s.result = evaluate::PointResult{};
        s.result.reason = e.what();
        s.status = kStatusInvalid;
      }
      s.result.eval_seconds = seconds_since(t0);
      s.done = true;
    };
#if STREAM_TSAN  // ThreadSanitizer build: plain threads (stream/common/parallel.hpp)
    plain_parallel_for(chunk.size(), threads_, [&](std::size_t k, std::size_t) { one(k); });
#else
    tbb::parallel_for(std::size_t{0}, chunk.size(), one);
#endif
    std::int64_t n = 0;
    for (std::size_t k = 0; k < chunk.size(); ++k) {
      if (!slots[k].done) continue;
      append_row(buffer_, spec_, points_.point(chunk[k]), slots[k].result, slots[k].status, rank_);
      ++n;
    }
    evaluated_ += n;
    if (opt_.fault_rank == rank_ && opt_.fault_after_points >= 0 &&
        evaluated_ >= opt_.fault_after_points) {
      std::raise(SIGKILL);  // test hook: die with uncommitted rows, like a node failure
    }
    return n;
  }

  void maybe_commit() {
    if (static_cast<int>(buffer_.n_rows()) >= opt_.commit_points ||
        seconds_since(last_commit_) >= opt_.commit_seconds) {
      commit();
    }
  }

  /// Writes the buffered rows as a shard: temporary name, close, fsync, rename.
  void commit() {
    last_commit_ = Clock::now();
    if (buffer_.n_rows() == 0) return;
    const fs::path dir = fs::path(opt_.out_dir) / "shards";
    char name[160];
    std::snprintf(name, sizeof name, "s%04d-r%05d-p%d-%s-%06d.h5", opt_.shard_index, rank_,
                  static_cast<int>(::getpid()), start_tag().c_str(), g_shard_seq++);
    const fs::path final_path = dir / name;
    const fs::path tmp = dir / (std::string(".tmp-") + name);
    {
      auto f = io::h5::File::create(tmp.string());
      {
        const auto root = f.root();
        io::write_table(root, "points", buffer_);
        root.set_attr("rank", static_cast<std::int64_t>(rank_));
        root.set_attr("n_ranks", static_cast<std::int64_t>(n_ranks_));
        root.set_attr("threads_per_rank", static_cast<std::int64_t>(threads_));
        root.set_attr("hostname", detail::hostname());
        root.set_attr("attempt_start_utc", start_utc_);
      }
      f.close();
    }
    detail::fsync_path(tmp);
    fs::rename(tmp, final_path);
    detail::fsync_path(final_path);
    buffer_ = buffer_.empty_like();
  }

 private:
  std::string start_tag() const {
    std::string s;
    for (char c : start_utc_) {
      if (std::isdigit(static_cast<unsigned char>(c))) s += c;
    }
    return s;
  }

  const SweepSpec& spec_;
  const PointSet& points_;
  PointBuilder builder_;
  const Evaluator& eval_;
  const RunOptions& opt_;
  int rank_;
  int n_ranks_;
  int threads_;
  std::string start_utc_;
  io::Table buffer_;
  Clock::time_point last_commit_;
  std::int64_t evaluated_ = 0;
};

/// Point ids in the committed shards of a run directory.
std::unordered_set<std::uint64_t> committed_ids(const fs::path& dir) {
  std::unordered_set<std::uint64_t> ids;
  for (const auto& p : detail::committed_shards(dir)) {
    const auto f = io::h5::File::open_read(p.string());
    const auto t = io::read_table(f.root().open_group("points"), {"point_id"});
    const auto& c = t.at("point_id");
    for (std::size_t i = 0; i < c.size(); ++i) ids.insert(c.get<std::uint64_t>(i));
  }
  return ids;
}

std::string env_or(const char* name, const char* dflt) {
  const char* v = std::getenv(name);
  return v ? v : dflt;
}

}  // namespace

RunSummary run_sweep(const SweepSpec& spec, const PointSet& points, const Evaluator& evaluator,
                     const RunOptions& opt, MPI_Comm comm) {
  int rank = 0;
  int size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const auto t_start = Clock::now();
  std::unique_ptr<tbb::global_control> limit;
  if (opt.threads > 0) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<std::size_t>(opt.threads));
  }
  const int threads = opt.threads > 0 ? opt.threads : tbb::info::default_concurrency();
  const fs::path dir(opt.out_dir);
  const std::string sha = spec_sha256(spec);
  RunSummary summary;

  // Host names of every rank, for provenance.
  std::vector<char> hosts(static_cast<std::size_t>(size) * 256, '\0');
  {
    std::string h = detail::hostname();
    h.resize(255, '\0');
    MPI_Gather(h.data(), 256, MPI_CHAR, hosts.data(), 256, MPI_CHAR, 0, comm);
  }

  // Rank 0: run directory, resume state, the pending point indices of this shard.
  std::vector<std::uint32_t> pending;
  std::string err;
  std::string start_utc = detail::utc_now();
  if (rank == 0) {
    try {
      fs::create_directories(dir / "shards");
      const auto j = detail::read_run_json(dir);
      const auto shards = detail::committed_shards(dir);
      if (!j.is_null()) {
        if (j.value("spec_sha256", "") != sha) {
          throw InputError(dir.string(), "run.json",
                           "this run directory holds another sweep spec (sha256 " +
                               j.value("spec_sha256", "?") + ", this spec " + sha + ")");
        }
        if (!opt.resume && !shards.empty() && opt.shard_count == 1) {
          throw InputError(dir.string(), "shards",
                           "the run directory already holds results; pass --resume to "
                           "continue it, or choose another --out");
        }
      }
      const std::unordered_set<std::uint64_t> done = committed_ids(dir);
      for (std::size_t i = 0; i < points.size(); ++i) {
        if (static_cast<int>(i % static_cast<std::size_t>(opt.shard_count)) != opt.shard_index)
          continue;
        ++summary.total;
        if (done.count(points.id(i))) {
          ++summary.already_done;
        } else {
          pending.push_back(static_cast<std::uint32_t>(i));
        }
      }
      if (!fs::exists(dir / "spec.yaml")) detail::write_atomic(dir / "spec.yaml", spec.text);
      std::vector<std::string> host_list;
      for (int r = 0; r < size; ++r)
        host_list.emplace_back(&hosts[static_cast<std::size_t>(r) * 256]);
      std::sort(host_list.begin(), host_list.end());
      host_list.erase(std::unique(host_list.begin(), host_list.end()), host_list.end());
      detail::update_run_json(dir, [&](nlohmann::json& rj) {
        if (!rj.contains("spec_sha256")) {
          rj["spec_sha256"] = sha;
          rj["spec_file"] = fs::absolute(spec.file).string();
          rj["spec_dir"] = spec.base_dir;
          rj["n_points"] = points.size();
          rj["created_utc"] = start_utc;
        }
        nlohmann::json a;
        a["start_utc"] = start_utc;
        a["command_line"] = opt.command_line;
        a["n_ranks"] = size;
        a["threads_per_rank"] = threads;
        a["hostnames"] = host_list;
        a["shard"] = std::to_string(opt.shard_index) + "/" + std::to_string(opt.shard_count);
        a["slurm_job_id"] = env_or("SLURM_JOB_ID", "");
        a["slurm_array_job_id"] = env_or("SLURM_ARRAY_JOB_ID", "");
        a["slurm_array_task_id"] = env_or("SLURM_ARRAY_TASK_ID", "");
        a["slurm_restart_count"] = env_or("SLURM_RESTART_COUNT", "");
        a["engine_version"] = opt.engine_version;
        a["pending_points"] = pending.size();
        rj["attempts"].push_back(a);
      });
    } catch (const InputError& e) {
      err = e.what();
    } catch (const std::exception& e) {
      err = e.what();
    }
  }
  bcast_error(comm, rank, err);
  {
    int n = static_cast<int>(start_utc.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, comm);
    start_utc.resize(static_cast<std::size_t>(n));
    MPI_Bcast(start_utc.data(), n, MPI_CHAR, 0, comm);
  }

  RankWorker worker(spec, points, evaluator, opt, rank, size, threads, start_utc);
  std::int64_t evaluated_total = 0;
  bool stopped = false;

  if (rank == 0) {
    if (opt.on_message) {
      opt.on_message(std::to_string(summary.total) + " points, " +
                     std::to_string(summary.already_done) + " already committed, " +
                     std::to_string(pending.size()) + " to evaluate on " + std::to_string(size) +
                     " rank(s) x " + std::to_string(threads) + " thread(s)");
    }
    std::mutex mu;
    std::size_t next = 0;
    std::atomic<bool> stop_all{false};
    std::atomic<std::int64_t> done{0};
    auto take = [&]() {
      std::vector<std::uint32_t> c;
      std::lock_guard lock(mu);
      if (stop_all.load() || worker.stop_requested() || next >= pending.size()) return c;
      const std::size_t remaining = pending.size() - next;
      std::size_t n = static_cast<std::size_t>(opt.chunk_size);
      if (n == 0) {
        n = remaining / (4 * static_cast<std::size_t>(size));
        n = std::clamp<std::size_t>(n, static_cast<std::size_t>(std::max(1, threads)), 256);
      }
      n = std::min(n, remaining);
      c.assign(pending.begin() + static_cast<std::ptrdiff_t>(next),
               pending.begin() + static_cast<std::ptrdiff_t>(next + n));
      next += n;
      return c;
    };
    std::atomic<bool> local_done{false};
    std::exception_ptr local_error;
    std::thread local([&] {
      try {
        for (;;) {
          const auto c = take();
          if (c.empty()) break;
          done += worker.evaluate(c);
          worker.maybe_commit();
          if (worker.stop_requested()) break;
        }
        worker.commit();
      } catch (...) {
        local_error = std::current_exception();
        stop_all = true;
      }
      local_done = true;
    });
    int active = size - 1;
    auto last_progress = Clock::now();
    auto report = [&](bool final) {
      if (!opt.on_progress) return;
      Progress p;
      p.total = summary.total;
      p.done = summary.already_done + done.load();
      p.elapsed_seconds = seconds_since(t_start);
      p.rate_points_per_second =
          p.elapsed_seconds > 0 ? static_cast<double>(done.load()) / p.elapsed_seconds : 0;
      p.eta_seconds = p.rate_points_per_second > 0
                          ? static_cast<double>(p.total - p.done) / p.rate_points_per_second
                          : -1;
      p.final = final;
      opt.on_progress(p);
    };
    while (active > 0 || !local_done.load()) {
      int flag = 0;
      MPI_Status st;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, comm, &flag, &st);
      if (flag) {
        std::int64_t msg[2] = {0, 0};
        MPI_Recv(msg, 2, MPI_INT64_T, st.MPI_SOURCE, kTagRequest, comm, MPI_STATUS_IGNORE);
        done += msg[0];
        if (msg[1] != 0) stop_all = true;
        const auto c = take();
        const int n = static_cast<int>(c.size());
        MPI_Send(c.data(), n, MPI_UINT32_T, st.MPI_SOURCE, kTagWork, comm);
        if (n == 0) --active;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (opt.progress_seconds > 0 && seconds_since(last_progress) >= opt.progress_seconds) {
        last_progress = Clock::now();
        report(false);
      }
    }
    local.join();
    if (local_error) std::rethrow_exception(local_error);
    evaluated_total = done.load();
    stopped = stop_all.load() || worker.stop_requested();
    report(true);
  } else {
    std::int64_t report_done = 0;
    bool stopping = false;
    for (;;) {
      std::int64_t msg[2] = {report_done, stopping ? 1 : 0};
      MPI_Send(msg, 2, MPI_INT64_T, 0, kTagRequest, comm);
      MPI_Status st;
      MPI_Probe(0, kTagWork, comm, &st);
      int n = 0;
      MPI_Get_count(&st, MPI_UINT32_T, &n);
      std::vector<std::uint32_t> c(static_cast<std::size_t>(n));
      MPI_Recv(c.data(), n, MPI_UINT32_T, 0, kTagWork, comm, MPI_STATUS_IGNORE);
      if (n == 0) break;
      report_done = worker.evaluate(c);
      worker.maybe_commit();
      if (worker.stop_requested()) {
        worker.commit();
        stopping = true;
      }
    }
    worker.commit();
  }
  // Every rank has committed its rows once it gets here.
  MPI_Barrier(comm);

  int outcome = 0;
  std::string merge_err;
  if (rank == 0) {
    summary.evaluated = evaluated_total;
    try {
      const auto done = committed_ids(dir);
      std::size_t have = 0;
      for (std::size_t i = 0; i < points.size(); ++i) have += done.count(points.id(i));
      if (have == points.size()) {
        const auto m = merge_run(spec, points, opt.out_dir, opt.engine_version);
        summary.results_path = m.path;
        outcome = static_cast<int>(RunOutcome::kComplete);
      } else if (!stopped && opt.shard_count > 1) {
        outcome = static_cast<int>(RunOutcome::kShardComplete);
      } else {
        outcome = static_cast<int>(RunOutcome::kStopped);
      }
    } catch (const std::exception& e) {
      merge_err = e.what();
    }
  }
  bcast_error(comm, rank, merge_err);
  MPI_Bcast(&outcome, 1, MPI_INT, 0, comm);
  summary.outcome = static_cast<RunOutcome>(outcome);
  summary.seconds = seconds_since(t_start);
  return summary;
}

}  // namespace stream::sweep
