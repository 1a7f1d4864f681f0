"""What every loss shares: the Module base, per-class vectors and the precision guard.

Each loss file defines a private ``_<name>(logits, target, sample_weight, *, ...)`` that
computes on clean inputs, a public function that validates and calls it, and a
``_WeightedLoss`` subclass whose ``forward`` validates the tensors and calls the same
private function (so the function and the Module agree by construction).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np
import torch
from torch import nn

from ..utils._docstring import fill_doc
from ..utils._validation import (
    StrOptions,
    check_loss_inputs,
    format_param_error,
    validate_params,
)
from ._reduction import REDUCTIONS

__all__ = [
    "BASE_CONSTRAINTS",
    "as_class_vector",
    "check_functional_call",
    "check_class_counts",
    "class_vector_like",
    "full_precision",
    "missing_class_counts",
    "no_autocast",
]

BASE_CONSTRAINTS = {
    "weight": ["array-like", None],
    "reduction": [StrOptions(set(REDUCTIONS))],
}

_HALF = (torch.float16, torch.bfloat16)


def _autocast_enabled(device_type):
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch < 2.4 has no device argument
        if device_type == "cpu":
            return torch.is_autocast_cpu_enabled()
        return device_type == "cuda" and torch.is_autocast_enabled()
    except RuntimeError:  # a device type autocast does not know
        return False


def no_autocast(device_type):
    """A context that switches autocast off for ``device_type`` when it is on."""
    if _autocast_enabled(device_type):
        return torch.autocast(device_type, enabled=False)
    return contextlib.nullcontext()


def full_precision(compute):
    """Run a private loss computation in at least float32, outside autocast.

    The inputs were checked by ``check_loss_inputs`` (shapes, devices, values); the
    per-class vectors are moved to the logits' device by :func:`class_vector_like`.
    Half-precision logits are upcast to float32 (the loss is returned in float32); the
    targets become int64; an active autocast region is switched off for the loss math so
    that reductions and matrix products stay in float32. Gradients flow back to the
    original (half-precision) logits in their own dtype.
    """

    @functools.wraps(compute)
    def wrapper(logits, target, sample_weight=None, **kwargs):
        if logits.dtype in _HALF:
            logits = logits.float()
        with no_autocast(logits.device.type):
            return compute(logits, target.long(), sample_weight, **kwargs)

    return wrapper


def as_class_vector(value, name, caller, *, copy=True):
    """Validate a per-class vector (weights, alpha, counts) and return it as a tensor.

    Parameters
    ----------
    value : array-like of shape (n_classes,) or None
        Non-negative finite numbers.
    name, caller : str
        Shown in error messages.
    copy : bool, default=True
        Return a detached copy (for Module buffers, so that the user's tensor is never
        aliased); otherwise a tensor input is returned as is after the checks.

    Returns
    -------
    vector : Tensor of shape (n_classes,) or None
        Floating point: a tensor input keeps its floating dtype and device, anything else
        becomes ``torch.get_default_dtype()`` on the CPU.
    """
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        vector = value.detach().clone() if copy else value
        if not vector.is_floating_point():
            vector = vector.to(torch.get_default_dtype())
    else:
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                format_param_error(name, caller, "an array-like of real numbers", value)
            ) from exc
        vector = torch.tensor(array, dtype=torch.get_default_dtype())
    if vector.ndim != 1 or vector.shape[0] == 0:
        raise ValueError(
            format_param_error(
                name,
                caller,
                "a non-empty 1-D array-like with one entry per class",
                f"an array of shape {tuple(vector.shape)}",
            )
        )
    finite = torch.isfinite(vector)
    if not bool(finite.all()):
        index = int(torch.nonzero(~finite)[0, 0])
        raise ValueError(
            format_param_error(
                name, caller, "finite", f"entry {index} is {vector[index].item()!r}"
            )
        )
    negative = vector < 0
    if bool(negative.any()):
        index = int(torch.nonzero(negative)[0, 0])
        raise ValueError(
            format_param_error(
                name, caller, "non-negative", f"entry {index} is {vector[index].item()!r}"
            )
        )
    return vector


def check_functional_call(caller, constraints, logits, target, sample_weight, *, weight,
                          reduction, **hyper_parameters):
    """What every functional twin checks before computing.

    Validates the hyper-parameters against ``constraints`` (scikit-learn's
    ``InvalidParameterError``) and the tensors with ``check_loss_inputs``, and returns
    ``weight`` as a per-class tensor (or None).
    """
    validate_params(
        constraints, {**hyper_parameters, "weight": weight, "reduction": reduction}, caller
    )
    check_loss_inputs(logits, target, sample_weight, caller=caller)
    return as_class_vector(weight, "weight", caller, copy=False)


def check_class_counts(class_counts, caller, *, copy=True):
    """Validate class counts and return them as a float64 tensor with zeros replaced.

    A class with a count of 0 gets the smallest positive count (it is treated as the
    rarest observed class) so that log priors and LDAM margins stay finite.

    Returns
    -------
    counts : Tensor of shape (n_classes,), float64, or None
    """
    counts = as_class_vector(class_counts, "class_counts", caller, copy=copy)
    if counts is None:
        return None
    counts = counts.to(torch.float64)
    positive = counts > 0
    if not bool(positive.any()):
        raise ValueError(
            format_param_error(
                "class_counts", caller, "positive for at least one class", "all zeros"
            )
        )
    smallest = torch.where(positive, counts, torch.inf).min()
    return torch.where(positive, counts, smallest)


def missing_class_counts(caller):
    """The error raised when a loss that needs class frequencies did not get them."""
    return ValueError(
        format_param_error(
            "class_counts",
            caller,
            "an array-like with the number of training rows of each class",
            None,
            f"{caller} needs the class frequencies: pass class_counts= when you build it "
            "(the classifiers pass the sample-weighted training counts themselves).",
        )
    )


def class_vector_like(vector, name, logits, caller):
    """Check that a per-class vector has one entry per column of ``logits`` and move it.

    Returns the vector on the device and in the dtype of ``logits`` (a no-op when they
    already match), or ``None``.
    """
    if vector is None:
        return None
    n_classes = logits.shape[1]
    if vector.shape[0] != n_classes:
        raise ValueError(
            format_param_error(
                name,
                caller,
                f"of length {n_classes} (one entry per column of logits, K={n_classes})",
                f"a vector of length {vector.shape[0]}",
            )
        )
    return vector.to(device=logits.device, dtype=logits.dtype)


@fill_doc
class _WeightedLoss(nn.Module):
    """Base of the sklweight losses: validated hyper-parameters, ``weight`` buffer.

    Subclasses declare ``_parameter_constraints`` (including :data:`BASE_CONSTRAINTS`),
    list their hyper-parameters in ``_hyper_parameters`` (shown by ``repr``) and name in
    ``_function`` the private function shared with their functional twin, which
    ``forward`` calls on checked inputs.
    """

    requires_class_counts = False
    # the loss is a sum of per-row terms (reduction="none" is defined); the classifiers
    # then weight and reduce the rows themselves (sklweight/_net/weighting.py)
    decomposes = True
    _parameter_constraints: dict = BASE_CONSTRAINTS
    _hyper_parameters: tuple = ()
    # the private function shared with the functional twin (``staticmethod(_<name>)``)
    # and the attributes passed to it by name (None: ``_hyper_parameters``); weight,
    # reduction and the caller's name are always passed
    _function = None
    _function_params: tuple | None = None

    def __init__(self, *, weight=None, reduction="mean", **hyper_parameters):
        super().__init__()
        caller = type(self).__name__
        validate_params(
            self._parameter_constraints,
            {**hyper_parameters, "weight": weight, "reduction": reduction},
            caller,
        )
        self.reduction = reduction
        self.register_buffer("weight", as_class_vector(weight, "weight", caller))

    @fill_doc
    def forward(self, logits, target, sample_weight=None):
        """Compute the loss.

        Parameters
        ----------
        %(logits)s
        %(target)s
        %(loss_sample_weight)s

        %(loss_returns)s

        %(loss_checks)s
        """
        check_loss_inputs(logits, target, sample_weight, caller=type(self).__name__)
        return self._compute(logits, target, sample_weight)

    def _compute(self, logits, target, sample_weight):
        names = self._hyper_parameters if self._function_params is None else (
            self._function_params)
        return self._function(
            logits, target, sample_weight, weight=self.weight, reduction=self.reduction,
            caller=type(self).__name__, **{name: getattr(self, name) for name in names},
        )

    def extra_repr(self):
        parts = [f"{name}={getattr(self, name)!r}" for name in self._hyper_parameters]
        if self.weight is not None:
            k = self.weight.numel()
            parts.append(f"weight={self.weight.tolist()!r}" if k <= 10 else f"weight=<{k} values>")
        parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)
