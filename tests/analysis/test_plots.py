#!/usr/bin/python3
"""The analysis scripts on a sweep's results.h5 and a trace: every script answers --help, and
each plot is written as a PNG and a PDF that are non-trivial (real size, a decodable image
with several colours, a PDF header).

  test_plots.py SOURCE_DIR WORK_DIR [--results RESULTS.h5] [--trace TRACE.json] [--only trace]
  (without --results / --trace: the synthetic fixtures of tests/analysis)
"""
import argparse
import contextlib
import importlib
import io
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run(args):
    """Runs an analysis script's main(argv) in this process (one interpreter start for the
    whole test: matplotlib and pandas imports dominate the cost of a run)."""
    script, argv = args[0], args[1:]
    name = os.path.splitext(os.path.basename(script))[0]
    sys.path.insert(0, os.path.dirname(script))
    module = importlib.import_module(name)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = module.main(argv)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    p = Result(rc or 0, out.getvalue(), err.getvalue())
    if p.returncode != 0:
        print(p.stdout, p.stderr, file=sys.stderr)
    return p


def check_plot(base, min_png_bytes=20000):
    png, pdf = base + ".png", base + ".pdf"
    check(os.path.isfile(png) and os.path.getsize(png) > min_png_bytes,
          f"{png} written ({os.path.getsize(png) if os.path.isfile(png) else 0} bytes)")
    check(os.path.isfile(pdf) and os.path.getsize(pdf) > 5000,
          f"{pdf} written ({os.path.getsize(pdf) if os.path.isfile(pdf) else 0} bytes)")
    if os.path.isfile(pdf):
        with open(pdf, "rb") as f:
            check(f.read(5) == b"%PDF-", f"{pdf} is a PDF")
    if os.path.isfile(png):
        img = mpimg.imread(png)
        h, w = img.shape[:2]
        colours = len(np.unique((img[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0))
        check(h > 400 and w > 600, f"{png} is {w}x{h} pixels")
        check(colours > 50, f"{png} has {colours} distinct colours (not blank)")
        # Dark pixels are text, axes and the front line: a plot, not an empty canvas.
        dark = float((img[..., :3].mean(axis=2) < 0.3).mean())
        check(dark > 0.005, f"{png}: {dark:.1%} dark pixels (axes, labels, front)")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--results")
    ap.add_argument("--trace")
    ap.add_argument("--only", choices=["all", "trace"], default="all")
    a = ap.parse_args()
    src, work = a.src, a.work
    os.makedirs(work, exist_ok=True)
    analysis = os.path.join(src, "analysis")
    trace = a.trace
    if trace is None:
        trace = os.path.join(work, "trace.json")
        p = run([os.path.join(src, "tests/analysis/make_synthetic_trace.py"), trace])
        check(p.returncode == 0, "synthetic trace written")
    if a.only == "trace":
        return check_trace(analysis, work, trace)
    results = a.results
    if results is None:
        results = os.path.join(work, "results.h5")
        p = run([os.path.join(src, "tests/analysis/make_synthetic_results.py"), results])
        check(p.returncode == 0, "synthetic results.h5 written")

    # The front itself: a hand-checked case, then brute force on the results.
    sys.path.insert(0, analysis)
    import plot_common as pc
    m = pc.pareto_mask([1, 2, 3, 2, 4], [5, 3, 4, 3, 1])
    check(list(m) == [True, True, False, False, True], f"pareto_mask hand case: {list(m)}")
    df = pc.feasible(pc.load_table(results))
    check(len(df) > 0, f"{len(df)} feasible points in {results}")
    for x, y in (("latency_cycles", "energy_pj"), ("area", "edp_pj_cycles")):
        xs = df[x].to_numpy(dtype=float)
        ys = df[y].to_numpy(dtype=float)
        front = pc.pareto_mask(xs, ys)
        dominated = [bool(((xs <= xs[i]) & (ys <= ys[i]) & ((xs < xs[i]) | (ys < ys[i]))).any())
                     for i in range(len(xs))]
        check(all(not d for d, f in zip(dominated, front) if f),
              f"{x}/{y}: no front point ({front.sum()}) is dominated")
        check(all(d or f or ((xs == xs[i]) & (ys == ys[i]) & front).any()
                  for i, (d, f) in enumerate(zip(dominated, front))),
              f"{x}/{y}: every point off the front is dominated (or ties a front point)")

    for script in ("plot_pareto.py", "plot_sensitivity.py", "plot_trace.py"):
        p = run([os.path.join(analysis, script), "--help"])
        check(p.returncode == 0 and "usage" in p.stdout, f"{script} --help")

    out = os.path.join(work, "pareto")
    p = run([os.path.join(analysis, "plot_pareto.py"), results, "--out", out])
    check(p.returncode == 0, "plot_pareto.py ran")
    check_plot(out)
    out2 = os.path.join(work, "pareto-macs")
    p = run([os.path.join(analysis, "plot_pareto.py"), results, "--second", "total_macs",
             "--out", out2])
    check(p.returncode == 0, "plot_pareto.py --second total_macs ran")
    check_plot(out2)
    p = run([os.path.join(analysis, "plot_pareto.py"), results, "--color-by", "no_such_column",
             "--out", os.path.join(work, "bad")])
    check(p.returncode == 2 and "no such column" in p.stderr,
          "plot_pareto.py rejects an unknown --color-by (exit 2, message)")

    out = os.path.join(work, "sensitivity")
    p = run([os.path.join(analysis, "plot_sensitivity.py"), results, "--out", out])
    check(p.returncode == 0, "plot_sensitivity.py ran")
    check_plot(out)
    out = os.path.join(work, "sensitivity-latency")
    p = run([os.path.join(analysis, "plot_sensitivity.py"), results, "--metric",
             "latency_cycles", "--out", out])
    check(p.returncode == 0, "plot_sensitivity.py --metric latency_cycles ran")
    check_plot(out)

    return check_trace(analysis, work, trace)


def check_trace(analysis, work, trace):
    out = os.path.join(work, "schedule")
    p = run([os.path.join(analysis, "plot_trace.py"), trace, "--out", out])
    check(p.returncode == 0, "plot_trace.py ran")
    check_plot(out)
    # The reader sees what the file holds: every complete event on a core or channel track.
    sys.path.insert(0, analysis)
    import plot_trace
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    tracks, counters = plot_trace.read_trace(trace)
    n_x = sum(1 for e in events if e.get("ph") == "X")
    n_read = sum(len(t["events"]) for t in tracks.values())
    check(n_read == n_x, f"plot_trace read {n_read} of {n_x} complete events")
    n_c = len({e["name"] for e in events if e.get("ph") == "C"})
    check(len(counters) == n_c, f"plot_trace read {len(counters)} of {n_c} memory counters")
    print(f"{len(failures)} failed" if failures else "all plot checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
