"""Shared test material: the loss catalogue, batches and float64 reference formulas.

The references are written from the formulas of the papers with explicit log-sum-exp and
one-hot matrices, independently of the implementation (which uses torch's fused kernels,
gathers and custom backward passes).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import torch

from sklweight.losses import (
    FocalLoss,
    GeneralizedCrossEntropyLoss,
    LabelSmoothingLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PolyLoss,
    SoftF1Loss,
    SymmetricCrossEntropyLoss,
    WeightedCrossEntropyLoss,
    focal_loss,
    generalized_cross_entropy_loss,
    label_smoothing_loss,
    ldam_loss,
    logit_adjusted_loss,
    poly_loss,
    soft_f1_loss,
    symmetric_cross_entropy_loss,
    weighted_cross_entropy_loss,
)

CUDA = torch.cuda.is_available()
DEVICES = ["cpu", "cuda"]


def make_batch(n=12, k=4, seed=0, dtype=torch.float64, scale=2.0, all_classes=True):
    """Logits, targets and positive sample weights; every class present if possible."""
    gen = torch.Generator().manual_seed(seed)
    logits = scale * torch.randn(n, k, generator=gen, dtype=dtype)
    target = torch.randint(k, (n,), generator=gen)
    if all_classes and n >= k:
        target[:k] = torch.arange(k)
    sample_weight = torch.rand(n, generator=gen, dtype=dtype) + 0.1
    return logits, target, sample_weight


def counts_for(k):
    """A long-tailed vector of class counts for K classes."""
    return [float(round(100 * 0.5**c)) + 1 for c in range(k)]


def class_weight_for(k):
    return [0.5 + 0.25 * c for c in range(k)]


# ----------------------------------------------------------------- float64 references


def _log_softmax(z):
    m = z.max(dim=1, keepdim=True).values
    return z - m - torch.log(torch.exp(z - m).sum(dim=1, keepdim=True))


def _one_hot(target, k, dtype):
    out = torch.zeros(target.shape[0], k, dtype=dtype)
    out[torch.arange(target.shape[0]), target] = 1
    return out


def ref_ce(z, target):
    return -(_log_softmax(z) * _one_hot(target, z.shape[1], z.dtype)).sum(1)


def ref_focal(z, target, gamma=2.0, alpha=None):
    ce = ref_ce(z, target)
    p_t = torch.exp(-ce)
    k = z.shape[1]
    if alpha is None:
        a_t = torch.ones_like(ce)
    elif isinstance(alpha, float):
        a_t = torch.where(target == 1, alpha, 1 - alpha) if k == 2 else torch.full_like(ce, alpha)
    else:
        a_t = torch.as_tensor(alpha, dtype=z.dtype)[target]
    return a_t * (1 - p_t) ** gamma * ce


def ref_label_smoothing(z, target, smoothing=0.1):
    k = z.shape[1]
    one_hot = _one_hot(target, k, z.dtype)
    q = one_hot * (1 - smoothing) + (1 - one_hot) * (smoothing / (k - 1))
    return -(q * _log_softmax(z)).sum(1)


def ref_logit_adjusted(z, target, class_counts, tau=1.0):
    n = torch.as_tensor(class_counts, dtype=z.dtype)
    return ref_ce(z + tau * torch.log(n / n.sum()), target)


def ref_ldam(z, target, class_counts, max_margin=0.5, scale=30.0):
    n = torch.as_tensor(class_counts, dtype=z.dtype)
    m = n ** (-0.25)
    m = m * (max_margin / m.max())
    one_hot = _one_hot(target, z.shape[1], z.dtype)
    return ref_ce(scale * (z - one_hot * m), target)


def ref_poly(z, target, epsilon=1.0):
    ce = ref_ce(z, target)
    return ce + epsilon * (1 - torch.exp(-ce))


def ref_generalized_cross_entropy(z, target, q=0.7):
    """(1 - p_t ** q) / q with p_t from an explicit softmax (Zhang and Sabuncu, eq. 6)."""
    p_t = (torch.exp(_log_softmax(z)) * _one_hot(target, z.shape[1], z.dtype)).sum(1)
    return (1 - p_t**q) / q


def ref_symmetric_cross_entropy(z, target, alpha=0.1, beta=1.0, log_zero=-4.0):
    """alpha * CE + beta * RCE, RCE = -sum_k p_k log(onehot_k) with log 0 clipped to A."""
    p = torch.exp(_log_softmax(z))
    one_hot = _one_hot(target, z.shape[1], z.dtype)
    log_label = torch.where(one_hot > 0, torch.zeros_like(p), torch.full_like(p, log_zero))
    return alpha * ref_ce(z, target) - beta * (p * log_label).sum(1)


def ref_soft_f1(z, target, w=None, average="macro"):
    """1 - mean F1 from explicit one-hot soft counts, over classes present in targets."""
    k = z.shape[1]
    p = torch.exp(_log_softmax(z))
    y = _one_hot(target, k, z.dtype)
    w = torch.ones(z.shape[0], dtype=z.dtype) if w is None else w
    tp = (w[:, None] * p * y).sum(0)
    fp = (w[:, None] * p * (1 - y)).sum(0)
    fn = (w[:, None] * (1 - p) * y).sum(0)
    support = (w[:, None] * y).sum(0)
    present = support > 0
    f1 = torch.zeros(k, dtype=z.dtype)
    f1[present] = 2 * tp[present] / (2 * tp[present] + fp[present] + fn[present])
    if average == "macro":
        return 1 - f1[present].mean()
    if average == "weighted":
        return 1 - (f1 * support).sum() / support.sum()
    return 1 - 2 * tp.sum() / (2 * tp.sum() + fp.sum() + fn.sum())


def ref_taylor_cross_entropy(z, target, order=2):
    """sum_{k <= order} (1 - p_t) ** k / k (Feng et al., 2020)."""
    p_t = (torch.exp(_log_softmax(z)) * _one_hot(target, z.shape[1], z.dtype)).sum(1)
    return sum((1 - p_t) ** k / k for k in range(1, order + 1))


def ref_reduce(per_sample, w, reduction):
    w = torch.ones_like(per_sample) if w is None else w
    if reduction == "none":
        return w * per_sample
    if reduction == "sum":
        return (w * per_sample).sum()
    return (w * per_sample).sum() / w.sum()


# ----------------------------------------------------------------------- catalogue


@dataclasses.dataclass
class LossCase:
    """One loss of the catalogue: how to build it for K classes, its float64 reference,
    the hyper-parameters that make it the cross-entropy and values it must refuse."""

    name: str
    cls: type
    function: object
    params: dict
    reference: object  # (z, target, **params) -> per-sample loss (or scalar for soft-F1)
    decomposable: bool = True
    needs_counts: bool = False
    # hyper-parameters under which the loss equals torch's cross-entropy (None: never)
    as_cross_entropy: dict | None = None
    cross_entropy_rtol: float = 1e-12
    # hyper-parameter values refused with InvalidParameterError naming the parameter
    invalid: tuple = ()

    def kwargs(self, k, **extra):
        out = dict(self.params)
        if self.needs_counts:
            out["class_counts"] = counts_for(k)
        out.update(extra)
        return out

    def module(self, k, **extra):
        return self.cls(**self.kwargs(k, **extra))

    def call_function(self, logits, target, sample_weight=None, **kwargs):
        k = logits.shape[1]
        return self.function(logits, target, sample_weight, **self.kwargs(k, **kwargs))

    def expected(self, logits, target, sample_weight=None, weight=None, reduction="mean"):
        """Float64 reference of the reduced loss."""
        z = logits.detach().double()
        k = z.shape[1]
        params = self.kwargs(k)
        w = None if sample_weight is None else sample_weight.detach().double()
        if weight is not None:
            cw = torch.as_tensor(weight, dtype=torch.float64)[target]
            w = cw if w is None else w * cw
        if not self.decomposable:
            return self.reference(z, target, w, **params)
        return ref_reduce(self.reference(z, target, **params), w, reduction)

    @property
    def reductions(self):
        return ("mean", "sum", "none") if self.decomposable else ("mean", "sum")


CATALOGUE = [
    LossCase(
        "cross_entropy", WeightedCrossEntropyLoss, weighted_cross_entropy_loss, {}, ref_ce,
        as_cross_entropy={},
    ),
    LossCase(
        "focal", FocalLoss, focal_loss, {"gamma": 2.0}, ref_focal,
        as_cross_entropy={"gamma": 0.0},
        invalid=({"gamma": -0.5}, {"gamma": "2"}, {"alpha": 1.5}, {"alpha": -0.1}),
    ),
    LossCase(
        "soft_f1", SoftF1Loss, soft_f1_loss, {"average": "macro"}, ref_soft_f1,
        decomposable=False, invalid=({"average": "binary"},),
    ),
    LossCase(
        "label_smoothing", LabelSmoothingLoss, label_smoothing_loss, {"smoothing": 0.2},
        ref_label_smoothing, as_cross_entropy={"smoothing": 0.0},
        invalid=({"smoothing": -0.1}, {"smoothing": 1.0}, {"smoothing": 1.5}),
    ),
    LossCase(
        "logit_adjusted", LogitAdjustedLoss, logit_adjusted_loss, {"tau": 1.0},
        ref_logit_adjusted, needs_counts=True, as_cross_entropy={"tau": 0.0},
        invalid=({"tau": -1.0},),
    ),
    LossCase(
        "ldam", LDAMLoss, ldam_loss, {"max_margin": 0.5, "scale": 3.0}, ref_ldam,
        needs_counts=True, as_cross_entropy={"max_margin": 1e-12, "scale": 1.0},
        cross_entropy_rtol=1e-9,
        invalid=({"scale": 0.0}, {"scale": -1.0}, {"max_margin": 0.0}),
    ),
    LossCase(
        "poly", PolyLoss, poly_loss, {"epsilon": 1.0}, ref_poly,
        as_cross_entropy={"epsilon": 0.0}, invalid=({"epsilon": -1.5},),
    ),
    LossCase(
        "generalized_cross_entropy", GeneralizedCrossEntropyLoss,
        generalized_cross_entropy_loss, {"q": 0.7}, ref_generalized_cross_entropy,
        as_cross_entropy={"q": 0.0},
        invalid=({"q": -0.1}, {"q": 1.5}, {"q": "0.7"}, {"q": None}),
    ),
    LossCase(
        "symmetric_cross_entropy", SymmetricCrossEntropyLoss, symmetric_cross_entropy_loss,
        {"alpha": 0.1, "beta": 1.0, "log_zero": -4.0}, ref_symmetric_cross_entropy,
        as_cross_entropy={"alpha": 1.0, "beta": 0.0},
        invalid=(
            {"alpha": -0.1}, {"beta": -1.0}, {"log_zero": 0.0}, {"log_zero": 4.0},
            {"beta": "1"},
        ),
    ),
]


USER_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user_guide" / "losses.rst"


def user_guide_code():
    """The Python blocks of the user guide's "Write your own loss" section, in order."""
    text = USER_GUIDE.read_text()
    section = text[text.index(".. _losses_write_your_own:"):]
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:   .*\n|\n)+)", section)
    return [re.sub(r"^   ", "", block, flags=re.M) for block in blocks]


