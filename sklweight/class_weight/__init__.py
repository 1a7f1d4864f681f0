"""Class weights: strategies, per-sample weights and the ``ClassWeights`` transformer."""

from ._class_weights import ClassWeights
from ._compute import (
    STRATEGY_NAMES,
    class_counts,
    compute_class_weight,
    compute_sample_weight,
    get_strategy,
)

__all__ = [
    "STRATEGY_NAMES",
    "ClassWeights",
    "class_counts",
    "compute_class_weight",
    "compute_sample_weight",
    "get_strategy",
]
