#!/usr/bin/python3
"""Contract test of a sweep's results.h5, read with h5py (Debian's /usr/bin/python3):
column names and order, dtypes, row count, chunking and compression, dictionaries, status
labels, provenance attributes; then the analysis loader (analysis/load_results.py).

usage: check_results_contract.py RESULTS.h5 REPO_DIR EXPECTED_POINTS"""
import sys

import h5py
import numpy as np

path, repo, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


PARAMS = {"workload": "str", "granularity": "str", "cores": "str", "n_tpu": np.int64,
          "array": np.int64, "buf_kib": np.int64, "topology": "str", "dram_bw": np.int64}
ENERGY = ["cn_onchip_energy_pj", "cn_offchip_link_energy_pj", "cn_offchip_memory_energy_pj",
          "eviction_to_offchip_link_energy_pj", "eviction_to_offchip_memory_energy_pj",
          "sink_layer_output_offchip_link_energy_pj",
          "sink_layer_output_offchip_memory_energy_pj", "core_to_core_link_energy_pj",
          "core_to_core_memory_energy_pj"]
EXPECTED = ([("point_id", np.uint64), ("status", np.uint8), ("reason_code", np.uint16)] +
            [(k, np.int32 if v == "str" else v) for k, v in PARAMS.items()] +
            [("latency_cycles", np.int64), ("energy_pj", np.float64),
             ("edp_pj_cycles", np.float64)] + [(e, np.float64) for e in ENERGY] +
            [("peak_onchip_bits", np.int64), ("peak_dram_bits", np.int64),
             ("dram_traffic_bits", np.int64), ("mean_core_utilization", np.float64),
             ("area", np.float64), ("total_macs", np.int64), ("cn_count", np.int64),
             ("eval_seconds", np.float64), ("rank", np.int32)])

with h5py.File(path, "r") as f:
    g = f["points"]
    colnames = [text(c) for c in g.attrs["colnames"]]
    check(colnames == [n for n, _ in EXPECTED], f"colnames {colnames}")
    check(int(g.attrs["n_rows"]) == expected, f"n_rows {g.attrs['n_rows']} != {expected}")
    check(text(g.attrs["primary_key"]) == "point_id", "primary_key")
    for name, dtype in EXPECTED:
        if name not in g:
            failures.append(f"missing dataset {name}")
            continue
        ds = g[name]
        check(ds.dtype == np.dtype(dtype), f"{name}: dtype {ds.dtype} != {np.dtype(dtype)}")
        check(ds.shape == (expected,), f"{name}: shape {ds.shape}")
        check(ds.chunks is not None, f"{name}: not chunked")
        check(ds.compression == "gzip", f"{name}: compression {ds.compression}")
        check(ds.shuffle, f"{name}: no shuffle filter")
    ids = g["point_id"][()]
    check(len(np.unique(ids)) == expected, "point_id not unique")
    labels = [text(x) for x in g["status"].attrs["enum_labels"]]
    check(labels[:4] == ["0=ok", "1=infeasible", "2=unsupported", "3=invalid"],
          f"status labels {labels}")
    check(set(np.unique(g["status"][()])) <= {0, 1, 2, 3}, "status codes")
    check(text(g["latency_cycles"].attrs["units"]) == "cycles", "latency units")
    check(text(g["energy_pj"].attrs["units"]) == "pJ", "energy units")
    for name, kind in PARAMS.items():
        if kind == "str":
            dpath = text(g[name].attrs["dictionary"])
            check(dpath == f"/dims/{name}", f"{name}: dictionary {dpath}")
            words = [text(w) for w in f[dpath][()]]
            codes = g[name][()]
            check(codes.min() >= 0 and codes.max() < len(words), f"{name}: codes out of range")
    check([text(w) for w in f["/dims/workload"][()]] == ["zoo:fsrcnn", "zoo:resnet18"],
          "workload dictionary")
    for a in ["schema", "schema_version", "engine_version", "spec_sha256", "start_utc",
              "end_utc", "n_ranks", "threads_per_rank", "hostnames", "command_line",
              "slurm_job_id", "slurm_array_task_id", "hdf5_version", "n_points",
              "scheduler_fixes"]:
        check(a in f.attrs, f"root attribute {a} missing")
    check(int(f.attrs["n_ranks"]) == 2, f"n_ranks {f.attrs.get('n_ranks')}")
    check(len(text(f.attrs["spec_sha256"])) == 64, "spec_sha256 length")
    check(text(f.attrs["scheduler_fixes"]) == "none", "scheduler_fixes of a spec without fixes")
    check(text(f.attrs["start_utc"]).endswith("Z"), "start_utc ISO 8601 UTC")
    spec_text = text(f["provenance/sweep_spec"][0])
    check("name: small" in spec_text, "spec text dataset")

sys.path.insert(0, repo + "/analysis")
from load_results import load_results  # noqa: E402

df, attrs = load_results(path)
check(len(df) == expected, "loader row count")
check(list(df.columns) == [n for n, _ in EXPECTED], "loader columns")
check(set(df["workload"].unique()) == {"zoo:fsrcnn", "zoo:resnet18"}, "loader decodes workload")
check(set(df["status"].unique()) <= {"ok", "infeasible", "unsupported", "invalid"},
      "loader decodes status")
check(attrs["spec_sha256"] == text(attrs["spec_sha256"]), "loader attrs")

if failures:
    print("CONTRACT FAILURES:\n  " + "\n  ".join(failures))
    sys.exit(1)
print(f"results.h5 contract OK: {expected} rows, {len(EXPECTED)} columns")
