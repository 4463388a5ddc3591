#!/usr/bin/python3
"""Pareto plots of a stream-hpc sweep (DIR/results.h5), written as PNG and PDF.

One row of panels per workload (or per value of --by): latency vs energy, and energy-delay
product vs area (or vs MAC count with --second total_macs). Points are coloured by one swept
parameter (--color-by); the Pareto front (both axes minimised) is drawn as a black step line
with outlined markers. Only feasible points (status 0) are drawn; the panel title counts the
others.

Example:
  /usr/bin/python3 analysis/plot_pareto.py runs/quick/results.h5 --color-by cores \\
      --out runs/quick/pareto        # -> runs/quick/pareto.png and runs/quick/pareto.pdf
"""
import argparse
import sys

import numpy as np

import plot_common as pc
from plot_common import plt


def draw_panel(ax, df, x, y, color_by, units, logx=None, logy=None):
    colors, handles, sm = pc.color_mapping(df[color_by]) if color_by else (None, None, None)
    xs = np.asarray(df[x], dtype=float)
    ys = np.asarray(df[y], dtype=float)
    ax.scatter(xs, ys, s=18, c=colors if colors is not None else "tab:blue", alpha=0.7,
               linewidths=0, zorder=2)
    front = pc.pareto_mask(xs, ys)
    fx, fy = xs[front], ys[front]
    order = np.argsort(fx)
    fx, fy = fx[order], fy[order]
    ax.step(fx, fy, where="post", color="black", linewidth=1.3, zorder=3,
            label=f"Pareto front ({front.sum()} point{'s' if front.sum() != 1 else ''})")
    ax.scatter(fx, fy, s=60, facecolors="none", edgecolors="black", linewidths=1.5, zorder=4)
    ax.set_xlabel(pc.axis_label(x, units))
    ax.set_ylabel(pc.axis_label(y, units))
    if logx if logx is not None else pc.use_log(xs):
        ax.set_xscale("log")
    if logy if logy is not None else pc.use_log(ys):
        ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.3)
    return handles, sm, int(front.sum())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="a sweep's results.h5")
    ap.add_argument("--out", default="pareto",
                    help="output path without extension; writes OUT.png and OUT.pdf "
                         "(default: pareto)")
    ap.add_argument("--color-by", help="swept parameter that colours the points "
                                       "(default: the first swept parameter besides --by)")
    ap.add_argument("--by", default="workload",
                    help="one row of panels per value of this column (default: workload; "
                         "ignored when the column is absent)")
    ap.add_argument("--second", default="area",
                    help="x axis of the EDP panel: area (default), total_macs or any numeric "
                         "column; when it is the same for every point (e.g. area 0 because the "
                         "hardware files give no areas) the panel says so instead")
    ap.add_argument("--title", default=None, help="figure title")
    args = ap.parse_args(argv)

    colnames, units, _ = pc.read_meta(args.results)
    df_all = pc.load_table(args.results)
    df = pc.feasible(df_all)
    params = pc.swept_parameters(colnames)
    by = args.by if args.by in df.columns else None
    color_by = args.color_by
    if color_by is None:
        rest = [p for p in params if p != by]
        color_by = rest[0] if rest else None
    if color_by is not None and color_by not in df.columns:
        ap.error(f"--color-by {color_by}: no such column (swept parameters: {', '.join(params)})")
    if df.empty:
        print(f"{args.results}: no feasible point to plot", file=sys.stderr)
        return 1
    if args.second not in df.columns:
        ap.error(f"--second {args.second}: no such column")

    if by:
        groups = [(v, df[df[by] == v], df_all[df_all[by] == v]) for v in
                  (df_all[by].cat.categories if hasattr(df_all[by], "cat")
                   else sorted(df_all[by].unique()))]
        groups = [g for g in groups if len(g[2])]
    else:
        groups = [(None, df, df_all)]
    panels = [("latency_cycles", "energy_pj"), (args.second, "edp_pj_cycles")]
    fig, axes = plt.subplots(len(groups), 2, figsize=(11, 4.2 * len(groups)), squeeze=False)
    handles = sm = None
    for row, (value, sub, sub_all) in enumerate(groups):
        skipped = len(sub_all) - len(sub)
        for col, (x, y) in enumerate(panels):
            ax = axes[row][col]
            if sub.empty:
                ax.text(0.5, 0.5, "no feasible point", ha="center", va="center",
                        transform=ax.transAxes)
                continue
            xv = sub[x].to_numpy(dtype=float)
            if len(xv) > 1 and xv.min() == xv.max():
                why = ("the workload's MAC count" if x == "total_macs" else
                       "not modelled by the hardware files?" if x == "area" else "not swept")
                ax.text(0.5, 0.5, f"{x} is {xv[0]:g} for every point\n({why})\n"
                        f"choose another x axis with --second (e.g. a swept parameter)",
                        ha="center", va="center", transform=ax.transAxes)
                ax.set_xlabel(pc.axis_label(x, units))
                ax.set_ylabel(pc.axis_label(y, units))
                ax.set_xticks([])
                ax.set_yticks([])
                continue
            h, s, nfront = draw_panel(ax, sub, x, y, color_by, units)
            handles, sm = h or handles, s or sm
            head = f"{by} = {value}: " if by else ""
            ax.set_title(f"{head}{len(sub)} feasible points"
                         + (f", {skipped} infeasible not shown" if skipped else ""), fontsize=10)
            ax.legend(loc="upper right", fontsize=8)
    if handles:
        fig.legend(handles=handles, title=color_by, loc="center left",
                   bbox_to_anchor=(1.0, 0.5), fontsize=9)
    elif sm is not None:
        fig.colorbar(sm, ax=axes.ravel().tolist(), label=color_by)
    fig.suptitle(args.title or f"Pareto fronts of {args.results}", fontsize=11)
    fig.tight_layout()
    for p in pc.save(fig, args.out):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
