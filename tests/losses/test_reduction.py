"""The weighted reduction and the batch normalisations of sklweight.losses._reduction."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight.losses._reduction import (
    NORMALIZATIONS,
    REDUCTIONS,
    combine_weights,
    normalize_weights,
    scale_batch_loss,
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


@pytest.mark.parametrize("as_numpy", [False, True])
def test_normalize_weights_global_has_mean_one(as_numpy):
    w = np.array([1.0, 3.0, 0.0, 4.0]) if as_numpy else torch.tensor([1.0, 3.0, 0.0, 4.0])
    out = normalize_weights(w, "global")
    assert out is not w
    assert float(out.mean()) == pytest.approx(1.0)
    assert float(out[1] / out[0]) == pytest.approx(3.0)
    assert float(w[1]) == 3.0  # not modified in place


@pytest.mark.parametrize("normalization", ["batch", "none"])
def test_normalize_weights_batch_and_none_keep_the_weights(normalization):
    w = torch.tensor([1.0, 3.0])
    assert normalize_weights(w, normalization) is w


def test_scale_batch_loss():
    loss = torch.tensor(2.0)
    batch_weight = torch.tensor([0.5, 1.5, 4.0])
    assert scale_batch_loss(loss, batch_weight, "batch") is loss
    for normalization in ("global", "none"):
        assert scale_batch_loss(loss, batch_weight, normalization).item() == pytest.approx(4.0)
    assert set(NORMALIZATIONS) == {"global", "batch", "none"}


@pytest.mark.parametrize("function", [normalize_weights, scale_batch_loss])
def test_unknown_normalization(function):
    args = (torch.ones(2), torch.ones(2)) if function is scale_batch_loss else (torch.ones(2),)
    with pytest.raises(ValueError, match=r"'weight_normalization'.*Got 'global2'"):
        function(*args, "global2")


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8), st.integers(0, 1000))
def test_global_batches_average_to_the_full_weighted_objective(n_batches, batch_size, seed):
    """SPEC 3.2: with global normalisation the mean batch loss is sum(w l) / sum(w)."""
    gen = torch.Generator().manual_seed(seed)
    n = n_batches * batch_size
    loss = torch.rand(n, generator=gen, dtype=torch.float64)
    w = torch.rand(n, generator=gen, dtype=torch.float64) * 3
    w[0] += 0.1
    w_tilde = normalize_weights(w, "global")
    batches = [
        scale_batch_loss(weighted_reduce(loss[b], w_tilde[b], "mean"), w_tilde[b], "global")
        for b in torch.arange(n).split(batch_size)
        if w_tilde[b].sum() > 0
    ]
    expected = (w * loss).sum() / w.sum()
    # a batch with zero total weight contributes 0 (its mean is 0/0, never formed here)
    torch.testing.assert_close(sum(batches) / n_batches, expected)
