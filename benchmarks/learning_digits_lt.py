"""Learning quality on "digits-LT" and "noisy digits" (docs/benchmarks.rst), at the defaults.

Usage::

    python benchmarks/learning_digits_lt.py [--seeds 0 1 2 3 4] [--max-epochs 200]
        [--batch-size auto] [--n-iter-no-change 10] [--threads 1] [--no-extras]

Protocol: for each seed, :func:`sklweight.datasets.make_long_tailed_digits` (rho = 50,
240 training rows, balanced test set of 870 rows) and
:func:`sklweight.datasets.make_noisy_digits` (927 training rows, 30 % labels flipped,
quality weight 0.2 on the flipped rows); every model is
``make_pipeline(StandardScaler(), WeightedMLPClassifier(random_state=seed, ...))`` at the
estimator defaults unless the row says otherwise; the metric is the balanced accuracy on
the test set. "d vs CE" is the mean over seeds of the paired difference with the plain
cross-entropy row of the same data set (same seed, same test set); "min d" is the worst
seed and "wins" counts the seeds where the row beats plain CE. "fit s" is the mean
wall-clock time of one pipeline fit and "epochs" the mean number of epochs run (200 =
``max_epochs`` reached). One torch thread, like the test suite.

Extra rows (``--no-extras`` drops them): ``posthoc_tau=1`` (post-hoc logit adjustment,
Menon et al. 2021), logit adjustment + weight decay + ``input_noise=1`` at the default
training length, the named recipes (:mod:`sklweight.recipes`) and, marked ``*``, the
reference ``LogisticRegression(class_weight="balanced")`` from scikit-learn.
``benchmarks/learning_recipes.py`` runs the recipes on more data sets.

Exit status 0 (the numbers are reported, not enforced; ``tests/test_learning.py`` asserts
the paired differences with margins).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import WeightedMLPClassifier, recipes
from sklweight.datasets import make_long_tailed_digits, make_noisy_digits

RECIPE = {"criterion": "logit_adjusted", "weight_decay": 3e-3}
NOISE = {**RECIPE, "input_noise": 1.0}


def _mlp(seed, common, **params):
    return make_pipeline(
        StandardScaler(), WeightedMLPClassifier(random_state=seed, **common, **params)
    )


def _recipe(name):
    """A recipe at its own training length (the common settings do not apply)."""

    def make(seed, common):
        return make_pipeline(StandardScaler(), getattr(recipes, name)(random_state=seed))

    return make


def _logreg(seed, common):
    return make_pipeline(
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed),
    )


def _lt_rows(extras):
    rows = [
        ("plain CE", _mlp, {}),
        ('class_weight="balanced"', _mlp, {"class_weight": "balanced"}),
        ('sampler="balanced"', _mlp, {"sampler": "balanced"}),
        ('criterion="logit_adjusted"', _mlp, {"criterion": "logit_adjusted"}),
        ("logit_adjusted + weight_decay=3e-3", _mlp, RECIPE),
        ('criterion="focal" (gamma=2)', _mlp, {"criterion": "focal"}),
    ]
    if extras:
        rows += [
            ("posthoc_tau=1", _mlp, {"posthoc_tau": 1.0}),
            ("logit_adjusted + wd 3e-3 + input_noise=1", _mlp, NOISE),
            ("recipes.long_tail()", _recipe("long_tail"), None),
            ('* LogisticRegression(class_weight="balanced")', _logreg, None),
        ]
    return rows


def _noisy_rows(extras):
    rows = [
        ("noisy: plain CE, no weights", _mlp, {}, False),
        ("noisy: sample_weight=quality_weight", _mlp, {}, True),
    ]
    if extras:
        rows += [
            ("noisy: LA + wd 3e-3, quality weights", _mlp, RECIPE, True),
            ("noisy: LA + wd 3e-3 + input_noise=1, quality", _mlp, NOISE, True),
            ("noisy: recipes.noisy_labels(), quality weights", _recipe("noisy_labels"),
             None, True),
        ]
    return rows


def _fit_score(make, seed, common, params, X_train, X_test, y_train, y_test,
               sample_weight=None):
    model = make(seed, common) if params is None else make(seed, common, **params)
    fit_params = {}
    if sample_weight is not None:
        fit_params[f"{model.steps[-1][0]}__sample_weight"] = sample_weight
    start = time.perf_counter()
    model.fit(X_train, y_train, **fit_params)
    elapsed = time.perf_counter() - start
    y_pred = model.predict(X_test)
    epochs = model[-1].n_iter_ if isinstance(model[-1], WeightedMLPClassifier) else np.nan
    return balanced_accuracy_score(y_test, y_pred), elapsed, epochs


def run(seeds, common, extras=True):
    """Return ``{section: [(name, scores, times, epochs), ...]}`` over ``seeds``."""
    results = {"digits-LT (rho=50, 240 rows)": [], "noisy digits (30 % flipped)": []}
    lt = [make_long_tailed_digits(random_state=s) for s in seeds]
    noisy = [make_noisy_digits(random_state=s) for s in seeds]
    _fit_score(_mlp, 0, {**common, "max_epochs": 5}, {}, *lt[0])  # warm-up, not timed
    section = results["digits-LT (rho=50, 240 rows)"]
    for name, make, params in _lt_rows(extras):
        out = [
            _fit_score(make, s, common, params, *data)
            for s, data in zip(seeds, lt, strict=True)
        ]
        section.append((name, *map(np.array, zip(*out, strict=True))))
    section = results["noisy digits (30 % flipped)"]
    for name, make, params, weighted in _noisy_rows(extras):
        out = [
            _fit_score(make, s, common, params, *data[:4],
                       sample_weight=data[4] if weighted else None)
            for s, data in zip(seeds, noisy, strict=True)
        ]
        section.append((name, *map(np.array, zip(*out, strict=True))))
    return results


def format_table(results):
    lines = []
    header = (
        f"{'configuration':<50} {'bal. acc':>8} {'std':>6} {'d vs CE':>8} {'min d':>7} "
        f"{'wins':>5} {'fit s':>6} {'epochs':>6}"
    )
    for section, rows in results.items():
        lines += ["", section, header, "-" * len(header)]
        base = rows[0][1]
        for name, scores, times, epochs in rows:
            diff = scores - base
            wins = f"{int((diff > 0).sum())}/{len(diff)}"
            n_epochs = "-" if np.isnan(epochs).all() else f"{np.nanmean(epochs):.0f}"
            lines.append(
                f"{name:<50} {scores.mean():8.3f} {scores.std():6.3f} {diff.mean():+8.3f} "
                f"{diff.min():+7.3f} {wins:>5} {times.mean():6.2f} {n_epochs:>6}"
            )
        lines.append(
            "per seed (" + rows[0][0] + "): " + " ".join(f"{v:.3f}" for v in base)
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--max-epochs", type=int, default=200)
    parser.add_argument("--batch-size", default="auto")
    parser.add_argument("--n-iter-no-change", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-extras", action="store_true", help="only the main rows")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    batch_size = args.batch_size if args.batch_size == "auto" else int(args.batch_size)
    common = {
        "max_epochs": args.max_epochs, "batch_size": batch_size,
        "n_iter_no_change": args.n_iter_no_change,
    }
    print(
        f"WeightedMLPClassifier defaults except max_epochs={args.max_epochs}, "
        f"batch_size={batch_size!r}, n_iter_no_change={args.n_iter_no_change}; "
        f"seeds {args.seeds}; torch {torch.__version__}, "
        f"{args.threads} thread(s)"
    )
    start = time.perf_counter()
    print(format_table(run(args.seeds, common, extras=not args.no_extras)))
    print(f"\ntotal {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
