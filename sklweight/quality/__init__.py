"""Labels of unknown quality: per-row quality weights estimated out of fold.

* :class:`LabelQualityWeights` -- for every training row, how much its given label is to
  be trusted, from the predicted probabilities of models that never saw that row's label
  (self-confidence, or the confident-learning rule of Northcutt et al., 2021).
* :class:`QualityWeightedClassifier` -- a meta-estimator that estimates those weights on
  the rows it is fitted on (inside each CV fold) and fits a classifier with them.
"""

from ._label_quality_weights import LabelQualityWeights
from ._quality_weighted_classifier import QualityWeightedClassifier

__all__ = ["LabelQualityWeights", "QualityWeightedClassifier"]
