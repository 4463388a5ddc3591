// `stream-hpc sweep SPEC`: dry run, MPI run, resume, merge; `stream-hpc pareto`.
#include <mpi.h>
#include <oneapi/tbb/info.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "evaluator.hpp"
#include "stream/common/error.hpp"
#include "stream/io/h5.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/pareto.hpp"
#include "stream/sweep/point_builder.hpp"
#include "stream/sweep/run.hpp"
#include "table.hpp"

namespace stream::app {
namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 70;
constexpr int kExitCheckpointed = 75;

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

struct SweepArgs {
  std::vector<std::string> positional;
  std::string out;
  bool dry_run = false;
  bool resume = false;
  bool quiet = false;
  bool no_pareto = false;
  int threads = 0;
  int chunk = 0;
  int examples = 5;
  double progress = 10;
  double commit_seconds = 30;
  int commit_points = 4096;
  std::string shard = "0/1";
  std::string command_line;
};

std::string hms(double s) {
  if (s < 0) return "?";
  const auto t = static_cast<long long>(s + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
  return buf;
}

/// MPI_Init_thread / MPI_Finalize for the scope of a command.
class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// Builds a few points (first, last, evenly spaced) so a template that cannot give a valid
/// accelerator, mapping or workload stops the sweep before any work.
void validate_sample(const sweep::SweepSpec& spec, const sweep::PointSet& pts) {
  sweep::PointBuilder b(spec);
  const std::size_t n = pts.size();
  const std::size_t k = std::min<std::size_t>(n, 17);
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t i = k == 1 ? 0 : j * (n - 1) / (k - 1);
    b.build(pts.point(i));
  }
}

int dry_run(const SweepArgs& a) {
  const auto spec = sweep::read_sweep_spec(a.positional[0]);
  const auto pts = sweep::expand_points(spec);
  validate_sample(spec, pts);
  std::cout << "sweep '" << spec.name << "': " << pts.size() << " points";
  if (pts.dropped_by_constraints() > 0) {
    std::cout << " (" << pts.dropped_by_constraints() << " dropped by constraints)";
  }
  std::cout << ", " << spec.params.size() << " parameters\n";
  int shard_i = 0, shard_n = 1;
  std::sscanf(a.shard.c_str(), "%d/%d", &shard_i, &shard_n);
  std::cout << "spec sha256 " << sweep::spec_sha256(spec) << "\n";
  std::cout << "examples:\n";
  sweep::PointBuilder b(spec);
  const std::size_t n = pts.size();
  const auto k = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, a.examples)));
  for (std::size_t j = 0; j < k; ++j) {
    const std::size_t i = k == 1 ? 0 : j * (n - 1) / (k - 1);
    const auto p = pts.point(i);
    const auto bp = b.build(p);
    char id[32];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(p.id));
    std::cout << "  #" << i << " point_id 0x" << id << "  " << sweep::describe(spec, p) << "\n"
              << "      cores " << bp.compute_cores << " (" << bp.spec.accelerator->cores.size()
              << " with extra and DRAM cores), " << bp.spec.accelerator->channels.size()
              << " channels, workload " << bp.spec.workload->name << " ("
              << bp.spec.workload->nodes.size() << " layers)\n";
  }
  return 0;
}

void print_front(const std::string& path, const std::vector<std::string>& objectives,
                 const std::string& by, const std::string& csv, std::ostream& os);

