"""CUDA: training and prediction on the GPU (skipped where there is none)."""

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
    original = TensorDataset.batch

    def spy(self, index):
        X_b, y_b = original(self, index)
        devices.add(y_b.device.type)
        return X_b, y_b

    monkeypatch.setattr(TensorDataset, "batch", spy)
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
