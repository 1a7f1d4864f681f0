"""Whole-fit time on tabular data: sklweight vs a hand-written loop, stock skorch, sklearn.

Usage::

    python benchmarks/bench_fit.py [--rows 200000] [--batch-sizes 128 1024] [--epochs 2]
                                   [--rounds 5] [--threads T] [--configs plain ...]

Data: ``rows x 64`` float32 Gaussian features, 4 classes (class 0 four times rarer than
the others, so class weights and the balanced sampler change something), uniform sample
weights in [0.2, 1]; made once, seeded. Model: 64-64-4 MLP, Adam (torch's default
implementation for every torch contender), lr 1e-3, the same batch size and number of
epochs for all; no validation split; shuffled batches. A timing is a whole ``fit`` (set-up
included) of ``--epochs`` epochs.

Configurations and contenders (each config against the loop with the same weighting):

* ``plain``: hand loop, sklweight ``WeightedNeuralNetClassifier``, stock skorch
  ``NeuralNetClassifier``, scikit-learn ``MLPClassifier``;
* ``sample_weight``: weighted hand loop (``w * n / sum(w)``, ``mean(w_b l_b)``),
  sklweight with ``sample_weight``, ``MLPClassifier`` with ``sample_weight``;
* ``class_weight``: hand loop with the balanced class weights as row weights, sklweight
  ``class_weight="balanced"``;
* ``sampler``: hand loop drawing each epoch's rows with ``torch.multinomial`` in
  proportion to ``1 / n_class`` (with replacement), sklweight ``sampler="balanced"``.

sklweight and stock skorch run with their default callbacks, as users run them. The hand
loop makes its tensors once and slices a ``randperm`` per batch (``X[idx]``). The
statistic is the median over ``--rounds`` interleaved rounds (see ``_common.py``).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import torch
from _common import markdown_table, run_interleaved, threads
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from skorch import NeuralNetClassifier
from torch import nn

from sklweight import WeightedNeuralNetClassifier

CONFIGS = ("plain", "sample_weight", "class_weight", "sampler")
FEATURES, HIDDEN, CLASSES = 64, 64, 4


def make_data(rows, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, FEATURES), dtype=np.float32)
    scores = X[:, :CLASSES] + 0.5 * rng.standard_normal((rows, CLASSES), dtype=np.float32)
    scores[:, 0] -= 1.0  # class 0 about 4 x rarer
    y = scores.argmax(axis=1).astype(np.int64)
    w = rng.uniform(0.2, 1.0, rows)
    return X, y, w


def module(n_features=FEATURES, hidden=HIDDEN, n_classes=CLASSES):
    return nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))


def balanced_row_weights(y):
    counts = np.bincount(y, minlength=CLASSES)
    return (len(y) / (CLASSES * counts))[y]  # mean 1 over the rows


# --------------------------------------------------------------------------- contenders
def hand_loop(X, y, *, batch_size, epochs, row_weight=None, sampling=None):
    """The practical floor: tensors made once, randperm (or multinomial) + slicing."""
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wt = None
    if row_weight is not None:
        wt = torch.from_numpy((row_weight * len(row_weight) / row_weight.sum()).astype(np.float32))
    pt = None if sampling is None else torch.from_numpy(sampling)
    model = module()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(yt)
    for _ in range(epochs):
        perm = torch.randperm(n) if pt is None else torch.multinomial(pt, n, replacement=True)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad()
            losses = nn.functional.cross_entropy(model(Xt[idx]), yt[idx], reduction="none")
            loss = losses.mean() if wt is None else (losses * wt[idx]).mean()
            loss.backward()
            opt.step()


def sklweight_fit(X, y, *, batch_size, epochs, sample_weight=None, **params):
    net = WeightedNeuralNetClassifier(
        module, optimizer=torch.optim.Adam, lr=1e-3, batch_size=batch_size,
        max_epochs=epochs, train_split=None, iterator_train__shuffle=True, verbose=0,
        random_state=0, **params,
    )
    net.fit(X, y, sample_weight=sample_weight)


def stock_skorch(X, y, *, batch_size, epochs):
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        module, criterion=nn.CrossEntropyLoss, optimizer=torch.optim.Adam, lr=1e-3,
        batch_size=batch_size, max_epochs=epochs, train_split=None,
        iterator_train__shuffle=True, verbose=0,
    )
    net.fit(X, y)


def sklearn_mlp(X, y, *, batch_size, epochs, sample_weight=None):
    clf = MLPClassifier(
        (HIDDEN,), batch_size=batch_size, max_iter=epochs, random_state=0, tol=0,
        n_iter_no_change=10**9,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, sample_weight=sample_weight)


def contenders(config, X, y, w, batch_size, epochs):
    """``{name: callable}`` of a configuration; the first is the reference loop."""
    kw = {"batch_size": batch_size, "epochs": epochs}
    if config == "plain":
        return {
            "hand loop": lambda: hand_loop(X, y, **kw),
            "sklweight": lambda: sklweight_fit(X, y, **kw),
            "stock skorch": lambda: stock_skorch(X, y, **kw),
            "sklearn MLPClassifier": lambda: sklearn_mlp(X, y, **kw),
        }
    if config == "sample_weight":
        return {
            "hand loop, weighted": lambda: hand_loop(X, y, row_weight=w, **kw),
            "sklweight, sample_weight": lambda: sklweight_fit(X, y, sample_weight=w, **kw),
            "sklearn MLPClassifier, sample_weight": lambda: sklearn_mlp(
                X, y, sample_weight=w, **kw),
        }
    if config == "class_weight":
        row_weight = balanced_row_weights(y)
        return {
            "hand loop, class-weighted": lambda: hand_loop(X, y, row_weight=row_weight, **kw),
            "sklweight, class_weight='balanced'": lambda: sklweight_fit(
                X, y, class_weight="balanced", **kw),
        }
    if config == "sampler":
        sampling = balanced_row_weights(y)
        return {
            "hand loop, balanced sampling": lambda: hand_loop(X, y, sampling=sampling, **kw),
            "sklweight, sampler='balanced'": lambda: sklweight_fit(
                X, y, sampler="balanced", **kw),
        }
    raise ValueError(f"unknown configuration {config!r}; choose from {CONFIGS}")


# --------------------------------------------------------------------------- driver
def run(rows=200_000, batch_sizes=(128, 1024), epochs=2, rounds=5, configs=CONFIGS,
        n_threads=None, seed=0):
    """Run the configurations; returns a list of result dicts (one per contender)."""
    X, y, w = make_data(rows, seed)
    warm = slice(0, min(rows, 5000))
    results = []
    with threads(n_threads):
        for batch_size in batch_sizes:
            for config in configs:
                fns = contenders(config, X, y, w, batch_size, epochs)
                for fn in contenders(config, X[warm], y[warm], w[warm], batch_size, 1).values():
                    fn()  # warm-up on a slice (lazy initialisation, allocator)
                timings = run_interleaved(fns, rounds, seed=seed, warmup=0)
                reference = next(iter(timings.values()))
                ours = next(t for name, t in timings.items() if name.startswith("sklweight"))
                for name, timing in timings.items():
                    results.append({
                        "batch_size": batch_size, "config": config, "contender": name,
                        "median_s": timing.median, "min_s": timing.min,
                        "ratio": timing.median / reference.median,
                        "vs_sklweight": timing.median / ours.median,
                    })
    return results


def table(results):
    header = ["batch", "config", "contender", "median s / fit", "min s", "x loop",
              "x sklweight"]
    rows = [
        [r["batch_size"], r["config"], r["contender"], f"{r['median_s']:.3f}",
         f"{r['min_s']:.3f}", f"{r['ratio']:.2f}", f"{r['vs_sklweight']:.2f}"]
        for r in results
    ]
    return markdown_table(header, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[128, 1024])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    args = parser.parse_args(argv)
    results = run(args.rows, args.batch_sizes, args.epochs, args.rounds, args.configs,
                  args.threads)
    print(f"{args.rows} x {FEATURES}, hidden {HIDDEN}, {args.epochs} epochs, torch threads "
          f"{args.threads or torch.get_num_threads()}, median of {args.rounds} rounds")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
