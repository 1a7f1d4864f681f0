"""Ensemble output (sklweight/_net/module_output.py): a module returning logits of shape
(n, k, C) trains on the mean of its members' per-row losses, weighted and normalised as
(n, C) output, and predicts the mean of its members' probabilities."""

import numpy as np
import pytest
import torch
from _estimators import N_CLASSES, N_FEATURES

from sklweight import WeightedNeuralNetClassifier
from sklweight._net.batching import WeightedInput
from sklweight._net.weighting import batch_objective
from sklweight.losses import FocalLoss, weighted_cross_entropy_loss

K = 3  # members


class Members(torch.nn.Module):
    """``k`` linear heads: logits of shape (n, k, C)."""

    def __init__(self, k=K):
        super().__init__()
        self.heads = torch.nn.ModuleList(
            torch.nn.Linear(N_FEATURES, N_CLASSES, dtype=torch.float64) for _ in range(k))

    def forward(self, X):
        return torch.stack([head(X) for head in self.heads], dim=1)


class OneMember(torch.nn.Module):
    """A plain linear module whose (n, C) logits are returned as (n, 1, C)."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(N_FEATURES, N_CLASSES, dtype=torch.float64)

    def forward(self, X):
        return self.linear(X).unsqueeze(1)


def _net(module=Members, **kwargs):
    params = {"max_epochs": 4, "lr": 0.1, "batch_size": 16, "train_split": None,
              "random_state": 0, "verbose": 0}
    return WeightedNeuralNetClassifier(module, **{**params, **kwargs})


@pytest.fixture
def batch():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(10, N_FEATURES, generator=gen, dtype=torch.float64)
    y = torch.randint(0, N_CLASSES, (10,), generator=gen)
    w = torch.rand(10, generator=gen, dtype=torch.float64) + 0.1
    return X, y, w


@pytest.mark.parametrize("normalization", ["global", "batch", "none"])
def test_the_row_loss_is_the_mean_of_the_members_losses(batch, normalization):
    X, y, w = batch
    net = _net(weight_normalization=normalization, classes=list(range(N_CLASSES)))
    net.initialize()
    logits = net.module_(X)
    assert logits.shape == (10, K, N_CLASSES)
    loss = net.get_loss(logits, y, X=WeightedInput(X, w), training=True)
    per_member = torch.stack([
        weighted_cross_entropy_loss(logits[:, m], y, reduction="none") for m in range(K)], dim=1)
    expected = batch_objective(per_member.mean(dim=1), w, normalization)
    torch.testing.assert_close(loss, expected)


def test_a_non_decomposable_loss_gets_each_members_row_weights(batch):
    X, y, w = batch
    net = _net(criterion="soft_f1", classes=list(range(N_CLASSES)))
    net.initialize()
    logits = net.module_(X)
    loss = net.get_loss(logits, y, X=WeightedInput(X, w), training=True)
    flat = net.criterion_(logits.reshape(-1, N_CLASSES), y.repeat_interleave(K),
                          sample_weight=w.repeat_interleave(K))
    torch.testing.assert_close(loss, flat * w.mean())


@pytest.mark.parametrize("tau", [None, 1.0])
def test_predict_proba_is_the_mean_of_the_members_softmax(small_iris, tau):
    X, y = small_iris
    net = _net(posthoc_tau=tau, criterion=FocalLoss).fit(X.astype(np.float64), y)
    proba = net.predict_proba(X.astype(np.float64))
    with torch.no_grad():
        logits = net.module_(torch.as_tensor(X, dtype=torch.float64))
    if tau is not None:  # post-hoc adjustment per member, before its softmax
        prior = torch.as_tensor(net.class_counts_ / net.class_counts_.sum())
        logits = logits - tau * torch.log(prior)
    expected = torch.softmax(logits, dim=-1).mean(dim=1).numpy()
    np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-15)
    assert proba.shape == (len(y), N_CLASSES)
    np.testing.assert_array_equal(net.predict(X.astype(np.float64)),
                                  net.classes_[proba.argmax(axis=1)])


def test_one_member_trains_exactly_as_two_dimensional_output(small_iris):
    X, y = small_iris
    X = X.astype(np.float64)
    w = np.linspace(0.2, 2.0, len(y))
    flat = _net(module=torch.nn.Linear, module__in_features=N_FEATURES,
                module__out_features=N_CLASSES, module__dtype=torch.float64,
                class_weight="balanced").fit(X, y, sample_weight=w)
    member = _net(module=OneMember, class_weight="balanced").fit(X, y, sample_weight=w)
    assert flat.history[:, "train_loss"] == member.history[:, "train_loss"]
    np.testing.assert_array_equal(flat.predict_proba(X), member.predict_proba(X))


def test_a_wrong_member_width_is_refused_with_the_fix(small_iris):
    X, y = small_iris

    class Wide(Members):
        def forward(self, X):
            return torch.cat([super().forward(X), super().forward(X)], dim=-1)

    with pytest.raises(ValueError, match="outputs 6 values per row but y has 3 classes"):
        _net(module=Wide).fit(X.astype(np.float64), y)
