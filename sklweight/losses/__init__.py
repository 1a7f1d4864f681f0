"""Weighted classification losses: each a function and a ``torch.nn.Module`` that calls it.

Every loss takes per-class ``weight`` and per-sample ``sample_weight``, combined as
``w_i = sample_weight_i * weight[target_i]`` (:func:`combine_weights`) and reduced by
:func:`weighted_reduce` (``"mean"`` = ``sum(w l) / sum(w)``). A function ``<name>_loss``
is declared by :func:`loss_function` and its Module ``<Name>Loss`` derives from
:class:`WeightedLoss`; the user guide shows how to write one (:ref:`losses`).
"""

from __future__ import annotations

from ._base import WeightedLoss
from ._cross_entropy import WeightedCrossEntropyLoss, weighted_cross_entropy_loss
from ._focal import FocalLoss, focal_loss
from ._function import loss_function
from ._generalized_cross_entropy import (
    GeneralizedCrossEntropyLoss,
    generalized_cross_entropy_loss,
)
from ._label_smoothing import LabelSmoothingLoss, label_smoothing_loss
from ._ldam import LDAMLoss, ldam_loss
from ._logit_adjusted import LogitAdjustedLoss, logit_adjusted_loss
from ._poly import PolyLoss, poly_loss
from ._reduction import combine_weights, weighted_reduce
from ._registry import LOSSES, get_loss
from ._soft_f1 import SoftF1Loss, soft_f1_loss
from ._symmetric_cross_entropy import SymmetricCrossEntropyLoss, symmetric_cross_entropy_loss

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
    "WeightedLoss",
    "combine_weights",
    "focal_loss",
    "generalized_cross_entropy_loss",
    "get_loss",
    "label_smoothing_loss",
    "ldam_loss",
    "logit_adjusted_loss",
    "loss_function",
    "poly_loss",
    "soft_f1_loss",
    "symmetric_cross_entropy_loss",
    "weighted_cross_entropy_loss",
    "weighted_reduce",
]
