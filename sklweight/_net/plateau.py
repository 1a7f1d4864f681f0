"""What the stop-on-plateau rule of WeightedMLPClassifier watches when no split is held out.

Without ``early_stopping``, training stops once the monitored training loss has not
improved by ``tol`` for ``n_iter_no_change`` epochs (scikit-learn's ``MLPClassifier``
rule). The epoch's training loss is an estimate of the training objective; with Gaussian
input noise or mixup that estimate is noisy by design (every epoch sees other noise,
other pairs), and its epoch-to-epoch spread is far above ``tol``: one lucky low epoch
sets a best value that the next ``n_iter_no_change`` epochs do not beat, and training
stops while the objective still falls (the measurement is in the documentation,
:ref:`benchmarks_training_checks`).

So with ``input_noise > 0`` or ``mixup_alpha`` set, the rule watches
``train_loss_smoothed``, the mean training loss of the last ``n_iter_no_change`` epochs;
otherwise the raw ``train_loss``. ``tol`` and ``n_iter_no_change`` keep their meaning.
"""

from __future__ import annotations

import numpy as np
from skorch.callbacks import Callback

__all__ = ["MovingAverageLoss", "plateau_monitor"]

SMOOTHED = "train_loss_smoothed"


class MovingAverageLoss(Callback):
    """Record the mean ``train_loss`` of the last ``window`` epochs as ``train_loss_smoothed``.

    Parameters
    ----------
    window : int
        Number of epochs averaged (fewer at the start of training).
    """

    def __init__(self, window):
        self.window = window

    def on_epoch_end(self, net, **kwargs):
        losses = net.history[-self.window:, "train_loss"]
        net.history.record(SMOOTHED, float(np.mean(losses)))


def plateau_monitor(estimator):
    """The history key the plateau rule watches, and the callbacks that record it.

    Parameters
    ----------
    estimator : WeightedMLPClassifier
        Reads ``input_noise``, ``mixup_alpha`` and ``n_iter_no_change``.

    Returns
    -------
    monitor : str
        ``"train_loss"`` or ``"train_loss_smoothed"``.
    callbacks : list of (str, Callback)
        To be placed before the ``EarlyStopping`` callback.
    """
    if estimator.input_noise > 0 or estimator.mixup_alpha is not None:
        return SMOOTHED, [(SMOOTHED, MovingAverageLoss(estimator.n_iter_no_change))]
    return "train_loss", []
