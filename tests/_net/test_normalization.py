"""The estimators' weight normalisations (user guide, "Weight semantics"), beside the
weighting rule."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight._net.weighting import NORMALIZATIONS, batch_objective, normalize_weights


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


def test_batch_objective_of_per_row_losses():
    loss = torch.tensor([1.0, 2.0, 4.0])
    w = torch.tensor([0.5, 1.5, 4.0])
    total = 0.5 * 1.0 + 1.5 * 2.0 + 4.0 * 4.0
    for normalization in ("global", "none"):
        assert batch_objective(loss, w, normalization).item() == pytest.approx(total / 3)
    assert batch_objective(loss, w, "batch").item() == pytest.approx(total / 6.0)
    for normalization in NORMALIZATIONS:  # no weights: the plain mean
        assert batch_objective(loss, None, normalization).item() == pytest.approx(7 / 3)
    assert set(NORMALIZATIONS) == {"global", "batch", "none"}


def test_batch_objective_of_a_non_decomposable_mean():
    # a scalar is the loss's weighted mean sum(w l) / sum(w): rescaled by mean(w)
    mean = torch.tensor(2.0)
    w = torch.tensor([0.5, 1.5, 4.0])
    assert batch_objective(mean, w, "batch") is mean
    assert batch_objective(mean, None, "global") is mean
    for normalization in ("global", "none"):
        assert batch_objective(mean, w, normalization).item() == pytest.approx(4.0)


def test_batch_objective_casts_weights_and_backpropagates():
    loss = torch.tensor([1.0, 3.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([1.0, 0.5])  # float32 weights, float64 losses
    out = batch_objective(loss, w, "global")
    assert out.dtype == torch.float64
    out.backward()
    torch.testing.assert_close(loss.grad, torch.tensor([0.5, 0.25], dtype=torch.float64))


@pytest.mark.parametrize("function", [normalize_weights, batch_objective])
def test_unknown_normalization(function):
    args = (torch.ones(2), torch.ones(2)) if function is batch_objective else (torch.ones(2),)
    with pytest.raises(ValueError, match=r"'weight_normalization'.*Got 'global2'"):
        function(*args, "global2")


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8), st.integers(0, 1000))
def test_global_batches_average_to_the_full_weighted_objective(n_batches, batch_size, seed):
    """With global normalisation the mean batch loss is sum(w l) / sum(w)."""
    gen = torch.Generator().manual_seed(seed)
    n = n_batches * batch_size
    loss = torch.rand(n, generator=gen, dtype=torch.float64)
    w = torch.rand(n, generator=gen, dtype=torch.float64) * 3
    w[0] += 0.1
    w_tilde = normalize_weights(w, "global")
    batches = [
        batch_objective(loss[b], w_tilde[b], "global")
        for b in torch.arange(n).split(batch_size)
    ]
    expected = (w * loss).sum() / w.sum()
    torch.testing.assert_close(sum(batches) / n_batches, expected)
