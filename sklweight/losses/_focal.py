"""Focal loss (Lin et al., 2017) for multi-class logits, with class and sample weights."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._docstring import Substitution
from ..utils._validation import Interval
from ._base import (
    BASE_CONSTRAINTS,
    _WeightedLoss,
    as_class_vector,
    check_functional_call,
    class_vector_like,
    full_precision,
)
from ._reduction import combine_weights, weighted_reduce

__all__ = ["FocalLoss", "focal_loss"]

_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    "gamma": [Interval(Real, 0, None, closed="left")],
    "alpha": [Interval(Real, 0, 1, closed="both"), "array-like", None],
}

_FOCAL_PARAMETERS = """gamma : float, default=2.0
    Focusing parameter :math:`\\gamma \\ge 0`. ``gamma=0`` (with ``alpha=None``) is
    exactly the cross-entropy; larger values down-weight well-classified rows.
alpha : float, array-like of shape (n_classes,) or None, default=None
    Balancing factor :math:`\\alpha_t`, part of the per-sample loss (not of the
    weights). ``None``: 1 for every class. A float in [0, 1]: on two classes it is
    ``alpha`` for class 1 and ``1 - alpha`` for class 0 (Lin et al.; torchvision's
    convention), on more classes the same ``alpha`` for every class (Keras'
    convention). An array-like: one non-negative factor per class."""


def _alpha_t(alpha, target, logits, caller):
    if alpha is None:
        return None
    if isinstance(alpha, torch.Tensor):
        return class_vector_like(alpha, "alpha", logits, caller)[target]
    alpha = float(alpha)
    if logits.shape[1] == 2:  # alpha for class 1, 1 - alpha for class 0; no new tensor
        return (1.0 - alpha) + (2.0 * alpha - 1.0) * target.to(logits.dtype)
    return alpha


@full_precision
def _focal_loss(logits, target, sample_weight, *, gamma, alpha, weight, reduction, caller):
    weight = class_vector_like(weight, "weight", logits, caller)
    alpha_t = _alpha_t(alpha, target, logits, caller)
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if gamma != 0:
        # 1 - p_t = -expm1(log p_t): exact near p_t = 1. The clamp keeps the gradient of
        # (1 - p_t)**gamma finite at p_t == 1 for gamma < 1 (its limit there is 0).
        one_minus_pt = (-torch.expm1(-ce)).clamp_min(torch.finfo(ce.dtype).tiny)
        loss = one_minus_pt.pow(gamma) * ce
    if alpha_t is not None:
        loss = alpha_t * loss
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@Substitution(focal_parameters=_FOCAL_PARAMETERS)
def focal_loss(
    logits, target, sample_weight=None, *, gamma=2.0, alpha=None, weight=None, reduction="mean"
):
    r"""Focal loss with class and sample weights.

    Functional twin of :class:`FocalLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(focal_parameters)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import focal_loss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = focal_loss(logits, target, gamma=2.0, alpha=[0.25, 0.5, 0.5])
    >>> loss.backward()
    """
    caller = "focal_loss"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight,
        reduction=reduction, gamma=gamma, alpha=alpha,
    )
    if alpha is not None and not isinstance(alpha, Real):
        alpha = as_class_vector(alpha, "alpha", caller, copy=False)
    return _focal_loss(
        logits,
        target,
        sample_weight,
        gamma=gamma,
        alpha=alpha,
        weight=weight,
        reduction=reduction,
        caller=caller,
    )


@Substitution(focal_parameters=_FOCAL_PARAMETERS)
class FocalLoss(_WeightedLoss):
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

    Parameters
    ----------
    %(focal_parameters)s
    %(weight)s
    %(reduction)s

    Notes
    -----
    Shapes:

    %(loss_shape)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import FocalLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> confidence = torch.tensor([1.0, 1.0, 0.2, 1.0, 0.2, 1.0])
    >>> criterion = FocalLoss(gamma=2.0, weight=[0.5, 2.0, 2.0])
    >>> loss = criterion(logits, target, sample_weight=confidence)
    >>> loss.backward()
    """

    _parameter_constraints = _CONSTRAINTS
    _hyper_parameters = ("gamma", "alpha")
    _function = staticmethod(_focal_loss)

    def __init__(self, *, gamma=2.0, alpha=None, weight=None, reduction="mean"):
        super().__init__(weight=weight, reduction=reduction, gamma=gamma, alpha=alpha)
        self.gamma = gamma
        if alpha is None or isinstance(alpha, Real):
            self.alpha = alpha
        else:  # a per-class vector travels with the module, like ``weight``
            self.register_buffer("alpha", as_class_vector(alpha, "alpha", type(self).__name__))
