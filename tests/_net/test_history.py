"""sklweight/_net/history.py: FastHistory reads and writes as skorch's History; the
per-epoch callbacks' twins record what skorch's record and print only when shown."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier
from skorch.history import History

from sklweight import WeightedNeuralNetClassifier
from sklweight._net.history import FastHistory


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 5).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 1)


def _net(cls=WeightedNeuralNetClassifier, **kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": 5, "module__out_features": 3,
        "max_epochs": 3, "lr": 0.1, "batch_size": 16, "optimizer": torch.optim.Adam,
        "verbose": 0,
    }
    return cls(**{**params, **kwargs})


def test_fast_history_reads_and_writes_as_skorch_history():
    fast, stock = FastHistory(), History()
    for history in (fast, stock):
        for epoch in range(3):
            history.new_epoch()
            history.record("epoch", epoch + 1)
            for batch in range(2):
                history.new_batch()
                history.record_batch("train_loss", epoch + batch / 10)
            history.record("train_loss", float(epoch))
    assert list(fast) == list(stock)
    for index in [-1, 0, (-1, "train_loss"), (0, "epoch"), (slice(None), "train_loss"),
                  (-1, "batches", -1, "train_loss"), (-1, "batches", slice(None), "train_loss")]:
        assert fast[index] == stock[index]
    for history in (fast, stock):
        with pytest.raises(KeyError, match="Key 'missing' was not found in history"):
            history[-1, "missing"]
        with pytest.raises(IndexError):
            history[7]


def test_a_fitted_net_keeps_a_fast_history():
    X, y = _data()
    net = _net(train_split=None).fit(X, y)
    assert isinstance(net.history, FastHistory)
    assert net.history[-1, "epoch"] == 3 and len(net.history[:, "train_loss"]) == 3


def test_epoch_losses_are_skorchs_batch_size_weighted_means():
    X, y = _data()
    net = _net(train_split=None).fit(X, y)  # 60 rows at 16: batches of 16, 16, 16, 12
    for row in net.history:
        sizes = [b["train_batch_size"] for b in row["batches"]]
        losses = [b["train_loss"] for b in row["batches"]]
        assert sizes == [16, 16, 16, 12]
        assert row["train_loss"] == pytest.approx(np.average(losses, weights=sizes), rel=1e-12)
    with_split = _net().fit(X, y)  # skorch's default ValidSplit(5)
    assert all("valid_loss" in row and "valid_loss_best" in row for row in with_split.history)


def test_the_epoch_table_prints_as_skorchs_when_verbose(capsys):
    X, y = _data()
    _net(verbose=0).fit(X, y)
    assert capsys.readouterr().out == ""
    torch.manual_seed(0)
    _net(verbose=1, train_split=None).fit(X, y)
    ours = capsys.readouterr().out.splitlines()
    torch.manual_seed(0)
    _net(NeuralNetClassifier, verbose=1, train_split=None).fit(X, y)
    stock = capsys.readouterr().out.splitlines()
    assert ours[0].split() == stock[0].split()  # the same columns
    assert len(ours) == len(stock) == 2 + 3  # header, rule, one row per epoch