int run(const SweepArgs& a) {
  MpiSession mpi;
  const int rank = mpi.rank();
  auto say = [&](const std::string& s) {
    if (rank == 0) std::cout << s << std::endl;
  };
  // Errors every rank sees alike (bad spec, run directory): rank 0 reports, all exit 2.
  try {
    if (const char* nt = std::getenv("SLURM_NTASKS")) {
      if (std::atoi(nt) != mpi.size()) {
        throw InputError("SLURM_NTASKS", nt,
                         "the job has " + std::string(nt) + " tasks but MPI sees " +
                             std::to_string(mpi.size()) +
                             " rank(s): launch with srun --mpi=pmix (or mpirun inside the "
                             "allocation) so that every task joins one MPI job");
      }
    }
    if (a.out.empty()) throw InputError("--out", "", "a run needs --out DIR (or --dry-run)");
    int shard_i = 0, shard_n = 1;
    if (std::sscanf(a.shard.c_str(), "%d/%d", &shard_i, &shard_n) != 2 || shard_n < 1 ||
        shard_i < 0 || shard_i >= shard_n) {
      throw InputError("--shard", a.shard, "expected I/N with 0 <= I < N");
    }
    const auto evaluator = make_evaluator();
    if (!evaluator) {
      throw InputError("stream-hpc sweep", "",
                       "this build has no evaluator (the evaluate stage is not built yet); "
                       "--dry-run works");
    }
    const auto spec = sweep::read_sweep_spec(a.positional[0]);
    const auto pts = sweep::expand_points(spec);
    validate_sample(spec, pts);

    // Per-rank placement, for the log (hpc-conventions §1.1 rule 3).
    {
      cpu_set_t set;
      CPU_ZERO(&set);
      int cpus = 0;
      if (sched_getaffinity(0, sizeof set, &set) == 0) cpus = CPU_COUNT(&set);
      int line[3] = {cpus, tbb::info::default_concurrency(), a.threads};
      std::vector<int> all(static_cast<std::size_t>(mpi.size()) * 3);
      MPI_Gather(line, 3, MPI_INT, all.data(), 3, MPI_INT, 0, MPI_COMM_WORLD);
      if (rank == 0 && !a.quiet) {
        for (int r = 0; r < mpi.size(); ++r) {
          const auto* l = &all[static_cast<std::size_t>(r) * 3];
          std::cout << "rank " << r << ": " << l[0] << " allowed CPU(s), oneTBB concurrency "
                    << l[1] << ", threads " << (l[2] > 0 ? std::to_string(l[2]) : "default")
                    << "\n";
        }
        std::cout << "evaluator: " << evaluator_name() << std::endl;
      }
    }
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGUSR1, on_stop_signal);

    sweep::RunOptions o;
    o.out_dir = a.out;
    o.resume = a.resume;
    o.threads = a.threads;
    o.chunk_size = a.chunk;
    o.progress_seconds = a.quiet ? 0 : a.progress;
    o.commit_seconds = a.commit_seconds;
    o.commit_points = a.commit_points;
    o.shard_index = shard_i;
    o.shard_count = shard_n;
    o.command_line = a.command_line;
    o.engine_version = std::string(STREAM_VERSION) + " (evaluator " + evaluator_name() + ")";
    o.stop = &g_stop;
    if (const char* f = std::getenv("STREAM_FAULT")) {  // test hook: rank=R,after_points=N
      std::sscanf(f, "rank=%d,after_points=%ld", &o.fault_rank, &o.fault_after_points);
    }
    // A bar only on a real terminal: mpirun gives ranks a pseudo-terminal, so plain lines
    // whenever a launcher started us.
    const bool tty = isatty(STDOUT_FILENO) != 0 && std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr &&
                     std::getenv("PMIX_RANK") == nullptr && std::getenv("SLURM_JOB_ID") == nullptr;
    if (!a.quiet) {
      o.on_message = [&](const std::string& s) { say(s); };
      o.on_progress = [tty](const sweep::Progress& p) {
        const double pct = p.total > 0
                               ? 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total)
                               : 100.0;
        char buf[200];
        std::snprintf(buf, sizeof buf, "[sweep] %lld/%lld (%.1f%%) %.1f pt/s elapsed %s ETA %s",
                      static_cast<long long>(p.done), static_cast<long long>(p.total), pct,
                      p.rate_points_per_second, hms(p.elapsed_seconds).c_str(),
                      hms(p.eta_seconds).c_str());
        if (tty) {
          std::cout << '\r' << buf << (p.final ? "\n" : "") << std::flush;
        } else {
          std::cout << buf << std::endl;
        }
      };
    }
    const auto s = sweep::run_sweep(spec, pts, evaluator, o, MPI_COMM_WORLD);
    if (s.outcome == sweep::RunOutcome::kStopped) {
      say("stopped with work left: committed results are in " + a.out +
          "/shards; rerun with --resume to continue");
      return kExitCheckpointed;
    }
    if (s.outcome == sweep::RunOutcome::kShardComplete) {
      say("shard " + a.shard + " complete; when every shard is done: stream-hpc sweep merge " +
          a.out);
      return 0;
    }
    if (!a.quiet) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "evaluated %lld points in %.1f s (%.1f points/s)",
                    static_cast<long long>(s.evaluated), s.seconds,
                    s.seconds > 0 ? static_cast<double>(s.evaluated) / s.seconds : 0.0);
      say(buf);
    }
    say("results: " + s.results_path);
    if (rank == 0 && !a.no_pareto) {
      // Fronts of different workloads are not comparable: one per workload when it varies.
      const int w = spec.param_index("workload");
      const bool by_workload =
          w >= 0 && spec.params[static_cast<std::size_t>(w)].type == sweep::ParamType::kString &&
          spec.params[static_cast<std::size_t>(w)].dictionary.size() > 1;
      print_front(s.results_path, {"latency_cycles", "energy_pj"}, by_workload ? "workload" : "",
                  "", std::cout);
    }
    return 0;
  } catch (const InputError& e) {
    if (rank == 0) std::cerr << "stream-hpc: error: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    // Seen by one rank only: stop the whole job.
    std::cerr << "stream-hpc: rank " << rank << ": error: " << e.what() << '\n';
    MPI_Abort(MPI_COMM_WORLD, kExitInternal);
    return kExitInternal;
  }
}

