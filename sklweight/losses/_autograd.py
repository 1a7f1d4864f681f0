"""Custom autograd pieces where autograd's own graph is wasteful.

On the CPU, every extra :math:`N \\times K` pass and every fresh :math:`N \\times K`
allocation of a backward graph costs about as much as a fifth of a whole cross-entropy,
so the losses that would otherwise need several use these closed-form pieces, each on
top of torch's fused ``log_softmax`` / ``cross_entropy`` kernels:

* :func:`margin_cross_entropy` (LDAM): the cross-entropy of scaled logits, whose scale
  is applied to the per-sample gradient instead of an :math:`N \\times K` backward pass,
  and whose target margin is a closed-form per-sample correction;
* :func:`smoothed_cross_entropy` (label smoothing): the smoothed negative log-likelihood
  with a single gradient buffer;
* :func:`soft_counts` (soft F1): weighted soft true positives and predicted mass with
  the closed-form softmax gradient, without the one-hot matrix, the outer product and the
  gathered-gradient buffer autograd would build.

All are device-agnostic torch code (no numpy, no host synchronisation on accelerators;
on CPU the scaled cross-entropy reads the logit range of a sample of rows to decide
whether it must floor far-off terms) and are checked against autograd references and with
``torch.autograd.gradcheck`` in the tests.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch.autograd.function import once_differentiable

from ._base import no_autocast

__all__ = [
    "margin_cross_entropy",
    "scaled_cross_entropy",
    "smoothed_cross_entropy",
    "soft_counts",
]


_LOG_PROBA_FLOOR = -70.0


def _exp_floor(dtype, n_classes):
    """A logit floor, relative to the row maximum, that keeps every log-probability above
    ``_LOG_PROBA_FLOOR`` (a log-probability is at least ``logit - max - log(K)``).

    torch's CPU ``exp`` (inside ``log_softmax`` and its backward) slows down near and
    below ``log(tiny)`` (about -87 in float32); a term of ``exp(-70)`` is far below the
    rounding error of any sum it enters (float32's epsilon is ``exp(-16)``, float64's
    ``exp(-36)``).
    """
    return _LOG_PROBA_FLOOR + math.log(n_classes)


_SAMPLED_ROWS = 1024


def _narrow(logits, scale, floor):
    """Whether no scaled logit is likely to fall ``-floor`` below its row maximum.

    Judged on at most ``_SAMPLED_ROWS`` evenly spaced rows (CPU only: reads one scalar):
    the flooring is only a speed-up (a floored term weighs less than ``exp(-70)``), so a
    wide row the sample misses costs time, never accuracy, and the check costs a small
    fraction of a pass over the logits instead of a whole one.
    """
    if logits.numel() == 0:
        return True
    sample = logits[:: max(1, logits.shape[0] // _SAMPLED_ROWS)]
    low, high = torch.aminmax(sample, dim=1)
    return bool(scale * (high - low).max() < -floor)


class _ScaledLogits(torch.autograd.Function):
    """``a = s z`` (or ``s (z - max_c z)`` floored); backward is the identity.

    The factor ``s`` of the true Jacobian is applied to the per-sample upstream gradient
    by :class:`_ScaleGrad` instead (an N-vector, not an N x K pass), so this piece is
    only correct inside :func:`scaled_cross_entropy` and is once-differentiable.

    On CPU, softmax terms near or below ``exp(-87)`` (float32's ``tiny``) send torch's
    ``exp`` to a slow path (many times slower). When the batch's logit range times the
    scale allows such terms (not for cosine logits in [-1, 1] at LDAM's default scale),
    entries more than ``70 - log(K)`` below their row maximum are floored there; they
    weigh less than ``exp(-70)`` in the softmax, and their gradient (as small) passes
    straight through. The target entry also enters the loss linearly (``-a_y``), so the
    second output is the per-sample correction ``floor(a_y) - a_y`` that restores the
    loss exactly (``None`` when nothing is floored).
    """

    @staticmethod
    def forward(ctx, logits, target, scale, floored):
        if not floored:  # GPUs have no slow path for exp underflow; narrow logits neither
            return logits * scale, None
        floor = _exp_floor(logits.dtype, logits.shape[1])
        # shifted so that every row's maximum is 0: log_softmax is also faster on that
        adjusted = torch.add(logits.amax(1, keepdim=True) * -scale, logits, alpha=scale)
        target_logit = adjusted.gather(1, target.unsqueeze(1)).squeeze(1)
        correction = target_logit.neg_().add_(floor).clamp_min_(0)
        adjusted = adjusted.clamp_min_(floor)
        ctx.mark_non_differentiable(correction)
        return adjusted, correction

    @staticmethod
    @once_differentiable
    def backward(ctx, grad, grad_correction):
        return grad, None, None, None


class _ScaleGrad(torch.autograd.Function):
    """Identity on the value, gradient multiplied by ``scale``."""

    @staticmethod
    def forward(ctx, values, scale):
        ctx.scale = scale
        return values.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.scale, None


def scaled_cross_entropy(logits, target, scale):
    """Per-sample ``CE(scale * logits, target)``, exact value and gradient.

    The scale costs one forward pass; its backward is a per-sample multiplication, and on
    CPU the terms that would meet torch's slow ``exp`` path are floored (see
    :class:`_ScaledLogits`). Once-differentiable.
    """
    if scale == 1:
        return F.cross_entropy(logits, target, reduction="none")
    wide = logits.device.type == "cpu" and not _narrow(
        logits, scale, _exp_floor(logits.dtype, logits.shape[1])
    )
    adjusted, correction = _ScaledLogits.apply(logits, target, scale, wide)
    loss = F.cross_entropy(adjusted, target, reduction="none")
    if correction is not None:
        loss = loss + correction
    return _ScaleGrad.apply(loss, scale)


_MAX_EXP = 80.0  # expm1 of at most this stays finite in float32


def margin_cross_entropy(logits, target, margin, scale, max_margin):
    """Per-sample ``CE(scale * (logits - margin_i e_{y_i}), target)`` (LDAM).

    Subtracting :math:`m` from the target logit only rescales the row's softmax: with
    :math:`\\ell` the cross-entropy of ``scale * logits`` and
    :math:`q = 1 - p_y = -\\mathrm{expm1}(-\\ell)`,

    .. math::

        \\ell_m = \\ell + \\log\\bigl(1 + q\\,(e^{s m} - 1)\\bigr),
        \\qquad \\frac{\\partial \\ell_m}{\\partial \\ell} = \\frac{1}{1 - q + q e^{-s m}},

    which is exactly the softmax of the margin-shifted logits (no cancellation: every
    term is non-negative). The margin therefore costs N-vector operations, not a scatter
    into an N x K copy. Beyond ``scale * max_margin > 80`` (where ``expm1`` could
    overflow float32) the shifted logits are built explicitly.

    Parameters
    ----------
    logits : Tensor of shape (N, K)
    target : int64 Tensor of shape (N,)
    margin : Tensor of shape (N,)
        Non-negative margin of each row's target class (a constant).
    scale : float
        Positive.
    max_margin : float
        An upper bound of ``margin`` (decides the formula without reading the tensor).

    Returns
    -------
    loss : Tensor of shape (N,)
    """
    if scale * max_margin > _MAX_EXP:
        shift = (scale * margin).unsqueeze(1)
        adjusted = (logits * scale).scatter_add(1, target.unsqueeze(1), -shift)
        return F.cross_entropy(adjusted, target, reduction="none")
    ce = scaled_cross_entropy(logits, target, scale)
    return ce + torch.log1p(-torch.expm1(-ce) * torch.expm1(scale * margin))


class _SmoothedNLL(torch.autograd.Function):
    """``l_i = -(1 - eps) log_q[i, y_i] - (eps / K) sum_c log_q[i, c]`` on log-probabilities.

    Its backward writes the gradient with respect to ``log_q`` in one buffer (a fill and a
    scatter, as ``nll_loss`` does), which autograd hands to ``log_softmax``'s fused
    backward; autograd's own graph would add a second buffer and an accumulation pass.
    """

    @staticmethod
    def forward(ctx, log_q, target, smoothing):
        column = target.unsqueeze(1)
        loss = log_q.gather(1, column).squeeze(1).mul_(-(1.0 - smoothing))
        loss = loss.sub_(log_q.sum(1), alpha=smoothing / log_q.shape[1])
        ctx.save_for_backward(target)
        ctx.smoothing, ctx.n_classes = smoothing, log_q.shape[1]
        return loss

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        (target,) = ctx.saved_tensors
        smoothing, n_classes = ctx.smoothing, ctx.n_classes
        grad_log_q = (grad * (-smoothing / n_classes)).unsqueeze(1).expand(-1, n_classes)
        grad_log_q = grad_log_q.contiguous()
        grad_log_q.scatter_add_(1, target.unsqueeze(1), (grad * -(1.0 - smoothing)).unsqueeze(1))
        return grad_log_q, None, None


def smoothed_cross_entropy(logits, target, smoothing):
    """Per-sample cross-entropy with torch's ``label_smoothing`` (spread over all K).

    ``l_i = -(1 - eps) log q_{i y_i} - (eps / K) sum_c log q_ic``, ``q = softmax(logits)``;
    equal to ``F.cross_entropy(..., label_smoothing=eps, reduction="none")``.
    """
    return _SmoothedNLL.apply(torch.log_softmax(logits, dim=1), target, smoothing)


class _SoftCounts(torch.autograd.Function):
    """Weighted soft true positives and predicted mass per class.

    With ``p = softmax(z)``: ``tp_c = sum_i w_i p_ic [y_i = c]`` and
    ``pred_c = sum_i w_i p_ic``. For upstream gradients ``b = dL/dtp`` and
    ``a = dL/dpred``, with ``r_i = p_i . a + b_{y_i} p_{i y_i}``:
    ``dL/dz_ij = w_i (p_ij (a_j - r_i) + b_{y_i} p_{i y_i} [j = y_i])`` and
    ``dL/dw_i = r_i``.
    """

    @staticmethod
    def forward(ctx, logits, target, weight):
        proba = torch.softmax(logits, dim=1)
        p_true = proba.gather(1, target.unsqueeze(1)).squeeze(1)
        zeros = logits.new_zeros(logits.shape[1])
        if weight is None:
            tp = zeros.index_add_(0, target, p_true)
            pred = proba.sum(0)
        else:
            tp = zeros.index_add_(0, target, weight * p_true)
            pred = weight @ proba
        ctx.save_for_backward(proba, p_true, target, weight)
        return tp, pred

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_tp, grad_pred):
        with no_autocast(grad_tp.device.type):
            return _SoftCounts._backward(ctx, grad_tp, grad_pred)

    @staticmethod
    def _backward(ctx, grad_tp, grad_pred):
        proba, p_true, target, weight = ctx.saved_tensors
        b_true = grad_tp[target] * p_true
        r = torch.mv(proba, grad_pred).add_(b_true)
        grad_logits = (grad_pred.unsqueeze(0) - r.unsqueeze(1)).mul_(proba)
        grad_logits.scatter_add_(1, target.unsqueeze(1), b_true.unsqueeze(1))
        grad_weight = r if weight is not None and ctx.needs_input_grad[2] else None
        if weight is not None:
            grad_logits.mul_(weight.unsqueeze(1))
        return grad_logits, None, grad_weight


def soft_counts(logits, target, weight=None):
    """Return ``(tp, pred)``: weighted soft true positives and predicted mass per class.

    Parameters
    ----------
    logits : Tensor of shape (N, K)
    target : int64 Tensor of shape (N,)
    weight : Tensor of shape (N,) or None, default=None
        Per-sample weights in the dtype of ``logits`` (``None``: all ones).

    Returns
    -------
    tp, pred : Tensors of shape (K,)
    """
    return _SoftCounts.apply(logits, target, weight)
