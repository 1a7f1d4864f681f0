"""The rules that turn sample_weight, class_weight and sampler into weights (user guide,
"Weight semantics")."""

import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.utils.class_weight import compute_class_weight as sk_compute_class_weight

from sklweight import (
    ClassWeights,
    WeightedMLPClassifier,
    WeightedNeuralNetClassifier,
    compute_class_weight,
)
from sklweight._net.weighting import (
    SAMPLE_WEIGHT_SAMPLER,
    SAMPLER_NAMES,
    WEIGHTING_CONSTRAINTS,
    plan_weights,
)
from sklweight.class_weight._strategies import STRATEGY_NAMES
from sklweight.utils._validation import check_sample_weight

CLASSES = np.array(["a", "b", "c"])


def plan(y, s=None, yv=None, sv=None, **kwargs):
    y = np.asarray(y)
    s = np.ones(len(y)) if s is None else np.asarray(s, dtype=float)
    if yv is not None:
        yv = np.asarray(yv)
        sv = np.ones(len(yv)) if sv is None else np.asarray(sv, dtype=float)
    params = {"class_weight": None, "sampler": None, "normalization": "global", **kwargs}
    return plan_weights(y, s, yv, sv, classes=CLASSES, **params)


def test_composition_is_sample_times_class_weight():
    y = np.array([0, 0, 0, 1, 2, 2])
    s = np.array([1.0, 2.0, 1.0, 1.0, 0.5, 1.0])
    p = plan(y, s, class_weight="balanced", normalization="none")
    expected_c = sk_compute_class_weight(
        "balanced", classes=np.arange(3), y=y, sample_weight=s
    )
    np.testing.assert_allclose(p.class_weight, expected_c)
    np.testing.assert_allclose(p.train_weight, s * expected_c[y])


def test_global_normalisation_has_mean_one_and_ignores_scale():
    y = np.array([0, 0, 1, 2, 2, 2])
    s = np.array([1.0, 3.0, 1.0, 2.0, 1.0, 1.0])
    p1 = plan(y, s, class_weight="inverse")
    p2 = plan(y, 7.0 * s, class_weight="inverse")
    assert p1.train_weight.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(p1.train_weight, p2.train_weight)


def test_no_weighting_gives_ones():
    p = plan([0, 1, 2, 1])
    assert p.class_weight is None and p.sampling_weight is None
    np.testing.assert_array_equal(p.train_weight, np.ones(4))


def test_counts_are_weighted_by_sample_weight():
    p = plan([0, 1, 1], [2.0, 0.5, 0.5])
    np.testing.assert_allclose(p.class_counts, [2.0, 1.0, 0.0])


def test_sampler_leaves_loss_weights_alone():
    y = np.array([0, 0, 0, 1])
    p = plan(y, sampler="balanced")
    np.testing.assert_array_equal(p.train_weight, np.ones(4))
    # each class draws the same total probability
    totals = np.bincount(y, weights=p.sampling_weight)
    assert totals[0] == pytest.approx(totals[1])


def test_sample_weight_sampler_moves_weights_out_of_the_loss():
    y = np.array([0, 1, 2])
    s = np.array([1.0, 2.0, 4.0])
    p = plan(y, s, sampler="sample_weight")
    np.testing.assert_array_equal(p.train_weight, np.ones(3))
    np.testing.assert_array_equal(p.sampling_weight, s)
    p = plan(y, s, sampler="sample_weight", class_weight={"a": 1.0, "b": 2.0, "c": 3.0})
    np.testing.assert_allclose(p.train_weight, np.array([1.0, 2.0, 3.0]) / 2.0)


def test_dict_is_used_as_given_and_zero_class_drops_rows():
    y = np.array([0, 1, 2, 2])
    with pytest.warns(UserWarning, match=r"class\(es\) \['a'\] has weight 0"):
        p = plan(y, class_weight={"a": 0.0, "b": 2.0, "c": 1.0}, normalization="none")
    np.testing.assert_array_equal(p.class_weight, [0.0, 2.0, 1.0])
    np.testing.assert_array_equal(p.train_keep, [False, True, True, True])
    np.testing.assert_array_equal(p.train_weight, [2.0, 1.0, 1.0])


def test_class_weights_instance_is_cloned_and_fitted():
    cw = ClassWeights("inverse")
    p = plan([0, 0, 1, 2], class_weight=cw, normalization="none")
    assert not hasattr(cw, "class_weight_")  # the user's object is untouched
    assert p.class_weight[1] == pytest.approx(2 * p.class_weight[0])


def test_validation_weights_use_training_class_weights():
    y = np.array([0, 0, 0, 1])
    p = plan(y, yv=np.array([0, 1]), class_weight="balanced")
    c = p.class_weight
    expected = np.array([c[0], c[1]])
    np.testing.assert_allclose(p.valid_weight, expected * 2 / expected.sum())


def test_class_missing_from_training_rows_gets_neutral_weight():
    p = plan([0, 0, 1], class_weight="balanced")
    assert p.class_weight[2] == 1.0


def test_all_rows_zero_after_class_weights_is_an_error():
    with pytest.raises(ValueError, match="zero weight"):
        plan([0, 0], class_weight={"a": 0.0, "b": 1.0, "c": 1.0})


UNSORTED = np.array(["c", "a", "b"])


