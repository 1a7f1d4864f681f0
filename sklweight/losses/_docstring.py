"""Docstring fragments shared by every loss, written once and substituted.

The mechanism is :class:`sklweight.utils._docstring.Substitution` (a marker line
``%(name)s`` is replaced by the fragment, re-indented); fragments are written flush left.
"""

from __future__ import annotations

from ..utils._docstring import Substitution

__all__ = ["SHARED", "Substitution"]


_WEIGHT = """weight : array-like of shape (n_classes,), default=None
    Per-class weights ``c``, non-negative and finite. Row ``i`` is weighted by
    ``c[target_i]`` (times its ``sample_weight``). ``None`` weights every class 1.
    Stored as the buffer ``weight``, so ``.to(device)`` moves it."""

_REDUCTION = """reduction : {"mean", "sum", "none"}, default="mean"
    With ``w_i = sample_weight_i * weight[target_i]``: ``"none"`` returns the
    weighted per-sample losses ``w_i * l_i``, ``"sum"`` returns ``sum_i w_i l_i``
    and ``"mean"`` returns ``sum_i w_i l_i / sum_i w_i`` (torch's convention: all-ones
    weights equal no weights and scaling every weight by ``k > 0`` changes nothing)."""

_SAMPLE_WEIGHT = """sample_weight : Tensor of shape (N,), default=None
    Non-negative, finite per-sample weights ``s`` (for example a confidence in each
    label). They multiply the class weights: ``w_i = s_i * weight[target_i]``. A row
    of weight 0 contributes nothing, to the value nor to the gradient. ``None``
    means all ones."""

_LOGITS = """logits : Tensor of shape (N, K)
    Unnormalised scores (no softmax applied). Half-precision inputs are upcast and
    the loss is computed and returned in float32."""

_TARGET = """target : Tensor of shape (N,)
    Integer class indices in ``[0, K)``."""

_SHAPE = """- ``logits``: :math:`(N, K)`, floating point.
- ``target``: :math:`(N,)`, integer class indices.
- ``sample_weight``: :math:`(N,)` or ``None``.
- output: a scalar for ``reduction="mean"`` and ``"sum"``, :math:`(N,)` for
  ``"none"``."""

_CLASS_COUNTS = """class_counts : array-like of shape (n_classes,), default=None
    Number of training rows of each class (non-negative; the classifiers pass the
    counts weighted by ``sample_weight``). Required before the first call;
    standalone users pass it explicitly. A class with a count of 0 is treated as if
    it had the smallest positive count, so that everything stays finite."""

_CHECKS = """Raises
------
ValueError
    When a shape does not match (``logits``, ``target``, ``sample_weight``, a
    per-class vector of the wrong length), and, unless inside
    :func:`sklweight.utils._validation.skip_value_checks`, on targets out of range
    or negative / non-finite sample weights. The message names the argument and
    the received value."""

_RETURNS = """Returns
-------
loss : Tensor
    A scalar, or shape (N,) for ``reduction="none"``."""

SHARED = {
    "weight": _WEIGHT,
    "reduction": _REDUCTION,
    "sample_weight": _SAMPLE_WEIGHT,
    "logits": _LOGITS,
    "target": _TARGET,
    "shape": _SHAPE,
    "class_counts": _CLASS_COUNTS,
    "checks": _CHECKS,
    "returns": _RETURNS,
}
