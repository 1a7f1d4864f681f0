"""The one registry of class-weight strategy names.

:data:`STRATEGIES` maps every strategy name to a function ``f(counts, **params) -> raw``
that turns the weighted class counts into unscaled class weights (the callers rescale
them). Everything that accepts a strategy name (:func:`compute_class_weight`,
:class:`ClassWeights`, the sampler and the classifiers) looks it up with
:func:`strategy_function` or checks it with :func:`check_strategy_name`, so an unknown
name gets the same ``ValueError``, listing the valid names, everywhere.

The registry publishes its docstring fragments (:func:`register_fragments`):
``%(strategy_names)s``, the names inline, and ``%(strategy)s``, the ``strategy``
parameter with one bullet per strategy, its formula taken from the function's docstring.
"""

from __future__ import annotations

import difflib
import inspect
import textwrap

import numpy as np

from ..utils._docstring import inline_names, register_fragments
from ..utils._validation import (
    Interval,
    InvalidParameterError,
    Real,
    format_param_error,
    validate_params,
)

__all__ = [
    "STRATEGIES",
    "STRATEGY_NAMES",
    "STRATEGY_PARAMETER_CONSTRAINTS",
    "check_strategy_name",
    "check_strategy_params",
    "strategy_function",
    "strategy_params",
]


# --------------------------------------------------------------------------- strategies
# Each receives the positive weighted counts of the classes present (float64, shape (K,))
# and returns unscaled weights; compute_class_weight rescales them. The docstring is the
# formula shown in the documentation of every ``strategy`` parameter (the fragment below).


def _balanced(counts):
    """``n / (K n_c)`` (scikit-learn's)"""
    return counts.sum() / (counts.shape[0] * counts)


def _inverse(counts):
    """``1 / n_c``"""
    return 1.0 / counts


def _inverse_sqrt(counts):
    """``1 / sqrt(n_c)``"""
    return 1.0 / np.sqrt(counts)


def _one_minus_frequency(counts):
    """``1 - n_c / n``"""
    return 1.0 - counts / counts.sum()


def _effective_number(counts, *, beta=0.999):
    """``(1 - beta) / (1 - beta**n_c)`` (Cui et al., 2019); ``beta=0`` gives uniform
    weights and ``beta -> 1`` tends to ``"inverse"``"""
    # 1 - beta**n computed as -expm1(n log beta): exact for beta -> 1 and, through
    # log(0) = -inf, equal to 1 for beta = 0 (no 0**0 ambiguity: counts are positive).
    with np.errstate(divide="ignore"):
        log_beta = np.log(beta)
    return (1.0 - beta) / -np.expm1(counts * log_beta)


def _median_frequency(counts):
    """``median(n_c) / n_c``"""
    return np.median(counts) / counts


STRATEGIES = {
    "balanced": _balanced,
    "inverse": _inverse,
    "inverse_sqrt": _inverse_sqrt,
    "one_minus_frequency": _one_minus_frequency,
    "effective_number": _effective_number,
    "median_frequency": _median_frequency,
}
"""Registry ``{name: function}`` of the named class-weight strategies."""

STRATEGY_NAMES = tuple(STRATEGIES)
"""The valid strategy names, in documentation order."""

STRATEGY_PARAMETER_CONSTRAINTS = {"beta": [Interval(Real, 0, 1, closed="left")]}
"""Constraints of the strategy hyper-parameters (scikit-learn's constraint format)."""


def check_strategy_name(name, *, caller, param="strategy", extra=()):
    """Return ``name`` if it is a registered strategy name (or one of ``extra``).

    Parameters
    ----------
    name : str
        The name to check.
    caller : str
        Public function or class that received it (shown in the message).
    param : str, default="strategy"
        Name of the parameter that received it.
    extra : tuple of str, default=()
        Further names the caller accepts (the sampler adds ``"sample_weight"``).

    Returns
    -------
    name : str

    Raises
    ------
    InvalidParameterError
        If ``name`` is unknown (scikit-learn's error for a parameter out of its
        options, a ``ValueError``); the message lists the valid names and suggests the
        closest one.
    """
    valid = STRATEGY_NAMES + tuple(extra)
    if isinstance(name, str) and name in valid:
        return name
    close = difflib.get_close_matches(name, valid, n=1) if isinstance(name, str) else []
    raise InvalidParameterError(
        format_param_error(
            param,
            caller,
            f"one of {', '.join(map(repr, valid))}",
            name,
            f"Did you mean {close[0]!r}?" if close else None,
        )
    )


