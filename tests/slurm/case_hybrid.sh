#!/bin/bash
# jobscripts/sweep.sbatch as a hybrid job (2 MPI ranks x 1 thread through srun --mpi=pmix)
# on the test sweep: the results equal a direct run, each point exactly once, 2 ranks used.
set -uo pipefail
# shellcheck source=tests/slurm/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
w=$SLURM_TEST_WORK/hybrid
mkdir -p "$w" && cd "$w" || exit 1
direct_run "$w/direct"

job=$(sbatch --parsable --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 --time=5 \
  --output="$w/sweep-%j.out" "$jobscripts/sweep.sbatch" "$spec" "$w/run") ||
  fail "sbatch refused the job"
slurm_wait_gone "$job" 240 || fail "job $job did not finish"
show_logs "$w/sweep-$job.out"
expect_completed "$job"
grep -q "ranks 2 threads/rank 1" "$w/sweep-$job.out" || fail "the job did not see 2 ranks x 1 thread"
$py "$here/compare_results.py" "$w/direct/results.h5" "$w/run/results.h5" --attr n_ranks=2 ||
  fail "SLURM results differ from the direct run"
echo "hybrid: sweep.sbatch, 2 ranks x 1 thread, results equal the direct run"
