"""Learning quality of post-hoc adjustment and the named recipes, on digits and beyond.

Usage::

    python benchmarks/learning_recipes.py [--seeds 0 1 2 3 4] [--data digits-lt synth-lt
        cancer-lt noisy-digits] [--threads 1] [--no-tuned]

Data sets (nothing is downloaded):

* ``digits-lt``: :func:`sklweight.datasets.make_long_tailed_digits` (docs/benchmarks.rst:
  240 training rows, 87 to 2 per class, balanced test set of 870 rows);
* ``synth-lt``: :func:`sklearn.datasets.make_classification` with 10 balanced classes
  (20 features, 10 informative, 5 redundant, 2 clusters per class, ``class_sep=1``,
  4 000 rows, generated with the seed), put through the same protocol: a balanced test
  set of 100 rows per class first, then a long-tailed training set of
  ``floor(100 * 50 ** (-i / 9))`` rows for the class at position ``i`` of a random
  head-to-tail order (275 rows, 100 down to 2);
* ``cancer-lt``: :func:`sklearn.datasets.load_breast_cancer` (binary, 30 features),
  a balanced test set of 100 rows per class, then a training set of all the pool rows of
  one class (``n_max`` = the smaller pool, 112) and ``n_max / 20`` of the other (5 rows),
  the rare class drawn per seed;
* ``noisy-digits``: :func:`sklweight.datasets.make_noisy_digits` (927 rows, 30 % of the
  labels flipped, quality weight 0.2 on the flipped rows), trained with the quality
  weights unless the row says otherwise.

Every model is ``make_pipeline(StandardScaler(), model)``; the neural nets are
:class:`~sklweight.WeightedMLPClassifier` with ``random_state=seed``. The metric is the
balanced accuracy on the balanced test set. "d vs plain" and "d vs LR" are the means over
seeds of the paired differences with the plain cross-entropy row and with
``LogisticRegression(class_weight="balanced")`` (same seed, same test set); "min d" is
the worst seed against plain. "fit s" is the mean wall-clock time of one fit, "epochs"
the mean number of epochs run. One torch thread.

Exit status 0: the numbers are reported, not enforced (``tests/test_learning.py``
asserts the documented bars on digits).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from sklweight import TunedPosthocTauClassifierCV, WeightedMLPClassifier, recipes
from sklweight.datasets import make_long_tailed_digits, make_noisy_digits
from sklweight.datasets._long_tail import _long_tail_profile


def long_tail_split(X, y, n_test, imbalance, rng):
    """The digits-LT protocol on any labelled data: balanced test set, long-tailed train."""
    classes = np.unique(y)
    test, pool = [], []
    for c in classes:
        rows = rng.permutation(np.flatnonzero(y == c))
        test.append(rows[:n_test])
        pool.append(rows[n_test:])
    order = rng.permutation(len(classes))
    n_max = min(len(rows) for rows in pool)
    counts = _long_tail_profile(n_max, len(classes), imbalance)
    train = np.sort(np.concatenate([pool[c][:n] for c, n in zip(order, counts, strict=True)]))
    test = np.sort(np.concatenate(test))
    return X[train], X[test], y[train], y[test], None


def make_synth_lt(seed):
    X, y = make_classification(
        n_samples=4000, n_features=20, n_informative=10, n_redundant=5, n_classes=10,
        n_clusters_per_class=2, class_sep=1.0, random_state=seed,
    )
    return long_tail_split(X, y, 100, 50, check_random_state(seed))


def make_cancer_lt(seed):
    X, y = load_breast_cancer(return_X_y=True)
    return long_tail_split(X, y, 100, 20, check_random_state(seed))


DATA = {
    "digits-lt": lambda s: (*make_long_tailed_digits(random_state=s), None),
    "synth-lt": make_synth_lt,
    "cancer-lt": make_cancer_lt,
    "noisy-digits": lambda s: make_noisy_digits(random_state=s),
}


def _mlp(seed, **params):
    return WeightedMLPClassifier(random_state=seed, **params)


def _tuned(seed):
    return TunedPosthocTauClassifierCV(_mlp(seed), cv=0.3, random_state=seed)


def _logreg(seed):
    return LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed)


# (name, builder(seed) -> final estimator, fit with the data's weights)
LONG_TAIL_ROWS = [
    ("plain cross-entropy", lambda s: _mlp(s), False),
    ('class_weight="balanced"', lambda s: _mlp(s, class_weight="balanced"), False),
    ('criterion="logit_adjusted"', lambda s: _mlp(s, criterion="logit_adjusted"), False),
    ("posthoc_tau=1", lambda s: _mlp(s, posthoc_tau=1.0), False),
    ("TunedPosthocTauClassifierCV(cv=0.3)", _tuned, False),
    ("recipes.long_tail()", lambda s: recipes.long_tail(random_state=s), False),
    ('LogisticRegression(class_weight="balanced")', _logreg, False),
]
NOISY_ROWS = [
    ("plain cross-entropy", lambda s: _mlp(s), True),
    ("plain cross-entropy, no weights", lambda s: _mlp(s), False),
    ("recipes.noisy_labels()", lambda s: recipes.noisy_labels(random_state=s), True),
    ("recipes.long_tail()", lambda s: recipes.long_tail(random_state=s), True),
    ('LogisticRegression(class_weight="balanced")', _logreg, True),
]


def _fit_score(final, data, weighted):
    X_train, X_test, y_train, y_test, weight = data
    model = make_pipeline(StandardScaler(), final)
    fit_params = {}
    if weighted and weight is not None:
        fit_params[f"{model.steps[-1][0]}__sample_weight"] = weight
    start = time.perf_counter()
    model.fit(X_train, y_train, **fit_params)
    elapsed = time.perf_counter() - start
    est = model[-1]
    est = getattr(est, "estimator_", est)
    epochs = getattr(est, "n_iter_", np.nan)
    epochs = np.nan if isinstance(est, LogisticRegression) else epochs
    return balanced_accuracy_score(y_test, model.predict(X_test)), elapsed, epochs


def run(names, seeds, tuned=True):
    """``{data set: [(row, scores, times, epochs), ...]}``."""
    results = {}
    for name in names:
        data = [DATA[name](s) for s in seeds]
        rows = NOISY_ROWS if name == "noisy-digits" else LONG_TAIL_ROWS
        if not tuned:
            rows = [r for r in rows if not r[0].startswith("Tuned")]
        results[name] = []
        for row, build, weighted in rows:
            out = [_fit_score(build(s), d, weighted) for s, d in zip(seeds, data, strict=True)]
            results[name].append((row, *map(np.array, zip(*out, strict=True))))
            print(f"  {name}: {row} done", flush=True)
    return results


def format_table(results):
    lines = []
    header = (f"{'model':<46} {'bal. acc':>8} {'std':>6} {'d vs plain':>10} {'min d':>7} "
              f"{'d vs LR':>8} {'fit s':>6} {'epochs':>6}")
    for name, rows in results.items():
        plain = rows[0][1]
        logreg = next(r[1] for r in rows if r[0].startswith("LogisticRegression"))
        lines += ["", f"{name} (train rows: see the module docstring)", header,
                  "-" * len(header)]
        for row, scores, times, epochs in rows:
            d, d_lr = scores - plain, scores - logreg
            n_epochs = "-" if np.isnan(epochs).all() else f"{np.nanmean(epochs):.0f}"
            lines.append(
                f"{row:<46} {scores.mean():8.3f} {scores.std():6.3f} {d.mean():+10.3f} "
                f"{d.min():+7.3f} {d_lr.mean():+8.3f} {times.mean():6.2f} {n_epochs:>6}"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--data", nargs="+", default=list(DATA), choices=list(DATA))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-tuned", action="store_true",
                        help="skip TunedPosthocTauClassifierCV (two fits per seed)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    print(f"seeds {args.seeds}; torch {torch.__version__}, {args.threads} thread(s)")
    start = time.perf_counter()
    print(format_table(run(args.data, args.seeds, tuned=not args.no_tuned)))
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
