"""The warnings and errors sklweight raises, importable from one public module.

Catch or filter them by class::

    import warnings
    from sklweight.exceptions import CollapsedPredictionWarning

    warnings.simplefilter("error", CollapsedPredictionWarning)

The training warnings subclass scikit-learn's ``ConvergenceWarning``, so filters that
silence convergence warnings silence them too. The persistence errors are those of
:func:`sklweight.load`.
"""

from __future__ import annotations

from sklearn.exceptions import ConvergenceWarning

from .io._errors import InvalidFileError, PersistenceError, UntrustedTypeError

__all__ = [
    "CollapsedPredictionWarning",
    "DivergenceWarning",
    "InvalidFileError",
    "NonFiniteLossError",
    "PersistenceError",
    "UntrustedTypeError",
]


class NonFiniteLossError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite.

    The fit stops at that batch and the estimator is left unfitted; the message names the
    epoch and the batch.
    """


class DivergenceWarning(ConvergenceWarning):
    """A fit diverged: its training loss ended far above where it started.

    Warned once at the end of the fit, with the losses and the likely fix (a lower
    learning rate, scaled features).
    """


class CollapsedPredictionWarning(ConvergenceWarning):
    """A fit whose training loss fell predicts one class for every training row.

    Nothing blew up: the model found that predicting the majority class minimises its
    loss, which happens on imbalanced data. The warning names the likely fix
    (``class_weight="balanced"``, ``criterion="logit_adjusted"``).
    """

