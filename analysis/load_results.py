#!/usr/bin/python3
"""Load a stream-hpc sweep's results.h5 into a pandas DataFrame (README "Sweeps").

    from load_results import load_results
    df, attrs = load_results("run/results.h5")           # one row per design point
    df[df.status == "ok"].sort_values("edp_pj_cycles").head()

String parameters are stored as integer codes with a dictionary under /dims/<param>; they
come back decoded (as pandas categoricals). `status` and `reason_code` are decoded from their
`enum_labels` attributes ("code=label"). Use /usr/bin/python3 (Debian's h5py).

Run as a script to print a summary:  /usr/bin/python3 analysis/load_results.py run/results.h5
"""
import sys

import h5py
import numpy as np
import pandas as pd


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _labels(ds):
    if "enum_labels" not in ds.attrs:
        return None
    out = {}
    for item in ds.attrs["enum_labels"]:
        code, label = _text(item).split("=", 1)
        out[int(code)] = label
    return out


def load_results(path, decode=True):
    """Returns (DataFrame of /points in stored order, dict of root provenance attributes)."""
    with h5py.File(path, "r") as f:
        g = f["points"]
        columns = [_text(c) for c in g.attrs["colnames"]]
        data = {}
        for name in columns:
            ds = g[name]
            values = ds[()]
            if decode and "dictionary" in ds.attrs:
                words = [_text(w) for w in f[_text(ds.attrs["dictionary"])][()]]
                values = pd.Categorical.from_codes(values.astype(np.int64), categories=words)
            elif decode and _labels(ds) is not None:
                labels = _labels(ds)
                values = pd.Categorical([labels.get(int(v), str(int(v))) for v in values],
                                        categories=[labels[k] for k in sorted(labels)])
            data[name] = values
        attrs = {k: (_text(v) if isinstance(v, (bytes, str)) else v) for k, v in f.attrs.items()}
        if "provenance/sweep_spec" in f:
            attrs["sweep_spec"] = _text(f["provenance/sweep_spec"][0])
    df = pd.DataFrame(data, columns=columns)
    return df, attrs


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    df, attrs = load_results(argv[1])
    print(f"{len(df)} points, {len(df.columns)} columns; spec {attrs.get('spec_name')} "
          f"sha256 {attrs.get('spec_sha256', '')[:12]}; {attrs.get('n_ranks')} rank(s) x "
          f"{attrs.get('threads_per_rank')} thread(s)")
    print(df["status"].value_counts().to_string())
    ok = df[df["status"] == "ok"]
    if len(ok):
        print(ok.nsmallest(5, "edp_pj_cycles").to_string(max_cols=12))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
