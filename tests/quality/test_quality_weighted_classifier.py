"""QualityWeightedClassifier: weights estimated on the rows it is fitted on, then the fit."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import LabelQualityWeights, QualityWeightedClassifier, WeightedMLPClassifier
from sklweight.utils._validation import InvalidParameterError


def _noisy(n=120, noise=0.25, seed=0):
    X, y_clean = make_classification(
        n_samples=n, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, class_sep=2.0, random_state=seed,
    )
    rng = np.random.RandomState(seed)
    flipped = rng.rand(n) < noise
    y = np.where(flipped, (y_clean + rng.randint(1, 3, n)) % 3, y_clean)
    return X, y


class Spy(ClassifierMixin, BaseEstimator):
    """A logistic regression that records, per fit, its rows (by their first feature),
    its sample weights and the metadata it received."""

    log: list = []

    def __init__(self, role="estimator"):
        self.role = role

    def fit(self, X, y, sample_weight=None, extra=None):
        X = np.asarray(X)
        type(self).log.append(
            {"role": self.role, "ids": X[:, 0].copy(), "sample_weight": sample_weight,
             "extra": extra}
        )
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X, extra=None):
        type(self).log.append({"role": f"{self.role}.predict", "extra": extra})
        return self.model_.predict(X)

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


@pytest.fixture
def spy_log():
    Spy.log = []
    yield Spy.log
    Spy.log = []


def test_fit_multiplies_quality_with_sample_weight(spy_log):
    X, y = _noisy()
    sample_weight = np.arange(120) % 4 + 1.0
    clf = QualityWeightedClassifier(Spy(), quality=LabelQualityWeights(random_state=0))
    clf.fit(X, y, sample_weight=sample_weight)
    expected_quality = LabelQualityWeights(random_state=0).fit_transform(
        X, y, sample_weight=sample_weight
    )
    np.testing.assert_allclose(clf.quality_.quality_, expected_quality)
    np.testing.assert_allclose(clf.weights_, expected_quality * sample_weight)
    (final,) = [entry for entry in spy_log if entry["role"] == "estimator"]
    np.testing.assert_array_equal(final["sample_weight"], clf.weights_)
    assert clf.quality is not None and not hasattr(clf.quality, "quality_")  # a clone


def test_default_quality_and_delegation():
    X, y = _noisy()
    clf = QualityWeightedClassifier(LogisticRegression()).fit(X, y)
    assert isinstance(clf.quality_, LabelQualityWeights)
    assert clf.weights_.shape == (120,) and np.all((clf.weights_ >= 0) & (clf.weights_ <= 1))
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_features_in_ == 6
    np.testing.assert_array_equal(clf.predict(X), clf.estimator_.predict(X))
    np.testing.assert_array_equal(clf.predict_proba(X), clf.estimator_.predict_proba(X))
    np.testing.assert_array_equal(clf.predict_log_proba(X), clf.estimator_.predict_log_proba(X))
    np.testing.assert_array_equal(
        clf.decision_function(X), clf.estimator_.decision_function(X)
    )
    assert clf.score(X, y) == clf.estimator_.score(X, y)


def test_methods_follow_the_estimator():
    clf = QualityWeightedClassifier(GaussianNB())
    assert hasattr(clf, "predict_proba") and not hasattr(clf, "decision_function")
    X, y = _noisy()
    clf.fit(X, y)
    assert not hasattr(clf, "decision_function")


def test_a_pipeline_gets_the_weights_in_its_final_step(spy_log):
    X, y = _noisy()
    clf = QualityWeightedClassifier(
        make_pipeline(StandardScaler(), Spy()), quality=LabelQualityWeights(random_state=0)
    ).fit(X, y, sample_weight=np.full(120, 3.0))
    (final,) = [entry for entry in spy_log if entry["role"] == "estimator"]
    np.testing.assert_allclose(final["sample_weight"], 3.0 * clf.quality_.quality_)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_an_estimator_without_sample_weight_is_refused():
    X, y = _noisy(n=30)
    with pytest.raises(ValueError, match=r"'estimator'.*fit takes sample_weight.*KNeighbors"):
        QualityWeightedClassifier(KNeighborsClassifier()).fit(X, y)


def test_weights_are_estimated_inside_each_cross_validation_fold(spy_log):
    X, y = _noisy(n=90)
    X[:, 0] = np.arange(90) / 100  # the first feature identifies the row
    outer = list(KFold(3, shuffle=True, random_state=0).split(X))
    clf = QualityWeightedClassifier(
        Spy("estimator"), quality=LabelQualityWeights(Spy("quality"), cv=4, random_state=0)
    )
    cross_validate(clf, X, y, cv=outer)
    fits = [entry for entry in spy_log if entry["role"] in ("quality", "estimator")]
    assert [entry["role"] for entry in fits] == (["quality"] * 4 + ["estimator"]) * 3
    for fold, (train, test) in enumerate(outer):
        block = fits[5 * fold: 5 * fold + 5]
        rows = [set(np.rint(entry["ids"] * 100).astype(int).tolist()) for entry in block]
        for seen in rows:  # nothing fitted in this fold ever saw a test row
            assert seen <= set(train.tolist()) and not seen & set(test.tolist())
        assert rows[-1] == set(train.tolist())
        # the quality models jointly cover the training rows, each missing one fold of them
        assert all(len(seen) < len(train) for seen in rows[:4])
        assert set().union(*rows[:4]) == set(train.tolist())


def test_random_state_of_the_quality_makes_fits_reproducible():
    X, y = _noisy()

    def fit(seed):
        quality = LabelQualityWeights(random_state=seed)
        return QualityWeightedClassifier(LogisticRegression(), quality=quality).fit(X, y)

    first, again = fit(0), fit(0)
    np.testing.assert_array_equal(first.weights_, again.weights_)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    assert not np.array_equal(first.weights_, fit(1).weights_)


def test_grid_search_tunes_quality_and_estimator_in_a_pipeline():
    X, y = _noisy(n=150)
    pipe = make_pipeline(
        StandardScaler(),
        QualityWeightedClassifier(
            LogisticRegression(), quality=LabelQualityWeights(random_state=0)
        ),
    )
    grid = GridSearchCV(
        pipe,
        {
            "qualityweightedclassifier__quality__cv": [3, 5],
            "qualityweightedclassifier__quality__method": ["confident_learning"],
            "qualityweightedclassifier__estimator__C": [0.1, 1.0],
        },
        cv=2,
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    best = grid.best_estimator_[-1]
    assert best.quality_.cv in (3, 5) and best.estimator_.C in (0.1, 1.0)


def test_grid_search_tunes_the_mlp_criterion():
    X, y = _noisy(n=90)
    X = X.astype(np.float32)
    clf = QualityWeightedClassifier(
        WeightedMLPClassifier(hidden_layer_sizes=(8,), max_epochs=3, random_state=0),
        quality=LabelQualityWeights(cv=3, random_state=0),
    )
    grid = GridSearchCV(
        clf, {"estimator__criterion": ["cross_entropy", "generalized_cross_entropy"]}, cv=2
    ).fit(X, y)
    assert grid.best_params_["estimator__criterion"] in ("cross_entropy",
                                                         "generalized_cross_entropy")


def test_metadata_routing(spy_log):
    X, y = _noisy()
    sample_weight = np.full(120, 2.0)
    extra = np.arange(120)
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = Spy("estimator").set_fit_request(extra=True).set_predict_request(extra=True)
        quality_estimator = Spy("quality").set_fit_request(sample_weight=True, extra=False)
        quality = LabelQualityWeights(quality_estimator, cv=3, random_state=0)
        clf = QualityWeightedClassifier(estimator, quality=quality.set_fit_request(
            sample_weight=True))
        clf.fit(X, y, sample_weight=sample_weight, extra=extra)
        by_role = {}
        for entry in spy_log:
            by_role.setdefault(entry["role"], []).append(entry)
        assert len(by_role["quality"]) == 3
        assert all(np.all(e["sample_weight"] == 2.0) and e["extra"] is None
                   for e in by_role["quality"])
        (final,) = by_role["estimator"]
        np.testing.assert_array_equal(final["extra"], extra)
        np.testing.assert_allclose(final["sample_weight"], 2.0 * clf.quality_.quality_)
        clf.predict(X, extra="p")
        assert spy_log[-1] == {"role": "estimator.predict", "extra": "p"}

        # inside a search: the meta-estimator must request the sample weights it consumes
        search = GridSearchCV(
            QualityWeightedClassifier(
                LogisticRegression().set_fit_request(sample_weight=False),
                quality=LabelQualityWeights(),
            ),
            {"quality__cv": [3]}, cv=2,
        )
        with pytest.raises(Exception, match="sample_weight"):
            search.fit(X, y, sample_weight=sample_weight)
        search.set_params(
            estimator=QualityWeightedClassifier(
                LogisticRegression(), quality=LabelQualityWeights()
            )
            .set_fit_request(sample_weight=True)
            .set_score_request(sample_weight=False)
        )
        search.fit(X, y, sample_weight=sample_weight)
        assert search.best_estimator_.weights_.max() <= 2.0


def test_prediction_metadata_needs_routing():
    X, y = _noisy()
    clf = QualityWeightedClassifier(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match=r"metadata routing"):
        clf.predict(X, extra=1)


def test_quality_that_returns_bad_weights_is_refused():
    class Bad(BaseEstimator):
        def fit_transform(self, X, y, sample_weight=None):
            return -np.ones(len(y))

    X, y = _noisy(n=30)
    with pytest.raises(ValueError, match=r"'quality' parameter of QualityWeightedClassifier"):
        QualityWeightedClassifier(LogisticRegression(), quality=Bad()).fit(X, y)


@pytest.mark.parametrize(
    "params, name",
    [
        ({"estimator": "lr"}, "estimator"),
        ({"estimator": LogisticRegression(), "quality": "auto"}, "quality"),
    ],
)
def test_invalid_parameters_are_refused_in_fit(params, name):
    X, y = _noisy(n=30)
    with pytest.raises(InvalidParameterError, match=rf"'{name}' parameter of QualityWeighted"):
        QualityWeightedClassifier(**params).fit(X, y)


# scikit-learn's checks. A seeded quality estimator makes the weights, hence the fits,
# reproducible; with the default one (random_state=None: the folds shuffle differently on
# every fit) the two checks that refit and compare fail, as they do for any estimator
# whose randomness is not seeded.
SEEDED = [
    QualityWeightedClassifier(LogisticRegression(), quality=LabelQualityWeights(random_state=0)),
    QualityWeightedClassifier(
        WeightedMLPClassifier(hidden_layer_sizes=(16,), max_epochs=50, random_state=0),
        quality=LabelQualityWeights(cv=3, random_state=0),
    ),
]
SAMPLE_WEIGHT_FAILURE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "the weights are estimated by cross-validation: a row repeated k times lands in "
        "several folds (so some of its copies are scored by a model that saw the label) "
        "and changes the folds of the other rows, which a weight of k does not; measured "
        "with LogisticRegression: 45 of 45 probabilities differ"
    ),
}
UNSEEDED_FAILURES = {
    **SAMPLE_WEIGHT_FAILURE,
    "check_fit_idempotent": "LabelQualityWeights(random_state=None) shuffles its folds",
    "check_classifier_data_not_an_array": (
        "LabelQualityWeights(random_state=None) shuffles its folds differently per fit"
    ),
    "check_supervised_y_2d": (
        "compares the predictions of two fits (y 1-D and y as a column), whose folds "
        "LabelQualityWeights(random_state=None) shuffles differently"
    ),
}


@parametrize_with_checks(SEEDED, expected_failed_checks=lambda est: SAMPLE_WEIGHT_FAILURE)
def test_estimator_checks(estimator, check):
    check(estimator)


@parametrize_with_checks(
    [QualityWeightedClassifier(LogisticRegression())],
    expected_failed_checks=lambda est: UNSEEDED_FAILURES,
)
def test_estimator_checks_with_the_default_quality(estimator, check):
    check(estimator)
