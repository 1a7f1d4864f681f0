"""The inner :class:`~sklweight.WeightedNeuralNetClassifier` of
:class:`~sklweight.WeightedMLPClassifier`.

``MLPClassifier``'s training rules in skorch terms: Adam (its fused kernel where torch has
one for the device), a stratified held-out split with early stopping on it
(``early_stopping=True``) or the stop-on-plateau rule on the training loss
(:mod:`.plateau`), and the estimator's parameters passed through.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from skorch.callbacks import EarlyStopping, EpochScoring
from skorch.dataset import ValidSplit

from ..class_weight._counts import weighted_class_counts
from ..classifier import WeightedNeuralNetClassifier
from .epoch_plan import fused_adam_supported
from .plateau import plateau_monitor
from .tabular_module import tabular_module_kwargs

__all__ = ["build_net", "check_validation_split", "fitted_attributes"]


def build_net(estimator, X, classes, dtype):
    """A fresh ``WeightedNeuralNetClassifier`` for one fit of ``estimator``.

    Parameters
    ----------
    estimator : WeightedMLPClassifier
        Its parameters, validated.
    X : ndarray of shape (n_samples, n_features)
        The fit's validated rows (their width, and the columns an embedding skips).
    classes : ndarray
        The labels of the fit, sorted.
    dtype : torch.dtype
        The module's parameter dtype.

    Returns
    -------
    net : WeightedNeuralNetClassifier
        Not initialised.
    """
    fraction = estimator._split_fraction()
    if fraction:
        train_split = ValidSplit(
            fraction, stratified=True, random_state=estimator.random_state)
        callbacks = []
        monitor = "valid_loss"
        if estimator.scoring is not None:
            callbacks.append(
                ("valid_score", EpochScoring(
                    estimator.scoring, lower_is_better=False, name="valid_score"))
            )
            monitor = "valid_score"
        stop = EarlyStopping(
            monitor=monitor, patience=estimator.n_iter_no_change, threshold=estimator.tol,
            threshold_mode="abs", lower_is_better=monitor == "valid_loss", load_best=True,
            sink=_silent,
        )
    else:
        train_split = None
        monitor, callbacks = plateau_monitor(estimator)  # sklweight/_net/plateau.py
        stop = EarlyStopping(
            monitor=monitor, patience=estimator.n_iter_no_change, threshold=estimator.tol,
            threshold_mode="abs", lower_is_better=True, sink=_silent,
        )
    callbacks.append(("early_stopping", stop))
    module, module_kwargs, module_callbacks = tabular_module_kwargs(estimator, X)
    return WeightedNeuralNetClassifier(
        module,
        **module_kwargs,
        module__n_features=X.shape[1],
        module__n_classes=len(classes),
        module__hidden_layer_sizes=estimator._hidden_layer_sizes(),
        module__activation=estimator.activation,
        module__dropout=estimator.dropout,
        module__input_noise=estimator.input_noise,
        module__dtype=dtype,
        criterion=estimator.criterion,
        class_weight=estimator.class_weight,
        sampler=estimator.sampler,
        weight_normalization=estimator.weight_normalization,
        optimizer=torch.optim.Adam,
        optimizer__weight_decay=estimator.weight_decay,
        **_fused_adam(estimator.device),
        lr=estimator.lr,
        max_epochs=estimator.max_epochs,
        train_split=train_split,
        callbacks=module_callbacks + callbacks,
        iterator_train__shuffle=True,
        device=estimator.device,
        random_state=estimator.random_state,
        posthoc_tau=estimator.posthoc_tau,
        mixup_alpha=estimator.mixup_alpha,
        precision=estimator.precision,
        verbose=estimator.verbose,
        **estimator._criterion_params(),
    )


def check_validation_split(y, classes, fraction, caller):
    """Refuse, with the fix, an ``early_stopping`` split that cannot be stratified.

    The held-out split (``ValidSplit``, stratified, as ``MLPClassifier``'s) needs every
    class twice and at least one row of each class on both sides; scikit-learn's own
    message names neither parameter.

    Parameters
    ----------
    y : ndarray of int
        Encoded labels of the rows trained on (positive weight).
    classes : ndarray
        The labels, in the order of the encoding.
    fraction : float
        ``validation_fraction``.
    caller : str
        The estimator's name.
    """
    counts = weighted_class_counts(y, len(classes))
    single = classes[counts == 1]
    if len(single):
        raise ValueError(
            f"{caller}: early_stopping=True holds out a stratified "
            f"validation_fraction={fraction} of the rows, which needs at least 2 rows of "
            f"each class, but class(es) {single.tolist()} have 1. Set "
            "early_stopping=False (the fit then stops when the training loss plateaus), "
            "or add rows of these classes."
        )
    present = int(np.count_nonzero(counts))
    n_valid = math.ceil(fraction * len(y))
    if n_valid < present or len(y) - n_valid < present:
        raise ValueError(
            f"{caller}: early_stopping=True holds out validation_fraction={fraction} of "
            f"the {len(y)} rows ({n_valid}), but a stratified split needs at least one row "
            f"of each of the {present} classes on both sides. Choose validation_fraction "
            f"between {present / len(y):.3g} and {1 - present / len(y):.3g}, or set "
            "early_stopping=False."
        )


def fitted_attributes(net, split_fraction, scoring):
    """The learned attributes ``WeightedMLPClassifier`` takes from its fitted net.

    Parameters
    ----------
    net : WeightedNeuralNetClassifier
        Fitted (or interrupted after a finished epoch).
    split_fraction : float or None
        The held-out fraction, None without early stopping.
    scoring : str, callable or None
        The estimator's ``scoring`` (None: the validation loss is recorded).

    Returns
    -------
    attributes : dict
        ``net_``, ``classes_``, ``class_weight_``, ``class_counts_``, ``n_iter_``,
        ``loss_curve_`` and ``validation_scores_``.
    """
    history = net.history
    validation = None
    if split_fraction:
        key = "valid_loss" if scoring is None else "valid_score"
        validation = list(history[:, key]) if history else []
    return {
        "net_": net,
        "classes_": np.asarray(net.classes_),
        "class_weight_": net.class_weight_,
        "class_counts_": net.class_counts_,
        "n_iter_": len(history),
        "loss_curve_": list(history[:, "train_loss"]) if history else [],
        "validation_scores_": validation,
    }


def _fused_adam(device):
    """Adam's fused kernel where torch has one for the device (:mod:`.epoch_plan`)."""
    return {"optimizer__fused": True} if fused_adam_supported(device) else {}


def _silent(*args, **kwargs):
    """EarlyStopping's message sink: the per-epoch log (``verbose``) already shows it."""
