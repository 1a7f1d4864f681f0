"""Cross-entropy with per-class and per-sample weights."""

from __future__ import annotations

import torch.nn.functional as F

from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights, weighted_reduce

__all__ = ["WeightedCrossEntropyLoss", "weighted_cross_entropy_loss"]


@loss_function(example="weight=[0.5, 2.0, 2.0]")
def weighted_cross_entropy_loss(logits, target, sample_weight=None, *, weight=None,
                                reduction="mean"):
    """Cross-entropy weighted per class and per sample."""
    if weight is None and sample_weight is None:  # torch's fused reduction, same values
        return F.cross_entropy(logits, target, reduction=reduction)
    loss = F.cross_entropy(logits, target, reduction="none")
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class WeightedCrossEntropyLoss(WeightedLoss, function=weighted_cross_entropy_loss):
    r"""Cross-entropy weighted per class and per sample.

    With :math:`p_{ic}` the softmax of the logits and
    :math:`w_i = s_i \, c_{y_i}` (sample weight times class weight):

    .. math::

        \ell_i = -\log p_{i y_i}, \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    With class weights only, ``reduction="mean"`` equals
    ``torch.nn.functional.cross_entropy(logits, target, weight=weight)``. The per-sample
    weights, which torch's loss lacks, give the weighted likelihood that scikit-learn's
    ``fit(X, y, sample_weight=...)`` minimises (an integer weight counts a row that many
    times). Computed from ``log_softmax``, finite for logits of any magnitude.
    """
