#!/usr/bin/python3
"""Schedule Gantt chart and memory-over-time plot of one design point, written as PNG and PDF.

Reads the Chrome/Perfetto trace JSON of `stream-hpc eval ... --trace TRACE.json`: complete
events (ph "X", or "B"/"E" pairs) on one track per core and per link, counter events (ph "C")
for the stored bits of each memory instance, and metadata events (ph "M", process_name /
thread_name) naming the tracks. Both the object form {"traceEvents": [...]} and a bare event
list are accepted. Time stamps are taken as cycles (--time-unit to relabel).

Top panel: one row per core (computation nodes coloured by layer) and per link (transfers in
grey). Bottom panel: stored data per memory instance over time (step plot), peak marked.

Example:
  stream-hpc eval --accelerator A.yaml --workload W.onnx --mapping M.yaml --trace t.json
  /usr/bin/python3 analysis/plot_trace.py t.json --out schedule   # schedule.png, schedule.pdf
"""
import argparse
import json
import re
import sys
from collections import defaultdict

import numpy as np

import plot_common as pc
from plot_common import plt

LINK_WORDS = ("channel", "link", "bus", "transfer", "noc", "offchip", "->", "dram port")


def _num(v, default=0.0):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


def read_trace(path):
    """(tracks, counters): tracks {key: {"name", "events": [(start, end, name, args, cat)]}},
    counters {name: {series: [(t, value)]}} in time order."""
    with open(path) as f:
        data = json.load(f)
    events = data.get("traceEvents", []) if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise ValueError(f"{path}: no traceEvents list")
    proc_names, thread_names, sort_index = {}, {}, {}
    tracks = defaultdict(lambda: {"name": None, "events": []})
    counters = defaultdict(lambda: defaultdict(list))
    open_b = defaultdict(list)
    for e in events:
        if not isinstance(e, dict):
            continue
        ph = e.get("ph")
        pid, tid = e.get("pid", 0), e.get("tid", 0)
        args = e.get("args") or {}
        if ph == "M":
            if e.get("name") == "process_name":
                proc_names[pid] = str(args.get("name", pid))
            elif e.get("name") == "thread_name":
                thread_names[(pid, tid)] = str(args.get("name", tid))
            elif e.get("name") in ("process_sort_index", "thread_sort_index"):
                sort_index[(pid, tid) if e["name"] == "thread_sort_index" else (pid, None)] = \
                    _num(args.get("sort_index"))
        elif ph == "X":
            ts = _num(e.get("ts"))
            tracks[(pid, tid)]["events"].append(
                (ts, ts + _num(e.get("dur")), str(e.get("name", "")), args, str(e.get("cat", ""))))
        elif ph == "B":
            open_b[(pid, tid)].append(e)
        elif ph == "E" and open_b[(pid, tid)]:
            b = open_b[(pid, tid)].pop()
            tracks[(pid, tid)]["events"].append(
                (_num(b.get("ts")), _num(e.get("ts")), str(b.get("name", "")),
                 b.get("args") or {}, str(b.get("cat", ""))))
        elif ph == "C":
            name = str(e.get("name", "counter"))
            for series, v in args.items():
                counters[(pid, name)][series].append((_num(e.get("ts")), _num(v)))
    for (pid, tid), t in tracks.items():
        t["name"] = thread_names.get((pid, tid)) or proc_names.get(pid) or f"{pid}/{tid}"
        t["process"] = proc_names.get(pid, "")
        t["order"] = (sort_index.get((pid, None), pid if isinstance(pid, (int, float)) else 0),
                      sort_index.get((pid, tid), tid if isinstance(tid, (int, float)) else 0))
    named_counters = {}
    names = [key for _, key in counters]
    for (pid, key), series in counters.items():
        # The counter's own name, unless two processes use the same one.
        name = key if names.count(key) == 1 else f"{proc_names.get(pid, pid)}: {key}"
        named_counters[name] = {s: sorted(v) for s, v in series.items()}
    return dict(tracks), named_counters


def is_link_track(track):
    """Channels (links, buses, DRAM ports): by the track's or its process's name, or when every
    event on it is a transfer."""
    name = (track["name"] + " " + track.get("process", "")).lower()
    if any(w in name for w in LINK_WORDS):
        return True
    cats = {e[4].lower() for e in track["events"]}
    return bool(cats) and all(("transfer" in c or "link" in c) for c in cats)


def layer_of(name, args):
    for k in ("layer", "layer_id", "layer_index", "layer_name"):
        if k in args:
            return str(args[k])
    m = re.search(r"(?:^|[^a-z])(?:layer|l)\s*[:#=]?\s*(\d+)", name, re.IGNORECASE)
    return m.group(1) if m else name.split()[0] if name else "?"


def bits_unit(values):
    vmax = max(values) if len(values) else 0
    for scale, unit in ((8 * 1024 ** 3, "GiB"), (8 * 1024 ** 2, "MiB"), (8 * 1024, "KiB")):
        if vmax >= scale:
            return scale, unit
    return 1, "bits"


def is_offchip(name):
    n = name.lower()
    return "dram" in n or "offchip" in n or "off-chip" in n


