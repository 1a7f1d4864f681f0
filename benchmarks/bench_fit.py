"""Epoch time of a fit: sklweight vs. a hand-written loop, stock skorch and sklearn's MLP.

Method (see benchmarks/README.md): same data, model shape, optimiser and batch size for
every contender; one warm-up epoch each; then ``--repeats`` rounds in which the
contenders run in shuffled order, each timing ``--epochs`` epochs; the median per-epoch
time is reported with ratios against the hand-written loop (the practical floor: tensors
made once, ``randperm`` + index slicing per batch, the same weighted loss).

    python benchmarks/bench_fit.py [--rows 200000] [--batch-sizes 128 1024] [--weighted]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from skorch import NeuralNetClassifier
from torch import nn

from sklweight import WeightedNeuralNetClassifier


def make_data(n_rows, n_features, n_classes, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_rows, n_features).astype(np.float32)
    y = (X[:, :n_classes] + 0.5 * rng.randn(n_rows, n_classes)).argmax(axis=1)
    w = rng.uniform(0.2, 1.0, n_rows)
    return X, y.astype(np.int64), w


def module(n_features, hidden, n_classes):
    return nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, n_classes))


def hand_loop(X, y, w, *, hidden, batch_size, epochs, weighted):
    torch.manual_seed(0)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    wt = torch.from_numpy((w * len(w) / w.sum()).astype(np.float32)) if weighted else None
    model = module(X.shape[1], hidden, int(y.max()) + 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(yt)
    for _ in range(epochs):
        perm = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad()
            losses = nn.functional.cross_entropy(model(Xt[idx]), yt[idx], reduction="none")
            loss = (losses * wt[idx]).mean() if weighted else losses.mean()
            loss.backward()
            opt.step()


def ours(X, y, w, *, hidden, batch_size, epochs, weighted):
    net = WeightedNeuralNetClassifier(
        module, module__n_features=X.shape[1], module__hidden=hidden,
        module__n_classes=int(y.max()) + 1, optimizer=torch.optim.Adam, lr=1e-3,
        batch_size=batch_size, max_epochs=epochs, train_split=None,
        iterator_train__shuffle=True, callbacks="disable", verbose=0, random_state=0,
    )
    net.fit(X, y, sample_weight=w if weighted else None)


def stock_skorch(X, y, w, *, hidden, batch_size, epochs, weighted):
    torch.manual_seed(0)
    net = NeuralNetClassifier(
        module, module__n_features=X.shape[1], module__hidden=hidden,
        module__n_classes=int(y.max()) + 1, criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam, lr=1e-3, batch_size=batch_size, max_epochs=epochs,
        train_split=None, iterator_train__shuffle=True, callbacks="disable", verbose=0,
    )
    net.fit(X, y)  # stock skorch cannot split/batch sample weights: unweighted


def sklearn_mlp(X, y, w, *, hidden, batch_size, epochs, weighted):
    clf = MLPClassifier(
        (hidden,), batch_size=batch_size, max_iter=epochs, random_state=0, tol=0,
        n_iter_no_change=10**6,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y, sample_weight=w if weighted else None)


CONTENDERS = {
    "hand loop": hand_loop,
    "sklweight": ours,
    "skorch": stock_skorch,
    "sklearn MLP": sklearn_mlp,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--classes", type=int, default=4)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[128, 1024])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--weighted", action="store_true", help="fit with sample weights")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    X, y, w = make_data(args.rows, args.features, args.classes)
    print(f"{args.rows} x {args.features}, hidden {args.hidden}, {args.classes} classes, "
          f"weighted={args.weighted}, torch threads {torch.get_num_threads()}")
    for batch_size in args.batch_sizes:
        kwargs = {"hidden": args.hidden, "batch_size": batch_size, "weighted": args.weighted}
        for fn in CONTENDERS.values():
            fn(X[:5000], y[:5000], w[:5000], epochs=1, **kwargs)  # warm-up
        times = {name: [] for name in CONTENDERS}
        order = list(CONTENDERS)
        for repeat in range(args.repeats):
            random.Random(repeat).shuffle(order)
            for name in order:
                start = time.perf_counter()
                CONTENDERS[name](X, y, w, epochs=args.epochs, **kwargs)
                times[name].append((time.perf_counter() - start) / args.epochs)
        floor = statistics.median(times["hand loop"])
        print(f"\nbatch {batch_size}: median seconds per epoch (ratio to hand loop)")
        for name in CONTENDERS:
            median = statistics.median(times[name])
            print(f"  {name:12s} {median:8.3f} s  {median / floor:5.2f}x")
        skorch_ratio = statistics.median(times["skorch"]) / statistics.median(times["sklweight"])
        print(f"  sklweight is {skorch_ratio:.2f}x faster than stock skorch")


if __name__ == "__main__":
    main()
