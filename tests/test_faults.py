"""Interrupts and faults: Ctrl-C wherever it lands keeps the last finished epoch
and is re-raised; nothing the user passed is changed, a module instance included.

tests/_net/test_training.py covers Ctrl-C from a callback's ``on_batch_end`` and from the
loss, the NaN-loss error and skorch's EarlyStopping; this file adds the module's forward
pass, the validation pass, a callback's scoring, grid searches, the history, and the
objects a fit must not touch.
"""

import copy

import numpy as np
import pytest
import torch
from _estimators import N_CLASSES, N_FEATURES, mlp, net
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback, EpochScoring
from skorch.dataset import ValidSplit

from sklweight import WeightedNeuralNetClassifier
from sklweight._net import mlp_module
from sklweight.losses import FocalLoss, LDAMLoss


class InterruptAt(torch.nn.Module):
    """A linear module whose ``n``-th forward call raises KeyboardInterrupt (a Ctrl-C
    during a batch). ``calls`` counts the forward calls of all instances."""

    calls = 0
    interrupt_at = None

    def __init__(self, in_features=N_FEATURES, out_features=N_CLASSES):
        super().__init__()
        self.linear = torch.nn.Linear(in_features, out_features)

    def forward(self, X):
        type(self).calls += 1
        if type(self).calls == type(self).interrupt_at:
            raise KeyboardInterrupt
        return self.linear(X)


@pytest.fixture
def interrupt(monkeypatch):
    def arm(n):
        monkeypatch.setattr(InterruptAt, "calls", 0)
        monkeypatch.setattr(InterruptAt, "interrupt_at", n)
    return arm


def _same_weights(a, b):
    sa, sb = a.module_.state_dict(), b.module_.state_dict()
    return all(torch.equal(sa[k], sb[k]) for k in sa)


def test_ctrl_c_in_a_forward_pass_keeps_the_last_finished_epoch(small_iris, interrupt):
    X, y = small_iris  # 50 rows, batch 10: five forward calls an epoch
    interrupt(13)  # epoch 3, batch 3
    estimator = net(module=InterruptAt, batch_size=10, max_epochs=10)
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    interrupt(None)
    two = net(module=InterruptAt, batch_size=10, max_epochs=2).fit(X, y)
    assert _same_weights(estimator, two)
    np.testing.assert_array_equal(estimator.predict_proba(X), two.predict_proba(X))
    # the history ends where the weights do: a continuation counts on from epoch 2
    assert len(estimator.history) == 2
    assert list(estimator.history[:, "train_loss"]) == list(two.history[:, "train_loss"])


def test_ctrl_c_in_the_validation_pass_keeps_the_previous_epoch(small_iris, interrupt):
    X, y = small_iris
    split = ValidSplit(5, stratified=True)  # 40 train rows (4 batches), 10 valid (1)
    interrupt(10)  # epoch 2: four training batches, then the validation batch
    estimator = net(module=InterruptAt, batch_size=10, max_epochs=10, train_split=split)
    with pytest.raises(KeyboardInterrupt):
        estimator.fit(X, y)
    interrupt(None)
    one = net(module=InterruptAt, batch_size=10, max_epochs=1, train_split=split).fit(X, y)
    assert _same_weights(estimator, one)  # epoch 2's training steps were undone
    assert len(estimator.history) == 1


def _interrupting_score(at_epoch):
    def score(net, X, y):
        if len(net.history) == at_epoch:
            _deep_inside_scoring()
        return 0.0
    return score


def _deep_inside_scoring():
    raise KeyboardInterrupt  # as a Ctrl-C landing inside scikit-learn's scoring code


def test_ctrl_c_while_a_callback_scores_is_not_taken_for_early_stopping(small_iris):
    X, y = small_iris
    scoring = EpochScoring(_interrupting_score(3), on_train=True, name="score")
    estimator = net(batch_size=10, max_epochs=10, callbacks=[scoring])
    with pytest.raises(KeyboardInterrupt):  # skorch's swallowing would end the fit here
        estimator.fit(X, y)
    three = net(batch_size=10, max_epochs=3).fit(X, y)
    assert _same_weights(estimator, three)  # epoch 3 had finished training
    assert len(estimator.history) == 3


