"""The weighted sampler: distribution, reproducibility, zero weights and scale."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from torch.utils.data import DataLoader, TensorDataset

from sklweight import sampling
from sklweight._net.weighting import SAMPLER_NAMES
from sklweight.class_weight import ClassWeights, compute_sample_weight
from sklweight.class_weight._strategies import STRATEGY_NAMES
from sklweight.sampling import (
    WeightedSampler,
    _draw_weighted_indices,
    make_sampler,
)
from sklweight.utils._validation import InvalidParameterError

N_DRAWS = 200_000
N_SIGMA = 5  # tolerance in standard deviations of the sampling distribution


def binomial_tolerance(p, n_draws):
    """N_SIGMA standard deviations of a proportion estimated from ``n_draws`` draws."""
    return N_SIGMA * np.sqrt(p * (1 - p) / n_draws)


def chi_square_bound(dof):
    """Mean plus N_SIGMA standard deviations of a chi-square with ``dof`` degrees."""
    return dof + N_SIGMA * np.sqrt(2 * dof)


def assert_frequencies(indices, probabilities):
    """Per-row binomial bounds and a chi-square bound on the drawn frequencies."""
    n_draws = indices.shape[0]
    observed = np.bincount(indices, minlength=probabilities.shape[0])
    frequency = observed / n_draws
    tolerance = binomial_tolerance(probabilities, n_draws)
    assert np.all(np.abs(frequency - probabilities) <= tolerance + 1e-12)
    positive = probabilities > 0
    expected = n_draws * probabilities[positive]
    statistic = np.sum((observed[positive] - expected) ** 2 / expected)
    assert statistic < chi_square_bound(positive.sum() - 1)
    assert np.all(observed[~positive] == 0)


def generator(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_draws_follow_weights(dtype):
    weights = torch.tensor([0.0, 1.0, 2.0, 0.0, 5.0, 0.5, 1.5, 0.0]).to(dtype) * 2
    indices = _draw_weighted_indices(weights, N_DRAWS, generator=generator(0))
    assert indices.dtype == torch.int64 and indices.shape == (N_DRAWS,)
    probabilities = weights.double().numpy() / weights.double().sum().item()
    assert_frequencies(indices.numpy(), probabilities)


def test_zero_weight_rows_never_drawn():
    rng = np.random.default_rng(0)
    weights = rng.uniform(0, 1, 1000)
    weights[rng.choice(1000, 300, replace=False)] = 0.0
    weights[[0, 999]] = 0.0  # first and last rows too
    indices = _draw_weighted_indices(torch.as_tensor(weights), 500_000, generator=generator(1))
    assert np.all(weights[indices.numpy()] > 0)
    # tiny weights next to huge ones stay drawable, zeros still not
    weights = torch.tensor([0.0, 1e-300, 1e300, 0.0], dtype=torch.float64)
    indices = _draw_weighted_indices(weights, 10_000, generator=generator(2))
    assert set(indices.tolist()) <= {1, 2}


def test_clamp_never_selects_trailing_zero_row():
    # u rounding up to the total must map to the last positive row, not to a zero row
    weights = torch.tensor([1.0, 2.0, 0.0, 0.0], dtype=torch.float64)
    cdf, last = sampling._cumulative(weights)
    assert last.item() == 1
    uniform = torch.tensor([cdf[-1].item(), 0.0, 0.99999 * cdf[-1].item()], dtype=torch.float64)
    indices = torch.minimum(torch.searchsorted(cdf, uniform, right=True), last)
    assert indices.tolist() == [1, 0, 1]


def test_same_seed_same_indices_different_seed_different():
    weights = torch.rand(500, generator=generator(3))
    first = _draw_weighted_indices(weights, 1000, generator=generator(7))
    again = _draw_weighted_indices(weights, 1000, generator=generator(7))
    other = _draw_weighted_indices(weights, 1000, generator=generator(8))
    assert torch.equal(first, again)
    assert not torch.equal(first, other)
    torch.manual_seed(11)
    global_first = _draw_weighted_indices(weights, 1000)
    torch.manual_seed(11)
    assert torch.equal(global_first, _draw_weighted_indices(weights, 1000))


def test_more_than_2_to_the_24_categories():
    n = 2**24 + 1
    weights = torch.ones(n)
    weights[-1] = float(n - 1)  # the last row carries half the mass
    indices = _draw_weighted_indices(weights, 20_000, generator=generator(0))
    assert indices.max().item() == n - 1
    share_last = (indices == n - 1).double().mean().item()
    assert abs(share_last - 0.5) <= binomial_tolerance(0.5, 20_000)
    with pytest.raises(RuntimeError):  # what the sampler replaces
        torch.multinomial(weights, 1, replacement=True)


def test_weighted_sampler_in_a_dataloader():
    weights = torch.tensor([1.0, 0.0, 3.0, 1.0, 0.0])
    sampler = WeightedSampler(weights, num_samples=12, generator=generator(0))
    assert len(sampler) == 12
    drawn = list(sampler)
    assert len(drawn) == 12 and all(isinstance(i, int) for i in drawn)
    assert set(drawn) <= {0, 2, 3}
    loader = DataLoader(TensorDataset(torch.arange(5)), batch_size=5, sampler=sampler)
    rows = torch.cat([batch for (batch,) in loader])
    assert rows.shape == (12,) and set(rows.tolist()) <= {0, 2, 3}
    # draw() and __iter__ continue one stream; a same-seeded sampler repeats it
    twin = WeightedSampler(weights, num_samples=12, generator=generator(0))
    assert twin.draw().tolist() == drawn
    assert len(WeightedSampler(weights)) == 5


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([1.0, -1.0],), ValueError, r"non-negative.*entry 1 is -1\.0"),
        (([1.0, np.nan],), ValueError, "finite.*entry 1"),
        (([1.0, np.inf],), ValueError, "finite.*entry 1"),
        (([0.0, 0.0],), ValueError, "all zeros"),
        ((np.ones((2, 2)),), ValueError, "1-D"),
        (([],), ValueError, "non-empty"),
        (([1.0, 1.0], 0), InvalidParameterError, "num_samples"),
        (([1.0, 1.0], 2.5), InvalidParameterError, "num_samples"),
    ],
)
def test_weighted_sampler_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        WeightedSampler(*args)


def test_draw_weighted_indices_bad_input():
    with pytest.raises(InvalidParameterError, match="num_samples"):
        _draw_weighted_indices(torch.ones(3), -1)
    with pytest.raises(ValueError, match="generator"):
        _draw_weighted_indices(torch.ones(3), 2, generator=0)
    assert _draw_weighted_indices(torch.ones(3), 0).shape == (0,)


# --------------------------------------------------------------------------- make_sampler


def test_balanced_sampler_gives_uniform_classes():
    y = np.array(["major"] * 900 + ["middle"] * 90 + ["minor"] * 10)
    sampler = make_sampler(y, "balanced", num_samples=N_DRAWS, random_state=0)
    labels = y[sampler.draw().numpy()]
    for label in ("major", "middle", "minor"):
        share = np.mean(labels == label)
        assert abs(share - 1 / 3) <= binomial_tolerance(1 / 3, N_DRAWS)
    assert len(make_sampler(y)) == y.shape[0]


@pytest.mark.parametrize("strategy", [*STRATEGY_NAMES, "dict", "ClassWeights"])
def test_class_strategies_draw_proportional_to_class_weight(strategy):
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.5, 2.0, y.shape[0])
    sample_weight[[0, 61]] = 0.0
    spec = {"dict": {0: 1.0, 1: 2.0, 2: 4.0}, "ClassWeights": ClassWeights("inverse_sqrt")}.get(
        strategy, strategy
    )
    sampler = make_sampler(
        y, spec, sample_weight=sample_weight, num_samples=N_DRAWS, random_state=1
    )
    rows = compute_sample_weight(spec, y, sample_weight=sample_weight) / sample_weight.clip(1e-300)
    rows[sample_weight == 0] = 0.0
    assert_frequencies(sampler.draw().numpy(), rows / rows.sum())


def test_sample_weight_sampler_draws_proportional_to_sample_weight():
    y = np.tile([0, 1], 25)
    sample_weight = np.random.default_rng(2).exponential(size=50)
    sample_weight[[3, 4, 49]] = 0.0
    sampler = make_sampler(
        y, "sample_weight", sample_weight=sample_weight, num_samples=N_DRAWS, random_state=3
    )
    assert_frequencies(sampler.draw().numpy(), sample_weight / sample_weight.sum())
    with pytest.warns(UserWarning, match="no sample_weight was given, so it draws uniformly"):
        uniform = make_sampler(y, "sample_weight", num_samples=N_DRAWS, random_state=3)
    assert_frequencies(uniform.draw().numpy(), np.full(50, 1 / 50))


def test_make_sampler_random_state():
    y = np.array([0, 1, 1, 1, 2, 2] * 10)

    def draw(random_state):
        return make_sampler(y, random_state=random_state).draw()

    assert torch.equal(draw(0), draw(0))
    assert not torch.equal(draw(0), draw(1))
    assert torch.equal(draw(np.random.RandomState(5)), draw(np.random.RandomState(5)))
    assert torch.equal(draw(generator(4)), draw(generator(4)))
    sampler = make_sampler(y, random_state=0)
    assert not torch.equal(sampler.draw(), sampler.draw())  # epochs continue the stream
    np.random.seed(9)  # noqa: NPY002 -- random_state=None draws from the global RNG
    first = draw(None)
    np.random.seed(9)  # noqa: NPY002 -- random_state=None draws from the global RNG
    assert torch.equal(first, draw(None))
    with pytest.raises(ValueError, match="random_state"):
        make_sampler(y, random_state="seed")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"strategy": "balancd"},
            "'balanced', .*'median_frequency', 'sample_weight'.*Did you mean 'balanced'",
        ),
        ({"strategy": 1.5}, "a strategy name"),
        ({"strategy": {0: 1.0, 2: 1.0}}, r"\[0, 1\].*keys \[2\] are not classes"),
        ({"strategy": {0: 0.0, 1: 1.0}, "sample_weight": [1, 1, 0, 0]}, "positive probability"),
        ({"sample_weight": [1, -1, 1, 1]}, "non-negative"),
        ({"sample_weight": [1, np.nan, 1, 1]}, "finite"),
        ({"sample_weight": [1, 1]}, "length 4"),
    ],
)
def test_make_sampler_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_sampler([0, 0, 1, 1], **kwargs)


@pytest.mark.parametrize("y", [[0.0, np.nan, 1.0], [], np.array([1, "a"], dtype=object)])
def test_make_sampler_bad_y(y):
    with pytest.raises(ValueError, match="'y' parameter of make_sampler"):
        make_sampler(y)


def test_make_sampler_does_not_mutate_inputs():
    y = np.array([0, 0, 0, 1])
    sample_weight = np.array([1.0, 0.0, 2.0, 1.0])
    y.flags.writeable = sample_weight.flags.writeable = False  # any in-place write raises
    mapping = {0: 1.0, 1: 3.0}
    cw = ClassWeights()
    for strategy in ("balanced", "sample_weight", mapping, cw):
        make_sampler(y, strategy, sample_weight=sample_weight, random_state=0)
    assert_array_equal(y, [0, 0, 0, 1])
    assert_array_equal(sample_weight, [1.0, 0.0, 2.0, 1.0])
    assert mapping == {0: 1.0, 1: 3.0}
    assert not hasattr(cw, "classes_")


def test_sampler_names():
    assert SAMPLER_NAMES == (*STRATEGY_NAMES, "sample_weight")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda():
    weights = torch.tensor([0.0, 1.0, 3.0], device="cuda")
    cuda_gen = torch.Generator("cuda").manual_seed(0)
    indices = _draw_weighted_indices(weights, 1000, generator=cuda_gen)
    assert indices.device.type == "cuda" and not bool((indices == 0).any())
    # a CPU generator with CUDA weights: drawn on the CPU, moved once
    cpu_gen = _draw_weighted_indices(weights, 1000, generator=generator(0))
    assert cpu_gen.device.type == "cuda"
    sampler = make_sampler([0, 1, 1, 1], device="cuda", random_state=0)
    assert sampler.draw().device.type == "cuda"


def test_docstring_examples():
    result = doctest.testmod(sampling, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
