"""The same random_state gives the same model: twice in a row, in GridSearchCV with
n_jobs=1 and n_jobs=2 (processes), under joblib's threading backend and under joblib's
Dask backend on a distributed.LocalCluster (threads: the case where fits share one
process and its global torch RNG), and while an unseeded fit runs in another thread."""

import threading
import warnings

import joblib
import numpy as np
import pytest
import torch
from _estimators import net
from sklearn.model_selection import GridSearchCV

from sklweight import WeightedMLPClassifier

GRID = {"lr": [1e-2, 3e-2], "dropout": [0.0, 0.3]}


def _mlp(**kwargs):
    # dropout draws from the global torch RNG, the sampler and the shuffling from the
    # fit's own generator, early stopping's split from random_state: all three seeded
    return WeightedMLPClassifier(**{"hidden_layer_sizes": (8,), "max_epochs": 8,
                                    "random_state": 0, "sampler": "balanced", **kwargs})


def _state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _assert_same_model(a, b, X):
    sa, sb = _state(a), _state(b)
    assert sa.keys() == sb.keys()
    for key in sa:
        assert torch.equal(sa[key], sb[key]), key


@pytest.mark.parametrize("params", [
    {}, {"dropout": 0.3}, {"early_stopping": True, "n_iter_no_change": 2},
    {"random_state": np.random.RandomState(7)}, {"dtype": "float64", "class_weight": "balanced"},
], ids=["default", "dropout", "early-stopping", "RandomState", "float64"])
def test_mlp_same_seed_same_model(iris, params):
    X, y = iris
    first = _mlp(**params)
    second = _mlp(**{**params, **({"random_state": np.random.RandomState(7)}
                                  if "random_state" in params else {})})
    first.fit(X, y)
    second.fit(X, y)
    _assert_same_model(first.net_.module_, second.net_.module_, X)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.loss_curve_ == second.loss_curve_


def test_net_same_seed_same_model(small_iris):
    X, y = small_iris
    a = net(batch_size=8, iterator_train__shuffle=True, sampler="inverse").fit(X, y)
    b = net(batch_size=8, iterator_train__shuffle=True, sampler="inverse").fit(X, y)
    _assert_same_model(a.module_, b.module_, X)
    c = net(batch_size=8, iterator_train__shuffle=True, sampler="inverse",
            random_state=1).fit(X, y)
    assert not np.array_equal(c.predict_proba(X), a.predict_proba(X))  # the seed matters


def test_a_seeded_fit_leaves_the_global_rng_alone(iris):
    X, y = iris
    state = torch.get_rng_state()
    _mlp(dropout=0.3).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)


def _search(n_jobs):
    return GridSearchCV(_mlp(), GRID, cv=3, n_jobs=n_jobs)


@pytest.fixture(scope="module")
def reference(iris):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _search(1).fit(X, y)


def _assert_same_search(search, reference, X):
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(search.cv_results_[key], reference.cv_results_[key])
    for key in ("split0_test_score", "split1_test_score", "split2_test_score"):
        np.testing.assert_array_equal(search.cv_results_[key], reference.cv_results_[key])
    np.testing.assert_array_equal(search.predict_proba(X), reference.predict_proba(X))


def test_grid_search_with_two_processes_equals_one(iris, reference):
    X, y = iris
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _assert_same_search(_search(2).fit(X, y), reference, X)


def test_grid_search_in_threads_equals_the_sequential_run(iris, reference):
    # threads share torch's global RNG: seeded fits take turns (sklweight/_net/seeding.py)
    X, y = iris
    with warnings.catch_warnings(), joblib.parallel_backend("threading", n_jobs=4):
        warnings.simplefilter("ignore")
        _assert_same_search(_search(4).fit(X, y), reference, X)


def test_grid_search_on_a_dask_local_cluster_equals_the_local_run(iris, reference):
    distributed = pytest.importorskip("distributed")
    X, y = iris
    # threads in one process (starts in a fraction of a second; a process-based cluster
    # takes tens of seconds to import torch in its workers on a loaded 2-core machine)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=4, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(2):  # and again: the same both times
            with joblib.parallel_backend("dask"):
                search = _search(-1).fit(X, y)
            _assert_same_search(search, reference, X)


def test_a_seeded_fit_is_reproducible_while_an_unseeded_fit_runs_in_a_thread(iris):
    # the unseeded fit draws from torch's global RNG (initialisation, dropout, shuffle):
    # every fit takes the same lock, so it cannot draw from the seeded fit's stream
    X, y = iris
    reference = _mlp(dropout=0.3).fit(X, y)
    stop = threading.Event()
    errors = []

    def unseeded_fits():
        try:
            while not stop.is_set():
                _mlp(dropout=0.3, random_state=None, max_epochs=2).fit(X, y)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=unseeded_fits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        thread.start()
        try:
            for _ in range(3):
                again = _mlp(dropout=0.3).fit(X, y)
                _assert_same_model(again.net_.module_, reference.net_.module_, X)
                assert again.loss_curve_ == reference.loss_curve_
        finally:
            stop.set()
            thread.join()
    assert errors == []
