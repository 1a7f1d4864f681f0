"""Learning quality on "digits-LT" and "noisy digits" (SPEC section 8), at the defaults.

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

Rows marked ``*`` are references outside the estimator's options:

* ``post-hoc LA``: the plain-CE model, predicting ``argmax(log p - log prior)`` with the
  training prior (Menon et al. 2021), computed from ``predict_proba``;
* ``+ input noise``: ``WeightedMLPClassifier`` has no input-noise option, so the module
  is swapped (in this script only) for one adding N(0, sigma^2) noise to the standardised
  inputs while training -- the SPEC's long-tail recipe;
* ``LogisticRegression(class_weight="balanced")`` from scikit-learn.

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

from sklweight import WeightedMLPClassifier
from sklweight._net.mlp_module import MLPModule
from sklweight.datasets import make_long_tailed_digits, make_noisy_digits

RECIPE = {"criterion": "logit_adjusted", "weight_decay": 3e-3}


class _InputNoiseMLP(MLPModule):
    """MLPModule that adds N(0, input_noise^2) to its inputs in training mode only."""

    def __init__(self, *args, input_noise=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.input_noise = input_noise

    def forward(self, X):
        if self.training and self.input_noise > 0:
            X = X + self.input_noise * torch.randn_like(X)
        return super().forward(X)


class _InputNoiseMLPClassifier(WeightedMLPClassifier):
    """Benchmark-only: WeightedMLPClassifier whose module adds Gaussian input noise."""

    def _build_net(self, *args, **kwargs):
        net = super()._build_net(*args, **kwargs)
        net.set_params(module=_InputNoiseMLP, module__input_noise=1.0)
        return net


def _mlp(seed, common, **params):
    return make_pipeline(
        StandardScaler(), WeightedMLPClassifier(random_state=seed, **common, **params)
    )


def _noisy_mlp(seed, common, **params):
    return make_pipeline(
        StandardScaler(), _InputNoiseMLPClassifier(random_state=seed, **common, **params)
    )


def _logreg(seed, common):
    return make_pipeline(
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed),
    )


def _posthoc_la(model, X_test, y_train):
    """Predict argmax(log p - log prior) with the training prior (tau = 1)."""
    clf = model[-1]
    prior = np.array([(y_train == c).mean() for c in clf.classes_])
    log_proba = np.log(np.clip(model.predict_proba(X_test), 1e-300, None))
    return clf.classes_[np.argmax(log_proba - np.log(prior), axis=1)]


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
            ("* plain CE + post-hoc LA", _mlp, {}),
            ("* logit_adjusted + wd 3e-3 + input noise 1", _noisy_mlp, RECIPE),
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
            ("* noisy: LA + wd 3e-3 + input noise 1, quality", _noisy_mlp, RECIPE, True),
        ]
    return rows


def _fit_score(make, seed, common, params, X_train, X_test, y_train, y_test,
               sample_weight=None, posthoc=False):
    model = make(seed, common) if params is None else make(seed, common, **params)
    fit_params = {}
    if sample_weight is not None:
        fit_params[f"{model.steps[-1][0]}__sample_weight"] = sample_weight
    start = time.perf_counter()
    model.fit(X_train, y_train, **fit_params)
    elapsed = time.perf_counter() - start
    y_pred = _posthoc_la(model, X_test, y_train) if posthoc else model.predict(X_test)
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
            _fit_score(make, s, common, params, *data, posthoc="post-hoc" in name)
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
