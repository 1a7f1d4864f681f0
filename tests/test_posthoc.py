"""Post-hoc logit adjustment: the ``posthoc_tau`` parameter of both classifiers and
:class:`~sklweight.TunedPosthocTauClassifierCV`, which chooses tau without refitting."""

import warnings

import numpy as np
import pytest
import sklearn
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV, GroupKFold, StratifiedShuffleSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import TunedPosthocTauClassifierCV, WeightedMLPClassifier
from sklweight import WeightedNeuralNetClassifier as Net
from sklweight.utils._validation import InvalidParameterError


def _mlp(**kwargs):
    return WeightedMLPClassifier(
        **{"hidden_layer_sizes": (16,), "max_epochs": 15, "lr": 1e-2, "random_state": 0,
           **kwargs}
    )


def _net(**kwargs):
    return Net(
        **{"module": torch.nn.Linear, "module__in_features": 8, "module__out_features": 3,
           "max_epochs": 10, "lr": 0.1, "train_split": None, "random_state": 0,
           "verbose": 0, **kwargs}
    )


both = pytest.mark.parametrize("make", [_mlp, _net], ids=["mlp", "net"])


@pytest.fixture(scope="module")
def data(imbalanced):
    """Three classes 70/20/10, scaled, float32 (300 rows, 8 features)."""
    X, y = imbalanced
    return StandardScaler().fit_transform(X).astype(np.float32), y


def _expected(proba, counts, tau):
    """softmax(log p - tau log prior), written out."""
    scores = np.log(proba) - tau * np.log(np.asarray(counts) / np.sum(counts))
    scores -= scores.max(axis=1, keepdims=True)
    return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)


# ------------------------------------------------------------------ posthoc_tau
@both
@pytest.mark.parametrize("off", [None, 0, 0.0])
def test_off_gives_exactly_the_unadjusted_predictions(make, data, off):
    X, y = data
    plain = make().fit(X, y)
    adjusted = make(posthoc_tau=off).fit(X, y)
    np.testing.assert_array_equal(adjusted.predict_proba(X), plain.predict_proba(X))
    np.testing.assert_array_equal(adjusted.predict(X), plain.predict(X))


@both
@pytest.mark.parametrize("criterion", ["cross_entropy", "logit_adjusted", "focal"])
def test_adjustment_uses_the_sample_weighted_training_prior(make, data, criterion):
    # the weights make class 2 the most frequent by weight: the prior must follow them
    X, y = data
    weight = np.where(y == 2, 9.0, 1.0)
    plain = make(criterion=criterion).fit(X, y, sample_weight=weight)
    adjusted = make(criterion=criterion, posthoc_tau=1.0).fit(X, y, sample_weight=weight)
    counts = np.array([weight[y == c].sum() for c in range(3)])
    np.testing.assert_allclose(adjusted.net_.class_counts_ if hasattr(adjusted, "net_")
                               else adjusted.class_counts_, counts)
    proba = adjusted.predict_proba(X)
    # logit_adjusted: the loss's own adjustment and the post-hoc one add up, i.e. the
    # post-hoc rule applies on top of the logit-adjusted model's probabilities
    np.testing.assert_allclose(proba, _expected(plain.predict_proba(X), counts, 1.0),
                               rtol=1e-4, atol=1e-6)
    unweighted = np.bincount(y)
    assert not np.allclose(proba, _expected(plain.predict_proba(X), unweighted, 1.0),
                           atol=1e-3)


@both
@pytest.mark.parametrize("tau", [0.5, 1.0, 2.0])
def test_adjusted_probabilities_sum_to_one(make, data, tau):
    X, y = data
    clf = make(posthoc_tau=tau).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_adjustment_raises_the_recall_of_the_rare_class(data):
    X, y = data
    plain = _mlp().fit(X, y).predict(X)
    adjusted = _mlp(posthoc_tau=2.0).fit(X, y).predict(X)
    assert (adjusted == 2).sum() > (plain == 2).sum()


def test_mlp_log_proba_is_the_log_of_the_adjusted_proba(data):
    X, y = data
    clf = _mlp(posthoc_tau=1.0).fit(X, y)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))


