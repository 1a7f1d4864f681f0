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
from .strategies import StrategyContext
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


def run_comparison(data, strategies, *, cv=5, repeats=2, seed=0, metric="balanced_accuracy",
                   estimator_params=None, n_jobs=1, backend="joblib (local)", progress=None):
    """Cross-validate ``strategies`` on ``data`` and recommend one.

    Parameters
    ----------
    data : CompareData
        From :mod:`sklweight.compare.data`.
    strategies : list of Strategy
        The baseline (``"ce"``) first, as :func:`~.strategies.select_strategies` returns.
    cv, repeats : int, default=5, 2
        Stratified folds and repeats.
    seed : int, default=0
        Seeds the folds and the estimators (split ``j`` uses ``seed + j``).
    metric : {"balanced_accuracy", "f1_macro", "worst_class_recall"}
        Sorts the table and picks the best strategy.
    estimator_params : dict or None, default=None
        Shared estimator settings (:func:`estimator_settings`).
    n_jobs : int or None, default=1
        joblib's ``n_jobs`` (the active joblib backend decides where the fits run).
    backend : str, default="joblib (local)"
        How the fits are spread, as shown in the outputs.
    progress : callable or None, default=None
        Called with each finished :class:`~.run.Fit`.

    Returns
    -------
    comparison : Comparison
    recommendation : Recommendation
    """
    from sklearn.pipeline import make_pipeline

    if metric not in METRICS:
        raise CompareError(f"--metric must be one of {', '.join(METRICS)}. Got {metric!r}.")
    splits = make_splits(data.y, cv=cv, repeats=repeats, seed=seed)
    context = StrategyContext(
        has_weights=data.sample_weight is not None, n_classes=len(data.classes),
        estimator_params=dict(estimator_params or {}),
    )

    def model(strategy, random_state):
        estimator = strategy.build(context.with_params(random_state=random_state))
        return make_pipeline(data.preprocessor(), estimator)

    tasks = [
        FitTask(s.name, j, model(s, seed + j), train, test, s.uses_weights)
        for j, (train, test) in enumerate(splits) for s in strategies
    ]
    start = time.perf_counter()
    fits = run_fits(tasks, data, n_jobs=n_jobs, progress=progress)
    wall_time = time.perf_counter() - start

    seeded = context.with_params(random_state=seed)
    codes = {
        s.name: (s.code(seeded), s.imports, make_pipeline(s.build(seeded)).steps[-1][0])
        for s in strategies
    }
    settings = {
        "cv": cv, "repeats": repeats, "seed": seed, "metric": metric,
        "estimator_params": seeded.estimator_params, "n_jobs": n_jobs, "backend": backend,
        "n_fits": len(tasks),
    }
    comparison = Comparison(
        data=data,
        strategies=summarise(fits, strategies, data, settings, codes, n_splits=len(splits)),
        settings=settings,
        n_train=float(np.mean([len(train) for train, _ in splits])),
        n_test=float(np.mean([len(test) for _, test in splits])),
        wall_time=wall_time,
    )
    return comparison, recommend(comparison)
