"""The couplings of sklweight/_net/training.py to skorch's and torch's private behaviour,
each pinned against the installed versions (the list in that module's docstring)."""

import inspect
from unittest import mock

import numpy as np
import pytest
import skorch
import torch
from skorch import NeuralNet
from skorch.callbacks import EarlyStopping, EpochScoring
from torch.utils._foreach_utils import _get_fused_kernels_supported_devices

from sklweight._net import training
from sklweight._net.training import _raised_by_a_callback


def test_on_batch_begin_opens_the_batch_row():
    net = mock.Mock()
    NeuralNet.on_batch_begin(net, net, batch=None, training=True)
    net.history.new_batch.assert_called_once_with()


def test_run_single_epoch_writes_the_records_the_loop_writes():
    source = inspect.getsource(NeuralNet.run_single_epoch)
    for key in ('prefix + "_loss"', 'prefix + "_batch_size"', 'prefix + "_batch_count"'):
        assert key in source


def test_early_stopping_stops_with_a_raise_statement_in_its_on_epoch_end():
    stop = EarlyStopping(monitor="valid_loss", patience=1, sink=lambda *a: None)
    stop.initialize()
    history = skorch.history.History()
    net = mock.Mock(history=history, verbose=0)
    stop.on_train_begin(net)
    for epoch, loss in enumerate((1.0, 2.0, 3.0), start=1):
        history.new_epoch()
        history.record("epoch", epoch)
        history.record("valid_loss", loss)
        try:
            stop.on_epoch_end(net)
        except KeyboardInterrupt as exc:
            assert _raised_by_a_callback(exc)
            return
    pytest.fail("EarlyStopping did not stop")


def test_fit_loop_calls_the_hooks_the_training_loop_overrides():
    source = inspect.getsource(NeuralNet.fit_loop)
    for call in ("self.get_split_datasets(", "self.run_single_epoch(", "on_epoch_end"):
        assert call in source


def test_partial_fit_swallows_keyboard_interrupt():
    # why run_training calls fit_loop itself instead of skorch's partial_fit
    source = inspect.getsource(NeuralNet.partial_fit)
    assert "except KeyboardInterrupt" in source
    assert training.TrainingLoopMixin.run_training is not None


def test_epoch_scoring_keeps_the_batch_targets_in_y_trues():
    scoring = EpochScoring("accuracy", use_caching=True)
    scoring.initialize()
    scoring.on_epoch_begin(mock.Mock(), dataset_train=None, dataset_valid=None)
    y = torch.tensor([0, 1])
    scoring.on_batch_end(mock.Mock(), batch=(torch.zeros(2, 1), y), training=False,
                         y_pred=torch.zeros(2, 2))
    assert scoring.y_trues_ == [y]


def test_fused_kernel_devices_are_listed_by_torch():
    devices = _get_fused_kernels_supported_devices()
    assert "cuda" in devices
    assert isinstance(devices, list | tuple)
    assert np.all([isinstance(d, str) for d in devices])
