"""A fit that diverged warns once with the numbers and the fix (sklweight/_net/divergence.py);
a fit that converges, or is merely cut short, warns nothing."""

import warnings

import numpy as np
import pytest
import torch
from _estimators import mlp, net
from sklearn.datasets import load_breast_cancer, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

import sklweight
from sklweight import DivergenceWarning, WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight._net import training
from sklweight._net.divergence import MAX_ROWS
from sklweight.exceptions import CollapsedPredictionWarning


def _divergence_warnings(fit, category=DivergenceWarning):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        estimator = fit()
    return estimator, [w for w in record if issubclass(w.category, category)]


@pytest.fixture(scope="module")
def raw_cancer():
    return load_breast_cancer(return_X_y=True)


@pytest.mark.parametrize("category", [DivergenceWarning, CollapsedPredictionWarning])
def test_the_warnings_are_public_convergence_warnings(category):
    name = category.__name__
    assert getattr(sklweight.exceptions, name) is category
    assert name in sklweight.exceptions.__all__
    if category is DivergenceWarning:  # also public at the top level
        assert sklweight.DivergenceWarning is category and name in sklweight.__all__
    assert category.__module__ == "sklweight.exceptions"
    assert issubclass(category, ConvergenceWarning)
    assert issubclass(category, UserWarning)
    assert not issubclass(CollapsedPredictionWarning, DivergenceWarning)


def test_huge_learning_rate_on_raw_breast_cancer_warns_once(raw_cancer):
    # the reproduction: loss from ~10 to ~1e5, every prediction one class
    X, y = raw_cancer
    clf, found = _divergence_warnings(
        lambda: WeightedMLPClassifier(lr=1e6, random_state=0).fit(X, y)
    )
    assert len(found) == 1
    message = str(found[0].message)
    assert message.startswith("WeightedMLPClassifier: the fit diverged")
    assert "lr=1000000.0" in message and "StandardScaler" in message
    assert "although 2 classes are present" in message
    # the numbers are the fit's own: first batch's loss and last epoch's loss
    history = clf.net_.history
    assert f"{history[0]['batches'][0]['train_loss']:.4g} (first batch)" in message
    assert f"to {clf.loss_curve_[-1]:.4g} (epoch {clf.n_iter_})" in message
    assert len(np.unique(clf.predict(X))) == 1  # the warning told the truth
    # it points at the user's call, not at sklweight's internals
    assert found[0].filename == __file__


def test_huge_learning_rate_in_the_net_names_the_net(small_iris):
    X, y = small_iris
    estimator, found = _divergence_warnings(lambda: net(lr=1e6, max_epochs=5).fit(X, y))
    assert len(found) == 1
    assert str(found[0].message).startswith("WeightedNeuralNetClassifier: the fit diverged")
    assert "lr=1000000.0" in str(found[0].message)
    assert found[0].filename == __file__
    assert np.isfinite(estimator.predict_proba(X)).all()  # still fitted, still usable


