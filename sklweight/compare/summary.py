"""Per-strategy summaries of the fits, and the JSON document of a comparison.

Means and standard deviations are over the cross-validation splits (``numpy.std`` with
``ddof=0``, as in scikit-learn's ``cv_results_``); per-class recall is averaged over the
splits in which the class has scored rows. Confusion matrices are summed over the splits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .run import METRICS

__all__ = ["Comparison", "StrategySummary", "summarise"]


@dataclass
class StrategySummary:
    """One strategy's results over the splits.

    Attributes
    ----------
    name, description : str
        From the registry.
    uses_weights : bool
        Whether it trained with the weight column.
    code : str
        Python expression building its estimator (with ``random_state=seed``).
    imports : tuple of str
        Import lines ``code`` needs.
    step_name : str
        Name of the estimator's step in ``make_pipeline`` (for ``<step>__sample_weight``).
    scores : dict of str to ndarray of shape (n_splits,)
        Each metric per split, in split order (NaN for a failed fit).
    recall : ndarray of shape (n_splits, n_classes)
        Per-class recall per split.
    confusion : ndarray of shape (n_classes, n_classes)
        Confusion matrix summed over the splits.
    fit_time : ndarray of shape (n_splits,)
        Seconds per fit.
    n_epochs : ndarray of shape (n_splits,)
        Epochs per fit (NaN where unknown).
    curves : list of (list, list or None)
        ``(train_loss, valid_loss)`` per split.
    held_out : dict or None
        When the data has a held-out test set, the same split models scored there:
        ``scores`` (metric to ndarray of shape (n_splits,)), ``recall`` (n_splits,
        n_classes) and ``confusion`` (summed over the splits).
    errors : list of str
        Distinct error messages of failed fits.
    warnings : dict of str to int
        Distinct warning messages of the fits, with the number of fits that raised each.
    """

    name: str
    description: str
    uses_weights: bool
    code: str
    imports: tuple
    step_name: str
    scores: dict
    recall: np.ndarray
    confusion: np.ndarray
    fit_time: np.ndarray
    n_epochs: np.ndarray
    curves: list
    held_out: dict | None = None
    errors: list = field(default_factory=list)
    warnings: dict = field(default_factory=dict)

    def mean(self, metric):
        """Mean of ``metric`` over the splits (NaN if any fit failed)."""
        return float(np.mean(self.scores[metric]))

    def std(self, metric):
        """Standard deviation of ``metric`` over the splits (``ddof=0``)."""
        return float(np.std(self.scores[metric]))

    @property
    def failed(self):
        """Whether any fit of this strategy failed."""
        return bool(self.errors)


@dataclass
class Comparison:
    """Everything a comparison measured.

    Attributes
    ----------
    data : CompareData
        The data set.
    strategies : list of StrategySummary
        In the order run (the baseline first).
    settings : dict
        ``cv``, ``repeats``, ``seed``, ``metric``, the estimator settings, the backend.
    n_train, n_test : float
        Mean number of training and scored rows per split (for the corrected variance).
    wall_time : float
        Seconds for all the fits.
    """

    data: object
    strategies: list
    settings: dict
    n_train: float
    n_test: float
    wall_time: float = float("nan")

    @property
    def metric(self):
        """The metric the table is sorted by and the recommendation chooses with."""
        return self.settings["metric"]

    def get(self, name):
        """The summary of the strategy ``name``."""
        return next(s for s in self.strategies if s.name == name)

    def ranked(self, metric=None):
        """Strategies by decreasing mean ``metric``; failed ones last."""
        metric = metric or self.metric
        return sorted(
            self.strategies,
            key=lambda s: (s.failed, -s.mean(metric) if not s.failed else 0.0),
        )


def summarise(fits, strategies, data, settings, codes, *, n_splits):
    """Group the fits by strategy into :class:`StrategySummary` objects.

    Parameters
    ----------
    fits : list of Fit
        All fits.
    strategies : list of Strategy
        The strategies, in the order to keep.
    data : CompareData
        The data set.
    settings : dict
        See :class:`Comparison`.
    codes : dict of str to (str, tuple of str, str)
        Per strategy: the Python expression of its estimator, the imports it needs and
        its step name in ``make_pipeline``.
    n_splits : int
        Number of cross-validation splits.

    Returns
    -------
    summaries : list of StrategySummary
    """
    n_classes = len(data.classes)
    out = []
    for strategy in strategies:
        cv = sorted((f for f in fits if f.strategy == strategy.name), key=lambda f: f.split)
        if len(cv) != n_splits:
            raise RuntimeError(f"{strategy.name}: {len(cv)} fits for {n_splits} splits")
        errors = list(dict.fromkeys(f.error for f in cv if f.error))
        raised = {}
        for f in cv:
            for message in f.warnings:
                raised[message] = raised.get(message, 0) + 1
        held_out = None
        if data.y_test is not None:
            held = [f.held_out or _no_scores(n_classes) for f in cv]
            held_out = {
                "scores": {m: np.array([h["scores"][m] for h in held]) for m in METRICS},
                "recall": np.array([h["recall"] for h in held]),
                "confusion": np.sum([h["confusion"] for h in held], axis=0),
            }
        out.append(StrategySummary(
            name=strategy.name, description=strategy.description,
            uses_weights=strategy.uses_weights, code=codes[strategy.name][0],
            imports=tuple(codes[strategy.name][1]), step_name=codes[strategy.name][2],
            scores={m: np.array([f.scores[m] for f in cv]) for m in METRICS},
            recall=np.array([f.recall for f in cv]).reshape(n_splits, n_classes),
            confusion=np.sum([f.confusion for f in cv], axis=0),
            fit_time=np.array([f.fit_time for f in cv]),
            n_epochs=np.array([np.nan if f.n_epochs is None else f.n_epochs for f in cv]),
            curves=[(f.train_loss, f.valid_loss) for f in cv],
            held_out=held_out, errors=errors, warnings=raised,
        ))
    return out


def _no_scores(n_classes):
    """The held-out entry of a failed fit."""
    return {"scores": dict.fromkeys(METRICS, np.nan), "recall": np.full(n_classes, np.nan),
            "confusion": np.zeros((n_classes, n_classes))}


# --------------------------------------------------------------------------- JSON
def _clean(value):
    """JSON-safe: arrays to lists, NaN and infinities to None, numpy scalars to Python."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    if isinstance(value, np.generic):
        return _clean(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mean_std(values):
    values = np.asarray(values, dtype=np.float64)
    if np.isnan(values).all():
        return {"mean": None, "std": None}
    return {"mean": float(np.nanmean(values)), "std": float(np.nanstd(values))}


def comparison_dict(comparison, recommendation):
    """The JSON document: data, settings, per-strategy results, ranking, recommendation."""
    from .._version import __version__

    data = comparison.data
    classes = data.classes.tolist()
    strategies = []
    for s in comparison.strategies:
        with np.errstate(all="ignore"):
            recall_mean = [_mean_std(s.recall[:, k]) for k in range(len(classes))]
        strategies.append({
            "name": s.name,
            "description": s.description,
            "uses_weights": s.uses_weights,
            "estimator": s.code,
            "metrics": {m: {**_mean_std(s.scores[m]), "splits": s.scores[m]} for m in METRICS},
            "per_class_recall": {
                str(c): {**r, "splits": s.recall[:, k]}
                for k, (c, r) in enumerate(zip(classes, recall_mean, strict=True))
            },
            "fit_time": {**_mean_std(s.fit_time), "splits": s.fit_time},
            "n_epochs": {**_mean_std(s.n_epochs), "splits": s.n_epochs},
            "confusion_matrix": s.confusion,
            "learning_curves": [{"train_loss": t, "valid_loss": v} for t, v in s.curves],
            "held_out_test": None if s.held_out is None else {
                "metrics": {m: {**_mean_std(v), "splits": v}
                            for m, v in s.held_out["scores"].items()},
                "per_class_recall": s.held_out["recall"],
                "confusion_matrix": s.held_out["confusion"],
            },
            "errors": s.errors,
            "warnings": [{"message": m, "fits": n} for m, n in s.warnings.items()],
        })
    document = {
        "sklweight_version": __version__,
        "data": {
            "name": data.name,
            "description": data.description,
            "n_samples": len(data.y),
            "classes": classes,
            "class_counts": data.class_counts,
            "weight_column": data.weight_name,
            "held_out_test_rows": None if data.y_test is None else len(data.y_test),
        },
        "settings": comparison.settings,
        "wall_time": comparison.wall_time,
        "ranking": [s.name for s in comparison.ranked()],
        "strategies": strategies,
        "recommendation": recommendation.as_dict(),
    }
    return _clean(document)
