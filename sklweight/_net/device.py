"""The ``device`` parameter, checked against this machine before a fit starts.

Without the check, torch fails deep inside the fit (``AssertionError: Torch not compiled
with CUDA enabled`` from the RNG fork, or a lazy-initialisation error) with no word on
what to change.
"""

from __future__ import annotations

import torch

from ..utils._validation import format_param_error

__all__ = ["check_device"]


def _unavailable(device_type):
    """Why this machine cannot run ``device_type``, or None when it can."""
    if device_type == "cuda":
        if torch.cuda.is_available():
            return None
        if torch.version.cuda is None and torch.version.hip is None:
            return (
                "CUDA is not available: this torch build has no CUDA support "
                f"(torch {torch.__version__})"
            )
        return (
            "CUDA is not available: torch finds no GPU (check the driver and "
            "CUDA_VISIBLE_DEVICES)"
        )
    if device_type == "mps":
        return None if torch.backends.mps.is_available() else "MPS (Apple GPU) is not available"
    if device_type == "xpu":
        xpu = getattr(torch, "xpu", None)
        return None if xpu is not None and xpu.is_available() else "No Intel XPU is available"
    return None


def check_device(device, caller):
    """Raise ``ValueError`` unless ``device`` exists on this machine.

    Parameters
    ----------
    device : str, torch.device or None
        The estimator's ``device``; None (skorch: leave tensors where they are) passes.
    caller : str
        Estimator name shown in the message.
    """
    if device is None:
        return
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            format_param_error(
                "device", caller, "a torch device such as 'cpu' or 'cuda'", device,
                f"torch says: {exc}",
            )
        ) from None
    why = _unavailable(resolved.type)
    if why is None and resolved.type == "cuda" and resolved.index is not None:
        count = torch.cuda.device_count()
        if resolved.index >= count:
            why = f"This machine has {count} CUDA device(s), numbered from 0"
    if why is not None:
        raise ValueError(
            format_param_error(
                "device", caller, "a device this machine has", device,
                f"{why}; use device='cpu'.",
            )
        )
