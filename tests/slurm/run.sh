#!/bin/bash
# Runs one SLURM test case against a fresh single-node cluster on localhost:
#   tests/slurm/run.sh CASE_SCRIPT [ARGS...]
# Starts munged + slurmctld + slurmd (cluster.sh), runs CASE_SCRIPT with SLURM_CONF set and a
# work folder in $SLURM_TEST_WORK, and always stops the daemons (trap), pass or fail.
# Exit: the case's exit code; 77 (CTest SKIP_RETURN_CODE) with a message on stderr when this
# machine cannot run slurmctld (no packages, not root, daemons refuse to start).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/slurm/cluster.sh
source "$here/cluster.sh"

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CASE_SCRIPT [ARGS...]" >&2
  exit 64
fi
case_script=$1
shift

# /tmp may be mounted noexec or be private per user elsewhere; the jobs run as root here.
base=$(mktemp -d "${TMPDIR:-/tmp}/stream-slurm.XXXXXX") || exit 1
keep=${STREAM_SLURM_KEEP:-0}
# shellcheck disable=SC2317  # invoked by the EXIT trap
finish() {
  local rc=$?
  slurm_cluster_stop
  if [[ $rc -ne 0 && $rc -ne $SLURM_SKIP ]]; then
    slurm_log "case failed (exit $rc); daemon logs (tail):"
    tail -n 30 "$base/log/slurmctld.log" >&2 2>/dev/null
    tail -n 30 "$base/log/slurmd.log" >&2 2>/dev/null
  fi
  if [[ $keep == 1 ]]; then
    slurm_log "kept $base"
  else
    rm -rf "$base"
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

slurm_cluster_start "$base"
rc=$?
if [[ $rc -ne 0 ]]; then
  if [[ $rc -eq $SLURM_SKIP ]]; then
    echo "SKIPPED: no SLURM test cluster on this machine (see the message above)" >&2
  fi
  exit "$rc"
fi

# Watchdog in its own session: if this script dies without running its trap (CTest kills a
# timed-out test with SIGKILL), the daemons and the folder still go away.
# shellcheck disable=SC2016  # expanded by the watchdog shell
setsid bash -c '
  while kill -0 "$1" 2>/dev/null; do sleep 2; done
  for f in "$2/slurmd.pid" "$2/slurmctld.pid" "$2/munge/munged.pid"; do
    [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null
  done
  sleep 3
  [[ $3 == 1 ]] || rm -rf "$2"' watchdog "$$" "$base" "$keep" </dev/null >/dev/null 2>&1 &

export SLURM_TEST_WORK=$base/jobs
start=$SECONDS
bash "$case_script" "$@"
rc=$?
slurm_log "case $(basename "$case_script") finished with exit $rc in $((SECONDS - start)) s"
exit "$rc"
