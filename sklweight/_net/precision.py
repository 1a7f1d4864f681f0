"""Mixed precision: the ``precision`` parameter as an autocast context and a grad scaler.

``precision="bf16"`` or ``"fp16"`` runs the forward pass and the loss under
``torch.autocast`` with that dtype; the backward pass runs outside it, and ``"fp16"``
scales the loss with a ``torch.amp.GradScaler``. The sklweight losses compute in float32
inside autocast (``losses/_base.py``).
"""

from __future__ import annotations

import contextlib

import torch

__all__ = ["PRECISIONS", "autocast", "device_type", "grad_scaler"]

# the values of ``precision``: autocast dtypes
PRECISIONS = {"bf16": torch.bfloat16, "fp16": torch.float16}


def device_type(net):
    """The type of the net's device (``"cpu"`` when it has none)."""
    return torch.device(net.device).type if net.device is not None else "cpu"


def autocast(net):
    """The autocast context of the net's ``precision`` (a no-op context for None)."""
    precision = getattr(net, "precision", None)
    if precision is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type(net), dtype=PRECISIONS[precision])


def grad_scaler(net):
    """The net's ``GradScaler`` with ``precision="fp16"`` (one per device), else None."""
    if getattr(net, "precision", None) != "fp16":
        return None
    device = device_type(net)
    device_scaler = getattr(net, "_scaler", None)
    if device_scaler is None or device_scaler[0] != device:
        device_scaler = net._scaler = (device, torch.amp.GradScaler(device))
    return device_scaler[1]
