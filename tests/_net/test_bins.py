"""The bins of the piecewise-linear embedding: quantile and target-aware (tree) bins,
their shape, and the weight rules (scaling, zero weight, integer weight)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sklweight._net.bins import fit_bins, quantile_bins, tree_bins

STRATEGIES = ["quantile", "tree"]


def _data(seed=0, n=120, n_features=3):
    rng = np.random.RandomState(seed)
    X = torch.from_numpy(rng.normal(size=(n, n_features)))
    y = torch.from_numpy(rng.randint(0, 3, n))
    return X, y


def _edges(left, width, n_used, j):
    used = int(n_used[j])
    return torch.cat([left[j, :used], left[j, used - 1:used] + width[j, used - 1:used]])


def _assert_same(a, b):
    for x, z in zip(a, b, strict=True):
        torch.testing.assert_close(x, z)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_edges_are_sorted_and_span_the_column(strategy):
    X, y = _data()
    left, width, n_used = fit_bins(X, 6, y=y, strategy=strategy)
    assert left.shape == width.shape == (3, 6) and n_used.shape == (3,)
    for j in range(3):
        edges = _edges(left, width, n_used, j)
        assert 1 <= n_used[j] <= 6
        assert torch.all(edges[1:] > edges[:-1])
        torch.testing.assert_close(edges[[0, -1]], torch.stack([X[:, j].min(), X[:, j].max()]))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_constant_column_gets_one_bin(strategy):
    X, y = _data()
    X[:, 1] = 2.5
    left, width, n_used = fit_bins(X, 6, y=y, strategy=strategy)
    assert n_used[1] == 1 and left[1, 0] == 2.5 and width[1, 0] == 1


def test_one_bin_spans_the_column():
    X, y = _data()
    left, width, n_used = tree_bins(X, y, 1)
    assert torch.all(n_used == 1)
    torch.testing.assert_close(left[:, 0], X.min(0).values)
    torch.testing.assert_close(left[:, 0] + width[:, 0], X.max(0).values)


def test_tree_bins_isolate_a_narrow_minority_range_that_quantile_bins_cut_through():
    # 480 majority rows spread over [0, 10], 20 minority rows in [4.9, 5.1]
    rng = np.random.RandomState(0)
    x = np.concatenate([rng.uniform(0, 10, 480), rng.uniform(4.9, 5.1, 20)])
    X = torch.from_numpy(x[:, None])
    y = torch.from_numpy(np.repeat([0, 1], [480, 20]))

    def majority_rows_beside_the_minority(bins):
        """Majority rows in the bins that hold minority rows."""
        edges = _edges(*bins, 0).numpy()
        which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
        return int(np.isin(which[:480], which[480:]).sum())

    # about 10 majority rows fall in [4.9, 5.1] itself; the tree's bins stay near that,
    # the quantile bin around 5 holds 1/8 of all rows, mostly majority
    assert majority_rows_beside_the_minority(tree_bins(X, y, 8)) <= 15
    assert majority_rows_beside_the_minority(quantile_bins(X, 8)) > 40


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_scaling_the_weights_changes_no_edge(strategy):
    X, y = _data()
    w = torch.from_numpy(np.random.RandomState(1).uniform(0.1, 3.0, len(y)))
    _assert_same(fit_bins(X, 6, w, y, strategy), fit_bins(X, 6, 7.0 * w, y, strategy))


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_zero_weight_rows_are_absent(strategy):
    X, y = _data()
    w = torch.ones(len(y), dtype=X.dtype)
    w[::3] = 0
    kept = w > 0
    _assert_same(fit_bins(X, 6, w, y, strategy), fit_bins(X[kept], 6, None, y[kept], strategy))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), strategy=st.sampled_from(STRATEGIES))
def test_an_integer_weight_is_a_repeated_row(seed, strategy):
    X, y = _data(seed, n=60)
    counts = torch.from_numpy(np.random.RandomState(seed).randint(1, 4, len(y)))
    repeated = torch.repeat_interleave(torch.arange(len(y)), counts)
    _assert_same(fit_bins(X, 5, counts.to(X.dtype), y, strategy),
                 fit_bins(X[repeated], 5, None, y[repeated], strategy))


# ---- quantile bins
def test_unweighted_bins_are_the_quantiles():
    X = torch.arange(101, dtype=torch.float64).reshape(-1, 1)  # 0..100
    left, width, n_used = quantile_bins(X, 4)
    assert n_used.tolist() == [4]
    np.testing.assert_array_equal(left[0].numpy(), [0, 25, 50, 75])
    np.testing.assert_array_equal(width[0].numpy(), [25, 25, 25, 25])


def test_weights_move_the_edges_towards_heavy_rows():
    X = torch.arange(100, dtype=torch.float64).reshape(-1, 1)
    w = torch.ones(100, dtype=torch.float64)
    w[:50] = 9.0  # 90 % of the mass below 50
    left, _, _ = quantile_bins(X, 4, w)
    assert left[0, 3] < 50


def test_few_distinct_values_get_few_bins_and_a_constant_one():
    X = torch.tensor([[0.0, 3.0], [1.0, 3.0], [0.0, 3.0], [1.0, 3.0]], dtype=torch.float64)
    left, width, n_used = quantile_bins(X, 8)
    assert n_used.tolist() == [1, 1]
    assert (left[0, 0], width[0, 0]) == (0.0, 1.0)
    assert (left[1, 0], width[1, 0]) == (3.0, 1.0)


def test_edges_that_round_to_one_value_in_float32_make_no_empty_bin():
    # a float32 column with neighbouring values: their float64 midpoint rounds onto one
    a = np.float32(1000.0)  # one float32 step here (6e-5) is above the trees' 1e-7
    b = np.nextafter(a, np.float32(2.0))
    X = torch.from_numpy(np.array([[a]] * 5 + [[b]] * 5, dtype=np.float32))
    y = torch.tensor([0] * 5 + [1] * 5)
    _, width, n_used = tree_bins(X, y, 4)
    assert torch.all(width[0, :n_used[0]] > 0)
