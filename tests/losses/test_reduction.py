"""The one weighted reduction of the losses (sklweight.losses._reduction)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight.losses._reduction import (
    REDUCTIONS,
    combine_weights,
    weighted_reduce,
)


def test_combine_weights():
    target = torch.tensor([0, 2, 1, 2])
    sample = torch.tensor([1.0, 0.5, 2.0, 0.0])
    weight = torch.tensor([3.0, 4.0, 5.0])
    assert combine_weights(target) is None
    assert combine_weights(target, sample_weight=sample) is sample
    assert torch.equal(combine_weights(target, weight=weight), torch.tensor([3.0, 5.0, 4.0, 5.0]))
    both = combine_weights(target, sample, weight)
    assert torch.equal(both, torch.tensor([3.0, 2.5, 8.0, 0.0]))


def test_weighted_reduce_each_reduction():
    loss = torch.tensor([1.0, 2.0, 3.0, 4.0])
    w = torch.tensor([0.5, 0.0, 2.0, 1.0])
    assert torch.equal(weighted_reduce(loss, w, "none"), loss * w)
    assert weighted_reduce(loss, w, "sum").item() == pytest.approx(10.5)
    assert weighted_reduce(loss, w, "mean").item() == pytest.approx(10.5 / 3.5)
    assert weighted_reduce(loss, None, "mean").item() == pytest.approx(2.5)
    assert weighted_reduce(loss, None, "sum").item() == pytest.approx(10.0)
    assert weighted_reduce(loss, None, "none") is loss
    assert set(REDUCTIONS) == {"mean", "sum", "none"}


def test_weighted_reduce_casts_weights_to_the_loss_dtype():
    loss = torch.tensor([1.0, 2.0])
    out = weighted_reduce(loss, torch.tensor([1.0, 3.0], dtype=torch.float64), "mean")
    assert out.dtype == torch.float32
    assert weighted_reduce(loss, torch.tensor([1, 3]), "sum").item() == pytest.approx(7.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 20), st.integers(0, 1000), st.floats(1e-3, 1e3))
def test_mean_is_invariant_to_scaling_and_ones_are_no_weights(n, seed, k):
    gen = torch.Generator().manual_seed(seed)
    loss = torch.rand(n, generator=gen, dtype=torch.float64)
    w = torch.rand(n, generator=gen, dtype=torch.float64) + 0.01
    torch.testing.assert_close(weighted_reduce(loss, k * w), weighted_reduce(loss, w))
    torch.testing.assert_close(weighted_reduce(loss, torch.ones_like(loss)), loss.mean())


def test_weighted_reduce_unknown_reduction():
    with pytest.raises(ValueError, match=r"'reduction'.*'mean', 'sum', 'none'.*Got 'avg'"):
        weighted_reduce(torch.ones(3), None, "avg")
