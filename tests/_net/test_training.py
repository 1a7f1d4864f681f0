"""How a fit ends (sklweight/_net/training.py): a NaN/inf loss leaves the estimator unfitted,
Ctrl-C restores the last finished epoch and is re-raised, skorch's EarlyStopping still
ends training normally."""

import copy
import os
import signal
import threading

import numpy as np
import pytest
import torch
from _estimators import (
    N_CLASSES,
    N_FEATURES,
    both,
    mlp,
    net,
)
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback, EarlyStopping

from sklweight import (
    NonFiniteLossError,
    WeightedNeuralNetClassifier,
)
from sklweight._net.mlp_module import MLPModule
from sklweight.losses import WeightedCrossEntropyLoss


# --------------------------------------------------------------------------- NaN loss
class Poisonable(torch.nn.Module):
    """A linear module whose output becomes infinite once ``poisoned`` is set."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(N_FEATURES, N_CLASSES)
        self.poisoned = False

    def forward(self, X):
        out = self.linear(X)
        return out * float("inf") if self.poisoned else out


class PoisonAt(Callback):
    """Poison the module at the start of training batch ``batch`` of epoch ``epoch``."""

    def __init__(self, epoch, batch):
        self.epoch = epoch
        self.batch = batch

    def on_batch_begin(self, net, training=False, **kwargs):
        batches = len(net.history[-1]["batches"])  # skorch opened this batch already
        if training and len(net.history) == self.epoch and batches == self.batch:
            net.module_.poisoned = True


def _check_unfitted(estimator, X):
    with pytest.raises(NotFittedError):
        estimator.predict(X)
    with pytest.raises(NotFittedError):
        estimator.predict_proba(X)


def test_non_finite_loss_names_epoch_and_batch_and_leaves_net_unfitted(small_iris):
    X, y = small_iris
    estimator = WeightedNeuralNetClassifier(
        Poisonable, batch_size=10, max_epochs=6, lr=0.1, train_split=None, random_state=0,
        verbose=0, callbacks=[PoisonAt(3, 2)],
    )
    with pytest.raises(NonFiniteLossError, match="epoch 3, batch 2") as info:
        estimator.fit(X, y)
    assert isinstance(info.value, FloatingPointError)
    assert "lower learning rate" in str(info.value)
    assert "lr=0.1" in str(info.value)
    _check_unfitted(estimator, X)
    assert not estimator.initialized_
    # the estimator is usable again: a new fit starts from scratch
    estimator.set_params(callbacks=[])
    assert np.isfinite(estimator.fit(X, y).predict_proba(X)).all()


@both
def test_non_finite_loss_from_extreme_features(small_iris, make):
    X, y = small_iris
    huge = X * np.float32(1e30)  # finite in float32; the loss is not after one step
    estimator = make(lr=1e12, max_epochs=20)
    with pytest.raises(NonFiniteLossError, match=r"epoch \d+, batch \d+.*lower learning rate"):
        estimator.fit(huge, y)
    _check_unfitted(estimator, X)


@both
def test_non_finite_loss_unfits_a_previously_fitted_estimator(small_iris, make):
    X, y = small_iris
    estimator = make(max_epochs=20).fit(X, y)
    assert estimator.predict(X).shape == y.shape
    estimator.set_params(lr=1e12)
    with pytest.raises(NonFiniteLossError):
        estimator.fit(X * np.float32(1e30), y)
    _check_unfitted(estimator, X)  # the earlier fit does not survive half-overwritten
    if make is mlp:
        assert not hasattr(estimator, "n_features_in_")
        assert not hasattr(estimator, "classes_")


def test_non_finite_loss_with_huge_learning_rate(small_iris):
    X, y = small_iris
    estimator = net(lr=1e12, max_epochs=20)
    with pytest.raises(NonFiniteLossError, match="lower learning rate"):
        estimator.fit(X * np.float32(1e20), y)
    _check_unfitted(estimator, X)


# --------------------------------------------------------------------------- KeyboardInterrupt
class RecordEpochs(Callback):
    """Keep a copy of the module's weights at the end of every epoch."""

    def initialize(self):
        self.states = {}
        return self

    def on_train_begin(self, net, **kwargs):
        self.states[0] = copy.deepcopy(net.module_.state_dict())

    def on_epoch_end(self, net, **kwargs):
        self.states[len(net.history)] = copy.deepcopy(net.module_.state_dict())


class InterruptAt(Callback):
    """Raise KeyboardInterrupt (a user's Ctrl-C) at the end of a training batch."""

    def __init__(self, epoch, batch):
        self.epoch = epoch
        self.batch = batch

    def on_batch_end(self, net, training=False, **kwargs):
        batches = len(net.history[-1]["batches"])
        if training and len(net.history) == self.epoch and batches == self.batch:
            raise KeyboardInterrupt


def test_keyboard_interrupt_restores_last_epoch_and_reraises(small_iris):
    X, y = small_iris
    record = RecordEpochs()
    estimator = net(batch_size=10, max_epochs=10, callbacks=[record, InterruptAt(3, 2)])
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(y)))
    assert sorted(record.states) == [0, 1, 2]
    state = estimator.module_.state_dict()
    for key, value in record.states[2].items():
        torch.testing.assert_close(state[key], value, rtol=0, atol=0)
    proba = estimator.predict_proba(X)
    assert np.isfinite(proba).all()
    assert set(estimator.predict(X)) <= {0, 1, 2}
    # weights after epoch 3's first batches would differ: the restore did something
    assert not torch.equal(state["weight"], record.states[1]["weight"])


