"""ClassWeights: the transformer on y, its estimator API and its use with scikit-learn."""

from __future__ import annotations

import doctest
import pickle

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks
from sklearn.utils.validation import check_is_fitted

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight.class_weight import ClassWeights, compute_class_weight, compute_sample_weight
from sklweight.class_weight._strategies import STRATEGY_NAMES
from sklweight.utils._validation import InvalidParameterError

Y = np.array(["b", "a", "a", "c", "c", "c", "c", "b", "c"])
SAMPLE_WEIGHT = np.array([1.0, 2.0, 0.5, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0])


@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
@pytest.mark.parametrize("sample_weight", [None, SAMPLE_WEIGHT], ids=["unweighted", "weighted"])
def test_fit_matches_compute_class_weight(strategy, sample_weight):
    cw = ClassWeights(strategy, beta=0.9)
    assert cw.fit(Y, sample_weight=sample_weight) is cw
    params = {"beta": 0.9} if strategy == "effective_number" else {}
    expected = compute_class_weight(strategy, y=Y, sample_weight=sample_weight, **params)
    assert_array_equal(cw.classes_, ["a", "b", "c"])
    assert_allclose(cw.class_weight_, expected, rtol=1e-14)
    rows = cw.transform(Y)
    assert_allclose(rows, expected[[1, 0, 0, 2, 2, 2, 2, 1, 2]], rtol=1e-14)
    assert_allclose(ClassWeights(strategy, beta=0.9).fit_transform(Y, sample_weight), rows)
    assert_allclose(
        compute_sample_weight(cw, Y, sample_weight=sample_weight),
        (1.0 if sample_weight is None else sample_weight) * rows,
    )


def test_dict_and_callable_strategies():
    cw = ClassWeights({"a": 1.0, "b": 2.0, "c": 0.25}).fit(Y)
    assert_array_equal(cw.class_weight_, [1.0, 2.0, 0.25])
    assert cw.as_dict() == {"a": 1.0, "b": 2.0, "c": 0.25}
    cw = ClassWeights(np.reciprocal).fit(Y)
    assert_allclose(cw.class_weight_, compute_class_weight("inverse", y=Y))


def test_transform_labels():
    cw = ClassWeights().fit([True, False, False, False])
    assert_array_equal(cw.classes_, [False, True])
    assert_allclose(cw.transform([True, True, False]), [2.0, 2.0, 2 / 3])
    assert cw.transform([]).shape == (0,)
    with pytest.raises(ValueError, match=r"seen during fit.*unseen label\(s\) \['z'\]"):
        ClassWeights().fit(Y).transform(["a", "z", "z"])
    with pytest.raises(ValueError, match=r"unseen label\(s\) \[nan\]"):
        ClassWeights().fit([0.0, 1.0]).transform([0.0, np.nan])
    with pytest.raises(ValueError, match=r"unseen label\(s\) \['x'\]"):
        ClassWeights().fit([1, 2]).transform(np.array([1, "x"], dtype=object))


def test_pandas_series():
    pd = pytest.importorskip("pandas")
    y = pd.Series(["u", "v", "v", "v"], index=[10, 3, 7, 1])
    cw = ClassWeights().fit(y)
    assert_allclose(cw.transform(y), [2.0, 2 / 3, 2 / 3, 2 / 3])
    assert_allclose(compute_class_weight("balanced", y=y), cw.class_weight_)