class StopAt(Callback):
    """skorch's idiom for stopping: raise KeyboardInterrupt in on_epoch_end."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise KeyboardInterrupt


def test_a_callback_that_stops_in_on_epoch_end_still_ends_the_fit_normally(small_iris):
    X, y = small_iris
    estimator = net(max_epochs=10, callbacks=[StopAt()]).fit(X, y)
    assert len(estimator.history) == 2


def test_ctrl_c_in_the_mlp_forward_pass(small_iris, monkeypatch):
    X, y = small_iris
    forward, calls = mlp_module.MLPModule.forward, []

    def interrupted(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:  # batch 25: two forward calls an epoch; epoch 3, batch 1
            raise KeyboardInterrupt
        return forward(self, *args, **kwargs)

    monkeypatch.setattr(mlp_module.MLPModule, "forward", interrupted)
    clf = mlp(batch_size=25, max_epochs=10)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    monkeypatch.setattr(mlp_module.MLPModule, "forward", forward)
    two = mlp(batch_size=25, max_epochs=2).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), two.predict_proba(X))
    assert clf.n_iter_ == 2 and clf.loss_curve_ == two.loss_curve_


def test_ctrl_c_stops_a_grid_search(small_iris, interrupt):
    # GridSearchCV's error_score catches Exceptions; a KeyboardInterrupt must get through
    X, y = small_iris
    interrupt(7)
    search = GridSearchCV(net(module=InterruptAt, batch_size=10),
                          {"lr": [0.1, 0.01]}, cv=2, error_score=np.nan)
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    assert InterruptAt.calls == 7  # it stopped at the interrupt, no further fit ran


# --------------------------------------------------------------------------- no mutation
def _params(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def test_a_module_instance_is_not_trained_in_place(small_iris):
    X, y = small_iris
    module = torch.nn.Linear(N_FEATURES, N_CLASSES)
    before = _params(module)
    estimator = WeightedNeuralNetClassifier(
        module, max_epochs=5, lr=0.5, train_split=None, verbose=0, random_state=0)
    first = estimator.fit(X, y).predict_proba(X)
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items())
    assert estimator.module_ is not module
    # so a second fit starts from the instance as it was passed, as a fit must
    np.testing.assert_array_equal(estimator.fit(X, y).predict_proba(X), first)
    assert all(torch.equal(before[k], v) for k, v in module.state_dict().items())


def test_warm_start_keeps_training_its_module(small_iris):
    X, y = small_iris
    module = torch.nn.Linear(N_FEATURES, N_CLASSES)
    estimator = WeightedNeuralNetClassifier(
        module, max_epochs=2, lr=0.5, train_split=None, verbose=0, warm_start=True)
    estimator.fit(X, y)
    after_first = _params(estimator.module_)
    estimator.fit(X, y)  # continues: the weights move on from the first fit's
    assert not all(torch.equal(after_first[k], v)
                   for k, v in estimator.module_.state_dict().items())
    assert len(estimator.history) == 4


@pytest.mark.parametrize("criterion", [
    FocalLoss(gamma=1.5, alpha=[0.2, 0.3, 0.5], weight=[1.0, 2.0, 1.0]),
    LDAMLoss(class_counts=[5.0, 1.0, 1.0]),
], ids=["focal", "ldam"])
def test_a_criterion_instance_is_not_changed(small_iris, criterion):
    # LDAM gets this fit's class counts: in a copy, not in the user's instance
    X, y = small_iris
    before = copy.deepcopy(criterion)
    for make in (mlp, net):
        make(criterion=criterion, class_weight="balanced").fit(X, y)
        assert vars(criterion).keys() == vars(before).keys()
        for key, value in criterion.state_dict().items():
            assert torch.equal(value, before.state_dict()[key]), key
        for key in ("gamma", "max_margin", "scale", "reduction", "training"):
            assert getattr(criterion, key, None) == getattr(before, key, None), key


def test_tensor_inputs_are_not_changed(small_iris):
    X, y = small_iris
    Xt, yt = torch.from_numpy(X.copy()), torch.from_numpy(y.copy())
    wt = torch.linspace(0.0, 2.0, len(y), dtype=torch.float64)
    copies = Xt.clone(), yt.clone(), wt.clone()
    net(class_weight={0: 1.0, 1: 2.0, 2: 3.0}).fit(Xt, yt, sample_weight=wt)
    for tensor, original in zip((Xt, yt, wt), copies, strict=True):
        assert torch.equal(tensor, original) and not tensor.requires_grad
