"""Whole-fit time on the small data scikit-learn users have: breast_cancer and digits.

Usage::

    python benchmarks/bench_small.py [--datasets breast_cancer digits] [--epochs 50]
                                     [--rounds 15]

The documented setting (docs/benchmarks.rst, "The bars"): one hidden layer of 100,
``batch_size=min(200, n)``, 50 epochs, one torch thread (and one BLAS thread for
scikit-learn), features standardised once before timing; a
timing is a whole ``fit`` with its set-up (a grid search pays it for every fit).
Contenders, all running every epoch (no early stop):

* the **hand loop** (float64 like the data, default Adam, ``randperm`` + slicing): the
  reference;
* the **hand loop with fused Adam** (``torch.optim.Adam(fused=True)``), to show what the
  optimizer's kernel alone buys;
* ``WeightedMLPClassifier(max_epochs=50, tol=0, n_iter_no_change=10**9)`` at its
  defaults otherwise (which step with Adam's fused kernel where torch has one);
* ``WeightedNeuralNetClassifier`` with the same module and torch's default Adam;
* scikit-learn's ``MLPClassifier(max_iter=50, tol=0, n_iter_no_change=10**9)``.

Median over ``--rounds`` interleaved rounds (``_common.py``), ratios to the hand loop.
"""

from __future__ import annotations

import argparse
import warnings

import torch
from _common import markdown_table, run_interleaved, threads
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from torch import nn

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier

DATASETS = {"breast_cancer": load_breast_cancer, "digits": load_digits}
HIDDEN = 100


def load(name):
    X, y = DATASETS[name](return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _module(n_features, n_classes):
    return nn.Sequential(
        nn.Linear(n_features, HIDDEN, dtype=torch.float64), nn.ReLU(),
        nn.Linear(HIDDEN, n_classes, dtype=torch.float64),
    )


def hand_loop(X, y, epochs, fused=False):
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    model = _module(X.shape[1], int(y.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused or None)
    n = len(yt)
    batch_size = min(200, n)
    for _ in range(epochs):
        perm = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad()
            nn.functional.cross_entropy(model(Xt[idx]), yt[idx]).backward()
            opt.step()


def sklweight_mlp(X, y, epochs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        WeightedMLPClassifier(
            max_epochs=epochs, tol=0, n_iter_no_change=10**9, random_state=0,
        ).fit(X, y)


def sklweight_net(X, y, epochs):
    WeightedNeuralNetClassifier(
        _module, module__n_features=X.shape[1], module__n_classes=int(y.max()) + 1,
        optimizer=torch.optim.Adam, lr=1e-3, batch_size=min(200, len(y)),
        max_epochs=epochs, train_split=None, iterator_train__shuffle=True, verbose=0,
        random_state=0,
    ).fit(X, y)


def sklearn_mlp(X, y, epochs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier(
            (HIDDEN,), max_iter=epochs, tol=0, n_iter_no_change=10**9, random_state=0,
        ).fit(X, y)


def run(datasets=tuple(DATASETS), epochs=50, rounds=15, seed=0):
    results = []
    with threads(1):
        for name in datasets:
            X, y = load(name)
            fns = {
                "hand loop": lambda X=X, y=y: hand_loop(X, y, epochs),
                "hand loop, fused Adam": lambda X=X, y=y: hand_loop(X, y, epochs, fused=True),
                "sklweight WeightedMLPClassifier": lambda X=X, y=y: sklweight_mlp(X, y, epochs),
                "sklweight WeightedNeuralNetClassifier (default Adam)":
                    lambda X=X, y=y: sklweight_net(X, y, epochs),
                "sklearn MLPClassifier": lambda X=X, y=y: sklearn_mlp(X, y, epochs),
            }
            timings = run_interleaved(fns, rounds, seed=seed)
            reference = timings["hand loop"]
            mlp = timings["sklearn MLPClassifier"]
            for contender, timing in timings.items():
                results.append({
                    "dataset": f"{name} {X.shape[0]} x {X.shape[1]}", "contender": contender,
                    "median_s": timing.median, "min_s": timing.min,
                    "ratio": timing.median / reference.median,
                    "vs_mlpclassifier": timing.median / mlp.median,
                })
    return results


def table(results):
    header = ["data", "contender", "median s / fit", "min s", "x loop", "x MLPClassifier"]
    rows = [
        [r["dataset"], r["contender"], f"{r['median_s']:.3f}", f"{r['min_s']:.3f}",
         f"{r['ratio']:.2f}", f"{r['vs_mlpclassifier']:.2f}"]
        for r in results
    ]
    return markdown_table(header, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    results = run(args.datasets, args.epochs, args.rounds)
    print(f"hidden {HIDDEN}, {args.epochs} epochs, 1 thread, median of {args.rounds} rounds")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
