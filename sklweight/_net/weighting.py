"""How a fit turns ``sample_weight``, ``class_weight`` and ``sampler`` into weights.

The rules of the specification (section 3), in one place:

* ``w_i = s_i * c[y_i]``, with ``c`` computed from the rows actually trained on (after
  the internal validation split), counting rows by ``s``. A dict is used as given.
* The loss applies ``class_weight`` exactly when it is not None. A sampler never changes
  the loss weights, except ``sampler="sample_weight"``, which moves ``s`` out of the loss
  into the sampling.
* Validation rows get ``s * c[y]`` with the ``c`` of the training rows, normalised over
  the validation rows so that the reported ``valid_loss`` is ``sum(w l) / sum(w)``.
* Rows whose loss weight is zero are dropped before batching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from ..class_weight import ClassWeights, class_counts, compute_class_weight
from ..class_weight._checks import weights_from_dict

__all__ = [
    "NORMALIZATIONS",
    "SAMPLE_WEIGHT_SAMPLER",
    "WeightPlan",
    "normalize_weights",
    "plan_weights",
    "scale_batch_loss",
]

# the values of ``weight_normalization`` (SPEC 3.2)
NORMALIZATIONS = ("global", "batch", "none")
# the ``sampler`` value that moves the per-sample weights from the loss into the sampling
SAMPLE_WEIGHT_SAMPLER = "sample_weight"


def _unknown(name, value, options):
    return ValueError(
        f"The {name!r} parameter must be one of {', '.join(map(repr, options))}. "
        f"Got {value!r} instead."
    )



@dataclass
class WeightPlan:
    """Weights of one fit, aligned with the training / validation rows given."""

    class_weight: np.ndarray | None  # (K,) the class weights applied by the loss
    class_counts: np.ndarray  # (K,) training rows per class, counted by sample_weight
    train_weight: np.ndarray  # (n_train,) loss weights, normalised as asked
    train_keep: np.ndarray  # (n_train,) bool: rows with a positive loss weight
    sampling_weight: np.ndarray | None  # (n_train,) sampler probabilities (up to scale)
    valid_weight: np.ndarray | None  # (n_valid,) loss weights, normalised globally


def _class_weight_vector(spec, y, sample_weight, classes):
    """Per-class weights aligned with ``classes`` (encoded ``y`` indexes ``classes``).

    Classes without a training row get weight 1 (they only matter for validation rows).
    """
    labels = classes[y]
    present = np.unique(y)
    if isinstance(spec, ClassWeights):
        fitted = clone(spec).fit(labels, sample_weight=sample_weight)
        values = np.asarray(fitted.class_weight_, dtype=np.float64)
    elif isinstance(spec, dict):
        values = weights_from_dict(spec, classes, caller="fit", param="class_weight")[present]
    else:
        values = compute_class_weight(labels, spec, sample_weight=sample_weight)
    weights = np.ones(len(classes), dtype=np.float64)
    weights[present] = values
    return weights


def plan_weights(
    y_train, s_train, y_valid, s_valid, *, classes, class_weight, sampler, normalization
):
    """Compute the loss and sampling weights of one fit.

    Parameters
    ----------
    y_train, y_valid : ndarray of int
        Encoded targets of the training and validation rows (``y_valid`` may be None).
    s_train, s_valid : ndarray of float
        The user's sample weights of those rows (ones when none were given).
    classes : ndarray of shape (K,)
        The original labels; ``classes[y]`` are the user's labels.
    class_weight : None, str, dict, callable or ClassWeights
        The ``class_weight`` parameter of the classifier.
    sampler : None, str, dict, callable or ClassWeights
        The ``sampler`` parameter (``"sample_weight"`` moves ``s`` into the sampling).
    normalization : {"global", "batch", "none"}
        The ``weight_normalization`` parameter.

    Returns
    -------
    plan : WeightPlan
    """
    n_classes = len(classes)
    counts = class_counts(y_train, n_classes, s_train)
    c = None
    if class_weight is not None:
        c = _class_weight_vector(class_weight, y_train, s_train, classes)

    sampling = None
    loss_s = s_train
    if sampler is not None and isinstance(sampler, str) and sampler == SAMPLE_WEIGHT_SAMPLER:
        sampling = s_train
        loss_s = np.ones_like(s_train)
    elif sampler is not None:
        sampling = _class_weight_vector(sampler, y_train, s_train, classes)[y_train]

    train = loss_s if c is None else loss_s * c[y_train]
    keep = train > 0
    if sampling is not None:
        keep &= sampling > 0
    if not keep.any():
        raise ValueError(
            "Every training row has zero weight after applying class_weight and "
            "sample_weight; nothing is left to learn from."
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
        Composed weights ``s_i * c[y_i]`` of the training rows.
    normalization : {"global", "batch", "none"}, default="global"
        ``"global"`` rescales to ``w * n / sum(w)`` (mean 1 over the training rows);
        the other two leave the weights as given.

    Returns
    -------
    weight : same type as the input
        A new array/tensor for ``"global"``; the input itself otherwise.
    """
    if normalization not in NORMALIZATIONS:
        raise _unknown("weight_normalization", normalization, NORMALIZATIONS)
    if normalization != "global":
        return weight
    return weight * (weight.shape[0] / weight.sum())


def scale_batch_loss(loss, batch_weight, normalization="global"):
    """Turn a batch loss reduced with ``"mean"`` into the chosen batch objective.

    With ``loss = sum_B(w l) / sum_B(w)`` (a loss called with ``reduction="mean"``):

    * ``"global"`` and ``"none"`` return ``sum_B(w l) / n_B``. With weights normalised
      globally (mean 1 over the training rows) this is an unbiased estimate of the full
      weighted objective ``sum(w l) / sum(w)``, and class weights act even in a batch
      without a minority row; with raw weights (``"none"``) it is Keras' convention.
    * ``"batch"`` returns ``loss`` unchanged (torch's convention).

    Written as a rescaling of the mean so that losses which do not decompose per sample
    (soft-F1) follow the same rule.

    Parameters
    ----------
    loss : Tensor
        Scalar batch loss computed with ``reduction="mean"``.
    batch_weight : Tensor of shape (n_B,)
        The weights of the batch rows.
    normalization : {"global", "batch", "none"}, default="global"

    Returns
    -------
    loss : Tensor
        Scalar.
    """
    if normalization not in NORMALIZATIONS:
        raise _unknown("weight_normalization", normalization, NORMALIZATIONS)
    if normalization == "batch":
        return loss
    return loss * batch_weight.mean().to(loss.dtype)