int merge(const SweepArgs& a) {
  if (a.positional.size() != 2) throw InputError("sweep merge", "", "usage: sweep merge DIR");
  const std::string dir = a.positional[1];
  const auto spec = sweep::read_run_spec(dir);
  const auto pts = sweep::expand_points(spec);
  const auto m = sweep::merge_run(spec, pts, dir, std::string(STREAM_VERSION) + " (merge)");
  std::cout << "merged " << m.shards << " shard(s): " << m.rows << " points ("
            << m.duplicates_dropped << " duplicate rows dropped) -> " << m.path << "\n";
  if (!a.no_pareto) print_front(m.path, {"latency_cycles", "energy_pj"}, "", "", std::cout);
  return 0;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void print_front(const std::string& path, const std::vector<std::string>& objectives,
                 const std::string& by, const std::string& csv, std::ostream& os) {
  if (!std::filesystem::exists(path)) throw InputError(path, "(file)", "no such file");
  const auto f = io::h5::File::open_read(path);
  const auto root = f.root();
  if (!root.has("points")) throw InputError(path, "/points", "not a sweep results file");
  const auto g = root.open_group("points");
  const auto t = io::read_table(g);
  const auto rows = sweep::pareto_front(t, objectives, by);
  // Columns shown: point_id, the parameters (between reason_code and latency_cycles), the
  // objectives (and the grouping column first when given).
  std::vector<std::string> cols{"point_id"};
  const int first = t.index("reason_code") + 1;
  const int last = t.index("latency_cycles");
  for (int k = first; k >= 1 && k < last; ++k)
    cols.push_back(t.columns[static_cast<std::size_t>(k)].name);
  for (const auto& o : objectives) {
    if (std::find(cols.begin(), cols.end(), o) == cols.end()) cols.push_back(o);
  }
  std::map<std::string, std::vector<std::string>> dicts;
  for (const auto& c : cols) {
    if (root.has("dims") && root.open_group("dims").has(c)) {
      dicts[c] = root.open_group("dims").read_strings(c);
    }
  }
  // The terminal table rounds fractions (to 0.1 above 10^4, else to 6 significant digits); the
  // CSV keeps every value exactly (shortest round-trip text).
  auto cell = [&](const std::string& c, std::size_t r, bool exact) -> std::string {
    const auto& col = t.at(c);
    if (c == "point_id") {
      return std::to_string(col.get<std::uint64_t>(r));
    }
    const auto it = dicts.find(c);
    if (it != dicts.end()) {
      const auto code = static_cast<std::size_t>(col.as_double(r));
      return code < it->second.size() ? it->second[code] : "?";
    }
    const double v = col.as_double(r);
    if (exact || !std::isfinite(v) || (v == std::floor(v) && std::fabs(v) < 0x1p53)) return num(v);
    char buf[64];
    std::snprintf(buf, sizeof buf, std::fabs(v) >= 1e4 ? "%.1f" : "%.6g", v);
    return buf;
  };
  std::string title = "Pareto front (" + std::to_string(rows.size()) + " of " +
                      std::to_string(t.n_rows()) + " points; minimising";
  for (const auto& o : objectives) title += " " + o;
  if (!by.empty()) title += "; per " + by;
  os << title << ")\n";
  Table out(cols);
  for (auto r : rows) {
    std::vector<std::string> row;
    for (const auto& c : cols) row.push_back(cell(c, r, false));
    out.add(std::move(row));
  }
  out.print(os);
  if (!csv.empty()) {
    std::ofstream f2(csv);
    if (!f2) throw InputError(csv, "(file)", "cannot write the CSV file");
    for (std::size_t k = 0; k < cols.size(); ++k) f2 << (k ? "," : "") << cols[k];
    f2 << "\n";
    for (auto r : rows) {
      for (std::size_t k = 0; k < cols.size(); ++k) f2 << (k ? "," : "") << cell(cols[k], r, true);
      f2 << "\n";
    }
    os << "wrote " << csv << "\n";
  }
}

}  // namespace

