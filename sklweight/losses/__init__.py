"""Weighted classification losses: each a ``torch.nn.Module`` and a function twin.

Every loss takes per-class ``weight`` and per-sample ``sample_weight``, combined as
``w_i = sample_weight_i * weight[target_i]`` and reduced by
:func:`sklweight.losses._reduction.weighted_reduce` (``"mean"`` = ``sum(w l) / sum(w)``).
"""

from __future__ import annotations

from ._cross_entropy import WeightedCrossEntropyLoss, weighted_cross_entropy
from ._focal import FocalLoss, focal_loss
from ._generalized_cross_entropy import GeneralizedCrossEntropyLoss, generalized_cross_entropy
from ._label_smoothing import LabelSmoothingLoss, label_smoothing_loss
from ._ldam import LDAMLoss, ldam_loss
from ._logit_adjusted import LogitAdjustedLoss, logit_adjusted_loss
from ._poly import PolyLoss, poly_loss
from ._registry import LOSSES, get_loss
from ._soft_f1 import SoftF1Loss, soft_f1_loss
from ._symmetric_cross_entropy import SymmetricCrossEntropyLoss, symmetric_cross_entropy

__all__ = [
    "LOSSES",
    "FocalLoss",
    "GeneralizedCrossEntropyLoss",
    "LDAMLoss",
    "LabelSmoothingLoss",
    "LogitAdjustedLoss",
    "PolyLoss",
    "SoftF1Loss",
    "SymmetricCrossEntropyLoss",
    "WeightedCrossEntropyLoss",
    "focal_loss",
    "generalized_cross_entropy",
    "get_loss",
    "label_smoothing_loss",
    "ldam_loss",
    "logit_adjusted_loss",
    "poly_loss",
    "soft_f1_loss",
    "symmetric_cross_entropy",
    "weighted_cross_entropy",
]
