"""``early_stopping="auto"``: hold out a validation split only where the data allow one.

The held-out split of ``early_stopping=True`` is stratified: every class needs two rows of
positive weight, and ``validation_fraction`` must leave at least one row of each class on
both sides (:func:`~.mlp_net.check_validation_split`, which refuses other data with the
fix). ``"auto"`` asks the same question and, where the answer is no (a class with a
single row, too few rows for the classes), trains on all rows and stops on the plateau
of the training loss instead of raising.
"""

from __future__ import annotations

import numpy as np

from .mlp_net import check_validation_split

__all__ = ["resolve_early_stopping"]


def resolve_early_stopping(early_stopping, fraction, y, sample_weight):
    """Whether a fit holds out a validation split.

    Parameters
    ----------
    early_stopping : bool or "auto"
        The estimator's parameter.
    fraction : float or None
        ``validation_fraction`` (None: no split).
    y : ndarray of shape (n_samples,)
        The validated labels.
    sample_weight : array-like of shape (n_samples,) or None
        As passed to ``fit`` (checked later; rows of weight 0 are not trained on).

    Returns
    -------
    split : bool
    """
    if early_stopping != "auto":
        return bool(early_stopping)
    if not fraction:
        return False
    if sample_weight is not None:
        try:
            weight = np.asarray(sample_weight, dtype=np.float64)
        except (TypeError, ValueError):
            return False  # the fit's own check raises the error that names it
        if weight.shape != y.shape:
            return False
        y = y[weight > 0]
    classes, encoded = np.unique(y, return_inverse=True)
    try:
        check_validation_split(encoded, classes, fraction, "")
    except ValueError:
        return False
    return True
