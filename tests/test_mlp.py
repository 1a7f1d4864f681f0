"""WeightedMLPClassifier: defaults, dtypes, labels, parameters and fitted attributes."""

import inspect
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklweight import WeightedMLPClassifier
from sklweight.losses import FocalLoss


def small(**kwargs):
    params = {"hidden_layer_sizes": (8,), "max_epochs": 5, "random_state": 0}
    return WeightedMLPClassifier(**{**params, **kwargs})


def test_defaults_follow_mlpclassifier():
    ours = WeightedMLPClassifier().get_params()
    theirs = MLPClassifier().get_params()
    assert ours["hidden_layer_sizes"] == theirs["hidden_layer_sizes"]
    assert ours["activation"] == theirs["activation"]
    assert ours["lr"] == theirs["learning_rate_init"]
    assert ours["batch_size"] == theirs["batch_size"] == "auto"
    assert ours["max_epochs"] == theirs["max_iter"]
    assert ours["tol"] == theirs["tol"]
    assert ours["n_iter_no_change"] == theirs["n_iter_no_change"]
    assert ours["early_stopping"] is theirs["early_stopping"] is False
    assert ours["validation_fraction"] == theirs["validation_fraction"]
    assert ours["dtype"] is None


def test_parameters_are_keyword_only_after_the_architecture():
    params = inspect.signature(WeightedMLPClassifier).parameters
    positional = [n for n, p in params.items() if p.kind == p.POSITIONAL_OR_KEYWORD]
    assert positional == ["hidden_layer_sizes", "activation", "dropout"]


@pytest.mark.parametrize(
    ("x_dtype", "param", "expected"),
    [
        (np.float32, None, torch.float32),
        (np.float64, None, torch.float64),
        (np.int64, None, torch.float64),
        (np.float64, "float32", torch.float32),
    ],
)
def test_dtype_follows_x(iris, x_dtype, param, expected):
    X, y = iris
    X = (X * 10).astype(x_dtype)
    clf = small(dtype=param).fit(X, y)
    assert next(clf.net_.module_.parameters()).dtype == expected
    assert clf.predict_proba(X).shape == (len(y), 3)


@pytest.mark.parametrize(
    "labels",
    [np.array(["setosa", "versicolor", "virginica"]), np.array([7, -1, 3]),
     np.array(["b", "c", "a"], dtype=object)],
)
def test_labels_are_returned_as_given(iris, labels):
    X, y = iris
    clf = small(max_epochs=30, lr=1e-2).fit(X, labels[y])
    np.testing.assert_array_equal(clf.classes_, np.unique(labels))
    assert set(clf.predict(X)) <= set(labels)
    assert clf.score(X, labels[y]) > 0.5


def test_bool_labels(binary):
    X, y = binary
    clf = small().fit(X, y.astype(bool))
    assert clf.predict(X).dtype == bool


def test_pandas_input_sets_feature_names(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    clf = small().fit(df, pd.Series(y), sample_weight=pd.Series(np.ones(len(y))))
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    assert clf.n_features_in_ == 4
    clf.predict(df)


def test_random_state_makes_fits_identical(iris):
    X, y = iris
    a = small(dropout=0.2).fit(X, y).predict_proba(X)
    b = small(dropout=0.2).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    c = small(dropout=0.2, random_state=1).fit(X, y).predict_proba(X)
    assert not np.array_equal(a, c)


def test_random_state_leaves_global_rng_alone(iris):
    X, y = iris
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    small().fit(X, y)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_criterion_params_route_and_clone():
    clf = small(criterion="focal", criterion__gamma=3.0)
    assert clf.get_params()["criterion__gamma"] == 3.0
    clf.set_params(criterion__gamma=1.0)
    twin = clone(clf)
    assert twin.get_params()["criterion__gamma"] == 1.0
    assert twin.criterion == "focal"


def test_criterion_params_reach_the_loss(iris):
    X, y = iris
    clf = small(criterion="focal", criterion__gamma=3.0).fit(X, y)
    assert isinstance(clf.net_.criterion_, FocalLoss)
    assert clf.net_.criterion_.gamma == 3.0


@pytest.mark.parametrize(
    "criterion",
    ["cross_entropy", "focal", "soft_f1", "label_smoothing", "logit_adjusted", "ldam",
     "poly", FocalLoss, FocalLoss(gamma=1.0)],
)
def test_every_criterion_trains(iris, criterion):
    X, y = iris
    clf = small(criterion=criterion, max_epochs=30, lr=1e-2).fit(X, y)
    assert clf.score(X, y) > 0.7
    assert np.all(np.isfinite(clf.loss_curve_))


def test_logit_adjusted_gets_weighted_training_counts(imbalanced):
    X, y = imbalanced
    w = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    clf = small(criterion="logit_adjusted").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(clf.net_.class_counts_, np.bincount(y, weights=w))


def test_fitted_attributes(iris):
    X, y = iris
    clf = small(max_epochs=4)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    assert clf.n_iter_ == 4
    assert len(clf.loss_curve_) == 4
    assert clf.validation_scores_ is None
    assert clf.class_weight_ is None
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), clf.predict_proba(X))


