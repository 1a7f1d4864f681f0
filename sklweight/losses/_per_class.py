"""Per-class vectors of the losses: class weights, ``alpha``, class counts.

A per-class argument is validated where the loss receives it (:func:`as_class_vector`:
1-D, finite, non-negative) and matched against the logits where the loss is computed
(:func:`class_vector_like`: one entry per column, moved to the logits' device and dtype).
Class counts are also cleaned (:func:`check_class_counts`), and what a loss derives from
them (a log prior, margins) is computed by :func:`from_class_counts` once per counts
tensor, device and dtype.
"""

from __future__ import annotations

import weakref

import numpy as np
import torch

from ..utils._validation import Described, format_param_error

__all__ = [
    "LossArgumentError",
    "as_class_vector",
    "check_class_counts",
    "class_vector_like",
    "from_class_counts",
    "missing_class_counts",
]


class LossArgumentError(ValueError):
    """A bad argument found while a loss computes; its entry point adds its own name.

    The parts of :func:`~sklweight.utils._validation.format_param_error` but the caller:
    ``name``, ``expected``, ``value`` and ``fix``.
    """

    def __init__(self, name, expected, value, fix=None):
        super().__init__(name, expected, value, fix)
        self.name, self.expected, self.value, self.fix = name, expected, value, fix

    def message(self, caller):
        return format_param_error(self.name, caller, self.expected, self.value, self.fix)


def _first_entry(vector, bad):
    index = int(torch.nonzero(bad)[0, 0])
    return Described(f"entry {index} is {vector[index].item()!r}")


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
        shape = Described(f"an array of shape {tuple(vector.shape)}")
        expected = "a non-empty 1-D array-like with one entry per class"
        raise ValueError(format_param_error(name, caller, expected, shape))
    finite = torch.isfinite(vector)
    if not bool(finite.all()):
        raise ValueError(format_param_error(name, caller, "finite", _first_entry(vector, ~finite)))
    negative = vector < 0
    if bool(negative.any()):
        got = _first_entry(vector, negative)
        raise ValueError(format_param_error(name, caller, "non-negative", got))
    return vector


def class_vector_like(vector, name, logits, dtype=None):
    """Check that a per-class vector has one entry per column of ``logits`` and move it.

    Returns the vector on the device of ``logits`` and in ``dtype`` (default: that of
    ``logits``), a no-op when they already match. Raises :class:`LossArgumentError`.
    """
    n_classes = logits.shape[1]
    if vector.shape[0] != n_classes:
        raise LossArgumentError(
            name,
            f"of length {n_classes} (one entry per column of logits, K={n_classes})",
            Described(f"a vector of length {vector.shape[0]}"),
        )
    return vector.to(device=logits.device, dtype=logits.dtype if dtype is None else dtype)


_ALL_ZEROS = ("positive for at least one class", Described("all zeros"))


def _replace_zeros(counts):
    """Zero counts replaced by the smallest positive one; None when all are zero."""
    positive = counts > 0
    if not bool(positive.any()):
        return None
    return torch.where(positive, counts, torch.where(positive, counts, torch.inf).min())


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
    counts = _replace_zeros(counts.to(torch.float64))
    if counts is None:
        raise ValueError(format_param_error("class_counts", caller, *_ALL_ZEROS))
    return counts


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


# id(counts tensor) -> (weak reference to it, {(function, args, device, dtype): vector},
# [the version of the tensor the vectors were computed from])
_DERIVED = {}


def _cache_of(tensor):
    """The cache of ``tensor``, emptied when it is modified in place, dropped with it."""
    ident = id(tensor)
    entry = _DERIVED.get(ident)
    if entry is None or entry[0]() is not tensor:
        forget = weakref.ref(tensor, lambda _, ident=ident: _DERIVED.pop(ident, None))
        entry = _DERIVED[ident] = (forget, {}, [tensor._version])
    if entry[2][0] != tensor._version:
        entry[1].clear()
        entry[2][0] = tensor._version
    return entry[1]


def from_class_counts(function, class_counts, *args, like=None):
    """Return ``function(counts, *args)`` for cleaned counts, computed once.

    Parameters
    ----------
    function : callable
        ``(counts, *args) -> Tensor of shape (n_classes,)``, given the float64 counts of
        :func:`check_class_counts` on the CPU.
    class_counts : Tensor of shape (n_classes,)
        Validated by :func:`as_class_vector` (a Module's buffer, or the argument of a
        functional loss).
    *args : hashable
        Hyper-parameters of ``function``.
    like : Tensor of shape (N, K) or None, default=None
        The logits: the result is checked to have K entries and returned on their device
        and in their dtype. None: the dtype and device of ``class_counts``.

    Returns
    -------
    vector : Tensor of shape (n_classes,)
        Kept while ``class_counts`` lives and is not modified in place, so a Module
        computes it on its first call (and after each move) instead of every call.
    """
    reference = class_counts if like is None else like
    device, dtype = reference.device, reference.dtype
    if class_counts.is_inference():  # no version counter to tell a modified tensor
        cache = {}
    else:
        cache = _cache_of(class_counts)
    key = (function, args, device, dtype)
    vector = cache.get(key)
    if vector is None:
        counts = _replace_zeros(class_counts.detach().to("cpu", torch.float64))
        if counts is None:
            raise LossArgumentError("class_counts", *_ALL_ZEROS)
        vector = cache[key] = function(counts, *args).to(device=device, dtype=dtype)
    return vector if like is None else class_vector_like(vector, "class_counts", like)
