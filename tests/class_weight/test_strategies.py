"""compute_class_weight, compute_sample_weight, the weighted counts and the strategy registry."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from sklweight.class_weight import ClassWeights, compute_class_weight, compute_sample_weight
from sklweight.class_weight._counts import counts_in_rows, weighted_class_counts
from sklweight.class_weight._strategies import (
    STRATEGIES,
    STRATEGY_NAMES,
    check_strategy_name,
    strategy_function,
    strategy_params,
)
from sklweight.utils._validation import InvalidParameterError


def expected_raw(name, counts, beta=0.999):
    """The documented formulas, written independently of the implementation."""
    n, k = counts.sum(), counts.shape[0]
    return {
        "balanced": n / (k * counts),
        "inverse": 1 / counts,
        "inverse_sqrt": 1 / np.sqrt(counts),
        "one_minus_frequency": 1 - counts / n,
        "effective_number": (1 - beta) / (1 - beta**counts),
        "median_frequency": np.median(counts) / counts,
    }[name]


def weighted_mean(y, weights, sample_weight=None):
    y_idx = np.unique(y, return_inverse=True)[1]
    s = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
    return np.sum(s * weights[y_idx]) / np.sum(s)


def test_registry():
    assert STRATEGY_NAMES == (
        "balanced",
        "inverse",
        "inverse_sqrt",
        "one_minus_frequency",
        "effective_number",
        "median_frequency",
    )
    assert tuple(STRATEGIES) == STRATEGY_NAMES
    for name in STRATEGY_NAMES:
        assert strategy_function(name, caller="test") is STRATEGIES[name]
    assert strategy_params("effective_number") == {"beta": 0.999}
    assert strategy_params("balanced") == {}
    assert check_strategy_name("sample_weight", caller="x", extra=("sample_weight",))
    with pytest.raises(ValueError, match="Did you mean 'inverse'"):
        strategy_function("invers", caller="test")


@pytest.mark.parametrize("name", STRATEGY_NAMES)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_strategy_follows_its_formula(name, weighted):
    y = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 15 + ["d"] * 5)
    rng = np.random.default_rng(1)
    sample_weight = rng.uniform(0.2, 2.0, len(y)) if weighted else None
    counts = weighted_class_counts(np.unique(y, return_inverse=True)[1], 4, sample_weight)
    counts = counts_in_rows(counts, len(y))  # a strategy sees the counts in rows
    weights = compute_class_weight(name, y=y, sample_weight=sample_weight)
    raw = expected_raw(name, counts)
    assert_allclose(weights / weights[0], raw / raw[0], rtol=1e-10)
    assert weighted_mean(y, weights, sample_weight) == pytest.approx(1.0, rel=1e-12)


@settings(deadline=None, max_examples=40)
@given(
    y=st.lists(st.integers(0, 3), min_size=2, max_size=40),
    data=st.data(),
    name=st.sampled_from(STRATEGY_NAMES),
)
def test_normalisation_and_ratios_property(y, data, name):
    y = np.array(y)
    assume(np.unique(y).shape[0] >= 2)
    sample_weight = np.array(
        data.draw(st.lists(st.floats(0.1, 10.0), min_size=len(y), max_size=len(y)))
    )
    weights = compute_class_weight(name, y=y, sample_weight=sample_weight)
    assert np.all(np.isfinite(weights)) and np.all(weights >= 0)
    assert weighted_mean(y, weights, sample_weight) == pytest.approx(1.0, rel=1e-10)
    counts = np.bincount(np.unique(y, return_inverse=True)[1], weights=sample_weight)
    raw = expected_raw(name, counts_in_rows(counts, len(y)))
    if np.all(raw > 0):
        assert_allclose(weights / weights[0], raw / raw[0], rtol=1e-8)


@settings(deadline=None, max_examples=40)
@given(
    y=st.lists(st.sampled_from(["p", "q", "r"]), min_size=2, max_size=30),
    data=st.data(),
    name=st.sampled_from(STRATEGY_NAMES),
)
def test_integer_weight_equals_repeated_rows(y, data, name):
    # "effective_number" is the one strategy that depends on the number of rows, not
    # only on the class proportions: it counts rows, so repeats act on the proportions
    # and the scale of the weights is ignored (test_scaling_the_weights_changes_nothing)
    assume(name != "effective_number")
    y = np.array(y)
    assume(np.unique(y).shape[0] >= 2)
    repeats = np.array(data.draw(st.lists(st.integers(1, 4), min_size=len(y), max_size=len(y))))
    assert_allclose(
        compute_class_weight(name, y=y, sample_weight=repeats),
        compute_class_weight(name, y=np.repeat(y, repeats)),
        rtol=1e-10,
    )


@pytest.mark.parametrize("name", STRATEGY_NAMES)
@pytest.mark.parametrize("k", [10.0, 0.1, 1e-6])
def test_scaling_the_weights_changes_nothing(name, k):
    y = np.array([0] * 40 + [1] * 9 + [2] * 3)
    s = np.random.default_rng(0).uniform(0.2, 2.0, y.shape[0])
    s[[0, 41]] = 0.0
    expected = compute_class_weight(name, y=y, sample_weight=s)
    assert_allclose(compute_class_weight(name, y=y, sample_weight=k * s), expected, rtol=1e-12)
    assert_allclose(
        compute_sample_weight(name, y, sample_weight=k * s), k * s * expected[y], rtol=1e-12
    )
    assert_allclose(
        ClassWeights(name).fit(y, sample_weight=k * s).class_weight_, expected, rtol=1e-12
    )


def test_effective_number_counts_rows():
    # equal weights: the formula on the row counts, whatever the common weight
    y = np.array([0] * 30 + [1] * 4)
    beta = 0.9
    raw = (1 - beta) / (1 - beta ** np.array([30.0, 4.0]))
    for s in (None, np.full(34, 7.0), np.full(34, 0.01)):
        weights = compute_class_weight("effective_number", y=y, sample_weight=s, beta=beta)
        assert_allclose(weights / weights[0], raw / raw[0], rtol=1e-12)


def test_zero_weight_equals_removed_row():
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2])
    sample_weight = np.array([1, 0, 1, 1, 1, 0, 1, 0, 1.0])
    for name in STRATEGY_NAMES:
        assert_allclose(
            compute_class_weight(name, y=y, sample_weight=sample_weight),
            compute_class_weight(name, y=y[sample_weight > 0]),
            rtol=1e-12,
        )


def test_class_with_zero_total_weight_is_a_removed_class():
    # its rows are removed (zero weight = removed row): it gets the neutral weight 1 and
    # the other classes get the weights they would have without it
    y = np.array([0, 0, 1, 1, 2, 2])
    sample_weight = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 3.0])
    for name in STRATEGY_NAMES:
        weights = compute_class_weight(name, y=y, sample_weight=sample_weight)
        assert weights[1] == 1.0
        assert_allclose(
            weights[[0, 2]],
            compute_class_weight(
                name, y=y[[0, 1, 4, 5]], sample_weight=sample_weight[[0, 1, 4, 5]]
            ),
            rtol=1e-12,
        )
        assert_allclose(
            weights,
            compute_class_weight(
                name, classes=np.array([0, 1, 2]), y=y[[0, 1, 4, 5]],
                sample_weight=sample_weight[[0, 1, 4, 5]],
            ),
            rtol=1e-12,
        )


def test_explicit_classes_in_any_order():
    y = np.array(["a"] * 90 + ["b"] * 10)
    for name in STRATEGY_NAMES:
        sorted_weights = compute_class_weight(name, y=y)
        assert_allclose(compute_class_weight(name, classes=["b", "a"], y=y), sorted_weights[::-1])
    assert_array_equal(compute_class_weight({"b": 3.0}, classes=["b", "a"], y=y), [3.0, 1.0])
    # a callable receives the counts in the order of classes
    seen = []
    compute_class_weight(lambda c: seen.append(c.copy()) or 1 / c, classes=["b", "a"], y=y)
    assert_array_equal(seen[0], [10.0, 90.0])
    # a fitted ClassWeights is looked up by label
    fitted = ClassWeights().fit(y)
    assert_allclose(
        compute_class_weight(fitted, classes=["b", "a"], y=y), fitted.class_weight_[::-1]
    )
    # a label absent from y: the neutral weight from a strategy
    assert_allclose(
        compute_class_weight("balanced", classes=["z", "b", "a"], y=y),
        [1.0, *sorted_weights[::-1]],
    )


def test_effective_number_limits():
    y = np.array([0] * 1000 + [1] * 100 + [2] * 10)
    assert_array_equal(compute_class_weight("effective_number", y=y, beta=0.0), np.ones(3))
    inverse = compute_class_weight("inverse", y=y)
    errors = [
        np.max(np.abs(compute_class_weight("effective_number", y=y, beta=b) / inverse - 1))
        for b in (0.9, 0.999, 1 - 1e-6, 1 - 1e-10)
    ]
    assert errors == sorted(errors, reverse=True)
    assert errors[-1] < 1e-6
    # huge counts: beta**n underflows to 0 without NaN or warnings
    with np.errstate(all="raise"):
        weights = compute_class_weight("effective_number", y=y, sample_weight=np.full(1110, 1e6))
    assert np.all(np.isfinite(weights))


def test_dict_used_as_given():
    y = np.array(["cat", "dog", "dog", "cat", "bird"])
    given_dict = {"dog": 2.0, "cat": 0.5, "bird": 7.0}
    assert_array_equal(compute_class_weight(given_dict, y=y), [7.0, 0.5, 2.0])
    # numpy keys and int labels
    assert_array_equal(compute_class_weight({np.int64(1): 1.0, 3: 4.0}, y=[3, 1, 1]), [1.0, 4.0])


def test_callable_strategy():
    y = np.array([0, 0, 0, 1, 2, 2])
    sample_weight = np.array([1, 1, 2, 1, 0.5, 0.5])
    seen = []

    def strategy(counts, power=0.25):
        seen.append(counts.copy())
        return counts**-power

    weights = compute_class_weight(strategy, y=y, sample_weight=sample_weight)
    assert_array_equal(seen[0], [4.0, 1.0, 1.0])
    assert_allclose(weights / weights[0], (np.array([4.0, 1, 1]) / 4) ** -0.25)
    assert weighted_mean(y, weights, sample_weight) == pytest.approx(1.0)
    squared = compute_class_weight(strategy, y=y, sample_weight=sample_weight, power=2)
    assert_allclose(squared / squared[0], 16 / np.array([16.0, 1, 1]))


@pytest.mark.parametrize(
    "class_weight",
    [
        "balanced",
        "effective_number",
        {0: 1.0, 1: 3.0, 2: 0.5},
        lambda c: 1 / c,
        ClassWeights("inverse_sqrt"),
        np.array([1.0, 2.0, 3.0]),
        None,
    ],
    ids=["name", "name_params", "dict", "callable", "ClassWeights", "array", "None"],
)
def test_compute_sample_weight_is_s_times_c(class_weight):
    y = np.array([0, 0, 0, 1, 2, 2, 1, 0])
    sample_weight = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 0.0, 1.0])
    if isinstance(class_weight, ClassWeights):
        c = ClassWeights("inverse_sqrt").fit(y, sample_weight=sample_weight).class_weight_
    elif isinstance(class_weight, np.ndarray):
        c = class_weight
    elif class_weight is None:
        c = np.ones(3)
    else:
        c = compute_class_weight(class_weight, y=y, sample_weight=sample_weight)
    before = copy.deepcopy(class_weight)
    result = compute_sample_weight(class_weight, y, sample_weight=sample_weight)
    assert_allclose(result, sample_weight * c[y], rtol=1e-12)
    assert result.shape == (8,) and result.dtype == np.float64
    if isinstance(class_weight, ClassWeights):  # cloned, not fitted in place
        assert not hasattr(class_weight, "class_weight_")
    elif isinstance(class_weight, (dict, np.ndarray)):
        assert_array_equal(
            list(before.values()) if isinstance(before, dict) else before,
            list(class_weight.values()) if isinstance(before, dict) else class_weight,
        )


def test_compute_sample_weight_uses_fitted_class_weights_as_is():
    fitted = ClassWeights().fit(["a", "a", "a", "b", "c"])
    result = compute_sample_weight(fitted, ["c", "b", "b"], sample_weight=[1.0, 2.0, 0.5])
    assert_allclose(result, np.array([1.0, 2.0, 0.5]) * fitted.class_weight_[[2, 1, 1]])
    with pytest.raises(ValueError, match=r"unseen label\(s\) \['z'\]"):
        compute_sample_weight(fitted, ["a", "z"])


def test_weighted_class_counts():
    encoded = np.array([0, 2, 2, 0])
    assert_array_equal(weighted_class_counts(encoded, 3), [2, 0, 2])
    counts = weighted_class_counts(encoded, 4, np.array([1, 1, 2, 0.5]))
    assert_array_equal(counts, [1.5, 0, 3, 0])
    assert counts.dtype == np.float64
    assert_allclose(counts_in_rows(counts, 4), [4 * 1.5 / 4.5, 0, 4 * 3 / 4.5, 0])
    assert counts_in_rows(counts, None) is counts


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"class_weight": "balance"},
            InvalidParameterError,
            "'balanced', 'inverse', 'inverse_sqrt', 'one_minus_frequency', 'effective_number', "
            "'median_frequency'.*Did you mean 'balanced'",
        ),
        ({"class_weight": 3}, ValueError, "a strategy name, a dict"),
        (
            {"class_weight": "effective_number", "beta": 1.0},
            InvalidParameterError,
            r"\[0.0, 1.0\)",
        ),
        ({"class_weight": "effective_number", "beta": -0.1}, InvalidParameterError, "beta"),
        ({"class_weight": "balanced", "beta": 0.5}, InvalidParameterError, "effective_number"),
        ({"class_weight": None, "beta": 0.5}, InvalidParameterError, "strategy name"),
        ({"class_weight": {"a": 1.0}, "beta": 0.5}, InvalidParameterError, "strategy name"),
        (
            {"class_weight": {"a": 1, "b": 1, "z": 1}},
            ValueError,
            r"keys are classes, \['a', 'b', 'c'\].*keys \['z'\] are not classes and the "
            r"classes \['c'\] are not in it",
        ),
        ({"class_weight": {"a": 1, "b": -1, "c": 1}}, ValueError, "non-negative.*'b'"),
        ({"class_weight": {"a": 1, "b": np.nan, "c": 1}}, ValueError, "finite"),
        ({"class_weight": {"a": "x"}}, ValueError, "real-valued"),
        ({"class_weight": lambda c: np.ones(2)}, ValueError, r"shape \(2,\) for 3 classes"),
        ({"class_weight": lambda c: -c}, ValueError, "non-negative"),
        ({"class_weight": lambda c: 0 * c}, ValueError, "all zeros"),
        ({"classes": ["a", "b"]}, ValueError, r"every label of y.*misses \['c'\]"),
        ({"classes": ["a", "b", "a", "c"]}, ValueError, "'a' appears more than once"),
        ({"classes": [["a", "b", "c"]]}, ValueError, "1-D"),
        ({"sample_weight": [1, 1, 1, 1, -1, 1]}, ValueError, r"entry 4 is .*-1\.0"),
        ({"sample_weight": [1, 1, np.nan, 1, 1, 1]}, ValueError, "entry 2 is .*nan"),
        ({"sample_weight": [1, 1, np.inf, 1, 1, 1]}, ValueError, "entry 2 is .*inf"),
        ({"sample_weight": [1, 1, 1]}, ValueError, "length 6"),
        ({"sample_weight": np.ones((6, 1))}, ValueError, "1-D"),
        ({"sample_weight": np.zeros(6)}, ValueError, "all zeros"),
    ],
)
def test_compute_class_weight_bad_input(kwargs, error, match):
    y = np.array(["a", "a", "b", "b", "c", "c"])
    kwargs = {"class_weight": "balanced", **kwargs}
    with pytest.raises(error, match=match):
        compute_class_weight(kwargs.pop("class_weight"), y=y, **kwargs)


@pytest.mark.parametrize(
    ("y", "match"),
    [
        ([0.0, 1.0, np.nan], "entry 2 is nan"),
        (np.array(["a", None, "b"], dtype=object), "entry 1 is None"),
        (np.array(["a", np.nan, "b"], dtype=object), "entry 1 is nan"),
        ([], "non-empty"),
        (np.array([1, "a", 2.5], dtype=object), "one comparable type"),
    ],
)
@pytest.mark.parametrize("function", ["compute_class_weight", "compute_sample_weight"])
def test_bad_y(function, y, match):
    with pytest.raises(ValueError, match=match):
        if function == "compute_class_weight":
            compute_class_weight("balanced", y=y)
        else:
            compute_sample_weight("balanced", y)


def test_compute_class_weight_refuses_2d_y():
    # (compute_sample_weight reads a 2-D y as multi-output, as scikit-learn's does)
    with pytest.raises(ValueError, match=r"1-D.*shape \(3, 2\)"):
        compute_class_weight("balanced", y=np.array([[0, 1], [1, 0], [0, 1]]))


@pytest.mark.parametrize(
    ("class_weight", "match"),
    [
        (np.array([1.0, 2.0]), r"one weight per class.*\[0, 1, 2\]"),
        (np.array([1.0, -2.0, 1.0]), "non-negative"),
        (object(), "None, a strategy name"),
        ("nope", "'median_frequency'"),
    ],
)
def test_compute_sample_weight_bad_class_weight(class_weight, match):
    with pytest.raises(ValueError, match=match):
        compute_sample_weight(class_weight, [0, 1, 2, 2])


@pytest.mark.parametrize("name", [*STRATEGY_NAMES, "dict", "ClassWeights"])
def test_inputs_not_mutated(name):
    y = np.array([3, 1, 1, 2, 2, 2])
    sample_weight = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 0.0])
    strategy = {
        "dict": {1: 1.0, 2: 2.0, 3: 3.0},
        "ClassWeights": ClassWeights("effective_number", beta=0.9),
    }.get(name, name)
    y_copy, sw_copy, strategy_copy = y.copy(), sample_weight.copy(), copy.deepcopy(strategy)
    y.flags.writeable = sample_weight.flags.writeable = False  # any in-place write raises
    if name != "ClassWeights":
        compute_class_weight(strategy, y=y, sample_weight=sample_weight)
    compute_sample_weight(strategy, y, sample_weight=sample_weight)
    assert_array_equal(y, y_copy)
    assert_array_equal(sample_weight, sw_copy)
    if name == "dict":
        assert strategy == strategy_copy
    if name == "ClassWeights":
        assert strategy.get_params() == strategy_copy.get_params()
        assert not hasattr(strategy, "classes_")
