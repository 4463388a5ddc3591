#!/usr/bin/env bash
# The case-study pipeline on a 6-point slice: stream-hpc sweep, then analysis/case_study.py.
# Checks the figure and the CSV exist and that fusion beats layer by layer on FSRCNN (its
# 540x960 activations stream from DRAM layer by layer: a gain well above 1 on both chips).
# Usage: case_study_mini.sh STREAM_HPC SOURCE_DIR WORK_DIR
set -euo pipefail
exe=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$exe" sweep "$src/tests/data/sweep/case_study_mini.yaml" --out "$work/run" --threads 2 --quiet \
  --no-pareto
/usr/bin/python3 "$src/analysis/case_study.py" "$work/run/results.h5" --out "$work/fig" \
  > "$work/table.txt"
cat "$work/table.txt"
for f in fig.png fig.pdf fig.csv; do
  [ -s "$work/$f" ] || { echo "missing or empty: $work/$f"; exit 1; }
done
# PNG signature and a non-trivial size.
head -c 8 "$work/fig.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "not a PNG"; exit 1; }
[ "$(stat -c %s "$work/fig.png")" -gt 20000 ] || { echo "PNG suspiciously small"; exit 1; }
/usr/bin/python3 - "$work/fig.csv" <<'PY'
import sys
import pandas as pd
t = pd.read_csv(sys.argv[1])
assert len(t) == 2, t
assert set(t.arch) == {"HW1_bus", "HW3_mesh"}, t.arch
assert (t.lbl_over_fused > 2).all(), t
assert (t.lbl_over_best_fine >= t.lbl_over_fused).all(), t
print("case study mini: ok")
PY