def test_keyboard_interrupt_in_first_epoch_keeps_initial_weights(small_iris):
    X, y = small_iris
    record = RecordEpochs()
    estimator = net(batch_size=10, max_epochs=10, callbacks=[record, InterruptAt(1, 3)])
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    assert sorted(record.states) == [0]  # no epoch finished: back to the initial weights
    for key, value in estimator.module_.state_dict().items():
        torch.testing.assert_close(value, record.states[0][key], rtol=0, atol=0)
    assert np.isfinite(estimator.predict_proba(X)).all()


class InterruptingLoss(WeightedCrossEntropyLoss):
    """Cross-entropy that raises KeyboardInterrupt on its ``interrupt_at``-th call."""

    calls = 0
    interrupt_at = None

    def forward(self, logits, target, sample_weight=None):
        type(self).calls += 1
        if type(self).calls == type(self).interrupt_at:
            raise KeyboardInterrupt
        return super().forward(logits, target, sample_weight)


def test_keyboard_interrupt_in_mlp_keeps_it_usable(small_iris, monkeypatch):
    X, y = small_iris
    # batch_size=25: two batches per epoch; the 6th call is epoch 3, batch 2
    monkeypatch.setattr(InterruptingLoss, "calls", 0)
    monkeypatch.setattr(InterruptingLoss, "interrupt_at", 6)
    clf = mlp(criterion=InterruptingLoss, batch_size=25, max_epochs=10)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all()
    # the weights are those after epoch 2: a 2-epoch fit with the same seed agrees
    monkeypatch.setattr(InterruptingLoss, "interrupt_at", None)
    two = mlp(criterion=InterruptingLoss, batch_size=25, max_epochs=2).fit(X, y)
    np.testing.assert_allclose(proba, two.predict_proba(X), rtol=1e-6)


def test_skorch_early_stopping_still_ends_training_normally(small_iris):
    X, y = small_iris
    stop = EarlyStopping(monitor="train_loss", patience=2, threshold=1.0)
    estimator = net(batch_size=10, max_epochs=50, callbacks=[stop])
    estimator.fit(X, y)  # EarlyStopping raises KeyboardInterrupt inside: not re-raised
    assert len(estimator.history) == 3
    assert np.isfinite(estimator.predict_proba(X)).all()


# --------------------------------------------------------------------------- a real Ctrl-C
class SigintAt(Callback):
    """Send SIGINT to this process from ``on_epoch_end`` of epoch ``epoch``: the
    ``KeyboardInterrupt`` arrives while a callback's ``on_epoch_end`` runs."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            os.kill(os.getpid(), signal.SIGINT)


def _default_sigint():
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) is signal.default_int_handler)


@pytest.mark.skipif(not _default_sigint(), reason="needs Python's SIGINT handler")
def test_a_real_sigint_in_a_callbacks_on_epoch_end_propagates(small_iris):
    X, y = small_iris
    estimator = net(batch_size=10, max_epochs=10, callbacks=[SigintAt(3)])
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    # the net snapshots an epoch before its callbacks run: epoch 3 had finished
    assert len(estimator.history) == 3
    three = net(batch_size=10, max_epochs=3).fit(X, y)
    np.testing.assert_array_equal(estimator.predict_proba(X), three.predict_proba(X))


@pytest.mark.skipif(not _default_sigint(), reason="needs Python's SIGINT handler")
@pytest.mark.parametrize("at_call", [1, 4])
def test_a_real_sigint_propagates_through_the_mlp(small_iris, at_call):
    X, y = small_iris  # 50 rows: one batch, one forward pass of the MLP an epoch
    clf = mlp(max_epochs=10)  # it takes no callbacks: the signal comes from a forward hook
    calls = []

    def interrupt(module, args, output):
        if isinstance(module, MLPModule):
            calls.append(1)
            if len(calls) == at_call:
                os.kill(os.getpid(), signal.SIGINT)

    hook = torch.nn.modules.module.register_module_forward_hook(interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y)
    finally:
        hook.remove()
    # usable, with the weights of the last finished epoch (the initial ones in epoch 1)
    assert clf.n_iter_ == at_call - 1 and len(clf.loss_curve_) == at_call - 1
    assert np.isfinite(clf.predict_proba(X)).all()


class StopFromAHelper(Callback):
    """``on_epoch_end`` calls code that raises KeyboardInterrupt: not a stop request."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            _interrupted()


def _interrupted():
    raise KeyboardInterrupt


class StopRequest(Callback):
    """skorch's protocol: ``raise KeyboardInterrupt`` in the callback's own on_epoch_end."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise KeyboardInterrupt


def test_only_a_callbacks_own_raise_is_a_stop_request(small_iris):
    X, y = small_iris
    stopped = net(batch_size=10, max_epochs=10, callbacks=[StopRequest()]).fit(X, y)
    assert len(stopped.history) == 2  # ended normally, as skorch's EarlyStopping does
    with pytest.raises(KeyboardInterrupt):
        net(batch_size=10, max_epochs=10, callbacks=[StopFromAHelper()]).fit(X, y)
