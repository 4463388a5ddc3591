#!/bin/bash
# Submits one sweep as a job array of N shards plus a merge job that runs only when every
# shard completed (afterok). Prints the two job ids.
#
#   jobscripts/submit-array.sh [-n N] [-p MAX_PARALLEL] SPEC.yaml RUN_DIR [sbatch options...]
#
# Each array task runs jobscripts/sweep.sbatch on one shard (`--shard i/N`, checkpoint and
# requeue included); extra sbatch options (e.g. --time=4:00:00 --ntasks-per-node=4
# --cpus-per-task=8 --partition=...) go to the array tasks. STREAM_HPC and the other variables
# of sweep.sbatch pass through the environment.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
n=4
parallel=""
while getopts "n:p:h" opt; do
  case $opt in
    n) n=$OPTARG ;;
    p) parallel="%$OPTARG" ;;
    *)
      sed -n '2,10p' "$0"
      exit 64
      ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -lt 2 ]]; then
  sed -n '2,10p' "$0" >&2
  exit 64
fi
spec=$1
run_dir=$2
shift 2
if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
  echo "-n wants a positive shard count, got '$n'" >&2
  exit 64
fi

array=$(sbatch --parsable --array="0-$((n - 1))$parallel" --output=%x-%A_%a.out "$@" \
  "$here/sweep.sbatch" "$spec" "$run_dir")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  "$here/sweep-merge.sbatch" "$run_dir")
merge=${merge%%;*}
echo "array $array"
echo "merge $merge"
