"""``LabelQualityWeights``: how much each row's label is to be trusted, estimated out of fold.

The rules, in the order ``fit`` applies them:

1. Out-of-fold probabilities. The rows are split into ``cv`` folds (stratified and
   shuffled with ``random_state`` when ``cv`` is an int); a clone of ``estimator`` is
   fitted on all folds but one and predicts the probabilities of the held-out fold
   (:func:`sklearn.model_selection.cross_val_predict`). So the model that scores a row
   never saw that row's label.
2. Per-class thresholds (Northcutt, Jiang and Chuang, JAIR 2021, eq. 2):
   ``t_k`` = the (``sample_weight``-weighted) mean out-of-fold probability of class
   ``k`` over the rows labelled ``k``, its "expected self-confidence".
3. The confident-learning flag (the off-diagonal of the confident joint): a row is
   confidently of class ``j`` when ``j`` is, among the classes ``k`` whose probability
   reaches their threshold (``p_k >= t_k``), the one of highest probability; it is
   flagged when such a ``j`` exists and differs from its given label.
4. The weights: ``"self_confidence"`` gives each row the out-of-fold probability of its
   given label, ``p_{y_i}``; ``"confident_learning"`` gives the flagged rows
   ``flagged_weight`` and the others 1.

Rules 2 and 3 are in ``_confident_learning.py``, with how they compare with cleanlab.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, check_cv, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import column_or_1d, get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ..class_weight._counts import weighted_class_counts
from ..utils._validation import (
    Described,
    HasMethods,
    Interval,
    StrOptions,
    check_sample_weight,
    format_param_error,
    validate_params,
)
from ._confident_learning import _class_thresholds, confident_learning_flags

# _quality_weighted_classifier.py imports the two routing helpers from here
from ._routing import _routing_enabled, sample_weight_params

__all__ = ["LabelQualityWeights"]

METHODS = ("self_confidence", "confident_learning")

# The regularisation of the default logistic regression, chosen by the measurement in
# docs/benchmarks.rst ("The quality weights' default model"); the scaler keeps lbfgs fast.
_DEFAULT_C = 0.1


def _default_estimator():
    """Standardised features, then an L2-regularised multinomial logistic regression."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=_DEFAULT_C, max_iter=1000))


