#!/usr/bin/python3
"""Checks that a sweep's results.h5 (e.g. produced through SLURM) holds every point exactly
once and equals a reference results.h5 of the same spec (a direct run): same columns, same
point ids, same value in every column except the timing/placement ones (eval_seconds, rank).

  compare_results.py REFERENCE.h5 CANDIDATE.h5 [--attr NAME=VALUE ...]

--attr checks a root attribute of CANDIDATE (e.g. n_ranks=2). Exit 0 when equal, 1 otherwise.
"""
import argparse
import sys

import h5py
import numpy as np

IGNORED = {"eval_seconds", "rank"}


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def read(path):
    with h5py.File(path, "r") as f:
        g = f["points"]
        names = [text(n) for n in g.attrs["colnames"]]
        n = int(g.attrs["n_rows"])
        cols = {c: g[c][:n] for c in names}
        attrs = {k: f.attrs[k] for k in f.attrs}
    return names, n, cols, attrs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("reference")
    ap.add_argument("candidate")
    ap.add_argument("--attr", action="append", default=[], help="NAME=VALUE root attribute")
    args = ap.parse_args(argv)
    rn, rrows, rc, _ = read(args.reference)
    cn, crows, cc, cattrs = read(args.candidate)
    errors = []
    if rn != cn:
        errors.append(f"columns differ: {rn} vs {cn}")
    ids = cc["point_id"]
    uniq = np.unique(ids)
    if len(uniq) != len(ids):
        errors.append(f"{len(ids) - len(uniq)} duplicate point ids in {args.candidate}")
    if set(uniq.tolist()) != set(rc["point_id"].tolist()):
        missing = set(rc["point_id"].tolist()) - set(uniq.tolist())
        extra = set(uniq.tolist()) - set(rc["point_id"].tolist())
        errors.append(f"point ids differ: {len(missing)} missing, {len(extra)} extra")
    if not errors:
        ri = np.argsort(rc["point_id"])
        ci = np.argsort(ids)
        for c in rn:
            if c in IGNORED:
                continue
            if not np.array_equal(rc[c][ri], cc[c][ci]):
                bad = int((rc[c][ri] != cc[c][ci]).sum())
                errors.append(f"column {c}: {bad} of {rrows} values differ")
    for a in args.attr:
        k, v = a.split("=", 1)
        got = text(cattrs.get(k, "<absent>"))
        if got != v:
            errors.append(f"attribute {k} = {got}, expected {v}")
    for e in errors:
        print("FAIL:", e)
    if errors:
        return 1
    feasible = int((cc["status"] == 0).sum()) if "status" in cc else crows
    print(f"equal: {crows} points, each exactly once ({feasible} feasible), "
          f"{len(rn) - len(IGNORED & set(rn))} columns compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
