#!/usr/bin/python3
"""The case study figure: how much layer fusion cuts the energy-delay product (README "Case study").

Reads the results.h5 of `stream-hpc sweep sweeps/case_study.yaml` and, for every architecture
and workload, compares the best layer-by-layer schedule (g = 0) with the best fine-grained one
(g = 1 hybrid or g = 2 fused, one output row per CN), each the best over the scheduler
priorities swept. Writes a grouped bar chart (PNG and PDF) and a CSV of the ratios, and prints
the table with the paper's claims for comparison (Stream, arXiv 2212.10612: 2.4x on
single-core, up to 30x on heterogeneous multi-core).

    /usr/bin/python3 analysis/case_study.py RUN/results.h5 --out RUN/case_study
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_results import load_results  # noqa: E402

GRANULARITY = {0: "layer by layer", 1: "hybrid", 2: "fused"}


def ratios(df):
    """One row per (arch, workload): best EDP per granularity and the lbl / fine-grained ratios."""
    ok = df[df["status"].astype(str) == "ok"].copy()
    if ok.empty:
        raise SystemExit("no feasible point in the results")
    for col in ("arch", "workload"):
        ok[col] = ok[col].astype(str)
    best = ok.groupby(["arch", "workload", "g"])["edp_pj_cycles"].min().unstack("g")
    best = best.rename(columns={g: f"edp_{GRANULARITY[g].replace(' ', '_')}" for g in best.columns})
    out = best.copy()
    lbl = best["edp_layer_by_layer"]
    fine = best[[c for c in best.columns if c != "edp_layer_by_layer"]].min(axis=1)
    out["lbl_over_fused"] = lbl / best["edp_fused"]
    out["lbl_over_hybrid"] = lbl / best["edp_hybrid"]
    out["lbl_over_best_fine"] = lbl / fine
    return out.reset_index()


def plot(table, out_base):
    archs = list(dict.fromkeys(table["arch"]))
    workloads = list(dict.fromkeys(table["workload"]))
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8), sharey=True)
    width = 0.8 / len(archs)
    colors = plt.get_cmap("tab10")
    panels = [("lbl_over_best_fine", "best fine-grained (hybrid or fused)"),
              ("lbl_over_fused", "fully fused (one row per CN everywhere)")]
    for ax, (col, title) in zip(axes, panels):
        x = np.arange(len(workloads))
        for i, a in enumerate(archs):
            vals = [table[(table.arch == a) & (table.workload == w)][col].iloc[0]
                    if ((table.arch == a) & (table.workload == w)).any() else np.nan
                    for w in workloads]
            # Bars grow from 1 (no gain): up when fusion wins, down when it loses.
            vals = np.asarray(vals, dtype=float)
            ax.bar(x + (i - (len(archs) - 1) / 2) * width, vals - 1.0, width, bottom=1.0,
                   label=a, color=colors(i))
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_yscale("log")
        lo = min(table["lbl_over_fused"].min(), table["lbl_over_best_fine"].min(), 1.0)
        hi = max(table["lbl_over_fused"].max(), table["lbl_over_best_fine"].max(), 1.0)
        ax.set_ylim(lo / 1.5, hi * 1.5)
        ax.set_xticks(x)
        ax.set_xticklabels([w.replace("zoo:", "") for w in workloads])
        ax.set_title(f"layer by layer vs {title}")
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0].set_ylabel("EDP(layer by layer) / EDP(fine-grained)  [x, log]")
    axes[1].legend(title="architecture", fontsize=8)
    fig.suptitle("Energy-delay product gain of layer fusion (min-EDP allocation, NSGA-II 16x16); "
                 ">1 = fusion better")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(f"{out_base}.{ext}", dpi=130)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", help="results.h5 of the case-study sweep")
    ap.add_argument("--out", default="case_study",
                    help="output path without extension (writes .png, .pdf, .csv)")
    args = ap.parse_args(argv)
    df, _ = load_results(args.results)
    for col in ("arch", "workload", "g", "edp_pj_cycles", "status"):
        if col not in df.columns:
            raise SystemExit(f"{args.results}: no column '{col}' (is this the case-study sweep?)")
    table = ratios(df)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    table.to_csv(f"{args.out}.csv", index=False)
    plot(table, args.out)
    pd.set_option("display.width", 160)
    shown = table[["arch", "workload", "lbl_over_best_fine", "lbl_over_fused", "lbl_over_hybrid"]]
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    single = table[table.arch.str.startswith("HW1")]["lbl_over_best_fine"]
    multi = table[~table.arch.str.startswith("HW1")]
    hetero = table[table.arch.str.startswith("HW3")]["lbl_over_best_fine"]
    print(f"\nsingle-core (HW1): geometric mean {np.exp(np.log(single).mean()):.2f}x, "
          f"max {single.max():.2f}x   (paper: 2.4x)")
    print(f"multi-core (HW2, HW3): geometric mean "
          f"{np.exp(np.log(multi['lbl_over_best_fine']).mean()):.2f}x, "
          f"max {multi['lbl_over_best_fine'].max():.2f}x")
    print(f"heterogeneous (HW3): geometric mean {np.exp(np.log(hetero).mean()):.2f}x, "
          f"max {hetero.max():.2f}x   (paper: up to 30x)")
    print(f"wrote {args.out}.png, {args.out}.pdf, {args.out}.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
