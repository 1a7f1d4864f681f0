"""Class weights and per-sample weights computed from labels and a strategy.

The strategy names and formulas live in :mod:`._strategies` (re-exported here);
:func:`compute_class_weight` counts the classes, applies a strategy and rescales the
result; :func:`compute_sample_weight` composes ``w_i = s_i * c[y_i]`` (SPEC 3.1).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_is_fitted

from ..utils._docstring import fill_doc
from ..utils._validation import InvalidParameterError, check_sample_weight, format_param_error
from ._checks import check_classification_y, check_weight_vector, labels_repr, weights_from_dict
from ._strategies import (
    STRATEGIES,
    STRATEGY_NAMES,
    STRATEGY_PARAMETER_CONSTRAINTS,
    check_strategy_name,
    check_strategy_params,
    get_strategy,
    strategy_params,
)

__all__ = [
    "STRATEGIES",
    "STRATEGY_NAMES",
    "STRATEGY_PARAMETER_CONSTRAINTS",
    "check_classification_y",
    "check_strategy_name",
    "class_counts",
    "class_weight_from_counts",
    "compute_class_weight",
    "compute_sample_weight",
    "get_strategy",
    "row_class_weights",
    "strategy_params",
]


# --------------------------------------------------------------------------- computation


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
                f"values in [{y.min()!r}, {y.max()!r}] of dtype {y.dtype}",
            )
        )
    return np.bincount(y, weights=sample_weight, minlength=n_classes).astype(np.float64)


def class_weight_from_counts(counts, classes, strategy, params, *, caller, param):
    """Class weights aligned with ``classes`` from validated weighted class counts.

    The computation behind :func:`compute_class_weight` and :class:`ClassWeights`, for
    callers that have already validated and counted their labels.

    Parameters
    ----------
    counts : ndarray of shape (n_classes,)
        Weighted class counts (see :func:`class_counts`).
    classes : ndarray of shape (n_classes,)
        The labels the counts belong to (named in messages).
    strategy : str, dict or callable
        As in :func:`compute_class_weight`.
    params : dict
        Hyper-parameters of a named strategy or extra arguments of a callable.
    caller : str
        Public function or class that received the arguments.
    param : str
        Name under which ``strategy`` was received.

    Returns
    -------
    class_weight : ndarray of shape (n_classes,)
        Rescaled so that ``counts @ class_weight == counts.sum()`` (a dict: as given).
    """
    if isinstance(strategy, dict):
        if params:
            raise InvalidParameterError(
                format_param_error(
                    next(iter(params)),
                    caller,
                    "given only with a named strategy",
                    params[next(iter(params))],
                    "A dict of class weights is used as given.",
                )
            )
        return weights_from_dict(strategy, classes, caller=caller, param=param)
    present = counts > 0
    if present.sum() < 2:
        raise ValueError(
            format_param_error(
                "sample_weight",
                caller,
                "positive on rows of at least two classes",
                f"positive weight only on class {classes[present].tolist()[0]!r}",
            )
        )
    if isinstance(strategy, str):
        function = get_strategy(strategy, caller=caller, param=param)
        raw = function(counts[present], **check_strategy_params(strategy, params, caller=caller))
    elif callable(strategy):
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = strategy(counts.copy(), **params)
        what = "a callable returning one finite, non-negative weight per class"
        if np.shape(raw) != counts.shape:
            raise ValueError(
                format_param_error(
                    param,
                    caller,
                    what,
                    f"a callable returning shape {np.shape(raw)} for {counts.shape[0]} classes",
                )
            )
        raw = check_weight_vector(
            np.asarray(raw)[present],
            int(present.sum()),
            classes[present],
            caller=caller,
            param=param,
            what=what,
        )
    else:
        raise ValueError(
            format_param_error(
                param, caller, "a strategy name, a dict {label: weight} or a callable", strategy
            )
        )
    weights = np.zeros(counts.shape[0])
    weights[present] = raw
    # Rescale so that sum_i s_i c[y_i] / sum_i s_i = 1.
    return weights * (counts.sum() / np.dot(counts, weights))


@fill_doc
def compute_class_weight(y, strategy="balanced", *, sample_weight=None, **strategy_params):
    """Compute one weight per class of ``y``.

    Parameters
    ----------
    %(y)s
    %(strategy)s
    %(sample_weight)s
    **strategy_params : dict
        Hyper-parameters of the named strategy (``beta=0.999`` for
        ``"effective_number"``, valid in ``[0, 1)``), or extra keyword arguments passed
        to a callable strategy.

    Returns
    -------
    class_weight : ndarray of shape (n_classes,)
        Weight of each class of ``np.unique(y)``, in that order.

    Raises
    ------
    ValueError
        On an unknown strategy name (the message lists the valid ones), a dict that
        misses or invents a class (the message lists the classes), invalid labels or
        invalid ``sample_weight``. An invalid strategy hyper-parameter raises
        scikit-learn's ``InvalidParameterError`` (a ``ValueError``).

    See Also
    --------
    compute_sample_weight : Per-sample weights ``sample_weight * class_weight[y]``.
    ClassWeights : The same as a scikit-learn transformer on ``y``.

    Notes
    -----
    Unweighted ``"balanced"`` equals scikit-learn's
    ``compute_class_weight("balanced", classes=np.unique(y), y=y)``, and with
    ``sample_weight`` it equals scikit-learn's with the same ``sample_weight``.

    References
    ----------
    Y. Cui, M. Jia, T.-Y. Lin, Y. Song and S. Belongie, "Class-Balanced Loss Based on
    Effective Number of Samples", CVPR 2019.

    Examples
    --------
    >>> from sklweight.class_weight import compute_class_weight
    >>> compute_class_weight(["a", "a", "a", "b"], "balanced")
    array([0.66666667, 2.        ])
    >>> compute_class_weight([0, 0, 0, 1], "inverse_sqrt").round(4)
    array([0.8453, 1.4641])
    """
    caller = "compute_class_weight"
    y, classes, y_idx = check_classification_y(y, caller=caller)
    sample_weight = check_sample_weight(sample_weight, y.shape[0], caller=caller)
    counts = np.bincount(y_idx, weights=sample_weight, minlength=classes.shape[0])
    return class_weight_from_counts(
        counts, classes, strategy, strategy_params, caller=caller, param="strategy"
    )


def _is_y_transformer(obj):
    return hasattr(obj, "fit") and hasattr(obj, "transform") and hasattr(obj, "get_params")


def row_class_weights(y, y_idx, classes, class_weight, sample_weight, *, caller, param):
    """Per-row class weight ``c[y_i]`` for validated input (see :func:`compute_sample_weight`).

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Validated labels.
    y_idx : ndarray of shape (n_samples,)
        Index of each label in ``classes``.
    classes : ndarray of shape (n_classes,)
        ``np.unique(y)``.
    class_weight : None, str, dict, callable, ClassWeights or array-like
        As in :func:`compute_sample_weight`.
    sample_weight : ndarray of shape (n_samples,)
        Validated sample weights (classes are counted by them).
    caller : str
        Public function that received the arguments.
    param : str
        Name under which ``class_weight`` was received.

    Returns
    -------
    weights : ndarray of shape (n_samples,)
        The class weight of each row (not multiplied by ``sample_weight``).
    """
    n_classes = classes.shape[0]
    if class_weight is None:
        return np.ones(y.shape[0])
    if isinstance(class_weight, (str, dict)) or (
        callable(class_weight) and not _is_y_transformer(class_weight)
    ):
        counts = np.bincount(y_idx, weights=sample_weight, minlength=n_classes)
        weights = class_weight_from_counts(
            counts, classes, class_weight, {}, caller=caller, param=param
        )
        return weights[y_idx]
    if _is_y_transformer(class_weight):
        try:
            check_is_fitted(class_weight)
        except NotFittedError:
            class_weight = clone(class_weight).fit(y, sample_weight=sample_weight)
        rows = class_weight.transform(y)
        return check_weight_vector(
            rows,
            y.shape[0],
            y,
            caller=caller,
            param=param,
            what="an estimator whose transform(y) gives one weight per row",
        )
    if isinstance(class_weight, (list, tuple, np.ndarray)) or hasattr(class_weight, "__array__"):
        weights = check_weight_vector(
            class_weight,
            n_classes,
            classes,
            caller=caller,
            param=param,
            what=f"an array of one weight per class of np.unique(y), {labels_repr(classes)}",
        )
        return weights[y_idx]
    raise ValueError(
        format_param_error(
            param,
            caller,
            "None, a strategy name, a dict {label: weight}, a callable, a ClassWeights "
            "instance or an array aligned with np.unique(y)",
            class_weight,
        )
    )


@fill_doc
def compute_sample_weight(y, class_weight, sample_weight=None):
    """Compute per-sample weights ``w_i = sample_weight_i * class_weight[y_i]``.

    Parameters
    ----------
    %(y)s
    class_weight : None, str, dict, callable, ClassWeights or array-like
        The class weights ``c``: ``None`` (all ones), a strategy name or callable of
        :func:`compute_class_weight` (computed on ``y`` with its ``sample_weight``), a
        dict ``{label: weight}`` (used as given), a :class:`ClassWeights` (used as is
        when fitted; otherwise a clone is fitted on ``y`` and ``sample_weight``, leaving
        the object passed untouched), or an array of one weight per class of
        ``np.unique(y)``, in that order (used as given).
    %(sample_weight)s

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,)
        ``sample_weight_i * c[y_i]`` (float64).

    Examples
    --------
    >>> from sklweight.class_weight import compute_sample_weight
    >>> compute_sample_weight([0, 0, 0, 1], "balanced")
    array([0.66666667, 0.66666667, 0.66666667, 2.        ])
    >>> compute_sample_weight(["a", "b"], {"a": 1.0, "b": 3.0}, sample_weight=[2.0, 0.5])
    array([2. , 1.5])
    """
    caller = "compute_sample_weight"
    y, classes, y_idx = check_classification_y(y, caller=caller)
    sample_weight = check_sample_weight(sample_weight, y.shape[0], caller=caller)
    rows = row_class_weights(
        y, y_idx, classes, class_weight, sample_weight, caller=caller, param="class_weight"
    )
    return sample_weight * rows
