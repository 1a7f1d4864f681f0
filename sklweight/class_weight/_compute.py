"""Class weights and per-sample weights: the one mapping from a spec to a weight vector.

:func:`class_weight_vector` turns a class-weight spec (``None``, a strategy name of the
registry in :mod:`._strategies`, a dict, a callable, a :class:`ClassWeights` or an array)
and the weighted class counts into one weight per class, aligned with a ``classes`` array
given in any order. Everything that turns a spec into weights calls it:
:func:`compute_class_weight`, :func:`compute_sample_weight`, :class:`ClassWeights`, the
sampler and the classifiers' weight plan. It assumes validated input; the public functions
check their arguments once (:mod:`._checks`) and delegate to it.

:func:`compute_class_weight` and :func:`compute_sample_weight` take scikit-learn's calls:
every call that works with scikit-learn's functions of the same names gives their
result, and the strategies, :class:`ClassWeights`, ``sample_weight`` and the strategy
parameters are extensions.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import issparse
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_is_fitted

from ..utils._docstring import FRAGMENTS, Substitution
from ..utils._validation import (
    Described,
    InvalidParameterError,
    check_sample_weight,
    format_param_error,
)
from ._checks import check_classes, check_labels, check_weight_vector, labels_repr
from ._strategies import check_strategy_params, get_strategy

__all__ = [
    "class_counts",
    "class_weight_vector",
    "compute_class_weight",
    "compute_sample_weight",
]


# --------------------------------------------------------------------------- the mapping


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
    weights[present] = raw * (counts.sum() / np.dot(counts[present], raw))
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


def _callable_weights(function, classes, counts, present, params, *, caller, param):
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = function(counts.copy(), **params)
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


def _fitted_weights(class_weights, classes, *, caller, param):
    index = {label: i for i, label in enumerate(class_weights.classes_.tolist())}
    unseen = [label for label in classes.tolist() if label not in index]
    if unseen:
        raise ValueError(
            format_param_error(
                param, caller,
                f"a ClassWeights fitted on every class, {labels_repr(classes)}",
                Described(f"one fitted on {labels_repr(class_weights.classes_)}"),
                f"It never saw the unseen label(s) {unseen!r}; fit it on these labels, "
                "or pass it unfitted to compute the weights from y.",
            )
        )
    return class_weights.class_weight_[[index[label] for label in classes.tolist()]]


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except Exception:  # noqa: BLE001 (NotFittedError, or no fitted attribute at all)
        return False
    return True


def class_weight_vector(class_weight, classes, counts, *, params=None, caller,
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
    from ._class_weights import ClassWeights  # ClassWeights calls this function

    params = {} if params is None else params
    if isinstance(class_weight, ClassWeights):
        _reject_params(params, caller, "A ClassWeights")
        if _is_fitted(class_weight):
            return _fitted_weights(class_weight, classes, caller=caller, param=param)
        strategy, strategy_params = class_weight._strategy_and_params()
        return class_weight_vector(
            strategy, classes, counts, params=strategy_params, caller=caller,
            param=f"{param}__strategy",
        )
    if class_weight is None:
        _reject_params(params, caller, "None")
        return np.ones(classes.shape[0])
    if isinstance(class_weight, dict):
        _reject_params(params, caller, "A dict of class weights")
        return _dict_weights(class_weight, classes, caller=caller, param=param)
    if isinstance(class_weight, str):
        function = get_strategy(class_weight, caller=caller, param=param)
        params = check_strategy_params(class_weight, params, caller=caller)
        present = _present(counts, caller)
        return _rescaled(function(counts[present], **params), counts, present)
    if callable(class_weight):
        return _callable_weights(
            class_weight, classes, counts, _present(counts, caller), params,
            caller=caller, param=param,
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


# --------------------------------------------------------------------------- counts


def class_counts(y, n_classes=None, sample_weight=None):
    """Count the rows of each class, weighted by ``sample_weight``.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels, or, when ``n_classes`` is given, class indices in
        ``[0, n_classes)`` (an encoded target, e.g. ``LabelEncoder().fit_transform(y)``).
    n_classes : int, default=None
        Number of classes of an encoded ``y``; classes without rows get a count of 0.
        ``None`` means ``y`` holds labels, counted per ``np.unique(y)``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative per-sample weights; ``None`` counts each row once.

    Returns
    -------
    counts : ndarray of shape (n_classes,)
        Weighted counts (float64), aligned with the class indices or ``np.unique(y)``.
    """
    y = column_or_1d(y)
    sample_weight = check_sample_weight(sample_weight, y.shape[0], caller="class_counts")
    if n_classes is None:
        classes, y_idx = np.unique(y, return_inverse=True)
        return np.bincount(y_idx.reshape(-1), weights=sample_weight, minlength=classes.shape[0])
    if y.shape[0] and (
        not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes
    ):
        raise ValueError(
            format_param_error(
                "y",
                "class_counts",
                f"integer class indices in [0, {n_classes - 1}]",
                Described(f"values in [{y.min()!r}, {y.max()!r}] of dtype {y.dtype}"),
            )
        )
    return np.bincount(y, weights=sample_weight, minlength=n_classes).astype(np.float64)


# --------------------------------------------------------------------------- public functions

_CLASS_WEIGHT_DOC = """\
class_weight : None, str, dict, callable, ClassWeights or array-like
    How the class weights ``c`` are obtained from the class counts ``n_c`` (rows
    counted by ``sample_weight``):

    - ``None``: all ones (scikit-learn's);
    - a strategy name, one of
      %(strategy_names)s:
      its formula (see :class:`ClassWeights`; ``"balanced"`` is scikit-learn's
      ``n / (K n_c)``), rescaled so that ``sum_i s_i c[y_i] / sum_i s_i = 1``;
    - a dict ``{label: weight}``, used as given; a class it misses gets 1 and keys that
      are not classes are an error only when a class is missing too (scikit-learn's
      rule);
    - a callable ``f(counts, **strategy_params) -> weights`` taking the weighted class
      counts (aligned with ``classes``), rescaled like a strategy;
    - a :class:`ClassWeights`: used as is when fitted, otherwise its strategy and
      parameters are applied here (the object passed is never fitted);
    - an array of one weight per class (of ``classes``, or of ``np.unique(y)``), used
      as given.

    A class without weighted rows gets the neutral weight 1 from a strategy or a
    callable (scikit-learn's ``"balanced"`` refuses such classes or divides by zero)."""

# the strategy names are listed from the registry when the docstrings are filled
fill_doc = Substitution(
    class_weight=lambda: _CLASS_WEIGHT_DOC % {"strategy_names": FRAGMENTS["strategy_names"]()}
)


@fill_doc
def compute_class_weight(class_weight, *, classes=None, y, sample_weight=None,
                         **strategy_params):
    """Compute one weight per class, scikit-learn's way and with more strategies.

    ``compute_class_weight("balanced", classes=np.unique(y), y=y)`` is scikit-learn's
    call and gives scikit-learn's result.

    Parameters
    ----------
    %(class_weight)s
    classes : array-like of shape (n_classes,), default=None
        The labels to weigh, in any order (the result follows it); it must include
        every label of ``y`` and may add labels absent from ``y``. ``None`` means
        ``np.unique(y)``.
    y : array-like of shape (n_samples,)
        Class labels of the rows (ints, strings, bools, ...), keyword-only as in
        scikit-learn.
    %(sample_weight)s
    **strategy_params : dict
        Hyper-parameters of the named strategy (``beta=0.999`` for
        ``"effective_number"``, valid in ``[0, 1)``), or extra keyword arguments passed
        to a callable strategy.

    Returns
    -------
    class_weight : ndarray of shape (n_classes,)
        The weight of each class of ``classes``, in that order.

    Raises
    ------
    ValueError
        If ``classes`` misses a label of ``y`` or repeats one, on a dict that misses
        classes and has other keys, on invalid labels or invalid ``sample_weight``. An
        unknown strategy name or an invalid strategy hyper-parameter raises
        scikit-learn's ``InvalidParameterError`` (a ``ValueError``), the name with a
        "Did you mean" suggestion.

    See Also
    --------
    compute_sample_weight : Per-sample weights ``sample_weight * class_weight[y]``.
    ClassWeights : The same as a scikit-learn transformer on ``y``.

    Notes
    -----
    Where scikit-learn's function returns something for a class whose rows all have
    zero sample weight (``inf`` for ``"balanced"``), this one treats the rows as
    removed; negative or non-finite weights, in a dict or in ``sample_weight``, are
    refused rather than passed on.

    References
    ----------
    Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced Loss Based on
    Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklweight import compute_class_weight
    >>> y = ["a", "a", "a", "b"]
    >>> compute_class_weight("balanced", classes=np.unique(y), y=y)
    array([0.66666667, 2.        ])
    >>> compute_class_weight("balanced", classes=["b", "a"], y=y)
    array([2.        , 0.66666667])
    >>> compute_class_weight("inverse_sqrt", y=[0, 0, 0, 1]).round(4)
    array([0.8453, 1.4641])
    >>> compute_class_weight({"b": 5.0}, y=y)
    array([1., 5.])
    """
    caller = "compute_class_weight"
    y, y_classes, y_idx = check_labels(y, caller=caller)
    if classes is None:
        classes = y_classes
    else:
        classes, y_idx = check_classes(classes, y, y_classes, y_idx, caller=caller)
    sample_weight = check_sample_weight(sample_weight, y.shape[0], caller=caller)
    counts = np.bincount(y_idx, weights=sample_weight, minlength=classes.shape[0])
    return class_weight_vector(
        class_weight, classes, counts, params=strategy_params, caller=caller
    )


def _computes_from_counts(spec):
    from ._class_weights import ClassWeights

    if isinstance(spec, ClassWeights):
        return not _is_fitted(spec)
    return isinstance(spec, str) or (callable(spec) and not isinstance(spec, dict))


def _column_specs(class_weight, n_outputs, *, caller, indices):
    """One class-weight spec per column of ``y`` (scikit-learn's multi-output rules)."""
    if n_outputs == 1:
        specs = [class_weight]
    elif isinstance(class_weight, list):
        if len(class_weight) != n_outputs:
            raise ValueError(
                format_param_error(
                    "class_weight", caller,
                    f"a list of one class-weight spec per output ({n_outputs})",
                    Described(f"a list of {len(class_weight)} element(s)"),
                )
            )
        specs = class_weight
    elif _computes_from_counts(class_weight):
        specs = [class_weight] * n_outputs
    else:
        raise ValueError(
            format_param_error(
                "class_weight", caller,
                "a list of one spec (a dict, ...) per output, or a strategy name, for "
                "multi-output y",
                class_weight,
            )
        )
    if indices is not None:
        for spec in specs:
            if not _computes_from_counts(spec):
                raise ValueError(
                    format_param_error(
                        "class_weight", caller,
                        "a strategy name (such as 'balanced'), a callable or an unfitted "
                        "ClassWeights when indices is given",
                        spec,
                        "Weights used as given do not depend on a subsample.",
                    )
                )
    return specs


def _check_indices(indices, n_samples, *, caller):
    try:
        indices = np.asarray(indices)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            format_param_error("indices", caller, "an array of row indices", indices)
        ) from exc
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(
            format_param_error(
                "indices", caller, "a 1-D array of integer row indices",
                Described(f"an array of shape {indices.shape} and dtype {indices.dtype}"),
            )
        )
    if indices.shape[0] == 0:
        raise ValueError(format_param_error("indices", caller, "non-empty", indices))
    if indices.min() < -n_samples or indices.max() >= n_samples:
        raise ValueError(
            format_param_error(
                "indices", caller, f"row indices in [0, {n_samples - 1}]",
                Described(f"indices in [{indices.min()}, {indices.max()}]"),
            )
        )
    return indices


@fill_doc
def compute_sample_weight(class_weight, y, *, sample_weight=None, indices=None):
    """Compute per-sample weights ``w_i = sample_weight_i * class_weight[y_i]``.

    ``compute_sample_weight("balanced", y)`` is scikit-learn's call and gives
    scikit-learn's result, for multi-output ``y`` and with ``indices`` as well.

    Parameters
    ----------
    %(class_weight)s

        For multi-output ``y``: a list of one such spec per column, or one that is
        computed from the counts (a strategy name, a callable, an unfitted
        :class:`ClassWeights`), applied to each column; the weights of the columns are
        multiplied.
    y : array-like or sparse matrix of shape (n_samples,) or (n_samples, n_outputs)
        Class labels of the rows.
    %(sample_weight)s
    indices : array-like of shape (n_subsample,), default=None
        Rows of a subsample (a bootstrap may repeat them): the class weights are
        computed on these rows only and a class absent from them gets weight 0
        (scikit-learn's rule). Only with a spec computed from the counts.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        ``sample_weight_i * c[y_i]`` (float64), for every row of ``y``.

    See Also
    --------
    compute_class_weight : The class weights ``c``.

    Examples
    --------
    >>> from sklweight import compute_sample_weight
    >>> compute_sample_weight("balanced", [0, 0, 0, 1])
    array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    >>> compute_sample_weight({"a": 1.0, "b": 3.0}, ["a", "b"], sample_weight=[2.0, 0.5])
    array([2. , 1.5])
    """
    caller = "compute_sample_weight"
    if issparse(y):
        y = y.toarray()
    array = y if hasattr(y, "ndim") else np.asarray(y)
    if array.ndim == 2 and array.shape[1] > 1:
        columns = [np.asarray(array)[:, k] for k in range(array.shape[1])]
    elif array.ndim == 2:
        columns = [np.asarray(array)[:, 0]]
    else:
        columns = [y]
    specs = _column_specs(class_weight, len(columns), caller=caller, indices=indices)
    encoded = [check_labels(column, caller=caller) for column in columns]
    n_samples = encoded[0][0].shape[0]
    sample_weight = check_sample_weight(sample_weight, n_samples, caller=caller)
    rows = None if indices is None else _check_indices(indices, n_samples, caller=caller)
    result = sample_weight.copy()
    for spec, (_, classes, y_idx) in zip(specs, encoded, strict=True):
        if rows is None:
            counts = np.bincount(y_idx, weights=sample_weight, minlength=classes.shape[0])
            weights = class_weight_vector(spec, classes, counts, caller=caller)
        else:
            sub = y_idx[rows]
            counts = np.bincount(sub, weights=sample_weight[rows], minlength=classes.shape[0])
            weights = class_weight_vector(spec, classes, counts, caller=caller)
            weights[np.bincount(sub, minlength=classes.shape[0]) == 0] = 0.0
        result *= weights[y_idx]
    return result
