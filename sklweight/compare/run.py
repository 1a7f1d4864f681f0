"""The fits of a comparison: the same folds for every strategy, spread with joblib.

Protocol (one definition, used by the command and its tests):

* Folds: :class:`~sklearn.model_selection.RepeatedStratifiedKFold` (``cv`` splits,
  ``repeats`` repeats, ``random_state=seed``) over the training data. Every strategy is
  fitted on exactly the same folds, so the per-fold differences between two strategies
  are paired.
* Seeds: the fit of split ``j`` uses ``random_state=seed + j`` for every strategy (the
  same initialisation and batch order for all of them within a split, a new one per
  split).
* Each fit is ``make_pipeline(preprocessing, strategy estimator)``, fitted on the
  split's training rows (with ``sample_weight`` = the weight column for the strategies
  that use it) and scored on the split's other rows. When the data has a weight column,
  the scores on those rows are weighted by it (a doubtful label counts less), for every
  strategy alike. When the data has a held-out test set, the same fitted model is also
  scored, unweighted, on that test set, which no fit ever trains on.
* Each fit runs with one torch thread, so its result does not depend on where it runs:
  in this process (``n_jobs=1``), in joblib's worker processes, or on a Dask cluster
  (wrap :func:`run_fits` in ``joblib.parallel_config(backend="dask")``) -- the same
  seeds give the same numbers.
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Fit", "FitTask", "make_splits", "run_fits", "score_predictions"]


@dataclass
class FitTask:
    """One fit to run.

    Attributes
    ----------
    strategy : str
        Strategy name.
    split : int
        Index of the cross-validation split.
    model : sklearn.pipeline.Pipeline
        The unfitted pipeline (preprocessing + the strategy's estimator).
    train, test : ndarray of int
        Rows of the training data to fit on and to score on.
    uses_weights : bool
        Fit with the weight column as ``sample_weight``.
    """

    strategy: str
    split: int
    model: object
    train: np.ndarray
    test: np.ndarray
    uses_weights: bool


@dataclass
class Fit:
    """What one fit measured (small and picklable: it travels back from the workers).

    Attributes
    ----------
    strategy : str
        Strategy name.
    split : int
        Cross-validation split index.
    scores : dict
        ``balanced_accuracy``, ``f1_macro`` and ``worst_class_recall`` on the scored rows
        (NaN when the fit failed).
    recall : ndarray of shape (n_classes,)
        Recall of each class (NaN for a class with no scored row, or a failed fit).
    confusion : ndarray of shape (n_classes, n_classes)
        Confusion matrix (true classes in rows), weighted counts when the scores are.
    fit_time : float
        Wall-clock seconds of ``fit``.
    n_epochs : int or None
        Epochs run, when the estimator reports ``n_iter_``.
    train_loss, valid_loss : list of float or None
        Per-epoch losses from the estimator's history (``valid_loss`` only when the
        estimator held out a validation split, e.g. ``early_stopping=True``).
    held_out : dict or None
        ``scores``, ``recall`` and ``confusion`` of the same model on the held-out test
        set, when the data has one (unweighted).
    probabilities : dict or None
        From ``predict_proba`` on the scored rows (None when the estimator has none):
        ``confidence`` (the top probability) and ``correct`` (whether its class is the
        true one) for the reliability diagram and, for two classes, ``positive`` (the
        probability of the class with fewer rows) and ``is_positive`` (the truth) for
        the precision-recall curve.
    warnings : list of str
        Distinct ``"Category: message"`` of the warnings the fit raised (except
        scikit-learn's ``ConvergenceWarning`` for reaching ``max_epochs``, the norm here).
    error : str or None
        ``"ErrorType: message"`` when the fit or the prediction raised.
    """

    strategy: str
    split: int
    scores: dict
    recall: np.ndarray
    confusion: np.ndarray
    fit_time: float
    n_epochs: int | None = None
    train_loss: list | None = None
    valid_loss: list | None = None
    held_out: dict | None = None
    probabilities: dict | None = None
    warnings: list = field(default_factory=list)
    error: str | None = None


def make_splits(y, *, cv, repeats, seed):
    """The ``(train, test)`` index pairs shared by every strategy."""
    from sklearn.model_selection import RepeatedStratifiedKFold

    splitter = RepeatedStratifiedKFold(n_splits=cv, n_repeats=repeats, random_state=seed)
    with warnings.catch_warnings():
        # "The least populated class in y has only n members": the command says it itself
        warnings.simplefilter("ignore", UserWarning)
        return list(splitter.split(np.zeros((len(y), 1)), y))


METRICS = ("balanced_accuracy", "f1_macro", "worst_class_recall")
"""The scores every fit reports (``--metric`` chooses among them)."""


def score_predictions(y_true, y_pred, classes, sample_weight=None):
    """The scores, per-class recall and confusion matrix of one fit's predictions.

    Classes with no row in ``y_true`` have recall NaN and are left out of the balanced
    accuracy and the worst-class recall (scikit-learn's ``balanced_accuracy_score`` does
    the same); macro-F1 averages over the classes present in ``y_true`` or ``y_pred``.

    Returns
    -------
    scores : dict
    recall : ndarray of shape (n_classes,)
    confusion : ndarray of shape (n_classes, n_classes)
    """
    from sklearn.metrics import confusion_matrix, f1_score

    confusion = confusion_matrix(y_true, y_pred, labels=classes, sample_weight=sample_weight)
    support = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(support > 0, np.diag(confusion) / support, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f1 = f1_score(
            y_true, y_pred, labels=classes, average="macro", sample_weight=sample_weight,
            zero_division=np.nan,
        )
    scores = {
        "balanced_accuracy": float(np.nanmean(recall)),
        "f1_macro": float(f1),
        "worst_class_recall": float(np.nanmin(recall)),
    }
    return scores, recall, confusion.astype(np.float64)


@contextmanager
def _one_torch_thread():
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _take(X, rows):
    return X.iloc[rows] if hasattr(X, "iloc") else X[rows]


def _curves(estimator):
    """Per-epoch train / valid losses from a fitted estimator, or its inner estimator."""
    for candidate in (estimator, getattr(estimator, "estimator_", None)):
        if candidate is None:
            continue
        history = getattr(getattr(candidate, "net_", None), "history", None)
        train = getattr(candidate, "loss_curve_", None)
        valid = None
        if history is not None and len(history) and "valid_loss" in history[-1]:
            valid = [float(v) for v in history[:, "valid_loss"]]
        if train is not None:
            return [float(v) for v in train], valid, getattr(candidate, "n_iter_", None)
    return None, None, None


def _failed(task, classes, exc, seconds):
    n = len(classes)
    return Fit(
        strategy=task.strategy, split=task.split, scores=dict.fromkeys(METRICS, np.nan),
        recall=np.full(n, np.nan), confusion=np.zeros((n, n)), fit_time=seconds,
        error=f"{type(exc).__name__}: {exc}",
    )


def _probabilities(model, X, y_true, classes, positive):
    """The ``probabilities`` of a :class:`Fit` (see there), or None."""
    if not hasattr(model, "predict_proba"):
        return None
    proba = np.zeros((len(y_true), len(classes)))
    proba[:, np.searchsorted(classes, model.classes_)] = model.predict_proba(X)
    top = proba.argmax(axis=1)
    out = {"confidence": proba.max(axis=1).astype(np.float32),
           "correct": classes[top] == y_true}
    if len(classes) == 2:
        out["positive"] = proba[:, positive].astype(np.float32)
        out["is_positive"] = y_true == classes[positive]
    return out


def _fit_one(index, task, X, y, sample_weight, X_test, y_test, classes):
    """Fit and score one task; returns ``(index, Fit)``. Runs in a worker."""
    from sklearn.exceptions import ConvergenceWarning

    fit_params = {}
    if task.uses_weights:
        fit_params[f"{task.model.steps[-1][0]}__sample_weight"] = sample_weight[task.train]
    start = time.perf_counter()
    try:
        # warnings are results too: recorded, shown once per strategy, not printed per fit
        with _one_torch_thread(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", ConvergenceWarning)
            task.model.fit(_take(X, task.train), y[task.train], **fit_params)
            fit_time = time.perf_counter() - start
            X_scored = _take(X, task.test)
            y_pred = task.model.predict(X_scored)
            y_held = None if X_test is None else task.model.predict(X_test)
            positive = int(np.argmin(np.bincount(np.searchsorted(classes, y),
                                                 minlength=len(classes))))
            probabilities = _probabilities(task.model, X_scored, y[task.test], classes,
                                           positive)
    except Exception as exc:  # a failed fit is a result (shown in the table), not a crash
        return index, _failed(task, classes, exc, time.perf_counter() - start)
    seen = list(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    w_eval = None if sample_weight is None else sample_weight[task.test]
    scores, recall, confusion = score_predictions(y[task.test], y_pred, classes, w_eval)
    held_out = None
    if y_held is not None:
        held_scores, held_recall, held_confusion = score_predictions(y_test, y_held, classes)
        held_out = {"scores": held_scores, "recall": held_recall,
                    "confusion": held_confusion}
    train_loss, valid_loss, n_epochs = _curves(task.model.steps[-1][1])
    return index, Fit(
        strategy=task.strategy, split=task.split, scores=scores, recall=recall,
        confusion=confusion, fit_time=fit_time,
        n_epochs=None if n_epochs is None else int(n_epochs),
        train_loss=train_loss, valid_loss=valid_loss, held_out=held_out,
        probabilities=probabilities, warnings=seen,
    )


def run_fits(tasks, data, *, n_jobs=1, progress=None):
    """Run every task, in parallel with joblib, and return their :class:`Fit` in order.

    Parameters
    ----------
    tasks : list of FitTask
        The fits (see :func:`make_splits` and the module docstring).
    data : CompareData
        The data set the tasks index.
    n_jobs : int or None, default=1
        joblib's ``n_jobs``; the active backend (``joblib.parallel_config``) decides
        where they run.
    progress : callable or None, default=None
        Called with each :class:`Fit` as it finishes (in completion order).

    Returns
    -------
    fits : list of Fit
        Aligned with ``tasks``.
    """
    from joblib import Parallel, delayed

    classes = data.classes
    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    results = [None] * len(tasks)
    calls = (
        delayed(_fit_one)(i, task, data.X, data.y, data.sample_weight, data.X_test,
                          data.y_test, classes)
        for i, task in enumerate(tasks)
    )
    for index, fit in parallel(calls):
        results[index] = fit
        if progress is not None:
            progress(fit)
    return results
