"""Cross-entropy with per-class and per-sample weights."""

from __future__ import annotations

import torch.nn.functional as F

from ..utils._docstring import fill_doc
from ._base import (
    BASE_CONSTRAINTS,
    _WeightedLoss,
    check_functional_call,
    class_vector_like,
    full_precision,
)
from ._reduction import combine_weights, weighted_reduce

__all__ = ["WeightedCrossEntropyLoss", "weighted_cross_entropy"]

_CONSTRAINTS = dict(BASE_CONSTRAINTS)


@full_precision
def _weighted_cross_entropy(logits, target, sample_weight, *, weight, reduction, caller):
    weight = class_vector_like(weight, "weight", logits, caller)
    if weight is None and sample_weight is None:  # torch's fused reduction, same values
        return F.cross_entropy(logits, target, reduction=reduction)
    loss = F.cross_entropy(logits, target, reduction="none")
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@fill_doc
def weighted_cross_entropy(logits, target, sample_weight=None, *, weight=None, reduction="mean"):
    r"""Cross-entropy weighted per class and per sample.

    Functional twin of :class:`WeightedCrossEntropyLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import weighted_cross_entropy
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = weighted_cross_entropy(logits, target, weight=[0.5, 2.0, 2.0])
    >>> loss.shape
    torch.Size([])
    >>> loss.backward()
    """
    caller = "weighted_cross_entropy"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight, reduction=reduction
    )
    return _weighted_cross_entropy(
        logits, target, sample_weight, weight=weight, reduction=reduction, caller=caller
    )


@fill_doc
class WeightedCrossEntropyLoss(_WeightedLoss):
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

    Parameters
    ----------
    %(weight)s
    %(reduction)s

    Notes
    -----
    Shapes:

    %(loss_shape)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import WeightedCrossEntropyLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> confidence = torch.tensor([1.0, 1.0, 0.2, 1.0, 0.2, 1.0])
    >>> criterion = WeightedCrossEntropyLoss(weight=[0.5, 2.0, 2.0])
    >>> loss = criterion(logits, target, sample_weight=confidence)
    >>> loss.backward()
    """

    _parameter_constraints = _CONSTRAINTS
    _function = staticmethod(_weighted_cross_entropy)

    def __init__(self, *, weight=None, reduction="mean"):
        super().__init__(weight=weight, reduction=reduction)
