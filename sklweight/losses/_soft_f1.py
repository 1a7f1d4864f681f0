"""Soft (differentiable) F1 loss with class and sample weights in the soft counts."""

from __future__ import annotations

import torch

from ..utils._validation import StrOptions
from ._autograd import soft_counts
from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights

__all__ = ["SoftF1Loss", "soft_f1_loss"]


@loss_function(
    average=[StrOptions({"macro", "weighted", "micro"})],
    decomposes=False,
    example='average="macro"',
    parameters_doc="""\
average : {"macro", "weighted", "micro"}, default="macro"
    How the per-class soft F1 scores are combined, as in
    :func:`sklearn.metrics.f1_score`: ``"macro"`` is their plain mean over the
    classes present in the batch targets (with positive weight); ``"weighted"``
    weights each class by its weighted count of target rows; ``"micro"`` pools the
    counts (for single-label data, the weighted mean of :math:`p_t`).""",
)
def soft_f1_loss(
    logits, target, sample_weight=None, *, average="macro", weight=None, reduction="mean"
):
    """Soft F1 loss with class and sample weights in the soft counts."""
    w = combine_weights(target, sample_weight, weight)
    if w is None:
        w_row = torch.ones_like(target, dtype=logits.dtype)
    else:
        w_row = w = w.to(logits.dtype)
    # tp_c = sum_i w_i p_ic [y_i = c]; pred_c = sum_i w_i p_ic = tp_c + fp_c (fused kernel)
    tp, pred = soft_counts(logits, target, w)
    count = logits.new_zeros(logits.shape[1]).index_add_(0, target, w_row)  # tp_c + fn_c
    present = count > 0  # classes with a target row of positive weight in this batch
    # F1_c = 2 tp / (2 tp + fp + fn) = 2 tp / (pred + count). Absent classes have tp = 0;
    # their denominator is replaced (not clamped) so that neither the value nor the
    # gradient can meet 0 / 0, and no epsilon breaks the invariance to scaling weights.
    f1 = 2 * tp / torch.where(present, pred + count, 1.0)
    if average == "macro":
        score = (f1 * present).sum() / present.sum()
    elif average == "weighted":
        score = (f1 * count).sum() / count.sum()
    else:
        score = 2 * tp.sum() / (pred.sum() + count.sum())
    return 1 - score


class SoftF1Loss(WeightedLoss, function=soft_f1_loss):
    r"""Soft F1 loss: one minus the macro F1 computed from probabilities.

    With :math:`p_{ic}` the softmax of the logits and :math:`w_i = s_i \, c_{y_i}`, the
    soft counts of class :math:`c` are

    .. math::

        \mathrm{tp}_c = \sum_i w_i \, p_{ic} [y_i = c], \quad
        \mathrm{fp}_c = \sum_i w_i \, p_{ic} - \mathrm{tp}_c, \quad
        \mathrm{fn}_c = \sum_i w_i [y_i = c] - \mathrm{tp}_c,

    .. math::

        F_{1,c} = \frac{2\,\mathrm{tp}_c}{2\,\mathrm{tp}_c + \mathrm{fp}_c + \mathrm{fn}_c},
        \qquad
        \mathcal{L} = 1 - \frac{1}{|C|} \sum_{c \in C} F_{1,c},

    where :math:`C` holds the classes with a target row of positive weight in the batch.
    A class absent from the batch targets has no F1 to learn from (its true positives
    are 0 whatever the prediction; probability put on it still lowers the true positives
    of the present classes), so it is left out of the mean rather than counted as 0: a
    perfect confident prediction gives 0 on any batch. For one-hot probabilities the
    loss is exactly ``1 - f1_score(target, argmax, labels=C, average="macro",
    sample_weight=w)``. Rows of weight 0 are ignored, and the loss is unchanged when
    every weight is multiplied by :math:`k > 0` (there is no epsilon in the
    denominators: absent classes are masked instead). A batch whose weights are all 0
    gives NaN, like the weighted mean of the other losses.

    The counts are gathered per class (``index_add``) rather than through an
    :math:`N \times K` one-hot matrix. A differentiable surrogate of F1 in the spirit of
    Jansche, "Maximum Expected F-Measure Training of Logistic Regression Models",
    HLT/EMNLP 2005.
    """
