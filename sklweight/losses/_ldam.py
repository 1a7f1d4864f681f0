"""Label-distribution-aware margin loss (Cao et al., 2019)."""

from __future__ import annotations

from numbers import Real

import torch

from ..utils._docstring import Substitution
from ..utils._validation import Interval
from ._autograd import margin_cross_entropy
from ._base import (
    BASE_CONSTRAINTS,
    _WeightedLoss,
    as_class_vector,
    check_class_counts,
    check_functional_call,
    class_vector_like,
    full_precision,
    missing_class_counts,
)
from ._reduction import combine_weights, weighted_reduce

__all__ = ["LDAMLoss", "ldam_loss"]

_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    "max_margin": [Interval(Real, 0, None, closed="neither")],
    "scale": [Interval(Real, 0, None, closed="neither")],
    "class_counts": ["array-like", None],
}

_LDAM_PARAMETERS = """max_margin : float, default=0.5
    Margin of the rarest class (:math:`C` in the paper); the other margins shrink
    as :math:`n_c^{-1/4}`. Must be positive.
scale : float, default=30.0
    Factor :math:`s` applied to the logits after the margin is subtracted. The paper
    pairs it with a cosine (normalised) last layer, whose logits lie in [-1, 1]; with
    an ordinary linear last layer a scale near 1 is usually the better choice.
    Must be positive."""


def _margins(counts, max_margin):
    """max_margin * (n_min / n_c) ** (1/4) of validated (zero-free, float64) counts."""
    margins = counts.pow(-0.25)
    return margins * (max_margin / margins.max())


@full_precision
def _ldam_loss(
    logits, target, sample_weight, *, margins, scale, weight, reduction, caller
):
    if margins is None:
        raise missing_class_counts(caller)
    margins = class_vector_like(margins, "class_counts", logits, caller)
    weight = class_vector_like(weight, "weight", logits, caller)
    # CE(s * (z - m_y e_y)), the margin subtracted in the scaled-logit buffer (no one-hot)
    loss = margin_cross_entropy(logits, target, margins.index_select(0, target), scale)
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@Substitution(ldam_parameters=_LDAM_PARAMETERS)
def ldam_loss(
    logits,
    target,
    sample_weight=None,
    *,
    class_counts=None,
    max_margin=0.5,
    scale=30.0,
    weight=None,
    reduction="mean",
):
    r"""Label-distribution-aware margin loss with class and sample weights.

    Functional twin of :class:`LDAMLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(class_counts)s
    %(ldam_parameters)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import ldam_loss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = ldam_loss(logits, target, class_counts=[900, 80, 20], scale=1.0)
    >>> loss.backward()
    """
    caller = "ldam_loss"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight,
        reduction=reduction, class_counts=class_counts, max_margin=max_margin, scale=scale,
    )
    counts = check_class_counts(class_counts, caller, copy=False)
    return _ldam_loss(
        logits,
        target,
        sample_weight,
        margins=None if counts is None else _margins(counts, max_margin),
        scale=scale,
        weight=weight,
        reduction=reduction,
        caller=caller,
    )


@Substitution(ldam_parameters=_LDAM_PARAMETERS)
class LDAMLoss(_WeightedLoss):
    r"""Label-distribution-aware margin loss (Cao et al., 2019).

    Each class gets a margin :math:`m_c = C \, n_c^{-1/4}`, with :math:`C` chosen so that
    the largest margin (the rarest class) equals ``max_margin``. The margin is subtracted
    from the true-class logit and the logits are multiplied by ``scale`` before the
    cross-entropy, which asks for a larger separation on rare classes. With
    :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -\log \frac{\exp(s (z_{i y_i} - m_{y_i}))}
                            {\exp(s (z_{i y_i} - m_{y_i})) + \sum_{c \ne y_i} \exp(s z_{ic})},
        \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    Pass per-class ``weight`` for the paper's deferred re-weighting (DRW) stage.

    Cao, Wei, Gaidon, Arechiga and Ma, "Learning Imbalanced Datasets with
    Label-Distribution-Aware Margin Loss", NeurIPS 2019, https://arxiv.org/abs/1906.07413.

    Parameters
    ----------
    %(class_counts)s
    %(ldam_parameters)s
    %(weight)s
    %(reduction)s

    Attributes
    ----------
    class_counts : Tensor of shape (n_classes,) or None
        Buffer: the ``class_counts`` given, as torch's losses keep their ``weight`` (in a
        classifier's ``criterion_``: the weighted training counts of the fit).
    margins : Tensor of shape (n_classes,) or None
        Buffer :math:`m_c` computed from ``class_counts``.

    Notes
    -----
    Shapes:

    %(loss_shape)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import LDAMLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> criterion = LDAMLoss(class_counts=[900, 80, 20], max_margin=0.5, scale=30.0)
    >>> loss = criterion(logits, target)
    >>> loss.backward()
    """

    requires_class_counts = True
    _parameter_constraints = _CONSTRAINTS
    _hyper_parameters = ("class_counts", "max_margin", "scale")
    _function = staticmethod(_ldam_loss)
    _function_params = ("margins", "scale")

    def __init__(
        self, *, class_counts=None, max_margin=0.5, scale=30.0, weight=None, reduction="mean"
    ):
        super().__init__(
            weight=weight,
            reduction=reduction,
            class_counts=class_counts,
            max_margin=max_margin,
            scale=scale,
        )
        self.max_margin = max_margin
        self.scale = scale
        given = as_class_vector(class_counts, "class_counts", type(self).__name__)
        self.register_buffer(
            "class_counts", None if given is None else given.to(torch.get_default_dtype())
        )
        counts = check_class_counts(given, type(self).__name__)
        margins = None if counts is None else _margins(counts, max_margin)
        self.register_buffer(
            "margins", None if margins is None else margins.to(torch.get_default_dtype())
        )