def strategy_function(name, *, caller, param="strategy"):
    """Look up a named strategy in the registry.

    Parameters
    ----------
    name : str
        One of :data:`STRATEGY_NAMES`.
    caller : str
        Public function or class that received the name (shown in the message).
    param : str, default="strategy"
        Name of the parameter that received it.

    Returns
    -------
    function : callable
        ``function(counts, **params) -> raw_weights`` (before rescaling).

    Raises
    ------
    ValueError
        If ``name`` is unknown; the message lists the valid names.
    """
    return STRATEGIES[check_strategy_name(name, caller=caller, param=param)]


def strategy_params(name):
    """Return the hyper-parameters of a named strategy with their defaults.

    Parameters
    ----------
    name : str
        One of :data:`STRATEGY_NAMES`.

    Returns
    -------
    params : dict
        ``{parameter: default}``, e.g. ``{"beta": 0.999}`` for ``"effective_number"``
        and ``{}`` for ``"balanced"``.
    """
    signature = inspect.signature(strategy_function(name, caller="strategy_params"))
    return {
        p.name: p.default
        for p in signature.parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def check_strategy_params(name, params, *, caller):
    """Validate the hyper-parameters given to a named strategy.

    Parameters
    ----------
    name : str
        A registered strategy name.
    params : dict
        ``{parameter: value}`` given by the caller.
    caller : str
        Public function or class that received them (shown in messages).

    Returns
    -------
    params : dict
        All the strategy's parameters: its defaults updated with ``params``.

    Raises
    ------
    InvalidParameterError
        If a parameter does not belong to the strategy or is out of its range.
    """
    accepted = strategy_params(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        takes = [n for n in STRATEGY_NAMES if unknown[0] in strategy_params(n)]
        raise InvalidParameterError(
            format_param_error(
                unknown[0],
                caller,
                f"a parameter of the strategy {name!r} (it takes {sorted(accepted) or 'none'})",
                params[unknown[0]],
                f"It belongs to the strategy {takes[0]!r}." if takes else None,
            )
        )
    validate_params(STRATEGY_PARAMETER_CONSTRAINTS, params, caller)
    return {**accepted, **params}


# ---------------------------------------------------------------- docstring fragments


def _strategy_list():
    # one bullet per registered strategy: its name and its function's docstring (the
    # formula); continuation lines are indented under the bullet
    items = []
    for name, function in STRATEGIES.items():
        doc = inspect.getdoc(function)
        text = f'``"{name}"``: {doc}' if doc else f'``"{name}"``'
        items.append("- " + text.replace("\n", "\n  ") + ";")
    return "\n".join(items)


def _strategy_fragment():
    return f"""\
strategy : str, dict or callable, default="balanced"
    How class weights are computed from the (weighted) class counts ``n_c``, with
    ``n = sum(n_c)`` and ``K`` classes:

{textwrap.indent(_strategy_list(), "    ")}
    - a callable ``f(counts) -> weights`` taking the float array of weighted class counts
      (aligned with the classes) and returning one finite, non-negative weight per
      class;
    - a dict ``{{label: weight}}``, used as given; a class it misses gets 1, as in
      scikit-learn (the classifiers require a dict that names every class and no other).

    Named strategies and callables see the counts rescaled to sum to the number of rows
    with a positive weight, so multiplying every sample weight by ``k > 0`` changes no
    class weight, and their result is rescaled so that the weighted mean of the class
    weight over the rows is 1, ``sum_i s_i c[y_i] / sum_i s_i = 1`` (scikit-learn's
    ``"balanced"`` scale, so learning rates need no retuning); a class whose rows all
    have zero sample weight counts as absent and gets the neutral weight 1. A dict is
    not rescaled."""


def strategy_names_fragment():
    """The registered strategy names, inline (the ``%(strategy_names)s`` fragment)."""
    return inline_names(STRATEGIES)


register_fragments(strategy_names=strategy_names_fragment, strategy=_strategy_fragment)
