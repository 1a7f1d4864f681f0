"""The built-in strategies of ``sklweight compare``, registered when this module is imported.

Registration order is the listing order. The default sets follow the scenario: the
imbalance strategies run by default; the noisy-label ones (generalized and symmetric
cross-entropy, label-quality weights, the noisy-labels recipe, the ``+weights`` twins)
join them when the data has a weight column or with ``--noisy-labels``.

The registry itself (``Strategy``, ``register_strategy``, the selection) is in
``_registry.py``; its public names are re-exported here, so
``from sklweight.compare.strategies import ...`` reaches the whole registry.
"""

from __future__ import annotations

from ._registry import (
    BASELINE,
    SCENARIOS,
    Strategy,
    StrategyContext,
    _call_code,
    default_scenarios,
    get_strategy,
    mlp_strategy,
    register_strategy,
    registered_strategies,
    requires_import,
    select_strategies,
    unregister_strategy,
)
from ._registry import python_literal as python_literal  # sklweight.compare.data uses it

__all__ = [
    "BASELINE",
    "SCENARIOS",
    "Strategy",
    "StrategyContext",
    "default_scenarios",
    "get_strategy",
    "mlp_strategy",
    "register_strategy",
    "registered_strategies",
    "requires_import",
    "select_strategies",
    "strategy_list_markdown",
    "unregister_strategy",
]


# --------------------------------------------------------------------------- built-ins
# (name, description, estimator parameters, the weighted twin runs by default with weights)
_BUILT_IN = [
    ("ce", "plain cross-entropy, no weighting", {}, True),
    ("balanced", 'class weights n / (K n_c), class_weight="balanced"',
     {"class_weight": "balanced"}, True),
    ("effective_number", "class weights from the effective number of samples (Cui et al. "
     '2019), class_weight="effective_number"', {"class_weight": "effective_number"}, False),
    ("balanced_sampler", 'class-balanced mini-batches by weighted sampling, '
     'sampler="balanced"', {"sampler": "balanced"}, True),
    ("focal", 'focal loss with gamma=2 (Lin et al. 2017), criterion="focal"',
     {"criterion": "focal"}, False),
    ("soft_f1", 'soft macro-F1 surrogate loss, criterion="soft_f1"',
     {"criterion": "soft_f1"}, False),
    ("logit_adjusted", "logit-adjusted loss with tau=1 (Menon et al. 2021), "
     'criterion="logit_adjusted"', {"criterion": "logit_adjusted"}, True),
    ("posthoc", "cross-entropy, predictions adjusted by the training prior with tau=1 "
     "(post-hoc logit adjustment, Menon et al. 2021), posthoc_tau=1.0",
     {"posthoc_tau": 1.0}, True),
]

for _name, _description, _params, _ in _BUILT_IN:
    register_strategy(mlp_strategy(
        _name, _description + (" (the baseline)" if _name == BASELINE else ""), **_params))
for _name, _description, _params, _twin_default in _BUILT_IN:
    register_strategy(mlp_strategy(
        f"{_name}+weights", f"{_description}; the weight column as sample_weight",
        uses_weights=True, scenarios=("noisy_labels",) if _twin_default else (), **_params))
del _name, _description, _params, _twin_default


# ------------------------------------------------------------ named recipes (recipes.py)
def _recipe_strategy(name, recipe, description, *, uses_weights=False,
                     scenarios=("imbalance",)):
    """A strategy that is ``sklweight.recipes.<recipe>(**estimator_params)``.

    A new recipe joins with one ``register_strategy(_recipe_strategy(...))`` entry below.
    """

    def build(context):
        from .. import recipes

        return getattr(recipes, recipe)(**context.estimator_params)

    def code(context):
        return _call_code(f"recipes.{recipe}", context.estimator_params)

    return Strategy(
        name=name, description=description, build=build, code=code,
        imports=("from sklweight import recipes",), uses_weights=uses_weights,
        scenarios=scenarios, complexity=3,
        requires=requires_import("sklweight.recipes", recipe),
    )


_LONG_TAIL = ("long-tail recipe: logit-adjusted loss, weight decay, input noise, "
              "longer plateau-stopped training, recipes.long_tail()")
