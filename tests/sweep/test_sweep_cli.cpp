// The sweep command line end to end, with stream-hpc-fake under mpirun: dry run, bad input
// (exit 2 before any work), a rank SIGKILLed mid-sweep then --resume (the merged table equals
// an uninterrupted run), SIGUSR1 -> commit and exit 75, merge and pareto commands.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "stream/io/h5.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/results.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kExe = STREAM_HPC_FAKE_EXE;
const std::string kMpirun = std::string(STREAM_MPIEXEC) + " --oversubscribe -n ";
const std::string kSpec = std::string(STREAM_TEST_DATA_DIR) + "/sweep/small.yaml";

struct Result {
  int code = -1;
  std::string out;
};

Result sh(const std::string& cmd) {
  Result r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

fs::path tmp(const std::string& tag) {
  auto d =
      fs::temp_directory_path() / ("stream_sweep_cli_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

std::string write_spec(const fs::path& dir, const std::string& from, const std::string& to) {
  std::ifstream in(kSpec);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  fs::create_directories(dir);
  const auto p = dir / "spec.yaml";
  std::ofstream(p) << text;
  // Templates are relative to the spec: point them at the test data.
  fs::create_directory_symlink(fs::path(STREAM_TEST_DATA_DIR) / "sweep" / "templates",
                               dir / "templates");
  return p.string();
}

stream::io::Table table_of(const fs::path& results) {
  const auto f = stream::io::h5::File::open_read(results.string());
  return stream::io::read_table(f.root().open_group("points"));
}

/// Every column but timings equal.
void expect_same(const stream::io::Table& a, const stream::io::Table& b) {
  ASSERT_EQ(a.columns.size(), b.columns.size());
  ASSERT_EQ(a.n_rows(), b.n_rows());
  for (std::size_t k = 0; k < a.columns.size(); ++k) {
    if (stream::sweep::is_timing_column(a.columns[k].name)) continue;
    EXPECT_EQ(a.columns[k].data, b.columns[k].data) << a.columns[k].name;
  }
}

TEST(SweepCli, DryRunPrintsCountAndExamples) {
  const auto r = sh(kExe + " sweep " + kSpec + " --dry-run --examples 3");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "80 points (16 dropped by constraints), 8 parameters")) << r.out;
  EXPECT_TRUE(has(r.out, "#0 point_id 0x")) << r.out;
  EXPECT_TRUE(has(r.out, "workload=zoo:fsrcnn granularity=lbl cores=tpu*1")) << r.out;
}

TEST(SweepCli, BadInputExits2BeforeAnyWork) {
  const auto d = tmp("bad");
  struct Case {
    std::string from, to, message;
  };
  const std::vector<Case> cases{
      {"  - zip:", "  - zipp:", "unknown axis kind 'zipp'"},
      {"array: [16, 32]", "array: []", "empty value list"},
      {"dram_bw: [128]", "dram_bw: [128]\n      unused: [1, 2]",
       "parameter 'unused' is never used"},
      {"expr: \"n_tpu * array * array\"", "expr: \"4096\"",
       "constraint 'mac_budget' names no parameter"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto sd = d / std::to_string(i);
    const auto spec = write_spec(sd, cases[i].from, cases[i].to);
    const auto out = sd / "run";
    const auto r = sh(kMpirun + "2 " + kExe + " sweep " + spec + " --out " + out.string());
    EXPECT_EQ(r.code, 2) << cases[i].message << "\n" << r.out;
    EXPECT_TRUE(has(r.out, cases[i].message)) << r.out;
    EXPECT_TRUE(has(r.out, "spec.yaml")) << "the message names the file:\n" << r.out;
    EXPECT_FALSE(fs::exists(out)) << "no rank may start work";
  }
  // SLURM_NTASKS disagreeing with the MPI size.
  const auto r = sh("SLURM_NTASKS=3 " + kMpirun + "2 " + kExe + " sweep " + kSpec + " --out " +
                    (d / "slurm").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "MPI sees 2 rank(s)")) << r.out;
  fs::remove_all(d);
}

TEST(SweepCli, KilledRankThenResumeEqualsUninterruptedRun) {
  const auto d = tmp("fault");
  const auto ref = d / "ref";
  auto r = sh(kMpirun + "2 " + kExe + " sweep " + kSpec + " --out " + ref.string() +
              " --quiet --no-pareto");
  ASSERT_EQ(r.code, 0) << r.out;

  // Rank 1 raises SIGKILL after 6 points (4 committed, 2 not): the job stops.
  const auto run = d / "run";
  const std::string base = kMpirun + "2 " + kExe + " sweep " + kSpec + " --out " + run.string() +
                           " --quiet --no-pareto --chunk-size 2 --commit-points 4 --threads 1";
  r = sh("STREAM_FAULT=rank=1,after_points=6 STREAM_FAKE_WORK=4000 " + base);
  EXPECT_NE(r.code, 0) << r.out;
  EXPECT_FALSE(fs::exists(run / "results.h5"));
  std::size_t shards = 0;
  for (const auto& e : fs::directory_iterator(run / "shards"))
    shards += e.path().extension() == ".h5";
  EXPECT_GT(shards, 0u) << "committed shards survive the kill";

  r = sh(base + " --resume");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto a = table_of(ref / "results.h5");
  const auto b = table_of(run / "results.h5");
  expect_same(a, b);
  // Each point exactly once.
  const auto& ids = b.at("point_id");
  std::set<std::uint64_t> unique;
  for (std::size_t i = 0; i < ids.size(); ++i) unique.insert(ids.get<std::uint64_t>(i));
  EXPECT_EQ(unique.size(), 80u);
  fs::remove_all(d);
}

TEST(SweepCli, Sigusr1CommitsAndExits75) {
  const auto d = tmp("usr1");
  const auto run = d / "run";
  // Costly points (~50 ms each): the signal arrives mid-sweep.
  const std::string cmd = "STREAM_FAKE_WORK=40000 " + kExe + " sweep " + kSpec + " --out " +
                          run.string() + " --quiet --threads 1 --chunk-size 1 & pid=$!; " +
                          // run.json appears once the handlers are installed and work starts
                          "for i in $(seq 200); do [ -f " + (run / "run.json").string() +
                          " ] && break; sleep 0.05; done; sleep 1; "
                          "kill -USR1 $pid; wait $pid; echo exit=$?";
  auto r = sh("bash -c '" + cmd + "'");
  EXPECT_TRUE(has(r.out, "exit=75")) << r.out;
  EXPECT_TRUE(has(r.out, "rerun with --resume")) << r.out;
  EXPECT_FALSE(fs::exists(run / "results.h5"));
  std::size_t shards = 0;
  for (const auto& e : fs::directory_iterator(run / "shards"))
    shards += e.path().extension() == ".h5";
  EXPECT_EQ(shards, 1u) << "the finished points are committed";
  r = sh(kExe + " sweep " + kSpec + " --out " + run.string() + " --quiet --resume --no-pareto");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(table_of(run / "results.h5").n_rows(), 80u);
  fs::remove_all(d);
}

TEST(SweepCli, MergeAndPareto) {
  const auto d = tmp("pareto");
  const auto run = d / "run";
  auto r = sh(kMpirun + "2 " + kExe + " sweep " + kSpec + " --out " + run.string() + " --quiet");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "Pareto front (")) << r.out;
  fs::remove(run / "results.h5");
  r = sh(kExe + " sweep merge " + run.string() + " --no-pareto");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "80 points (0 duplicate rows dropped)")) << r.out;
  const auto csv = d / "front.csv";
  r = sh(kExe + " pareto " + (run / "results.h5").string() +
         " --objectives latency_cycles,energy_pj --by workload --csv " + csv.string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "per workload")) << r.out;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("point_id,workload,granularity", 0), 0u) << header;
  int lines = 0;
  for (std::string l; std::getline(in, l);) {
    ++lines;
    // The CSV keeps energy_pj exactly; the terminal table shows it rounded (0.1 pJ above 10^4).
    const std::string e = l.substr(l.rfind(',') + 1);
    const double v = std::stod(e);
    char shown[64];
    if (v == std::floor(v)) {
      std::snprintf(shown, sizeof shown, "%.0f", v);
    } else {
      std::snprintf(shown, sizeof shown, std::fabs(v) >= 1e4 ? "%.1f" : "%.6g", v);
    }
    EXPECT_TRUE(has(r.out, std::string(" ") + shown + "\n")) << shown << "\n" << r.out;
  }
  EXPECT_GE(lines, 2) << "one front per workload";
  r = sh(kExe + " pareto " + (run / "results.h5").string() + " --objectives latency,energy_pj");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_TRUE(has(r.out, "no such column")) << r.out;
  fs::remove_all(d);
}

// evaluation.fixes reaches results.h5 as the root attribute scheduler_fixes ("none" without;
// the h5py contract test checks that case).
TEST(SweepCli, SchedulerFixesRecordedInResults) {
  const auto d = tmp("fixes");
  const auto spec = write_spec(d, "  priority: memory",
                               "  priority: memory\n  fixes: [wait-for-space, share-fetches]");
  const auto run = d / "run";
  const auto r = sh(kMpirun + "1 " + kExe + " sweep " + spec + " --out " + run.string() +
                    " --quiet --no-pareto");
  ASSERT_EQ(r.code, 0) << r.out;
  const auto f = stream::io::h5::File::open_read((run / "results.h5").string());
  EXPECT_EQ(f.root().attr_string("scheduler_fixes"), "share-fetches,wait-for-space");
  fs::remove_all(d);
}

}  // namespace
