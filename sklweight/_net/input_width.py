"""The module's input width against X's number of features.

A user's module built for another number of features fails inside torch with "mat1 and
mat2 shapes cannot be multiplied (50x4 and 5x3)". Two checks, neither costs anything per
batch:

* :func:`check_input_width`, once per fit: when the layer that first sees X is known
  without running the module (an ``nn.Linear``, or an ``nn.Sequential`` whose first layer
  with a shape is one, after dropout, activations and other shape-keeping layers);
* :func:`input_width_error`, only when a forward pass raised: torch's shape error
  translated when its left matrix has X's width.
"""

from __future__ import annotations

import re

import numpy as np
import torch
from torch import nn
from torch.nn.parameter import is_lazy

from .mlp_module import GaussianNoise

__all__ = ["check_input_width", "input_width_error"]

# layers that keep the shape of their input (what X goes through before the first Linear)
_SHAPE_KEEPING = (
    nn.Identity, GaussianNoise, nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d,
    nn.AlphaDropout, nn.FeatureAlphaDropout,
)
_MATMUL = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)")


def _keeps_shape(layer):
    if isinstance(layer, _SHAPE_KEEPING):
        return True
    # element-wise activations (ReLU, GELU, PReLU, ...); MultiheadAttention lives there too
    return (
        type(layer).__module__ == "torch.nn.modules.activation"
        and not isinstance(layer, (nn.MultiheadAttention, nn.Softmax2d))
    )


def _first_layer(module):
    """The ``nn.Linear`` that first sees X, or None when that cannot be known."""
    if isinstance(module, nn.Linear):
        return None if is_lazy(module.weight) else module
    if isinstance(module, nn.Sequential):
        for layer in module:
            if not _keeps_shape(layer):
                return _first_layer(layer)
    return None


def _message(caller, n_features, expected, where):
    return (
        f"{caller}: X has {n_features} features but {where} expects {expected} inputs. "
        f"Build the module for {n_features} features (e.g. module__in_features={n_features} "
        "for torch.nn.Linear) or pass X with the columns the module was built for."
    )


def check_input_width(module, X, caller):
    """Raise ``ValueError`` when the module's first layer does not take X's width.

    Parameters
    ----------
    module : torch.nn.Module
        The initialised module.
    X : ndarray or Tensor
        The training input (other inputs, e.g. dicts, are not checked).
    caller : str
        Estimator name shown in the message.
    """
    if not isinstance(X, (torch.Tensor, np.ndarray)) or X.ndim != 2:
        return
    layer = _first_layer(module)
    if layer is not None and layer.in_features != X.shape[1]:
        raise ValueError(
            _message(caller, X.shape[1], layer.in_features, f"the module's first layer ({layer})")
        )


def input_width_error(exc, X, caller):
    """torch's matmul shape error as a ``ValueError`` naming both widths, or None when it
    is not about X (the left matrix does not have X's width)."""
    match = _MATMUL.search(str(exc))
    if match is None or not isinstance(X, torch.Tensor) or X.ndim != 2:
        return None
    width, expected = int(match.group(2)), int(match.group(3))
    if width != X.shape[1] or width == expected:
        return None
    return ValueError(_message(caller, width, expected, "a linear layer of the module"))
