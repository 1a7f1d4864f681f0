"""How a fit turns ``sample_weight``, ``class_weight`` and ``sampler`` into weights.

The rules of the user guide's "Weight semantics" page (``docs/user_guide/
weight_semantics.rst``), in one place:

* ``w_i = s_i * c[y_i]``, with ``c`` computed from the rows actually trained on (after
  the internal validation split), counting rows by ``s``. A dict is used as given.
* The loss applies ``class_weight`` exactly when it is not None. A sampler never changes
  the loss weights, except ``sampler="sample_weight"``, which moves ``s`` out of the loss
  into the sampling.
* Validation rows get ``s * c[y]`` with the ``c`` of the training rows, normalised over
  the validation rows so that the reported ``valid_loss`` is ``sum(w l) / sum(w)``.
* Rows whose loss weight is zero are dropped before batching; a class whose every row
  weighs 0 (or is never drawn) gets a warning naming it, since the model can never
  predict it.
* Every class-weight vector (loss or sampler) is aligned with ``classes_``, the order of
  the module's outputs, whatever that order: it comes from the one mapping
  :func:`sklweight.class_weight._vector.class_weight_vector`, given the training counts
  in that order.

The parameters are validated once, at ``fit`` (:data:`WEIGHTING_CONSTRAINTS`, shared by
both classifiers, and :func:`check_weighting_names`), and ``sample_weight`` once, by
:func:`sklweight._net.input_validation.validate_fit_data`; the functions here take the
checked arrays as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.base import clone

from ..class_weight import ClassWeights
from ..class_weight._checks import check_dict_classes
from ..class_weight._counts import weighted_class_counts
from ..class_weight._strategies import STRATEGY_NAMES, check_strategy_name
from ..class_weight._vector import class_weight_vector
from ..utils._validation import (
    StrOptions,
    format_param_error,
    unknown_value_error,
)
from ..utils._warnings import warn_user

__all__ = [
    "NORMALIZATIONS",
    "SAMPLER_NAMES",
    "SAMPLE_WEIGHT_SAMPLER",
    "WEIGHTING_CONSTRAINTS",
    "WeightPlan",
    "batch_objective",
    "check_weighting_dicts",
    "check_weighting_names",
    "normalize_weights",
    "plan_weights",
    "warn_untrained_classes",
    "warn_unweighted_sampler",
]

# the values of ``weight_normalization`` (user guide, "Weight semantics")
NORMALIZATIONS = ("global", "batch", "none")
# the ``sampler`` value that moves the per-sample weights from the loss into the sampling
SAMPLE_WEIGHT_SAMPLER = "sample_weight"
# every name ``sampler`` accepts: the class-weight strategies and SAMPLE_WEIGHT_SAMPLER
SAMPLER_NAMES = (*STRATEGY_NAMES, SAMPLE_WEIGHT_SAMPLER)

WEIGHTING_CONSTRAINTS = {
    "class_weight": [None, StrOptions(set(STRATEGY_NAMES)), dict, callable, ClassWeights],
    "sampler": [None, StrOptions(set(SAMPLER_NAMES)), dict, callable, ClassWeights],
    "weight_normalization": [StrOptions(set(NORMALIZATIONS))],
}
"""The constraints of the weighting parameters, shared by both classifiers."""


# --------------------------------------------------------------------------- checks


def check_weighting_names(params, caller):
    """Refuse an unknown ``class_weight`` / ``sampler`` name with a "Did you mean".

    Run before scikit-learn's validation of :data:`WEIGHTING_CONSTRAINTS`, whose
    message lists the options but suggests none.

    Parameters
    ----------
    params : dict
        The estimator's parameters (others than the weighting ones are ignored).
    caller : str
        The estimator's public name.

    Raises
    ------
    InvalidParameterError
        For a string that is not a strategy name (nor ``"sample_weight"`` for the
        sampler); the message lists the valid names and suggests the closest.
    """
    for name, extra in (("class_weight", ()), ("sampler", (SAMPLE_WEIGHT_SAMPLER,))):
        value = params.get(name)
        if isinstance(value, str):
            check_strategy_name(value, caller=caller, param=name, extra=extra)


def check_weighting_dicts(params, classes, caller):
    """A ``class_weight`` or ``sampler`` dict (also as a ``ClassWeights`` strategy) must
    name every class of the fit and no other label.

    Parameters
    ----------
    params : dict
        ``{"class_weight": ..., "sampler": ...}``.
    classes : ndarray of shape (n_classes,)
        The labels of the fit, in the order of the module's outputs.
    caller : str
        The estimator's public name.
    """
    for name in ("class_weight", "sampler"):
        value = params.get(name)
        if isinstance(value, ClassWeights) and isinstance(value.strategy, dict):
            check_dict_classes(value.strategy, classes, caller=caller,
                               param=f"{name}__strategy")
        elif isinstance(value, dict):
            check_dict_classes(value, classes, caller=caller, param=name)


def warn_unweighted_sampler(caller, param="sampler"):
    """``sampler="sample_weight"`` without sample weights: the sampling is uniform."""
    warn_user(
        f"{caller}: {param}={SAMPLE_WEIGHT_SAMPLER!r} draws rows in proportion to "
        "sample_weight, but no sample_weight was given, so it draws uniformly and nothing "
        f"is weighted. Pass sample_weight, or use {param}=None (or a class-weight "
        "strategy such as 'balanced')."
    )


def warn_untrained_classes(labels, caller, *, reason):
    """Every row of these classes has weight 0: the model can never predict them.

    Parameters
    ----------
    labels : sequence
        The classes concerned (nothing is warned when empty).
    caller : str
        The estimator's public name.
    reason : str
        Why the rows weigh nothing (shown in the message).
    """
    labels = np.asarray(labels).tolist()
    if not labels:
        return
    warn_user(
        f"{caller}: every row of class(es) {labels!r} has weight 0 ({reason}), so the "
        "model never trains on them and can never predict them. Give some of their rows "
        "a positive weight, or remove the class."
    )


# --------------------------------------------------------------------------- the plan


@dataclass
class WeightPlan:
    """Weights of one fit, aligned with the training / validation rows given."""

    class_weight: np.ndarray | None  # (K,) the class weights applied by the loss
    class_counts: np.ndarray  # (K,) training rows per class, counted by sample_weight
    train_weight: np.ndarray  # (n_train,) loss weights, normalised as asked
    train_keep: np.ndarray  # (n_train,) bool: rows with a positive loss weight
    sampling_weight: np.ndarray | None  # (n_train,) sampler probabilities (up to scale)
    valid_weight: np.ndarray | None  # (n_valid,) loss weights, normalised globally


def _fit_class_weights(spec, classes, counts, *, n_rows, caller, param):
    # computed on this fit's training rows: a ClassWeights is refitted, as a
    # clone (the user's object is never fitted; a fitted one is not used as is)
    if isinstance(spec, ClassWeights):
        spec = clone(spec)
    return class_weight_vector(spec, classes, counts, n_rows=n_rows, caller=caller, param=param)


def plan_weights(
    y_train, s_train, y_valid, s_valid, *, classes, class_weight, sampler, normalization,
    dropped_y=None, caller="fit",
):
    """Compute the loss and sampling weights of one fit.

    Assumes validated input (the estimator's ``fit`` checked ``sample_weight`` and the
    parameters once).

    Parameters
    ----------
    y_train, y_valid : ndarray of int
        Encoded targets of the training and validation rows (``y_valid`` may be None):
        indices into ``classes``.
    s_train, s_valid : ndarray of float64
        The user's sample weights of those rows (ones when none were given), positive.
    classes : ndarray of shape (K,)
        The original labels, in the order of the module's outputs (any order);
        ``classes[y]`` are the user's labels.
    class_weight : None, str, dict, callable or ClassWeights
        The ``class_weight`` parameter of the classifier.
    sampler : None, str, dict, callable or ClassWeights
        The ``sampler`` parameter (``"sample_weight"`` moves ``s`` into the sampling).
    normalization : {"global", "batch", "none"}
        The ``weight_normalization`` parameter.
    dropped_y : ndarray of int or None, default=None
        Encoded labels of the rows left out before the split for a zero sample weight
        (a class left with none of its rows is warned about here).
    caller : str, default="fit"
        The estimator's public name (shown in messages and warnings).

    Returns
    -------
    plan : WeightPlan
        Aligned with ``classes`` and with the rows given.
    """
    n_classes = len(classes)
    counts = weighted_class_counts(y_train, n_classes, s_train)
    if not np.all(np.isfinite(counts)):
        raise ValueError(
            format_param_error(
                "sample_weight", f"{caller}.fit",
                "small enough that the weighted class counts are finite in float64",
                counts.tolist(),
                "Rescale sample_weight (e.g. divide it by its maximum): under the default "
                "weight_normalization='global' only the ratios of the weights matter.",
            )
        )
    c = None
    if class_weight is not None:
        c = _fit_class_weights(class_weight, classes, counts, caller=caller,
                               param="class_weight", n_rows=np.count_nonzero(s_train))

    sampling = None
    loss_s = s_train
    if isinstance(sampler, str) and sampler == SAMPLE_WEIGHT_SAMPLER:
        sampling = s_train
        loss_s = np.ones_like(s_train)
    elif sampler is not None:
        sampling = _fit_class_weights(
            sampler, classes, counts, caller=caller, param="sampler",
            n_rows=np.count_nonzero(s_train),
        )[y_train]

    train = loss_s if c is None else loss_s * c[y_train]
    keep = train > 0
    if sampling is not None:
        keep &= sampling > 0
    if not keep.any():
        raise ValueError(
            "Every training row has zero weight after applying class_weight and "
            "sample_weight; nothing is left to learn from."
        )
    if dropped_y is not None:
        kept_anywhere = weighted_class_counts(y_train, n_classes) > 0
        if y_valid is not None:
            kept_anywhere |= weighted_class_counts(y_valid, n_classes) > 0
        dropped = weighted_class_counts(dropped_y, n_classes) > 0
        warn_untrained_classes(classes[dropped & ~kept_anywhere], caller,
                               reason="sample_weight 0")
    untrained = (counts > 0) & (weighted_class_counts(y_train[keep], n_classes) == 0)
    warn_untrained_classes(
        classes[untrained], caller,
        reason="a class weight or sampling probability of 0",
    )
    train = normalize_weights(train[keep], normalization)
    if sampling is not None:
        sampling = sampling[keep]

    valid = None
    if y_valid is not None:
        valid = s_valid if c is None else s_valid * c[y_valid]
        if valid.sum() > 0:
            valid = normalize_weights(valid, "global")
    return WeightPlan(c, counts, train, keep, sampling, valid)


def normalize_weights(weight, normalization="global"):
    """Normalise the training weights once per fit.

    Parameters
    ----------
    weight : Tensor or ndarray of shape (n,)
        Composed weights ``s_i * c[y_i]`` of the training rows, finite, not all zero.
    normalization : {"global", "batch", "none"}, default="global"
        ``"global"`` rescales to ``w * n / sum(w)`` (mean 1 over the training rows),
        dividing by the largest weight first so that neither the sum nor the ratio
        overflows or underflows (weights all equal, of any magnitude, become exactly 1);
        the other two leave the weights as given.

    Returns
    -------
    weight : same type as the input
        A new array/tensor for ``"global"``; the input itself otherwise.
    """
    if normalization not in NORMALIZATIONS:
        raise unknown_value_error(
            "weight_normalization", "normalize_weights", NORMALIZATIONS, normalization)
    if normalization != "global":
        return weight
    weight = weight / weight.max()
    return weight * (weight.shape[0] / weight.sum())


def batch_objective(loss, weight=None, normalization="global"):
    """The training objective of one batch: the batch rule, in one place.

    With ``w`` the batch rows' weights (already normalised per fit by
    :func:`normalize_weights`) and ``n_B`` the batch size:

    * ``"global"`` and ``"none"``: ``sum_B(w l) / n_B``. With weights normalised
      globally (mean 1 over the training rows) this is an unbiased estimate of the full
      weighted objective ``sum(w l) / sum(w)``, and class weights act even in a batch
      without a minority row; with raw weights (``"none"``) it is Keras' convention.
    * ``"batch"``: ``sum_B(w l) / sum_B(w)`` (torch's convention).

    A loss that decomposes per row is passed as its per-row values ``l`` (computed with
    ``reduction="none"``): the weighted sum is one ``dot`` and the division happens once.
    A loss that does not decompose (soft-F1, whose counts take the weights) is passed as
    its weighted mean ``sum_B(w l) / sum_B(w)``, a scalar, and rescaled by
    ``mean_B(w)`` for ``"global"`` / ``"none"``.

    Parameters
    ----------
    loss : Tensor of shape (n_B,) or scalar Tensor
        Per-row losses, or the weighted mean of a non-decomposable loss.
    weight : Tensor of shape (n_B,) or None, default=None
        The batch rows' weights; None means all ones (then every rule is the mean).
    normalization : {"global", "batch", "none"}, default="global"

    Returns
    -------
    objective : Tensor
        Scalar, differentiable with respect to ``loss``.
    """
    if normalization not in NORMALIZATIONS:
        raise unknown_value_error(
            "weight_normalization", "batch_objective", NORMALIZATIONS, normalization)
    if loss.ndim == 0:  # the weighted mean of a non-decomposable loss
        if weight is None or normalization == "batch":
            return loss
        return loss * weight.mean().to(loss.dtype)
    if weight is None:
        return loss.mean()
    if weight.dtype != loss.dtype:
        weight = weight.to(loss.dtype)
    # the division is applied to the weights (no gradient to track), so the loss meets
    # a single differentiable operation
    scale = weight.sum() if normalization == "batch" else loss.shape[0]
    return torch.dot(loss, weight / scale)
