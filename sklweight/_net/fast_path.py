"""The per-batch hot path: skorch's epoch loop and training step, without their overhead.

skorch sends every batch through ``notify`` (each callback's ``on_batch_begin`` and
``on_batch_end``, ``on_grad_computed`` with a generator over the named parameters), an
optimizer closure and a step accumulator, and reads the loss to the host (``.item()``,
a synchronisation per batch on a GPU). :class:`FastPathMixin` keeps the same hooks, the
same order and the same history, and drops what does nothing:

* A batch calls the net's own ``on_batch_begin`` (it opens the history row) and the
  callbacks that override a batch hook; the others are skorch's no-ops.
  ``on_grad_computed`` is notified, as skorch does it, when the net or a callback
  overrides it. A subclass that overrides ``notify`` gets every event through it.
* The optimizer steps without a closure when it needs none (one optimizer of
  ``torch.optim`` other than ``LBFGS``, skorch's step accumulator); anything else runs
  skorch's ``train_step`` unchanged.
* The batch records (``train_loss``, ``train_batch_size``, ``valid_*``) are skorch's. On
  the CPU the loss is read per batch (no synchronisation there) and a non-finite training
  loss stops the fit at that batch. On an accelerator the losses stay on the device and
  are read once per epoch; the records are complete before ``on_epoch_end`` and the error
  names the first non-finite batch. A callback that may read the loss record in
  ``on_batch_end`` (any but skorch's ``EpochScoring``) brings the per-batch read back.
* Mixed precision (``precision="bf16"`` or ``"fp16"``): forward and loss under
  ``torch.autocast``, backward outside it, ``fp16`` with a ``GradScaler``. The sklweight
  losses compute in float32 inside autocast (``losses/_base.py``).

Couplings to skorch's private behaviour (skorch 1.4): ``NeuralNet.on_batch_begin`` opens
the batch row (``history.new_batch``); the loop writes the records skorch's
``run_single_epoch`` writes, with the keys it uses.
"""

from __future__ import annotations

import contextlib
import math
import weakref

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EpochScoring
from skorch.dataset import get_len, unpack_data
from skorch.utils import TeeGenerator, to_device

from ..losses._base import _WeightedLoss
from .batching import BatchIterator, TensorDataset, WeightedInput
from .history import PLAIN_HISTORIES, FastHistory
from .training import TrainingControlMixin

__all__ = [
    "PRECISIONS",
    "FastPathMixin",
    "fused_adam_supported",
]

# the values of ``precision``: autocast dtypes
PRECISIONS = {"bf16": torch.bfloat16, "fp16": torch.float16}
# rows per prediction batch, at least (measured on CPU for a 64-64-4 MLP: 1 024 - 8 192
# rows run at the same speed, 1.6 x faster than one 200 000-row batch; 128 rows, skorch's
# default batch size, 1.7 x slower)
PREDICT_BATCH_ROWS = 8192

_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


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


def _batch_len(batch):
    X = batch[0] if isinstance(batch, (tuple, list)) else batch
    if isinstance(X, torch.Tensor):
        return X.shape[0]
    if isinstance(X, WeightedInput):
        return len(X)
    return get_len(X)


def _plan_key(net, training):
    callbacks = tuple(id(cb) for _, cb in getattr(net, "callbacks_", []))
    optimizers = tuple(id(getattr(net, name + "_", None)) for name in net._optimizers)
    return training, callbacks, optimizers, type(net.history), str(net.device)


# plans per net, outside the net's __dict__ (pickle, clone and save never see them)
_PLANS = weakref.WeakKeyDictionary()


def _plan(net, training):
    """The epoch's plan, rebuilt only when the callbacks, optimizers or device change."""
    key = _plan_key(net, training)
    cache = _PLANS.setdefault(net, {})
    cached = cache.get(training)
    if cached is None or cached[0] != key:
        cached = cache[training] = (key, _Plan(net, training))
    return cached[1]


