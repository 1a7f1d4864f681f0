"""SymmetricCrossEntropyLoss and its function: alpha CE + beta RCE, RCE = -A (1 - p_t)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import SymmetricCrossEntropyLoss, symmetric_cross_entropy_loss

from ._helpers import assert_close, make_batch


@pytest.mark.parametrize("log_zero", [-4.0, -1.0, -10.0])
def test_reverse_term_is_minus_a_times_one_minus_pt(log_zero):
    logits, target, _ = make_batch(n=15, k=4, seed=82)
    p_t = torch.softmax(logits, 1)[torch.arange(15), target]
    ours = symmetric_cross_entropy_loss(
        logits, target, alpha=0.0, beta=1.0, log_zero=log_zero, reduction="none"
    )
    assert_close(ours, -log_zero * (1 - p_t), rtol=1e-12, atol=1e-14)
    # with A = -2 the reverse term is the mean absolute error sum_k |p_k - onehot_k|
    mae = (torch.softmax(logits, 1) - F.one_hot(target, 4)).abs().sum(1)
    rce = symmetric_cross_entropy_loss(logits, target, alpha=0.0, log_zero=-2.0, reduction="none")
    assert_close(rce, mae, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("alpha, beta", [(0.1, 1.0), (1.0, 1.0), (0.5, 2.0)])
def test_is_the_weighted_sum_of_its_terms(alpha, beta):
    logits, target, sample_weight = make_batch(n=15, k=3, seed=83)
    ce = F.cross_entropy(logits, target, reduction="none")
    rce = symmetric_cross_entropy_loss(logits, target, alpha=0.0, beta=1.0, reduction="none")
    ours = SymmetricCrossEntropyLoss(alpha=alpha, beta=beta)(logits, target, sample_weight)
    expected = (sample_weight * (alpha * ce + beta * rce)).sum() / sample_weight.sum()
    assert_close(ours, expected, rtol=1e-12)


def test_reverse_term_is_bounded_and_the_loss_resists_confidently_wrong_rows():
    logits, target, _ = make_batch(n=40, k=5, seed=84, scale=50.0)
    rce = symmetric_cross_entropy_loss(logits, target, alpha=0.0, reduction="none")
    assert torch.all(rce >= 0) and torch.all(rce <= 4.0)
    # the reverse term's gradient vanishes on a confidently wrong row, CE's does not
    z = torch.tensor([[20.0, 0.0, 0.0]], requires_grad=True)
    symmetric_cross_entropy_loss(z, torch.tensor([1]), alpha=0.0).backward()
    assert z.grad.abs().max() < 1e-7
    z.grad = None
    F.cross_entropy(z, torch.tensor([1])).backward()
    assert z.grad.abs().max() > 0.9


def test_repr_shows_the_hyper_parameters():
    text = repr(SymmetricCrossEntropyLoss(alpha=0.2, beta=0.5, log_zero=-6.0))
    assert "alpha=0.2" in text and "beta=0.5" in text and "log_zero=-6.0" in text
