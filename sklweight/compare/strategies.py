"""The registry of the strategies ``sklweight compare`` cross-validates.

A :class:`Strategy` is one way to train on imbalanced or uneven-quality data: a name for
the command line, a one-line description, a builder returning an *unfitted* final
estimator for a :class:`StrategyContext`, and the Python expression that builds the same
estimator (printed in the recommendation, so it must stay in step with the builder; the
tests execute it and compare the parameters). The comparison puts each estimator after the
data's preprocessing in a :class:`~sklearn.pipeline.Pipeline`; a strategy with
``uses_weights=True`` also receives the data's weight column as ``sample_weight`` and
exists only when there is one.

Adding a strategy is one entry: the built-in ones are registered at the end of this
module (add new ones there, so they exist whenever the command runs); code outside the
package calls :func:`register_strategy` before running a comparison. A setting of
:class:`~sklweight.WeightedMLPClassifier` is one line::

    register_strategy(mlp_strategy(
        "poly", "poly loss (Leng et al. 2022): cross-entropy plus a polynomial term",
        criterion="poly"))

Any other estimator (a meta-estimator, a preset returned by a function) is a
:class:`Strategy` with its own ``build``, ``code`` and ``imports``; its fitted estimator's
``loss_curve_`` (or its ``estimator_``'s) gives the learning curves.

An entry may be registered before its estimator exists: ``requires`` returns ``None``
when it can run, else the reason it cannot (:func:`requires_import` builds one from a
module path, e.g. ``requires_import("sklweight.recipes", "long_tail")``). Unavailable
entries are listed by ``--list-strategies`` with the reason, left out of the default
selection, and refused with that reason when asked for by name.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import CompareError

__all__ = [
    "BASELINE",
    "Strategy",
    "StrategyContext",
    "get_strategy",
    "mlp_strategy",
    "register_strategy",
    "registered_strategies",
    "requires_import",
    "select_strategies",
    "unregister_strategy",
]

BASELINE = "ce"
"""Name of the plain cross-entropy strategy every other one is compared with."""


@dataclass(frozen=True)
class StrategyContext:
    """What a strategy's builder may depend on.

    Attributes
    ----------
    has_weights : bool
        Whether the data has a weight column (``fit`` gets it as ``sample_weight`` when
        the strategy has ``uses_weights=True``).
    n_classes : int
        Number of classes in the data.
    estimator_params : dict
        Settings shared by every strategy's :class:`~sklweight.WeightedMLPClassifier`
        (``random_state``, and ``max_epochs``, ``early_stopping``, ``device`` when not at
        their defaults). A builder passes them on to the estimators it makes.
    """

    has_weights: bool = False
    n_classes: int = 2
    estimator_params: dict = field(default_factory=dict)

    def with_params(self, **params):
        """A copy whose ``estimator_params`` are updated with ``params``."""
        return dataclasses.replace(self, estimator_params={**self.estimator_params, **params})


@dataclass(frozen=True)
class Strategy:
    """One entry of the registry.

    Attributes
    ----------
    name : str
        Command-line name (``--strategies name,...``).
    description : str
        One line saying what the strategy does.
    build : callable
        ``build(context) -> estimator``: a new unfitted scikit-learn classifier.
    code : callable
        ``code(context) -> str``: a Python expression that builds the same estimator.
    imports : tuple of str
        The import lines ``code`` needs.
    uses_weights : bool
        Pass the data's weight column as ``sample_weight`` to ``fit``; the strategy only
        exists for data with a weight column.
    default : bool
        Part of the default selection (when available).
    requires : callable or None
        ``requires() -> None | str``: ``None`` when the strategy can run, else the reason
        it cannot (for instance a module that does not exist yet).
    """

    name: str
    description: str
    build: Callable
    code: Callable
    imports: tuple = ("from sklweight import WeightedMLPClassifier",)
    uses_weights: bool = False
    default: bool = True
    requires: Callable | None = None

    def unavailable_reason(self):
        """``None`` when the strategy can run here, else why not."""
        return None if self.requires is None else self.requires()


_REGISTRY: dict[str, Strategy] = {}


def register_strategy(strategy, *, replace=False):
    """Add ``strategy`` to the registry (the order of registration is the listing order).

    Parameters
    ----------
    strategy : Strategy
        The entry to add.
    replace : bool, default=False
        Replace an entry of the same name instead of refusing it.

    Returns
    -------
    strategy : Strategy
        The entry, so the call can be used as an expression.
    """
    if not isinstance(strategy, Strategy):
        raise TypeError(f"register_strategy expects a Strategy. Got {strategy!r} instead.")
    if strategy.name in _REGISTRY and not replace:
        raise ValueError(
            f"A strategy named {strategy.name!r} is already registered; pass replace=True "
            "to replace it."
        )
    if not strategy.name or "," in strategy.name or strategy.name != strategy.name.strip():
        raise ValueError(
            f"A strategy name must be non-empty, without commas or surrounding spaces. "
            f"Got {strategy.name!r} instead."
        )
    _REGISTRY[strategy.name] = strategy
    return strategy


def unregister_strategy(name):
    """Remove the entry ``name`` (for tests and for plug-ins replacing an entry)."""
    del _REGISTRY[name]


def registered_strategies():
    """All registered entries, in registration order (available or not)."""
    return list(_REGISTRY.values())


def get_strategy(name):
    """The entry called ``name``; an unknown name raises :class:`CompareError`."""
    try:
        return _REGISTRY[name]
    except KeyError:
        names = list(_REGISTRY)
        close = difflib.get_close_matches(name, names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise CompareError(
            f"unknown strategy {name!r}.{hint} Valid strategies: {', '.join(names)} "
            "(see --list-strategies)."
        ) from None


def select_strategies(names, *, has_weights):
    """The strategies to run, baseline first.

    Parameters
    ----------
    names : list of str or None
        Names asked for on the command line; ``None`` selects every available default
        entry (those using the weight column only when there is one).
    has_weights : bool
        Whether the data has a weight column.

    Returns
    -------
    strategies : list of Strategy
        The baseline (:data:`BASELINE`) first, added when not asked for, then the rest in
        the order asked (or registered).
    """
    if names is None:
        chosen = [
            s for s in _REGISTRY.values()
            if s.default and s.unavailable_reason() is None and (has_weights or not s.uses_weights)
        ]
    else:
        chosen = []
        for name in dict.fromkeys(names):  # drop repeats, keep the order
            strategy = get_strategy(name)
            if strategy.uses_weights and not has_weights:
                raise CompareError(
                    f"strategy {name!r} trains with the weight column, but the data has "
                    "none: pass --weight-col COL with --csv, or use --data noisy-digits."
                )
            reason = strategy.unavailable_reason()
            if reason is not None:
                raise CompareError(f"strategy {name!r} is not available: {reason}")
            chosen.append(strategy)
    baseline = get_strategy(BASELINE)
    return [baseline] + [s for s in chosen if s.name != BASELINE]


def requires_import(module, attribute=None):
    """A ``requires`` check: the strategy runs once ``module`` (and ``attribute``) exist.

    Parameters
    ----------
    module : str
        Dotted module path, e.g. ``"sklweight.recipes"``.
    attribute : str or None, default=None
        A name the module must define, e.g. ``"long_tail"``.

    Returns
    -------
    requires : callable
        ``requires() -> None | str``.
    """

    def requires():
        try:
            found = importlib.import_module(module)
        except ImportError as exc:
            return f"{module} cannot be imported ({exc})."
        if attribute is not None and not hasattr(found, attribute):
            return f"{module} has no {attribute!r} yet."
        return None

    return requires


def python_literal(value):
    """``repr(value)``, with strings in double quotes (the style of the printed code)."""
    if isinstance(value, str) and value.isprintable() and "\\" not in value:
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def _call_code(callee, params):
    """``callee(k=v, ...)`` as Python source."""
    return f"{callee}(" + ", ".join(f"{k}={python_literal(v)}" for k, v in params.items()) + ")"


def mlp_strategy(name, description, *, uses_weights=False, default=True, requires=None,
                 **params):
    """A :class:`Strategy` that is a :class:`~sklweight.WeightedMLPClassifier` setting.

    Parameters
    ----------
    name, description : str
        See :class:`Strategy`.
    uses_weights : bool, default=False
        See :class:`Strategy`.
    default : bool, default=True
        See :class:`Strategy`.
    requires : callable or None, default=None
        See :class:`Strategy`.
    **params : dict
        The estimator's parameters that make the strategy (``class_weight="balanced"``,
        ``criterion="focal"``, ...); the context's ``estimator_params`` are added.

    Returns
    -------
    strategy : Strategy
    """

    def settings(context):
        return {**params, **context.estimator_params}

    def build(context):
        from ..mlp import WeightedMLPClassifier

        return WeightedMLPClassifier(**settings(context))

    def code(context):
        return _call_code("WeightedMLPClassifier", settings(context))

    return Strategy(
        name=name, description=description, build=build, code=code,
        uses_weights=uses_weights, default=default, requires=requires,
    )


# --------------------------------------------------------------------------- built-ins
# Each base strategy also gets a "+weights" twin that trains with the weight column.
_BUILT_IN = [
    ("ce", "plain cross-entropy, no weighting", {}),
    ("balanced", 'class weights n / (K n_c), class_weight="balanced"',
     {"class_weight": "balanced"}),
    ("effective_number", "class weights from the effective number of samples (Cui et al. "
     '2019), class_weight="effective_number"', {"class_weight": "effective_number"}),
    ("balanced_sampler", 'class-balanced mini-batches by weighted sampling, '
     'sampler="balanced"', {"sampler": "balanced"}),
    ("focal", 'focal loss with gamma=2 (Lin et al. 2017), criterion="focal"',
     {"criterion": "focal"}),
    ("soft_f1", 'soft macro-F1 surrogate loss, criterion="soft_f1"',
     {"criterion": "soft_f1"}),
    ("logit_adjusted", "logit-adjusted loss with tau=1 (Menon et al. 2021), "
     'criterion="logit_adjusted"', {"criterion": "logit_adjusted"}),
    ("posthoc", "cross-entropy, predictions adjusted by the training prior with tau=1 "
     "(post-hoc logit adjustment, Menon et al. 2021), posthoc_tau=1.0",
     {"posthoc_tau": 1.0}),
]

for _name, _description, _params in _BUILT_IN:
    register_strategy(mlp_strategy(
        _name, _description + (" (the baseline)" if _name == BASELINE else ""), **_params))
for _name, _description, _params in _BUILT_IN:
    register_strategy(mlp_strategy(
        f"{_name}+weights", f"{_description}; the weight column as sample_weight",
        uses_weights=True, **_params))
del _name, _description, _params


# ------------------------------------------------------------ named recipes (recipes.py)
def _recipe_strategy(name, recipe, description, *, uses_weights=False, default=True):
    """A strategy that is ``sklweight.recipes.<recipe>(**estimator_params)``."""

    def build(context):
        from .. import recipes

        return getattr(recipes, recipe)(**context.estimator_params)

    def code(context):
        return _call_code(f"recipes.{recipe}", context.estimator_params)

    return Strategy(
        name=name, description=description, build=build, code=code,
        imports=("from sklweight import recipes",), uses_weights=uses_weights,
        default=default, requires=requires_import("sklweight.recipes", recipe),
    )


_LONG_TAIL = ("long-tail recipe: logit-adjusted loss, weight decay, input noise, "
              "longer plateau-stopped training, recipes.long_tail()")
_NOISY = ("noisy-labels recipe: weight decay, input noise, longer plateau-stopped "
          "training, recipes.noisy_labels()")
register_strategy(_recipe_strategy("recipe_long_tail", "long_tail", _LONG_TAIL))
register_strategy(_recipe_strategy(
    "recipe_noisy_labels", "noisy_labels", _NOISY + " (meant with weights)", default=False))
register_strategy(_recipe_strategy(
    "recipe_long_tail+weights", "long_tail", _LONG_TAIL + "; the weight column as "
    "sample_weight", uses_weights=True))
register_strategy(_recipe_strategy(
    "recipe_noisy_labels+weights", "noisy_labels", _NOISY + "; the weight column as "
    "sample_weight", uses_weights=True))
del _LONG_TAIL, _NOISY


# ------------------------------------------------------- labels of unknown quality (SPEC 10)
register_strategy(mlp_strategy(
    "generalized_cross_entropy", "generalized cross-entropy with q=0.7, bounded for noisy "
    'labels (Zhang & Sabuncu 2018), criterion="generalized_cross_entropy"',
    criterion="generalized_cross_entropy"))
register_strategy(mlp_strategy(
    "symmetric_cross_entropy", "symmetric cross-entropy, 0.1 CE + reverse CE (Wang et al. "
    '2019), criterion="symmetric_cross_entropy"', default=False,
    criterion="symmetric_cross_entropy"))


def _quality_strategy(name, description, *, default=True, **quality_params):
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
        name=name, description=description, build=build, code=code, default=default,
        imports=("from sklweight import (LabelQualityWeights, QualityWeightedClassifier, "
                 "WeightedMLPClassifier)",),
    )


register_strategy(_quality_strategy(
    "quality_weights", "label-quality weights estimated out of fold (self-confidence of "
    "a logistic regression, 5 folds), QualityWeightedClassifier"))
register_strategy(_quality_strategy(
    "confident_learning", "rows flagged by confident learning (Northcutt et al. 2021) "
    "dropped, QualityWeightedClassifier", default=False, method="confident_learning"))
