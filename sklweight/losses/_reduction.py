"""The weighted reduction: the only place where per-sample losses are combined.

Every loss in :mod:`sklweight.losses` computes a per-sample loss ``l_i`` and hands it here
with its weight ``w_i = sample_weight_i * weight[target_i]`` (see :func:`combine_weights`).
The classifiers call :func:`normalize_weights` once per fit and :func:`scale_batch_loss`
once per batch, so the three weight normalisations of the specification live here too.

.. math::

    \\text{none}: w_i \\ell_i \\qquad
    \\text{sum}: \\sum_i w_i \\ell_i \\qquad
    \\text{mean}: \\frac{\\sum_i w_i \\ell_i}{\\sum_i w_i}

``"mean"`` follows torch's convention (``F.cross_entropy(weight=...)``): it divides by the
total weight, not by the number of rows, so all-ones weights equal no weights and
multiplying every weight by ``k > 0`` changes nothing.
"""

from __future__ import annotations

__all__ = [
    "NORMALIZATIONS",
    "REDUCTIONS",
    "combine_weights",
    "normalize_weights",
    "scale_batch_loss",
    "weighted_reduce",
]

REDUCTIONS = ("mean", "sum", "none")
NORMALIZATIONS = ("global", "batch", "none")


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
    """
    if reduction not in REDUCTIONS:
        raise _unknown("reduction", reduction, REDUCTIONS)
    if weight is not None:
        weight = weight.to(loss.dtype)
        loss = loss * weight
    if reduction == "none":
        return loss
    total = loss.sum()
    if reduction == "sum":
        return total
    if weight is None:
        return total / loss.shape[0]
    return total / weight.sum()


def normalize_weights(weight, normalization="global"):
    """Normalise the training weights once per fit.

    Parameters
    ----------
    weight : Tensor or ndarray of shape (n,)
        Composed weights ``s_i * c[y_i]`` of the training rows.
    normalization : {"global", "batch", "none"}, default="global"
        ``"global"`` rescales to ``w * n / sum(w)`` (mean 1 over the training rows);
        the other two leave the weights as given.

    Returns
    -------
    weight : same type as the input
        A new array/tensor for ``"global"``; the input itself otherwise.
    """
    if normalization not in NORMALIZATIONS:
        raise _unknown("weight_normalization", normalization, NORMALIZATIONS)
    if normalization != "global":
        return weight
    return weight * (weight.shape[0] / weight.sum())


def scale_batch_loss(loss, batch_weight, normalization="global"):
    """Turn a batch loss reduced with ``"mean"`` into the chosen batch objective.

    With ``loss = sum_B(w l) / sum_B(w)`` (a loss called with ``reduction="mean"``):

    * ``"global"`` and ``"none"`` return ``sum_B(w l) / n_B``. With weights normalised
      globally (mean 1 over the training rows) this is an unbiased estimate of the full
      weighted objective ``sum(w l) / sum(w)``, and class weights act even in a batch
      without a minority row; with raw weights (``"none"``) it is Keras' convention.
    * ``"batch"`` returns ``loss`` unchanged (torch's convention).

    Written as a rescaling of the mean so that losses which do not decompose per sample
    (soft-F1) follow the same rule.

    Parameters
    ----------
    loss : Tensor
        Scalar batch loss computed with ``reduction="mean"``.
    batch_weight : Tensor of shape (n_B,)
        The weights of the batch rows.
    normalization : {"global", "batch", "none"}, default="global"

    Returns
    -------
    loss : Tensor
        Scalar.
    """
    if normalization not in NORMALIZATIONS:
        raise _unknown("weight_normalization", normalization, NORMALIZATIONS)
    if normalization == "batch":
        return loss
    return loss * batch_weight.mean().to(loss.dtype)
