#!/usr/bin/env bash
# Determinism of the sweep engine (README "Sweeps"): the quick-start sweep with -np 1, 2 and 4
# (oversubscribed) and 1 or 2 oneTBB threads per rank gives identical tables, every column but
# the timings (eval_seconds) and the placement (rank).
# usage: tests/bench/sweep_determinism.sh [BUILD_DIR] [EXE] [SPEC]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
exe=${2:-$build/src/app/stream-hpc}
spec=${3:-$here/sweeps/quickstart.yaml}
work=$(mktemp -d /tmp/stream_sweep_det.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
ref=""
status=0
for cfg in "1 1" "1 2" "2 1" "2 2" "4 1"; do
  read -r np threads <<<"$cfg"
  out=$work/np${np}_t${threads}
  t0=$(date +%s.%N)
  mpirun -np "$np" --oversubscribe --bind-to none "$exe" sweep "$spec" --out "$out" \
    --threads "$threads" --quiet --no-pareto >"$out.log" 2>&1
  t1=$(date +%s.%N)
  printf "np %d x threads %d: %.1f s  " "$np" "$threads" "$(echo "$t1 - $t0" | bc -l)"
  if [ -z "$ref" ]; then
    ref=$out/results.h5
    echo "(reference)"
  else
    /usr/bin/python3 "$here/tests/bench/compare_results.py" "$ref" "$out/results.h5" || status=1
  fi
done
exit $status
