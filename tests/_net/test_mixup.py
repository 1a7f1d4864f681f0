"""Mixup (sklweight/_net/mixup.py, applied by train_step_single in training.py): the mixed
batch, the weighted loss rule, training only."""

import numpy as np
import pytest
import torch

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight._net.batching import WeightedInput
from sklweight._net.mixup import mix_rows
from sklweight.losses import weighted_cross_entropy_loss


def test_mix_rows_mixes_each_row_with_a_permuted_partner():
    X = torch.arange(24, dtype=torch.float64).reshape(6, 4)
    torch.manual_seed(0)
    mixed, perm, lam = mix_rows(X, 0.4)
    assert sorted(perm.tolist()) == list(range(6))
    assert 0.0 <= lam <= 1.0
    torch.testing.assert_close(mixed, lam * X + (1 - lam) * X[perm])


def test_lambda_follows_the_beta_distribution():
    torch.manual_seed(0)
    lams = np.array([mix_rows(torch.zeros(2, 1), 0.2)[2] for _ in range(4000)])
    # Beta(0.2, 0.2): mean 1/2, variance 1 / (4 (2 alpha + 1)) = 0.179
    assert abs(lams.mean() - 0.5) < 0.03
    assert abs(lams.var() - 1 / (4 * 1.4)) < 0.02


def _initialised_net(normalization):
    net = WeightedNeuralNetClassifier(
        torch.nn.Linear, module__in_features=4, module__out_features=3,
        module__dtype=torch.float64, max_epochs=1, train_split=None,
        weight_normalization=normalization, random_state=0, verbose=0, mixup_alpha=0.5,
    )
    net.classes = [0, 1, 2]
    return net.initialize()


@pytest.mark.parametrize("normalization", ["global", "batch", "none"])
def test_the_loss_keeps_each_labels_row_weight(normalization):
    # lam L(f(x), y_i; w_i) + (1 - lam) L(f(x), y_j; w_j), every normalisation
    net = _initialised_net(normalization)
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(8, 4, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 3, (8,), generator=gen)
    w = torch.rand(8, generator=gen, dtype=torch.float64) + 0.1
    torch.manual_seed(5)
    loss = net.train_step_single((WeightedInput(X, w), y))["loss"]
    torch.manual_seed(5)
    mixed, perm, lam = mix_rows(X, 0.5)
    logits = net.module_(mixed)

    def batch_loss(target, weight):
        mean = weighted_cross_entropy_loss(logits, target, weight)  # sum(w l) / sum(w)
        return mean if normalization == "batch" else mean * weight.mean()

    expected = lam * batch_loss(y, w) + (1 - lam) * batch_loss(y[perm], w[perm])
    torch.testing.assert_close(loss, expected)


def test_a_dict_input_is_refused_with_the_fix():
    net = _initialised_net("global")
    X = {"a": torch.zeros(4, 4, dtype=torch.float64)}
    with pytest.raises(TypeError, match="mixup_alpha needs .* single tensor.*mixup_alpha=None"):
        net.train_step_single((X, torch.zeros(4, dtype=torch.int64)))


@pytest.fixture(scope="module")
def data(iris):
    X, y = iris
    return X[::2].astype(np.float32), y[::2]


def _fit(X, y, sample_weight=None, **kwargs):
    params = {"hidden_layer_sizes": (8,), "max_epochs": 10, "lr": 1e-2, "random_state": 0}
    return WeightedMLPClassifier(**{**params, **kwargs}).fit(X, y, sample_weight=sample_weight)


def test_mixup_is_reproducible_acts_and_is_off_at_predict_time(data):
    X, y = data
    w = np.linspace(0.2, 1.0, len(y))
    clf = _fit(X, y, w, mixup_alpha=0.4)
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), first)  # nothing random
    np.testing.assert_array_equal(_fit(X, y, w, mixup_alpha=0.4).predict_proba(X), first)
    assert not np.allclose(_fit(X, y, w, mixup_alpha=0.4, random_state=1).predict_proba(X),
                           first)
    assert not np.allclose(_fit(X, y, w).predict_proba(X), first)


class _AutocastProbe(torch.nn.Linear):
    """Records whether each training forward pass ran under CPU autocast."""

    seen = []

    def forward(self, X):
        if self.training:
            _AutocastProbe.seen.append(torch.is_autocast_enabled("cpu"))
        return super().forward(X)


def test_mixup_trains_under_mixed_precision(data):
    # the mixed step goes through the hot path's autocast (bf16 on the CPU)
    X, y = data
    _AutocastProbe.seen.clear()
    net = WeightedNeuralNetClassifier(
        _AutocastProbe, module__in_features=4, module__out_features=3, max_epochs=3,
        lr=0.1, train_split=None, random_state=0, verbose=0, mixup_alpha=0.4,
        precision="bf16",
    ).fit(X, y)
    assert _AutocastProbe.seen and all(_AutocastProbe.seen)
    assert np.isfinite(net.history[:, "train_loss"]).all()
    np.testing.assert_allclose(net.predict_proba(X).sum(axis=1), 1.0, rtol=1e-5)


def test_non_positive_alpha_is_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match="'mixup_alpha' parameter"):
        _fit(X, y, mixup_alpha=0.0)
