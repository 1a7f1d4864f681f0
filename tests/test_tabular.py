"""WeightedMLPClassifier's tabular parameters: num_embedding, n_bins, bin_strategy,
d_embedding and n_ensemble (embeddings fitted on the training rows only, the weight rules on the
ensemble, the members' mean, persistence, the estimator checks)."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import WeightedMLPClassifier, load, recipes, save
from sklweight._net.batching import WeightedInput
from sklweight._net.bins import fit_bins, quantile_bins
from sklweight._net.embeddings import FitEmbeddings
from sklweight._net.mlp_module import MLPModule
from sklweight._net.tabular_module import TabularModule
from sklweight.io import get_untrusted_types

TABULAR = {"num_embedding": "piecewise_linear", "n_bins": 6, "d_embedding": 4,
           "n_ensemble": 4}


def mlp(**kwargs):
    params = {"hidden_layer_sizes": (16,), "max_epochs": 15, "batch_size": 32,
              "random_state": 0, "n_iter_no_change": 100, **TABULAR}
    return WeightedMLPClassifier(**{**params, **kwargs})


def _bins(clf):
    emb = clf.net_.module_.embedding
    return emb.left, emb.width, emb.n_used


def _assert_same_bins(a, b):
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x, y)


def test_defaults_build_the_plain_mlp(imbalanced):
    X, y = imbalanced
    clf = WeightedMLPClassifier(max_epochs=2, random_state=0).fit(X, y)
    assert type(clf.net_.module_) is MLPModule
    assert not any(isinstance(cb, FitEmbeddings) for _, cb in clf.net_.callbacks_)


@pytest.mark.parametrize("params", [
    {"num_embedding": "piecewise_linear"}, {"num_embedding": "periodic"}, {"n_ensemble": 3},
])
def test_non_defaults_build_the_tabular_module(imbalanced, params):
    X, y = imbalanced
    clf = WeightedMLPClassifier(max_epochs=2, random_state=0, **params).fit(X, y)
    assert type(clf.net_.module_) is TabularModule
    assert clf.predict_proba(X).shape == (len(y), 3)


@pytest.mark.parametrize("strategy", ["quantile", "tree"])
def test_bins_come_from_the_rows_passed_to_fit(imbalanced, strategy):
    X, y = imbalanced
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    result = cross_validate(mlp(max_epochs=2, bin_strategy=strategy), X, y, cv=cv,
                            return_estimator=True, return_indices=True)
    for clf, train in zip(result["estimator"], result["indices"]["train"], strict=True):
        expected = fit_bins(torch.from_numpy(X[train]), 6, y=torch.from_numpy(y[train]),
                            strategy=strategy)
        _assert_same_bins(_bins(clf), expected)


def test_tree_bins_differ_from_quantile_bins_and_survive_save_load(imbalanced, tmp_path):
    X, y = imbalanced
    clf = mlp(max_epochs=2, bin_strategy="tree").fit(X, y)
    assert not torch.equal(_bins(clf)[0], _bins(mlp(max_epochs=2).fit(X, y))[0])
    save(clf, tmp_path / "model.skw")
    loaded = load(tmp_path / "model.skw")
    assert loaded.bin_strategy == "tree"
    _assert_same_bins(_bins(loaded), _bins(clf))
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_tree_bins_see_the_sample_weights(imbalanced):
    X, y = imbalanced
    w = np.random.RandomState(0).uniform(0.1, 2.0, len(y))
    a = mlp(max_epochs=1, bin_strategy="tree").fit(X, y, sample_weight=w)
    b = mlp(max_epochs=1, bin_strategy="tree").fit(X, y, sample_weight=5.0 * w)
    _assert_same_bins(_bins(a), _bins(b))
    expected = fit_bins(torch.from_numpy(X), 6, torch.from_numpy(w), torch.from_numpy(y),
                        "tree")
    _assert_same_bins(_bins(a), expected)


def test_two_valued_columns_are_fed_as_they_are(imbalanced, tmp_path):
    X, y = imbalanced
    X = np.column_stack([X, (X[:, 0] > 0).astype(X.dtype), np.ones(len(X))])
    clf = mlp(max_epochs=2).fit(X, y)
    n = X.shape[1]
    assert clf.net_.module_.hidden[0].in_features == (n - 2) * 4 + 2
    # the bins are the quantiles of the embedded columns of the rows passed to fit
    _assert_same_bins(_bins(clf), quantile_bins(torch.from_numpy(X[:, :n - 2]), 6))
    save(clf, tmp_path / "model.skw")
    loaded = load(tmp_path / "model.skw")
    assert loaded.net_.module_.hidden[0].in_features == (n - 2) * 4 + 2
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_auto_embedding_width_narrows_wide_tables(imbalanced):
    X, y = imbalanced
    wide = np.repeat(X, 10, axis=1) + np.arange(10 * X.shape[1]) * 1e-3  # 80 columns
    clf = mlp(max_epochs=1, d_embedding="auto").fit(wide, y)
    d = 512 // 80
    assert clf.net_.module_.embedding.weight.shape[-1] == d
    assert clf.net_.module_.hidden[0].in_features == wide.shape[1] * d
    narrow = mlp(max_epochs=1, d_embedding="auto").fit(X, y)
    assert narrow.net_.module_.embedding.weight.shape[-1] == 16


def test_bins_ignore_the_early_stopping_validation_rows(imbalanced, monkeypatch):
    X, y = imbalanced
    seen = {}
    fit_bins = FitEmbeddings.on_epoch_begin

    def spy(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        if getattr(self, "pending_", False):
            seen["train"], seen["valid"] = dataset_train.data, dataset_valid.data
        return fit_bins(self, net, dataset_train=dataset_train, **kwargs)

    monkeypatch.setattr(FitEmbeddings, "on_epoch_begin", spy)
    clf = mlp(max_epochs=3, early_stopping=True, validation_fraction=0.2).fit(X, y)
    train, valid = seen["train"], seen["valid"]
    assert len(train) + len(valid) == len(y) and len(valid) == 60
    assert not set(train.rows.tolist()) & set(valid.rows.tolist())
    _assert_same_bins(_bins(clf), quantile_bins(torch.from_numpy(X[train.rows.numpy()]), 6))
    assert not torch.allclose(_bins(clf)[0], quantile_bins(torch.from_numpy(X), 6)[0])


def test_bins_ignore_zero_weight_rows(imbalanced):
    X, y = imbalanced
    w = np.ones(len(y))
    w[::3] = 0.0
    a = mlp(max_epochs=2).fit(X, y, sample_weight=w)
    b = mlp(max_epochs=2).fit(X[w > 0], y[w > 0])
    _assert_same_bins(_bins(a), _bins(b))


# ---- the weight rules on the embedded ensemble (the user guide's "weight semantics")
def test_scaling_all_weights_changes_nothing(imbalanced):
    X, y = imbalanced
    w = np.random.RandomState(0).uniform(0.1, 2.0, len(y))
    a = mlp().fit(X, y, sample_weight=w)
    b = mlp().fit(X, y, sample_weight=8.0 * w)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-9, atol=1e-12)


def test_zero_weight_equals_removed_rows(imbalanced):
    X, y = imbalanced
    w = np.ones(len(y))
    w[::4] = 0.0
    a = mlp().fit(X, y, sample_weight=w).predict_proba(X)
    b = mlp().fit(X[w > 0], y[w > 0]).predict_proba(X)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("params", [TABULAR, {**TABULAR, "num_embedding": "periodic"}],
                         ids=["piecewise_linear", "periodic"])
def test_integer_weights_equal_repeated_rows_full_batch(imbalanced, params):
    X, y = imbalanced
    X, y = X[:60], y[:60]
    w = np.random.RandomState(1).randint(1, 4, len(y))
    full = {"batch_size": 10_000, "dtype": "float64", **params}
    a = mlp(**full).fit(X, y, sample_weight=w).predict_proba(X)
    b = mlp(**full).fit(np.repeat(X, w, axis=0), np.repeat(y, w)).predict_proba(X)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("normalization", ["global", "batch"])
def test_each_rows_loss_is_its_members_mean_weighted_as_one_row(imbalanced, normalization):
    X, y = imbalanced
    clf = mlp(class_weight="balanced", weight_normalization=normalization).fit(X, y)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    logits = clf.net_.module_(Xt)
    weight = torch.from_numpy(clf.class_weight_[y] / clf.class_weight_[y].mean())
    objective = clf.net_.get_loss(logits, yt, X=WeightedInput(Xt, weight), training=True)
    members = torch.stack([
        torch.nn.functional.cross_entropy(logits[:, i], yt, reduction="none")
        for i in range(logits.shape[1])
    ], dim=1)
    per_row = weight * members.mean(dim=1)
    expected = per_row.sum() / (weight.sum() if normalization == "batch" else len(y))
    torch.testing.assert_close(objective, expected)


def test_predict_proba_is_the_members_mean(imbalanced):
    X, y = imbalanced
    clf = mlp().fit(X, y)
    module = clf.net_.module_.eval()
    with torch.no_grad():
        expected = torch.softmax(module(torch.from_numpy(X)), dim=-1).mean(dim=1)
    np.testing.assert_allclose(clf.predict_proba(X), expected.numpy(), rtol=1e-12)


def test_posthoc_tau_applies_to_each_member(imbalanced):
    X, y = imbalanced
    clf = mlp(posthoc_tau=1.0).fit(X, y)
    with torch.no_grad():
        logits = clf.net_.module_.eval()(torch.from_numpy(X))
    prior = clf.class_counts_ / clf.class_counts_.sum()
    shifted = logits - torch.from_numpy(np.log(prior))
    expected = torch.softmax(shifted, dim=-1).mean(dim=1)
    np.testing.assert_allclose(clf.predict_proba(X), expected.numpy(), rtol=1e-10)


def test_random_state_makes_fits_identical(imbalanced):
    X, y = imbalanced
    a = mlp(max_epochs=3).fit(X, y).predict_proba(X)
    b = mlp(max_epochs=3).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_grid_search_tunes_the_new_parameters(imbalanced):
    X, y = imbalanced
    grid = GridSearchCV(mlp(max_epochs=2), {"num_embedding": [None, "piecewise_linear"],
                                            "n_ensemble": [1, 2]}, cv=2)
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4


@pytest.mark.parametrize("param, value", [
    ("num_embedding", "linear"), ("n_bins", 0), ("d_embedding", 0), ("n_ensemble", 0),
])
def test_invalid_values_are_refused_at_fit(imbalanced, param, value):
    X, y = imbalanced
    with pytest.raises(ValueError, match=f"The '{param}' parameter of WeightedMLPClassifier"):
        mlp(**{param: value}).fit(X, y)


@pytest.mark.parametrize("params", [TABULAR, {**TABULAR, "num_embedding": "periodic"}],
                         ids=["piecewise_linear", "periodic"])
def test_save_and_load_round_trip(imbalanced, tmp_path, params):
    X, y = imbalanced
    clf = mlp(max_epochs=3, **params).fit(X, y)
    path = tmp_path / "model.skw"
    save(clf, path)
    # the tabular module and its callback are sklweight's own: trusted without trusted=
    assert get_untrusted_types(path) == []
    loaded = load(path)
    for name in TABULAR:
        assert getattr(loaded, name) == getattr(clf, name)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    if params["num_embedding"] == "piecewise_linear":
        _assert_same_bins(_bins(loaded), _bins(clf))


@parametrize_with_checks([
    WeightedMLPClassifier(num_embedding="piecewise_linear", n_bins=4, d_embedding=3,
                          n_ensemble=3, max_epochs=30, random_state=0),
    WeightedMLPClassifier(num_embedding="periodic", d_embedding=3, n_ensemble=2,
                          max_epochs=60, random_state=0),
])
def test_estimator_checks_with_the_tabular_parameters(estimator, check):
    check(estimator)


# ---- recipes.tabular()
def test_tabular_recipe_sets_what_its_docstring_says():
    clf = recipes.tabular()
    assert type(clf) is WeightedMLPClassifier
    params, defaults = clf.get_params(), WeightedMLPClassifier().get_params()
    changed = {k for k in params if params[k] != defaults[k]}
    assert changed == {k for k, v in recipes.TABULAR.items() if v != defaults[k]}
    for name in changed:
        assert f"``{name}=" in recipes.tabular.__doc__
    assert recipes.tabular(n_ensemble=2, random_state=1).get_params()["n_ensemble"] == 2


def test_tabular_recipe_fits_in_a_pipeline(imbalanced):
    X, y = imbalanced
    model = make_pipeline(StandardScaler(), recipes.tabular(max_epochs=3, random_state=0))
    assert model.fit(X, y).predict_proba(X).shape == (len(y), 3)


# ---- early_stopping="auto"
def test_auto_early_stopping_splits_where_the_data_allow(imbalanced):
    X, y = imbalanced
    clf = mlp(early_stopping="auto", max_epochs=3).fit(X, y)
    assert clf.do_early_stopping_ and len(clf.validation_scores_) == clf.n_iter_
    y_single = y.copy()
    y_single[0] = 7  # a class of one row: no stratified split, the plateau rule instead
    clf = mlp(early_stopping="auto", max_epochs=3).fit(X, y_single)
    assert not clf.do_early_stopping_ and clf.validation_scores_ is None
    with pytest.raises(ValueError, match="early_stopping=False"):
        mlp(early_stopping=True, max_epochs=3).fit(X, y_single)


def test_auto_early_stopping_counts_rows_of_positive_weight(imbalanced):
    X, y = imbalanced
    w = np.ones(len(y))
    w[y == 2] = 0.0
    w[np.flatnonzero(y == 2)[0]] = 1.0  # class 2 keeps one row of positive weight
    clf = mlp(early_stopping="auto", max_epochs=3).fit(X, y, sample_weight=w)
    assert not clf.do_early_stopping_


@pytest.mark.parametrize("early_stopping", [True, False])
def test_boolean_early_stopping_is_recorded_as_given(imbalanced, early_stopping):
    X, y = imbalanced
    clf = mlp(early_stopping=early_stopping, max_epochs=2).fit(X, y)
    assert clf.do_early_stopping_ is early_stopping
