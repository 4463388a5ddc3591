#!/usr/bin/python3
"""Sensitivity plots of a stream-hpc sweep (DIR/results.h5), written as PNG and PDF.

One panel per swept parameter: a metric (default: energy-delay product) of every feasible
point against the parameter's value (points jittered sideways), with the median per value as a
line and the best (minimum) per value as a dashed line. With --by workload (the default when
that column exists) the workloads get their own colour and lines.

Example:
  /usr/bin/python3 analysis/plot_sensitivity.py runs/quick/results.h5 \\
      --metric latency_cycles --out runs/quick/sensitivity-latency
"""
import argparse
import math
import sys

import numpy as np

import plot_common as pc
from plot_common import plt


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="a sweep's results.h5")
    ap.add_argument("--metric", default="edp_pj_cycles",
                    help="column on the y axis (default: edp_pj_cycles; e.g. latency_cycles, "
                         "energy_pj, peak_onchip_bits)")
    ap.add_argument("--params", default=None,
                    help="comma-separated parameters, one panel each (default: every swept "
                         "parameter besides --by)")
    ap.add_argument("--by", default="workload",
                    help="colour and lines per value of this column (default: workload; "
                         "ignored when absent)")
    ap.add_argument("--out", default="sensitivity",
                    help="output path without extension; writes OUT.png and OUT.pdf")
    ap.add_argument("--linear", action="store_true", help="linear y axis (default: log when "
                                                          "the metric spans > 30x)")
    args = ap.parse_args(argv)

    colnames, units, _ = pc.read_meta(args.results)
    df_all = pc.load_table(args.results)
    df = pc.feasible(df_all)
    if args.metric not in df.columns:
        ap.error(f"--metric {args.metric}: no such column")
    by = args.by if args.by in df.columns else None
    params = args.params.split(",") if args.params else \
        [p for p in pc.swept_parameters(colnames) if p != by]
    for p in params:
        if p not in df.columns:
            ap.error(f"--params: no column '{p}'")
    if not params:
        print("no swept parameter to plot", file=sys.stderr)
        return 1
    if df.empty:
        print(f"{args.results}: no feasible point to plot", file=sys.stderr)
        return 1

    ncols = min(3, len(params))
    nrows = math.ceil(len(params) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.8 * nrows), squeeze=False)
    groups = [(None, df)]
    if by:
        values = df[by].cat.categories if hasattr(df[by], "cat") else sorted(df[by].unique())
        groups = [(v, df[df[by] == v]) for v in values if (df[by] == v).any()]
    cmap = plt.get_cmap("tab10")
    rng = np.random.default_rng(0)
    logy = not args.linear and pc.use_log(df[args.metric])
    for k, p in enumerate(params):
        ax = axes[k // ncols][k % ncols]
        col = df[p]
        if pc.is_categorical(col):
            cats = list(col.cat.categories) if hasattr(col, "cat") else sorted(col.astype(str).unique())
            pos = {c: i for i, c in enumerate(cats)}
            ax.set_xticks(range(len(cats)))
            ax.set_xticklabels([str(c) for c in cats], rotation=20)
            to_x = (lambda s, pos=pos: np.array([pos[v] for v in s], dtype=float))
            spacing = 1.0
        else:
            vals = np.unique(np.asarray(col, dtype=float))
            spacing = np.min(np.diff(vals)) if len(vals) > 1 else 1.0
            to_x = (lambda s: np.asarray(s, dtype=float))
            if len(vals) <= 12:
                ax.set_xticks(vals)
                ax.set_xticklabels([f"{v:g}" for v in vals])
        for g, (value, sub) in enumerate(groups):
            x = to_x(sub[p])
            y = np.asarray(sub[args.metric], dtype=float)
            jitter = (rng.random(len(x)) - 0.5) * 0.25 * spacing
            color = cmap(g % 10)
            ax.scatter(x + jitter, y, s=10, alpha=0.45, color=color, linewidths=0)
            xs = np.unique(x)
            med = [np.median(y[x == v]) for v in xs]
            best = [np.min(y[x == v]) for v in xs]
            ax.plot(xs, med, "-o", color=color, markersize=4,
                    label=f"{value} median" if by else "median")
            ax.plot(xs, best, "--", color=color, linewidth=1,
                    label=f"{value} best" if by else "best")
        ax.set_xlabel(pc.axis_label(p, units))
        ax.set_ylabel(pc.axis_label(args.metric, units))
        if logy:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.set_title(f"{args.metric} vs {p}", fontsize=10)
    for k in range(len(params), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9,
               title=by)
    fig.suptitle(f"Sensitivity of {pc.axis_label(args.metric, units)}: {len(df)} feasible "
                 f"points of {len(df_all)} ({args.results})", fontsize=11)
    fig.tight_layout()
    for path in pc.save(fig, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