def test_module_trained_with_nll_loss_is_adjusted_from_its_probabilities(data):
    # the module outputs probabilities: the rule applies to their logarithm
    X, y = data
    def make(**kwargs):
        torch.manual_seed(0)  # a module instance is initialised outside the seeded fit
        module = torch.nn.Sequential(torch.nn.Linear(8, 3), torch.nn.Softmax(dim=-1))
        return Net(module, criterion=torch.nn.NLLLoss, max_epochs=10, lr=0.1,
                   train_split=None, random_state=0, **kwargs)

    proba = make().fit(X, y).predict_proba(X)
    adjusted = make(posthoc_tau=1.5).fit(X, y)
    np.testing.assert_allclose(adjusted.predict_proba(X),
                               _expected(proba, np.bincount(y), 1.5), rtol=1e-4, atol=1e-6)


@both
def test_negative_tau_is_rejected_at_fit(make, data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="'posthoc_tau' parameter"):
        make(posthoc_tau=-1.0).fit(X, y)


@both
def test_clone_and_grid_search_over_tau(make, data):
    X, y = data
    clf = make(posthoc_tau=0.5)
    assert clone(clf).get_params()["posthoc_tau"] == 0.5
    search = GridSearchCV(clf, {"posthoc_tau": [None, 1.0]}, cv=2,
                          scoring="balanced_accuracy").fit(X, y)
    assert search.best_params_["posthoc_tau"] in (None, 1.0)
    assert search.best_estimator_.posthoc_tau == search.best_params_["posthoc_tau"]
    assert not np.isnan(search.cv_results_["mean_test_score"]).any()


# ------------------------------------------------------------------ TunedPosthocTauCV
def test_prefit_scores_the_taus_on_the_given_rows_without_training(data):
    X, y = data
    fitted = _mlp().fit(X[:200], y[:200])
    weights = fitted.net_.module_.state_dict()["0.weight"].clone()
    taus = [0.0, 0.5, 1.0, 2.0]
    tuned = TunedPosthocTauClassifierCV(fitted, taus=taus, cv="prefit", refit=False,
                                        store_cv_results=True).fit(X[200:], y[200:])
    assert tuned.estimator_ is fitted
    torch.testing.assert_close(fitted.net_.module_.state_dict()["0.weight"], weights)
    proba = fitted.predict_proba(X[200:])
    manual = [
        balanced_accuracy_score(y[200:], _expected(proba, fitted.class_counts_, t).argmax(1))
        for t in taus
    ]
    np.testing.assert_allclose(tuned.cv_results_["scores"], manual)
    assert tuned.best_tau_ == taus[int(np.argmax(manual))]
    np.testing.assert_allclose(
        tuned.predict_proba(X[200:]), _expected(proba, fitted.class_counts_, tuned.best_tau_),
        rtol=1e-5, atol=1e-7,
    )


