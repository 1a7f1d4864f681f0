"""``QualityWeightedClassifier``: estimate label-quality weights, then fit with them."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..utils._validation import (
    Described,
    HasMethods,
    check_sample_weight,
    format_param_error,
    validate_params,
)
from ._label_quality_weights import LabelQualityWeights
from ._routing import _routing_enabled, sample_weight_params

__all__ = ["QualityWeightedClassifier"]

_DELEGATED = ("predict", "predict_proba", "predict_log_proba", "decision_function")


def _estimator_has(method):
    """``available_if`` condition: the fitted estimator, or else the given one, has it."""

    def check(self):
        if hasattr(self, "estimator_"):
            getattr(self.estimator_, method)
        else:
            getattr(self.estimator, method)
        return True

    return check


class QualityWeightedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit a classifier with label-quality weights estimated on its own training rows.

    ``fit(X, y, sample_weight)`` fits a clone of ``quality`` (a
    :class:`LabelQualityWeights`) on the rows it is given, multiplies the per-row
    quality weights with ``sample_weight``, and fits a clone of ``estimator`` with
    ``sample_weight=`` the product. Inside a cross-validation or a search, the weights
    of each fold are thus estimated on that fold's training rows only, never on the rows
    it is scored on. Prediction is delegated to the fitted estimator.

    Parameters
    ----------
    estimator : estimator object
        A classifier whose ``fit`` takes ``sample_weight`` (for example a
        :class:`~sklweight.WeightedMLPClassifier`), or a ``Pipeline`` whose final step's
        ``fit`` does (the weights go to that step), cloned in ``fit``.
    quality : estimator object or None, default=None
        What estimates the weights: an object with ``fit_transform(X, y,
        sample_weight=None)`` returning one weight per row, cloned in ``fit``. ``None``
        uses ``LabelQualityWeights()`` (out-of-fold self-confidence, 5 folds, logistic
        regression). The parameters of a given one are tunable as ``quality__cv``,
        ``quality__method``, ... (pass ``quality=LabelQualityWeights()`` to tune them).

    Attributes
    ----------
    estimator_ : estimator object
        The fitted clone of ``estimator``.
    quality_ : estimator object
        The fitted clone of ``quality``; ``quality_.quality_`` holds the quality weights
        of the training rows.
    weights_ : ndarray of shape (n_samples,)
        The sample weights ``estimator_`` was fitted with: the quality weights times
        ``sample_weight``.
    classes_ : ndarray of shape (n_classes,)
        The class labels (from ``estimator_``).
    n_features_in_ : int
        Number of features seen during ``fit`` (from ``estimator_``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, where ``estimator_`` records them.

    See Also
    --------
    LabelQualityWeights : The weights on their own, for any estimator's ``sample_weight``.

    Notes
    -----
    Metadata routing (``sklearn.set_config(enable_metadata_routing=True)``):
    ``sample_weight`` is consumed by this meta-estimator (request it with
    ``set_fit_request(sample_weight=True)`` when it sits in a ``Pipeline`` or a search);
    the quality estimator always receives it and the estimator always receives the
    product, whatever their own requests. Other metadata go to the quality estimator's
    ``fit``, the estimator's ``fit`` and its prediction methods as they request them.
    Without routing, extra ``fit`` parameters go to the estimator's ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_val_score
    >>> from sklweight import LabelQualityWeights, QualityWeightedClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> rng = np.random.RandomState(0)
    >>> y_noisy = np.where(rng.rand(150) < 0.3, rng.randint(0, 3, 150), y)
    >>> clf = QualityWeightedClassifier(
    ...     LogisticRegression(), quality=LabelQualityWeights(random_state=0)
    ... ).fit(X, y_noisy)
    >>> clf.weights_.shape
    (150,)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> scores = cross_val_score(clf, X, y_noisy, cv=3)  # weights estimated per fold
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "quality": [HasMethods(["fit_transform"]), None],
    }

    def __init__(self, estimator, *, quality=None):
        self.estimator = estimator
        self.quality = quality

    def _get_quality(self):
        if self.quality is not None:
            return self.quality
        quality = LabelQualityWeights()
        if _routing_enabled():
            quality.set_fit_request(sample_weight=True)
        return quality

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Estimate the quality weights of the rows, then fit the estimator with them.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels, possibly wrong.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-row weights, multiplied with the quality weights (and given
            to the quality estimator). ``None`` means ones.
        **fit_params : dict
            Without metadata routing: further parameters of the estimator's ``fit``.
            With routing: metadata for the quality estimator and the estimator, as they
            request them.

        Returns
        -------
        self : QualityWeightedClassifier
            The fitted meta-estimator.
        """
        name = type(self).__name__
        validate_params(self._parameter_constraints, self.get_params(deep=False), name)
        routing = _routing_enabled()
        weight_params = None
        if not isinstance(self.estimator, type):
            weight_params = sample_weight_params(self.estimator, np.ones(0))
        if weight_params is None and not (routing and isinstance(self.estimator, Pipeline)):
            raise ValueError(
                format_param_error(
                    "estimator",
                    name,
                    "a classifier instance whose fit takes sample_weight (or a Pipeline "
                    "whose final step's fit does)",
                    self.estimator,
                    "The quality weights reach the estimator as its sample_weight.",
                )
            )
        if routing:
            routed = process_routing(self, "fit", **fit_params)
            quality_params, estimator_params = routed.quality.fit, routed.estimator.fit
        else:
            quality_params, estimator_params = {}, fit_params
        quality = clone(self._get_quality())
        quality_weight = np.asarray(
            quality.fit_transform(X, y, sample_weight=sample_weight, **quality_params),
            dtype=np.float64,
        )
        if (
            quality_weight.ndim != 1
            or not np.all(np.isfinite(quality_weight))
            or np.any(quality_weight < 0)
        ):
            raise ValueError(
                format_param_error(
                    "quality",
                    name,
                    "an estimator whose fit_transform returns one finite, non-negative "
                    "weight per row",
                    Described(
                        f"{type(quality).__name__} returning an array of shape "
                        f"{quality_weight.shape}"
                    ),
                )
            )
        weights = quality_weight * check_sample_weight(
            sample_weight, quality_weight.shape[0], caller=f"{name}.fit"
        )
        self.quality_ = quality
        self.weights_ = weights
        if routing:  # the final estimator itself, or the steps that request it
            weight_params = {"sample_weight": weights}
        else:
            weight_params = sample_weight_params(self.estimator, weights)
        self.estimator_ = clone(self.estimator).fit(
            X, y, **{**estimator_params, **weight_params}
        )
        return self

    # ------------------------------------------------------------ delegation

    @property
    def classes_(self):
        """The class labels of the fitted estimator."""
        return self.estimator_.classes_

    @property
    def n_features_in_(self):
        """Number of features seen during ``fit``."""
        return self.estimator_.n_features_in_

    @property
    def feature_names_in_(self):
        """Names of the features seen during ``fit`` (when the estimator records them)."""
        return self.estimator_.feature_names_in_

    def _delegate(self, method, X, params):
        check_is_fitted(self)
        if _routing_enabled():
            params = process_routing(self, method, **params).estimator[method]
        elif params:
            raise ValueError(
                format_param_error(
                    "params",
                    f"{type(self).__name__}.{method}",
                    "empty unless metadata routing is enabled",
                    sorted(params),
                    "Call sklearn.set_config(enable_metadata_routing=True) to route them.",
                )
            )
        return getattr(self.estimator_, method)(X, **params)

    @available_if(_estimator_has("predict"))
    def predict(self, X, **params):
        """Predict class labels with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        **params : dict
            Metadata for the estimator's ``predict`` (metadata routing only).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        return self._delegate("predict", X, params)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X, **params):
        """Predict class probabilities with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        **params : dict
            Metadata for the estimator's ``predict_proba`` (metadata routing only).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns aligned with ``classes_``.
        """
        return self._delegate("predict_proba", X, params)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X, **params):
        """Predict class log-probabilities with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        **params : dict
            Metadata for the estimator's ``predict_log_proba`` (metadata routing only).

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, columns aligned with ``classes_``.
        """
        return self._delegate("predict_log_proba", X, params)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X, **params):
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.
        **params : dict
            Metadata for the estimator's ``decision_function`` (metadata routing only).

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The estimator's decision scores.
        """
        return self._delegate("decision_function", X, params)

    # --------------------------------------------------------------- metadata

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` of ``fit`` is consumed here (see the class Notes); other
        metadata go to the quality estimator's ``fit`` and to the estimator's ``fit``,
        ``predict``, ``predict_proba``, ``predict_log_proba`` and ``decision_function``
        as they request them.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        estimator_mapping = MethodMapping().add(caller="fit", callee="fit")
        for method in _DELEGATED:
            estimator_mapping.add(caller=method, callee=method)
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                quality=self._get_quality(),
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(estimator=self.estimator, method_mapping=estimator_mapping)
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        if isinstance(self.estimator, type):  # refused in fit
            return tags
        estimator_tags = get_tags(self.estimator)
        quality_tags = get_tags(self._get_quality())
        tags.input_tags.sparse = estimator_tags.input_tags.sparse and (
            quality_tags.input_tags.sparse
        )
        tags.input_tags.allow_nan = estimator_tags.input_tags.allow_nan and (
            quality_tags.input_tags.allow_nan
        )
        return tags