def test_training_loss_plateau_stops_early(iris):
    X, y = iris
    clf = small(max_epochs=500, n_iter_no_change=2, tol=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf.fit(X, y)
    assert clf.n_iter_ == 3


@pytest.mark.parametrize("scoring", [None, "balanced_accuracy", "f1_macro"])
def test_early_stopping_monitors_a_scorer(iris, scoring):
    X, y = iris
    clf = small(early_stopping=True, scoring=scoring, max_epochs=200,
                n_iter_no_change=3, lr=0.05).fit(X, y)
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == clf.n_iter_
    if scoring is not None:
        assert 0 <= max(clf.validation_scores_) <= 1


def test_validation_fraction_none_means_no_split(iris):
    X, y = iris
    clf = small(early_stopping=True, validation_fraction=None).fit(X, y)
    assert clf.validation_scores_ is None
    assert "valid_loss" not in clf.net_.history[-1]


def test_pickle_round_trip(iris):
    X, y = iris
    clf = small().fit(X, y)
    twin = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(twin.predict_proba(X), clf.predict_proba(X))


def test_sampler_sample_weight_mode(imbalanced):
    X, y = imbalanced
    w = np.where(y == 0, 0.1, 1.0)  # the majority class made 10x rarer by sampling
    plain = small(max_epochs=20).fit(X, y)
    sampled = small(sampler="sample_weight", max_epochs=20).fit(X, y, sample_weight=w)
    assert np.mean(sampled.predict(X) == 0) < np.mean(plain.predict(X) == 0)


# --------------------------------------------------------------------------- MLPClassifier's names
RENAMED = {"max_iter": "max_epochs=50", "learning_rate_init": "lr=50",
           "alpha": "weight_decay=alpha / batch_size"}


@pytest.mark.parametrize(
    "name", sorted(set(MLPClassifier().get_params()) - set(WeightedMLPClassifier().get_params()))
)
def test_mlpclassifier_names_are_a_type_error_at_construction(name):
    # every MLPClassifier parameter we do not have, each with what to write instead
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'") as info:
        WeightedMLPClassifier(**{name: 50})
    message = str(info.value)
    if name in RENAMED:
        assert RENAMED[name] in message
    else:
        assert "not supported" in message or "WeightedNeuralNetClassifier(" in message


def test_unknown_keyword_suggests_the_close_parameter():
    with pytest.raises(TypeError, match="did you mean 'hidden_layer_sizes'"):
        WeightedMLPClassifier(hiden_layer_sizes=(3,))


def test_set_params_with_an_mlpclassifier_name_names_ours():
    clf = small()
    with pytest.raises(ValueError, match="Invalid parameter 'max_iter'.*max_epochs=3"):
        clf.set_params(max_iter=3)
    assert clf.max_epochs == 5


def test_criterion_params_tune_in_grid_search(iris):
    from sklearn.model_selection import GridSearchCV

    X, y = iris
    search = GridSearchCV(
        small(criterion="focal", criterion__gamma=1.0), {"criterion__gamma": [0.0, 2.0]}, cv=2
    ).fit(X[::3], y[::3])
    assert search.best_params_["criterion__gamma"] in (0.0, 2.0)
    assert search.best_estimator_.net_.criterion_.gamma == search.best_params_["criterion__gamma"]


def test_adam_defaults_are_mlpclassifier_s():
    # the docstring's claim: Adam runs with MLPClassifier's beta_1, beta_2 and epsilon
    theirs = MLPClassifier().get_params()
    adam = torch.optim.Adam([torch.zeros(1)]).defaults
    assert adam["betas"] == (theirs["beta_1"], theirs["beta_2"])
    assert adam["eps"] == theirs["epsilon"]
    assert adam["weight_decay"] == WeightedMLPClassifier().weight_decay == 0.0


@pytest.mark.slow
def test_mlpclassifier_default_alpha_is_negligible():
    # why weight_decay defaults to 0: MLPClassifier's alpha=1e-4 against alpha=0 on digits
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    Xtr, Xte, ytr, _ = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    # one BLAS thread: on a shared 2-core machine the default thread pool is 20x slower
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = MLPClassifier(alpha=1e-4, random_state=0).fit(Xtr, ytr).predict(Xte)
        b = MLPClassifier(alpha=0.0, random_state=0).fit(Xtr, ytr).predict(Xte)
    assert np.mean(a == b) >= 0.995
