"""Calls that work with scikit-learn's functions give scikit-learn's results.

The rule: docs/user_guide/class_weights.rst, "Outside the classifiers".

``sklweight.compute_class_weight`` and ``sklweight.compute_sample_weight`` share
scikit-learn's names and signatures; a user who swaps the import must get the same
numbers for every call scikit-learn accepts. Hypothesis draws the calls: labels (ints or
strings), ``classes`` in any order (or a superset), sample weights, dicts naming some,
all or other classes, multi-output ``y`` and bootstrap ``indices``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.utils.class_weight import compute_class_weight as sk_compute_class_weight
from sklearn.utils.class_weight import compute_sample_weight as sk_compute_sample_weight

from sklweight import compute_class_weight, compute_sample_weight

# strings that are not digits: scikit-learn looks dict keys of string classes up by
# int(label) when the label parses as an int, a quirk outside the drop-in contract
POOLS = {"int": [-3, 0, 1, 2, 7], "str": ["cat", "dog", "eel", "fox", "gnu"]}
EXAMPLES = settings(deadline=None, max_examples=80)

FIXED_LABELS = {
    "int": np.array([2, 0, 0, 1, 1, 1, 2, 2, 2, 2]),
    "str": np.array(["b", "a", "a", "c", "c", "c", "b", "b", "b", "b"]),
    "bool": np.array([True, False, False, True, True, True]),
    "unsorted_negative": np.array([5, -3, 5, 7, -3, 5, 5, 7, 5]),
    "object": np.array(["x", "y", "y", "y"], dtype=object),
    "list": [1, 1, 1, 0],
}



@st.composite
def labels(draw, min_classes=1):
    pool = POOLS[draw(st.sampled_from(sorted(POOLS)))]
    y = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=30))
    if len(set(y)) < min_classes:
        y = y + pool[:min_classes]
    return np.array(y), pool


@st.composite
def weights(draw, n):
    return np.array(draw(st.lists(st.floats(0.05, 20.0), min_size=n, max_size=n)))


def permuted(draw, values):
    return np.array(draw(st.permutations(list(values))))


@EXAMPLES
@given(data=st.data(), case=labels(), weighted=st.booleans())
def test_balanced_with_classes_in_any_order(data, case, weighted):
    y, _ = case
    classes = permuted(data.draw, np.unique(y))
    sample_weight = data.draw(weights(len(y))) if weighted else None
    expected = sk_compute_class_weight(
        "balanced", classes=classes, y=y, sample_weight=sample_weight
    )
    ours = compute_class_weight("balanced", classes=classes, y=y, sample_weight=sample_weight)
    assert_allclose(ours, expected, rtol=1e-12)


@EXAMPLES
@given(data=st.data(), case=labels())
def test_none_gives_ones_for_every_class(data, case):
    y, pool = case
    extra = data.draw(st.lists(st.sampled_from(pool), max_size=3))
    classes = permuted(data.draw, set(y.tolist()) | set(extra))
    expected = sk_compute_class_weight(None, classes=classes, y=y)
    assert_array_equal(compute_class_weight(None, classes=classes, y=y), expected)
    assert_array_equal(compute_class_weight(None, y=y), np.ones(np.unique(y).shape[0]))


@st.composite
def dicts(draw, pool):
    keys = draw(st.lists(st.sampled_from(pool), unique=True, max_size=len(pool)))
    values = draw(st.lists(st.floats(0.0, 10.0), min_size=len(keys), max_size=len(keys)))
    return dict(zip(keys, values, strict=True))


@EXAMPLES
@given(data=st.data(), case=labels())
def test_dict_as_sklearn_reads_it(data, case):
    # a class missing from the dict gets 1; other keys are an error only when a class
    # is missing too
    y, pool = case
    extra = data.draw(st.lists(st.sampled_from(pool), max_size=2))
    classes = permuted(data.draw, set(y.tolist()) | set(extra))
    mapping = data.draw(dicts(pool))
    try:
        expected = sk_compute_class_weight(mapping, classes=classes, y=y)
    except ValueError:
        with pytest.raises(ValueError, match="keys .* are not classes"):
            compute_class_weight(mapping, classes=classes, y=y)
        return
    assert_array_equal(compute_class_weight(mapping, classes=classes, y=y), expected)


@EXAMPLES
@given(data=st.data(), case=labels(min_classes=2), spec=st.sampled_from(["balanced", None]))
def test_classes_missing_a_label_of_y_raise_as_in_sklearn(data, case, spec):
    y, _ = case
    present = np.unique(y)
    classes = permuted(data.draw, present[1:])
    with pytest.raises(ValueError, match="classes should include all valid labels"):
        sk_compute_class_weight(spec, classes=classes, y=y)
    with pytest.raises(ValueError, match=r"every label of y.*misses"):
        compute_class_weight(spec, classes=classes, y=y)


@EXAMPLES
@given(data=st.data(), case=labels())
def test_compute_sample_weight_single_output(data, case):
    y, pool = case
    spec = data.draw(st.one_of(st.sampled_from(["balanced", None]), dicts(pool)))
    try:
        expected = sk_compute_sample_weight(spec, y)
    except ValueError:
        with pytest.raises(ValueError):
            compute_sample_weight(spec, y)
        return
    assert_allclose(compute_sample_weight(spec, y), expected, rtol=1e-12)
    # a list and a column vector of shape (n, 1) read the same
    assert_allclose(compute_sample_weight(spec, y.tolist()), expected, rtol=1e-12)
    assert_allclose(compute_sample_weight(spec, y[:, None]), expected, rtol=1e-12)


@EXAMPLES
@given(data=st.data(), case=labels())
def test_compute_sample_weight_with_bootstrap_indices(data, case):
    y, _ = case
    indices = np.array(
        data.draw(st.lists(st.integers(0, len(y) - 1), min_size=1, max_size=2 * len(y)))
    )
    expected = sk_compute_sample_weight("balanced", y, indices=indices)
    assert_allclose(compute_sample_weight("balanced", y, indices=indices), expected, rtol=1e-12)


@EXAMPLES
@given(data=st.data(), n_outputs=st.integers(2, 3), n=st.integers(1, 25))
def test_compute_sample_weight_multi_output(data, n_outputs, n):
    pool = POOLS["int"]
    Y = np.array(
        data.draw(st.lists(st.lists(st.sampled_from(pool), min_size=n, max_size=n),
                           min_size=n_outputs, max_size=n_outputs))
    ).T
    spec = data.draw(st.one_of(
        st.just("balanced"),
        st.lists(st.one_of(dicts(pool), st.just("balanced")),
                 min_size=n_outputs, max_size=n_outputs),
    ))
    try:
        expected = sk_compute_sample_weight(spec, Y)
    except ValueError:
        with pytest.raises(ValueError):
            compute_sample_weight(spec, Y)
        return
    assert_allclose(compute_sample_weight(spec, Y), expected, rtol=1e-12)


def test_multi_output_rules_of_sklearn():
    Y = np.array([[0, 1], [0, 0], [1, 1], [0, 1]])
    for spec, match in ((None, "multi-output"), ({0: 1.0}, "multi-output"),
                        ([{0: 1.0}], r"one class-weight spec per output \(2\)")):
        with pytest.raises(ValueError):
            sk_compute_sample_weight(spec, Y)
        with pytest.raises(ValueError, match=match):
            compute_sample_weight(spec, Y)
    # indices with weights used as given: an error in both
    with pytest.raises(ValueError, match="only valid class_weight for subsampling"):
        sk_compute_sample_weight({0: 1.0}, [0, 1], indices=[0])
    with pytest.raises(ValueError, match="when indices is given"):
        compute_sample_weight({0: 1.0}, [0, 1], indices=[0])


def test_keyword_calls_of_the_readme_and_sklearn_docs():
    # the examples of scikit-learn's docstrings, verbatim
    y = [1, 1, 1, 1, 0, 0]
    assert_allclose(
        compute_class_weight(class_weight="balanced", classes=np.unique(y), y=y), [1.5, 0.75]
    )
    assert_allclose(
        compute_sample_weight(class_weight="balanced", y=y), [0.75] * 4 + [1.5] * 2
    )
    with pytest.raises(TypeError):
        compute_class_weight("balanced", np.unique(y), y)  # classes and y are keyword-only


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("labels", FIXED_LABELS.values(), ids=FIXED_LABELS.keys())
def test_balanced_equals_sklearn(labels, weighted):
    rng = np.random.default_rng(0)
    sample_weight = rng.uniform(0.1, 3.0, len(labels)) if weighted else None
    ours = compute_class_weight("balanced", y=labels, sample_weight=sample_weight)
    theirs = sk_compute_class_weight(
        "balanced", classes=np.unique(labels), y=labels, sample_weight=sample_weight
    )
    assert_allclose(ours, theirs, rtol=1e-13)
    # the per-row weights agree with sklearn's compute_sample_weight as well
    assert_allclose(
        compute_sample_weight("balanced", labels),
        sk_compute_sample_weight("balanced", labels),
        rtol=1e-13,
    )


def test_one_class_and_float_labels_work_as_in_sklearn():
    # scikit-learn's functions accept these; so do ours, with the same result
    for y in ([1, 1, 1], [0.5, 1.2, 3.3, 3.3]):
        assert_allclose(
            compute_class_weight("balanced", classes=np.unique(y), y=y),
            sk_compute_class_weight("balanced", classes=np.unique(y), y=y),
        )
        assert_allclose(
            compute_sample_weight("balanced", y), sk_compute_sample_weight("balanced", y)
        )
    # all the weight on one class
    assert_array_equal(
        compute_class_weight("balanced", y=[0, 0, 1, 1], sample_weight=[1, 1, 0, 0]), [1.0, 1.0]
    )
