"""One comparison from start to end: plan the fits, run them, summarise, recommend.

:func:`run_comparison` is what the command line calls, usable from Python too::

    from sklweight.compare.comparison import run_comparison
    from sklweight.compare.data import load_dataset
    from sklweight.compare.strategies import select_strategies

    data = load_dataset("digits-lt")
    comparison, recommendation = run_comparison(
        data, select_strategies(["balanced", "logit_adjusted"], has_weights=False),
        cv=5, repeats=2)
    print("\\n".join(recommendation.text))
"""

from __future__ import annotations

import time

import numpy as np

from .errors import CompareError
from .recommend import recommend
from .run import METRICS, FitTask, make_splits, run_fits
from .strategies import BASELINE, StrategyContext
from .summary import Comparison, summarise

__all__ = ["check_cv", "estimator_settings", "run_comparison"]


def estimator_settings(*, max_epochs=None, early_stopping=False, device="cpu"):
    """The :class:`~sklweight.WeightedMLPClassifier` settings every strategy shares.

    Only the values that differ from the estimator's defaults are kept, so the printed
    code shows what was changed and nothing else.

    Returns
    -------
    params : dict
    """
    from ..mlp import WeightedMLPClassifier

    defaults = WeightedMLPClassifier().get_params()
    chosen = {"max_epochs": max_epochs, "early_stopping": early_stopping, "device": device}
    return {k: v for k, v in chosen.items() if v is not None and v != defaults[k]}


def check_cv(y, cv, repeats):
    """Refuse a cross-validation the data cannot support; return notes on weak points.

    Returns
    -------
    notes : list of str
        Warnings for the user (a class with fewer rows than ``cv`` is absent from some
        validation folds, so its recall is measured on fewer splits).
    """
    if cv < 2:
        raise CompareError(f"--cv must be at least 2. Got {cv} instead.")
    if repeats < 1:
        raise CompareError(f"--repeats must be at least 1. Got {repeats} instead.")
    classes, counts = np.unique(y, return_counts=True)
    if cv > counts.max():
        raise CompareError(
            f"--cv {cv} is more folds than the largest class has rows ({counts.max()}); "
            f"use --cv {max(2, int(counts.max()))} or fewer."
        )
    small = classes[counts < cv]
    if len(small) == 0:
        return []
    shown = ", ".join(f"{c!r} ({n} rows)" for c, n in zip(classes.tolist(), counts.tolist(),
                                                           strict=True) if n < cv)
    return [
        f"note: {len(small)} class(es) have fewer rows than --cv {cv}: {shown}. Each fold "
        "keeps at most one of their rows for scoring, so their recall is measured on fewer "
        "splits and is noisier."
    ]


def run_comparison(data, strategies, *, references=None, cv=5, repeats=2, seed=0,
                   metric="balanced_accuracy", estimator_params=None, racing=True, n_jobs=1,
                   backend="joblib (local)", progress=None, on_drop=None):
    """Cross-validate ``strategies`` and the reference models on ``data``; recommend one.

    Parameters
    ----------
    data : CompareData
        From :mod:`sklweight.compare.data`.
    strategies : list of Strategy
        The baseline (``"ce"``) first, as :func:`~.strategies.select_strategies` returns.
    references : list of Strategy or None, default=None
        Reference models on the same splits (``None``: those
        :func:`~.references.available_references` offers; ``[]``: none).
    cv, repeats : int, default=5, 2
        Stratified folds and repeats.
    seed : int, default=0
        Seeds the folds and the estimators (split ``j`` uses ``seed + j``).
    metric : {"balanced_accuracy", "f1_macro", "worst_class_recall"}
        Sorts the table, races and picks the best strategy.
    estimator_params : dict or None, default=None
        Shared estimator settings (:func:`estimator_settings`).
    racing : bool, default=True
        Stop strategies clearly behind the leader after each block of splits
        (:mod:`.racing`); ``False`` runs every split of every strategy.
    n_jobs : int or None, default=1
        joblib's ``n_jobs`` (the active joblib backend decides where the fits run).
    backend : str, default="joblib (local)"
        How the fits are spread, as shown in the outputs.
    progress : callable or None, default=None
        Called with each finished :class:`~.run.Fit`.
    on_drop : callable or None, default=None
        Called with each :class:`~.racing.Dropped` when the race stops a strategy.

    Returns
    -------
    comparison : Comparison
    recommendation : Recommendation
    """
    from sklearn.pipeline import make_pipeline

    from .racing import race, race_blocks
    from .recommend import METRIC_LABELS
    from .references import available_references

    if metric not in METRICS:
        raise CompareError(f"--metric must be one of {', '.join(METRICS)}. Got {metric!r}.")
    if references is None:
        references = available_references(n_features=data.X.shape[1])[0]
    references = list(references)
    splits = make_splits(data.y, cv=cv, repeats=repeats, seed=seed)
    n_train = float(np.mean([len(train) for train, _ in splits]))
    n_test = float(np.mean([len(test) for _, test in splits]))
    context = StrategyContext(
        has_weights=data.sample_weight is not None, n_classes=len(data.classes),
        estimator_params=dict(estimator_params or {}),
    )

    def model(strategy, random_state):
        estimator = strategy.build(context.with_params(random_state=random_state))
        return make_pipeline(data.preprocessor(), estimator)

    alive = list(strategies)
    dropped = []
    fits = []
    start = time.perf_counter()
    blocks = race_blocks(len(splits), cv) if racing else [(0, len(splits))]
    for first, stop in blocks:
        tasks = [
            FitTask(s.name, j, model(s, seed + j), *splits[j], s.uses_weights)
            for j in range(first, stop) for s in alive + references
        ]
        fits += run_fits(tasks, data, n_jobs=n_jobs, progress=progress)
        if stop == len(splits):
            break
        scores = {
            s.name: np.array([f.scores[metric] for f in sorted(
                (f for f in fits if f.strategy == s.name), key=lambda f: f.split)])
            for s in alive
        }
        stopped = race(scores, protected={BASELINE}, n_train=n_train, n_test=n_test,
                       after=stop, label=METRIC_LABELS[metric])
        for d in stopped:
            dropped.append(d)
            if on_drop is not None:
                on_drop(d)
        alive = [s for s in alive if s.name not in {d.strategy for d in stopped}]
    wall_time = time.perf_counter() - start

    seeded = context.with_params(random_state=seed)
    codes = {
        s.name: (s.code(seeded), s.imports, make_pipeline(s.build(seeded)).steps[-1][0])
        for s in strategies + references
    }
    settings = {
        "cv": cv, "repeats": repeats, "seed": seed, "metric": metric,
        "estimator_params": seeded.estimator_params, "racing": racing, "n_jobs": n_jobs,
        "backend": backend, "n_fits": len(fits),
        "n_fits_exhaustive": len(splits) * (len(strategies) + len(references)),
    }
    comparison = Comparison(
        data=data,
        strategies=summarise(fits, strategies, data, settings, codes, dropped=dropped),
        references=summarise(fits, references, data, settings, codes, reference=True),
        settings=settings, n_train=n_train, n_test=n_test, wall_time=wall_time,
        dropped=dropped,
    )
    return comparison, recommend(comparison)
