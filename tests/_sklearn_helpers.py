"""Small estimators shared by the integration and metadata-routing tests."""

import numpy as np
import torch
from sklearn.model_selection import StratifiedKFold

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier

CV = StratifiedKFold(3, shuffle=True, random_state=0)


def mlp(**kwargs):
    params = {"hidden_layer_sizes": (8,), "max_epochs": 10, "lr": 1e-2, "random_state": 0}
    return WeightedMLPClassifier(**{**params, **kwargs})


def linear_net(n_features=4, n_classes=3, **kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": n_features,
        "module__out_features": n_classes, "max_epochs": 10, "lr": 0.1,
        "train_split": None, "random_state": 0, "verbose": 0,
    }
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


def quality_weights(y, seed=0):
    """Per-row confidences in [0.2, 1] (uneven quality, docs/user_guide/data_quality.rst)."""
    return np.random.RandomState(seed).uniform(0.2, 1.0, size=len(y))