@pytest.mark.parametrize(
    "spec", ["balanced", "inverse", ClassWeights("effective_number", beta=0.9),
             {"a": 1.0, "b": 2.0, "c": 4.0}, lambda counts: 1 / counts],
    ids=["balanced", "inverse", "ClassWeights", "dict", "callable"],
)
def test_class_weights_are_aligned_with_unsorted_classes(spec):
    # encoded y indexes UNSORTED: 0 -> "c" (4 rows), 1 -> "a" (1 row), 2 -> "b" (2 rows)
    y = np.array([0, 0, 0, 0, 1, 2, 2])
    s = np.array([1.0, 2.0, 1.0, 1.0, 0.5, 1.0, 3.0])
    p = plan_weights(y, s, None, None, classes=UNSORTED, class_weight=spec,
                     sampler=spec, normalization="none")
    labels = UNSORTED[y]
    params = {"beta": 0.9} if isinstance(spec, ClassWeights) else {}
    expected = compute_class_weight(
        spec.strategy if isinstance(spec, ClassWeights) else spec,
        classes=UNSORTED, y=labels, sample_weight=s, **params,
    )
    sorted_order = compute_class_weight(
        spec.strategy if isinstance(spec, ClassWeights) else spec,
        y=labels, sample_weight=s, **params,
    )
    np.testing.assert_allclose(p.class_weight, expected)
    np.testing.assert_allclose(p.class_weight, sorted_order[[2, 0, 1]])  # c, a, b
    np.testing.assert_allclose(p.train_weight, s * expected[y])
    np.testing.assert_allclose(p.sampling_weight, expected[y])
    np.testing.assert_allclose(p.class_counts, [5.0, 0.5, 4.0])


def test_sample_weight_sampler_is_the_one_sentinel():
    assert SAMPLE_WEIGHT_SAMPLER == "sample_weight"
    assert SAMPLER_NAMES == (*STRATEGY_NAMES, SAMPLE_WEIGHT_SAMPLER)
    # the classifiers share their weighting constraints with this module
    for estimator in (WeightedNeuralNetClassifier, WeightedMLPClassifier):
        for name, constraint in WEIGHTING_CONSTRAINTS.items():
            assert estimator._parameter_constraints[name] is constraint


@pytest.mark.parametrize("estimator", ["mlp", "net"])
def test_sample_weight_is_checked_once_per_fit(monkeypatch, estimator):
    # public checks, private computes: the boundary validates sample_weight, the plan,
    # the class weights and the sampler take the checked float64 array as it is
    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs.get("caller"))
        return check_sample_weight(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("sklweight") and hasattr(module, "check_sample_weight"):
            monkeypatch.setattr(module, "check_sample_weight", spy)
    X = np.random.RandomState(0).randn(40, 3).astype(np.float32)
    y = np.array([0] * 30 + [1] * 10)
    params = {"class_weight": ClassWeights("effective_number"), "sampler": "balanced",
              "max_epochs": 2, "random_state": 0}
    if estimator == "mlp":
        model = WeightedMLPClassifier(hidden_layer_sizes=(4,), early_stopping=True, **params)
    else:
        model = WeightedNeuralNetClassifier(
            torch.nn.Linear, module__in_features=3, module__out_features=2, verbose=0,
            **params)
    model.fit(X, y, sample_weight=np.linspace(0.5, 2.0, 40))
    assert calls == [f"{type(model).__name__}.fit"]


@pytest.mark.parametrize("estimator", [WeightedMLPClassifier, WeightedNeuralNetClassifier])
def test_sample_weight_sampler_without_sample_weight_warns(estimator):
    X = np.random.RandomState(0).randn(20, 3).astype(np.float32)
    y = np.array([0, 1] * 10)
    params = {"sampler": "sample_weight", "max_epochs": 1}
    if estimator is WeightedNeuralNetClassifier:
        params.update(module=torch.nn.Linear, module__in_features=3, module__out_features=2,
                      verbose=0)
    with pytest.warns(UserWarning, match=r"sampler='sample_weight'.*draws uniformly.*Pass "
                                         r"sample_weight"):
        estimator(**params).fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*draws uniformly")
        estimator(**params).fit(X, y, sample_weight=np.ones(20))


def test_class_whose_rows_all_weigh_zero_warns():
    X = np.random.RandomState(0).randn(30, 3).astype(np.float32)
    y = np.array(["a"] * 10 + ["b"] * 10 + ["c"] * 10)
    s = np.where(y == "b", 0.0, 1.0)
    net = WeightedNeuralNetClassifier(torch.nn.Linear, module__in_features=3,
                                      module__out_features=3, max_epochs=1, verbose=0,
                                      train_split=None)
    with pytest.warns(UserWarning, match=r"class\(es\) \['b'\] has weight 0 \(sample_weight 0\)"):
        net.fit(X, y, sample_weight=s)
    with pytest.warns(UserWarning, match=r"class\(es\) \['c'\] has weight 0 \(a class weight"):
        net.set_params(class_weight={"a": 1.0, "b": 1.0, "c": 0.0}).fit(X, y)
    with pytest.warns(UserWarning, match=r"class\(es\) \['a'\]"):
        net.set_params(class_weight=None, sampler={"a": 0.0, "b": 1.0, "c": 1.0}).fit(X, y)
