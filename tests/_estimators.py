"""Small estimators and data shared by the error and training-control tests."""

import pytest
import torch

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier

N_FEATURES, N_CLASSES = 4, 3


def mlp(**kwargs):
    params = {"hidden_layer_sizes": (8,), "max_epochs": 5, "lr": 1e-2, "random_state": 0}
    return WeightedMLPClassifier(**{**params, **kwargs})


def net(**kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": N_FEATURES,
        "module__out_features": N_CLASSES, "max_epochs": 5, "lr": 0.1,
        "train_split": None, "random_state": 0, "verbose": 0,
    }
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


both = pytest.mark.parametrize("make", [mlp, net], ids=["mlp", "net"])


def _raised(fit):
    with pytest.raises(Exception) as info:  # noqa: B017 (the reference's own error)
        fit()
    return info.value
