#!/usr/bin/python3
"""Write a small trace JSON in the format of `stream-hpc eval --trace` (test fixture for
analysis/plot_trace.py): Chrome/Perfetto events, process 1 "cores" (one thread per core,
complete events "L<layer> CN <i>" with args layer/group), process 2 "channels" (one thread per
channel: transfers with args bits/as, streaming blocks), process 3 "memories" (a counter per
top memory instance, args {"bits": stored bits}); ts and dur in cycles.
"""
import argparse
import json
import sys

LAYERS = ["conv1", "conv2", "pool1", "conv3", "fc1", "fc2"]


def build():
    ev = []

    def meta(pid, tid, what, name):
        ev.append({"ph": "M", "pid": pid, "tid": tid, "name": what, "args": {"name": name}})

    meta(1, 0, "process_name", "cores")
    meta(2, 0, "process_name", "channels")
    meta(3, 0, "process_name", "memories")
    cores = 4
    for c in range(cores):
        meta(1, c, "thread_name", f"core {c}")
    channels = ["link 0<->1", "link 1<->2", "link 2<->3", "offchip port"]
    for i, label in enumerate(channels):
        meta(2, i, "thread_name", label)
    t_core = [0] * cores
    stored = [0] * cores
    counters = []
    for li, layer in enumerate(LAYERS):
        c = li % cores
        for k in range(6):
            start = max(t_core[c], li * 900 + k * 150)
            tx = max(0, start - 120)
            ch = 3 if li == 0 or c == 0 else c - 1
            ev.append({"ph": "X", "pid": 2, "tid": ch, "ts": tx, "dur": 100,
                       "name": f"L{li} I {ch}->{c}", "args": {"bits": 65536,
                                                              "as": "cn_offchip_link_energy"}})
            dur = 300 + 40 * (k % 3)
            ev.append({"ph": "X", "pid": 1, "tid": c, "ts": start, "dur": dur,
                       "name": f"L{li} CN {k}", "args": {"layer": layer, "group": 0}})
            t_core[c] = start + dur
            stored[c] += 262144
            counters.append((tx, c, stored[c]))
            if k % 2 == 1:
                stored[c] = max(stored[c] - 393216, 0)
                counters.append((start + dur, c, stored[c]))
    ev.append({"ph": "X", "pid": 2, "tid": 3, "ts": 5200, "dur": 400,
               "name": "streaming for L5 CN 2"})
    for ts, c, bits in sorted(counters):
        ev.append({"ph": "C", "pid": 3, "ts": ts, "name": f"sram @ core {c}",
                   "args": {"bits": bits}})
    return {"traceEvents": ev, "displayTimeUnit": "ns"}


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
