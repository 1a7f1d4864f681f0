"""Label-smoothing cross-entropy (Szegedy et al., 2016) with class and sample weights."""

from __future__ import annotations

from numbers import Real

import torch.nn.functional as F

from ..utils._validation import Interval
from ._autograd import smoothed_cross_entropy
from ._base import WeightedLoss
from ._function import loss_function
from ._per_class import LossArgumentError
from ._reduction import combine_weights, weighted_reduce

__all__ = ["LabelSmoothingLoss", "label_smoothing_loss"]


@loss_function(
    smoothing=[Interval(Real, 0, 1, closed="left")],
    example="smoothing=0.1",
    parameters_doc="""\
smoothing : float, default=0.1
    Probability mass :math:`\\varepsilon` taken from the true class and spread evenly
    over the other :math:`K - 1` classes. Valid for
    :math:`0 \\le \\varepsilon \\le (K - 1) / K` (uniform targets at the top); a larger
    value is a ``ValueError`` naming K when the loss is called.""",
)
def label_smoothing_loss(
    logits, target, sample_weight=None, *, smoothing=0.1, weight=None, reduction="mean"
):
    """Label-smoothing cross-entropy with class and sample weights."""
    n_classes = logits.shape[1]
    limit = (n_classes - 1) / n_classes
    if smoothing > limit + 1e-12:
        raise LossArgumentError(
            "smoothing",
            f"at most (K - 1) / K = {limit:.6g} for logits with K={n_classes} classes "
            "(uniform targets)",
            smoothing,
            "Above it the true class would get less probability than the others.",
        )
    # eps on the other K-1 classes = torch's label_smoothing=eps*K/(K-1) spread on all K.
    if smoothing:
        torch_smoothing = min(smoothing * n_classes / (n_classes - 1), 1.0)
        loss = smoothed_cross_entropy(logits, target, torch_smoothing)
    else:
        loss = F.cross_entropy(logits, target, reduction="none")
    return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)


class LabelSmoothingLoss(WeightedLoss, function=label_smoothing_loss):
    r"""Label-smoothing cross-entropy (Szegedy et al., 2016) with class and sample weights.

    The target distribution puts :math:`1 - \varepsilon` on the true class and
    :math:`\varepsilon / (K - 1)` on each other class; with :math:`\log p` from
    ``log_softmax`` and :math:`w_i = s_i \, c_{y_i}`:

    .. math::

        \ell_i = -(1 - \varepsilon) \log p_{i y_i}
                 - \frac{\varepsilon}{K - 1} \sum_{c \ne y_i} \log p_{ic}, \qquad
        \mathcal{L}_\text{mean} = \frac{\sum_i w_i \ell_i}{\sum_i w_i}.

    This equals torch's ``F.cross_entropy(label_smoothing=eps * K / (K - 1))`` without
    weights. Unlike torch's ``weight=`` together with ``label_smoothing=``, a weight here
    multiplies the whole per-sample loss (the smoothing term included).

    Szegedy, Vanhoucke, Ioffe, Shlens and Wojna, "Rethinking the Inception Architecture
    for Computer Vision", CVPR 2016, https://arxiv.org/abs/1512.00567.
    """
