"""GeneralizedCrossEntropyLoss and its function: between CE (q -> 0) and MAE (q = 1)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import GeneralizedCrossEntropyLoss, generalized_cross_entropy_loss

from ._helpers import assert_close, make_batch


@pytest.mark.parametrize("q", [1e-3, 1e-6, 1e-9])
def test_small_q_tends_to_cross_entropy(q):
    # |(1 - p^q)/q - (-log p)| = q (log p)^2 / 2 + O(q^2): the computation keeps it that small
    logits, target, _ = make_batch(n=20, k=4, seed=72)
    ce = F.cross_entropy(logits, target, reduction="none")
    ours = generalized_cross_entropy_loss(logits, target, q=q, reduction="none")
    assert torch.all(ours <= ce)
    assert torch.all(ce - ours <= q * ce**2 / 2 * 1.01 + 1e-14)


def test_small_q_gradient_tends_to_cross_entropy_gradient():
    logits, target, _ = make_batch(n=20, k=4, seed=73)
    z1 = logits.clone().requires_grad_(True)
    z2 = logits.clone().requires_grad_(True)
    GeneralizedCrossEntropyLoss(q=1e-8)(z1, target).backward()
    F.cross_entropy(z2, target).backward()
    assert_close(z1.grad, z2.grad, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_q_one_is_mean_absolute_error(reduction):
    logits, target, sample_weight = make_batch(n=15, k=3, seed=74)
    p_t = torch.softmax(logits, 1)[torch.arange(15), target]
    mae = 1 - p_t  # = sum_k |p_k - onehot_k| / 2
    assert_close(mae, (torch.softmax(logits, 1) - F.one_hot(target, 3)).abs().sum(1) / 2)
    ours = GeneralizedCrossEntropyLoss(q=1.0, reduction=reduction)(logits, target, sample_weight)
    expected = {
        "none": sample_weight * mae,
        "sum": (sample_weight * mae).sum(),
        "mean": (sample_weight * mae).sum() / sample_weight.sum(),
    }[reduction]
    assert_close(ours, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("q", [0.1, 0.3, 0.7, 1.0])
def test_bounded_by_one_over_q_and_below_cross_entropy(q):
    logits, target, _ = make_batch(n=40, k=5, seed=75, scale=20.0)
    loss = generalized_cross_entropy_loss(logits, target, q=q, reduction="none")
    ce = F.cross_entropy(logits, target, reduction="none")
    assert torch.all(loss >= 0) and torch.all(loss <= 1 / q)
    assert torch.all(loss <= ce + 1e-12)  # (1 - p^q)/q <= -log p for q > 0


def test_decreases_with_q():
    logits, target, _ = make_batch(n=30, k=4, seed=76)
    qs = (0.0, 0.2, 0.5, 1.0)
    values = torch.stack(
        [generalized_cross_entropy_loss(logits, target, q=q, reduction="none") for q in qs]
    )
    assert torch.all(values.diff(dim=0) <= 1e-12)


def test_gradient_weights_each_row_by_its_confidence():
    # d l / d z = p_t ** q * d(CE) / d z: a confidently wrong row has a vanishing gradient
    logits, target, _ = make_batch(n=10, k=3, seed=77)
    q = 0.7
    z1 = logits.clone().requires_grad_(True)
    generalized_cross_entropy_loss(z1, target, q=q, reduction="sum").backward()
    z2 = logits.clone().requires_grad_(True)
    ce = F.cross_entropy(z2, target, reduction="none")
    (torch.exp(-q * ce).detach() * ce).sum().backward()
    assert_close(z1.grad, z2.grad, rtol=1e-10, atol=1e-12)


def test_repr_shows_q():
    assert "q=0.3" in repr(GeneralizedCrossEntropyLoss(q=0.3))
