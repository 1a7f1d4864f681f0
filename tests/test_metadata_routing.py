"""Metadata routing: ``set_fit_request(sample_weight=True)`` delivers the weights through
Pipeline and GridSearchCV; unrequested weights raise scikit-learn's error."""


import numpy as np
import pytest
import sklearn
from _sklearn_helpers import CV, linear_net, mlp, quality_weights
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    cross_validate,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler


# --------------------------------------------------------------------------- routing
def _routed_search():
    clf = mlp(max_epochs=15).set_fit_request(sample_weight=True)
    pipe = Pipeline([("scale", StandardScaler().set_fit_request(sample_weight=False)),
                     ("clf", clf)])
    # routing asks the scorer too: evaluate unweighted (held-out class-2 rows have weight 0)
    scoring = get_scorer("accuracy").set_score_request(sample_weight=False)
    return GridSearchCV(pipe, {"clf__criterion": ["cross_entropy"]}, cv=CV, n_jobs=2,
                        scoring=scoring)


def test_routing_delivers_weights_through_pipeline_and_grid_search(iris):
    X, y = iris
    w = np.where(y == 2, 0.0, 1.0)  # class 2 removed by its weights
    with sklearn.config_context(enable_metadata_routing=True):
        search = _routed_search().fit(X, y, sample_weight=w)
        proba = search.predict_proba(X)
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()
    # identical to a direct fit with the same weights and seed
    direct = mlp(max_epochs=15).fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(proba, direct.predict_proba(StandardScaler().fit_transform(X)))
    # and different from an unweighted fit: class 2 is (almost) never predicted
    unweighted = mlp(max_epochs=15).fit(StandardScaler().fit_transform(X), y)
    assert not np.allclose(proba, unweighted.predict_proba(StandardScaler().fit_transform(X)))
    assert proba[y == 2, 2].mean() < unweighted.predict_proba(
        StandardScaler().fit_transform(X))[y == 2, 2].mean()


def test_routing_weights_reach_the_net_in_pipeline(iris32):
    X, y = iris32
    w = quality_weights(y)
    with sklearn.config_context(enable_metadata_routing=True):
        net = linear_net().set_fit_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), net)
        pipe.fit(X, y, sample_weight=w)
    direct = linear_net().fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(
        pipe.predict_proba(X), direct.predict_proba(StandardScaler().fit_transform(X)),
        rtol=1e-5,
    )


def _unrequested(estimator):
    # only fit's request is left unset (score's is set, so the error is about fit)
    return estimator.set_score_request(sample_weight=False)


@pytest.mark.parametrize(
    ("make", "consumer"),
    [
        (lambda: _unrequested(mlp()), "WeightedMLPClassifier.fit"),
        (lambda: _unrequested(linear_net()), "WeightedNeuralNetClassifier.fit"),
        (lambda: make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                               _unrequested(mlp())), "WeightedMLPClassifier.fit"),
        (lambda: GridSearchCV(_unrequested(mlp()), {"criterion": ["cross_entropy"]}, cv=CV),
         "WeightedMLPClassifier.fit"),
    ],
    ids=["mlp_cross_validate", "net_cross_validate", "pipeline", "grid_search"],
)
def test_routing_without_request_raises_unset_metadata(iris32, make, consumer):
    X, y = iris32
    w = np.ones(len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = make()
        with pytest.raises(UnsetMetadataPassedError, match=consumer.replace(".", r"\.")):
            if isinstance(estimator, (Pipeline, GridSearchCV)):
                estimator.fit(X, y, sample_weight=w)
            else:
                cross_validate(estimator, X, y, cv=CV, params={"sample_weight": w})


def test_routing_request_false_keeps_weights_out_of_fit(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    w = np.where(y == 2, 0.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        # weights for the evaluation only: the scorer requests them, fit does not
        clf = mlp().set_fit_request(sample_weight=False)
        scoring = get_scorer("accuracy").set_score_request(sample_weight=True)
        result = cross_validate(
            clf, X, y, cv=CV, params={"sample_weight": w}, scoring=scoring,
            return_estimator=True,
        )
    train, _ = next(CV.split(X, y))
    unweighted = mlp().fit(X[train], y[train])
    np.testing.assert_allclose(
        result["estimator"][0].predict_proba(X), unweighted.predict_proba(X)
    )
