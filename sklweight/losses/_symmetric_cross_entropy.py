"""Symmetric cross-entropy (Wang et al., 2019): cross-entropy plus a bounded reverse term."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._validation import Interval
from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights, weighted_reduce

__all__ = ["SymmetricCrossEntropyLoss", "symmetric_cross_entropy_loss"]


@loss_function(
    alpha=[Interval(Real, 0, None, closed="left")],
    beta=[Interval(Real, 0, None, closed="left")],
    log_zero=[Interval(Real, None, 0, closed="neither")],
    example="alpha=0.1, beta=1.0",
    parameters_doc="""\
alpha : float, default=0.1
    Coefficient :math:`\\alpha \\ge 0` of the cross-entropy term (the paper's value
    for CIFAR-10). ``alpha=1, beta=0`` is exactly the cross-entropy.
beta : float, default=1.0
    Coefficient :math:`\\beta \\ge 0` of the reverse cross-entropy term.
log_zero : float, default=-4.0
    The value :math:`A < 0` that :math:`\\log 0` is clipped to in the reverse
    cross-entropy (the paper's choice is -4); the reverse term is
    :math:`-A (1 - p_t)`, bounded by :math:`-A`.""",
)
def symmetric_cross_entropy_loss(
    logits, target, sample_weight=None, *, alpha=0.1, beta=1.0, log_zero=-4.0, weight=None,
    reduction="mean",
):
    """Symmetric cross-entropy with class and sample weights."""
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    # reverse CE = -sum_k p_k log onehot_k = -A sum_{k != t} p_k = -A (1 - p_t), and
    # 1 - p_t = -expm1(log p_t), exact near p_t = 1
    loss = torch.expm1(-ce) * (beta * log_zero)
    if alpha != 0:
        loss = loss + alpha * ce
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class SymmetricCrossEntropyLoss(WeightedLoss, function=symmetric_cross_entropy_loss):
    r"""Symmetric cross-entropy (Wang et al., 2019) with class and sample weights.

    The cross-entropy :math:`H(y, p)` plus the reverse cross-entropy :math:`H(p, y)`,
    in which the one-hot label plays the prediction's part and :math:`\log 0` is clipped
    to :math:`A`. With :math:`p_t = \operatorname{softmax}(z_i)_{y_i}` and
    :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -\alpha \log p_t \; - \; \beta \sum_k p_k \log \tilde y_k
               = -\alpha \log p_t \; - \; \beta A \, (1 - p_t), \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    The reverse term is bounded (a mean absolute error scaled by :math:`-A`), so it
    resists flipped labels, while the small cross-entropy term keeps the fit fast.
    :math:`\log p_t` comes from ``log_softmax`` and :math:`1 - p_t` from
    ``-expm1(log p_t)``, finite for logits of any magnitude.

    Wang, Ma, Chen, Luo, Yi and Bailey, "Symmetric Cross Entropy for Robust Learning with
    Noisy Labels", ICCV 2019, https://arxiv.org/abs/1908.06112.

    See Also
    --------
    GeneralizedCrossEntropyLoss : The other noise-robust loss, between cross-entropy and
        the mean absolute error.
    """
