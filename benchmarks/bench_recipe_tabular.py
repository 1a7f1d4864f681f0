"""Fit time of ``recipes.tabular()`` against a default ``WeightedMLPClassifier()``.

Usage::

    python benchmarks/bench_recipe_tabular.py [--sets NAME ...] [--rounds 5]
        [--epochs 20] [--cache DIR] [--device cpu|cuda] [--threads 1]
        [--widths N ...]

The bar (docs/benchmarks.rst, "The bars"): a ``recipes.tabular()`` fit takes at most
3 x a default ``WeightedMLPClassifier()`` fit on the same data, the ensemble batched.
Two measurements per data set, on the training rows of the first fold of
``benchmarks/tabular.py``'s protocol (``--max-rows 1000``, stratified 5-fold,
standardised once before timing):

* **whole fit**: each estimator as a user builds it, with its own stopping rule (the
  default trains until its training loss stalls for 10 epochs, at most 200; the recipe
  until it gains less than 1e-3 in 10 epochs). This is the bar's ratio;
* **per epoch**: both with a fixed ``--epochs`` (no early stop), the cost of one pass
  of the recipe's embedded, 8-member network against the plain MLP's;
* **whole fit without the embedding**: the recipe with ``num_embedding=None``, its own
  stopping rule, against the default: what the 8-member ensemble and the wider,
  regularised layer cost on their own, apart from the feature embedding (whose first
  layer grows with ``n_features * d_embedding``).

Data: the KEEL development sets named by ``--sets`` (default: one wide one-hot table,
one wide numeric, several narrow; read from ``keel_extract.py``'s cache), or, when the
cache is missing, scikit-learn's bundled breast_cancer, digits and wine; with
``--widths``, generated tables of 800 rows, six imbalanced classes and that many
numeric columns (``make_classification``), to see the ratio grow with the columns the
embedding widens. One torch thread and one BLAS thread (``--threads``); median of
``--rounds`` interleaved, shuffled rounds after a warm-up (``_common.py``).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import numpy as np
from _common import machine, markdown_table, run_interleaved, threads
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.preprocessing import StandardScaler

from sklweight import WeightedMLPClassifier, recipes

DEFAULT_SETS = [
    ("multiclass", "splice"), ("multiclass", "movement_libras"),
    ("multiclass", "page_blocks"), ("multiclass", "yeast"), ("multiclass", "car"),
    ("binary", "winequality-red-4"), ("binary", "abalone-19_vs_10-11-12-13"),
    ("binary", "flare-F"),
]
BUNDLED = {"breast_cancer": load_breast_cancer, "digits": load_digits, "wine": load_wine}


def _keel(cache, sets):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tabular import DEV_SETS, load_set, splits

    data = []
    for name in sets:
        kind = next((k for k, names in DEV_SETS.items() if name in names), None)
        if kind is None:
            raise SystemExit(f"{name} is not a dev set of benchmarks/tabular.py")
        X, y, _ = load_set(cache, kind, name, 1000)
        train, _ = splits(y)[0]
        data.append((name, X[train], y[train]))
    return data


def _generated(widths):
    """One table per width: 800 rows, six imbalanced classes (weights 0.5 to 0.05), that
    many numeric columns, at most 12 of them informative and 2 redundant."""
    return [(f"generated, {n} columns", *make_classification(
        800, n, n_informative=min(n, 12), n_redundant=min(2, n - min(n, 12)), n_classes=6,
        weights=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05], random_state=0)) for n in widths]


def datasets(cache, sets, widths=None):
    """``[(name, X_train, y_train)]``: generated tables of ``widths`` numeric columns when
    given, else KEEL dev sets if the cache is there, else bundled data."""
    if widths:
        return _generated(widths)
    if (Path(cache) / "READY").exists():
        return _keel(cache, sets or [name for _, name in DEFAULT_SETS])
    print(f"no KEEL cache at {cache}: using scikit-learn's bundled data")
    return [(name, *load(return_X_y=True)) for name, load in BUNDLED.items()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", help="KEEL dev sets (default: eight)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--cache", default=os.environ.get("SKLWEIGHT_KEEL_CACHE",
                                                          "/work/keel_cache"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--widths", nargs="+", type=int,
                        help="generated tables with these numbers of numeric columns "
                             "instead of the KEEL sets")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch and BLAS threads for every fit (default: 1)")
    args = parser.parse_args(argv)
    for key, value in machine().items():
        print(f"* {key}: {value}")
    fixed = {"max_epochs": args.epochs, "tol": 0.0, "n_iter_no_change": 10**9}
    rows = []
    for name, X, y in datasets(args.cache, args.sets, args.widths):
        X = StandardScaler().fit_transform(X).astype(np.float32)
        models = {
            "default": lambda: WeightedMLPClassifier(random_state=0, device=args.device),
            "recipe": lambda: recipes.tabular(random_state=0, device=args.device),
            "default, fixed epochs": lambda: WeightedMLPClassifier(
                random_state=0, device=args.device, **fixed),
            "recipe, fixed epochs": lambda: recipes.tabular(
                random_state=0, device=args.device, **fixed),
            "recipe without embedding": lambda: recipes.tabular(
                random_state=0, device=args.device, num_embedding=None),
        }
        epochs = {}

        def fit(key, models=models, X=X, y=y, epochs=epochs):
            def run():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    epochs[key] = models[key]().fit(X, y).n_iter_
            return run

        with threads(args.threads):
            t = run_interleaved({key: fit(key) for key in models}, args.rounds)
        whole = t["recipe"].median / t["default"].median
        per_epoch = t["recipe, fixed epochs"].median / t["default, fixed epochs"].median
        plain = t["recipe without embedding"].median / t["default"].median
        rows.append([
            name, f"{X.shape[0]} x {X.shape[1]}", len(np.unique(y)),
            f"{t['default'].median:.2f} ({epochs['default']})",
            f"{t['recipe'].median:.2f} ({epochs['recipe']})",
            f"**{whole:.2f}**", f"{per_epoch:.2f}",
            f"{plain:.2f} ({epochs['recipe without embedding']})",
        ])
        print(rows[-1], flush=True)
    print()
    print("\n".join(markdown_table(
        ["data", "train rows x features", "classes", "default fit s (epochs)",
         "recipe fit s (epochs)", "whole fit: recipe / default",
         f"per epoch ({args.epochs} fixed): recipe / default",
         "whole fit without embedding / default (epochs)"], rows)))
    ratios = [float(r[5].strip("*")) for r in rows]
    print(f"\nwhole-fit ratio: median {np.median(ratios):.2f}, max {max(ratios):.2f} "
          "(bar: at most 3)")
    plain = [float(r[7].split()[0]) for r in rows]
    print(f"without the embedding: median {np.median(plain):.2f}, max {max(plain):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
