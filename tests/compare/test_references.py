"""The reference models: which exist, the code each prints, and when one is left out."""

import importlib.util

import pytest
from sklearn.base import clone

from sklweight.compare.references import (
    MAX_FEATURES,
    available_references,
    registered_references,
)
from sklweight.compare.strategies import StrategyContext

NAMES = ["logistic_regression_balanced", "hist_gradient_boosting_balanced",
         "balanced_random_forest"]


def test_the_three_references_are_registered():
    assert [r.name for r in registered_references()] == NAMES


@pytest.mark.parametrize("reference", registered_references(), ids=lambda r: r.name)
def test_printed_code_builds_the_same_estimator(reference):
    if reference.unavailable_reason() is not None:
        pytest.skip(reference.unavailable_reason())
    context = StrategyContext(estimator_params={"random_state": 3, "max_epochs": 7})
    built = reference.build(context)
    namespace = {}
    exec("\n".join(reference.imports), namespace)
    printed = eval(reference.code(context), namespace)
    assert type(printed) is type(built) and built.random_state == 3
    assert repr(printed.get_params()) == repr(clone(built).get_params())
    params = built.get_params()
    assert params.get("class_weight") == "balanced" or params["sampling_strategy"] == "all"


@pytest.mark.skipif(importlib.util.find_spec("imblearn") is None,
                    reason="imbalanced-learn is not installed")
def test_balanced_random_forest_runs_when_imbalanced_learn_is_installed():
    assert "balanced_random_forest" in [r.name for r in available_references()[0]]


@pytest.mark.skipif(importlib.util.find_spec("imblearn") is not None,
                    reason="imbalanced-learn is installed")
def test_balanced_random_forest_is_left_out_with_the_fix_without_imbalanced_learn():
    available, left_out = available_references()
    assert "balanced_random_forest" not in [r.name for r in available]
    assert "pip install 'sklweight[compare]'" in left_out["balanced_random_forest"]


def test_gradient_boosting_is_left_out_of_very_wide_tables():
    limit = MAX_FEATURES["hist_gradient_boosting_balanced"]
    names = [r.name for r in available_references(n_features=limit)[0]]
    assert "hist_gradient_boosting_balanced" in names
    available, left_out = available_references(n_features=limit + 1)
    assert "hist_gradient_boosting_balanced" not in [r.name for r in available]
    assert left_out["hist_gradient_boosting_balanced"].startswith(f"{limit + 1} feature")
