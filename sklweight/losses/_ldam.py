"""Label-distribution-aware margin loss (Cao et al., 2019)."""

from __future__ import annotations

from numbers import Real

from ..utils._validation import Interval
from ._autograd import margin_cross_entropy
from ._base import WeightedLoss
from ._function import loss_function
from ._per_class import from_class_counts
from ._reduction import combine_weights, weighted_reduce

__all__ = ["LDAMLoss", "ldam_loss"]


def _margins(counts, max_margin):
    """max_margin * (n_min / n_c) ** (1/4) of cleaned (zero-free, float64) counts."""
    margins = counts.pow(-0.25)
    return margins * (max_margin / margins.max())


@loss_function(
    max_margin=[Interval(Real, 0, None, closed="neither")],
    scale=[Interval(Real, 0, None, closed="neither")],
    example="class_counts=[900, 80, 20], scale=1.0",
    parameters_doc="""\
%(class_counts)s
max_margin : float, default=0.5
    Margin of the rarest class (:math:`C` in the paper); the other margins shrink
    as :math:`n_c^{-1/4}`. Must be positive.
scale : float, default=30.0
    Factor :math:`s` applied to the logits after the margin is subtracted. The paper
    pairs it with a cosine (normalised) last layer, whose logits lie in [-1, 1]; with
    an ordinary linear last layer a scale near 1 is usually the better choice.
    Must be positive.""",
)
def ldam_loss(
    logits, target, sample_weight=None, *, class_counts=None, max_margin=0.5, scale=30.0,
    weight=None, reduction="mean",
):
    """Label-distribution-aware margin loss with class and sample weights."""
    margins = from_class_counts(_margins, class_counts, max_margin, like=logits)
    # CE(s * (z - m_y e_y)), the margin subtracted in the scaled-logit buffer (no one-hot)
    loss = margin_cross_entropy(logits, target, margins.index_select(0, target), scale)
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class LDAMLoss(WeightedLoss, function=ldam_loss):
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

    Attributes
    ----------
    %(class_counts_buffer)s
    margins : Tensor of shape (n_classes,) or None
        The margins :math:`m_c`, computed from ``class_counts``.
    """

    @property
    def margins(self):
        if self.class_counts is None:
            return None
        return from_class_counts(_margins, self.class_counts, self.max_margin)
