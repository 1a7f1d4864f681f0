"""Class weights and per-sample weights: scikit-learn's calls, extended.

:func:`compute_class_weight` and :func:`compute_sample_weight` take scikit-learn's calls:
every call that works with scikit-learn's functions of the same names gives their
result, and the strategies, :class:`ClassWeights`, ``sample_weight`` and the strategy
parameters are extensions. Both check their arguments here and delegate the mapping from
a spec to weights to :func:`._vector.class_weight_vector`, the one place that does it.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import issparse

from ..utils._docstring import Substitution
from ..utils._validation import Described, check_sample_weight, format_param_error
from ._checks import check_classes, check_labels
from ._class_weights import ClassWeights
from ._counts import weighted_class_counts
from ._strategies import strategy_names_fragment
from ._vector import class_weight_vector, is_fitted

__all__ = [
    "compute_class_weight",
    "compute_sample_weight",
]


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

    A strategy or a callable sees the counts rescaled to sum to the number of rows with
    a positive sample weight, so multiplying every sample weight by ``k > 0`` changes
    nothing; a class without weighted rows gets the neutral weight 1 from it
    (scikit-learn's ``"balanced"`` refuses such classes or divides by zero)."""

# the strategy names are listed from the registry when the docstrings are filled
fill_doc = Substitution(
    class_weight=lambda: _CLASS_WEIGHT_DOC % {"strategy_names": strategy_names_fragment()}
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
    counts = weighted_class_counts(y_idx, classes.shape[0], sample_weight)
    return class_weight_vector(
        class_weight, classes, counts, n_rows=np.count_nonzero(sample_weight),
        params=strategy_params, caller=caller,
    )


def _computes_from_counts(spec):
    if isinstance(spec, ClassWeights):
        return not is_fitted(spec)
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
            counts = weighted_class_counts(y_idx, classes.shape[0], sample_weight)
            weights = class_weight_vector(
                spec, classes, counts, n_rows=np.count_nonzero(sample_weight), caller=caller
            )
        else:
            sub = y_idx[rows]
            counts = weighted_class_counts(sub, classes.shape[0], sample_weight[rows])
            weights = class_weight_vector(
                spec, classes, counts, n_rows=np.count_nonzero(sample_weight[rows]),
                caller=caller,
            )
            weights[weighted_class_counts(sub, classes.shape[0]) == 0] = 0.0
        result *= weights[y_idx]
    return result
