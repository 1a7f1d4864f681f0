"""CUDA: training and prediction on the GPU (skipped where there is none)."""

import warnings

import numpy as np
import pytest
import torch

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight._net.batching import TensorDataset

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"),
]


@pytest.mark.parametrize("sampler", [None, "balanced"])
def test_mlp_trains_and_predicts_on_cuda(imbalanced, monkeypatch, sampler):
    X, y = imbalanced
    devices = set()
    original = TensorDataset.fetch

    def spy(self, index, base_index):
        X_b, y_b = original(self, index, base_index)
        devices.add(y_b.device.type)
        return X_b, y_b

    monkeypatch.setattr(TensorDataset, "fetch", spy)
    w = np.random.RandomState(0).uniform(0.5, 1.5, len(y))
    clf = WeightedMLPClassifier(
        hidden_layer_sizes=(16,), device="cuda", max_epochs=10, random_state=0,
        criterion="logit_adjusted", class_weight="balanced", sampler=sampler,
    ).fit(X, y, sample_weight=w)
    # every batch was cut from tensors already on the GPU: the data moved once
    assert devices == {"cuda"}
    assert next(clf.net_.module_.parameters()).is_cuda
    proba = clf.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_net_criterion_buffers_follow_the_module(iris):
    X, y = iris
    net = WeightedNeuralNetClassifier(
        torch.nn.Linear, module__in_features=4, module__out_features=3, device="cuda",
        criterion="ldam", max_epochs=3, verbose=0,
    ).fit(X.astype(np.float32), y)
    assert all(b.is_cuda for b in net.criterion_.buffers())


def _sync_warnings(fit):
    """The number of host synchronisations torch reports while ``fit`` runs."""
    torch.cuda.set_sync_debug_mode("warn")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit()
    finally:
        torch.cuda.set_sync_debug_mode(0)
    return sum("synchroniz" in str(w.message) for w in caught)


def test_no_host_synchronisation_per_batch(imbalanced):
    X, y = imbalanced
    X = X.astype(np.float32)
    w = np.random.RandomState(0).uniform(0.5, 1.5, len(y))

    def fit(batch_size):
        net = WeightedNeuralNetClassifier(
            torch.nn.Linear, module__in_features=X.shape[1], module__out_features=3,
            device="cuda", batch_size=batch_size, max_epochs=8, train_split=None,
            verbose=0, iterator_train__shuffle=True, random_state=0,
        )
        return net, _sync_warnings(lambda: net.fit(X, y, sample_weight=w))

    small, many = fit(10)  # 8 epochs x 30 batches
    large, few = fit(100)  # 8 epochs x 3 batches
    # the same set-up and per-epoch reads; a read per batch would add ~216 to `many`
    assert many - few < 24, (many, few)
    rows = small.history[-1]["batches"]
    assert len(rows) == 30 and all(np.isfinite(r["train_loss"]) for r in rows)


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_trains_and_predicts_on_cuda(imbalanced, precision):
    X, y = imbalanced
    clf = WeightedMLPClassifier(
        hidden_layer_sizes=(16,), device="cuda", max_epochs=5, random_state=0,
        precision=precision, class_weight="balanced",
    ).fit(X.astype(np.float32), y)
    assert np.isfinite(clf.loss_curve_).all()
    proba = clf.predict_proba(X.astype(np.float32))
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    assert clf.net_.optimizer_.defaults.get("fused") is True  # Adam's CUDA kernel
