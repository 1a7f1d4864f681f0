"""Input checks of the class-weight functions: labels, classes and per-class weights.

The public functions of :mod:`sklweight.class_weight` (and the sampler) check their
arguments here, once; the computation in :mod:`._compute` assumes clean input.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import column_or_1d

from ..utils._validation import Described, format_param_error

__all__ = [
    "check_classes",
    "check_dict_classes",
    "check_labels",
    "check_weight_vector",
    "labels_repr",
]


def labels_repr(values):
    """Return the ``repr`` of labels as a Python list (``['a', 'b']``, not numpy reprs)."""
    return repr(np.asarray(values).tolist())


def _missing_entries(y):
    if y.dtype.kind in "fc":
        return np.flatnonzero(~np.isfinite(y))
    if y.dtype.kind == "O":
        return [i for i, v in enumerate(y) if v is None or (isinstance(v, float) and v != v)]
    return []


def check_labels(y, *, caller, param="y"):
    """Validate class labels and encode them by their sorted unique values.

    Labels are any 1-D values that sort (ints, floats, strings, bools), as for
    scikit-learn's ``LabelEncoder``: a single class is accepted, like scikit-learn's
    ``compute_class_weight``. A column vector of shape (n, 1) is raveled with a warning.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        The labels.
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
        If ``y`` is not 1-D, empty, contains NaN or None, or mixes labels that do not
        compare (``1`` and ``"a"``).
    """
    try:
        y = column_or_1d(y, warn=True)
    except ValueError as exc:
        raise ValueError(
            format_param_error(
                param, caller, "a 1-D array of class labels",
                Described(f"an array of shape {np.shape(y)}"),
            )
        ) from exc
    if y.shape[0] == 0:
        raise ValueError(format_param_error(param, caller, "a non-empty array of labels", y))
    missing = _missing_entries(y)
    if len(missing):
        i = missing[0]
        value = y[i].item() if isinstance(y[i], np.generic) else y[i]
        raise ValueError(
            format_param_error(
                param, caller, "free of missing labels", Described(f"entry {i} is {value!r}")
            )
        )
    try:
        classes, y_idx = np.unique(y, return_inverse=True)
    except TypeError as exc:
        raise ValueError(
            format_param_error(
                param, caller, "class labels of one comparable type", Described(repr(y[:5]))
            )
        ) from exc
    return y, classes, y_idx.reshape(-1)


def check_classes(classes, y, y_classes, y_idx, *, caller, param="classes"):
    """Validate an explicit ``classes`` array and encode ``y`` by it.

    Parameters
    ----------
    classes : array-like of shape (n_classes,)
        Unique labels, in any order, including every label of ``y`` (and possibly
        labels that ``y`` lacks).
    y : ndarray of shape (n_samples,)
        Labels validated by :func:`check_labels`.
    y_classes, y_idx : ndarray
        What :func:`check_labels` returned for ``y``.
    caller : str
        Public function that received the arguments.
    param : str, default="classes"
        Name of the argument.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
        The classes as given (an array, same order).
    y_idx : ndarray of shape (n_samples,)
        Index of each row's label in ``classes``.

    Raises
    ------
    ValueError
        If ``classes`` is not 1-D, repeats a label, or misses labels of ``y`` (as
        scikit-learn's ``compute_class_weight``, the message lists them).
    """
    given = np.asarray(classes)
    if given.ndim != 1 or given.shape[0] == 0:
        raise ValueError(
            format_param_error(
                param, caller, "a non-empty 1-D array of labels",
                Described(f"an array of shape {given.shape}"),
            )
        )
    position = {}
    for i, label in enumerate(given.tolist()):
        if label in position:
            raise ValueError(
                format_param_error(
                    param, caller, "labels without repeats", given,
                    f"The label {label!r} appears more than once.",
                )
            )
        position[label] = i
    labels = y_classes.tolist()
    absent = [label for label in labels if label not in position]
    if absent:
        raise ValueError(
            format_param_error(
                param, caller, "an array including every label of y", given,
                f"It misses {absent!r}.",
            )
        )
    lookup = np.array([position[label] for label in labels], dtype=np.intp)
    return given, lookup[y_idx]


def check_weight_vector(weights, n_classes, classes, *, caller, param, what,
                        allow_zeros=False):
    """Validate one weight per class (or per row) and return it as a float64 copy.

    Parameters
    ----------
    weights : array-like of shape (n_classes,)
        Finite, non-negative weights.
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
    allow_zeros : bool, default=False
        Accept weights that are all zero (weights used as given; ``False`` for weights
        that are rescaled by their sum).

    Returns
    -------
    weights : ndarray of shape (n_classes,)

    Raises
    ------
    ValueError
        On a wrong shape, a negative or non-finite entry (naming its class) or, unless
        ``allow_zeros``, all zeros.
    """
    try:
        weights = np.asarray(weights, dtype=np.float64).copy()
    except (TypeError, ValueError) as exc:
        raise ValueError(
            format_param_error(param, caller, what, Described(type(weights).__name__))
        ) from exc
    if weights.shape != (n_classes,):
        raise ValueError(
            format_param_error(
                param,
                caller,
                what,
                Described(f"weights of shape {weights.shape} for classes {labels_repr(classes)}"),
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
                Described(f"{float(weights[bad[0]])!r} for class {label!r}"),
            )
        )
    if not allow_zeros and not weights.any():
        raise ValueError(
            format_param_error(param, caller, "positive for some class", Described("all zeros"))
        )
    return weights


def check_dict_classes(mapping, classes, *, caller, param):
    """Check that a dict of class weights names every class and no other label.

    The classifiers' rule for a ``class_weight`` or ``sampler`` dict (see the user
    guide, :ref:`inputs_class_weight_dicts`); the functions that share scikit-learn's
    names follow scikit-learn's looser rule instead (a class missing from the dict gets
    weight 1).

    Parameters
    ----------
    mapping : dict
        ``{label: weight}``.
    classes : ndarray of shape (n_classes,)
        The labels of the fit.
    caller : str
        Public function or class that received the dict.
    param : str
        Name under which the dict was received.

    Raises
    ------
    ValueError
        If a class is missing or a key is not a class (the message lists the classes).
    """
    labels = np.asarray(classes).tolist()
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