def draw_memory(ax, counters, t_end, title, max_labels=6):
    """Step plot of stored data per memory instance; instances that stay empty are listed in the
    title instead of drawn; the largest peaks are annotated."""
    all_vals = [v for s in counters.values() for pts in s.values() for _, v in pts]
    scale, unit = bits_unit(all_vals)
    colours = plt.get_cmap("tab20")
    curves, empty = [], 0
    for name, series in sorted(counters.items()):
        for s, pts in series.items():
            if not pts:
                continue
            if max(v for _, v in pts) <= 0:
                empty += 1
                continue
            ts = np.array([p[0] for p in pts] + [max(t_end, pts[-1][0])])
            vs = np.array([p[1] for p in pts] + [pts[-1][1]]) / scale
            curves.append((name if len(series) == 1 else f"{name} {s}", ts, vs))
    peaks = sorted(range(len(curves)), key=lambda i: -curves[i][2].max())[:max_labels]
    for i, (label, ts, vs) in enumerate(curves):
        line, = ax.step(ts, vs, where="post", label=label, linewidth=1.2,
                        color=colours(i % 20))
        if i in peaks:
            j = int(np.argmax(vs))
            ax.plot(ts[j], vs[j], "v", color=line.get_color(), markersize=6)
            ax.annotate(f"peak {vs[j]:,.2f} {unit}", (ts[j], vs[j]), textcoords="offset points",
                        xytext=(4, 4), fontsize=7, color=line.get_color())
    if curves:
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8,
                  ncol=1 if len(curves) <= 14 else 2)
    ax.set_ylabel(f"stored data [{unit}]")
    ax.set_title(title + (f" ({empty} instance{'s' if empty != 1 else ''} stay empty)"
                          if empty else ""), fontsize=10)
    ax.grid(True, alpha=0.3)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace", help="trace JSON written by `stream-hpc eval --trace`")
    ap.add_argument("--out", default="schedule",
                    help="output path without extension; writes OUT.png and OUT.pdf")
    ap.add_argument("--time-unit", default="cycles", help="unit of the time stamps "
                                                          "(default: cycles)")
    ap.add_argument("--title", default=None)
    args = ap.parse_args(argv)

    tracks, counters = read_trace(args.trace)
    tracks = {k: t for k, t in tracks.items() if t["events"]}
    if not tracks and not counters:
        print(f"{args.trace}: no complete or counter events", file=sys.stderr)
        return 1
    cores = sorted((t for t in tracks.values() if not is_link_track(t)), key=lambda t: t["order"])
    links = sorted((t for t in tracks.values() if is_link_track(t)), key=lambda t: t["order"])
    rows = cores + links
    nrows = max(len(rows), 1)
    # Off-chip memory (DRAM) holds orders of magnitude more than the on-chip memories: its own
    # panel, so that the on-chip curves stay readable.
    offchip = {k: v for k, v in counters.items() if is_offchip(k)}
    onchip = {k: v for k, v in counters.items() if k not in offchip}
    panels = [onchip] + ([offchip] if offchip else [])
    ratios = [max(2.0, 0.45 * nrows), 3.0] + ([1.8] if offchip else [])
    fig, axes = plt.subplots(len(ratios), 1, sharex=True,
                             figsize=(12, 2.2 + sum(ratios)),
                             gridspec_kw={"height_ratios": ratios})
    ax_g = axes[0]

    # Layers in order of their first CN in time (colours then follow the network's order).
    first = {}
    for t in cores:
        for e in t["events"]:
            layer = layer_of(e[2], e[3])
            first[layer] = min(first.get(layer, e[0]), e[0])
    layers = sorted(first, key=lambda k: (first[k], k))
    cmap = plt.get_cmap("tab20")
    colour = {layer: cmap(i % 20) for i, layer in enumerate(layers)}
    t_end = 0.0
    for y, t in enumerate(rows):
        link = t in links
        spans = [(e[0], max(e[1] - e[0], 0.0)) for e in t["events"]]
        cols = ["0.55" if link else colour[layer_of(e[2], e[3])] for e in t["events"]]
        ax_g.broken_barh(spans, (y - 0.38, 0.76), facecolors=cols, edgecolor="black",
                         linewidth=0.2)
        t_end = max([t_end] + [e[1] for e in t["events"]])
    ax_g.set_yticks(range(len(rows)))
    ax_g.set_yticklabels([t["name"] for t in rows])
    ax_g.set_ylim(len(rows) - 0.5, -0.5)
    ax_g.grid(True, axis="x", alpha=0.3)
    n_cn = sum(len(t["events"]) for t in cores)
    n_tx = sum(len(t["events"]) for t in links)
    ax_g.set_title(f"schedule: {n_cn} computation nodes on {len(cores)} cores, {n_tx} transfers "
                   f"on {len(links)} channels; makespan {t_end:,.0f} {args.time_unit}", fontsize=10)
    if len(layers) > 20:
        ax_g.text(1.01, 0.5, f"{len(layers)} layers\n(colours in\nnetwork order)",
                  transform=ax_g.transAxes, va="center", fontsize=8)
    elif layers:
        handles = [plt.Rectangle((0, 0), 1, 1, color=colour[layer]) for layer in layers]
        labels = [f"layer {layer}" if layer.isdigit() else layer for layer in layers]
        if links:
            handles.append(plt.Rectangle((0, 0), 1, 1, color="0.55"))
            labels.append("transfer")
        ax_g.legend(handles, labels, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8,
                    ncol=1 if len(labels) <= 12 else 2)

    for k, group in enumerate(panels):
        draw_memory(axes[k + 1], group, t_end,
                    "off-chip memory" if k == 1 else "on-chip memory per memory instance")
    if not counters:
        axes[1].text(0.5, 0.5, "no memory counters in the trace", ha="center", va="center",
                     transform=axes[1].transAxes)
    axes[-1].set_xlabel(f"time [{args.time_unit}]")
    axes[-1].set_xlim(0, t_end * 1.01 if t_end > 0 else None)
    fig.suptitle(args.title or f"Schedule of {args.trace}", fontsize=11)
    fig.tight_layout()
    for p in pc.save(fig, args.out):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