_NOISY = ("noisy-labels recipe: weight decay, input noise, longer plateau-stopped "
          "training, recipes.noisy_labels()")
register_strategy(_recipe_strategy("recipe_long_tail", "long_tail", _LONG_TAIL))
register_strategy(_recipe_strategy(
    "recipe_noisy_labels", "noisy_labels", _NOISY, scenarios=("noisy_labels",)))
register_strategy(_recipe_strategy(
    "recipe_long_tail+weights", "long_tail", _LONG_TAIL + "; the weight column as "
    "sample_weight", uses_weights=True, scenarios=("noisy_labels",)))
register_strategy(_recipe_strategy(
    "recipe_noisy_labels+weights", "noisy_labels", _NOISY + "; the weight column as "
    "sample_weight", uses_weights=True, scenarios=("noisy_labels",)))
register_strategy(_recipe_strategy(
    "recipe_tabular", "tabular", "tabular recipe: logit-adjusted loss, piecewise-linear "
    "feature embeddings, a batched ensemble of 8 members, recipes.tabular()"))
del _LONG_TAIL, _NOISY


# ------------------------------------------------------------ labels of unknown quality
register_strategy(mlp_strategy(
    "generalized_cross_entropy", "generalized cross-entropy with q=0.7, bounded for noisy "
    'labels (Zhang & Sabuncu 2018), criterion="generalized_cross_entropy"',
    scenarios=("noisy_labels",), criterion="generalized_cross_entropy"))
register_strategy(mlp_strategy(
    "symmetric_cross_entropy", "symmetric cross-entropy, 0.1 CE + reverse CE (Wang et al. "
    '2019), criterion="symmetric_cross_entropy"', scenarios=("noisy_labels",),
    criterion="symmetric_cross_entropy"))


def _quality_strategy(name, description, *, scenarios=("noisy_labels",), **quality_params):
    """A QualityWeightedClassifier around the MLP: weights estimated out of fold."""

    def settings(context):
        seed = context.estimator_params.get("random_state")
        return {**quality_params, **({} if seed is None else {"random_state": seed})}

    def build(context):
        from ..mlp import WeightedMLPClassifier
        from ..quality import LabelQualityWeights, QualityWeightedClassifier

        return QualityWeightedClassifier(
            WeightedMLPClassifier(**context.estimator_params),
            quality=LabelQualityWeights(**settings(context)),
        )

    def code(context):
        mlp = _call_code("WeightedMLPClassifier", context.estimator_params)
        quality = _call_code("LabelQualityWeights", settings(context))
        return f"QualityWeightedClassifier({mlp}, quality={quality})"

    return Strategy(
        name=name, description=description, build=build, code=code, scenarios=scenarios,
        complexity=3,
        imports=("from sklweight import (LabelQualityWeights, QualityWeightedClassifier, "
                 "WeightedMLPClassifier)",),
    )


register_strategy(_quality_strategy(
    "quality_weights", "label-quality weights estimated out of fold (self-confidence of "
    "a logistic regression, 5 folds), QualityWeightedClassifier"))
register_strategy(_quality_strategy(
    "confident_learning", "rows flagged by confident learning (Northcutt et al. 2021) "
    "dropped, QualityWeightedClassifier", scenarios=(), method="confident_learning"))


# ------------------------------------------------------------------ the README's list
def strategy_list_markdown():
    """The default strategies per scenario as a Markdown list (README.md holds it).

    Returns
    -------
    text : str
    """
    from ._registry import _REGISTRY

    lines = []
    for scenario, when in (("imbalance", "by default (class imbalance)"),
                           ("noisy_labels", "also with a weight column or --noisy-labels "
                            "(labels of uneven quality)")):
        names = [s.name for s in _REGISTRY.values() if scenario in s.scenarios]
        lines.append(f"* {when}: " + ", ".join(f"`{n}`" for n in names))
    by_name = [s.name for s in _REGISTRY.values() if not s.scenarios]
    lines.append("* only when named in `--strategies`: " + ", ".join(f"`{n}`" for n in by_name))
    return "\n".join(lines) + "\n"
