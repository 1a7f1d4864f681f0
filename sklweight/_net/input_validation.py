"""Validation of the classifiers' fit and predict inputs, and the validated fit data.

Array-likes go through scikit-learn's ``validate_data`` (its errors, in its words, and
``n_features_in_`` / ``feature_names_in_``); tensors and dicts of arrays (for modules with
several inputs) are checked for consistent lengths; labels are encoded once; rows with
zero sample weight are left out here, by position, before any split or batching.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import assert_all_finite, column_or_1d, validate_data
from skorch.utils import is_dataset, to_numpy

from ..utils._dataframe import check_numeric_columns
from ..utils._validation import Described, check_sample_weight, format_param_error
from .batching import TensorDataset
from .weighting import SAMPLE_WEIGHT_SAMPLER, check_weighting_dicts, warn_unweighted_sampler

__all__ = [
    "FitData", "encode_labels", "learn_classes", "to_tensor", "validate_fit_data",
    "validate_predict_data",
]


def _is_dict(X):
    """A dict of inputs for a multi-input module (a sparse DOK matrix is not one)."""
    return isinstance(X, Mapping) and not issparse(X)


class FitData(torch.utils.data.Dataset):
    """Validated training data, still in NumPy: the rows a fit trains on.

    ``X`` is kept whole, as validated (an array, a tensor or a dict of them); the rows
    of positive sample weight are ``X[rows]`` (``rows`` None: all of them), and ``y`` and
    ``sample_weight`` hold theirs. skorch's ``train_split`` splits this dataset (its
    ``len`` and ``y``), so the split indices come from the NumPy labels; the tensors are
    built once, after the weight plan (:mod:`.data_hooks`).

    Parameters
    ----------
    X : ndarray, Tensor or dict of them, or a torch Dataset (``passthrough``)
    y : ndarray of int64 of shape (n_rows,) or None
        Encoded labels of the rows trained on.
    sample_weight : ndarray of float64 of shape (n_rows,) or None
        Their sample weights (all positive).
    rows : ndarray of int64 or None, default=None
        Their positions in ``X``; None: every row of ``X``.
    dropped_y : ndarray of int64 or None, default=None
        Encoded labels of the rows left out for a zero sample weight.
    passthrough : bool, default=False
        ``X`` is a user's torch ``Dataset``, trained on as skorch does.
    """

    def __init__(self, X, y, sample_weight, rows=None, dropped_y=None, *, passthrough=False):
        self.X = X
        self.y = y
        self.sample_weight = sample_weight
        self.rows = rows
        self.dropped_y = dropped_y
        self.passthrough = passthrough
        self._features = None

    def __len__(self):
        if self.y is not None:
            return len(self.y)
        if isinstance(self.X, Mapping):
            return len(next(iter(self.X.values())))
        return len(self.X)

    def __getitem__(self, index):
        # row access for a user's train_split that reads the rows (NumPy, not tensors)
        row = index if self.rows is None else self.rows[index]
        return _take(self.X, row), None if self.y is None else self.y[index]

    def subset(self, index):
        """The rows at positions ``index``, as ``torch.utils.data.Subset`` (what a
        ``train_split`` returns)."""
        return torch.utils.data.Subset(self, np.asarray(index, dtype=np.int64))

    def features(self, device, dtype=None):
        """X as tensors on ``device`` (cast to the module's ``dtype``), built once."""
        if self._features is None:
            self._features = to_tensor(self.X, device, dtype)
        return self._features

    def positions(self, index=None):
        """The positions in ``X`` of this dataset's rows ``index`` (all when None)."""
        if index is None:
            return self.rows
        index = np.asarray(index, dtype=np.int64)
        return index if self.rows is None else self.rows[index]


def to_tensor(X, device, dtype, *, features=True):
    """Move X to ``device``; cast floats (and, for a plain feature array, integers too)
    to the module's floating dtype. Integer tensors and integer arrays inside a dict are
    kept as they are (token ids for embeddings)."""
    if _is_dict(X):
        return {
            key: to_tensor(value, device, dtype, features=False) for key, value in X.items()
        }
    cast = dtype is not None
    if not isinstance(X, torch.Tensor):
        X = np.asarray(X)
        X = torch.from_numpy(X) if X.flags.writeable else torch.tensor(X)
        cast = cast and (features or X.is_floating_point())
    else:
        cast = cast and X.is_floating_point()
    return X.to(device=device, dtype=dtype) if cast else X.to(device)


def _take(X, index):
    if _is_dict(X):
        return {key: _take(value, index) for key, value in X.items()}
    if isinstance(X, torch.Tensor):
        return X[torch.as_tensor(index, device=X.device)]
    return X[index]


def _n_rows(X, caller):
    if _is_dict(X):
        if not X:
            raise ValueError(f"{caller}: X is an empty dict.")
        lengths = {key: len(value) for key, value in X.items()}
        if len(set(lengths.values())) != 1:
            raise ValueError(f"{caller}: the arrays of X have different lengths: {lengths}.")
        return next(iter(lengths.values()))
    return len(X)


def encode_labels(y, classes, caller):
    """Return the indices of ``y`` in ``classes``; unknown labels raise ``ValueError``.

    As in skorch, ``y`` may instead hold the output indices ``0..K-1`` themselves when
    the labels were given by ``classes=`` (``classes=["foo", "bar"]`` with ``y`` of 0s
    and 1s): that reading applies only when no value of ``y`` is one of the labels.
    """
    try:
        sorter = np.argsort(classes, kind="stable")
        position = np.searchsorted(classes, y, sorter=sorter)
        position = sorter[np.clip(position, 0, len(classes) - 1)]
        unknown = np.asarray(classes[position] != y, dtype=bool)
    except TypeError:  # labels of types that do not compare (str against int)
        position, unknown = None, np.ones(len(y), dtype=bool)
    if not np.any(unknown):
        return position.astype(np.int64)
    if unknown.all() and _are_indices(y, len(classes)):
        return y.astype(np.int64)
    raise ValueError(
        f"{caller}: y contains labels not seen before: "
        f"{sorted(map(str, np.unique(y[unknown])))}; known classes are "
        f"{list(map(str, classes))} (y may hold these labels, or their positions "
        f"0..{len(classes) - 1} as in skorch)."
    )


def _are_indices(y, n_classes):
    return (
        np.issubdtype(y.dtype, np.integer) and len(y) > 0
        and int(y.min()) >= 0 and int(y.max()) < n_classes
    )


def learn_classes(estimator, y, classes, *, reset, caller):
    """Return the labels in the order of the module's outputs, learning them if needed.

    A continued fit keeps the labels of the first one. Otherwise they are ``classes``
    (``partial_fit``'s argument), else the estimator's ``classes`` parameter, else the
    sorted labels of ``y``; they are stored as ``estimator.classes_inferred_`` (the
    attribute behind skorch's ``classes_``). An empty ``classes`` parameter is skorch's
    way to hide ``classes_``: the labels are then learnt from ``y`` all the same.
    """
    known = None if reset else getattr(estimator, "classes_inferred_", None)
    if known is not None:
        return np.asarray(known)
    if classes is None:
        classes = getattr(estimator, "classes", None)
    if classes is not None and len(classes) == 0:
        classes = None
    classes = np.unique(y) if classes is None else np.asarray(classes)
    if len(classes) < 2:
        raise ValueError(
            f"{caller} needs samples of at least 2 classes in the data, but the data "
            f"contains only one class: {classes.tolist()[0]!r}."
        )
    estimator.classes_inferred_ = classes
    return classes


def _all_finite(X, rows=65536):
    """Whether a floating tensor is finite, without a temporary the size of X.

    ``torch.isfinite(X)`` builds ``X.abs()`` and two masks, more than X itself. As
    scikit-learn does, the sum is checked first (finite unless some entry
    is not, or the sum overflows); only then are the rows checked in chunks.
    """
    if bool(torch.isfinite(X.sum())):
        return True
    return all(bool(torch.isfinite(chunk).all()) for chunk in X.split(rows))


def _check_X(estimator, X, reset):
    if isinstance(X, torch.Tensor):
        if X.ndim == 0 or X.shape[0] == 0:
            raise ValueError(f"X must be a non-empty tensor; got shape {tuple(X.shape)}.")
        if X.is_floating_point() and not _all_finite(X):
            raise ValueError("Input X contains NaN or infinity.")
        if reset and X.ndim == 2:
            estimator.n_features_in_ = X.shape[1]
        return X
    if _is_dict(X):
        return X
    check_numeric_columns(X, caller=f"{type(estimator).__name__}.{'fit' if reset else 'predict'}")
    return validate_data(
        estimator, X, reset=reset, allow_nd=True, dtype="numeric", ensure_all_finite=True
    )


def validate_fit_data(estimator, X, y, sample_weight, *, reset, classes=None,
                      checked_X=False):
    """Validate ``fit`` inputs and return :class:`FitData` of the positive-weight rows.

    A torch ``Dataset`` (not ours) passes through untouched (skorch's path, no sample
    weights); a ``class_weight`` or ``sampler`` dict must name exactly the classes.

    Parameters
    ----------
    estimator : WeightedNeuralNetClassifier
        Receives ``n_features_in_``, ``feature_names_in_`` and, when it learns the
        labels (see :func:`learn_classes`), ``classes_inferred_``.
    X : array-like, DataFrame, Tensor or dict of array-like
    y : array-like of shape (n_samples,)
    sample_weight : array-like of shape (n_samples,) or None
    reset : bool
        A new fit (re-learn classes and feature counts) or a continued one (a net
        initialised but never fitted still learns its classes).
    classes : array-like or None, default=None
        All labels (``partial_fit``'s argument); else the estimator's ``classes``
        parameter; else the labels of y.
    checked_X : bool, default=False
        X is a 2-D array the caller validated already (``WeightedMLPClassifier``): only
        ``n_features_in_`` is recorded.

    Returns
    -------
    data : FitData
    """
    caller = f"{estimator._public_name}.fit"
    if is_dataset(X) and not isinstance(X, TensorDataset):
        if sample_weight is not None:
            raise ValueError(
                format_param_error(
                    "sample_weight", caller, "None when X is a torch Dataset",
                    Described("an array"),
                    "Pass arrays (or a dict of arrays) to use sample weights.",
                )
            )
        for name in ("class_weight", "sampler"):
            if getattr(estimator, name, None) is not None:
                raise ValueError(
                    format_param_error(
                        name, estimator._public_name, "None when X is a torch Dataset",
                        getattr(estimator, name),
                        "Weights need the labels before training: pass arrays (or a dict "
                        "of arrays) and y.",
                    )
                )
        return FitData(X, y, None, passthrough=True)
    if y is None:
        raise ValueError(
            f"{caller} requires y to be passed, but the target y is None. To train on a "
            "torch Dataset that yields (X, y) pairs, pass the Dataset as X."
        )
    if checked_X:
        estimator.n_features_in_ = X.shape[1]
    else:
        X = _check_X(estimator, X, reset)
    y = column_or_1d(to_numpy(y) if isinstance(y, torch.Tensor) else y, warn=True)
    assert_all_finite(y, input_name="y")  # NaN in an object y, as scikit-learn's message
    check_classification_targets(y)
    n_samples = _n_rows(X, caller)
    if len(y) != n_samples:
        raise ValueError(
            f"{caller}: X and y have inconsistent numbers of samples: {n_samples} and {len(y)}."
        )
    classes = learn_classes(estimator, y, classes, reset=reset, caller=caller)
    y_encoded = encode_labels(y, classes, caller)
    # the one check of sample_weight in a fit: the weighting code after it assumes a
    # validated float64 array
    weights = check_sample_weight(sample_weight, n_samples, caller=caller)
    _check_weighting(estimator, classes, sample_weight)
    keep = weights > 0
    if keep.all():
        return FitData(X, y_encoded, weights)
    # zero weight = removal: the rows are left out by position (X is not copied); the
    # weight plan warns about a class left without a row (:mod:`.weighting`)
    rows = np.flatnonzero(keep)
    return FitData(X, y_encoded[rows], weights[rows], rows, y_encoded[~keep])


def _check_weighting(estimator, classes, sample_weight):
    """The weighting parameters against this fit's classes and sample weights."""
    params = {name: getattr(estimator, name, None) for name in ("class_weight", "sampler")}
    check_weighting_dicts(params, classes, estimator._public_name)
    sampler = params["sampler"]
    if sample_weight is None and isinstance(sampler, str) and sampler == SAMPLE_WEIGHT_SAMPLER:
        warn_unweighted_sampler(estimator._public_name)


def validate_predict_data(estimator, X):
    """Validate ``predict`` input: same checks as ``fit`` and the same feature count."""
    return _check_X(estimator, X, reset=False)
