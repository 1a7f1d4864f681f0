"""Logit-adjusted loss / balanced softmax (Menon et al., 2021; Ren et al., 2020)."""

from __future__ import annotations

from numbers import Real

import torch
import torch.nn.functional as F

from ..utils._validation import Interval
from ._base import WeightedLoss
from ._function import loss_function
from ._per_class import from_class_counts
from ._reduction import combine_weights, weighted_reduce

__all__ = ["LogitAdjustedLoss", "logit_adjusted_loss"]


def _log_prior(counts):
    """log(n_c / sum(n)) of cleaned (zero-free, float64) counts."""
    return torch.log(counts / counts.sum())


@loss_function(
    tau=[Interval(Real, 0, None, closed="left")],
    example="class_counts=[900, 80, 20]",
    parameters_doc="""\
%(class_counts)s
tau : float, default=1.0
    Temperature :math:`\\tau \\ge 0` of the adjustment. ``tau=1`` is the balanced
    softmax; ``tau=0`` is the plain cross-entropy.""",
)
def logit_adjusted_loss(
    logits, target, sample_weight=None, *, class_counts=None, tau=1.0, weight=None,
    reduction="mean",
):
    """Logit-adjusted cross-entropy (balanced softmax at ``tau=1``)."""
    log_prior = from_class_counts(_log_prior, class_counts, like=logits)
    loss = F.cross_entropy(logits + tau * log_prior, target, reduction="none")
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class LogitAdjustedLoss(WeightedLoss, function=logit_adjusted_loss):
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

    Attributes
    ----------
    %(class_counts_buffer)s
    log_prior : Tensor of shape (n_classes,) or None
        :math:`\log \pi_c`, computed from ``class_counts``.
    """

    @property
    def log_prior(self):
        if self.class_counts is None:
            return None
        return from_class_counts(_log_prior, self.class_counts)
