"""Focal loss (Lin et al., 2017) for multi-class logits, with class and sample weights."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._validation import Interval
from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights, weighted_reduce

__all__ = ["FocalLoss", "focal_loss"]


@loss_function(
    gamma=[Interval(Real, 0, None, closed="left")],
    alpha=[Interval(Real, 0, 1, closed="both"), "array-like", None],
    example="gamma=2.0, alpha=[0.25, 0.5, 0.5]",
    parameters_doc="""\
gamma : float, default=2.0
    Focusing parameter :math:`\\gamma \\ge 0`. ``gamma=0`` (with ``alpha=None``) is
    exactly the cross-entropy; larger values down-weight well-classified rows.
alpha : float, array-like of shape (n_classes,) or None, default=None
    Balancing factor :math:`\\alpha_t`, part of the per-sample loss (not of the
    weights). ``None``: 1 for every class. A float in [0, 1]: on two classes it is
    ``alpha`` for class 1 and ``1 - alpha`` for class 0 (Lin et al.; torchvision's
    convention), on more classes the same ``alpha`` for every class (Keras'
    convention). An array-like: one non-negative factor per class.""",
)
def focal_loss(
    logits, target, sample_weight=None, *, gamma=2.0, alpha=None, weight=None, reduction="mean"
):
    """Focal loss with class and sample weights."""
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if gamma != 0:
        # 1 - p_t = -expm1(log p_t): exact near p_t = 1. The clamp keeps the gradient of
        # (1 - p_t)**gamma finite at p_t == 1 for gamma < 1 (its limit there is 0).
        one_minus_pt = (-torch.expm1(-ce)).clamp_min(torch.finfo(ce.dtype).tiny)
        loss = one_minus_pt.pow(gamma) * ce
    if isinstance(alpha, torch.Tensor):
        loss = alpha[target] * loss
    elif alpha is not None and logits.shape[1] == 2:  # alpha for class 1, 1 - alpha for 0
        alpha = float(alpha)
        loss = ((1.0 - alpha) + (2.0 * alpha - 1.0) * target.to(logits.dtype)) * loss
    elif alpha is not None:
        loss = float(alpha) * loss
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class FocalLoss(WeightedLoss, function=focal_loss):
    r"""Focal loss (Lin et al., 2017) with class and sample weights.

    With :math:`p_t = \operatorname{softmax}(z_i)_{y_i}` the probability of the true class
    and :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -\alpha_t \, (1 - p_t)^{\gamma} \log p_t, \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    :math:`\log p_t` comes from ``log_softmax`` and :math:`1 - p_t` from
    ``-expm1(log p_t)``, so logits of any magnitude give a finite loss and finite
    gradients. ``gamma=0, alpha=None`` is exactly the cross-entropy.

    Lin, Goyal, Girshick, He and Dollar, "Focal Loss for Dense Object Detection",
    ICCV 2017, https://arxiv.org/abs/1708.02002.
    """