def _scaled(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


NORMAL_DATA = {
    "cancer": lambda: _scaled(load_breast_cancer),
    "iris": lambda: _scaled(load_iris),
    "wine": lambda: _scaled(load_wine),
    "imbalanced": lambda: make_classification(
        400, 10, n_informative=5, n_classes=3, weights=[0.85, 0.1, 0.05], random_state=0),
}
NORMAL_PARAMS = {
    "default": {},
    "sampler": {"sampler": "balanced"},  # noisy epoch losses
    "sampler-batch16": {"sampler": "balanced", "batch_size": 16, "max_epochs": 8},
    "class_weight": {"class_weight": "balanced"},
    "focal": {"criterion": "focal"},
    "early_stopping": {"early_stopping": True, "n_iter_no_change": 3},
}


@pytest.mark.parametrize("data", sorted(NORMAL_DATA))
@pytest.mark.parametrize("params", sorted(NORMAL_PARAMS))
def test_normal_fits_warn_nothing(data, params):
    X, y = NORMAL_DATA[data]()
    params = {"hidden_layer_sizes": (32,), "max_epochs": 30, **NORMAL_PARAMS[params]}
    _, found = _divergence_warnings(
        lambda: WeightedMLPClassifier(random_state=0, **params).fit(X, y))
    assert found == []


def test_raw_features_at_default_lr_warn_nothing(raw_cancer):
    # unscaled: the first batch's loss is ~10-50, it falls; nothing diverged
    X, y = raw_cancer
    clf, found = _divergence_warnings(
        lambda: WeightedMLPClassifier(max_epochs=40, random_state=0).fit(X, y))
    assert found == [] and len(np.unique(clf.predict(X))) == 2


def test_a_fit_cut_short_that_predicts_the_majority_warns_nothing():
    # 98/2 imbalance, five epochs: the loss falls but every row is still the majority;
    # under-trained, not diverged (the MLP's max_epochs ConvergenceWarning says so)
    X, y = make_classification(1000, 10, n_informative=5, weights=[0.98], random_state=0)
    clf, found = _divergence_warnings(lambda: mlp(
        hidden_layer_sizes=(100,), lr=1e-3, max_epochs=5).fit(X, y))
    assert len(np.unique(clf.predict(X))) == 1  # the premise: predictions collapsed
    assert found == []


def test_a_fit_that_stops_by_itself_on_one_class_warns():
    # soft-F1 on raw wine: the softmax saturates, the loss does not move, early
    # stopping ends the fit with every row one class (balanced accuracy 1/3)
    X, y = load_wine(return_X_y=True)
    fit = lambda: WeightedMLPClassifier(criterion="soft_f1", random_state=1).fit(X, y)  # noqa: E731
    clf, found = _divergence_warnings(fit, CollapsedPredictionWarning)
    assert clf.n_iter_ < clf.max_epochs
    assert len(np.unique(clf.predict(X))) == 1
    assert len(found) == 1
    assert _divergence_warnings(fit)[1] == []  # nothing blew up: not a divergence
    message = str(found[0].message)
    assert "stopped after" in message and "predicting one class" in message
    # the loss did not fall: the features and the learning rate are the suspects
    assert "3 classes are present" in message and "StandardScaler" in message
    assert found[0].filename == __file__


def _uninformative_imbalanced():
    rng = np.random.RandomState(0)
    return rng.randn(400, 2) * 0.1, (rng.rand(400) < 0.1).astype(int)


def test_a_fit_whose_loss_fell_to_one_class_names_the_weighting_fix():
    # features without signal, 10 % minority: the loss falls to the prior's entropy by
    # predicting the majority for every row, and the plateau rule stops the fit
    X, y = _uninformative_imbalanced()
    params = {"hidden_layer_sizes": (4,), "tol": 1e-2, "n_iter_no_change": 3, "lr": 1e-2,
              "max_epochs": 200}
    fit = lambda: mlp(**params).fit(X, y)  # noqa: E731
    clf, found = _divergence_warnings(fit, CollapsedPredictionWarning)
    assert clf.n_iter_ < clf.max_epochs and clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert len(np.unique(clf.predict(X))) == 1
    assert len(found) == 1 and _divergence_warnings(fit)[1] == []
    message = str(found[0].message)
    assert "predicting one class" in message and "2 classes are present" in message
    assert "class_weight='balanced'" in message and "criterion='logit_adjusted'" in message
    assert "StandardScaler" not in message and "scale" not in message.lower()
    # the fix it names works
    balanced, found = _divergence_warnings(
        lambda: mlp(class_weight="balanced", **params).fit(X, y), ConvergenceWarning)
    assert found == [] and len(np.unique(balanced.predict(X))) == 2


def test_loss_that_rises_tenfold_warns_even_if_classes_survive():
    # scaled wine, lr=10: the loss ends ~1e2-1e4 above its start of ~1.1
    X, y = _scaled(load_wine)
    clf, found = _divergence_warnings(lambda: mlp(lr=10.0, max_epochs=3).fit(X, y))
    assert len(found) == 1
    assert "the fit diverged" in str(found[0].message)
    assert clf.loss_curve_[-1] > 10 * clf.net_.history[0]["batches"][0]["train_loss"]


def test_warm_start_continuation_of_a_good_fit_warns_nothing(small_iris):
    X, y = small_iris
    estimator = net(lr=0.1, max_epochs=30, warm_start=True)
    estimator.fit(X, y)
    _, found = _divergence_warnings(lambda: estimator.fit(X, y))
    assert found == []
    # partial_fit is checked against its own first batch, not the first fit's
    _, found = _divergence_warnings(lambda: estimator.partial_fit(X, y))
    assert found == []


def test_divergence_in_partial_fit_is_reported(small_iris):
    X, y = small_iris
    estimator = net(lr=0.1, max_epochs=10).fit(X, y)
    estimator.set_params(lr=1e6)
    estimator.initialize_optimizer()
    _, found = _divergence_warnings(lambda: estimator.partial_fit(X, y))
    assert len(found) == 1 and "lr=1000000.0" in str(found[0].message)


class RecordEvalRows(torch.nn.Module):
    """A linear module that records the number of rows of each forward without grad."""

    def __init__(self, n_features=4, n_classes=2):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, n_classes)
        self.eval_rows = []

    def forward(self, X):
        if not torch.is_grad_enabled():
            self.eval_rows.append(X.shape[0])
        return self.linear(X)


def test_collapse_check_predicts_on_a_capped_subsample():
    rng = np.random.RandomState(0)
    X = rng.randn(3 * MAX_ROWS, 4).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    estimator = WeightedNeuralNetClassifier(
        RecordEvalRows, lr=1e6, max_epochs=2, batch_size=512, train_split=None,
        random_state=0, verbose=0,
    )
    _, found = _divergence_warnings(lambda: estimator.fit(X, y))
    assert len(found) == 1
    # one forward pass without gradients (the check), on at most MAX_ROWS rows
    assert estimator.module_.eval_rows == [MAX_ROWS]
    assert estimator.module_.training  # the check restored the training mode


def test_converging_fit_runs_no_extra_forward_pass(small_iris):
    X, y = small_iris
    estimator = WeightedNeuralNetClassifier(
        RecordEvalRows, module__n_classes=3, lr=0.1, max_epochs=10, train_split=None,
        random_state=0, verbose=0,
    )
    _, found = _divergence_warnings(lambda: estimator.fit(X, y))
    assert found == [] and estimator.module_.eval_rows == []


def test_check_does_not_change_the_model(small_iris, monkeypatch):
    # the collapse check's forward pass changes neither the weights nor the module mode
    X, y = small_iris
    checked, found = _divergence_warnings(lambda: net(lr=1e6, max_epochs=3).fit(X, y))
    assert len(found) == 1
    monkeypatch.setattr(training, "check_divergence", lambda *args, **kwargs: None)
    unchecked, found = _divergence_warnings(lambda: net(lr=1e6, max_epochs=3).fit(X, y))
    assert found == []
    for key, value in checked.module_.state_dict().items():
        assert torch.equal(value, unchecked.module_.state_dict()[key])
    assert checked.module_.training == unchecked.module_.training
