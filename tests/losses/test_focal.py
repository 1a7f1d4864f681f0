"""FocalLoss / focal_loss: cross-entropy at gamma=0, alpha conventions, stability."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight.losses import FocalLoss, focal_loss

from ._helpers import assert_close, make_batch, ref_focal


def test_binary_float_alpha_is_alpha_for_class_one():
    logits, target, _ = make_batch(n=12, k=2, seed=12)
    per_sample = FocalLoss(gamma=2.0, alpha=0.25, reduction="none")(logits, target)
    plain = FocalLoss(gamma=2.0, reduction="none")(logits, target)
    expected = torch.where(target == 1, 0.25, 0.75) * plain
    assert_close(per_sample, expected, rtol=1e-12)


def test_multiclass_float_alpha_is_the_same_for_every_class():
    logits, target, _ = make_batch(n=12, k=4, seed=13)
    per_sample = FocalLoss(alpha=0.25, reduction="none")(logits, target)
    assert_close(per_sample, 0.25 * FocalLoss(reduction="none")(logits, target), rtol=1e-12)


def test_alpha_vector_is_per_class_and_part_of_the_loss_not_the_weight():
    logits, target, _ = make_batch(n=15, k=3, seed=14)
    alpha = [0.2, 0.5, 0.3]
    module = FocalLoss(gamma=1.5, alpha=alpha)
    assert "alpha" in dict(module.named_buffers())
    per_sample = ref_focal(logits, target, gamma=1.5, alpha=alpha)
    # alpha enters l, so "mean" divides by the number of rows, not by sum(alpha_t)
    assert_close(module(logits, target), per_sample.mean())
    assert_close(focal_loss(logits, target, gamma=1.5, alpha=alpha), per_sample.mean())
    assert isinstance(FocalLoss(alpha=0.3).alpha, float)


def test_alpha_vector_of_wrong_length_names_k():
    logits, target, _ = make_batch(n=6, k=3)
    with pytest.raises(ValueError, match=r"'alpha'.*K=3.*length 2"):
        FocalLoss(alpha=[0.5, 0.5])(logits, target)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.0, 5.0), st.floats(0.0, 5.0), st.integers(0, 1000))
def test_focal_decreases_with_gamma_and_is_at_most_cross_entropy(g1, g2, seed):
    logits, target, _ = make_batch(n=10, k=3, seed=seed)
    low, high = sorted((g1, g2))
    l_low = FocalLoss(gamma=low, reduction="none")(logits, target)
    l_high = FocalLoss(gamma=high, reduction="none")(logits, target)
    ce = F.cross_entropy(logits, target, reduction="none")
    assert torch.all(l_high <= l_low + 1e-12)
    assert torch.all(l_low <= ce + 1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.3, 0.5, 1.0, 2.0, 5.0])
def test_confident_rows_have_finite_gradients_for_any_gamma(gamma):
    logits = torch.tensor([[1e4, -1e4, -1e4], [-1e4, 1e4, -1e4], [0.0, 0.0, 0.0]])
    target = torch.tensor([0, 0, 2])
    z = logits.clone().requires_grad_(True)
    loss = FocalLoss(gamma=gamma)(z, target)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(z.grad).all()
    assert z.grad[0].abs().max() == 0  # a perfect row teaches nothing


def test_negative_alpha_vector_is_rejected():
    with pytest.raises(ValueError, match=r"'alpha'.*non-negative.*entry 1"):
        FocalLoss(alpha=[0.5, -0.5, 0.5])
