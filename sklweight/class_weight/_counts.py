"""Weighted class counts: the one way the class-weight code counts the rows of each class.

A row counts by its sample weight, as scikit-learn's
``compute_class_weight(..., sample_weight=...)`` counts it, so an integer weight counts
like a repeated row and a zero weight like a removed row. :func:`weighted_class_counts`
is the count every public function of :mod:`sklweight.class_weight` and the sampler
use; :func:`counts_in_rows` is the view of the counts that the named strategies and
callables get, which makes them invariant to the scale of the sample weights (see the
user guide, :ref:`class_weights_scale`).
"""

from __future__ import annotations

import numpy as np

__all__ = ["counts_in_rows", "weighted_class_counts"]


def weighted_class_counts(y_idx, n_classes, sample_weight=None):
    """Count the rows of each class, weighted by ``sample_weight``.

    Assumes validated input: the public functions check ``y`` and ``sample_weight``
    once and pass the encoded labels here.

    Parameters
    ----------
    y_idx : ndarray of int of shape (n_samples,)
        Class indices in ``[0, n_classes)``.
    n_classes : int
        Number of classes; a class without rows gets a count of 0.
    sample_weight : ndarray of shape (n_samples,), default=None
        Non-negative weights; ``None`` counts each row once.

    Returns
    -------
    counts : ndarray of shape (n_classes,)
        Float64 weighted counts, aligned with the class indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklweight.class_weight._counts import weighted_class_counts
    >>> weighted_class_counts(np.array([0, 1, 1]), 3, np.array([2.0, 0.5, 0.5]))
    array([2., 1., 0.])
    """
    counts = np.bincount(y_idx, weights=sample_weight, minlength=n_classes)
    return counts.astype(np.float64, copy=False)


def counts_in_rows(counts, n_rows):
    """Rescale weighted counts so that they sum to the number of weighted rows.

    Parameters
    ----------
    counts : ndarray of shape (n_classes,)
        Weighted class counts with a positive sum.
    n_rows : int or None
        Number of rows with a positive sample weight; ``None`` returns ``counts``
        unchanged (counts already in rows).

    Returns
    -------
    counts : ndarray of shape (n_classes,)
        ``counts * n_rows / counts.sum()``: with all sample weights equal, the
        unweighted row counts, whatever the common weight.
    """
    if n_rows is None:
        return counts
    return counts * (n_rows / counts.sum())
