#!/bin/bash
# The checkpoint before the time limit: jobscripts/sweep.sbatch is sent USR1 on its batch shell
# (what --signal=B:USR1@N does; here `scancel --signal=USR1 --batch`, MODE=signal) or really
# reaches its time-limit warning (MODE=walltime: --time=2 --signal=B:USR1@60), while points are
# still left. The trap forwards USR1 to the engine, the engine commits and exits 75, the script
# requeues the job; the requeued job (SLURM_RESTART_COUNT=1) resumes and completes. The results
# equal a direct run with every point exactly once, and the first attempt had not finished.
#   case_requeue.sh [signal|walltime]
set -uo pipefail
# shellcheck source=tests/slurm/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mode=${1:-signal}
w=$SLURM_TEST_WORK/requeue-$mode
mkdir -p "$w" && cd "$w" || exit 1
direct_run "$w/direct"

# Costly points so that the signal lands mid-sweep: one rank, one thread, commits every point.
if [[ $mode == walltime ]]; then
  export STREAM_FAKE_WORK=${STREAM_TEST_WALLTIME_WORK:-1600000}
  limits=(--time=2 --signal=B:USR1@60)
else
  export STREAM_FAKE_WORK=${STREAM_TEST_SIGNAL_WORK:-100000}
  limits=(--time=5)
fi
export STREAM_SWEEP_ARGS="--commit-points 1 --chunk-size 1 --progress-interval 2"
job=$(sbatch --parsable --ntasks=1 --cpus-per-task=1 "${limits[@]}" \
  --output="$w/sweep-%j.out" "$jobscripts/sweep.sbatch" "$spec" "$w/run") ||
  fail "sbatch refused the job"
log=$w/sweep-$job.out

if [[ $mode == signal ]]; then
  # Wait for the first committed shard, then warn the batch shell as Slurm would.
  for _ in $(seq 1 240); do
    compgen -G "$w/run/shards/*.h5" >/dev/null && break
    sleep 0.5
  done
  compgen -G "$w/run/shards/*.h5" >/dev/null || { show_logs "$log"; fail "no shard committed"; }
  scancel --signal=USR1 --batch "$job" || fail "scancel --signal=USR1 --batch failed"
fi

# A requeued job is held ~2 min (BeginTime); release it each time it is pending again (the
# walltime mode may checkpoint more than once under load).
released=0
deadline=$((SECONDS + 400))
while ((SECONDS < deadline)); do
  state=$(slurm_job_field "$job" JobState)
  restarts=$(slurm_job_field "$job" Restarts)
  if [[ $state == PENDING && ${restarts:-0} -gt $released ]]; then
    # slurmd revokes the old credential of the job id with a one-second time stamp: a restart
    # launched within the same second as the requeue is killed ("Job credential revoked").
    sleep 3
    scontrol update JobId="$job" StartTime=now || fail "cannot release the requeued job"
    released=$restarts
  fi
  case $state in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
show_logs "$log"
expect_completed "$job"
restarts=$(slurm_job_field "$job" Restarts)
((restarts >= 1)) || fail "the job was never requeued"
grep -q "time-limit warning" "$log" || fail "the trap did not run"
grep -q "sweep exited 75" "$log" || fail "the engine did not checkpoint with exit 75"
grep -q "requeueing job $job" "$log" || fail "the script did not requeue"
grep -q "job $job restart $restarts" "$log" || fail "the last attempt did not run as restart $restarts"
grep -q "sweep complete" "$log" || fail "the last attempt did not complete the sweep"
$py "$here/compare_results.py" "$w/direct/results.h5" "$w/run/results.h5" --attr n_attempts=$((restarts + 1)) ||
  fail "requeued results differ from the direct run"
echo "requeue ($mode): checkpointed and requeued $restarts time(s), resumed; results equal the direct run"
