"""The strategy registry: entries, selection, plug-ins, and the code each one prints."""

import pytest
from sklearn.base import clone

from sklweight import WeightedMLPClassifier
from sklweight.compare import CompareError, Strategy, mlp_strategy, register_strategy
from sklweight.compare.strategies import (
    BASELINE,
    StrategyContext,
    get_strategy,
    registered_strategies,
    requires_import,
    select_strategies,
    unregister_strategy,
)

ISSUE_10 = {"ce", "balanced", "effective_number", "balanced_sampler", "focal", "soft_f1",
            "logit_adjusted"}


def test_the_issue_strategies_and_their_weighted_twins_are_registered():
    names = {s.name for s in registered_strategies()}
    assert ISSUE_10 <= names
    assert {f"{n}+weights" for n in ISSUE_10} <= names
    assert all(get_strategy(f"{n}+weights").uses_weights for n in ISSUE_10)
    assert not any(get_strategy(n).uses_weights for n in ISSUE_10)


def test_builtin_strategies_set_what_their_names_say():
    context = StrategyContext(estimator_params={"random_state": 3})
    params = {n: get_strategy(n).build(context).get_params() for n in ISSUE_10}
    assert params["ce"]["criterion"] == "cross_entropy" and params["ce"]["class_weight"] is None
    assert params["balanced"]["class_weight"] == "balanced"
    assert params["effective_number"]["class_weight"] == "effective_number"
    assert params["balanced_sampler"]["sampler"] == "balanced"
    assert params["balanced_sampler"]["class_weight"] is None
    assert params["focal"]["criterion"] == "focal"
    assert params["soft_f1"]["criterion"] == "soft_f1"
    assert params["logit_adjusted"]["criterion"] == "logit_adjusted"
    assert all(p["random_state"] == 3 for p in params.values())


@pytest.mark.parametrize("strategy", registered_strategies(), ids=lambda s: s.name)
def test_printed_code_builds_the_same_estimator(strategy):
    if strategy.unavailable_reason() is not None:
        pytest.skip(strategy.unavailable_reason())
    context = StrategyContext(
        has_weights=True, n_classes=3,
        estimator_params={"random_state": 0, "max_epochs": 7, "early_stopping": True},
    )
    built = strategy.build(context)
    namespace = {}
    exec("\n".join(strategy.imports), namespace)
    printed = eval(strategy.code(context), namespace)
    assert type(printed) is type(built)
    assert repr(printed.get_params()) == repr(built.get_params())
    assert repr(clone(built).get_params()) == repr(built.get_params())  # a real estimator


def test_selection_puts_the_baseline_first_and_skips_weighted_without_weights():
    chosen = select_strategies(None, has_weights=False)
    assert chosen[0].name == BASELINE
    assert {s.name for s in chosen} == ISSUE_10 | {
        s.name for s in registered_strategies()
        if "imbalance" in s.scenarios and not s.uses_weights
        and s.unavailable_reason() is None
    }
    weighted = {s.name for s in select_strategies(None, has_weights=True)}
    assert {"ce+weights", "balanced+weights", "logit_adjusted+weights"} <= weighted
    asked = select_strategies(["focal", "focal", "balanced"], has_weights=False)
    assert [s.name for s in asked] == ["ce", "focal", "balanced"]


NOISY = {"generalized_cross_entropy", "symmetric_cross_entropy", "quality_weights",
         "recipe_noisy_labels"}


def test_noisy_label_strategies_only_with_a_weight_column_or_when_asked():
    plain = {s.name for s in select_strategies(None, has_weights=False)}
    assert not plain & NOISY
    assert ISSUE_10 <= plain
    asked = {s.name for s in select_strategies(None, has_weights=False, noisy_labels=True)}
    weighted = {s.name for s in select_strategies(None, has_weights=True)}
    available = {s.name for s in registered_strategies() if s.unavailable_reason() is None}
    assert NOISY & available <= asked and NOISY & available <= weighted
    assert ISSUE_10 <= asked


def test_the_simplest_strategies_have_the_lowest_complexity():
    complexity = {s.name: s.complexity for s in registered_strategies()}
    assert complexity["ce"] == 0
    assert complexity["balanced"] == complexity["balanced_sampler"] == complexity["posthoc"] == 1
    assert complexity["focal"] == complexity["logit_adjusted"] == 2
    assert complexity["recipe_long_tail"] == complexity["quality_weights"] == 3


def test_readme_lists_the_default_strategies():
    from pathlib import Path

    from sklweight.compare.strategies import strategy_list_markdown

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert strategy_list_markdown() in readme, (
        "README.md's list of the default strategies is out of date; paste:\n"
        + strategy_list_markdown()
    )


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(CompareError, match="unknown strategy 'blanced'. Did you mean "
                       "'balanced'\\? Valid strategies: ce, balanced, effective_number"):
        select_strategies(["blanced"], has_weights=False)


def test_a_plugin_joins_with_one_call_and_may_be_unavailable():
    ready = register_strategy(mlp_strategy("test_poly", "poly loss", criterion="poly"))
    later = register_strategy(Strategy(
        name="test_future", description="an estimator that does not exist yet",
        build=lambda context: None, code=lambda context: "Future()",
        requires=requires_import("sklweight.not_there_yet"),
    ))
    try:
        assert ready in select_strategies(None, has_weights=False)
        assert later not in select_strategies(None, has_weights=False)
        assert "sklweight.not_there_yet cannot be imported" in later.unavailable_reason()
        with pytest.raises(CompareError, match="'test_future' is not available: "
                           "sklweight.not_there_yet cannot be imported"):
            select_strategies(["test_future"], has_weights=False)
        with pytest.raises(ValueError, match="already registered"):
            register_strategy(mlp_strategy("test_poly", "again"))
        assert isinstance(ready.build(StrategyContext()), WeightedMLPClassifier)
    finally:
        unregister_strategy("test_poly")
        unregister_strategy("test_future")


def test_requires_import_checks_the_attribute_too():
    assert requires_import("sklweight", "WeightedMLPClassifier")() is None
    assert requires_import("sklweight", "no_such_thing")() == (
        "sklweight has no 'no_such_thing' yet."
    )


@pytest.mark.parametrize("name", ["", "a,b", " padded"])
def test_names_usable_on_the_command_line(name):
    with pytest.raises(ValueError, match="strategy name must be non-empty"):
        register_strategy(mlp_strategy(name, "bad"))
