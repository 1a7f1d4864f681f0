"""sklweight: scikit-learn compatible PyTorch classifiers for imbalanced and noisy data.

The classifiers take ``class_weight``, per-sample weights in
``fit(X, y, sample_weight)``, a weighted sampler and pluggable losses
(:mod:`sklweight.losses`), and behave like scikit-learn classifiers in ``Pipeline``,
``GridSearchCV`` and cross-validation.
"""

from . import exceptions, recipes
from ._version import __version__
from .class_weight import ClassWeights, compute_class_weight, compute_sample_weight
from .classifier import WeightedNeuralNetClassifier
from .exceptions import DivergenceWarning, NonFiniteLossError
from .io import load, save
from .mlp import WeightedMLPClassifier
from .posthoc import TunedPosthocTauClassifierCV
from .quality import LabelQualityWeights, QualityWeightedClassifier

__all__ = [
    "ClassWeights",
    "DivergenceWarning",
    "LabelQualityWeights",
    "NonFiniteLossError",
    "QualityWeightedClassifier",
    "TunedPosthocTauClassifierCV",
    "WeightedMLPClassifier",
    "WeightedNeuralNetClassifier",
    "__version__",
    "compute_class_weight",
    "compute_sample_weight",
    "exceptions",
    "load",
    "recipes",
    "save",
]
