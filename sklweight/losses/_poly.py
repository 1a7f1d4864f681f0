"""Poly-1 loss (Leng et al., 2022) with class and sample weights."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._docstring import Substitution
from ..utils._validation import Interval
from ._base import (
    BASE_CONSTRAINTS,
    _WeightedLoss,
    check_functional_call,
    class_vector_like,
    full_precision,
)
from ._reduction import combine_weights, weighted_reduce

__all__ = ["PolyLoss", "poly_loss"]

_CONSTRAINTS = {**BASE_CONSTRAINTS, "epsilon": [Interval(Real, -1, None, closed="left")]}

_EPSILON = """epsilon : float, default=1.0
    Coefficient :math:`\\epsilon_1 \\ge -1` of the first polynomial term. ``0`` is
    the cross-entropy; :math:`\\epsilon_1 \\ge -1` keeps the loss decreasing in
    :math:`p_t`."""


@full_precision
def _poly_loss(logits, target, sample_weight, *, epsilon, weight, reduction, caller):
    weight = class_vector_like(weight, "weight", logits, caller)
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if epsilon != 0:
        loss = ce - epsilon * torch.expm1(-ce)  # 1 - p_t = -expm1(log p_t)
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@Substitution(epsilon=_EPSILON)
def poly_loss(logits, target, sample_weight=None, *, epsilon=1.0, weight=None, reduction="mean"):
    r"""Poly-1 loss with class and sample weights.

    Functional twin of :class:`PolyLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(epsilon)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import poly_loss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = poly_loss(logits, target, epsilon=1.0)
    >>> loss.backward()
    """
    caller = "poly_loss"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight,
        reduction=reduction, epsilon=epsilon,
    )
    return _poly_loss(
        logits,
        target,
        sample_weight,
        epsilon=epsilon,
        weight=weight,
        reduction=reduction,
        caller=caller,
    )


@Substitution(epsilon=_EPSILON)
class PolyLoss(_WeightedLoss):
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

    Parameters
    ----------
    %(epsilon)s
    %(weight)s
    %(reduction)s

    Notes
    -----
    Shapes:

    %(loss_shape)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import PolyLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> confidence = torch.tensor([1.0, 1.0, 0.2, 1.0, 0.2, 1.0])
    >>> criterion = PolyLoss(epsilon=1.0, weight=[0.5, 2.0, 2.0])
    >>> loss = criterion(logits, target, sample_weight=confidence)
    >>> loss.backward()
    """

    _parameter_constraints = _CONSTRAINTS
    _hyper_parameters = ("epsilon",)
    _function = staticmethod(_poly_loss)

    def __init__(self, *, epsilon=1.0, weight=None, reduction="mean"):
        super().__init__(weight=weight, reduction=reduction, epsilon=epsilon)
        self.epsilon = epsilon
