"""LabelSmoothingLoss / label_smoothing_loss: eps spread on the other K-1 classes (see the
user guide, docs/user_guide/losses.rst, "Label smoothing")."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import LabelSmoothingLoss, label_smoothing_loss

from ._helpers import assert_close, make_batch, ref_label_smoothing


@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_equals_torch_label_smoothing_rescaled(k, fraction, reduction):
    eps = fraction * (k - 1) / k  # up to the uniform-target limit
    logits, target, _ = make_batch(n=25, k=k, seed=31)
    ours = LabelSmoothingLoss(smoothing=eps, reduction=reduction)(logits, target)
    expected = F.cross_entropy(
        logits, target, label_smoothing=min(eps * k / (k - 1), 1.0), reduction=reduction
    )
    assert_close(ours, expected, rtol=1e-12, atol=1e-12)


def test_gradient_matches_torch():
    logits, target, _ = make_batch(n=12, k=4, seed=32)
    z1 = logits.clone().requires_grad_(True)
    z2 = logits.clone().requires_grad_(True)
    LabelSmoothingLoss(smoothing=0.3)(z1, target).backward()
    F.cross_entropy(z2, target, label_smoothing=0.4).backward()
    assert_close(z1.grad, z2.grad, rtol=1e-12, atol=1e-14)


def test_weight_multiplies_the_whole_per_sample_loss():
    logits, target, _ = make_batch(n=16, k=3, seed=33)
    weight = torch.tensor([0.2, 1.0, 4.0], dtype=torch.float64)
    per_sample = ref_label_smoothing(logits, target, 0.2)
    expected = (weight[target] * per_sample).sum() / weight[target].sum()
    assert_close(LabelSmoothingLoss(smoothing=0.2, weight=weight)(logits, target), expected)


@pytest.mark.parametrize("k, eps", [(2, 0.51), (3, 0.7), (10, 0.95)])
def test_smoothing_above_uniform_names_k(k, eps):
    logits, target, _ = make_batch(n=8, k=k)
    with pytest.raises(ValueError, match=rf"'smoothing'.*LabelSmoothingLoss.*K={k}.*Got {eps}"):
        LabelSmoothingLoss(smoothing=eps)(logits, target)
    with pytest.raises(ValueError, match=rf"'smoothing'.*label_smoothing_loss.*K={k}"):
        label_smoothing_loss(logits, target, smoothing=eps)