def _user_guide_case():
    """The loss the user guide writes (its first block), as a catalogue entry."""
    namespace = {"__name__": "user_guide_losses"}
    exec(user_guide_code()[0], namespace)  # noqa: S102 (our own documentation)
    return LossCase(
        "taylor_cross_entropy (user guide)", namespace["TaylorCrossEntropyLoss"],
        namespace["taylor_cross_entropy_loss"], {"order": 3}, ref_taylor_cross_entropy,
        invalid=({"order": 0}, {"order": 1.5}),
    )


# the catalogue and the loss of the user guide: the shared tests run on both
CASES = [*CATALOGUE, _user_guide_case()]
IDS = [case.name for case in CASES]
DECOMPOSABLE = [case for case in CASES if case.decomposable]
DECOMPOSABLE_IDS = [case.name for case in DECOMPOSABLE]


def assert_close(actual, expected, rtol=1e-6, atol=1e-8):
    torch.testing.assert_close(
        actual.detach().double(), expected.detach().double(), rtol=rtol, atol=atol
    )


def grad_of(fn, logits):
    """Gradient of ``fn(logits)`` with respect to a fresh leaf copy of ``logits``."""
    leaf = logits.detach().clone().requires_grad_(True)
    fn(leaf).backward()
    return leaf.grad
