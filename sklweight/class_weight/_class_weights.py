"""``ClassWeights``: class-weight strategies as a scikit-learn transformer on ``y``."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_is_fitted

from ..utils._docstring import fill_doc
from ..utils._validation import (
    Described,
    StrOptions,
    check_sample_weight,
    format_param_error,
    public_module,
    validate_params,
)
from ._checks import check_labels, labels_repr
from ._counts import weighted_class_counts
from ._strategies import (
    STRATEGY_NAMES,
    STRATEGY_PARAMETER_CONSTRAINTS,
    check_strategy_name,
    strategy_params,
)
from ._vector import class_weight_vector, is_fitted

__all__ = ["ClassWeights"]


def _lookup_fitted_weights(class_weights, classes, *, caller, param):
    """The weights of a fitted ClassWeights, looked up by label for ``classes``."""
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


@public_module("sklweight")  # messages and pickles name sklweight.ClassWeights
@fill_doc
class ClassWeights(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Learn one weight per class from ``y``; transform labels into per-sample weights.

    A transformer on the target, like :class:`~sklearn.preprocessing.LabelEncoder`:
    ``fit(y)`` computes the class weights (see :func:`compute_class_weight`) and
    ``transform(y)`` returns the weight of each row's class. Its output can feed the
    ``sample_weight`` of any scikit-learn estimator, and an instance can be given as the
    ``class_weight`` or ``sampler`` of the sklweight classifiers, where ``GridSearchCV``
    tunes ``class_weight__strategy`` and ``class_weight__beta``.

    Parameters
    ----------
    %(strategy)s
    beta : float, default=0.999
        Hyper-parameter of ``"effective_number"``, in ``[0, 1)``; ignored by the other
        strategies.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Sorted class labels seen in ``fit``.
    class_weight_ : ndarray of shape (n_classes,)
        Weight of each class of ``classes_``.

    See Also
    --------
    compute_class_weight : The function behind ``fit``.
    compute_sample_weight : Per-sample weights ``sample_weight * class_weight[y]``.

    Notes
    -----
    ``transform`` returns the class weights ``c[y_i]`` only, so ``fit_transform(y,
    sample_weight=s)`` equals ``fit(y, sample_weight=s).transform(y)`` as scikit-learn
    requires; the weights the classifiers train with (:ref:`weight_composition`) are
    ``s * c[y]``, which is ``compute_sample_weight(ClassWeights(...), y,
    sample_weight=s)``.

    Examples
    --------
    >>> from sklweight.class_weight import ClassWeights
    >>> y = ["cat", "cat", "cat", "dog"]
    >>> cw = ClassWeights("balanced").fit(y)
    >>> cw.classes_
    array(['cat', 'dog'], dtype='<U3')
    >>> cw.class_weight_
    array([0.66666667, 2.        ])
    >>> cw.transform(["dog", "cat"])
    array([2.        , 0.66666667])
    >>> cw.as_dict()
    {'cat': 0.6666666666666666, 'dog': 2.0}

    Feeding any scikit-learn estimator:

    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> X, y = X[:120], y[:120]
    >>> clf = LogisticRegression().fit(X, y, sample_weight=cw.fit_transform(y))
    """

    _parameter_constraints: dict = {
        "strategy": [StrOptions(set(STRATEGY_NAMES)), dict, callable],
        **STRATEGY_PARAMETER_CONSTRAINTS,
    }

    def __init__(self, strategy="balanced", *, beta=0.999):
        self.strategy = strategy
        self.beta = beta

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags

    def _strategy_and_params(self):
        """The validated strategy and its hyper-parameters (``{}`` unless named)."""
        name = type(self).__name__
        if isinstance(self.strategy, str):  # an unknown name gets a "Did you mean"
            check_strategy_name(self.strategy, caller=name)
        validate_params(self._parameter_constraints, self.get_params(deep=False), name)
        params = {}
        if isinstance(self.strategy, str):
            params = {key: getattr(self, key) for key in strategy_params(self.strategy)}
        return self.strategy, params

    def _fit(self, y, sample_weight):
        strategy, params = self._strategy_and_params()
        caller = f"{type(self).__name__}.fit"
        y, classes, y_idx = check_labels(y, caller=caller)
        sample_weight = check_sample_weight(sample_weight, y.shape[0], caller=caller)
        counts = weighted_class_counts(y_idx, classes.shape[0], sample_weight)
        self.class_weight_ = class_weight_vector(
            strategy, classes, counts, n_rows=np.count_nonzero(sample_weight), params=params,
            caller=caller, param="strategy",
        )
        self.classes_ = classes
        return y_idx

    def _class_weight_vector(self, classes, counts, *, n_rows, caller, param):
        """This object as a class-weight spec of another caller (``class_weight=``).

        Fitted, its weights looked up by label; unfitted, its strategy and parameters
        applied to ``counts``. Called by :func:`._vector.class_weight_vector`, whose
        parameters these are; ``self`` is never fitted here.
        """
        if is_fitted(self):
            return _lookup_fitted_weights(self, classes, caller=caller, param=param)
        strategy, params = self._strategy_and_params()
        return class_weight_vector(
            strategy, classes, counts, n_rows=n_rows, params=params, caller=caller,
            param=f"{param}__strategy",
        )

    @fill_doc
    def fit(self, y, sample_weight=None):
        """Compute the class weights of ``y``.

        Parameters
        ----------
        %(y)s
        %(sample_weight)s

        Returns
        -------
        self : ClassWeights
            The fitted transformer.
        """
        self._fit(y, sample_weight)
        return self

    def transform(self, y):
        """Return the weight of each row's class.

        Parameters
        ----------
        y : array-like of shape (n_samples,)
            Labels, each seen during ``fit``.

        Returns
        -------
        weights : ndarray of shape (n_samples,)
            ``class_weight_`` of each row's label.

        Raises
        ------
        ValueError
            If a label was not seen during ``fit`` (the message names it).
        """
        check_is_fitted(self)
        caller = f"{type(self).__name__}.transform"
        y = column_or_1d(y, warn=True)
        if y.shape[0] == 0:
            return np.empty(0)
        try:
            labels, inverse = np.unique(y, return_inverse=True)
            labels, inverse = labels.tolist(), inverse.reshape(-1)
        except TypeError:  # labels of mixed types: look each row up
            labels, inverse = y.tolist(), np.arange(y.shape[0])
        index = {label: i for i, label in enumerate(self.classes_.tolist())}
        positions = np.array([index.get(label, -1) for label in labels], dtype=np.intp)
        unseen = list(dict.fromkeys(np.asarray(labels, dtype=object)[positions < 0].tolist()))
        if unseen:
            raise ValueError(
                format_param_error(
                    "y",
                    caller,
                    f"labels seen during fit, {self.classes_.tolist()!r}",
                    f"unseen label(s) {unseen!r}",
                )
            )
        return self.class_weight_[positions[inverse]]

    @fill_doc
    def fit_transform(self, y, sample_weight=None):
        """Fit on ``y`` and return the weight of each row's class.

        Parameters
        ----------
        %(y)s
        %(sample_weight)s

        Returns
        -------
        weights : ndarray of shape (n_samples,)
            ``class_weight_`` of each row's label (not multiplied by ``sample_weight``).
        """
        y_idx = self._fit(y, sample_weight)
        return self.class_weight_[y_idx]

    def as_dict(self):
        """Return the fitted class weights as a dict ``{label: weight}``.

        The dict can be passed as ``class_weight=`` to scikit-learn estimators.

        Returns
        -------
        class_weight : dict
            Python scalars as keys and values, in the order of ``classes_``.
        """
        check_is_fitted(self)
        return dict(zip(self.classes_.tolist(), self.class_weight_.tolist(), strict=True))
