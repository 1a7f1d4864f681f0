"""PolyLoss / poly_loss: Poly-1 = CE + epsilon * (1 - p_t)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import PolyLoss, poly_loss

from ._helpers import assert_close, make_batch


@pytest.mark.parametrize("epsilon", [-1.0, 0.5, 1.0, 4.0])
def test_equals_cross_entropy_plus_epsilon_one_minus_pt(epsilon):
    logits, target, _ = make_batch(n=15, k=4, seed=62)
    p_t = torch.softmax(logits, 1)[torch.arange(15), target]
    expected = F.cross_entropy(logits, target, reduction="none") + epsilon * (1 - p_t)
    ours = poly_loss(logits, target, epsilon=epsilon, reduction="none")
    assert_close(ours, expected, rtol=1e-12, atol=1e-12)


def test_epsilon_minus_one_keeps_the_loss_decreasing_in_pt():
    # d/dp (-log p - (1 - p)) = -1/p + 1 <= 0 on (0, 1]
    p_true = torch.linspace(0.05, 0.95, 19, dtype=torch.float64)
    logits = torch.stack([torch.log(p_true), torch.log1p(-p_true)], dim=1)
    loss = PolyLoss(epsilon=-1.0, reduction="none")(logits, torch.zeros(19, dtype=torch.long))
    assert torch.all(loss.diff() < 0)

