"""Shared helpers of the analysis plots: column metadata, Pareto fronts, PNG + PDF output.

Only Debian's python3-h5py, numpy, pandas and matplotlib (run with /usr/bin/python3).
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load_results import load_results  # noqa: E402  (the sweep's loader)


def load_table(path):
    """The /points table of a results.h5 as a DataFrame (parameters and status decoded)."""
    out = load_results(path)
    return out[0] if isinstance(out, tuple) else out

# Columns every results table has that are not swept parameters (README "Sweeps").
ENGINE_COLUMNS = {
    "point_id", "status", "reason_code", "latency_cycles", "energy_pj", "edp_pj_cycles",
    "cn_onchip_energy_pj", "cn_offchip_link_energy_pj", "cn_offchip_memory_energy_pj",
    "eviction_to_offchip_link_energy_pj", "eviction_to_offchip_memory_energy_pj",
    "sink_layer_output_offchip_link_energy_pj", "sink_layer_output_offchip_memory_energy_pj",
    "core_to_core_link_energy_pj", "core_to_core_memory_energy_pj", "peak_onchip_bits",
    "peak_dram_bits", "dram_traffic_bits", "mean_core_utilization", "area", "total_macs",
    "cn_count", "eval_seconds", "rank",
}

# Readable names for the axis labels; the unit comes from the file (attribute `units`).
LABELS = {
    "latency_cycles": "latency",
    "energy_pj": "energy",
    "edp_pj_cycles": "energy-delay product",
    "area": "area",
    "total_macs": "MAC count",
    "peak_onchip_bits": "peak on-chip memory",
    "peak_dram_bits": "peak DRAM",
    "dram_traffic_bits": "DRAM traffic",
    "mean_core_utilization": "mean core utilization",
    "cn_count": "computation nodes",
    "eval_seconds": "evaluation time",
}

FALLBACK_UNITS = {
    "latency_cycles": "cycles", "energy_pj": "pJ", "edp_pj_cycles": "pJ*cycles", "area": "",
    "total_macs": "MACs", "peak_onchip_bits": "bits", "peak_dram_bits": "bits",
    "dram_traffic_bits": "bits", "mean_core_utilization": "1", "eval_seconds": "s",
}


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def read_meta(path):
    """(colnames in file order, {column: units}, {column: status labels}) of /points."""
    with h5py.File(path, "r") as f:
        g = f["points"]
        names = [_text(n) for n in g.attrs["colnames"]]
        units, labels = {}, {}
        for n in names:
            a = g[n].attrs
            if "units" in a:
                units[n] = _text(a["units"])
            if "enum_labels" in a:
                labels[n] = {int(s.split("=", 1)[0]): s.split("=", 1)[1]
                             for s in map(_text, a["enum_labels"])}
    return names, units, labels


def swept_parameters(colnames):
    """The swept parameters: every column the engine does not add itself, in file order."""
    return [c for c in colnames if c not in ENGINE_COLUMNS]


def axis_label(column, units):
    u = units.get(column, FALLBACK_UNITS.get(column, ""))
    name = LABELS.get(column, column.replace("_", " "))
    if u in ("", "1"):
        return name if u == "" else f"{name} (fraction)"
    return f"{name} [{u}]"


def feasible(df):
    """The rows with status 0 (ok); infeasible points carry zero metrics."""
    if "status" not in df:
        return df
    s = df["status"]
    ok = (s == 0) if np.issubdtype(np.asarray(s).dtype, np.number) else (s.astype(str) == "ok")
    return df[ok]


def pareto_mask(x, y):
    """Boolean mask of the points no other point dominates (both minimised; ties kept once)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    order = np.lexsort((y, x))  # by x, then y
    mask = np.zeros(len(x), dtype=bool)
    best_y = np.inf
    for i in order:
        if y[i] < best_y:
            mask[i] = True
            best_y = y[i]
    return mask


def use_log(values):
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    return len(v) > 1 and v.max() / v.min() > 30


def is_categorical(series):
    return (isinstance(series.dtype, pd.CategoricalDtype) or series.dtype == object
            or series.dtype == bool)


def save(fig, out):
    """Writes OUT.png and OUT.pdf (OUT without extension; a given .png/.pdf is stripped)."""
    base, ext = os.path.splitext(out)
    if ext.lower() not in (".png", ".pdf"):
        base = out
    d = os.path.dirname(base)
    if d:
        os.makedirs(d, exist_ok=True)
    paths = [base + ".png", base + ".pdf"]
    fig.savefig(paths[0], dpi=130, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    plt.close(fig)
    return paths


def color_mapping(series, cmap_name="viridis"):
    """(colors per row, legend handles or None, ScalarMappable or None) for a parameter."""
    if is_categorical(series):
        cats = list(series.cat.categories) if isinstance(series.dtype, pd.CategoricalDtype) \
            else sorted(series.astype(str).unique())
        cmap = plt.get_cmap("tab10" if len(cats) <= 10 else "tab20")
        index = {c: i for i, c in enumerate(cats)}
        colors = [cmap(index[v] % cmap.N) for v in series]
        handles = [plt.Line2D([], [], marker="o", linestyle="", color=cmap(index[c] % cmap.N),
                              label=str(c)) for c in cats if (series == c).any()]
        return colors, handles, None
    values = np.asarray(series, dtype=float)
    distinct = np.unique(values)
    if len(distinct) <= 8:  # few numeric values: a discrete legend reads better
        cmap = plt.get_cmap("viridis", max(len(distinct), 2))
        index = {v: i for i, v in enumerate(distinct)}
        colors = [cmap(index[v]) for v in values]
        handles = [plt.Line2D([], [], marker="o", linestyle="", color=cmap(index[v]),
                              label=f"{v:g}") for v in distinct]
        return colors, handles, None
    norm = matplotlib.colors.LogNorm() if use_log(values) else matplotlib.colors.Normalize()
    norm.autoscale(values)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=plt.get_cmap(cmap_name))
    return sm.to_rgba(values), None, sm
