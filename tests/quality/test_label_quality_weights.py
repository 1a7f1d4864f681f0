"""LabelQualityWeights: out-of-fold weights in [0, 1], the confident-learning rule, checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris, make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import LabelQualityWeights
from sklweight.utils._validation import InvalidParameterError


def _noisy(n=120, n_classes=3, noise=0.25, seed=0):
    X, y_clean = make_classification(
        n_samples=n, n_features=6, n_informative=4, n_redundant=0, n_classes=n_classes,
        n_clusters_per_class=1, class_sep=2.0, random_state=seed,
    )
    rng = np.random.RandomState(seed)
    flipped = rng.rand(n) < noise
    y = np.where(flipped, (y_clean + rng.randint(1, n_classes, n)) % n_classes, y_clean)
    return X, y, y != y_clean


@pytest.mark.parametrize("method", ["self_confidence", "confident_learning"])
def test_one_weight_in_unit_interval_per_row(method):
    X, y, _ = _noisy()
    quality = LabelQualityWeights(method=method, random_state=0)
    weights = quality.fit_transform(X, y)
    assert weights.shape == (120,) and weights.dtype == np.float64
    assert np.all((weights >= 0) & (weights <= 1))
    np.testing.assert_array_equal(weights, quality.quality_)
    weights[:] = -1  # a copy: the fitted attribute is not aliased
    assert np.all(quality.quality_ >= 0)
    assert quality.oof_proba_.shape == (120, 3)
    np.testing.assert_allclose(quality.oof_proba_.sum(axis=1), 1.0)
    assert quality.n_features_in_ == 6


def test_wrong_labels_get_lower_weights():
    X, y, wrong = _noisy(n=300)
    weights = LabelQualityWeights(random_state=0).fit_transform(X, y)
    assert weights[wrong].mean() < 0.5 * weights[~wrong].mean()


def test_one_nearest_neighbour_weights_are_computed_out_of_fold():
    # In sample, a 1-NN model gives every row probability 1 for its own label; out of fold
    # the weight of a row is 1 exactly when its nearest row of the other folds shares it.
    X, y, _ = _noisy(n=90)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    quality = LabelQualityWeights(KNeighborsClassifier(n_neighbors=1), cv=folds).fit(X, y)
    expected = np.empty(90)
    for train, test in folds:
        for i in test:
            nearest = train[np.argmin(((X[train] - X[i]) ** 2).sum(axis=1))]
            expected[i] = float(y[nearest] == y[i])
    np.testing.assert_array_equal(quality.quality_, expected)
    assert 0 < expected.mean() < 1  # some rows are doubted, some trusted
    in_sample = KNeighborsClassifier(n_neighbors=1).fit(X, y).predict_proba(X)
    assert np.all(in_sample[np.arange(90), y] == 1)


@pytest.mark.parametrize("estimator", [None, KNeighborsClassifier(n_neighbors=5)])
def test_a_rows_own_label_never_decides_its_probabilities(estimator):
    # folds that do not depend on y: changing one row's label changes every model that
    # saw it, and none of those predicts that row
    X, y, _ = _noisy(n=120)
    cv = KFold(4, shuffle=True, random_state=0)
    before = LabelQualityWeights(estimator, cv=cv).fit(X, y)
    for i in (0, 7, 55):
        y_changed = y.copy()
        y_changed[i] = (y[i] + 1) % 3
        after = LabelQualityWeights(estimator, cv=cv).fit(X, y_changed)
        np.testing.assert_allclose(after.oof_proba_[i], before.oof_proba_[i], rtol=1e-12)
        assert after.quality_[i] == pytest.approx(after.oof_proba_[i, y_changed[i]])
        changed = np.flatnonzero(np.any(after.oof_proba_ != before.oof_proba_, axis=1))
        assert changed.size > 0 and i not in changed


def test_self_confidence_is_the_probability_of_the_given_label():
    X, y, _ = _noisy()
    labels = np.array(["cat", "dog", "emu"])[y]
    quality = LabelQualityWeights(random_state=0).fit(X, labels)
    np.testing.assert_array_equal(quality.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(quality.quality_, quality.oof_proba_[np.arange(120), y])


def test_thresholds_and_flags_follow_the_confident_learning_definition():
    X, y, _ = _noisy(n=200)
    sample_weight = np.random.RandomState(1).uniform(0.5, 2.0, 200)
    quality = LabelQualityWeights(method="confident_learning", random_state=0)
    quality.fit(X, y, sample_weight=sample_weight)
    proba = quality.oof_proba_
    for k in range(3):  # t_k: the weighted mean self-confidence of the rows labelled k
        rows = y == k
        expected = np.average(proba[rows, k], weights=sample_weight[rows])
        assert quality.thresholds_[k] == pytest.approx(expected)
    for i in range(200):  # Northcutt et al. eq. 2, row by row
        confident = [k for k in range(3) if proba[i, k] >= quality.thresholds_[k]]
        guess = max(confident, key=lambda k: proba[i, k]) if confident else None
        assert quality.label_issues_[i] == (guess is not None and guess != y[i])
    np.testing.assert_array_equal(quality.quality_, np.where(quality.label_issues_, 0.0, 1.0))
    assert 0 < quality.label_issues_.sum() < 200


@pytest.mark.parametrize("flagged_weight", [0.0, 0.2, 1.0])
def test_flagged_weight(flagged_weight):
    X, y, _ = _noisy()
    quality = LabelQualityWeights(
        method="confident_learning", flagged_weight=flagged_weight, random_state=0
    ).fit(X, y)
    assert set(np.unique(quality.quality_)) <= {flagged_weight, 1.0}
    assert np.all(quality.quality_[quality.label_issues_] == flagged_weight)
    # self-confidence ignores it and flags the same rows
    other = LabelQualityWeights(flagged_weight=flagged_weight, random_state=0).fit(X, y)
    np.testing.assert_array_equal(other.label_issues_, quality.label_issues_)


def test_flags_agree_with_cleanlab():
    filter_module = pytest.importorskip("cleanlab.filter")
    X, y, _ = _noisy(n=400, n_classes=4, noise=0.3)
    quality = LabelQualityWeights(method="confident_learning", random_state=0).fit(X, y)
    reference = filter_module.find_label_issues(
        y, quality.oof_proba_, filter_by="confident_learning"
    )
    # cleanlab compares with a 1e-6 tolerance and, among several confident classes,
    # takes the row's overall argmax: a row may differ on such ties
    assert (reference != quality.label_issues_).sum() <= 2
    assert reference.sum() > 20


def test_random_state_reproducibility():
    X, y, _ = _noisy()
    first = LabelQualityWeights(random_state=3).fit(X, y).quality_
    again = LabelQualityWeights(random_state=3).fit(X, y).quality_
    other = LabelQualityWeights(random_state=4).fit(X, y).quality_
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    rng_a, rng_b = np.random.RandomState(0), np.random.RandomState(0)
    np.testing.assert_array_equal(
        LabelQualityWeights(random_state=rng_a).fit(X, y).quality_,
        LabelQualityWeights(random_state=rng_b).fit(X, y).quality_,
    )


def test_cv_splitter_and_iterable_are_used_as_given():
    X, y, _ = _noisy()
    folds = list(KFold(4).split(X))
    by_list = LabelQualityWeights(cv=folds).fit(X, y).quality_
    by_splitter = LabelQualityWeights(cv=KFold(4)).fit(X, y).quality_
    np.testing.assert_array_equal(by_list, by_splitter)


class _RecordingLR(ClassifierMixin, BaseEstimator):
    """LogisticRegression that records the sample weights of each fit."""

    records: list = []

    def fit(self, X, y, sample_weight=None):
        type(self).records.append(None if sample_weight is None else np.asarray(sample_weight))
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


def test_sample_weight_reaches_the_estimator_and_zero_removes_a_row():
    X, y, _ = _noisy()
    _RecordingLR.records = []
    sample_weight = np.arange(120) % 3 + 1.0
    LabelQualityWeights(_RecordingLR(), random_state=0).fit(X, y, sample_weight=sample_weight)
    assert len(_RecordingLR.records) == 5
    assert all(set(np.unique(w)) == {1.0, 2.0, 3.0} for w in _RecordingLR.records)
    # the default pipeline gets them too: a zero weight removes the row from the models
    cv = list(KFold(5, shuffle=True, random_state=0).split(X))
    weight = np.ones(120)
    weight[:10] = 0
    zero = LabelQualityWeights(cv=cv).fit(X, y, sample_weight=weight)
    keep = np.arange(10, 120)
    cv_kept = [(np.setdiff1d(tr, np.arange(10)) - 10, te) for tr, te in cv]
    # the documented default, fitted on each training fold without the removed rows
    default = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=1000))
    for train_kept, test in cv_kept:
        model = clone(default).fit(X[keep][train_kept], y[keep][train_kept])
        np.testing.assert_allclose(zero.oof_proba_[test], model.predict_proba(X[test]),
                                   rtol=1e-6, atol=1e-8)


def test_a_pipeline_gets_the_weights_in_its_final_step():
    X, y, _ = _noisy()
    _RecordingLR.records = []
    pipe = make_pipeline(StandardScaler(), _RecordingLR())
    LabelQualityWeights(pipe, cv=3, random_state=0).fit(X, y, sample_weight=np.full(120, 2.0))
    assert len(_RecordingLR.records) == 3 and all(np.all(w == 2.0) for w in _RecordingLR.records)


def test_cv_none_is_five_shuffled_stratified_folds():
    X, y, _ = _noisy()
    np.testing.assert_array_equal(
        LabelQualityWeights(cv=None, random_state=0).fit(X, y).quality_,
        LabelQualityWeights(random_state=0).fit(X, y).quality_,
    )


def test_estimator_without_sample_weight_warns():
    X, y, _ = _noisy()
    with pytest.warns(UserWarning, match=r"KNeighborsClassifier.fit does not take"):
        LabelQualityWeights(KNeighborsClassifier()).fit(X, y, sample_weight=np.ones(120))


def test_one_class_gets_full_weight():
    X, _, _ = _noisy(n=20)
    quality = LabelQualityWeights().fit(X, np.zeros(20, dtype=int))
    np.testing.assert_array_equal(quality.quality_, np.ones(20))
    assert not quality.label_issues_.any()


@pytest.mark.parametrize(
    "params, name",
    [
        ({"method": "cleanlab"}, "method"),
        ({"cv": 1}, "cv"),
        ({"flagged_weight": 1.5}, "flagged_weight"),
        ({"flagged_weight": -0.1}, "flagged_weight"),
        ({"estimator": object()}, "estimator"),
    ],
)
def test_invalid_parameters_are_refused_in_fit(params, name):
    X, y, _ = _noisy(n=30)
    quality = LabelQualityWeights(**params)  # stored verbatim, checked in fit
    with pytest.raises(InvalidParameterError, match=rf"'{name}' parameter of LabelQualityW"):
        quality.fit(X, y)


def test_an_estimator_class_is_refused_with_the_fix():
    X, y, _ = _noisy(n=30)
    with pytest.raises(TypeError, match=r"instance.*Did you mean LogisticRegression\(\)\?"):
        LabelQualityWeights(LogisticRegression).fit(X, y)


def test_continuous_targets_and_bad_sample_weights_are_refused():
    X, y, _ = _noisy(n=30)
    with pytest.raises(ValueError, match="Unknown label type"):
        LabelQualityWeights().fit(X, np.linspace(0, 1, 30))
    with pytest.raises(ValueError, match=r"'sample_weight' parameter of LabelQualityWeights"):
        LabelQualityWeights().fit(X, y, sample_weight=-np.ones(30))


def test_metadata_routing_sends_weights_and_groups():
    X, y, _ = _noisy()
    groups = np.arange(120) % 6
    with sklearn.config_context(enable_metadata_routing=True):
        _RecordingLR.records = []
        estimator = _RecordingLR().set_fit_request(sample_weight=True)
        quality = LabelQualityWeights(estimator, cv=GroupKFold(3))
        quality.fit(X, y, sample_weight=np.full(120, 2.0), groups=groups)
        assert len(_RecordingLR.records) == 3
        assert all(np.all(w == 2.0) for w in _RecordingLR.records)
        # the default pipeline requests sample_weight on both of its steps
        LabelQualityWeights(random_state=0).fit(X, y, sample_weight=np.ones(120))
        # an estimator that did not request them gets none, as routing decides
        _RecordingLR.records = []
        quality = LabelQualityWeights(_RecordingLR().set_fit_request(sample_weight=False))
        quality.fit(X, y, sample_weight=np.full(120, 2.0))
        assert _RecordingLR.records == [None] * 5
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match="groups"):
            LabelQualityWeights(random_state=0).fit(X, y, groups=groups)  # nobody asks


def test_works_on_iris_with_a_pandas_frame():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True, as_frame=True)
    quality = LabelQualityWeights(random_state=0).fit(X, y)
    np.testing.assert_array_equal(quality.feature_names_in_, X.columns)
    assert quality.quality_.shape == (150,)
    assert isinstance(X, pd.DataFrame)


@parametrize_with_checks(
    [
        LabelQualityWeights(random_state=0),
        LabelQualityWeights(KNeighborsClassifier(3), method="confident_learning", cv=3),
    ]
)
def test_estimator_checks(estimator, check):
    check(estimator)


class _FoldCounter(ClassifierMixin, BaseEstimator):
    """A classifier that records the size of every training set it is fitted on."""

    sizes = []

    def fit(self, X, y):
        type(self).sizes.append(len(y))
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize(("cv", "n_folds"), [(5, 4), (None, 4), (3, 3), (10, 4)])
def test_int_cv_takes_as_many_folds_as_the_smallest_class_has_rows(cv, n_folds):
    X, y, _ = _noisy(n=60)
    y[np.flatnonzero(y == 2)[4:]] = 0  # the smallest class keeps 4 rows
    _FoldCounter.sizes = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's "least populated class" included
        LabelQualityWeights(_FoldCounter(), cv=cv, random_state=0).fit(X, y)
    assert len(_FoldCounter.sizes) == n_folds


def test_a_single_row_class_keeps_two_folds():
    X, y, _ = _noisy(n=60)
    y[np.flatnonzero(y == 2)[1:]] = 0
    _FoldCounter.sizes = []
    with pytest.warns(UserWarning, match="least populated class"):
        LabelQualityWeights(_FoldCounter(), random_state=0).fit(X, y)
    assert len(_FoldCounter.sizes) == 2
