"""The one mapping from a class-weight spec to a weight vector aligned with ``classes``.

:func:`class_weight_vector` turns a class-weight spec (``None``, a strategy name of the
registry in :mod:`._strategies`, a dict, a callable, a :class:`ClassWeights` or an array)
and the weighted class counts into one weight per class, aligned with a ``classes`` array
given in any order. Everything that turns a spec into weights calls it:
:func:`compute_class_weight`, :func:`compute_sample_weight`, :class:`ClassWeights`, the
sampler and the classifiers' weight plan, so a weight cannot land on another class than
the one it was computed for. It assumes validated input: the public functions check their
arguments once (:mod:`._checks`) and delegate here.

A :class:`ClassWeights` maps itself (its ``_class_weight_vector`` method), so this module
does not import the class. Named strategies and callables see the counts rescaled to
rows (:func:`._counts.counts_in_rows`), which makes them invariant to the scale of the
sample weights.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import Described, InvalidParameterError, format_param_error
from ._checks import check_weight_vector, labels_repr
from ._counts import counts_in_rows
from ._strategies import check_strategy_params, strategy_function

__all__ = ["class_weight_vector", "is_fitted"]


def _reject_params(params, caller, what):
    if params:
        name = next(iter(params))
        raise InvalidParameterError(
            format_param_error(
                name, caller, "given only with a strategy name or a callable", params[name],
                f"{what} is used as given.",
            )
        )


def _present(counts, caller):
    present = counts > 0
    if not present.any():
        raise ValueError(
            format_param_error(
                "sample_weight", caller, "positive on some row counted",
                Described("all zeros"),
            )
        )
    return present


def _rescaled(raw, counts, present):
    """Rescale the weights of the present classes so that ``counts @ w == counts.sum()``;
    classes without weighted rows get the neutral weight 1."""
    weights = np.ones(counts.shape[0])
    total = np.dot(counts[present], raw)
    if total > 0:  # else every raw weight is 0 (one class, "one_minus_frequency"): uniform
        weights[present] = raw * (counts.sum() / total)
    return weights


def _dict_weights(mapping, classes, *, caller, param):
    # scikit-learn's rule: a class missing from the dict gets 1; keys that are not
    # classes are an error only when some class is also missing (a likely mix-up)
    labels = classes.tolist()
    values = np.ones(len(labels))
    missing = []
    for i, label in enumerate(labels):
        if label in mapping:
            try:
                values[i] = float(mapping[label])
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    format_param_error(param, caller, "a dict of real-valued weights", mapping)
                ) from exc
        else:
            missing.append(label)
    if missing and len(labels) - len(missing) != len(mapping):
        unknown = [key for key in mapping if key not in set(labels)]
        raise ValueError(
            format_param_error(
                param, caller, f"a dict whose keys are classes, {labels!r}", mapping,
                f"Its keys {unknown!r} are not classes and the classes {missing!r} are "
                "not in it.",
            )
        )
    return check_weight_vector(
        values, len(labels), classes, caller=caller, param=param, what="a dict of weights",
        allow_zeros=True,
    )


def _callable_weights(function, classes, counts, present, params, *, n_rows, caller, param):
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = function(counts_in_rows(counts, n_rows).copy(), **params)
    what = "a callable returning one finite, non-negative weight per class"
    if np.shape(raw) != counts.shape:
        raise ValueError(
            format_param_error(
                param, caller, what,
                Described(
                    f"a callable returning shape {np.shape(raw)} for {counts.shape[0]} classes"
                ),
            )
        )
    raw = check_weight_vector(
        np.asarray(raw)[present], int(present.sum()), classes[present],
        caller=caller, param=param, what=what,
    )
    return _rescaled(raw, counts, present)


def is_fitted(estimator):
    """Whether a ClassWeights (or any estimator) has been fitted."""
    try:
        check_is_fitted(estimator)
    except Exception:  # noqa: BLE001 (NotFittedError, or no fitted attribute at all)
        return False
    return True


def class_weight_vector(class_weight, classes, counts, *, n_rows=None, params=None, caller,
                        param="class_weight"):
    """One weight per class of ``classes`` from a class-weight spec and the class counts.

    The one mapping from a spec to a vector (see the module docstring); it assumes
    validated ``classes`` and ``counts``.

    Parameters
    ----------
    class_weight : None, str, dict, callable, ClassWeights or array-like
        ``None``: ones. A strategy name: its formula on the counts of the classes
        present, rescaled so that ``counts @ w == counts.sum()`` (classes with a count
        of 0 get the neutral weight 1). A dict ``{label: weight}``: used as given, a
        class it misses gets 1 (scikit-learn's rule). A callable ``f(counts, **params)``:
        rescaled as a strategy. A fitted :class:`ClassWeights`: its weights, looked up
        by label; an unfitted one: its strategy and parameters. An array: one weight per
        class of ``classes``, used as given.
    classes : ndarray of shape (n_classes,)
        The labels, in any order; the result is aligned with it.
    counts : ndarray of shape (n_classes,)
        Non-negative weighted row counts, aligned with ``classes``, with a positive sum.
    n_rows : int, default=None
        Number of rows with a positive sample weight behind ``counts``. Named strategies
        and callables see the counts rescaled to sum to it, so that scaling every sample
        weight changes nothing; ``None`` passes the counts as they are.
    params : dict, default=None
        Hyper-parameters of a named strategy, or keyword arguments of a callable.
    caller : str
        Public function or class that received the spec (shown in messages).
    param : str, default="class_weight"
        Name under which the spec was received.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        Float64, finite and non-negative, aligned with ``classes``.
    """
    params = {} if params is None else params
    maps_itself = getattr(class_weight, "_class_weight_vector", None)
    if maps_itself is not None and not isinstance(class_weight, type):  # a ClassWeights
        _reject_params(params, caller, "A ClassWeights")
        return maps_itself(classes, counts, n_rows=n_rows, caller=caller, param=param)
    if class_weight is None:
        _reject_params(params, caller, "None")
        return np.ones(classes.shape[0])
    if isinstance(class_weight, dict):
        _reject_params(params, caller, "A dict of class weights")
        return _dict_weights(class_weight, classes, caller=caller, param=param)
    if isinstance(class_weight, str):
        function = strategy_function(class_weight, caller=caller, param=param)
        params = check_strategy_params(class_weight, params, caller=caller)
        present = _present(counts, caller)
        raw = function(counts_in_rows(counts, n_rows)[present], **params)
        return _rescaled(raw, counts, present)
    if callable(class_weight):
        return _callable_weights(
            class_weight, classes, counts, _present(counts, caller), params,
            n_rows=n_rows, caller=caller, param=param,
        )
    if isinstance(class_weight, (list, tuple, np.ndarray)) or hasattr(class_weight, "__array__"):
        _reject_params(params, caller, "An array of class weights")
        return check_weight_vector(
            class_weight, classes.shape[0], classes, caller=caller, param=param,
            what=f"an array of one weight per class of {labels_repr(classes)}",
            allow_zeros=True,
        )
    raise ValueError(
        format_param_error(
            param, caller,
            "None, a strategy name, a dict {label: weight}, a callable, a "
            "sklweight.ClassWeights or an array of one weight per class",
            class_weight,
        )
    )
