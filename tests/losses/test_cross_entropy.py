"""WeightedCrossEntropyLoss / weighted_cross_entropy_loss against torch's cross-entropy."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import WeightedCrossEntropyLoss, weighted_cross_entropy_loss

from ._helpers import assert_close, make_batch


def test_unweighted_equals_torch_and_sample_weights_compose():
    logits, target, sample_weight = make_batch(n=20, k=5, seed=8)
    weight = torch.tensor([0.2, 1.0, 3.0, 0.5, 2.0], dtype=torch.float64)
    assert_close(weighted_cross_entropy_loss(logits, target), F.cross_entropy(logits, target))
    per_sample = F.cross_entropy(logits, target, reduction="none")
    w = sample_weight * weight[target]
    loss = weighted_cross_entropy_loss(logits, target, sample_weight, weight=weight)
    assert_close(loss, (w * per_sample).sum() / w.sum())


@pytest.mark.parametrize(
    "weight",
    [[1.0, 2.0, 3.0], (1, 2, 3), np.array([1.0, 2.0, 3.0]), torch.tensor([1, 2, 3])],
    ids=["list", "int tuple", "ndarray", "int tensor"],
)
def test_weight_array_likes(weight):
    logits, target, _ = make_batch(n=9, k=3, dtype=torch.float32)
    module = WeightedCrossEntropyLoss(weight=weight)
    assert module.weight.dtype == torch.float32
    expected = F.cross_entropy(logits, target, weight=torch.tensor([1.0, 2.0, 3.0]))
    assert_close(module(logits, target), expected, rtol=1e-6)
    assert_close(weighted_cross_entropy_loss(logits, target, weight=weight), expected, rtol=1e-6)


def test_all_zero_weights_give_nan_like_torch():
    logits, target, _ = make_batch(n=5, k=3)
    zeros = torch.zeros(5, dtype=logits.dtype)
    assert torch.isnan(WeightedCrossEntropyLoss()(logits, target, zeros))
    assert torch.isnan(F.cross_entropy(logits, target, weight=torch.zeros(3, dtype=logits.dtype)))
