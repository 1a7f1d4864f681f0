"""The torch module behind WeightedMLPClassifier."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "MLPModule"]

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "identity": nn.Identity,
    "gelu": nn.GELU,
}


class MLPModule(nn.Sequential):
    """A multi-layer perceptron that outputs logits.

    Parameters
    ----------
    n_features : int
        Input width.
    n_classes : int
        Output width (one logit per class).
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each hidden layer; ``()`` gives a linear model.
    activation : {"relu", "tanh", "logistic", "identity", "gelu"}, default="relu"
        Non-linearity after each hidden layer.
    dropout : float, default=0.0
        Dropout probability after each hidden activation (0 adds no layer).
    dtype : torch.dtype or None, default=None
        Parameter dtype (``None``: torch's default, float32).
    """

    def __init__(
        self, n_features, n_classes, hidden_layer_sizes=(100,), activation="relu",
        dropout=0.0, dtype=None,
    ):
        layers = []
        width = n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size, dtype=dtype), ACTIVATIONS[activation]()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        layers.append(nn.Linear(width, n_classes, dtype=dtype))
        super().__init__(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102 (nn.Sequential's)
        return super().forward(X)
