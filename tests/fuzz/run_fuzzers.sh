#!/bin/sh
# Runs the libFuzzer targets of a fuzz build (cmake --preset fuzz) one after the other, each for
# SECONDS with its seed corpus, and fails on the first crash, hang, leak or OOM.
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET ...]
# The growing corpus is kept in BUILD_DIR/tests/fuzz/corpus/<target>, a failing input in
# BUILD_DIR/tests/fuzz/artifacts/<target>/, the log in BUILD_DIR/tests/fuzz/logs/<target>.log.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET ...]" >&2
  exit 2
fi
build=$1
seconds=$2
shift 2
if [ $# -eq 0 ]; then
  set -- fuzz_core fuzz_accelerator fuzz_workload_yaml fuzz_onnx fuzz_mapping fuzz_cost_csv \
    fuzz_sweep_spec
fi
dir=$build/tests/fuzz
status=0
for t in "$@"; do
  mkdir -p "$dir/corpus/$t" "$dir/artifacts/$t" "$dir/logs"
  log=$dir/logs/$t.log
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$dir/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t/" \
       "$dir/corpus/$t" "$dir/seeds/$t" >"$log" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "$t: ok, $execs executions in ${seconds}s (log $log)"
  else
    echo "$t: FAILED (log $log, input in $dir/artifacts/$t/):"
    grep -E 'ERROR|SUMMARY|Test unit written|deadly|terminate' "$log" | head -n 20
    status=1
  fi
done
exit $status
