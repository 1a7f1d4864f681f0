"""Poly-1 loss (Leng et al., 2022) with class and sample weights."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._validation import Interval
from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights, weighted_reduce

__all__ = ["PolyLoss", "poly_loss"]


@loss_function(
    epsilon=[Interval(Real, -1, None, closed="left")],
    example="epsilon=1.0",
    parameters_doc="""\
epsilon : float, default=1.0
    Coefficient :math:`\\epsilon_1 \\ge -1` of the first polynomial term. ``0`` is
    the cross-entropy; :math:`\\epsilon_1 \\ge -1` keeps the loss decreasing in
    :math:`p_t`.""",
)
def poly_loss(logits, target, sample_weight=None, *, epsilon=1.0, weight=None, reduction="mean"):
    """Poly-1 loss with class and sample weights."""
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if epsilon != 0:
        loss = ce - epsilon * torch.expm1(-ce)  # 1 - p_t = -expm1(log p_t)
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class PolyLoss(WeightedLoss, function=poly_loss):
    r"""Poly-1 loss (Leng et al., 2022) with class and sample weights.

    The cross-entropy plus a weighted first term of its Taylor expansion in
    :math:`1 - p_t`; with :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -\log p_t + \epsilon_1 (1 - p_t), \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    :math:`\log p_t` comes from ``log_softmax`` and :math:`1 - p_t` from
    ``-expm1(log p_t)``, finite for logits of any magnitude.

    Leng, Xu, Tan, Yang, Cheng, Shi, Bertsekas and Anguelov, "PolyLoss: A Polynomial
    Expansion Perspective of Classification Loss Functions", ICLR 2022,
    https://arxiv.org/abs/2204.12511.
    """
