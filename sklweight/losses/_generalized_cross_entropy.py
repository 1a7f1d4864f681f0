"""Generalized cross-entropy (Zhang and Sabuncu, 2018), a loss bounded for noisy labels."""

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

__all__ = ["GeneralizedCrossEntropyLoss", "generalized_cross_entropy"]

_CONSTRAINTS = {**BASE_CONSTRAINTS, "q": [Interval(Real, 0, 1, closed="both")]}

_Q = """q : float, default=0.7
    Exponent :math:`q \\in [0, 1]`. ``q=1`` is the mean absolute error
    :math:`1 - p_t` (bounded, robust to flipped labels, slow to fit); ``q -> 0`` tends
    to the cross-entropy, and ``q=0`` is exactly the cross-entropy. The paper's default
    is 0.7."""


@full_precision
def _generalized_cross_entropy(logits, target, sample_weight, *, q, weight, reduction, caller):
    weight = class_vector_like(weight, "weight", logits, caller)
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if q != 0:
        # (1 - p_t**q) / q = -expm1(q log p_t) / q: exact for small q and p_t near 1,
        # and its gradient -p_t**q d(log p_t) stays finite for any logits
        loss = torch.expm1(-q * ce) / -q
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@Substitution(q=_Q)
def generalized_cross_entropy(
    logits, target, sample_weight=None, *, q=0.7, weight=None, reduction="mean"
):
    r"""Generalized cross-entropy with class and sample weights.

    Functional twin of :class:`GeneralizedCrossEntropyLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(q)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import generalized_cross_entropy
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = generalized_cross_entropy(logits, target, q=0.7)
    >>> loss.backward()
    """
    caller = "generalized_cross_entropy"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight,
        reduction=reduction, q=q,
    )
    return _generalized_cross_entropy(
        logits, target, sample_weight, q=q, weight=weight, reduction=reduction, caller=caller
    )


@Substitution(q=_Q)
class GeneralizedCrossEntropyLoss(_WeightedLoss):
    r"""Generalized cross-entropy (Zhang and Sabuncu, 2018) with class and sample weights.

    The negative Box-Cox transform of the probability of the given label, between the
    cross-entropy (:math:`q \to 0`) and the mean absolute error (:math:`q = 1`); with
    :math:`p_t = \operatorname{softmax}(z_i)_{y_i}` and :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = \frac{1 - p_t^{\,q}}{q}, \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    The loss is bounded by :math:`1/q`, so a row whose label is wrong (a small
    :math:`p_t`) cannot dominate the objective as it does under the cross-entropy, and
    its gradient :math:`-p_t^{\,q} \, \nabla \log p_t` weights each row by its own
    confidence. It is computed as ``-expm1(q * log p_t) / q`` from ``log_softmax``: finite
    for logits of any magnitude, exact for small ``q``.

    Zhang and Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks
    with Noisy Labels", NeurIPS 2018, https://arxiv.org/abs/1805.07836.

    Parameters
    ----------
    %(q)s
    %(weight)s
    %(reduction)s

    Notes
    -----
    Shapes:

    %(loss_shape)s

    See Also
    --------
    SymmetricCrossEntropyLoss : The other noise-robust loss: cross-entropy plus a bounded
        reverse term.

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import GeneralizedCrossEntropyLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> confidence = torch.tensor([1.0, 1.0, 0.2, 1.0, 0.2, 1.0])
    >>> criterion = GeneralizedCrossEntropyLoss(q=0.7, weight=[0.5, 2.0, 2.0])
    >>> loss = criterion(logits, target, sample_weight=confidence)
    >>> loss.backward()
    """

    _parameter_constraints = _CONSTRAINTS
    _hyper_parameters = ("q",)
    _function = staticmethod(_generalized_cross_entropy)

    def __init__(self, *, q=0.7, weight=None, reduction="mean"):
        super().__init__(weight=weight, reduction=reduction, q=q)
        self.q = q
