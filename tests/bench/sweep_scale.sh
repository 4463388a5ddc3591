#!/usr/bin/env bash
# Sweep engine scale benchmark (README "Sweeps"). Not a unit test: takes several minutes.
#  1. sweeps/bench/scale_100k.yaml: 100,000 layer-by-layer ResNet-18 points on 2 ranks x 1
#     thread: points per second per core;
#  2. memory per rank as the sweep grows: max RSS of each rank for 1,000, 10,000 and 100,000
#     points of the same spec (--shard I/N selects 1/N of the points), with the real evaluator
#     and with stream-hpc-fake (the engine alone, without the evaluator's cost cache);
#  3. rank scaling on costly points (sweeps/bench/costly.yaml, fused ResNet-50): throughput of
#     2 ranks / 1 rank (target >= 1.8).
# usage: tests/bench/sweep_scale.sh [BUILD_DIR] [EXE]   (EXE defaults to the real stream-hpc)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
exe=${2:-$build/src/app/stream-hpc}
work=$(mktemp -d /tmp/stream_sweep_scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun_() { mpirun --bind-to core --oversubscribe "$@"; }

# run NP SPEC OUT [args...]: prints "<seconds> <points> <maxrss rank0 KB> <maxrss rank1 KB>"
run() {
  local np=$1 spec=$2 out=$3
  shift 3
  local log=$work/log.$$
  local t0 t1
  rm -f "$work"/rss.*
  t0=$(date +%s.%N)
  # Each rank's max RSS goes to its own file (a rank's last stderr line can be lost in mpirun's
  # forwarding when the run is short).
  # shellcheck disable=SC2016
  mpirun_ -np "$np" sh -c '/usr/bin/time -f "%M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$work/rss" \
    "$exe" sweep "$spec" --out "$out" --threads 1 --no-pareto --progress-interval 30 "$@" \
    >"$log" 2>&1
  t1=$(date +%s.%N)
  local n rss=""
  n=$(sed -n 's/.* \([0-9]*\) to evaluate on .*/\1/p' "$log" | head -1)
  for ((k = 0; k < np; ++k)); do rss="$rss $(tail -1 "$work/rss.$k")"; done
  echo "$(echo "$t1 - $t0" | bc -l) $n $rss"
}

echo "== 1. 100,000 layer-by-layer ResNet-18 points, 2 ranks x 1 thread"
read -r s n r0 r1 < <(run 2 "$here/sweeps/bench/scale_100k.yaml" "$work/full")
printf "points %d  wall %.1f s  %.1f points/s  %.1f points/s/core  maxrss of the ranks %d KB, %d KB\n" \
  "$n" "$s" "$(echo "$n / $s" | bc -l)" "$(echo "$n / $s / 2" | bc -l)" "$r0" "$r1"
full_rss="$r0 KB, $r1 KB"
test -f "$work/full/results.h5"

echo "== 2. memory per rank as the sweep grows (same spec, 1/100 and 1/10 of the points)"
for shard in "0/100" "0/10"; do
  read -r s n r0 r1 < <(run 2 "$here/sweeps/bench/scale_100k.yaml" "$work/s${shard%%/*}_${shard##*/}" --shard "$shard")
  printf "points %6d  maxrss of the ranks %d KB, %d KB\n" "$n" "$r0" "$r1"
done
echo "points 100000  maxrss of the ranks $full_rss (rank 0 also merges the 100,000 rows)"
fake=$build/src/app/stream-hpc-fake
if [ -x "$fake" ]; then
  echo "-- the engine alone (stream-hpc-fake: no cost cache, no scheduler), same points"
  exe_saved=$exe
  exe=$fake
  for shard in "0/100" "0/10" "0/1"; do
    read -r s n r0 r1 < <(run 2 "$here/sweeps/bench/scale_100k.yaml" "$work/f${shard%%/*}_${shard##*/}" --shard "$shard")
    printf "points %6d  maxrss of the ranks %d KB, %d KB  (%.1f s)\n" "$n" "$r0" "$r1" "$s"
  done
  exe=$exe_saved
fi

echo "== 3. rank scaling on costly points (sweeps/bench/costly.yaml)"
read -r s1 n1 _ < <(run 1 "$here/sweeps/bench/costly.yaml" "$work/c1")
read -r s2 n2 _ < <(run 2 "$here/sweeps/bench/costly.yaml" "$work/c2")
t1=$(echo "$n1 / $s1" | bc -l)
t2=$(echo "$n2 / $s2" | bc -l)
printf "1 rank: %d points in %.1f s (%.2f points/s); 2 ranks: %.1f s (%.2f points/s); speedup %.2fx\n" \
  "$n1" "$s1" "$t1" "$s2" "$t2" "$(echo "$t2 / $t1" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
