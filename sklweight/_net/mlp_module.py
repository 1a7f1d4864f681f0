"""The torch module behind WeightedMLPClassifier."""

from __future__ import annotations

from numbers import Integral

import torch
from torch import nn

from ..utils._validation import InvalidParameterError

__all__ = ["ACTIVATIONS", "GaussianNoise", "MLPModule", "hidden_layer_widths", "hidden_layers"]

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "identity": nn.Identity,
    "gelu": nn.GELU,
}


def hidden_layer_widths(sizes, caller):
    """``hidden_layer_sizes`` as a tuple of positive ints (an int is one hidden layer)."""
    if isinstance(sizes, Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    if not all(isinstance(n, Integral) and not isinstance(n, bool) and n >= 1 for n in sizes):
        raise InvalidParameterError(
            f"The 'hidden_layer_sizes' parameter of {caller} must be a "
            f"tuple of positive ints. Got {sizes!r} instead."
        )
    return tuple(sizes)


class GaussianNoise(nn.Module):
    """Add ``N(0, std^2)`` noise to the input in training mode; the identity in eval mode.

    The noise comes from torch's global RNG, like ``nn.Dropout``: a fit with a
    ``random_state`` forks and seeds it (``seeding.SeededFit``), so training is
    reproducible, and prediction (eval mode) is deterministic.

    Parameters
    ----------
    std : float
        Standard deviation, in the units of the input (after ``StandardScaler``: of one
        feature's standard deviation).
    """

    def __init__(self, std):
        super().__init__()
        self.std = float(std)

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102
        if not self.training or self.std == 0:
            return X
        return X + self.std * torch.randn_like(X)

    def extra_repr(self):  # noqa: D102
        return f"std={self.std}"


def hidden_layers(width, hidden_layer_sizes, activation, dropout, dtype):
    """The hidden stack of the package's MLPs: Linear, activation (and Dropout) per layer.

    Returns the list of layers and the width of the last one (``width`` when there is
    no hidden layer).
    """
    layers = []
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size, dtype=dtype), ACTIVATIONS[activation]()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = size
    return layers, width


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
    input_noise : float, default=0.0
        Standard deviation of the Gaussian noise added to the input while training
        (:class:`GaussianNoise`, first layer; 0 adds no layer).
    """

    def __init__(
        self, n_features, n_classes, hidden_layer_sizes=(100,), activation="relu",
        dropout=0.0, dtype=None, input_noise=0.0,
    ):
        layers = [GaussianNoise(input_noise)] if input_noise > 0 else []
        hidden, width = hidden_layers(n_features, hidden_layer_sizes, activation, dropout, dtype)
        layers += [*hidden, nn.Linear(width, n_classes, dtype=dtype)]
        super().__init__(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102 (nn.Sequential's)
        return super().forward(X)
