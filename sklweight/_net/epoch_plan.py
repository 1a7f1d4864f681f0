"""What one epoch's batches call: skorch's per-batch machinery reduced to what acts.

skorch sends every batch through ``notify`` (each callback's ``on_batch_begin`` and
``on_batch_end``, ``on_grad_computed`` with a generator over the named parameters), an
optimizer closure and a step accumulator, and reads the loss to the host (``.item()``,
a synchronisation per batch on a GPU). :class:`EpochPlan` decides, once per change of
callbacks, optimizers or device, what the epoch loop of :mod:`.training` calls:

* the net's own ``on_batch_begin`` (it opens the history row) and the callbacks that
  override a batch hook; the others are skorch's no-ops. ``on_grad_computed`` is
  notified, as skorch does it, when the net or a callback overrides it. A subclass that
  overrides ``notify`` gets every event through it;
* the optimizer that steps without a closure when it needs none (one optimizer of
  ``torch.optim`` other than ``LBFGS``, skorch's step accumulator); anything else runs
  skorch's ``train_step`` unchanged;
* whether the loss is read per batch: on the CPU (no synchronisation there), with a
  History of another kind, or when a callback may read the record in ``on_batch_end``
  (any but skorch's ``EpochScoring``); else once per epoch.
"""

from __future__ import annotations

import weakref

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EpochScoring
from torch.utils._foreach_utils import _get_fused_kernels_supported_devices

from ..losses._base import _WeightedLoss
from .history import PLAIN_HISTORIES
from .precision import device_type

__all__ = ["EpochPlan", "epoch_plan", "fused_adam_supported", "mean_reduction"]


def _overrides(obj, name, base):
    """Whether ``obj``'s class replaces the no-op hook ``name`` of ``base``."""
    if not isinstance(obj, base):
        return True
    return getattr(type(obj), name, None) is not getattr(base, name)


def _listens_to_batch_end(callback, training):
    """Whether ``callback.on_batch_end`` does anything for these batches: skorch's
    ``EpochScoring`` returns at once for the batches it does not score (``on_train``)."""
    if not _overrides(callback, "on_batch_end", Callback):
        return False
    # getattr: a callback may provide its hooks per instance (skorch's tests use a Mock)
    if getattr(type(callback), "on_batch_end", None) is EpochScoring.on_batch_end:
        return training == callback.on_train
    return True


def _plan_key(net, training):
    callbacks = tuple(id(cb) for _, cb in getattr(net, "callbacks_", []))
    optimizers = tuple(id(getattr(net, name + "_", None)) for name in net._optimizers)
    return training, callbacks, optimizers, type(net.history), str(net.device)


# plans per net, outside the net's __dict__ (pickle, clone and save never see them)
_PLANS = weakref.WeakKeyDictionary()


def epoch_plan(net, training, loop_notify):
    """The epoch's plan, rebuilt only when the callbacks, optimizers or device change.

    ``loop_notify`` is the training loop's own ``notify``: a net whose class replaces it
    gets every batch event through its ``notify``.
    """
    key = _plan_key(net, training)
    cache = _PLANS.setdefault(net, {})
    cached = cache.get(training)
    if cached is None or cached[0] != key:
        cached = cache[training] = (key, EpochPlan(net, training, loop_notify))
    return cached[1]


