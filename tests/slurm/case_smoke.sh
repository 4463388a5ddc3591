#!/bin/bash
# The test cluster itself: a batch job, a job step with srun -c, a 2-task array and an afterok
# dependency all run and leave the outputs they should.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/slurm/cluster.sh
source "$here/cluster.sh"

w=$SLURM_TEST_WORK/smoke
mkdir -p "$w"
cd "$w"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# shellcheck disable=SC2016  # expanded by the job, not here
job=$(sbatch --parsable --output="$w/one-%j.out" --cpus-per-task=1 \
  --wrap 'srun -c "$SLURM_CPUS_PER_TASK" -n 1 bash -c "echo step-ran ntasks=\$SLURM_NTASKS"')
# shellcheck disable=SC2016
array=$(sbatch --parsable --array=0-1 --output="$w/arr-%A_%a.out" \
  --wrap 'echo "task $SLURM_ARRAY_TASK_ID" > "task-$SLURM_ARRAY_TASK_ID.txt"')
after=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$w/after-%j.out" --wrap 'cat task-*.txt | wc -l > after.txt')

slurm_wait_gone "$job" 60 || fail "batch job $job did not finish"
slurm_wait_gone "$after" 90 || fail "dependent job $after did not finish"

grep -q 'step-ran ntasks=1' "$w/one-$job.out" || fail "srun step output missing: $(cat "$w"/one-*.out)"
[[ $(slurm_job_field "$job" JobState) == COMPLETED ]] || fail "job $job: $(slurm_job_field "$job" JobState)"
[[ -f task-0.txt && -f task-1.txt ]] || fail "array tasks did not both run"
[[ $(tr -d ' ' <after.txt) == 2 ]] || fail "afterok job saw $(cat after.txt) task files, expected 2"
echo "smoke: batch job, srun step, array of 2 and afterok dependency ran"
