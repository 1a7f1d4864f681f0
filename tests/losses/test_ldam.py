"""LDAMLoss / ldam_loss: margins proportional to n^(-1/4), scaled cross-entropy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import LDAMLoss, ldam_loss
from sklweight.losses._autograd import margin_cross_entropy

from ._helpers import assert_close, make_batch, ref_ldam

COUNTS = [1000.0, 200.0, 40.0, 8.0]


def test_margins_follow_the_quarter_power_and_peak_at_max_margin():
    module = LDAMLoss(class_counts=COUNTS, max_margin=0.7)
    counts = torch.tensor(COUNTS)
    assert module.margins.max().item() == pytest.approx(0.7)
    assert module.margins.argmax().item() == 3
    ratio = module.margins * counts**0.25
    assert_close(ratio, ratio[0].expand(4), rtol=1e-6)


@pytest.mark.parametrize("scale", [1.0, 30.0])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_equals_scaled_cross_entropy_with_target_margin(scale, reduction):
    logits, target, _ = make_batch(n=20, k=4, seed=51, scale=0.5)
    margins = LDAMLoss(class_counts=COUNTS).margins.double()
    adjusted = logits.clone()
    adjusted[torch.arange(20), target] -= margins[target]
    expected = F.cross_entropy(scale * adjusted, target, reduction=reduction)
    loss = ldam_loss(logits, target, class_counts=COUNTS, scale=scale, reduction=reduction)
    assert_close(loss, expected, rtol=1e-6)


def test_wide_logits_match_the_reference_value_and_gradient():
    # a scale of 30 on logits spread over +-60 puts most softmax terms below float32's tiny
    logits, target, _ = make_batch(n=64, k=10, seed=53, scale=20.0, dtype=torch.float32)
    counts = [2.0**c for c in range(10)]
    z = logits.clone().requires_grad_(True)
    loss = LDAMLoss(class_counts=counts, reduction="none")(z, target)
    loss.sum().backward()
    z64 = logits.double().requires_grad_(True)
    expected = ref_ldam(z64, target, counts)
    expected.sum().backward()
    assert_close(loss, expected, rtol=1e-5, atol=1e-4)
    assert_close(z.grad, z64.grad, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("scale, max_margin", [(30.0, 0.5), (1.0, 0.5), (3.0, 40.0)])
def test_margin_cross_entropy_matches_explicit_shift(scale, max_margin):
    # (3, 40): a scaled margin of up to 120, beyond float32's exp range
    logits, target, _ = make_batch(n=9, k=4, seed=54, scale=0.3)
    margin = max_margin * torch.rand(9, dtype=torch.float64)
    z = logits.clone().requires_grad_(True)
    loss = margin_cross_entropy(z, target, margin, scale)
    one_hot = F.one_hot(target, 4).to(z.dtype)
    z_ref = logits.clone().requires_grad_(True)
    shifted = scale * (z_ref - one_hot * margin[:, None])
    expected = F.cross_entropy(shifted, target, reduction="none")
    assert_close(loss, expected, rtol=1e-12, atol=1e-12)
    loss.sum().backward()
    expected.sum().backward()
    assert_close(z.grad, z_ref.grad, rtol=1e-10, atol=1e-12)
    assert torch.autograd.gradcheck(
        lambda z: margin_cross_entropy(z, target, margin, scale), (z,)
    )


def test_wide_logits_float64_gradcheck_and_exact_value():
    # logits spread over +-40 at scale 30: most softmax terms are floored on CPU
    logits, target, _ = make_batch(n=8, k=5, seed=56, scale=20.0)
    target[0] = logits[0].argmin()  # a row whose target logit is floored too
    counts = [50.0, 20.0, 10.0, 5.0, 1.0]
    z = logits.clone().requires_grad_(True)
    loss = ldam_loss(z, target, class_counts=counts, reduction="none")
    assert_close(loss, ref_ldam(logits, target, counts), rtol=1e-12, atol=1e-12)
    assert torch.autograd.gradcheck(
        lambda z: ldam_loss(z, target, class_counts=counts, reduction="none"), (z,)
    )


def test_second_derivative_is_refused_not_wrong():
    logits, target, _ = make_batch(n=6, k=3, seed=55, scale=0.3)
    z = logits.clone().requires_grad_(True)
    loss = margin_cross_entropy(z, target, torch.full((6,), 0.5, dtype=z.dtype), 3.0)
    (grad,) = torch.autograd.grad(loss.sum(), z, create_graph=True)
    # the first-order gradient carries no graph of its own (or a DelayedError node)
    with pytest.raises(RuntimeError, match="once_differentiable|does not require grad"):
        grad.sum().backward()


def test_zero_count_gets_the_largest_margin():
    module = LDAMLoss(class_counts=[100, 0, 10])
    assert module.margins[1].item() == pytest.approx(0.5)
    assert torch.isfinite(module.margins).all()


def test_missing_class_counts_tells_how_to_fix():
    logits, target, _ = make_batch(n=5, k=3)
    with pytest.raises(ValueError, match=r"'class_counts'.*LDAMLoss.*pass class_counts="):
        LDAMLoss()(logits, target)
    with pytest.raises(ValueError, match=r"'class_counts'.*ldam_loss"):
        ldam_loss(logits, target)
    assert LDAMLoss.requires_class_counts is True


def test_class_counts_are_kept_as_given():
    # as torch's losses keep their weight: the counts come back, zeros included
    counts = np.array([900, 0, 20])
    module = LDAMLoss(class_counts=counts, max_margin=0.5)
    np.testing.assert_array_equal(module.class_counts.numpy(), counts)
    assert "class_counts" in dict(module.named_buffers())  # moved by .to(device)
    counts[0] = 1
    assert module.class_counts[0] == 900  # a copy, not the caller's array
    assert "class_counts=tensor([900.,   0.,  20.])" in repr(module)
    assert LDAMLoss().class_counts is None


def test_float32_gradient_matches_float64_reference_at_the_default_scale():
    # logits of spread 2 at scale 30: the margin must not lose float32 precision
    generator = torch.Generator().manual_seed(57)
    logits = 2 * torch.randn(2048, 100, generator=generator)
    target = torch.randint(100, (2048,), generator=generator)
    counts = (1000.0 * 0.01 ** (torch.arange(100) / 99)).round()
    z = logits.clone().requires_grad_(True)
    LDAMLoss(class_counts=counts)(z, target).backward()
    z64 = logits.double().requires_grad_(True)
    ref_ldam(z64, target, counts).mean().backward()
    assert_close(z.grad.double(), z64.grad, rtol=0, atol=1e-4 * z64.grad.abs().max().item())
