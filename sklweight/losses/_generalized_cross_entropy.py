"""Generalized cross-entropy (Zhang and Sabuncu, 2018), a loss bounded for noisy labels."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._validation import Interval
from ._base import WeightedLoss
from ._function import loss_function
from ._reduction import combine_weights, weighted_reduce

__all__ = ["GeneralizedCrossEntropyLoss", "generalized_cross_entropy_loss"]


@loss_function(
    q=[Interval(Real, 0, 1, closed="both")],
    example="q=0.7",
    parameters_doc="""\
q : float, default=0.7
    Exponent :math:`q \\in [0, 1]`. ``q=1`` is the mean absolute error
    :math:`1 - p_t` (bounded, robust to flipped labels, slow to fit); ``q -> 0`` tends
    to the cross-entropy, and ``q=0`` is exactly the cross-entropy. The paper's default
    is 0.7.""",
)
def generalized_cross_entropy_loss(
    logits, target, sample_weight=None, *, q=0.7, weight=None, reduction="mean"
):
    """Generalized cross-entropy with class and sample weights."""
    ce = F.cross_entropy(logits, target, reduction="none")  # -log p_t, from log_softmax
    loss = ce
    if q != 0:
        # (1 - p_t**q) / q = -expm1(q log p_t) / q: exact for small q and p_t near 1,
        # and its gradient -p_t**q d(log p_t) stays finite for any logits
        loss = torch.expm1(-q * ce) / -q
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class GeneralizedCrossEntropyLoss(WeightedLoss, function=generalized_cross_entropy_loss):
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

    See Also
    --------
    SymmetricCrossEntropyLoss : The other noise-robust loss: cross-entropy plus a bounded
        reverse term.
    """