class _Plan:
    """What one epoch's batches call, decided from the net's callbacks."""

    __slots__ = (
        "begin", "device", "end", "grad_hooks", "open_rows", "optimizer", "read_each_batch",
        "scaled",
    )

    def __init__(self, net, training=True):
        callbacks = [cb for _, cb in getattr(net, "callbacks_", [])]
        plain_history = type(net.history) in PLAIN_HISTORIES
        self.device = torch.device(net.device) if net.device is not None else None
        # the epoch loop opens the batch rows itself, as skorch's on_batch_begin does
        # (history.new_batch), when neither is customised
        self.open_rows = False
        listening = type(net).notify is not TrainingControlMixin.notify
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
            net._device_type() == "cpu"
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


def _mean_reduction(net, iterator):
    """Let a per-row criterion reduce unweighted batches itself.

    Over a dataset without loss weights the batch objective is the plain mean, and a
    loss reduced with ``"mean"`` inside its own kernel (``F.cross_entropy``'s) costs one
    operation instead of two (measured: 34 vs 60 us forward for a (128, 4) batch). The
    criterion's ``reduction`` is ``"mean"`` for this epoch; returns the value to restore
    (None when nothing changed).
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
    (measured on CPU for a 30-100-2 MLP: 45-80 us a step against 185-190 us, a whole
    50-epoch breast_cancer fit 8-15 % faster); the update rule is the same up to
    rounding. CPU
    support came with torch 2.4; older versions, and devices torch does not list, fall
    back to the default implementation.
    """
    try:
        from torch.utils._foreach_utils import _get_fused_kernels_supported_devices
    except ImportError:  # pragma: no cover - torch without the helper
        return False
    try:
        device_type = torch.device(device).type
    except (RuntimeError, TypeError):  # not a device: the fit's device check says so
        return False
    return device_type in _get_fused_kernels_supported_devices()


