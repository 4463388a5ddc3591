#!/usr/bin/python3
"""Write a synthetic sweep results.h5 in the engine's layout (test fixture for analysis/).

Layout (README "Sweeps", hpc-conventions §2): group /points with one 1-D dataset per column,
attributes colnames (ordered), n_rows, primary_key=point_id and per-column units; string
parameters stored as int32 codes whose `dictionary` attribute names /dims/<param> (a VL string
dataset); status uint8 and reason_code uint16 with enum_labels.

The metrics follow a simple, deterministic roofline-like model, so that the plots show real
trade-offs (more cores: faster but larger; wider links: lower latency, more area), and a few
points are infeasible (status 1, zero metrics), as a real sweep has.
"""
import argparse
import itertools
import sys

import h5py
import numpy as np

ENERGY_TERMS = [
    "cn_onchip_energy_pj",
    "cn_offchip_link_energy_pj",
    "cn_offchip_memory_energy_pj",
    "eviction_to_offchip_link_energy_pj",
    "eviction_to_offchip_memory_energy_pj",
    "sink_layer_output_offchip_link_energy_pj",
    "sink_layer_output_offchip_memory_energy_pj",
    "core_to_core_link_energy_pj",
    "core_to_core_memory_energy_pj",
]

WORKLOADS = {"resnet18": 1.8e9, "fsrcnn": 4.1e9}
CORES = [1, 2, 4, 8]
BANDWIDTH = [32, 64, 128]
TILING = ["lbl", "oy4", "oy_all"]
BUFFER_KB = [64, 256]


def build(seed):
    rng = np.random.default_rng(seed)
    rows = []
    for pid, (w, c, bw, t, kb) in enumerate(
            itertools.product(WORKLOADS, CORES, BANDWIDTH, TILING, BUFFER_KB)):
        macs = WORKLOADS[w]
        fine = {"lbl": 1.0, "oy4": 0.75, "oy_all": 0.6}[t]
        compute = macs / (256 * c)
        comm = macs * 0.02 * fine / bw * (1 + 0.15 * c)
        noise = 1 + 0.05 * rng.standard_normal()
        latency = int((compute + comm) * noise * (1.3 if kb == 64 else 1.0))
        onchip = macs * 0.5 * (1 + 0.02 * c)
        offchip = macs * 2.0 * fine * (1.5 if kb == 64 else 1.0) * (1 + 0.03 * rng.random())
        c2c = macs * 0.05 * (c - 1) / c
        terms = np.array([onchip, offchip * 0.1, offchip * 0.9, offchip * 0.01, offchip * 0.05,
                          offchip * 0.002, offchip * 0.01, c2c * 0.3, c2c * 0.7])
        area = c * (1.0 + kb / 256.0) + bw / 64.0
        infeasible = (kb == 64 and t == "lbl" and w == "fsrcnn" and c <= 2)
        row = dict(
            point_id=np.uint64(0x9E3779B97F4A7C15 * (pid + 1) % (1 << 64)),
            status=1 if infeasible else 0,
            reason_code=1 if infeasible else 0,
            workload=list(WORKLOADS).index(w),
            cores=c,
            link_bandwidth=bw,
            tiling=TILING.index(t),
            buffer_kb=float(kb),
            latency_cycles=0 if infeasible else latency,
            energy_pj=0.0 if infeasible else float(terms.sum()),
            area=area,
            total_macs=int(macs),
            cn_count=0 if infeasible else int(c * {"lbl": 20, "oy4": 80, "oy_all": 400}[t]),
            peak_onchip_bits=int(kb * 8192 * c * 0.8),
            peak_dram_bits=int(macs * 0.3),
            dram_traffic_bits=0 if infeasible else int(offchip * 0.1),
            mean_core_utilization=0.0 if infeasible else float(compute / max(latency, 1)),
            eval_seconds=0.01 + 0.002 * c,
            rank=pid % 2,
        )
        row["edp_pj_cycles"] = row["energy_pj"] * row["latency_cycles"]
        for name, v in zip(ENERGY_TERMS, terms):
            row[name] = 0.0 if infeasible else float(v)
        rows.append(row)
    return rows


COLUMNS = [  # name, dtype, units
    ("point_id", np.uint64, ""),
    ("status", np.uint8, ""),
    ("reason_code", np.uint16, ""),
    ("workload", np.int32, ""),
    ("cores", np.int64, ""),
    ("link_bandwidth", np.int64, ""),
    ("tiling", np.int32, ""),
    ("buffer_kb", np.float64, ""),
    ("latency_cycles", np.int64, "cycles"),
    ("energy_pj", np.float64, "pJ"),
    ("edp_pj_cycles", np.float64, "pJ*cycles"),
] + [(n, np.float64, "pJ") for n in ENERGY_TERMS] + [
    ("peak_onchip_bits", np.int64, "bits"),
    ("peak_dram_bits", np.int64, "bits"),
    ("dram_traffic_bits", np.int64, "bits"),
    ("mean_core_utilization", np.float64, "1"),
    ("area", np.float64, "hardware area units"),
    ("total_macs", np.int64, "MACs"),
    ("cn_count", np.int64, ""),
    ("eval_seconds", np.float64, "s"),
    ("rank", np.int32, ""),
]


def write(path, rows):
    vlen = h5py.string_dtype("utf-8")
    with h5py.File(path, "w") as f:
        f.attrs["schema"] = "stream-hpc sweep results"
        f.attrs["schema_version"] = np.int64(1)
        f.attrs["spec_name"] = "synthetic"
        dims = f.create_group("dims")
        dims.create_dataset("workload", data=np.array(list(WORKLOADS), dtype=object), dtype=vlen)
        dims.create_dataset("tiling", data=np.array(TILING, dtype=object), dtype=vlen)
        g = f.create_group("points")
        for name, dtype, units in COLUMNS:
            ds = g.create_dataset(name, data=np.array([r[name] for r in rows], dtype=dtype),
                                  chunks=True, compression="gzip", shuffle=True)
            if units:
                ds.attrs.create("units", units, dtype=vlen)
            if name in ("workload", "tiling"):
                ds.attrs.create("dictionary", "/dims/" + name, dtype=vlen)
            if name == "status":
                ds.attrs.create("enum_labels", ["0=ok", "1=infeasible", "2=unsupported",
                                                "3=invalid"], dtype=vlen)
        g.attrs.create("colnames", [c[0] for c in COLUMNS], dtype=vlen)
        g.attrs["n_rows"] = np.int64(len(rows))
        g.attrs.create("primary_key", "point_id", dtype=vlen)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="the results.h5 to write")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    rows = build(args.seed)
    write(args.out, rows)
    print(f"wrote {len(rows)} points to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
