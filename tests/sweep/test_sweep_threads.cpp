// The sweep's per-rank worker threads (label `threads`, also run under ThreadSanitizer by
// `make tsan`): one rank evaluating on its second thread with 1, 2 and 3 worker threads per
// chunk, every point merged once and equal to a serial evaluation whatever the thread count.
// The point builder's caches are shared by the workers; the rank's main thread serves MPI.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <filesystem>

#include "stream/io/h5.hpp"
#include "stream/io/result_table.hpp"
#include "stream/sweep/results.hpp"
#include "stream/sweep/run.hpp"
#include "support/fake_evaluator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace stream::sweep;

const std::string kSpec = std::string(STREAM_TEST_DATA_DIR) + "/sweep/small.yaml";

using stream::test::fake_point_result;

TEST(SweepThreads, OneRankAnyThreadCountEqualToSerial) {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  ASSERT_EQ(size, 1);
  const auto spec = read_sweep_spec(kSpec);
  const auto pts = expand_points(spec);
  const auto ref = stream::test::fake_serial_table(spec, pts);
  for (int threads : {1, 2, 3}) {
    const std::string dir =
        (fs::temp_directory_path() /
         ("stream_sweep_threads_" + std::to_string(threads) + "_" + std::to_string(::getpid())))
            .string();
    fs::remove_all(dir);
    RunOptions o;
    o.out_dir = dir;
    o.threads = threads;
    o.chunk_size = 7;
    o.commit_points = 10;
    o.progress_seconds = 0;
    const auto s = run_sweep(spec, pts, fake_point_result, o, MPI_COMM_WORLD);
    EXPECT_EQ(s.outcome, RunOutcome::kComplete) << threads << " threads";
    EXPECT_EQ(s.evaluated, static_cast<std::int64_t>(pts.size())) << threads << " threads";
    const auto f = stream::io::h5::File::open_read(dir + "/results.h5");
    const auto t = stream::io::read_table(f.root().open_group("points"));
    ASSERT_EQ(t.n_rows(), pts.size()) << threads << " threads";
    for (std::size_t k = 0; k < t.columns.size(); ++k) {
      const auto& c = t.columns[k];
      if (is_timing_column(c.name)) continue;
      EXPECT_EQ(c.data, ref.columns[k].data) << c.name << ", " << threads << " threads";
    }
    fs::remove_all(dir);
  }
}

}  // namespace
