"""Per-strategy summaries of the fits, and the JSON document of a comparison.

Means and standard deviations are over the cross-validation splits a strategy ran (all of
them, unless the race stopped it early) (``numpy.std`` with
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
        Each metric per split it ran (the first ``n_splits``), in split order (NaN for a
        failed fit).
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
    reference : bool
        A reference model (:mod:`.references`), not a weighting strategy.
    complexity : int
        From the registry (0: plain cross-entropy ... 3: a recipe or meta-estimator).
    dropped : Dropped or None
        Why and when the race stopped it (:mod:`.racing`), or None.
    probabilities : dict or None
        The fits' ``probabilities`` (:class:`~.run.Fit`) concatenated over the splits.
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
    reference: bool = False
    complexity: int = 1
    dropped: object = None
    probabilities: dict | None = None

    @property
    def n_splits(self):
        """The splits it ran."""
        return len(self.fit_time)

    @property
    def precision(self):
        """Per-class precision from the summed confusion matrix (NaN: never predicted)."""
        predicted = self.confusion.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(predicted > 0, np.diag(self.confusion) / predicted, np.nan)

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
        The weighting strategies, in the order run (the baseline first).
    settings : dict
        ``cv``, ``repeats``, ``seed``, ``metric``, the estimator settings, the backend.
    n_train, n_test : float
        Mean number of training and scored rows per split (for the corrected variance).
    wall_time : float
        Seconds for all the fits.
    references : list of StrategySummary
        The reference models (:mod:`.references`) on the same splits.
    dropped : list of Dropped
        The strategies the race stopped, in the order it stopped them.
    """

    data: object
    strategies: list
    settings: dict
    n_train: float
    n_test: float
    wall_time: float = float("nan")
    references: list = field(default_factory=list)
    dropped: list = field(default_factory=list)

    @property
    def metric(self):
        """The metric the table is sorted by and the recommendation chooses with."""
        return self.settings["metric"]

    def get(self, name):
        """The summary of the strategy or reference ``name``."""
        return next(s for s in self.strategies + self.references if s.name == name)

    def ranked(self, metric=None):
        """Strategies by decreasing mean ``metric``: those that ran every split, then those
        the race stopped, then failed ones."""
        return _ranked(self.strategies, metric or self.metric)

    def ranked_references(self, metric=None):
        """References by decreasing mean ``metric``; failed ones last."""
        return _ranked(self.references, metric or self.metric)


def _ranked(summaries, metric):
    return sorted(summaries, key=lambda s: (
        s.failed, s.dropped is not None, -s.mean(metric) if not s.failed else 0.0))


def summarise(fits, strategies, data, settings, codes, *, reference=False, dropped=()):
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
    reference : bool, default=False
        Whether ``strategies`` are reference models.
    dropped : list of Dropped, default=()
        The race's decisions.

    Returns
    -------
    summaries : list of StrategySummary
    """
    n_classes = len(data.classes)
    stopped = {d.strategy: d for d in dropped}
    out = []
    for strategy in strategies:
        cv = sorted((f for f in fits if f.strategy == strategy.name), key=lambda f: f.split)
        n_splits = len(cv)
        if [f.split for f in cv] != list(range(n_splits)):
            raise RuntimeError(f"{strategy.name}: fits of splits {[f.split for f in cv]}")
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
            held_out=held_out, errors=errors, warnings=raised, reference=reference,
            complexity=strategy.complexity, dropped=stopped.get(strategy.name),
            probabilities=_concatenate([f.probabilities for f in cv]),
        ))
    return out


def _concatenate(parts):
    if not parts or any(p is None for p in parts):
        return None
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


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
    def entry(s):
        with np.errstate(all="ignore"):
            recall_mean = [_mean_std(s.recall[:, k]) for k in range(len(classes))]
        return {
            "name": s.name,
            "description": s.description,
            "uses_weights": s.uses_weights,
            "estimator": s.code,
            "metrics": {m: {**_mean_std(s.scores[m]), "splits": s.scores[m]} for m in METRICS},
            "per_class_recall": {
                str(c): {**r, "splits": s.recall[:, k]}
                for k, (c, r) in enumerate(zip(classes, recall_mean, strict=True))
            },
            "per_class_precision": {
                str(c): v for c, v in zip(classes, s.precision, strict=True)
            },
            "n_splits": s.n_splits,
            "dropped": None if s.dropped is None else s.dropped.as_dict(),
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
        }

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
        "strategies": [entry(s) for s in comparison.strategies],
        "references": [entry(s) for s in comparison.references],
        "racing": [d.as_dict() for d in comparison.dropped],
        "recommendation": recommendation.as_dict(),
    }
    return _clean(document)
