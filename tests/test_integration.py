"""The classifiers inside scikit-learn (docs/user_guide/weight_semantics.rst, "Inside
scikit-learn"): Pipeline, GridSearchCV, cross_validate,
CalibratedClassifierCV, TunedThresholdClassifierCV, clone and pickle, and labels /
DataFrames flowing through them, each with ``sample_weight`` (metadata routing:
test_metadata_routing.py)."""

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from _sklearn_helpers import CV, linear_net, mlp, quality_weights
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    ParameterGrid,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import ClassWeights


# --------------------------------------------------------------------------- Pipeline
@pytest.mark.parametrize("routing", [False, True])
def test_pipeline_fit_predict_score_with_weights(cancer, routing):
    X, y = cancer
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = mlp(max_epochs=20)
        scaler = StandardScaler()
        if routing:
            clf.set_fit_request(sample_weight=True)
            scaler.set_fit_request(sample_weight=False)
            fit_params = {"sample_weight": w}
        else:
            fit_params = {"weightedmlpclassifier__sample_weight": w}
        pipe = make_pipeline(scaler, clf).fit(X, y, **fit_params)
        assert set(pipe.predict(X)) <= {0, 1}
        assert pipe.predict_proba(X).shape == (len(y), 2)
        assert pipe.score(X, y) > 0.8
    # the weights reached the classifier: a direct fit on the scaled data agrees exactly
    direct = mlp(max_epochs=20).fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(
        pipe[-1].predict_proba(pipe[0].transform(X)),
        direct.predict_proba(StandardScaler().fit_transform(X)),
    )


# --------------------------------------------------------------------------- GridSearchCV
MLP_GRIDS = {
    "criterion": {"criterion": ["cross_entropy", "focal", "label_smoothing"]},
    "gamma": {"criterion__gamma": [0.0, 2.0]},
    "class_weight": {
        "class_weight__strategy": ["balanced", "effective_number"],
        "class_weight__beta": [0.9, 0.999],
    },
}


def _grid_estimator(name):
    if name == "gamma":
        return mlp(criterion="focal", criterion__gamma=1.0)
    if name == "class_weight":
        return mlp(class_weight=ClassWeights("effective_number"))
    return mlp()


def _check_search(search, grid):
    candidates = list(ParameterGrid(grid))
    assert search.best_params_ in candidates
    assert search.cv_results_["params"] == candidates
    for key in ("mean_test_score", "std_test_score", "mean_fit_time"):
        assert not np.isnan(search.cv_results_[key]).any(), key


def _scoring(name, routing):
    # with routing on, the scorer is asked too whether it wants the weights (here: no)
    return get_scorer(name).set_score_request(sample_weight=False) if routing else name


@pytest.mark.parametrize("routing", [False, True], ids=["plain", "routing"])
@pytest.mark.parametrize("name", sorted(MLP_GRIDS))
def test_grid_search_over_loss_and_class_weight_params(imbalanced, name, routing):
    X, y = imbalanced
    grid = MLP_GRIDS[name]
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=routing):
        estimator = _grid_estimator(name)
        if routing:
            estimator.set_fit_request(sample_weight=True)
        search = GridSearchCV(
            estimator, grid, cv=CV, n_jobs=2, scoring=_scoring("balanced_accuracy", routing)
        ).fit(X, y, sample_weight=w)
    _check_search(search, grid)
    best = search.best_estimator_
    for key, value in search.best_params_.items():
        assert best.get_params()[key] == value
    if name == "gamma":  # the tuned value reached the loss
        assert best.net_.criterion_.gamma == search.best_params_["criterion__gamma"]
    assert best.predict(X).shape == y.shape
    # refit trained on all rows with the weights: same as a direct fit
    direct = clone(_grid_estimator(name)).set_params(**search.best_params_)
    direct.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(best.predict_proba(X), direct.predict_proba(X))


def test_grid_search_tunes_class_weight_beta_on_a_fresh_clone(imbalanced):
    # the ClassWeights instance is cloned per candidate: the user's instance is untouched
    X, y = imbalanced
    cw = ClassWeights("effective_number", beta=0.5)
    search = GridSearchCV(
        mlp(class_weight=cw), {"class_weight__beta": [0.9, 0.99]}, cv=CV, n_jobs=2
    ).fit(X, y)
    assert cw.beta == 0.5 and not hasattr(cw, "class_weight_")
    assert search.best_estimator_.class_weight.beta in (0.9, 0.99)