class LabelQualityWeights(MetaEstimatorMixin, BaseEstimator):
    """Per-row label-quality weights in [0, 1], estimated from out-of-fold probabilities.

    For every training row, ``fit(X, y)`` asks a model that never saw that row's label
    how probable the label is: ``cv`` clones of ``estimator`` are each fitted on all
    folds but one and predict the held-out fold. The weights (``quality_``, also
    returned by ``fit_transform``) can feed the ``sample_weight`` of any estimator; a
    :class:`QualityWeightedClassifier` does that inside each fold of a search.

    Parameters
    ----------
    estimator : estimator object or None, default=None
        A classifier with ``predict_proba``, cloned for every fold. ``None`` uses
        ``make_pipeline(StandardScaler(), LogisticRegression(C=0.1))``: fast, and its
        probabilities are well calibrated. The more accurate and better calibrated the
        model, the better the weights.
    method : {"self_confidence", "confident_learning"}, default="self_confidence"
        ``"self_confidence"``: each row weighs the out-of-fold probability of its given
        label (a soft weight). ``"confident_learning"``: the rows the confident-learning
        rule flags (Northcutt et al., 2021: some other class reaches its per-class
        threshold, see Notes) weigh ``flagged_weight``, the others 1.
    cv : int, cross-validation generator, iterable or None, default=5
        The folds. An int ``k`` (at least 2) uses
        ``StratifiedKFold(n_splits, shuffle=True, random_state=random_state)`` with
        ``n_splits = max(2, min(k, m))``, ``m`` the number of rows of the smallest
        class, so that every class has a row in every test fold; ``None`` is the same
        with ``k = 5``. A splitter or an iterable of ``(train, test)`` index arrays is
        used as given and must put each row in exactly one test fold.
    flagged_weight : float, default=0.0
        Weight of a flagged row under ``method="confident_learning"``, in [0, 1]. ``0``
        removes the flagged rows from the fit that uses the weights (cleanlab's "find the
        label issues, drop them, refit"); ignored by ``"self_confidence"``.
    n_jobs : int or None, default=None
        Folds fitted in parallel (joblib), as in :func:`~sklearn.model_selection.
        cross_val_predict`.
    random_state : int, RandomState instance or None, default=None
        Shuffles the rows before an int ``cv`` splits them into folds. Pass an int for
        reproducible weights.

    Attributes
    ----------
    quality_ : ndarray of shape (n_samples,)
        The weight of each training row, in [0, 1].
    oof_proba_ : ndarray of shape (n_samples, n_classes)
        The out-of-fold predicted probabilities, columns aligned with ``classes_``.
    thresholds_ : ndarray of shape (n_classes,)
        Per-class thresholds ``t_k`` (mean self-confidence of the rows labelled ``k``).
    label_issues_ : ndarray of bool of shape (n_samples,)
        The rows the confident-learning rule flags (computed for either ``method``).
    classes_ : ndarray of shape (n_classes,)
        Sorted class labels.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` has string column names.

    See Also
    --------
    QualityWeightedClassifier : Estimate these weights on the rows it is fitted on, then
        fit a classifier with them.

    Notes
    -----
    With ``p_k`` the out-of-fold probabilities of a row and ``t_k`` the mean of ``p_k``
    over the rows labelled ``k`` (weighted by ``sample_weight``), the row is confidently
    of class ``j = argmax {p_k : p_k >= t_k}`` and flagged when ``j`` exists and is not
    its given label (the off-diagonal of the confident joint; cleanlab's
    ``find_label_issues(filter_by="confident_learning")``). An int ``cv`` takes fewer
    folds when the smallest class has fewer rows than ``cv`` (down to 2). A class with a
    single row, or with fewer rows than the folds of a given splitter, is missing from
    some training fold (scikit-learn warns about it); its held-out rows then get
    probability 0 for it.

    ``sample_weight`` weights the thresholds and is passed to the estimator's ``fit``
    when it takes one (to both steps of the default pipeline, to the final step of a
    given ``Pipeline``; otherwise a warning says it is not); with metadata routing
    enabled, when the estimator requests it. ``quality_`` is not multiplied by it.

    Northcutt, Jiang and Chuang, "Confident Learning: Estimating Uncertainty in Dataset
    Labels", JAIR 70, 2021, https://arxiv.org/abs/1911.00068.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklweight import LabelQualityWeights
    >>> X, y = load_iris(return_X_y=True)
    >>> y_noisy = y.copy()
    >>> y_noisy[:10] = 2  # ten setosas labelled virginica
    >>> quality = LabelQualityWeights(random_state=0).fit(X, y_noisy)
    >>> quality.quality_.shape
    (150,)
    >>> bool(quality.quality_[:10].max() < quality.quality_[10:].min())
    True
    >>> flagged = LabelQualityWeights(method="confident_learning", random_state=0)
    >>> weights = flagged.fit_transform(X, y_noisy)
    >>> int((weights[:10] == 0).sum())  # seven of the ten wrong labels are flagged
    7
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "method": [StrOptions(set(METHODS))],
        "cv": [Interval(Integral, 2, None, closed="left"), "cv_object"],
        "flagged_weight": [Interval(Real, 0, 1, closed="both")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        method="self_confidence",
        cv=5,
        flagged_weight=0.0,
        n_jobs=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.method = method
        self.cv = cv
        self.flagged_weight = flagged_weight
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ----------------------------------------------------------------- helpers

    def _get_estimator(self):
        if isinstance(self.estimator, type):
            raise TypeError(
                format_param_error(
                    "estimator",
                    type(self).__name__,
                    "an estimator instance",
                    Described(f"the class {self.estimator.__name__}"),
                    f"Did you mean {self.estimator.__name__}()?",
                )
            )
        if self.estimator is not None:
            return self.estimator
        estimator = _default_estimator()
        if _routing_enabled():
            for _, step in estimator.steps:
                step.set_fit_request(sample_weight=True)
        return estimator

    def _get_cv(self, y_idx):
        if self.cv is None or isinstance(self.cv, Integral):
            n_splits = 5 if self.cv is None else self.cv
            if y_idx.shape[0]:  # as many folds as the smallest class has rows, at least 2
                smallest = int(weighted_class_counts(y_idx, int(y_idx.max()) + 1).min())
                n_splits = max(2, min(n_splits, smallest))
            return StratifiedKFold(n_splits, shuffle=True, random_state=self.random_state)
        return check_cv(self.cv, y_idx, classifier=True)

    def _estimator_fit_params(self, estimator, sample_weight, fit_params):
        """The metadata for the estimator's ``fit`` (routing off): ``fit_params`` and,
        where the estimator takes it, ``sample_weight``."""
        params = dict(fit_params)
        if sample_weight is None:
            return params
        if self.estimator is None:  # the default pipeline: both steps take the weights
            for name, _ in estimator.steps:
                params[f"{name}__sample_weight"] = sample_weight
            return params
        weight_params = sample_weight_params(estimator, sample_weight)
        if weight_params is None:
            warnings.warn(
                f"{type(estimator).__name__}.fit does not take sample_weight; "
                "LabelQualityWeights uses the sample weights for the per-class thresholds "
                "only.",
                UserWarning,
                stacklevel=3,
            )
            return params
        return {**params, **weight_params}

    # --------------------------------------------------------------------- fit

    def _fit(self, X, y, sample_weight, fit_params):
        name = type(self).__name__
        validate_params(self._parameter_constraints, self.get_params(deep=False), name)
        caller = f"{name}.fit"
        X, y = validate_data(self, X, y, skip_check_array=True)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        classes, y_idx = np.unique(y, return_inverse=True)
        y_idx = y_idx.reshape(-1)
        weights = check_sample_weight(sample_weight, y_idx.shape[0], caller=caller)
        self.classes_ = classes

        if classes.shape[0] == 1:  # every label is the only class: nothing to doubt
            proba = np.ones((y_idx.shape[0], 1))
        else:
            estimator = self._get_estimator()
            cv = self._get_cv(y_idx)
            if _routing_enabled():
                routed = process_routing(
                    self, "fit", sample_weight=sample_weight, **fit_params
                )
                params = {**routed.estimator.fit, **routed.splitter.split}
            else:
                params = self._estimator_fit_params(estimator, sample_weight, fit_params)
            proba = cross_val_predict(
                clone(estimator), X, y_idx, cv=cv, method="predict_proba",
                n_jobs=self.n_jobs, params=params,
            )
            proba = np.clip(np.asarray(proba, dtype=np.float64), 0.0, 1.0)

        self.oof_proba_ = proba
        self.thresholds_ = _class_thresholds(proba, y_idx, weights)
        self.label_issues_ = confident_learning_flags(proba, y_idx, self.thresholds_)
        if self.method == "self_confidence":
            self.quality_ = proba[np.arange(y_idx.shape[0]), y_idx]
        else:
            self.quality_ = np.where(self.label_issues_, float(self.flagged_weight), 1.0)
        return self

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Estimate the quality of every row's label.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, in whatever form ``estimator`` takes (it is not converted).
        y : array-like of shape (n_samples,)
            The given, possibly wrong, class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-row weights. They weight the per-class thresholds and go to
            the estimator's ``fit`` where it takes them (see Notes); ``None`` means ones.
        **fit_params : dict
            Further parameters of the estimator's ``fit``; with metadata routing
            enabled, any metadata the estimator or the splitter requests (``groups``).

        Returns
        -------
        self : LabelQualityWeights
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, fit_params)

    def fit_transform(self, X, y, sample_weight=None, **fit_params):
        """Estimate the quality of every row's label and return the weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, in whatever form ``estimator`` takes.
        y : array-like of shape (n_samples,)
            The given, possibly wrong, class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-row weights (see :meth:`fit`).
        **fit_params : dict
            Further parameters of the estimator's ``fit`` (see :meth:`fit`).

        Returns
        -------
        quality : ndarray of shape (n_samples,)
            ``quality_``, one weight in [0, 1] per row (not multiplied by
            ``sample_weight``).
        """
        return self._fit(X, y, sample_weight, fit_params).quality_.copy()

    # ------------------------------------------------------------- metadata

    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        ``sample_weight`` is consumed here (the thresholds) and routed to the estimator
        when it requests it; other metadata go to the estimator's ``fit`` or the
        splitter's ``split`` as they request them.

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self._get_estimator(),
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
            .add(
                splitter=self._get_cv(np.zeros(0, dtype=int))
                if self.cv is None or isinstance(self.cv, Integral) else self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        if isinstance(self.estimator, type):  # refused in fit, with the fix
            return tags
        estimator_tags = get_tags(self._get_estimator())
        tags.input_tags.sparse = estimator_tags.input_tags.sparse
        tags.input_tags.allow_nan = estimator_tags.input_tags.allow_nan
        return tags