def test_single_split_without_refit_equals_the_parameter_on_that_split(data):
    # one network fit in total; the result is the classifier with posthoc_tau=best_tau_
    X, y = data
    model = make_pipeline(StandardScaler(), _mlp())
    tuned = TunedPosthocTauClassifierCV(model, taus=[0.0, 1.0, 2.0], cv=0.3, refit=False,
                                        random_state=0).fit(X, y)
    train, _ = next(StratifiedShuffleSplit(1, test_size=0.3, random_state=0).split(X, y))
    direct = make_pipeline(StandardScaler(), _mlp(posthoc_tau=tuned.best_tau_))
    direct.fit(X[train], y[train])
    np.testing.assert_allclose(tuned.predict_proba(X), direct.predict_proba(X),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(tuned.class_counts_, np.bincount(y[train]))


def test_folds_then_refit_on_all_rows_with_routed_sample_weight(data):
    X, y = data
    weight = np.where(y == 0, 0.5, 1.0)
    model = make_pipeline(StandardScaler(), _mlp())
    tuned = TunedPosthocTauClassifierCV(model, taus=[0.0, 1.0], cv=2, store_cv_results=True)
    tuned.fit(X, y, weightedmlpclassifier__sample_weight=weight)
    assert tuned.cv_results_["scores"].shape == (2,)
    assert tuned.best_score_ == tuned.cv_results_["scores"].max()
    # refitted on every row, with the weights: the prior is the weighted count of all rows
    np.testing.assert_allclose(tuned.class_counts_,
                               [weight[y == c].sum() for c in range(3)])
    assert tuned.n_features_in_ == 8
    np.testing.assert_allclose(tuned.predict_proba(X).sum(axis=1), 1.0, rtol=1e-6)


class _RecordingLR(LogisticRegression):
    """LogisticRegression that keeps the sample weights its fit received."""

    def fit(self, X, y, sample_weight=None):
        self.seen_weight_ = sample_weight
        return super().fit(X, y, sample_weight=sample_weight)


def test_metadata_routing_sends_requested_weights_to_each_split_fit(data):
    X, y = data
    weight = np.linspace(0.5, 1.5, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = _RecordingLR().set_fit_request(sample_weight=True)
        tuned = TunedPosthocTauClassifierCV(estimator, taus=[0.0, 1.0], cv=0.3,
                                            refit=False, random_state=0)
        tuned.fit(X, y, sample_weight=weight)
    (train, _), = StratifiedShuffleSplit(1, test_size=0.3, random_state=0).split(X, y)
    np.testing.assert_array_equal(tuned.estimator_.seen_weight_, weight[train])
    np.testing.assert_allclose(tuned.class_counts_,
                               [weight[train][y[train] == c].sum() for c in range(3)])


def test_metadata_routing_sends_groups_to_the_splitter(data):
    X, y = data
    groups = np.arange(len(y)) % 6
    tuned = TunedPosthocTauClassifierCV(LogisticRegression(), taus=[0.0, 1.0],
                                        cv=GroupKFold(3))
    with sklearn.config_context(enable_metadata_routing=True):
        tuned.fit(X, y, groups=groups)
        with pytest.raises(ValueError, match="groups"):  # GroupKFold needs them
            clone(tuned).fit(X, y)
    assert tuned.best_tau_ in (0.0, 1.0)


def test_metadata_routing_refuses_unrequested_weights(data):
    X, y = data
    tuned = TunedPosthocTauClassifierCV(LogisticRegression(), taus=[0.0, 1.0], cv=2)
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(UnsetMetadataPassedError, match="sample_weight"):
            tuned.fit(X, y, sample_weight=np.ones(len(y)))


def test_estimator_without_class_counts_uses_the_weighted_frequencies_of_y(data):
    X, y = data
    weight = np.linspace(0.5, 1.5, len(y))
    tuned = TunedPosthocTauClassifierCV(LogisticRegression(), cv=0.5, refit=False,
                                        random_state=0).fit(X, y, sample_weight=weight)
    train, _ = next(StratifiedShuffleSplit(1, test_size=0.5, random_state=0).split(X, y))
    np.testing.assert_allclose(tuned.class_counts_,
                               [weight[train][y[train] == c].sum() for c in range(3)])


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"cv": "prefit", "refit": True}, ValueError, "refit must be False"),
        ({"cv": 3, "refit": False}, ValueError, "refit=False needs a single split"),
        ({"taus": [1.0, -1.0]}, ValueError, "'taus' parameter"),
        ({"taus": []}, ValueError, "'taus' parameter"),
        ({"cv": "prefit", "refit": False}, NotFittedError, "not fitted"),
    ],
)
def test_invalid_settings_raise(data, params, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        TunedPosthocTauClassifierCV(_mlp(), **params).fit(X, y)


def test_a_metric_warning_is_shown_once_not_once_per_tau(data):
    # the held-out rows have no row of class 2, which the adjusted model predicts
    X, y = data
    test = np.flatnonzero(y != 2)[:60]
    train = np.setdiff1d(np.arange(len(y)), test)
    tuned = TunedPosthocTauClassifierCV(LogisticRegression(), taus=[0.0, 2.0, 4.0, 8.0],
                                        cv=[(train, test)], refit=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tuned.fit(X, y)
    messages = [str(w.message) for w in caught if "not in y_true" in str(w.message)]
    assert len(messages) == 1


def test_prefit_needs_recorded_class_counts(data):
    X, y = data
    fitted = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="class_counts_"):
        TunedPosthocTauClassifierCV(fitted, cv="prefit", refit=False).fit(X, y)


@parametrize_with_checks(
    [TunedPosthocTauClassifierCV(LogisticRegression(), taus=(0.0, 1.0), cv=2)]
)
def test_estimator_checks(estimator, check):
    check(estimator)
