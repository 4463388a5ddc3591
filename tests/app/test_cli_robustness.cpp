// The command line on damaged input (issue 10): randomly mutated reference files (bytes
// flipped, truncated, lines deleted or duplicated, numbers replaced by huge, negative or
// non-numeric values; tests/hardening/mutate.hpp) make `stream-hpc inspect` exit 0 or 2 with a
// message, within 10 s (`stream-hpc eval` too), never with a signal or an internal error; and
// the resource guards reach the user as exit 2 with a message naming the limit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mutate.hpp"
#include "support/run_command.hpp"

namespace {

namespace fs = std::filesystem;

const std::string kExe = STREAM_HPC_EXE;
const fs::path kValidation = fs::path(STREAM_TEST_DATA_DIR) / "reference" / "validation";

using Result = stream::test::CommandResult;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kSeconds = 120;  // a sanitizer build is several times slower
#else
constexpr int kSeconds = 10;
#endif

/// Runs stream-hpc under coreutils' timeout: 124 = still running after `seconds`, 128 + N =
/// killed by signal N.
Result run(const std::string& args, int seconds = kSeconds) {
  return stream::test::run_shell("timeout " + std::to_string(seconds) + " " + kExe + " " + args +
                                 " 2>&1");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string inspect_args(const fs::path& dir) {
  return "inspect --accelerator " + (dir / "accelerator.yaml").string() + " --workload " +
         (dir / "workload.yaml").string() + " --mapping " + (dir / "mapping.yaml").string();
}

std::string eval_args(const fs::path& dir, bool with_costs) {
  return "eval -a " + (dir / "accelerator.yaml").string() + " -w " +
         (dir / "workload.yaml").string() + " -m " + (dir / "mapping.yaml").string() +
         " --semantics validation2023" +
         (with_costs ? " --costs " + (dir / "costs.csv").string() : std::string());
}

TEST(CliRobustness, MutatedReferenceFilesExitZeroOrTwoWithinTenSeconds) {
  const fs::path tmp =
      fs::temp_directory_path() / ("stream_cli_mutation_" + std::to_string(::getpid()));
  struct Target {
    std::string kase, file;
  };
  std::vector<Target> targets;
  for (const char* c : {"depfin", "aimc_4x4", "diana"}) {
    for (const char* f : {"accelerator.yaml", "workload.yaml", "mapping.yaml", "costs.csv"})
      targets.push_back({c, f});
    for (const auto& e : fs::directory_iterator(kValidation / c / "cores"))
      targets.push_back({c, "cores/" + e.path().filename().string()});
  }
  fs::create_directories(tmp);
  stream::test::Mutator mut(4242);
  constexpr int kFiles = 40;
  int exit0 = 0, exit2 = 0;
  for (int i = 0; i < kFiles; ++i) {
    const Target& t = targets[mut.pick(targets.size())];
    std::string what;
    const std::string text = mut.mutate(slurp(kValidation / t.kase / t.file), &what);
    const fs::path dir = tmp / (t.kase + "_" + std::to_string(i));
    fs::remove_all(dir);
    fs::copy(kValidation / t.kase, dir, fs::copy_options::recursive);
    std::ofstream(dir / t.file, std::ios::binary | std::ios::trunc) << text;
    const std::string label = t.kase + "/" + t.file + " (" + what + "), kept in " + dir.string();
    bool keep = false;
    // inspect; eval with the costs table (every other file) or the analytical model.
    for (const std::string& args : {inspect_args(dir), eval_args(dir, i % 2 == 0)}) {
      const auto r = run(args);
      if (r.code == 0) {
        ++exit0;
      } else if (r.code == 2) {
        ++exit2;
        EXPECT_NE(r.out.find("stream-hpc: error: "), std::string::npos)
            << label << ": " << args << "\n"
            << r.out;
      } else {
        ADD_FAILURE() << label << ": " << args << ": exit " << r.code
                      << (r.code == 124 ? " (timeout)" : "") << "\n"
                      << r.out;
        keep = true;
      }
    }
    if (!keep) fs::remove_all(dir);
  }
  std::cout << kFiles << " mutated files, inspect and eval: " << exit0 << " exit 0, " << exit2
            << " exit 2\n";
  EXPECT_GT(exit2, 0);
}

TEST(CliRobustness, ResourceLimitsReachTheUserAsExitTwo) {
  const fs::path dir =
      fs::temp_directory_path() / ("stream_cli_guards_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A tiling into 2^30 CNs on the DepFiN accelerator.
  std::ofstream(dir / "w.yaml") << "- id: 0\n  name: big\n  operator_type: Conv\n"
                                   "  equation: O[b][k][oy][ox]+=W[k][c]*I[b][c][oy][ox]\n"
                                   "  loop_dims: [B, K, C, OY, OX]\n"
                                   "  loop_sizes: [1, 1, 1, 32768, 32768]\n"
                                   "  operand_precision: {O: 16, O_final: 8, W: 8, I: 8}\n"
                                   "  operand_source: {W: 0, I: 0}\n";
  std::ofstream(dir / "m.yaml")
      << "- {name: default, core_allocation: [0], intra_core_tiling: [[OY, all], [OX, all]]}\n";
  const std::string acc = (kValidation / "depfin" / "accelerator.yaml").string();
  auto r = run("inspect --accelerator " + acc + " --workload " + (dir / "w.yaml").string() +
               " --mapping " + (dir / "m.yaml").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("above the limit max_cns = 20000000"), std::string::npos) << r.out;
  // The same workload under a lowered loop-size limit.
  r = run("--limit max_loop_size=1000 inspect --workload " + (dir / "w.yaml").string());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("max_loop_size = 1000"), std::string::npos) << r.out;
  // An unknown limit and a bad value are bad input too.
  EXPECT_EQ(run("--limit max_bogus=3 inspect --workload zoo:resnet18").code, 2);
  EXPECT_EQ(run("--limit max_cns=many inspect --workload zoo:resnet18").code, 2);
  fs::remove_all(dir);
}

}  // namespace