class FastPathMixin:
    """The epoch loop and training step of the classifiers (mixed in before skorch)."""

    _fast_plan = None

    # ------------------------------------------------------------------ epoch loop
    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        plan = _plan(self, training)
        vars(self)["_fast_plan"] = plan  # (skorch's __setattr__ is not needed here)
        history = self.history
        plain_history = type(history) in PLAIN_HISTORIES
        epoch = len(history)
        loss_key, size_key = prefix + "_loss", prefix + "_batch_size"
        pending = []  # (batch row or None, loss tensor) read at the end of the epoch
        count = 0
        rows = list.__getitem__(history, -1)["batches"] if plan.open_rows and history else None
        restore = _mean_reduction(self, iterator)
        try:
            for batch in iterator:
                if rows is not None:
                    rows.append({})
                for hook in plan.begin:
                    hook(self, batch=batch, training=training)
                step = step_fn(batch, **fit_params)
                loss = step["loss"]
                row = list.__getitem__(history, -1)["batches"][-1] if plain_history else None
                count += 1
                if plan.read_each_batch:
                    value = loss.item()
                    if training and not math.isfinite(value):
                        self._raise_non_finite(value, epoch=epoch, batch=count)
                    self._record(row, loss_key, value)
                else:
                    pending.append((row, loss.detach()))
                self._record(row, size_key, _batch_len(batch))
                for hook in plan.end:
                    hook(self, batch=batch, training=training, **step)
            if pending:
                self._record_pending(self, pending, loss_key, training, epoch)
        finally:
            vars(self)["_fast_plan"] = None
            if restore is not None:
                self.criterion_.reduction = restore
        history.record(prefix + "_batch_count", count)

    def _record(self, row, key, value):
        if row is None:
            self.history.record_batch(key, value)
        else:
            row[key] = value

    @staticmethod
    def _record_pending(net, pending, key, training, epoch):
        values = torch.stack([loss.float() for _, loss in pending]).tolist()  # one sync
        for index, ((row, _), value) in enumerate(zip(pending, values, strict=True)):
            if training and not math.isfinite(value):
                net._raise_non_finite(value, epoch=epoch, batch=index + 1)
            row[key] = value

    # ------------------------------------------------------------------ one step
    def initialize_history(self):
        self.history_ = FastHistory()
        return self

    def train_step(self, batch, **fit_params):
        if self._fast_plan is None:  # called outside the epoch loop
            vars(self)["_fast_plan"] = _Plan(self)
            try:
                return self.train_step(batch, **fit_params)
            finally:
                vars(self)["_fast_plan"] = None
        plan = self._fast_plan
        optimizer = plan.optimizer
        scaler = self._grad_scaler()
        if optimizer is None:
            if scaler is not None:
                raise ValueError(
                    f"{self._public_name}: precision='fp16' needs an optimizer that steps "
                    "without a closure (one torch.optim optimizer, not LBFGS); use "
                    "precision='bf16' or None."
                )
            return super().train_step(batch, **fit_params)
        self._zero_grad_optimizer()
        plan.scaled = False
        step = self.train_step_single(batch, **fit_params)
        scaler = scaler if plan.scaled else None
        if plan.grad_hooks:
            if scaler is not None:
                scaler.unscale_(optimizer)  # the hooks see (and clip) true gradients
            self.notify(
                "on_grad_computed",
                named_parameters=TeeGenerator(self.get_all_learnable_params()),
                batch=batch,
                training=True,
            )
        if scaler is None:
            optimizer.step()
        else:
            scaler.step(optimizer)
            scaler.update()
        return step

    def train_step_single(self, batch, **fit_params):
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        with self._autocast():
            y_pred = self.infer(Xi, **fit_params)
            loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        self._backward(loss)
        return {"loss": loss, "y_pred": y_pred}

    def _backward(self, loss):
        """``loss.backward()``, scaled by the ``GradScaler`` with ``precision="fp16"``."""
        scaler = self._grad_scaler()
        if scaler is None:
            loss.backward()
        else:
            scaler.scale(loss).backward()
            if self._fast_plan is not None:
                self._fast_plan.scaled = True

    def validation_step(self, batch, **fit_params):
        with self._autocast():
            return super().validation_step(batch, **fit_params)

    def evaluation_step(self, batch, training=False):
        with self._autocast():
            return super().evaluation_step(batch, training=training)

    # ------------------------------------------------------------------ prediction
    def forward_iter(self, X, training=False, device="cpu"):
        """skorch's ``forward_iter``; over the classifier's own data, in batches of at
        least ``PREDICT_BATCH_ROWS`` rows under ``torch.inference_mode`` (an
        ``iterator_valid`` of the user's, or its parameters, keep skorch's batching)."""
        dataset = self.get_dataset(X)
        if (
            training
            or not isinstance(dataset, TensorDataset)
            or self.iterator_valid is not BatchIterator
            or self.get_params_for("iterator_valid")
        ):
            yield from super().forward_iter(dataset, training=training, device=device)
            return
        rows = len(dataset) if self.batch_size == -1 else max(self.batch_size, PREDICT_BATCH_ROWS)
        for batch in BatchIterator(dataset, batch_size=max(rows, 1)):
            with torch.inference_mode():
                y_infer = self.evaluation_step(batch, training=False)
            yield to_device(y_infer, device=device)

    # ------------------------------------------------------------------ precision
    def _autocast(self):
        precision = getattr(self, "precision", None)
        if precision is None:
            return contextlib.nullcontext()
        return torch.autocast(self._device_type(), dtype=PRECISIONS[precision])

    def _device_type(self):
        return torch.device(self.device).type if self.device is not None else "cpu"

    def _grad_scaler(self):
        if getattr(self, "precision", None) != "fp16":
            return None
        device = self._device_type()
        device_scaler = getattr(self, "_scaler", None)
        if device_scaler is None or device_scaler[0] != device:
            device_scaler = self._scaler = (device, torch.amp.GradScaler(device))
        return device_scaler[1]
