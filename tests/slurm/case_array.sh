#!/bin/bash
# jobscripts/submit-array.sh: a 3-task array (one shard each, at most 2 at a time) plus the
# merge job (afterok). The merged results equal a direct run, each point exactly once.
set -uo pipefail
# shellcheck source=tests/slurm/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
w=$SLURM_TEST_WORK/array
mkdir -p "$w" && cd "$w" || exit 1
direct_run "$w/direct"

ids=$("$jobscripts/submit-array.sh" -n 3 -p 2 "$spec" "$w/run" --time=5 --ntasks-per-node=1) ||
  fail "submit-array.sh failed: $ids"
echo "$ids"
array=$(sed -n 's/^array //p' <<<"$ids")
merge=$(sed -n 's/^merge //p' <<<"$ids")
[[ -n $array && -n $merge ]] || fail "no job ids from submit-array.sh"
dep=$(slurm_job_field "$merge" Dependency)
[[ $dep == *afterok:${array}* ]] || fail "merge job dependency is '$dep', expected afterok:$array"
slurm_wait_gone "$merge" 240 || fail "merge job $merge did not finish"
show_logs "$w"/stream-sweep-"${array}"_*.out "$w/stream-sweep-merge-$merge.out"
for t in 0 1 2; do expect_completed "${array}_$t"; done
expect_completed "$merge"
for t in 0 1 2; do
  grep -q "shard $t/3" "$w/stream-sweep-${array}_$t.out" || fail "task $t did not run shard $t/3"
done
$py "$here/compare_results.py" "$w/direct/results.h5" "$w/run/results.h5" ||
  fail "merged array results differ from the direct run"
echo "array: 3 shards + afterok merge, results equal the direct run"
