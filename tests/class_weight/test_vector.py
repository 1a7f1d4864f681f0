"""class_weight_vector: the one mapping from a class-weight spec to a vector on ``classes``."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

from sklweight import ClassWeights, compute_class_weight, compute_sample_weight
from sklweight._net.weighting import plan_weights
from sklweight.class_weight._strategies import STRATEGY_NAMES
from sklweight.class_weight._vector import class_weight_vector
from sklweight.sampling import make_sampler
from sklweight.utils._validation import InvalidParameterError

CLASSES = np.array(["c", "a", "b"])  # deliberately unsorted
COUNTS = np.array([6.0, 1.5, 2.5])  # aligned with CLASSES
SPECS = {
    **{name: name for name in STRATEGY_NAMES},
    "dict": {"a": 3.0, "b": 0.5, "c": 1.0},
    "callable": lambda counts: counts**-0.5,
    "ClassWeights": ClassWeights("effective_number", beta=0.9),
    "None": None,
}


def vector(spec, classes=CLASSES, counts=COUNTS, **kwargs):
    return class_weight_vector(spec, classes, counts, caller="test", **kwargs)


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_a_permutation_of_classes_permutes_the_weights(spec):
    order = np.array([1, 2, 0])
    assert_allclose(vector(spec, CLASSES[order], COUNTS[order]), vector(spec)[order],
                    rtol=1e-14)


@pytest.mark.parametrize("spec", SPECS.values(), ids=SPECS.keys())
def test_every_consumer_gives_this_vector(spec):
    # labels whose weighted counts are COUNTS; each public entry point must agree
    y = np.array(["c"] * 4 + ["a"] * 2 + ["b"] * 2)
    s = np.array([1.0, 2.0, 1.5, 1.5, 0.5, 1.0, 2.0, 0.5])
    expected = vector(spec, n_rows=len(y))
    assert_allclose(compute_class_weight(spec, classes=CLASSES, y=y, sample_weight=s), expected)
    rows = np.array([expected[CLASSES.tolist().index(label)] for label in y])
    assert_allclose(compute_sample_weight(spec, y, sample_weight=s), s * rows)
    encoded = np.array([CLASSES.tolist().index(label) for label in y])
    plan = plan_weights(encoded, s, None, None, classes=CLASSES, class_weight=spec,
                        sampler=None, normalization="none")
    if spec is None:
        assert plan.class_weight is None
    else:
        assert_allclose(plan.class_weight, expected)
    sampler = make_sampler(y, spec, sample_weight=s, random_state=0)
    assert_allclose(sampler.weights.numpy(), rows)
    if isinstance(spec, (str, dict)) or callable(spec):
        fitted = ClassWeights(spec).fit(y, sample_weight=s)
        assert_allclose(fitted.transform(CLASSES), expected)


def test_named_strategies_are_rescaled_and_absent_classes_neutral():
    counts = np.array([6.0, 0.0, 2.0])
    for name in STRATEGY_NAMES:
        weights = vector(name, counts=counts)
        assert weights[1] == 1.0
        assert counts @ weights == pytest.approx(counts.sum())


def test_dicts_and_arrays_are_used_as_given():
    assert_array_equal(vector({"a": 2.0}), [1.0, 2.0, 1.0])
    assert_array_equal(vector({"a": 0.0, "b": 0.0, "c": 0.0}), [0.0, 0.0, 0.0])
    assert_array_equal(vector([4.0, 0.0, 1.0]), [4.0, 0.0, 1.0])
    assert_array_equal(vector(torch.tensor([1.0, 2.0, 3.0])), [1.0, 2.0, 3.0])


def test_a_fitted_class_weights_is_looked_up_by_label():
    fitted = ClassWeights().fit(["a", "b", "b", "c", "c", "c"])
    assert_allclose(vector(fitted), fitted.class_weight_[[2, 0, 1]])
    with pytest.raises(ValueError, match=r"unseen label\(s\) \['z'\]"):
        vector(fitted, classes=np.array(["a", "z"]), counts=np.ones(2))


def test_parameters_only_with_a_strategy_or_a_callable():
    assert_allclose(
        vector("effective_number", params={"beta": 0.5}),
        vector(ClassWeights("effective_number", beta=0.5)),
    )
    assert_allclose(vector(lambda c, p: c**p, params={"p": -1.0}), vector("inverse"))
    for spec in (None, {"a": 1.0}, [1.0, 1.0, 1.0], ClassWeights()):
        with pytest.raises(InvalidParameterError, match="'beta' parameter of test"):
            vector(spec, params={"beta": 0.5})


def test_nested_class_weights_strategy_named_in_messages():
    with pytest.raises(ValueError, match="'sampler__strategy' parameter of test"):
        vector(ClassWeights({"a": 1.0, "z": 1.0}), param="sampler")
    with pytest.raises(InvalidParameterError, match="Did you mean 'inverse'"):
        vector(ClassWeights("invers"))
