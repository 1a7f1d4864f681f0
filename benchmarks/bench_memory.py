"""Peak memory of a fit on 1 000 000 x 100 float32: sklweight vs the hand-written loop.

Usage::

    python benchmarks/bench_memory.py [--rows 1000000] [--features 100]

Each contender runs in a fresh Python process (``--worker NAME``), so that the peak
resident set size (``ru_maxrss``) is its own: the libraries are imported and X (float32,
C-contiguous, generated without a float64 temporary) is made before the fit; then one
epoch at batch 1024 of a 100-64-4 MLP. Reported: the process's peak RSS, the RSS just
before the fit (imports + data), and the ratio of peaks to the loop's. X itself is
``rows * features * 4`` bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import warnings

from _common import markdown_table

CONTENDERS = {
    "hand loop": "loop",
    "sklweight WeightedNeuralNetClassifier (train_split=None)": "net",
    "sklweight WeightedNeuralNetClassifier (default ValidSplit(5))": "net_split",
    "sklweight WeightedMLPClassifier": "mlp",
}


def _rss_now_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(kind, rows, features):
    import numpy as np
    import torch
    from sklearn.exceptions import ConvergenceWarning

    from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, features), dtype=np.float32)
    y = (X[:, :4] + 0.5 * rng.standard_normal((rows, 4), dtype=np.float32)).argmax(axis=1)

    def module():
        return torch.nn.Sequential(
            torch.nn.Linear(features, 64), torch.nn.ReLU(), torch.nn.Linear(64, 4))

    before = _rss_now_mib()
    if kind == "loop":
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
        model = module()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        perm = torch.randperm(rows)
        for start in range(0, rows, 1024):
            idx = perm[start:start + 1024]
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[idx]), yt[idx]).backward()
            opt.step()
    elif kind in ("net", "net_split"):
        params = {} if kind == "net_split" else {"train_split": None}
        WeightedNeuralNetClassifier(
            module, max_epochs=1, batch_size=1024, iterator_train__shuffle=True,
            random_state=0, verbose=0, **params,
        ).fit(X, y)
    elif kind == "mlp":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            WeightedMLPClassifier(64, batch_size=1024, max_epochs=1, random_state=0).fit(X, y)
    else:
        raise ValueError(kind)
    print(json.dumps({"before_mib": before, "peak_mib": _peak_mib(),
                      "x_mib": X.nbytes / 2**20}))


def run(rows=1_000_000, features=100):
    results = []
    for name, kind in CONTENDERS.items():
        out = subprocess.run(
            [sys.executable, __file__, "--worker", kind, "--rows", str(rows),
             "--features", str(features)],
            capture_output=True, text=True, check=True,
        )
        record = json.loads(out.stdout.strip().splitlines()[-1])
        results.append({"contender": name, **record})
    loop = results[0]["peak_mib"]
    for record in results:
        record["ratio"] = record["peak_mib"] / loop
    return results


def table(results):
    header = ["contender", "peak RSS MiB", "RSS before fit MiB", "peak - before MiB",
              "peak x loop"]
    rows = [
        [r["contender"], f"{r['peak_mib']:.0f}", f"{r['before_mib']:.0f}",
         f"{r['peak_mib'] - r['before_mib']:.0f}", f"{r['ratio']:.2f}"]
        for r in results
    ]
    return markdown_table(header, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.rows, args.features)
        return 0
    results = run(args.rows, args.features)
    print(f"{args.rows} x {args.features} float32 "
          f"(X = {results[0]['x_mib']:.0f} MiB), 1 epoch, batch 1024")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
