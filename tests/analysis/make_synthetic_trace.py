#!/usr/bin/python3
"""Write a small Chrome/Perfetto trace JSON shaped like `stream-hpc eval --trace` output
(test fixture for analysis/plot_trace.py): a track per core with its computation nodes, a track
per link with its transfers, a counter per memory instance, metadata naming them; ts in cycles.
"""
import argparse
import json
import sys


def build():
    ev = []
    cores = 4
    for c in range(cores):
        ev.append({"ph": "M", "name": "process_name", "pid": c, "args": {"name": f"Core {c}"}})
        ev.append({"ph": "M", "name": "thread_name", "pid": c, "tid": 0,
                   "args": {"name": f"Core {c}"}})
    links = {10: "Link 0->1", 11: "Link 1->2", 12: "Offchip link"}
    for pid, name in links.items():
        ev.append({"ph": "M", "name": "process_name", "pid": pid, "args": {"name": name}})
    mem_pid = 20
    ev.append({"ph": "M", "name": "process_name", "pid": mem_pid, "args": {"name": "Memory"}})
    # Layer l runs on core l % 4 as 6 CNs; each CN waits for a transfer in.
    t_core = [0] * cores
    stored = {c: 0 for c in range(cores)}
    counters = []
    cn = 0
    for layer in range(6):
        c = layer % cores
        for k in range(6):
            start = max(t_core[c], layer * 900 + k * 150)
            tx_start = max(0, start - 120)
            pid = 12 if layer == 0 else 10 + min(c, 2) if c else 12
            ev.append({"ph": "X", "cat": "transfer", "name": f"tensor {cn}", "pid": pid, "tid": 0,
                       "ts": tx_start, "dur": 100, "args": {"bits": 65536}})
            dur = 300 + 40 * (k % 3)
            ev.append({"ph": "X", "cat": "cn", "name": f"L{layer} CN{k}", "pid": c, "tid": 0,
                       "ts": start, "dur": dur, "args": {"layer": layer, "cn": cn}})
            t_core[c] = start + dur
            stored[c] += 262144
            counters.append((tx_start, c, stored[c]))
            if k % 2 == 1:
                stored[c] -= 393216
                counters.append((start + dur, c, max(stored[c], 0)))
                stored[c] = max(stored[c], 0)
            cn += 1
    for ts, c, bits in sorted(counters):
        ev.append({"ph": "C", "name": f"Core {c} SRAM", "pid": mem_pid, "ts": ts,
                   "args": {"stored_bits": bits}})
    return {"traceEvents": ev, "displayTimeUnit": "ns",
            "otherData": {"time_unit": "cycles", "source": "synthetic fixture"}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", help="the trace JSON to write")
    args = ap.parse_args(argv)
    with open(args.out, "w") as f:
        json.dump(build(), f)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
