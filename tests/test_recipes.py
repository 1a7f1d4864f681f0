"""The named recipes (sklweight/recipes.py): documented settings, overrides, estimator
checks. Their learning quality is asserted in tests/test_learning.py."""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import WeightedMLPClassifier, recipes

RECIPES = [recipes.long_tail, recipes.noisy_labels]
each = pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.__name__)


@pytest.mark.parametrize(
    "recipe, settings",
    [
        (recipes.long_tail, {"criterion": "logit_adjusted", "hidden_layer_sizes": (256,),
                             "weight_decay": 3e-3, "input_noise": 1.0, "batch_size": 64,
                             "max_epochs": 1000, "n_iter_no_change": 20}),
        (recipes.noisy_labels, {"criterion": "cross_entropy", "weight_decay": 3e-3,
                                "input_noise": 1.0, "batch_size": 64, "max_epochs": 1000,
                                "n_iter_no_change": 20}),
    ],
    ids=["long_tail", "noisy_labels"],
)
def test_recipe_sets_what_its_docstring_says(recipe, settings):
    clf = recipe()
    assert type(clf) is WeightedMLPClassifier
    assert not hasattr(clf, "net_")
    params = clf.get_params()
    assert {k: params[k] for k in settings} == settings
    # everything else at the estimator's defaults, and every setting named in the docstring
    defaults = WeightedMLPClassifier().get_params()
    changed = {k for k in params if params[k] != defaults[k]}
    assert changed == {k for k in settings if settings[k] != defaults[k]}
    for name in changed:
        assert f"``{name}=" in recipe.__doc__


@each
def test_overrides_replace_the_recipes_settings(recipe):
    clf = recipe(max_epochs=5, input_noise=0.5, random_state=3, criterion="focal",
                 criterion__gamma=1.0)
    params = clf.get_params()
    assert (params["max_epochs"], params["input_noise"], params["random_state"]) == (5, 0.5, 3)
    assert (params["criterion"], params["criterion__gamma"]) == ("focal", 1.0)
    assert params["weight_decay"] == 3e-3  # the rest of the recipe stays


@each
def test_unknown_keyword_is_a_type_error(recipe):
    with pytest.raises(TypeError):
        recipe(n_epochs=10)


@each
def test_each_call_returns_a_new_estimator_that_clones(recipe):
    first, second = recipe(), recipe()
    assert first is not second
    assert clone(first).get_params() == first.get_params()


# Repeating a row is not the same as giving it weight 2 once the rows are split into
# mini-batches (batch_size=64) and each copy draws its own input noise: the recipes
# train with both by design. WeightedMLPClassifier at its defaults (one full batch, no
# noise) passes this check (tests/test_common.py).
RECIPE_EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batches of 64 rows and per-row input noise: a repeated row is batched and "
        "noised independently of its copy, so it is not equivalent to a weight of 2"
    ),
}


@parametrize_with_checks(
    [recipe(max_epochs=20, random_state=0) for recipe in RECIPES],
    expected_failed_checks=lambda est: RECIPE_EXPECTED_FAILURES,
)
def test_recipes_pass_the_estimator_checks(estimator, check):
    # max_epochs reduced to keep the suite fast; every other setting is the recipe's
    check(estimator)
