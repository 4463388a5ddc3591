#!/usr/bin/python3
"""Compare two sweep results.h5 tables: every column but the timings (eval_seconds) and the
placement (rank) must be identical, bit for bit, row for row.
usage: compare_results.py A.h5 B.h5   (exit 0 = identical)"""
import sys

import h5py
import numpy as np

IGNORED = {"eval_seconds", "rank"}


def columns(path):
    with h5py.File(path, "r") as f:
        g = f["points"]
        names = [c.decode() if isinstance(c, bytes) else str(c) for c in g.attrs["colnames"]]
        return names, {n: g[n][()] for n in names}


an, a = columns(sys.argv[1])
bn, b = columns(sys.argv[2])
if an != bn:
    print(f"different columns:\n  {an}\n  {bn}")
    sys.exit(1)
bad = [n for n in an if n not in IGNORED and not np.array_equal(a[n], b[n])]
rows = len(a["point_id"])
if bad:
    print(f"{len(bad)} column(s) differ: {', '.join(bad)}")
    sys.exit(1)
print(f"identical: {rows} rows, {len(an) - len(IGNORED)} columns compared "
      f"(ignored: {', '.join(sorted(IGNORED))})")
