"""What the plateau stop watches (sklweight/_net/plateau.py): the raw training loss, or its
moving average when input noise or mixup make the epoch loss noisy by design."""

import numpy as np
import pytest

from sklweight import WeightedMLPClassifier
from sklweight._net.plateau import plateau_monitor


@pytest.mark.parametrize(
    "params, monitor",
    [
        ({}, "train_loss"),
        ({"dropout": 0.2}, "train_loss"),
        ({"input_noise": 0.5}, "train_loss_smoothed"),
        ({"mixup_alpha": 0.2}, "train_loss_smoothed"),
    ],
)
def test_the_monitored_key(params, monitor):
    assert plateau_monitor(WeightedMLPClassifier(**params))[0] == monitor


@pytest.fixture(scope="module")
def data(iris):
    X, y = iris
    return X[::2].astype(np.float32), y[::2]


def test_smoothed_loss_is_the_mean_of_the_last_n_iter_no_change_epochs(data):
    X, y = data
    clf = WeightedMLPClassifier(
        hidden_layer_sizes=(8,), input_noise=0.5, n_iter_no_change=4, max_epochs=12,
        random_state=0,
    ).fit(X, y)
    history = clf.net_.history
    losses = np.array(history[:, "train_loss"])
    expected = [losses[max(0, i - 3): i + 1].mean() for i in range(len(losses))]
    np.testing.assert_allclose(history[:, "train_loss_smoothed"], expected)


def test_the_stop_rule_reads_the_smoothed_loss(data):
    # patience 2 on the smoothed loss: training stops at the first epoch where the moving
    # average has not improved by tol for 2 epochs, whatever the raw loss does
    X, y = data
    clf = WeightedMLPClassifier(
        hidden_layer_sizes=(8,), input_noise=1.0, n_iter_no_change=2, tol=0.05,
        max_epochs=200, lr=1e-2, random_state=0,
    ).fit(X, y)
    smoothed = clf.net_.history[:, "train_loss_smoothed"]
    assert clf.n_iter_ == _stop_epoch(smoothed, tol=0.05, patience=2) < 200


def _stop_epoch(values, tol, patience):
    """skorch's EarlyStopping (lower is better, absolute threshold), written out."""
    best, stale = np.inf, 0
    for epoch, value in enumerate(values, 1):
        if value < best - tol:
            best, stale = value, 0
        else:
            stale += 1
        if stale >= patience:
            return epoch
    return len(values)
