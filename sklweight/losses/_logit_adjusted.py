"""Logit-adjusted loss / balanced softmax (Menon et al., 2021; Ren et al., 2020)."""

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
    check_class_counts,
    check_functional_call,
    class_vector_like,
    full_precision,
    missing_class_counts,
)
from ._reduction import combine_weights, weighted_reduce

__all__ = ["LogitAdjustedLoss", "logit_adjusted_loss"]

_CONSTRAINTS = {
    **BASE_CONSTRAINTS,
    "tau": [Interval(Real, 0, None, closed="left")],
    "class_counts": ["array-like", None],
}

_TAU = """tau : float, default=1.0
    Temperature :math:`\\tau \\ge 0` of the adjustment. ``tau=1`` is the balanced
    softmax; ``tau=0`` is the plain cross-entropy."""


def _log_prior(counts):
    """log(n_c / sum(n)) of validated (zero-free, float64) counts."""
    return torch.log(counts / counts.sum())


@full_precision
def _logit_adjusted_loss(
    logits, target, sample_weight, *, tau, log_prior, weight, reduction, caller
):
    if log_prior is None:
        raise missing_class_counts(caller)
    log_prior = class_vector_like(log_prior, "class_counts", logits, caller)
    weight = class_vector_like(weight, "weight", logits, caller)
    loss = F.cross_entropy(logits + tau * log_prior, target, reduction="none")
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


@Substitution(tau=_TAU)
def logit_adjusted_loss(
    logits,
    target,
    sample_weight=None,
    *,
    class_counts=None,
    tau=1.0,
    weight=None,
    reduction="mean",
):
    r"""Logit-adjusted cross-entropy (balanced softmax at ``tau=1``).

    Functional twin of :class:`LogitAdjustedLoss`; see it for the formula.

    Parameters
    ----------
    %(logits)s
    %(target)s
    %(loss_sample_weight)s
    %(class_counts)s
    %(tau)s
    %(weight)s
    %(reduction)s

    %(loss_returns)s

    %(loss_checks)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import logit_adjusted_loss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> loss = logit_adjusted_loss(logits, target, class_counts=[900, 80, 20])
    >>> loss.backward()
    """
    caller = "logit_adjusted_loss"
    weight = check_functional_call(
        caller, _CONSTRAINTS, logits, target, sample_weight, weight=weight,
        reduction=reduction, class_counts=class_counts, tau=tau,
    )
    counts = check_class_counts(class_counts, caller, copy=False)
    return _logit_adjusted_loss(
        logits,
        target,
        sample_weight,
        tau=tau,
        log_prior=None if counts is None else _log_prior(counts),
        weight=weight,
        reduction=reduction,
        caller=caller,
    )


@Substitution(tau=_TAU)
class LogitAdjustedLoss(_WeightedLoss):
    r"""Logit-adjusted cross-entropy (Menon et al., 2021); balanced softmax at ``tau=1``.

    The training prior :math:`\pi_c = n_c / \sum_k n_k` is added to the logits before the
    cross-entropy, so the network learns scores that are not biased toward the frequent
    classes; predicting with the raw logits then targets the balanced error. With
    :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -\log \frac{\exp(z_{i y_i} + \tau \log \pi_{y_i})}
                            {\sum_c \exp(z_{ic} + \tau \log \pi_c)}, \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    Menon, Jayasumana, Rawat, Jain, Veit and Kumar, "Long-tail learning via logit
    adjustment", ICLR 2021, https://arxiv.org/abs/2007.07314. Ren, Yu, Sheng, Zhao, Yi and
    Li, "Balanced Meta-Softmax for Long-Tailed Visual Recognition", NeurIPS 2020,
    https://arxiv.org/abs/2007.10740.

    Parameters
    ----------
    %(class_counts)s
    %(tau)s
    %(weight)s
    %(reduction)s

    Attributes
    ----------
    class_counts : Tensor of shape (n_classes,) or None
        Buffer: the ``class_counts`` given, as torch's losses keep their ``weight`` (in a
        classifier's ``criterion_``: the weighted training counts of the fit).
    log_prior : Tensor of shape (n_classes,) or None
        Buffer :math:`\log \pi_c` computed from ``class_counts``.

    Notes
    -----
    Shapes:

    %(loss_shape)s

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import LogitAdjustedLoss
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> target = torch.tensor([0, 1, 2, 0, 0, 0])
    >>> criterion = LogitAdjustedLoss(class_counts=[900, 80, 20], tau=1.0)
    >>> loss = criterion(logits, target)
    >>> loss.backward()
    """

    requires_class_counts = True
    _parameter_constraints = _CONSTRAINTS
    _hyper_parameters = ("class_counts", "tau")
    _function = staticmethod(_logit_adjusted_loss)
    _function_params = ("tau", "log_prior")

    def __init__(self, *, class_counts=None, tau=1.0, weight=None, reduction="mean"):
        super().__init__(weight=weight, reduction=reduction, class_counts=class_counts, tau=tau)
        self.tau = tau
        given = as_class_vector(class_counts, "class_counts", type(self).__name__)
        self.register_buffer(
            "class_counts", None if given is None else given.to(torch.get_default_dtype())
        )
        counts = check_class_counts(given, type(self).__name__)
        log_prior = None if counts is None else _log_prior(counts).to(torch.get_default_dtype())
        self.register_buffer("log_prior", log_prior)