void register_sweep(CLI::App& app, Action& action, const std::string& command_line) {
  auto a = std::make_shared<SweepArgs>();
  a->command_line = command_line;
  auto* s = app.add_subcommand(
      "sweep",
      "Run a sweep: mpirun -np N stream-hpc sweep SPEC --out DIR (README 'Sweeps'); "
      "'stream-hpc sweep merge DIR' merges the shards of a run directory");
  s->add_option("spec", a->positional, "SPEC (a sweep YAML file), or: merge DIR")
      ->required()
      ->expected(1, 2);
  s->add_option("--out", a->out, "Run directory (shards, run.json, results.h5)");
  s->add_flag("--dry-run", a->dry_run, "Print the number of points and examples; no work");
  s->add_flag("--resume", a->resume, "Continue a run: skip points already committed in --out");
  s->add_flag("--quiet", a->quiet, "No progress lines");
  s->add_flag("--no-pareto", a->no_pareto, "Do not print the Pareto front at the end");
  s->add_option("--threads", a->threads, "oneTBB threads per rank (default: allowed CPUs)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--chunk-size", a->chunk, "Points per dispatched chunk (default: guided)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--examples", a->examples, "Examples shown by --dry-run")
      ->check(CLI::PositiveNumber);
  s->add_option("--progress-interval", a->progress, "Seconds between progress lines");
  s->add_option("--commit-interval", a->commit_seconds,
                "A rank commits its results at least this often (seconds)");
  s->add_option("--commit-points", a->commit_points, "... or every this many points")
      ->check(CLI::PositiveNumber);
  s->add_option("--shard", a->shard, "I/N: evaluate only points with index % N == I (job arrays)");
  s->callback([a, &action] {
    action = [a]() -> int {
      if (!a->positional.empty() && a->positional[0] == "merge") return merge(*a);
      if (a->positional.size() != 1) {
        throw InputError("sweep", "", "expected one SPEC file (or: merge DIR)");
      }
      if (a->dry_run) return dry_run(*a);
      return run(*a);
    };
  });
}

void register_pareto(CLI::App& app, Action& action) {
  struct Args {
    std::string file;
    std::string objectives = "latency_cycles,energy_pj";
    std::string by;
    std::string csv;
  };
  auto a = std::make_shared<Args>();
  auto* p = app.add_subcommand("pareto", "Pareto front of a sweep's results.h5");
  p->add_option("results", a->file, "DIR/results.h5")->required();
  p->add_option("--objectives", a->objectives, "Comma-separated columns to minimise");
  p->add_option("--by", a->by, "One front per value of this column (e.g. workload)");
  p->add_option("--csv", a->csv, "Also write the front as CSV");
  p->callback([a, &action] {
    action = [a]() -> int {
      print_front(a->file, split(a->objectives, ','), a->by, a->csv, std::cout);
      return 0;
    };
  });
}

}  // namespace stream::app