@pytest.mark.parametrize("routing", [False, True], ids=["plain", "routing"])
def test_grid_search_over_net_criterion_gamma(iris32, routing):
    X, y = iris32
    grid = {"criterion__gamma": [0.0, 1.0, 3.0]}
    with sklearn.config_context(enable_metadata_routing=routing):
        net = linear_net(criterion="focal", criterion__gamma=2.0)
        if routing:
            net.set_fit_request(sample_weight=True)
        search = GridSearchCV(net, grid, cv=CV, n_jobs=2, scoring=_scoring("accuracy", routing))
        search.fit(X, y, sample_weight=quality_weights(y))
    _check_search(search, grid)
    best = search.best_estimator_
    assert best.criterion_.gamma == search.best_params_["criterion__gamma"]
    assert best.score(X, y) > 0.6


def test_grid_search_in_pipeline_without_routing(cancer):
    X, y = cancer
    pipe = Pipeline([("scale", StandardScaler()), ("clf", mlp())])
    grid = {"clf__criterion": ["cross_entropy", "focal"]}
    search = GridSearchCV(pipe, grid, cv=CV, n_jobs=2).fit(
        X, y, clf__sample_weight=quality_weights(y)
    )
    _check_search(search, grid)
    assert search.score(X, y) > 0.8


# --------------------------------------------------------------------------- cross_validate
@pytest.mark.parametrize("routing", [False, True])
def test_cross_validate_with_weights(imbalanced, routing):
    X, y = imbalanced
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = mlp(class_weight="balanced")
        if routing:
            clf.set_fit_request(sample_weight=True)
        result = cross_validate(
            clf, X, y, cv=CV, params={"sample_weight": w},
            scoring=_scoring("balanced_accuracy", routing),
            return_estimator=True,
        )
    assert not np.isnan(result["test_score"]).any()
    assert result["test_score"].mean() > 0.5
    # each fold trained on its own rows with their weights
    train, _ = next(CV.split(X, y))
    direct = mlp(class_weight="balanced").fit(X[train], y[train], sample_weight=w[train])
    np.testing.assert_allclose(
        result["estimator"][0].predict_proba(X), direct.predict_proba(X)
    )


# --------------------------------------------------------------------------- calibration
@pytest.mark.parametrize("routing", [False, True])
def test_calibrated_classifier_cv_with_weights(cancer, routing):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = mlp()
        if routing:
            clf.set_fit_request(sample_weight=True)
        calibrated = CalibratedClassifierCV(clf, cv=3).fit(X, y, sample_weight=w)
        proba = calibrated.predict_proba(X)
    assert len(calibrated.calibrated_classifiers_) == 3
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert calibrated.score(X, y) > 0.8
    # the first fold's classifier was fitted with its rows' weights (cv=3: StratifiedKFold)
    train, _ = next(StratifiedKFold(3).split(X, y))
    direct = mlp().fit(X[train], y[train], sample_weight=w[train])
    np.testing.assert_allclose(
        calibrated.calibrated_classifiers_[0].estimator.predict_proba(X), direct.predict_proba(X)
    )


def test_tuned_threshold_classifier_cv_with_routed_weights(cancer):
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    labels = np.array(["benign", "malignant"])[y]
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = mlp().set_fit_request(sample_weight=True)
        scoring = get_scorer("balanced_accuracy").set_score_request(sample_weight=True)
        tuned = TunedThresholdClassifierCV(clf, cv=3, scoring=scoring, random_state=0)
        tuned.fit(X, labels, sample_weight=w)
        pred = tuned.predict(X)
    assert 0 < tuned.best_threshold_ < 1
    assert pred.dtype == labels.dtype
    assert set(pred) <= {"benign", "malignant"}
    assert (pred == labels).mean() > 0.8
    # the refit on all rows got the weights
    direct = mlp().fit(X, labels, sample_weight=w)
    np.testing.assert_allclose(tuned.estimator_.predict_proba(X), direct.predict_proba(X))


def test_tuned_threshold_classifier_cv_without_routing(cancer):
    # without routing scikit-learn refuses fit params here (its contract, not ours)
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    labels = y.astype(bool)
    tuned = TunedThresholdClassifierCV(mlp(), cv=3, scoring="balanced_accuracy")
    with pytest.raises(ValueError, match="only supported if enable_metadata_routing=True"):
        tuned.fit(X, labels, sample_weight=quality_weights(y))
    pred = tuned.fit(X, labels).predict(X)
    assert pred.dtype == bool
    assert (pred == labels).mean() > 0.8


# --------------------------------------------------------------------------- clone / pickle
def _estimators():
    return [
        mlp(criterion="focal", criterion__gamma=1.5, class_weight=ClassWeights("inverse")),
        linear_net(criterion="focal", criterion__gamma=1.5, class_weight="balanced",
                   device="cpu"),
    ]


@pytest.mark.parametrize("make", [lambda: _estimators()[0], lambda: _estimators()[1]],
                         ids=["mlp", "net"])
