"""The confident-learning rule (Northcutt, Jiang and Chuang, JAIR 2021): the per-class
thresholds and the rows they flag, from out-of-fold probabilities.

cleanlab's ``cleanlab.filter.find_label_issues(filter_by="confident_learning")`` flags
the same rows from the same probabilities, up to ties (it compares with a 1e-6 tolerance
and, among several confident classes, takes the row's overall argmax; the measured
difference is in docs/benchmarks.rst, "The quality weights' default model"); this module
neither imports nor copies it.
"""

from __future__ import annotations

import numpy as np

from ..class_weight._counts import weighted_class_counts

__all__ = ["confident_learning_flags"]

# A threshold is never below this, so that a class no held-out row gives any probability
# to does not make every row "confidently" of that class (cleanlab uses a bound of the
# same size).
_MIN_THRESHOLD = 1e-6


def confident_learning_flags(proba, y_idx, thresholds):
    """Rows whose confidently predicted class differs from their given label.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Out-of-fold predicted probabilities.
    y_idx : ndarray of int of shape (n_samples,)
        Given labels, as column indices of ``proba``.
    thresholds : ndarray of shape (n_classes,)
        Per-class thresholds ``t_k``.

    Returns
    -------
    flagged : ndarray of bool of shape (n_samples,)
        True where some class reaches its threshold and the most probable such class is
        not the given label.
    """
    confident = proba >= thresholds
    guess = np.where(confident, proba, -np.inf).argmax(axis=1)
    return confident.any(axis=1) & (guess != y_idx)


def _class_thresholds(proba, y_idx, sample_weight):
    """Weighted mean self-confidence per class; ``inf`` for a class without weight."""
    n_classes = proba.shape[1]
    self_confidence = proba[np.arange(y_idx.shape[0]), y_idx]
    total = weighted_class_counts(y_idx, n_classes, sample_weight)
    summed = weighted_class_counts(y_idx, n_classes, sample_weight * self_confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        thresholds = np.where(total > 0, summed / np.where(total > 0, total, 1), np.inf)
    return np.maximum(thresholds, _MIN_THRESHOLD)
