"""Class weights: strategies, per-sample weights and the ``ClassWeights`` transformer."""

from ._class_weights import ClassWeights
from ._compute import compute_class_weight, compute_sample_weight

__all__ = [
    "ClassWeights",
    "compute_class_weight",
    "compute_sample_weight",
]
