"""Report a fit that diverged: one warning with the numbers and the likely fix.

Checked once at the end of every fit that ends normally (not on Ctrl-C, not on a
non-finite loss, which raises). The reference point is the loss of the fit's first
training batch, computed with the initial weights. A fit is reported when

* its last-epoch training loss is more than ``LOSS_RISE`` (10) times that initial loss
  *and* above ``log(n_classes)``, the cross-entropy of a uniform guess (so a well-trained
  warm-start continuation whose loss moves from 1e-4 to 1e-3 is not reported); or
* its predictions on the training rows (at most ``MAX_ROWS`` of them, evenly spaced, one
  forward pass without gradients) are all one class although several classes have
  training rows, *and* either some training batch's loss rose above ``LOSS_RISE`` times
  the initial loss on the way (the loss blew up) or training stopped by itself (early
  stopping: it "converged" to one class).

The first case is reported as a divergence (:class:`~sklweight.exceptions.DivergenceWarning`;
fix: a lower ``lr``, scaled features). The second, without a blow-up, is a fit that
stopped on one class (:class:`~sklweight.exceptions.CollapsedPredictionWarning`): when
its loss fell, the model found the majority class the cheapest answer, and the fix is a
weighting (``class_weight="balanced"``, ``criterion="logit_adjusted"``); when it did not
fall, the features or the learning rate are the suspects. A fit merely cut short by
``max_epochs`` while its loss falls (three epochs on imbalanced data that still predict
the majority) is not reported: nothing blew up and it did not stop by itself. How often
these fire on common data sets is measured in the documentation,
:ref:`benchmarks_training_checks`.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..exceptions import CollapsedPredictionWarning, DivergenceWarning
from ..utils._warnings import warn_user
from .input_validation import FitData

__all__ = ["LOSS_RISE", "MAX_ROWS", "check_divergence"]

LOSS_RISE = 10.0  # "far above where it started": more than this many times the initial loss
MAX_ROWS = 1000  # training rows predicted for the collapse check (evenly spaced)


def check_divergence(net, X, first_epoch, *, stopped_early=False):
    """Warn once when the epochs from ``first_epoch`` diverged or collapsed to one class.

    Parameters
    ----------
    net : WeightedNeuralNetClassifier
        The net, after its training loop ended normally.
    X : FitData or other
        What ``run_training`` received; the collapse check predicts on the rows of a
        validated ``FitData`` and is skipped for a user's ``Dataset``.
    first_epoch : int
        Index in ``net.history`` of this fit's first epoch (``partial_fit`` appends).
    stopped_early : bool, default=False
        Whether a callback (early stopping) ended training before ``max_epochs``.

    Returns
    -------
    message : str or None
        The warning's text, or None when nothing was reported.
    """
    losses = _losses(net.history, first_epoch)
    if losses is None:
        return None
    initial, final, peak = losses
    n_classes = len(net.classes_) if getattr(net, "classes_", None) is not None else 2
    rose = final > LOSS_RISE * initial and final > math.log(max(n_classes, 2))
    collapsed = None
    if rose or peak > LOSS_RISE * initial or stopped_early:
        collapsed = _collapsed_to(net, X)  # a forward pass only when it can matter
    if not rose and collapsed is None:
        return None
    n_epochs = len(net.history) - first_epoch
    name = net._public_name
    loss = (f"the training loss went from {initial:.4g} (first batch) to {final:.4g} "
            f"(epoch {n_epochs}), peaking at {peak:.4g}")
    single = ("" if collapsed is None else
              f"every training row is predicted as class {collapsed[0]!r} although "
              f"{collapsed[1]} classes are present")
    if rose or peak > LOSS_RISE * initial:
        message = (
            f"{name}: the fit diverged: {loss}{'; ' + single if single else ''}. Try a "
            f"lower learning rate (lr={net.lr!r}; e.g. 10 times lower) and scaled "
            "features (e.g. make_pipeline(StandardScaler(), ...))."
        )
        category = DivergenceWarning
    elif final < initial:  # the loss fell, yet one class: the majority was cheapest
        message = (
            f"{name}: the fit stopped after {n_epochs} epochs predicting one class: "
            f"{single}, while {loss}. Predicting the majority class is what lowers this "
            "loss: weight the classes (class_weight='balanced', or sampler='balanced') or "
            "adjust the logits (criterion='logit_adjusted', or posthoc_tau=1)."
        )
        category = CollapsedPredictionWarning
    else:  # stopped by itself, the loss did not fall, one class
        message = (
            f"{name}: the fit stopped after {n_epochs} epochs predicting one class: "
            f"{single}; {loss}. Scale the features (e.g. make_pipeline(StandardScaler(), "
            f"...)), or try another learning rate (lr={net.lr!r}) or criterion; on "
            "imbalanced data, class_weight='balanced'."
        )
        category = CollapsedPredictionWarning
    warn_user(message, category)
    return message


def _losses(history, first_epoch):
    """(first training batch's loss, last epoch's loss, highest batch loss) or None."""
    epochs = history[first_epoch:]
    if not epochs or "train_loss" not in epochs[-1]:
        return None
    batch_losses = [
        batch["train_loss"] for epoch in epochs for batch in epoch.get("batches", ())
        if "train_loss" in batch
    ]
    initial = batch_losses[0] if batch_losses else epochs[0]["train_loss"]
    final = epochs[-1]["train_loss"]
    peak = max([final, *batch_losses])
    values = (initial, final, peak)
    if not all(math.isfinite(v) for v in values) or initial <= 0:
        return None
    return values


def _collapsed_to(net, X):
    """(the one predicted label, number of classes present) when the predictions on
    (a subsample of) the training rows are all one class; else None."""
    dataset = _fit_dataset(net, X)
    counts = getattr(net, "class_counts_", None)
    if dataset is None or counts is None:
        return None
    n_present = int(np.count_nonzero(np.asarray(counts)))
    if n_present < 2:
        return None
    n = len(dataset)
    index = np.unique(np.linspace(0, n - 1, min(n, MAX_ROWS)).astype(np.int64))
    Xb = net.get_dataset(dataset).batch(torch.as_tensor(index, device=net.device))[0]
    module = net.module_
    training = module.training
    try:
        module.train(False)
        with torch.no_grad():
            out = net.infer(Xb)
    finally:
        module.train(training)
    if isinstance(out, (tuple, list)):
        out = out[0]
    if isinstance(out, torch.Tensor) and out.ndim == 3:  # an ensemble: its mean softmax
        out = torch.softmax(out.float(), dim=-1).mean(dim=1)
    if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[1] < 2:
        return None
    predicted = out.argmax(dim=1)
    if not bool((predicted == predicted[0]).all()):
        return None
    label = np.asarray(net.classes_)[int(predicted[0])]
    return label.item() if isinstance(label, np.generic) else label, n_present


def _fit_dataset(net, X):
    """The validated fit rows (None for a user's Dataset)."""
    if not isinstance(X, FitData) or X.passthrough:
        return None
    return X if len(X) else None
