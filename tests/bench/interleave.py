#!/usr/bin/python3
"""Compare Google Benchmark binaries on a shared, noisy machine by running them interleaved.

Each round runs every benchmark filter in its own process (a clean peak-RSS counter) for every
binary, with the same flags (--benchmark_repetitions=5 --benchmark_report_aggregates_only=true);
the binary order alternates per round (A B, B A, ...) so that a load change hits both alike.
Prints, per benchmark, each binary's per-round medians, the median over the rounds (real and CPU
time, peak RSS), the same-round ratios last/first and their median, and the 1-minute load.

  tests/bench/interleave.py --rounds 8 'BM_ScheduleFsrcnnOneRowR9$;BM_ScheduleSynthetic/100000$' \\
      old=../old/build/tests/bench/bench_scheduler main=build/tests/bench/bench_scheduler
"""
import argparse
import json
import statistics
import subprocess
import sys


def load1():
    with open("/proc/loadavg", encoding="ascii") as f:
        return float(f.read().split()[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--json", help="also write the per-round medians to this file")
    ap.add_argument("filters", help="';'-separated --benchmark_filter values, one process each")
    ap.add_argument("binaries", nargs="+", help="label=path, two or more")
    a = ap.parse_args()
    bins = [b.split("=", 1) for b in a.binaries]
    if len(bins) < 2 or any(len(b) != 2 for b in bins):
        ap.error("give two or more label=path binaries")
    res = {}
    for r in range(a.rounds):
        for flt in a.filters.split(";"):
            for label, path in bins if r % 2 == 0 else bins[::-1]:
                load = load1()
                out = subprocess.run(
                    [path, f"--benchmark_filter={flt}", "--benchmark_repetitions=5",
                     "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                    capture_output=True, text=True, check=True).stdout
                for bm in json.loads(out)["benchmarks"]:
                    if bm.get("aggregate_name") == "median":
                        res.setdefault(bm["run_name"], {}).setdefault(label, []).append(
                            {"real": bm["real_time"], "cpu": bm["cpu_time"], "load": load,
                             "unit": bm["time_unit"], "rss": bm.get("peak_rss_MiB", 0.0)})
        print(f"round {r + 1}/{a.rounds}, load {load1():.1f}", file=sys.stderr, flush=True)
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
    first, last = bins[0][0], bins[-1][0]
    for name, per in res.items():
        print(name)
        for label, _ in bins:
            v = per[label]
            print(f"  {label:8s} " + " ".join(f"{x['real']:8.2f}" for x in v) +
                  f" | median real {statistics.median(x['real'] for x in v):.2f}"
                  f" cpu {statistics.median(x['cpu'] for x in v):.2f} {v[0]['unit']},"
                  f" peak RSS {statistics.median(x['rss'] for x in v):.0f} MiB")
        for key in ("real", "cpu"):
            q = [y[key] / x[key] for x, y in zip(per[first], per[last])]
            print(f"  {last}/{first} {key}: " + " ".join(f"{z:.2f}" for z in q) +
                  f" | median {statistics.median(q):.3f}")
        print("  load: " + " ".join(f"{x['load']:.1f}" for x in per[first]))


if __name__ == "__main__":
    main()
