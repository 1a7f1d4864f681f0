"""The registry of the strategies ``sklweight compare`` cross-validates: what an entry
is, how one joins, how they are looked up and selected.

A :class:`Strategy` is one way to train on imbalanced or uneven-quality data: a name for
the command line, a one-line description, a builder returning an *unfitted* final
estimator for a :class:`StrategyContext`, and the Python expression that builds the same
estimator (printed in the recommendation, so it must stay in step with the builder; the
tests execute it and compare the parameters). The comparison puts each estimator after the
data's preprocessing in a :class:`~sklearn.pipeline.Pipeline`; a strategy with
``uses_weights=True`` also receives the data's weight column as ``sample_weight`` and
exists only when there is one.

Adding a strategy is one entry: the built-in ones are registered in
``sklweight/compare/strategies.py`` (add new ones there, so they exist whenever the
command runs); code outside the package calls :func:`register_strategy` before running
a comparison. A setting of :class:`~sklweight.WeightedMLPClassifier` is one line::

    register_strategy(mlp_strategy(
        "poly", "poly loss (Leng et al. 2022): cross-entropy plus a polynomial term",
        criterion="poly"))

Any other estimator (a meta-estimator, a preset returned by a function) is a
:class:`Strategy` with its own ``build``, ``code`` and ``imports``; its fitted estimator's
``loss_curve_`` (or its ``estimator_``'s) gives the learning curves.

Each entry names the **scenarios** it answers (``scenarios``): ``"imbalance"`` strategies
run by default; ``"noisy_labels"`` ones (bounded losses, label-quality weights, the
noisy-labels recipe) run when the data has a weight column or with ``--noisy-labels``; an
entry with no scenario runs only when asked for by name. Its **complexity** (0: plain
cross-entropy; 1: one setting such as class weights, a sampler or a post-hoc shift; 2: a
different loss; 3: a recipe or a meta-estimator) decides between strategies whose scores
are within the noise of each other: the recommendation takes the simplest, then the
fastest.

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
    "SCENARIOS",
    "Strategy",
    "StrategyContext",
    "get_strategy",
    "mlp_strategy",
    "register_strategy",
    "default_scenarios",
    "registered_strategies",
    "requires_import",
    "select_strategies",
    "unregister_strategy",
]

BASELINE = "ce"
"""Name of the plain cross-entropy strategy every other one is compared with."""

SCENARIOS = ("imbalance", "noisy_labels")
"""The questions a strategy can answer: class imbalance, labels of uneven quality."""


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
    scenarios : tuple of str
        The scenarios (:data:`SCENARIOS`) whose default selection includes the entry
        (when available); ``()``: only run when asked for by name.
    complexity : int
        0 (plain cross-entropy) to 3 (a recipe or a meta-estimator); among strategies
        within the noise of each other the recommendation prefers the lowest.
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
    scenarios: tuple = ("imbalance",)
    complexity: int = 1
    requires: Callable | None = None

    @property
    def default(self):
        """Whether some scenario's default selection includes the entry."""
        return bool(self.scenarios)

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
    unknown = set(strategy.scenarios) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"Unknown scenario(s) {sorted(unknown)!r} for {strategy.name!r}; "
                         f"valid ones: {SCENARIOS!r}.")
    if (not strategy.name or "," in strategy.name or strategy.name != strategy.name.strip()
            or not strategy.name.isprintable()):
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


def default_scenarios(*, has_weights, noisy_labels=False):
    """The scenarios of the default selection: imbalance, plus noisy labels when the
    data has a weight column or the user says the labels are noisy."""
    return ("imbalance", "noisy_labels") if has_weights or noisy_labels else ("imbalance",)


def select_strategies(names, *, has_weights, noisy_labels=False):
    """The strategies to run, baseline first.

    Parameters
    ----------
    names : list of str or None
        Names asked for on the command line; ``None`` selects every available entry of
        the :func:`default_scenarios` (those using the weight column only when there is
        one).
    has_weights : bool
        Whether the data has a weight column.
    noisy_labels : bool, default=False
        Add the noisy-label strategies to the default selection (``--noisy-labels``).

    Returns
    -------
    strategies : list of Strategy
        The baseline (:data:`BASELINE`) first, added when not asked for, then the rest in
        the order asked (or registered).
    """
    if names is None:
        scenarios = set(default_scenarios(has_weights=has_weights, noisy_labels=noisy_labels))
        chosen = [
            s for s in _REGISTRY.values()
            if scenarios & set(s.scenarios) and (has_weights or not s.uses_weights)
            and s.unavailable_reason() is None
        ]
    else:
        chosen = [get_strategy(name) for name in dict.fromkeys(names)]  # drop repeats
        for strategy in chosen:  # every name checked before any availability import
            if strategy.uses_weights and not has_weights:
                raise CompareError(
                    f"strategy {strategy.name!r} trains with the weight column, but the "
                    "data has none: pass --weight-col COL with --csv, or use --data "
                    "noisy-digits."
                )
        for strategy in chosen:
            reason = strategy.unavailable_reason()
            if reason is not None:
                raise CompareError(f"strategy {strategy.name!r} is not available: {reason}")
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


def mlp_strategy(name, description, *, uses_weights=False, scenarios=("imbalance",),
                 complexity=None, requires=None, **params):
    """A :class:`Strategy` that is a :class:`~sklweight.WeightedMLPClassifier` setting.

    Parameters
    ----------
    name, description : str
        See :class:`Strategy`.
    uses_weights : bool, default=False
        See :class:`Strategy`.
    scenarios : tuple of str, default=("imbalance",)
        See :class:`Strategy`.
    complexity : int or None, default=None
        See :class:`Strategy`; ``None``: 0 without ``params``, 2 when they set the
        ``criterion``, else 1.
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
        uses_weights=uses_weights, scenarios=tuple(scenarios), requires=requires,
        complexity=complexity if complexity is not None else
        0 if not params else 2 if "criterion" in params else 1,
    )
