"""Tensor checks at the loss boundary: what a loss accepts as logits, targets and weights.

Run per call unless the caller has already validated its data and entered
:func:`skip_value_checks` (the training loop does, for data checked once at ``fit``).
The wording of every error is :func:`~sklweight.utils._validation.format_param_error`'s.
"""

from __future__ import annotations

import contextlib
import contextvars

import torch

from ._validation import Described, format_param_error

__all__ = ["check_loss_inputs", "skip_value_checks"]

_SKIP_VALUE_CHECKS = contextvars.ContextVar("sklweight_skip_value_checks", default=False)


@contextlib.contextmanager
def skip_value_checks():
    """Skip the data-dependent loss checks inside this block.

    Shape checks always run. The value checks (NaN or negative weights, targets out of
    range) read tensor contents, which forces a host-device synchronisation on CUDA; the
    classifiers validate their data once at ``fit`` and train inside this context.
    """
    token = _SKIP_VALUE_CHECKS.set(True)
    try:
        yield
    finally:
        _SKIP_VALUE_CHECKS.reset(token)


def _shape(t):
    return tuple(t.shape)


def _got(value):
    if isinstance(value, torch.Tensor):
        return Described(f"a tensor of shape {_shape(value)}")
    return value


def check_loss_inputs(logits, target, sample_weight=None, *, caller):
    """Validate the tensors passed to a loss.

    Parameters
    ----------
    logits : Tensor of shape (n, K)
        Unnormalised scores, floating point.
    target : Tensor of shape (n,)
        Integer class indices in ``[0, K)``.
    sample_weight : Tensor of shape (n,) or None
        Non-negative finite per-sample weights.
    caller : str
        Name of the loss, shown in messages.

    Raises
    ------
    ValueError
        On any shape, dtype or device mismatch, and (unless :func:`skip_value_checks` is
        active) on targets out of range and negative or non-finite weights.
    """
    if not isinstance(logits, torch.Tensor) or logits.ndim != 2 or logits.shape[1] == 0:
        got = _got(logits)
        raise ValueError(
            format_param_error(
                "logits", caller,
                "a 2-D tensor of shape (n_samples, n_classes) with n_classes >= 1", got
            )
        )
    if not logits.is_floating_point():
        raise ValueError(
            format_param_error(
                "logits", caller, "a floating-point tensor", Described(f"dtype {logits.dtype}")
            )
        )
    n, k = logits.shape
    if not isinstance(target, torch.Tensor) or target.ndim != 1 or target.shape[0] != n:
        got = _got(target)
        raise ValueError(
            format_param_error(
                "target", caller,
                f"a 1-D tensor of length {n} (one class index per row of logits)", got,
            )
        )
    if target.is_floating_point() or target.is_complex() or target.dtype == torch.bool:
        raise ValueError(
            format_param_error(
                "target", caller, "an integer tensor of class indices",
                Described(f"dtype {target.dtype}"),
                "Use target.long().",
            )
        )
    if sample_weight is not None:
        if not isinstance(sample_weight, torch.Tensor) or _shape(sample_weight) != (n,):
            got = _got(sample_weight)
            raise ValueError(
                format_param_error("sample_weight", caller, f"a 1-D tensor of length {n}", got)
            )
    for name, tensor in (("target", target), ("sample_weight", sample_weight)):
        if tensor is not None and tensor.device != logits.device:
            raise ValueError(
                format_param_error(
                    name, caller, f"on the device of logits ({logits.device})",
                    Described(f"a tensor on {tensor.device}"),
                    f"Move it with {name}.to(logits.device).",
                )
            )
    if _SKIP_VALUE_CHECKS.get() or n == 0 or logits.device.type == "meta":
        return
    low, high = (int(v) for v in torch.aminmax(target))
    if low < 0 or high >= k:
        bad = low if low < 0 else high
        raise ValueError(
            format_param_error(
                "target", caller, f"class indices in [0, {k - 1}] for logits with {k} columns", bad
            )
        )
    if sample_weight is not None:
        if not bool(torch.isfinite(sample_weight).all()):
            index = int(torch.nonzero(~torch.isfinite(sample_weight))[0, 0])
            raise ValueError(
                format_param_error(
                    "sample_weight", caller, "finite",
                    Described(f"entry {index} is {sample_weight[index].item()!r}"),
                )
            )
        if bool((sample_weight < 0).any()):
            index = int(torch.nonzero(sample_weight < 0)[0, 0])
            raise ValueError(
                format_param_error(
                    "sample_weight", caller, "non-negative",
                    Described(f"entry {index} is {sample_weight[index].item()!r}"),
                )
            )
