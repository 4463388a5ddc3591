#!/usr/bin/python3
"""Load a stream-hpc sweep results.h5 (/points, one 1-D dataset per column) into pandas.

Placeholder until the sweep engine's own loader lands (it replaces this file).
"""
import argparse
import sys

import h5py
import numpy as np
import pandas as pd


def load_results(path, columns=None, decode=True):
    """DataFrame of /points; string parameters decoded through their /dims dictionary."""
    with h5py.File(path, "r") as f:
        g = f["points"]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in g.attrs["colnames"]]
        n_rows = int(g.attrs.get("n_rows", len(g[names[0]]) if names else 0))
        data = {}
        for name in names:
            if columns is not None and name not in columns:
                continue
            ds = g[name]
            values = ds[:n_rows]
            dictionary = ds.attrs.get("dictionary")
            if decode and dictionary is not None:
                if isinstance(dictionary, bytes):
                    dictionary = dictionary.decode()
                labels = [s.decode() if isinstance(s, bytes) else str(s)
                          for s in f[dictionary][:]]
                values = pd.Categorical.from_codes(np.asarray(values, dtype=np.int64),
                                                   categories=labels)
            data[name] = values
    return pd.DataFrame(data)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("results", help="DIR/results.h5")
    args = ap.parse_args(argv)
    df = load_results(args.results)
    print(df.to_string(max_rows=20))
    return 0


if __name__ == "__main__":
    sys.exit(main())
