"""The CPU speed paths of sklweight/losses/_autograd.py's scaled cross-entropy: narrow
logits are only scaled, wide ones are floored, and both equal the autograd reference;
the range check reads a sample of rows; the one buffer survives a retained graph."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import _autograd
from sklweight.losses._autograd import scaled_cross_entropy

from ._helpers import assert_close, make_batch


@pytest.mark.parametrize("spread", [0.02, 6.0], ids=["narrow", "wide"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_scaled_cross_entropy_matches_autograd_reference(spread, dtype):
    logits, target, _ = make_batch(n=200, k=7, seed=3, scale=spread, dtype=dtype)
    wide = not _autograd._narrow(logits, 30.0, _autograd._exp_floor(dtype, 7))
    assert wide == (spread > 1)
    z = logits.clone().requires_grad_(True)
    loss = scaled_cross_entropy(z, target, 30.0)
    z64 = logits.double().requires_grad_(True)
    expected = F.cross_entropy(30.0 * z64, target, reduction="none")
    tol = {"rtol": 1e-5, "atol": 1e-4} if dtype == torch.float32 else {
        "rtol": 1e-10, "atol": 1e-10}
    assert_close(loss.double(), expected, **tol)
    upstream = torch.rand(200, dtype=dtype)
    (loss * upstream).sum().backward()
    (expected * upstream.double()).sum().backward()
    assert_close(z.grad.double(), z64.grad, **tol)


def test_wide_path_gradcheck():
    logits, target, _ = make_batch(n=12, k=5, seed=4, scale=20.0)
    z = logits.clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z: scaled_cross_entropy(z, target, 30.0), (z,))


def test_range_check_samples_rows_and_judges_each_row():
    floor = _autograd._exp_floor(torch.float32, 4)
    logits = torch.zeros(10_000, 4)
    logits[::7, 0] = 100.0  # every 7th row is wide: the sample sees some of them
    assert not _autograd._narrow(logits, 30.0, floor)
    # each row narrow, rows far apart: nothing to floor (a global range would say wide)
    shifted = torch.rand(10_000, 4) + torch.arange(10_000.0).unsqueeze(1)
    assert _autograd._narrow(shifted, 30.0, floor)


@pytest.mark.parametrize("spread", [0.02, 6.0], ids=["narrow", "wide"])
def test_backward_twice_through_a_retained_graph_gives_the_same_gradient(spread):
    # the forward buffer becomes the first gradient; a second backward recomputes it
    logits, target, _ = make_batch(n=50, k=6, seed=5, scale=spread, dtype=torch.float32)
    z = logits.clone().requires_grad_(True)
    margin = torch.rand(50)
    loss = _autograd.margin_cross_entropy(z, target, margin, 30.0).sum()
    (first,) = torch.autograd.grad(loss, z, retain_graph=True)
    (second,) = torch.autograd.grad(loss, z)
    assert_close(first, second, rtol=0, atol=0)
    shifted = 30.0 * (logits.double() - F.one_hot(target, 6) * margin.double()[:, None])
    z64 = shifted.requires_grad_(True)
    F.cross_entropy(z64, target, reduction="sum").backward()
    assert_close(first.double(), 30.0 * z64.grad, rtol=1e-4, atol=1e-5)
