"""Input checks of the class-weight functions: labels and per-class weight vectors."""

from __future__ import annotations

import numpy as np
from sklearn.utils import column_or_1d
from sklearn.utils.multiclass import type_of_target

from ..utils._validation import format_param_error

__all__ = ["check_classification_y", "check_weight_vector", "labels_repr", "weights_from_dict"]


def labels_repr(values):
    """Return the ``repr`` of labels as a Python list (``['a', 'b']``, not numpy reprs)."""
    return repr(np.asarray(values).tolist())


def check_classification_y(y, *, caller, param="y"):
    """Validate class labels and encode them.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Labels of at least two classes.
    caller : str
        Public function or class that received ``y`` (shown in messages).
    param : str, default="y"
        Name of the argument.

    Returns
    -------
    y : ndarray of shape (n_samples,)
        The labels as a 1-D array (possibly a view of the input; never written to).
    classes : ndarray of shape (n_classes,)
        Sorted unique labels, ``np.unique(y)``.
    y_idx : ndarray of shape (n_samples,)
        Index of each row's label in ``classes``.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, empty, contains NaN or None, is continuous or has one class.
    """
    try:
        y = column_or_1d(y, warn=True)
    except ValueError as exc:
        raise ValueError(
            format_param_error(
                param, caller, "a 1-D array of class labels", f"an array of shape {np.shape(y)}"
            )
        ) from exc
    if y.shape[0] == 0:
        raise ValueError(format_param_error(param, caller, "a non-empty array of labels", y))
    if y.dtype.kind in "fc":
        missing = np.flatnonzero(~np.isfinite(y))
    elif y.dtype.kind == "O":
        missing = [i for i, v in enumerate(y) if v is None or (isinstance(v, float) and v != v)]
    else:
        missing = []
    if len(missing):
        i = missing[0]
        value = y[i].item() if isinstance(y[i], np.generic) else y[i]
        raise ValueError(
            format_param_error(param, caller, "free of missing labels", f"entry {i} is {value!r}")
        )
    try:
        kind = type_of_target(y)
        classes, y_idx = np.unique(y, return_inverse=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            format_param_error(param, caller, "class labels of one comparable type", f"{y[:5]!r}")
        ) from exc
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            format_param_error(
                param,
                caller,
                "discrete class labels (a binary or multiclass target)",
                f"a {kind!r} target",
                "Class weights need a classification target.",
            )
        )
    if classes.shape[0] < 2:
        raise ValueError(
            format_param_error(
                param, caller, "labels of at least two classes", f"only {labels_repr(classes)}"
            )
        )
    return y, classes, y_idx.reshape(-1)


def check_weight_vector(weights, n_classes, classes, *, caller, param, what):
    """Validate one weight per class (or per row) and return it as a float64 copy.

    Parameters
    ----------
    weights : array-like of shape (n_classes,)
        Finite, non-negative weights, not all zero.
    n_classes : int
        Expected length.
    classes : array-like of shape (n_classes,)
        Labels the weights belong to (named in messages).
    caller : str
        Public function or class that received the weights.
    param : str
        Name under which the weights were received.
    what : str
        What was expected, as a noun phrase (used in messages).

    Returns
    -------
    weights : ndarray of shape (n_classes,)

    Raises
    ------
    ValueError
        On a wrong shape, a negative or non-finite entry (naming its class) or all zeros.
    """
    try:
        weights = np.array(weights, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ValueError(format_param_error(param, caller, what, type(weights))) from exc
    if weights.shape != (n_classes,):
        raise ValueError(
            format_param_error(
                param,
                caller,
                what,
                f"weights of shape {weights.shape} for classes {labels_repr(classes)}",
            )
        )
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if bad.size:
        label = np.asarray(classes).tolist()[bad[0]]
        raise ValueError(
            format_param_error(
                param,
                caller,
                "finite and non-negative class weights",
                f"{float(weights[bad[0]])!r} for class {label!r}",
            )
        )
    if not weights.any():
        raise ValueError(format_param_error(param, caller, "positive for some class", "all zeros"))
    return weights


def weights_from_dict(mapping, classes, *, caller, param):
    """Return a dict ``{label: weight}`` as an array aligned with ``classes``.

    Parameters
    ----------
    mapping : dict
        Must name every class of ``classes`` and no other label.
    classes : ndarray of shape (n_classes,)
        Sorted unique labels of ``y``.
    caller : str
        Public function or class that received the dict.
    param : str
        Name under which the dict was received.

    Returns
    -------
    weights : ndarray of shape (n_classes,)
        The values of the dict, in the order of ``classes``, unscaled.

    Raises
    ------
    ValueError
        If a class is missing or a key is not a class (the message lists the classes),
        or a value is negative, non-finite or all values are zero.
    """
    labels = classes.tolist()
    known = set(labels)
    missing = [label for label in labels if label not in mapping]
    unknown = [key for key in mapping if key not in known]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"missing class(es) {missing!r}")
        if unknown:
            problems.append(f"class(es) absent from y {unknown!r}")
        raise ValueError(
            format_param_error(
                param,
                caller,
                f"a dict with one weight for each class of y, {labels!r}, and no other key",
                mapping,
                f"It has {' and '.join(problems)}.",
            )
        )
    try:
        values = [float(mapping[label]) for label in labels]
    except (TypeError, ValueError) as exc:
        raise ValueError(
            format_param_error(param, caller, "a dict of real-valued weights", mapping)
        ) from exc
    return check_weight_vector(
        values, len(labels), classes, caller=caller, param=param, what="a dict of weights"
    )