@pytest.mark.parametrize(
    "X_y",
    [
        load_iris(return_X_y=True),
        make_classification(
            n_samples=400,
            n_features=6,
            n_informative=4,
            n_classes=3,
            weights=[0.8, 0.15, 0.05],
            random_state=0,
        ),
    ],
    ids=["iris_imbalanced", "make_classification"],
)
def test_logistic_regression_equivalence(X_y):
    X, y = X_y
    if y.shape[0] == 150:  # make iris imbalanced: keep 50 / 20 / 8 rows
        keep = np.concatenate([np.arange(50), np.arange(50, 70), np.arange(100, 108)])
        X, y = X[keep], y[keep]
    X = StandardScaler().fit_transform(X)
    reference = LogisticRegression(class_weight="balanced", tol=1e-12, max_iter=10_000).fit(X, y)
    ours = LogisticRegression(tol=1e-12, max_iter=10_000).fit(
        X, y, sample_weight=ClassWeights("balanced").fit_transform(y)
    )
    assert_allclose(ours.coef_, reference.coef_, rtol=1e-6, atol=1e-9)
    assert_allclose(ours.intercept_, reference.intercept_, rtol=1e-6, atol=1e-9)
    # as_dict() can be handed to sklearn's class_weight=
    as_dict = LogisticRegression(
        class_weight=ClassWeights().fit(y).as_dict(), tol=1e-12, max_iter=10_000
    ).fit(X, y)
    assert_allclose(as_dict.coef_, reference.coef_, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------- estimator API

API_CHECKS = [
    "check_estimator_cloneable",
    "check_get_params_invariance",
    "check_set_params",
    "check_no_attributes_set_in_init",
    "check_parameters_default_constructible",
    "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_mixin_order",
    "check_param_validation",
]


@pytest.mark.parametrize("check", API_CHECKS)
def test_sklearn_api_checks(check):
    getattr(estimator_checks, check)("ClassWeights", ClassWeights())


def test_params_stored_verbatim_and_checked_at_fit():
    strategy = {"a": 1.0, "b": 2.0, "c": 3.0}
    cw = ClassWeights(strategy, beta=0.5)
    assert cw.strategy is strategy and cw.beta == 0.5
    assert cw.get_params() == {"strategy": strategy, "beta": 0.5}
    assert cw.set_params(strategy="inverse", beta=0.25) is cw
    assert cw.get_params() == {"strategy": "inverse", "beta": 0.25}
    ClassWeights("nonsense", beta=7)  # __init__ does not validate
    with pytest.raises(
        InvalidParameterError, match="'strategy' parameter of ClassWeights.*'effective_number'"
    ):
        ClassWeights("nonsense").fit(Y)
    with pytest.raises(InvalidParameterError, match=r"'beta'.*\[0.0, 1.0\)"):
        ClassWeights("effective_number", beta=1.0).fit(Y)
    with pytest.raises(InvalidParameterError, match="beta"):
        ClassWeights("balanced", beta=-0.5).fit(Y)


def test_not_fitted():
    cw = ClassWeights()
    with pytest.raises(NotFittedError):
        check_is_fitted(cw)
    with pytest.raises(NotFittedError):
        cw.transform(Y)
    with pytest.raises(NotFittedError):
        cw.as_dict()
    cw.fit(Y)
    check_is_fitted(cw)
    assert sorted(k for k in vars(cw) if k.endswith("_")) == ["class_weight_", "classes_"]


def test_clone_and_pickle():
    cw = ClassWeights("effective_number", beta=0.9).fit(Y, sample_weight=SAMPLE_WEIGHT)
    cloned = clone(cw)
    assert cloned.get_params() == cw.get_params()
    assert not hasattr(cloned, "classes_")
    restored = pickle.loads(pickle.dumps(cw))
    assert_array_equal(restored.classes_, cw.classes_)
    assert_array_equal(restored.transform(Y), cw.transform(Y))


def test_labels_and_dicts_follow_sklearn():
    # any sortable labels, one class included, as scikit-learn's LabelEncoder and
    # compute_class_weight accept them
    assert_array_equal(ClassWeights().fit(["a", "a"]).class_weight_, [1.0])
    assert_allclose(ClassWeights().fit([0.1, 0.7, 0.7]).class_weight_, [1.5, 0.75])
    # a dict missing a class gives it 1 (scikit-learn's rule for class_weight dicts)
    assert_array_equal(ClassWeights({"a": 3.0}).fit(Y).class_weight_, [3.0, 1.0, 1.0])


def test_bad_input_at_fit():
    with pytest.raises(ValueError, match="entry 1 is"):
        ClassWeights().fit([0, 1], sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match=r"'strategy' parameter.*keys \['z'\] are not classes"):
        ClassWeights({"a": 1.0, "z": 2.0}).fit(Y)
    with pytest.raises(ValueError, match="entry 1 is nan"):
        ClassWeights().fit([0.0, np.nan])


def test_inputs_not_mutated():
    y, sample_weight = Y.copy(), SAMPLE_WEIGHT.copy()
    strategy = {"a": 1.0, "b": 2.0, "c": 3.0}
    ClassWeights(strategy).fit_transform(y, sample_weight)
    ClassWeights("median_frequency").fit(y, sample_weight).transform(y)
    assert_array_equal(y, Y)
    assert_array_equal(sample_weight, SAMPLE_WEIGHT)
    assert strategy == {"a": 1.0, "b": 2.0, "c": 3.0}


class WeightedLogisticRegression(ClassifierMixin, BaseEstimator):
    """A minimal meta-estimator taking ``class_weight=ClassWeights(...)``."""

    def __init__(self, class_weight=None, C=1.0):
        self.class_weight = class_weight
        self.C = C

    def fit(self, X, y, sample_weight=None):
        weights = compute_sample_weight(self.class_weight, y, sample_weight=sample_weight)
        self.model_ = LogisticRegression(C=self.C, max_iter=1000).fit(X, y, sample_weight=weights)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_grid_search_tunes_class_weight_params():
    X, y = make_classification(
        n_samples=300, n_features=5, n_informative=3, weights=[0.9, 0.1], random_state=0
    )
    pipe = make_pipeline(StandardScaler(), WeightedLogisticRegression(ClassWeights()))
    grid = {
        "weightedlogisticregression__class_weight__strategy": ["balanced", "effective_number"],
        "weightedlogisticregression__class_weight__beta": [0.0, 0.99],
    }
    search = GridSearchCV(pipe, grid, scoring="balanced_accuracy", cv=3).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    best = search.best_estimator_[-1].class_weight
    assert isinstance(best, ClassWeights)
    assert best.get_params() == {
        "strategy": search.best_params_["weightedlogisticregression__class_weight__strategy"],
        "beta": search.best_params_["weightedlogisticregression__class_weight__beta"],
    }
    # The unfitted template in the pipeline was cloned, never fitted in place.
    assert not hasattr(pipe[-1].class_weight, "classes_")
    scores = search.cv_results_["mean_test_score"]
    # beta=0 is uniform weighting: effective_number with beta=0 differs from balanced
    assert len(set(np.round(scores, 12))) > 1


@pytest.mark.parametrize("obj", [compute_class_weight, compute_sample_weight, ClassWeights])
def test_docstring_examples(obj):
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in doctest.DocTestFinder().find(obj, globs={}):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0


def test_messages_and_pickles_show_the_public_name():
    assert ClassWeights.__module__ == "sklweight"
    # a type constraint names the class by its module: the public one
    public = r"an instance of 'sklweight\.ClassWeights'\."
    for make in (WeightedMLPClassifier, lambda class_weight: WeightedNeuralNetClassifier(
            torch.nn.Linear, class_weight=class_weight)):
        with pytest.raises(InvalidParameterError, match=public):
            make(class_weight=3).fit(np.ones((4, 2), dtype=np.float32), [0, 1, 0, 1])
    restored = pickle.loads(pickle.dumps(ClassWeights("inverse")))
    assert type(restored) is ClassWeights


@pytest.mark.parametrize("k", [10.0, 0.1])
def test_effective_number_in_a_classifier_ignores_the_scale_of_the_weights(k):
    # multiplying every sample weight by k changes neither class_weight_ nor the model
    X, y = make_classification(n_samples=220, n_features=6, weights=[0.9], random_state=0)
    X = X.astype(np.float32)
    s = np.random.default_rng(0).uniform(0.5, 2.0, y.shape[0])
    clf = WeightedMLPClassifier((16,), class_weight="effective_number", max_epochs=15,
                                random_state=0)
    reference = clone(clf).fit(X, y, sample_weight=s)
    scaled = clone(clf).fit(X, y, sample_weight=k * s)
    assert_allclose(scaled.class_weight_, reference.class_weight_, rtol=1e-12)
    assert_allclose(scaled.predict_proba(X), reference.predict_proba(X), rtol=1e-4, atol=1e-6)
    assert_array_equal(scaled.predict(X), reference.predict(X))
