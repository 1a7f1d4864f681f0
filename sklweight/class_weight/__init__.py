"""Class weights: strategies, per-sample weights and the ``ClassWeights`` transformer."""

from ._class_weights import ClassWeights
from ._compute import class_counts, compute_class_weight, compute_sample_weight
from ._strategies import STRATEGY_NAMES, get_strategy

__all__ = [
    "STRATEGY_NAMES",
    "ClassWeights",
    "class_counts",
    "compute_class_weight",
    "compute_sample_weight",
    "get_strategy",
]
