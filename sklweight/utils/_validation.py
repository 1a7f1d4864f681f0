"""Input validation: the one place that defines what valid input is.

This is the only module of sklweight that imports private scikit-learn helpers
(``sklearn.utils._param_validation``); everything else imports from here, so a change in
scikit-learn touches one file.

It holds the array checks at the estimator boundary (numpy, run once per ``fit``) and
imports no torch, so the command line and the data sets stay cheap to import; the tensor
checks at the loss boundary live in :mod:`sklweight.utils._tensor_checks`.
"""

from __future__ import annotations

import difflib
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)

__all__ = [
    "HasMethods",
    "Integral",
    "Interval",
    "InvalidParameterError",
    "Described",
    "Options",
    "Real",
    "StrOptions",
    "check_sample_weight",
    "did_you_mean",
    "format_param_error",
    "public_module",
    "unknown_value_error",
    "validate_params",
]


class Described(str):
    """Text describing a received value, shown as is (not quoted) by error messages."""

    __slots__ = ()


def format_param_error(name, caller, expected, value, fix=None):
    """Return the one wording sklweight uses for a bad argument.

    Parameters
    ----------
    name : str
        Name of the parameter or argument.
    caller : str
        Public function or class that received it.
    expected : str
        What was expected, as a noun phrase ("a 1-D array of non-negative floats").
    value : object
        What was received: its ``repr`` is shown, except for a :class:`Described`
        text, shown as written (summarise long arrays that way).
    fix : str or None, default=None
        How to fix it, when there is an obvious fix.

    Returns
    -------
    message : str
    """
    got = value if isinstance(value, Described) else repr(value)
    message = f"The {name!r} parameter of {caller} must be {expected}. Got {got} instead."
    if fix:
        message += f" {fix}"
    return message


def did_you_mean(value, options):
    """The "Did you mean ...?" sentence for a mistyped name, or None when nothing is close.

    Parameters
    ----------
    value : object
        What was received; only a string gets a suggestion.
    options : iterable of str
        The valid names.

    Returns
    -------
    sentence : str or None
        ``"Did you mean 'closest'?"``.
    """
    if not isinstance(value, str):
        return None
    close = difflib.get_close_matches(value, [str(o) for o in options], n=1)
    return f"Did you mean {close[0]!r}?" if close else None


def unknown_value_error(name, caller, options, value, fix=None):
    """The error for a value outside a fixed set of names, with the closest suggested.

    Parameters
    ----------
    name : str
        Name of the parameter.
    caller : str
        Public function or class that received it.
    options : sequence of str
        The valid values, listed in the message in this order.
    value : object
        What was received.
    fix : str or None, default=None
        Advice appended after the suggestion.

    Returns
    -------
    error : InvalidParameterError
        scikit-learn's error type (a ``ValueError`` and a ``TypeError``), worded by
        :func:`format_param_error`; the caller raises it.
    """
    advice = " ".join(part for part in (did_you_mean(value, options), fix) if part)
    return InvalidParameterError(
        format_param_error(
            name, caller, f"one of {', '.join(map(repr, options))}", value, advice or None
        )
    )


def public_module(module):
    """Class decorator: give a class the module it is public from.

    scikit-learn's parameter validation names a type by ``__module__`` and
    ``__qualname__``; a class defined in a private module would be shown as
    ``sklweight.class_weight._class_weights.ClassWeights``. Decorated, it is shown (and
    pickled, and documented) as ``sklweight.ClassWeights``, as numpy's ``set_module``
    does. The class must be importable from ``module``.

    Parameters
    ----------
    module : str
        The public module, e.g. ``"sklweight"``.

    Returns
    -------
    decorator : callable
    """

    def decorate(cls):
        cls.__module__ = module
        return cls

    return decorate


def validate_params(constraints, params, caller):
    """Check hyper-parameters against declared constraints.

    A thin wrapper over scikit-learn's ``validate_parameter_constraints`` so that our
    estimators and losses raise scikit-learn's :class:`InvalidParameterError` (a
    subclass of both ``ValueError`` and ``TypeError``) with scikit-learn's wording.

    Parameters
    ----------
    constraints : dict
        ``{name: [constraint, ...]}`` as in scikit-learn's ``_parameter_constraints``.
    params : dict
        ``{name: value}``; names without a constraint are not checked.
    caller : str
        Name shown in the message.
    """
    validate_parameter_constraints(constraints, params, caller_name=caller)


def _describe_entry(array, index):
    return Described(f"entry {index} is {array[index].item()!r}")


def check_sample_weight(sample_weight, n_samples, *, caller, dtype=np.float64):
    """Validate a per-sample weight vector at an estimator boundary.

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
        Non-negative, finite weights; ``None`` means all ones.
    n_samples : int
        Expected length.
    caller : str
        Public function or class that received the weights (shown in messages).
    dtype : numpy dtype, default=np.float64
        dtype of the returned array.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        A new array (the input is never modified).

    Raises
    ------
    ValueError
        If the weights are not 1-D, have the wrong length, contain a negative, NaN or
        infinite entry, or are all zero. The message names the offending entry.
    """
    if sample_weight is None:
        return np.ones(n_samples, dtype=dtype)
    if np.isscalar(sample_weight):
        sample_weight = np.full(n_samples, sample_weight)
    try:
        weights = np.array(sample_weight, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            format_param_error(
                "sample_weight", caller, "an array-like of real numbers",
                Described(type(sample_weight).__name__)
            )
        ) from exc
    if weights.ndim != 1:
        raise ValueError(
            format_param_error(
                "sample_weight", caller, "a 1-D array",
                Described(f"an array of shape {weights.shape}")
            )
        )
    if weights.shape[0] != n_samples:
        raise ValueError(
            format_param_error(
                "sample_weight",
                caller,
                f"of length {n_samples} (one weight per sample)",
                Described(f"an array of length {weights.shape[0]}"),
            )
        )
    bad = np.flatnonzero(~np.isfinite(weights))
    if bad.size:
        raise ValueError(
            format_param_error(
                "sample_weight", caller, "finite", _describe_entry(weights, bad[0])
            )
        )
    bad = np.flatnonzero(weights < 0)
    if bad.size:
        raise ValueError(
            format_param_error(
                "sample_weight", caller, "non-negative", _describe_entry(weights, bad[0])
            )
        )
    if n_samples and not weights.any():
        raise ValueError(
            format_param_error(
                "sample_weight",
                caller,
                "positive for at least one sample",
                Described("all zeros"),
                "A fit needs some weight to learn from.",
            )
        )
    return weights


# --------------------------------------------------------------------------- tensors
