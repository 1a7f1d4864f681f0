"""The MLP module (sklweight/_net/mlp_module.py): Gaussian input noise while training only."""

import numpy as np
import pytest
import torch

from sklweight import WeightedMLPClassifier
from sklweight._net.mlp_module import GaussianNoise, MLPModule


def test_noise_layer_adds_noise_of_the_given_std_in_training_mode_only():
    layer = GaussianNoise(0.5)
    X = torch.zeros(20000, 4, dtype=torch.float64)
    torch.manual_seed(0)
    noisy = layer.train()(X)
    assert noisy.dtype == X.dtype
    assert abs(noisy.std().item() - 0.5) < 0.01
    assert abs(noisy.mean().item()) < 0.01
    assert layer.eval()(X) is X


def test_module_has_a_noise_layer_only_when_asked():
    plain = MLPModule(4, 3)
    noisy = MLPModule(4, 3, input_noise=0.3)
    assert not any(isinstance(m, GaussianNoise) for m in plain)
    assert isinstance(noisy[0], GaussianNoise) and noisy[0].std == 0.3
    assert len(noisy) == len(plain) + 1


@pytest.fixture(scope="module")
def data(iris):
    X, y = iris
    return X[::2].astype(np.float32), y[::2]


def _fit(X, y, **kwargs):
    params = {"hidden_layer_sizes": (8,), "max_epochs": 10, "lr": 1e-2, "random_state": 0}
    return WeightedMLPClassifier(**{**params, **kwargs}).fit(X, y)


def test_input_noise_is_off_at_predict_time(data):
    X, y = data
    clf = _fit(X, y, input_noise=1.0)
    first = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), first)
    # prediction is the eval-mode module: no noise layer acting
    with torch.no_grad():
        module = clf.net_.module_.eval()
        expected = torch.softmax(module(torch.from_numpy(X)), -1).numpy()
    np.testing.assert_allclose(first, expected, rtol=1e-6)


def test_input_noise_is_reproducible_under_random_state_and_acts(data):
    X, y = data
    first = _fit(X, y, input_noise=1.0).predict_proba(X)
    np.testing.assert_array_equal(_fit(X, y, input_noise=1.0).predict_proba(X), first)
    assert not np.allclose(_fit(X, y, input_noise=1.0, random_state=1).predict_proba(X),
                           first)
    assert not np.allclose(_fit(X, y).predict_proba(X), first)


def test_negative_noise_is_rejected(data):
    X, y = data
    with pytest.raises(ValueError, match="'input_noise' parameter"):
        _fit(X, y, input_noise=-0.1)
