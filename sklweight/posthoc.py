"""Choosing the post-hoc logit adjustment ``tau`` without refitting for each value."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import check_scoring
from sklearn.model_selection import StratifiedShuffleSplit, check_cv
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _num_samples, check_is_fitted, column_or_1d, indexable

from ._net.posthoc import posthoc_proba
from .utils._predict import ProbaClassifierMixin
from .utils._validation import (
    HasMethods,
    Integral,
    Interval,
    Real,
    StrOptions,
    validate_params,
)
from .utils._warnings import warn_user

__all__ = ["TunedPosthocTauClassifierCV"]

_DEFAULT_TAUS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)


class TunedPosthocTauClassifierCV(
    MetaEstimatorMixin, ProbaClassifierMixin, ClassifierMixin, BaseEstimator
):
    """Classifier that chooses the post-hoc logit adjustment ``tau`` by cross-validation.

    Post-hoc logit adjustment (Menon et al., 2021) predicts with
    ``softmax(log p(y | x) - tau * log(prior))``, ``prior`` being the class frequencies
    of the rows the classifier was trained on. It changes prediction only, so every
    candidate ``tau`` is scored on the same fitted model: one fit per split, as
    scikit-learn's ``TunedThresholdClassifierCV`` does for a decision threshold. The
    ``tau`` with the best mean score over the splits is kept (ties: the first in
    ``taus``), then the classifier is refitted on all rows (``refit=True``) or the fit
    of the single split is kept (``refit=False``).

    The prior of each fitted classifier is its ``class_counts_`` attribute (that of the
    last step of a ``Pipeline``), as recorded by sklweight's classifiers: their training
    rows counted by sample weight. A classifier without one gets the class frequencies of
    the ``y`` it was fitted on, counted by the ``sample_weight`` fit parameter if given.

    The adjustment applies to the classifier's own ``predict_proba``: if that classifier
    is already adjusted (its ``posthoc_tau``, or ``criterion="logit_adjusted"``), the
    adjustments add up; leave ``posthoc_tau=None`` on it.

    Parameters
    ----------
    estimator : estimator instance
        A classifier with ``predict_proba`` (fitted when ``cv="prefit"``).
    taus : array-like of float, default=(0.0, 0.25, 0.5, ..., 2.0)
        Candidate values of ``tau`` (non-negative); ``0`` is the unadjusted classifier.
    scoring : str or callable, default="balanced_accuracy"
        The score maximised: a scikit-learn scorer name or a scorer
        ``scorer(estimator, X, y)``; computed without sample weights.
    cv : int, float, cross-validation generator, iterable or "prefit", default=None
        ``None``: 5-fold stratified; an int: that many stratified folds; a float in
        (0, 1): one stratified split holding out that fraction; a splitter or an
        iterable of ``(train, test)`` indices; ``"prefit"``: ``estimator`` is fitted
        already and ``fit(X, y)`` only scores the taus on ``X, y`` (a validation set the
        estimator did not see; no training at all).
    refit : bool, default=True
        Refit the classifier on all rows once ``tau`` is chosen. ``False`` keeps the fit
        of the single split (``cv`` a float or one split), so the network is trained once;
        it cannot be combined with several splits. Must be False with ``cv="prefit"``.
    n_jobs : int or None, default=None
        Splits fitted in parallel (joblib).
    random_state : int, RandomState instance or None, default=None
        Seeds the split when ``cv`` is a float.
    store_cv_results : bool, default=False
        Keep the score of every tau in ``cv_results_``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted classifier used to predict.
    best_tau_ : float
        The chosen ``tau``.
    best_score_ : float
        Its mean score over the splits.
    class_counts_ : ndarray of shape (n_classes,)
        The prior of ``estimator_`` (weighted training rows per class).
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    cv_results_ : dict
        ``{"taus": ndarray, "scores": ndarray}``, mean score per tau; only when
        ``store_cv_results=True``.
    n_features_in_ : int
        Number of features seen by ``estimator_`` at fit (when it records it).

    See Also
    --------
    WeightedMLPClassifier : its ``posthoc_tau`` parameter applies a fixed ``tau``.
    sklearn.model_selection.TunedThresholdClassifierCV : the same idea for a threshold.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklweight import TunedPosthocTauClassifierCV, WeightedMLPClassifier
    >>> from sklweight.datasets import make_long_tailed_digits
    >>> X_train, X_test, y_train, y_test = make_long_tailed_digits(random_state=0)
    >>> model = make_pipeline(
    ...     StandardScaler(), WeightedMLPClassifier(max_epochs=30, random_state=0))
    >>> tuned = TunedPosthocTauClassifierCV(
    ...     model, taus=[0.0, 1.0], cv=0.3, refit=False, random_state=0)
    >>> tuned.fit(X_train, y_train).best_tau_ in (0.0, 1.0)
    True
    >>> tuned.predict(X_test[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "taus": ["array-like"],
        "scoring": [str, callable],
        "cv": ["cv_object", StrOptions({"prefit"}),
               Interval(Real, 0.0, 1.0, closed="neither")],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        *,
        taus=_DEFAULT_TAUS,
        scoring="balanced_accuracy",
        cv=None,
        refit=True,
        n_jobs=None,
        random_state=None,
        store_cv_results=False,
    ):
        self.estimator = estimator
        self.taus = taus
        self.scoring = scoring
        self.cv = cv
        self.refit = refit
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results

    def fit(self, X, y, **fit_params):
        """Fit the classifier on each split, score every tau, keep the best.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (with ``cv="prefit"``: the validation data the taus are scored
            on).
        y : array-like of shape (n_samples,)
            Labels.
        **fit_params : dict
            Passed to ``estimator.fit``; arrays of length ``n_samples`` (such as
            ``sample_weight`` or ``<step>__sample_weight``) are sliced with each split.
            With metadata routing enabled (``sklearn.set_config(
            enable_metadata_routing=True)``) they go where they are requested instead:
            to ``estimator.fit`` and to the splitter's ``split`` (``groups``).

        Returns
        -------
        self : TunedPosthocTauClassifierCV
            The fitted estimator.
        """
        name = type(self).__name__
        params = {k: getattr(self, k) for k in self._parameter_constraints}
        validate_params(self._parameter_constraints, params, name)
        taus = self._check_taus()
        if y is None:
            raise ValueError(f"{name} requires y to be passed, but the target y is None.")
        X, y = indexable(X, column_or_1d(y, warn=True))
        check_classification_targets(y)
        scorer = check_scoring(self.estimator, scoring=self.scoring)
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            fit_params = routed.estimator.fit
            splitter = routed.get("splitter")  # absent with cv="prefit"
            split_params = {} if splitter is None else splitter.split
        else:
            split_params = {}
        if self._prefit():
            if self.refit:
                raise ValueError(f"{name}: with cv='prefit', refit must be False.")
            check_is_fitted(self.estimator, "classes_")
            self.estimator_ = self.estimator
            counts = _prior(self.estimator_, None, None, caller=name, prefit=True)
            scores = [_score_taus(self.estimator_, counts, X, y, taus, scorer, name)]
        else:
            splits = list(self._cv(y).split(X, y, **split_params))
            if not self.refit and len(splits) > 1:
                raise ValueError(
                    f"{name}: refit=False needs a single split (cv a float in (0, 1)); "
                    f"cv={self.cv!r} gives {len(splits)}."
                )
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_and_score)(
                    clone(self.estimator), X, y, fit_params, train, test, taus, scorer, name
                )
                for train, test in splits
            )
            scores = [s for s, _ in results]
            if self.refit:
                self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
                counts = _prior(self.estimator_, y, fit_params, caller=name)
            else:
                self.estimator_, counts = results[0][1]
        mean = np.mean(scores, axis=0)
        best = int(np.argmax(mean))
        self.best_tau_ = float(taus[best])
        self.best_score_ = float(mean[best])
        self.class_counts_ = counts
        self.classes_ = self.estimator_.classes_
        if self.store_cv_results:
            self.cv_results_ = {"taus": taus, "scores": mean}
        return self

    def _check_taus(self):
        taus = np.asarray(self.taus, dtype=np.float64).ravel()
        if taus.size == 0 or not np.all(np.isfinite(taus)) or np.any(taus < 0):
            raise ValueError(
                f"The 'taus' parameter of {type(self).__name__} must be a non-empty "
                f"array-like of finite non-negative floats. Got {self.taus!r} instead."
            )
        return taus

    def _prefit(self):
        return isinstance(self.cv, str) and self.cv == "prefit"

    def _cv(self, y=None):
        if isinstance(self.cv, Real) and not isinstance(self.cv, Integral | bool):
            return StratifiedShuffleSplit(
                n_splits=1, test_size=self.cv, random_state=self.random_state
            )
        return check_cv(self.cv, y, classifier=True)

    def get_metadata_routing(self):
        """How ``fit`` routes metadata: to ``estimator.fit`` and to the splitter.

        Returns
        -------
        routing : MetadataRouter
            The routing information (see scikit-learn's metadata routing guide).
        """
        router = MetadataRouter(owner=type(self).__name__).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
        if not self._prefit():
            router.add(
                splitter=self._cv(),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    @property
    def n_features_in_(self):
        """Number of features seen by ``estimator_`` at fit."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.n_features_in_

    def predict_proba(self, X):
        """Adjusted class probabilities, columns ordered as ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self, "estimator_")
        return posthoc_proba(
            self.estimator_.predict_proba(X), self.class_counts_, self.best_tau_,
            caller=type(self).__name__,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = get_tags(self.estimator).input_tags.sparse
        return tags


class _Adjusted(ProbaClassifierMixin, ClassifierMixin, BaseEstimator):
    """A fitted classifier seen through a fixed ``tau`` (what a scorer is given)."""

    def __init__(self, fitted, class_counts, tau, caller):
        self.fitted = fitted
        self.class_counts = class_counts
        self.tau = tau
        self.caller = caller
        self.classes_ = fitted.classes_

    def predict_proba(self, X):
        return posthoc_proba(
            self.fitted.predict_proba(X), self.class_counts, self.tau, caller=self.caller
        )


def _score_taus(fitted, counts, X, y, taus, scorer, caller):
    # a metric's warning (held-out rows missing a class, say) is the same for every tau:
    # shown once, not once per tau
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scores = np.array([scorer(_Adjusted(fitted, counts, tau, caller), X, y)
                           for tau in taus])
    for category, message in dict.fromkeys((w.category, str(w.message)) for w in caught):
        warn_user(message, category)
    return scores


def _fit_and_score(estimator, X, y, fit_params, train, test, taus, scorer, caller):
    n_samples = _num_samples(X)
    train_params = {k: _slice(v, train, n_samples) for k, v in fit_params.items()}
    X_train, y_train = _safe_indexing(X, train), y[train]
    estimator.fit(X_train, y_train, **train_params)
    counts = _prior(estimator, y_train, train_params, caller=caller)
    scores = _score_taus(estimator, counts, _safe_indexing(X, test), y[test], taus, scorer,
                         caller)
    return scores, (estimator, counts)


def _slice(value, index, n_samples):
    """Rows ``index`` of a per-sample fit parameter; anything else passes through."""
    if hasattr(value, "__len__") and not isinstance(value, str | dict):
        try:
            if _num_samples(value) == n_samples:
                return _safe_indexing(value, index)
        except TypeError:
            pass
    return value


def _prior(fitted, y, fit_params, *, caller, prefit=False):
    """The training class counts of a fitted classifier, aligned with its ``classes_``."""
    step = fitted[-1] if hasattr(fitted, "steps") else fitted
    counts = getattr(step, "class_counts_", None)
    if counts is not None:
        return np.asarray(counts, dtype=np.float64)
    if prefit:
        raise ValueError(
            f"{caller}: with cv='prefit' the estimator must record its training class "
            "counts (class_counts_, as sklweight's classifiers do); the prior of another "
            "classifier is unknown once it is fitted. Use a cv split instead."
        )
    weight = (fit_params or {}).get("sample_weight")
    weight = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    return np.array([weight[y == c].sum() for c in fitted.classes_], dtype=np.float64)
