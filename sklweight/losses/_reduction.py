"""The weighted reduction: the only place where per-sample losses are combined.

Every loss in :mod:`sklweight.losses` computes a per-sample loss ``l_i`` and hands it here
with its weight ``w_i = sample_weight_i * weight[target_i]`` (see :func:`combine_weights`).
The estimators' weight normalisations (``weight_normalization``) are not a loss concern:
they live with the weighting rule in ``sklweight/_net/weighting.py``.

.. math::

    \\text{none}: w_i \\ell_i \\qquad
    \\text{sum}: \\sum_i w_i \\ell_i \\qquad
    \\text{mean}: \\frac{\\sum_i w_i \\ell_i}{\\sum_i w_i}

``"mean"`` follows torch's convention (``F.cross_entropy(weight=...)``): it divides by the
total weight, not by the number of rows, so all-ones weights equal no weights and
multiplying every weight by ``k > 0`` changes nothing.
"""

from __future__ import annotations

import torch

__all__ = [
    "REDUCTIONS",
    "combine_weights",
    "weighted_reduce",
]

REDUCTIONS = ("mean", "sum", "none")


def _unknown(name, value, options):
    return ValueError(
        f"The {name!r} parameter must be one of {', '.join(map(repr, options))}. "
        f"Got {value!r} instead."
    )


def combine_weights(target, sample_weight=None, weight=None):
    """Return the per-sample weight ``w_i = sample_weight_i * weight[target_i]``.

    Parameters
    ----------
    target : Tensor of shape (n,)
        Class indices.
    sample_weight : Tensor of shape (n,) or None, default=None
        Per-sample weights.
    weight : Tensor of shape (K,) or None, default=None
        Per-class weights.

    Returns
    -------
    w : Tensor of shape (n,) or None
        ``None`` when both inputs are ``None`` (the unweighted case stays unweighted).

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import combine_weights
    >>> combine_weights(torch.tensor([0, 1, 1]), torch.tensor([1.0, 0.5, 2.0]),
    ...                 torch.tensor([2.0, 1.0]))
    tensor([2.0000, 0.5000, 2.0000])
    """
    w = None if weight is None else weight[target]
    if sample_weight is not None:
        w = sample_weight if w is None else w * sample_weight
    return w


def weighted_reduce(loss, weight=None, reduction="mean"):
    """Reduce per-sample losses with per-sample weights.

    Parameters
    ----------
    loss : Tensor of shape (n,)
        Per-sample losses ``l_i``.
    weight : Tensor of shape (n,) or None, default=None
        Per-sample weights ``w_i`` (``None`` means all ones).
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"none"`` returns ``w * l``; ``"sum"`` returns ``sum(w * l)``; ``"mean"`` returns
        ``sum(w * l) / sum(w)``.

    Returns
    -------
    loss : Tensor
        Shape (n,) for ``"none"``, a scalar otherwise.

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import weighted_reduce
    >>> weighted_reduce(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 3.0]), "mean")
    tensor(2.5000)
    """
    if reduction not in REDUCTIONS:
        raise _unknown("reduction", reduction, REDUCTIONS)
    # one operation per reduction where torch has one (each is a dispatch and, in
    # training, an autograd node: on small batches their count is the cost)
    if weight is None:
        if reduction == "none":
            return loss
        return loss.sum() if reduction == "sum" else loss.mean()
    weight = weight.to(loss.dtype)
    if reduction == "none":
        return loss * weight
    total = torch.dot(loss, weight) if loss.ndim == 1 else (loss * weight).sum()
    return total if reduction == "sum" else total / weight.sum()
