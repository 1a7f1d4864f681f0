"""Custom autograd pieces where autograd's own graph is wasteful.

On the CPU, every extra :math:`N \\times K` pass and every fresh :math:`N \\times K`
allocation of a backward graph is a sizeable part of the cost of a whole cross-entropy,
so the losses that would otherwise need several use these closed-form pieces, each on
top of torch's fused ``log_softmax`` / ``cross_entropy`` kernels (their timings:
``benchmarks/bench_losses.py`` and ``docs/benchmarks.rst``):

* :func:`margin_cross_entropy` (LDAM): the cross-entropy of scaled, target-shifted
  logits built in one buffer, with a one-buffer closed-form backward and, on CPU, a
  floor that keeps torch's ``exp`` off its slow denormal path;
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

from ._function import no_autocast

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


_SAMPLED_ROWS = 256


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


def _margin_log_proba(logits, target, margin, scale, floored):
    """``(log_softmax(a), -log_softmax(a)[y])`` of ``a = s (z - m e_y)`` in one fresh
    N x K buffer (floored as :class:`_MarginCrossEntropy` says, value kept exact)."""
    column = target.unsqueeze(1)
    if floored:  # shifted so that every row's maximum is 0
        adjusted = torch.add(logits.amax(1, keepdim=True) * -scale, logits, alpha=scale)
    else:
        adjusted = logits * scale
    if margin is not None:
        adjusted.scatter_add_(1, column, margin.to(adjusted.dtype).mul(-scale).unsqueeze(1))
    if floored:
        floor = _exp_floor(logits.dtype, logits.shape[1])
        correction = adjusted.gather(1, column).neg_().add_(floor).clamp_min_(0)
        adjusted.clamp_min_(floor)
    if adjusted.device.type == "cpu":  # in place: a fresh buffer costs a pass on CPU
        log_proba = torch.log_softmax(adjusted, dim=1, out=adjusted)
    else:
        log_proba = torch.log_softmax(adjusted, dim=1)
    loss = log_proba.gather(1, column).neg_()
    if floored:
        loss.add_(correction)
    return log_proba, loss.squeeze(1)


class _MarginCrossEntropy(torch.autograd.Function):
    """Per-sample ``CE(s (z - m_i e_{y_i}), y)`` in a single N x K buffer.

    Forward: the scaled logits are written once (shifted by the row maximum when they
    are floored), the target margin is subtracted in place, and torch's fused
    ``log_softmax`` overwrites them (on CPU); the loss is the negative target
    log-probability. Backward: ``s g_i (p_i - e_{y_i})``, computed in that same buffer,
    which becomes the gradient (the chain through the scale, the shift and the margin is
    the identity times ``s``). The logits are saved, not copied: a second backward
    through a retained graph recomputes the buffer from them.

    On CPU, softmax terms near or below ``exp(-87)`` (float32's ``tiny``) are denormal
    and send torch's ``log_softmax`` and its backward to a slow path. When the batch's
    logit range times the scale allows such terms (not for cosine logits in [-1, 1] at
    LDAM's default scale), entries more than
    ``70 - log(K)`` below their row maximum are floored; they weigh less than
    ``exp(-70)`` in the softmax, and their gradient (as small) is kept as computed. The
    target entry also enters the loss linearly (``-a_y``), so a floored target adds
    ``floor - a_y`` back and the value stays exact.
    """

    @staticmethod
    def forward(ctx, logits, target, margin, scale, floored):
        ctx.log_proba, loss = _margin_log_proba(logits, target, margin, scale, floored)
        ctx.save_for_backward(logits, target, margin)
        ctx.scale, ctx.floored = scale, floored
        return loss

    @staticmethod
    @once_differentiable
    def backward(ctx, grad):
        logits, target, margin = ctx.saved_tensors
        log_proba, ctx.log_proba = ctx.log_proba, None  # the buffer becomes the gradient
        if log_proba is None:  # backward again through a retained graph
            log_proba, _ = _margin_log_proba(logits, target, margin, ctx.scale, ctx.floored)
        scaled = (grad * ctx.scale).unsqueeze(1)
        grad_logits = log_proba.exp_().mul_(scaled)
        grad_logits.scatter_add_(1, target.unsqueeze(1), -scaled)
        return grad_logits, None, None, None, None


def margin_cross_entropy(logits, target, margin, scale):
    """Per-sample ``CE(scale * (logits - margin_i e_{y_i}), target)`` (LDAM).

    Exact value and gradient (the far-off softmax terms a CPU floors weigh less than
    ``exp(-70)``; see :class:`_MarginCrossEntropy`); once-differentiable.

    Parameters
    ----------
    logits : Tensor of shape (N, K)
    target : int64 Tensor of shape (N,)
    margin : Tensor of shape (N,) or None
        Margin of each row's target class (a constant); ``None``: no margin.
    scale : float
        Positive.

    Returns
    -------
    loss : Tensor of shape (N,)
    """
    if scale == 1 and margin is None:
        return F.cross_entropy(logits, target, reduction="none")
    wide = logits.device.type == "cpu" and not _narrow(
        logits.detach(), scale, _exp_floor(logits.dtype, logits.shape[1])
    )
    return _MarginCrossEntropy.apply(logits, target, margin, scale, wide)


def scaled_cross_entropy(logits, target, scale):
    """Per-sample ``CE(scale * logits, target)``: :func:`margin_cross_entropy` without a
    margin."""
    return margin_cross_entropy(logits, target, None, scale)


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