def test_clone_and_pickle_unfitted(iris32, make):
    X, y = iris32
    estimator = make()
    twin = clone(estimator)
    assert twin.get_params()["criterion__gamma"] == 1.5
    restored = pickle.loads(pickle.dumps(estimator))
    assert restored.get_params()["criterion__gamma"] == 1.5
    with pytest.raises(NotFittedError):
        restored.predict(X)
    w = quality_weights(y)
    a = twin.fit(X, y, sample_weight=w).predict_proba(X)
    b = restored.fit(X, y, sample_weight=w).predict_proba(X)
    np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("make", [lambda: _estimators()[0], lambda: _estimators()[1]],
                         ids=["mlp", "net"])
def test_clone_and_pickle_fitted(iris32, make):
    X, y = iris32
    w = quality_weights(y)
    estimator = make().fit(X, y, sample_weight=w)
    proba = estimator.predict_proba(X)
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_allclose(restored.predict_proba(X), proba)
    np.testing.assert_array_equal(restored.classes_, estimator.classes_)
    np.testing.assert_allclose(restored.class_weight_, estimator.class_weight_)
    twin = clone(estimator)
    with pytest.raises(NotFittedError):
        twin.predict(X)
    # a clone refits to the same model (same random_state)
    np.testing.assert_allclose(twin.fit(X, y, sample_weight=w).predict_proba(X), proba)


def test_net_on_cpu_device_explicitly(iris32):
    X, y = iris32
    net = linear_net(device="cpu").fit(X, y, sample_weight=quality_weights(y))
    assert next(net.module_.parameters()).device.type == "cpu"
    assert net.predict(X).shape == y.shape
    assert clone(net).get_params()["device"] == "cpu"


# --------------------------------------------------------------------------- labels, pandas
@pytest.mark.parametrize(
    "to_labels",
    [
        lambda y: np.array(["neg", "pos"])[y],
        lambda y: y.astype(bool),
        lambda y: np.array(["zz", "aa"], dtype=object)[y],
    ],
    ids=["str", "bool", "object-unsorted"],
)
def test_labels_through_pipeline_and_cross_validate(cancer, to_labels):
    X, y = cancer
    labels = to_labels(y)
    w = quality_weights(y)
    pipe = make_pipeline(StandardScaler(), mlp())
    result = cross_validate(
        pipe, X, labels, cv=CV, params={"weightedmlpclassifier__sample_weight": w},
        scoring="balanced_accuracy", return_estimator=True,
    )
    assert result["test_score"].mean() > 0.8
    pred = result["estimator"][0].predict(X)
    assert pred.dtype == labels.dtype
    assert set(pred) <= set(labels)
    np.testing.assert_array_equal(result["estimator"][0].classes_, np.unique(labels))


@pytest.mark.parametrize("to_labels", [lambda y: np.array(["neg", "pos"])[y],
                                       lambda y: y.astype(bool)], ids=["str", "bool"])
def test_net_labels_through_pipeline(cancer, to_labels):
    X, y = cancer
    labels = to_labels(y)
    pipe = make_pipeline(StandardScaler(), linear_net(X.shape[1], 2, max_epochs=15))
    result = cross_validate(
        pipe, X.astype(np.float32), labels, cv=CV, scoring="balanced_accuracy",
        params={"weightedneuralnetclassifier__sample_weight": quality_weights(y)},
        return_estimator=True,
    )
    assert result["test_score"].mean() > 0.8
    assert result["estimator"][0].predict(X.astype(np.float32)).dtype == labels.dtype


def test_dataframe_sets_feature_names_on_mlp_and_pipeline(cancer):
    X, y = cancer
    columns = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=columns)
    labels = pd.Series(np.array(["neg", "pos"])[y], name="target")
    w = pd.Series(quality_weights(y))
    pipe = make_pipeline(StandardScaler(), mlp()).set_output(transform="pandas")
    pipe.fit(df, labels, weightedmlpclassifier__sample_weight=w)
    np.testing.assert_array_equal(pipe.feature_names_in_, columns)
    np.testing.assert_array_equal(pipe[-1].feature_names_in_, columns)
    assert set(pipe.predict(df)) <= {"neg", "pos"}
    direct = mlp().fit(df, labels, sample_weight=w)
    np.testing.assert_array_equal(direct.feature_names_in_, columns)
    assert direct.n_features_in_ == X.shape[1]
    with pytest.warns(UserWarning, match="feature names"):
        direct.predict(X)


def test_dataframe_sets_feature_names_on_net(iris32):
    X, y = iris32
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    net = linear_net().fit(df, pd.Series(y), sample_weight=quality_weights(y))
    np.testing.assert_array_equal(net.feature_names_in_, ["a", "b", "c", "d"])
    assert net.predict(df).shape == y.shape