class EpochPlan:
    """What one epoch's batches call, decided from the net's callbacks."""

    __slots__ = (
        "begin", "device", "end", "grad_hooks", "open_rows", "optimizer", "read_each_batch",
        "scaled",
    )

    def __init__(self, net, training, loop_notify):
        callbacks = [cb for _, cb in getattr(net, "callbacks_", [])]
        plain_history = type(net.history) in PLAIN_HISTORIES
        self.device = torch.device(net.device) if net.device is not None else None
        # the epoch loop opens the batch rows itself, as skorch's on_batch_begin does
        # (history.new_batch), when neither is customised
        self.open_rows = False
        listening = type(net).notify is not loop_notify
        if listening:
            # a subclass listens to notify itself: every event goes through it
            self.begin = [lambda net, **kw: net.notify("on_batch_begin", **kw)]
            self.end = [lambda net, **kw: net.notify("on_batch_end", **kw)]
        else:
            self.open_rows = plain_history and not _overrides(net, "on_batch_begin", NeuralNet)
            self.begin = [] if self.open_rows else [net.on_batch_begin]
            self.begin += [
                cb.on_batch_begin for cb in callbacks
                if _overrides(cb, "on_batch_begin", Callback)
            ]
            self.end = ([net.on_batch_end] if _overrides(net, "on_batch_end", NeuralNet)
                        else []) + [
                cb.on_batch_end for cb in callbacks if _listens_to_batch_end(cb, training)
            ]
        self.grad_hooks = (
            listening
            or _overrides(net, "on_grad_computed", NeuralNet)
            or any(_overrides(cb, "on_grad_computed", Callback) for cb in callbacks)
        )
        # the loss is read per batch on the CPU (free), with a History of another kind,
        # or when a callback may read the record in on_batch_end; else once per epoch
        self.read_each_batch = (
            device_type(net) == "cpu"
            or not plain_history
            or any(
                not isinstance(cb, EpochScoring) and _overrides(cb, "on_batch_end", Callback)
                for cb in callbacks
            )
        )
        self.optimizer = _lean_optimizer(net)
        self.scaled = False  # this step's backward went through the GradScaler


def _lean_optimizer(net):
    """The net's optimizer when it can step without a closure, else None."""
    if type(net).get_train_step_accumulator is not NeuralNet.get_train_step_accumulator:
        return None
    names = getattr(net, "_optimizers", [])
    if len(names) != 1:
        return None
    optimizer = getattr(net, names[0] + "_", None)
    if not isinstance(optimizer, torch.optim.Optimizer) or isinstance(
        optimizer, torch.optim.LBFGS
    ):
        return None
    if not type(optimizer).__module__.startswith("torch.optim"):
        return None  # a user's optimizer may re-evaluate the closure (SAM, ...)
    return optimizer


# losses whose "mean" is the mean of their per-row values (no own weights, valid targets)
_MEAN_IS_ROW_MEAN = (_WeightedLoss, torch.nn.CrossEntropyLoss, torch.nn.NLLLoss)


def mean_reduction(net, iterator):
    """Let a per-row criterion reduce unweighted batches itself.

    Over a dataset without loss weights the batch objective is the plain mean, and a
    loss reduced with ``"mean"`` inside its own kernel (``F.cross_entropy``'s) costs one
    operation instead of two. The criterion's ``reduction`` is ``"mean"`` for this
    epoch; returns the value to restore (None when nothing changed).
    """
    dataset = getattr(iterator, "dataset", None)
    if getattr(dataset, "sample_weight", True) is not None:
        return None
    criterion = getattr(net, "criterion_", None)
    if (
        getattr(net, "_criterion_mode", None) != "per_sample"
        or getattr(criterion, "reduction", None) != "none"
        or getattr(criterion, "weight", None) is not None  # "mean" would divide by it
        or not isinstance(criterion, _MEAN_IS_ROW_MEAN)
    ):
        return None
    criterion.reduction = "mean"
    return "none"


def fused_adam_supported(device):
    """Whether ``torch.optim.Adam(fused=True)`` runs on ``device`` with this torch.

    The fused kernel does one pass per parameter instead of about ten operations each
    (see the user guide, "performance"); the update rule is the same up to rounding.
    CPU support came with torch 2.4; older versions, and devices torch does not list,
    fall back to the default implementation.
    """
    try:
        device_type = torch.device(device).type
    except (RuntimeError, TypeError):  # not a device: the fit's device check says so
        return False
    return device_type in _get_fused_kernels_supported_devices()
