"""The estimators' weight normalisations (SPEC 3.2), beside the weighting rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight._net.weighting import NORMALIZATIONS, normalize_weights, scale_batch_loss
from sklweight.losses._reduction import weighted_reduce


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
