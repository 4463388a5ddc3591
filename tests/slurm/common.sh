#!/bin/bash
# Shared setup of the SLURM sweep cases (sourced): engine, spec, work folder, direct run.
#   STREAM_TEST_ENGINE  the engine binary (stream-hpc-fake in CTest; any stream-hpc works)
#   STREAM_SOURCE_DIR   the source tree (job scripts, sweeps/, analysis/)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/slurm/cluster.sh
source "$here/cluster.sh"

src=${STREAM_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
engine=${STREAM_TEST_ENGINE:?set STREAM_TEST_ENGINE to the stream-hpc binary}
spec=${STREAM_TEST_SPEC:-$src/sweeps/slurm-test.yaml}
# shellcheck disable=SC2034  # used by the cases that source this file
jobscripts=$src/jobscripts
# shellcheck disable=SC2034
py=/usr/bin/python3
export STREAM_HPC=$engine
# mpirun/orted refuse root without these (the tests run as root).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The reference: the same spec run directly (one process, no SLURM).
direct_run() {
  local out=$1
  STREAM_FAKE_WORK=0 "$engine" sweep "$spec" --out "$out" --quiet >"$out.log" 2>&1 ||
    fail "direct run failed: $(cat "$out.log")"
  [[ -f $out/results.h5 ]] || fail "direct run wrote no results.h5"
}

# Asserts a job ended COMPLETED with exit 0 (state kept MinJobAge seconds after the end).
expect_completed() {
  local job=$1 state code
  state=$(slurm_job_field "$job" JobState)
  code=$(slurm_job_field "$job" ExitCode)
  [[ $state == COMPLETED && $code == 0:0 ]] || fail "job $job ended $state (exit $code)"
}

show_logs() {
  local f
  for f in "$@"; do
    [[ -f $f ]] && { echo "--- $f"; cat "$f"; }
  done
  return 0
}
