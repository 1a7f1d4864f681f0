"""Labels of unknown quality: estimated weights and robust losses against cleanlab's pipeline.

Usage::

    python benchmarks/bench_label_quality.py [--seeds 0 1 2] [--data digits cancer synthetic]
                                             [--noise 0.3] [--n-jobs 1]

Question (docs/user_guide/data_quality.rst): with a fraction of the training labels flipped and no
per-row confidence given, which remedy trains the best ``WeightedMLPClassifier``?

Method:

* Data, per seed: ``digits`` is :func:`sklweight.datasets.make_noisy_digits` (927
  training rows, 30 % flipped by default, balanced clean test set of 870); ``cancer`` is
  scikit-learn's breast-cancer data (569 rows, 2 classes) split 60/40 stratified, with
  the training labels of a ``--noise`` fraction of the rows flipped; ``synthetic`` is a
  ``make_classification`` problem (2 000 rows, 20 features of which 10 informative,
  5 classes) split 60/40, flipped the same way (a flipped label is another class drawn
  uniformly). Test labels are never flipped.
* Every contender fits ``make_pipeline(StandardScaler(), WeightedMLPClassifier(
  random_state=seed, ...))`` at the estimator defaults, with the sample weights and
  criterion of the contender; the score is the balanced accuracy on the clean test set.
* The out-of-fold probabilities are those of :class:`sklweight.LabelQualityWeights` at
  its defaults (standardised logistic regression, C=0.1, 5 stratified shuffled folds,
  ``random_state=seed``). cleanlab's contenders use the same probabilities, so they
  differ from ours only in the rule that turns probabilities into weights:
  ``cleanlab.filter.find_label_issues(labels, pred_probs)`` at its defaults
  (``filter_by="prune_by_noise_rate"``), then the flagged rows dropped (weight 0,
  "find the issues, drop them, refit") or down-weighted to 0.2.
* "true weights" is the oracle: 0.2 on the flipped rows, 1.0 elsewhere.
* Reported: mean balanced accuracy over the seeds, the mean paired difference with "no
  weights", the ROC AUC of each weight vector against "the label is clean", and the
  precision / recall of the rows flagged (weight < 1) as flipped.

cleanlab is a benchmark-only dependency: nothing in ``sklweight/`` imports it.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
import torch
from joblib import Parallel, delayed
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.metrics import balanced_accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import LabelQualityWeights, WeightedMLPClassifier
from sklweight.datasets import make_noisy_digits

LOW_WEIGHT = 0.2


def _flip(y, noise, rng):
    """Flip a ``noise`` fraction of the labels to another class drawn uniformly."""
    classes = np.unique(y)
    codes = np.searchsorted(classes, y)
    flipped = rng.choice(y.shape[0], size=int(round(noise * y.shape[0])), replace=False)
    shift = rng.randint(1, classes.shape[0], size=flipped.shape[0])
    y_noisy = y.copy()
    y_noisy[flipped] = classes[(codes[flipped] + shift) % classes.shape[0]]
    return y_noisy


def _split_and_flip(X, y, noise, seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.4, stratify=y, random_state=seed
    )
    y_noisy = _flip(y_train, noise, np.random.RandomState(seed))
    quality = np.where(y_noisy == y_train, 1.0, LOW_WEIGHT)
    return X_train, X_test, y_noisy, y_test, quality


def make_data(name, noise, seed):
    """X_train, X_test, y_train (noisy), y_test (clean), true quality weights."""
    if name == "digits":
        return make_noisy_digits(noise=noise, low_weight=LOW_WEIGHT, random_state=seed)
    if name == "cancer":
        X, y = load_breast_cancer(return_X_y=True)
        return _split_and_flip(X, y, noise, seed)
    if name == "synthetic":
        X, y = make_classification(
            n_samples=2000, n_features=20, n_informative=10, n_redundant=5, n_classes=5,
            n_clusters_per_class=1, class_sep=1.0, random_state=1000 + seed,
        )
        return _split_and_flip(X, y, noise, seed)
    raise ValueError(f"unknown data set {name!r}")


def _cleanlab_flags(y, proba):
    from cleanlab.filter import find_label_issues  # benchmark-only dependency

    return find_label_issues(y, proba)


F1 = {"criterion": "soft_f1"}
GCE = {"criterion": "generalized_cross_entropy"}
SCE = {"criterion": "symmetric_cross_entropy"}
WD = {"weight_decay": 3e-3}

# contender: (sample-weight source, estimator parameters); the weight sources are
# computed once per data set and seed
CONTENDERS = {
    "no weights": (None, {}),
    "true weights (0.2 on flipped)": ("true", {}),
    "estimated: self_confidence": ("self_confidence", {}),
    "estimated: confident_learning": ("confident_learning", {}),
    "cleanlab find_label_issues, drop + refit": ("cleanlab_drop", {}),
    "cleanlab find_label_issues, weight 0.2": ("cleanlab_0.2", {}),
    "soft_f1, no weights": (None, F1),
    "generalized_cross_entropy (q=0.7)": (None, GCE),
    "symmetric_cross_entropy (0.1, 1)": (None, SCE),
    "self_confidence + soft_f1": ("self_confidence", F1),
    "self_confidence + generalized_cross_entropy": ("self_confidence", GCE),
    "soft_f1 + weight_decay 3e-3": (None, {**F1, **WD}),
    "self_confidence + soft_f1 + weight_decay 3e-3": ("self_confidence", {**F1, **WD}),
}


def weight_sources(X, y, quality, seed):
    estimator = LabelQualityWeights(random_state=seed).fit(X, y)
    flags = _cleanlab_flags(y, estimator.oof_proba_)
    return {
        None: None,
        "true": quality,
        "self_confidence": estimator.quality_,
        "confident_learning": np.where(estimator.label_issues_, 0.0, 1.0),
        "cleanlab_drop": np.where(flags, 0.0, 1.0),
        "cleanlab_0.2": np.where(flags, LOW_WEIGHT, 1.0),
    }


def _fit_score(X_train, y_train, X_test, y_test, weights, params, seed):
    torch.set_num_threads(1)
    model = make_pipeline(StandardScaler(), WeightedMLPClassifier(random_state=seed, **params))
    model.fit(X_train, y_train, weightedmlpclassifier__sample_weight=weights)
    return balanced_accuracy_score(y_test, model.predict(X_test))


def run(data_name, seeds, noise, n_jobs, contenders):
    tasks, diagnostics = [], {}
    for seed in seeds:
        X_train, X_test, y_train, y_test, quality = make_data(data_name, noise, seed)
        sources = weight_sources(X_train, y_train, quality, seed)
        clean = quality == 1.0
        for name in contenders:
            source, params = CONTENDERS[name]
            weights = sources[source]
            tasks.append((name, seed, X_train, y_train, X_test, y_test, weights, params))
            if weights is None:
                continue
            flagged = weights < 1
            diagnostics.setdefault(name, []).append(
                (
                    roc_auc_score(clean, weights) if 0 < clean.sum() < clean.size else np.nan,
                    (~clean[flagged]).mean() if flagged.any() else np.nan,
                    (flagged & ~clean).sum() / max((~clean).sum(), 1),
                )
            )
    scores = Parallel(n_jobs=n_jobs)(
        delayed(_fit_score)(X, y, Xt, yt, w, c, s) for _, s, X, y, Xt, yt, w, c in tasks
    )
    table = {}
    for (name, *_), score in zip(tasks, scores, strict=True):
        table.setdefault(name, []).append(score)
    return {name: np.array(values) for name, values in table.items()}, diagnostics


def report(data_name, table, diagnostics, seeds, noise):
    base = table.get("no weights", np.nan)
    print(f"\n{data_name}, {noise:.0%} of the training labels flipped, seeds {list(seeds)}")
    header = (f"{'contender':46s} {'bal. acc.':>9s} {'- none':>7s} {'per seed':>22s}"
              f" {'AUC':>6s} {'prec.':>6s} {'recall':>6s}")
    print(header)
    print("-" * len(header))
    for name, scores in table.items():
        diag = np.nanmean(np.array(diagnostics[name]), axis=0) if name in diagnostics else None
        extra = "" if diag is None else f" {diag[0]:6.3f} {diag[1]:6.3f} {diag[2]:6.3f}"
        per_seed = " ".join(f"{s:.3f}" for s in scores)
        print(f"{name:46s} {scores.mean():9.3f} {(scores - base).mean():+7.3f} "
              f"{per_seed:>22s}{extra}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data", nargs="+", default=["digits", "cancer", "synthetic"],
                        choices=("digits", "cancer", "synthetic"))
    parser.add_argument("--noise", type=float, default=0.3)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS),
                        choices=list(CONTENDERS), metavar="NAME",
                        help="a subset of the contenders (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {platform.machine()} {platform.system()}, "
          f"1 torch thread per fit, {args.n_jobs} parallel fit(s)")
    for data_name in args.data:
        start = time.perf_counter()
        table, diagnostics = run(data_name, args.seeds, args.noise, args.n_jobs, args.contenders)
        report(data_name, table, diagnostics, args.seeds, args.noise)
        print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
