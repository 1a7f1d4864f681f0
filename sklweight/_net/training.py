"""The training loop of the classifiers: the one owner of skorch's training hooks.

Every skorch method that sklweight overrides, and where:

==========================  ===========================  ===================================
skorch method               module                       why
==========================  ===========================  ===================================
``run_single_epoch``        :mod:`.training`             the lean epoch loop (below)
``train_step``              :mod:`.training`             one optimizer step, no closure
``train_step_single``       :mod:`.training`             forward, loss, backward; mixup
``validation_step``         :mod:`.training`             under the ``precision`` autocast
``evaluation_step``         :mod:`.training`             under the ``precision`` autocast
``notify``                  :mod:`.training`             skorch's early stop vs. Ctrl-C
``on_epoch_end``            :mod:`.training`             weight snapshot; decoded targets
``initialize_history``      :mod:`.training`             :class:`~.history.FastHistory`
``_set_training``           :mod:`.training`             switch modes only on a change
``fit``, ``partial_fit``    ``classifier.py``            validate once, seed, train
``initialize_module``       ``classifier.py``            a module instance is copied
``initialize_criterion``    ``classifier.py``            names, class counts (:mod:`.criterion`)
``_default_callbacks``      ``classifier.py``            :mod:`.history`'s lean callbacks
``check_data``              :mod:`.data_hooks`           validated :class:`.FitData` passes
``get_dataset``             :mod:`.data_hooks`           tensors built once, on the device
``get_split_datasets``      :mod:`.data_hooks`           split indices, weight plan, tensors
``get_iterator``            :mod:`.data_hooks`           index batches, weighted sampler
``infer``                   :mod:`.module_output`        unwraps weights, moves the batch
``get_loss``                :mod:`.module_output`        weighted batch objective
``forward_iter``            :mod:`.module_output`        large prediction batches
``_get_predict_nonlinearity``  :mod:`.module_output`     softmax (+ ``posthoc_tau``)
``predict_proba``           ``classifier.py``            refuses an unfitted net first
``predict``                 ``utils/_predict.py``        from ``predict_proba`` (all
                                                         classifiers of sklweight)
==========================  ===========================  ===================================

How a fit ends:

* skorch's ``EarlyStopping`` stops by raising ``KeyboardInterrupt`` in its
  ``on_epoch_end``, and skorch swallows every ``KeyboardInterrupt``. Here only a
  ``raise`` statement executed by a callback's own ``on_epoch_end`` is a stop; any other
  ``KeyboardInterrupt`` (a Ctrl-C landing in a batch, in the validation pass, or while a
  callback's ``on_epoch_end`` runs, even in C code it called) restores the weights of the
  last finished epoch, cuts the history there, leaves the estimator usable and is
  re-raised, so a script or a grid search stops.
* A NaN or infinite training loss raises :class:`~sklweight.exceptions.NonFiniteLossError`
  naming the epoch and batch and leaves the estimator unfitted; so does any other error
  raised by the loop (re-raised as is).
* A fit that ends normally but diverged or predicts one class warns once
  (:mod:`.divergence`).

The epoch loop keeps skorch's hooks, their order and its history records, and drops
what does nothing (:mod:`.epoch_plan` decides which hooks act). On the CPU the loss is
read per batch and a non-finite training loss stops the fit at that batch; on an
accelerator the losses stay on the device and are read once per epoch, before
``on_epoch_end``. Mixup (:mod:`.mixup`) and mixed precision (:mod:`.precision`) are
applied in ``train_step_single``.

Couplings to skorch's and torch's private behaviour (skorch 1.4, torch 2.x), each pinned
by ``tests/_net/test_couplings.py``:

* ``NeuralNet.on_batch_begin`` opens the batch row with ``history.new_batch``; the loop
  writes the records ``run_single_epoch`` writes, with its keys;
* ``EarlyStopping.on_epoch_end`` stops with ``raise KeyboardInterrupt``;
* ``NeuralNet.fit_loop`` calls ``get_split_datasets``, ``run_single_epoch`` and
  ``notify("on_epoch_end")`` per epoch; ``partial_fit`` swallows ``KeyboardInterrupt``,
  which is why ``run_training`` calls ``fit_loop`` itself;
* ``EpochScoring`` keeps the batch targets in ``y_trues_`` (:mod:`.scoring`);
* ``torch.utils._foreach_utils._get_fused_kernels_supported_devices`` lists the devices
  of Adam's fused kernel (:mod:`.epoch_plan`).
"""

from __future__ import annotations

import dis
import math

import torch
from skorch.callbacks import Callback
from skorch.dataset import get_len, unpack_data
from skorch.utils import TeeGenerator
from torch.nn.parameter import is_lazy

from ..exceptions import NonFiniteLossError
from ..utils._tensor_checks import skip_value_checks
from .batching import WeightedInput
from .divergence import check_divergence
from .epoch_plan import EpochPlan, epoch_plan, mean_reduction
from .history import PLAIN_HISTORIES, FastHistory
from .mixup import mix_rows
from .precision import autocast, grad_scaler
from .scoring import decode_collected_targets

__all__ = ["TrainingLoopMixin"]

_RAISE = dis.opmap["RAISE_VARARGS"]


class _StopTraining(Exception):  # noqa: N818 (a signal, not an error)
    """A callback asked to stop at the end of an epoch (skorch raises KeyboardInterrupt)."""


class TrainingLoopMixin:
    """The training loop of :class:`~sklweight.WeightedNeuralNetClassifier` (mixed in
    before ``NeuralNetClassifier``)."""

    _fast_plan = None

    # ------------------------------------------------------------------ the fit
    def run_training(self, X, y=None, **fit_params):
        """Run skorch's ``fit_loop`` with the stop, interrupt and NaN handling above."""
        self.notify("on_train_begin", X=X, y=y)
        self._snapshot = _state(self.module_)
        first_epoch = self._finished_epochs = len(self.history)
        stopped_early = False
        try:
            with skip_value_checks():
                self.fit_loop(X, y, **fit_params)
        except _StopTraining:
            stopped_early = True
        except KeyboardInterrupt:
            if self._snapshot is not None:
                self.module_.load_state_dict(self._snapshot)
            del self.history[self._finished_epochs:]  # the history ends where the weights do
            self.notify("on_train_end", X=X, y=y)
            raise
        except Exception:
            # never leave a half-trained net that predicts
            self.initialized_ = False
            for name in ("module_", "optimizer_", "criterion_"):
                self.__dict__.pop(name, None)
            raise
        finally:
            self._snapshot = False
        self.notify("on_train_end", X=X, y=y)
        check_divergence(self, X, first_epoch, stopped_early=stopped_early)

    def notify(self, method_name, **cb_kwargs):
        if method_name != "on_epoch_end":
            return super().notify(method_name, **cb_kwargs)
        try:
            return super().notify(method_name, **cb_kwargs)
        except KeyboardInterrupt as exc:
            if _raised_by_a_callback(exc):
                raise _StopTraining from None
            raise  # a Ctrl-C while a callback scored or printed the epoch

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)
        snapshot = getattr(self, "_snapshot", False)
        if snapshot is not False:
            self._snapshot = _state(self.module_, snapshot)
            self._finished_epochs = len(self.history)
        # before the callbacks score the epoch: they compare targets with predict()'s
        # labels (:mod:`.scoring`)
        decode_collected_targets(self, self._labels())

    def initialize_history(self):
        self.history_ = FastHistory()
        return self

    def _raise_non_finite(self, loss, *, epoch=None, batch=None):
        # the epoch loop names the batch; else skorch's on_batch_begin has already opened
        # this batch's history row
        if epoch is None:
            epoch = len(self.history)
            batch = max(1, len(self.history[-1]["batches"])) if epoch else 1
        value = loss.item() if hasattr(loss, "item") else loss
        raise NonFiniteLossError(
            f"{self._public_name}: the training loss became {value} at epoch "
            f"{epoch}, batch {batch}. Training stopped and the estimator is left "
            f"unfitted. Try a lower learning rate (lr={self.lr!r}), scale the features "
            "(e.g. StandardScaler), or check X for extreme values."
        )

    # ------------------------------------------------------------------ the epoch
    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        plan = epoch_plan(self, training, TrainingLoopMixin.notify)
        vars(self)["_fast_plan"] = plan
        history = self.history
        plain_history = type(history) in PLAIN_HISTORIES
        epoch = len(history)
        loss_key, size_key = prefix + "_loss", prefix + "_batch_size"
        pending = []  # (batch row or None, loss tensor) read at the end of the epoch
        count = 0
        rows = list.__getitem__(history, -1)["batches"] if plan.open_rows and history else None
        restore = mean_reduction(self, iterator)
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
                self._record_pending(pending, loss_key, training, epoch)
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

    def _record_pending(self, pending, key, training, epoch):
        values = torch.stack([loss.float() for _, loss in pending]).tolist()  # one sync
        for index, ((row, _), value) in enumerate(zip(pending, values, strict=True)):
            if training and not math.isfinite(value):
                self._raise_non_finite(value, epoch=epoch, batch=index + 1)
            row[key] = value

    # ------------------------------------------------------------------ one step
    def train_step(self, batch, **fit_params):
        if self._fast_plan is None:  # called outside the epoch loop
            vars(self)["_fast_plan"] = EpochPlan(self, True, TrainingLoopMixin.notify)
            try:
                return self.train_step(batch, **fit_params)
            finally:
                vars(self)["_fast_plan"] = None
        plan = self._fast_plan
        optimizer = plan.optimizer
        scaler = grad_scaler(self)
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
        """Forward, batch objective and backward of one training batch.

        With ``mixup_alpha`` the batch is mixed with a permutation of itself
        (:func:`.mixup.mix_rows`) and the objective is
        ``lam L(f(x), y_i; w_i) + (1 - lam) L(f(x), y_j; w_j)``: each label's term keeps
        the weight of the row the label came from.
        """
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        alpha = getattr(self, "mixup_alpha", None)
        if alpha is None:
            with autocast(self):
                y_pred = self.infer(Xi, **fit_params)
                loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        else:
            weighted = isinstance(Xi, WeightedInput)
            X = Xi.X if weighted else Xi
            if not isinstance(X, torch.Tensor):
                raise TypeError(
                    f"{self._public_name}: mixup_alpha needs the module input to be a "
                    f"single tensor per batch; got {type(X).__name__}. Set "
                    "mixup_alpha=None."
                )
            X_mixed, perm, lam = mix_rows(X, alpha)
            yi = torch.as_tensor(yi, device=perm.device)
            first = WeightedInput(X_mixed, Xi.sample_weight) if weighted else X_mixed
            second = WeightedInput(X_mixed, Xi.sample_weight[perm]) if weighted else X_mixed
            with autocast(self):
                y_pred = self.infer(X_mixed, **fit_params)
                loss = lam * self.get_loss(y_pred, yi, X=first, training=True) + (
                    1.0 - lam) * self.get_loss(y_pred, yi[perm], X=second, training=True)
        self._backward(loss)
        return {"loss": loss, "y_pred": y_pred}

    def _backward(self, loss):
        """``loss.backward()``, scaled by the ``GradScaler`` with ``precision="fp16"``."""
        scaler = grad_scaler(self)
        if scaler is None:
            loss.backward()
        else:
            scaler.scale(loss).backward()
            if self._fast_plan is not None:
                self._fast_plan.scaled = True

    def validation_step(self, batch, **fit_params):
        with autocast(self):
            return super().validation_step(batch, **fit_params)

    def evaluation_step(self, batch, training=False):
        with autocast(self):
            return super().evaluation_step(batch, training=training)

    def _set_training(self, training=True):
        # skorch calls this every batch; Module.train() walks every submodule, so only
        # switch when the mode actually changes
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)


def _batch_len(batch):
    X = batch[0] if isinstance(batch, (tuple, list)) else batch
    if isinstance(X, torch.Tensor):
        return X.shape[0]
    if isinstance(X, WeightedInput):
        return len(X)
    return get_len(X)


def _raised_by_a_callback(exc):
    """Whether a callback's own ``on_epoch_end`` raised ``exc`` with a ``raise``
    statement (skorch's stop signal), rather than a Ctrl-C that arrived while it ran.

    A signal's ``KeyboardInterrupt`` is raised where the interpreter checks for pending
    signals (a call, a jump, a function entry), never at a ``raise`` instruction.
    """
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    frame = tb.tb_frame
    code = frame.f_code
    return (
        code.co_name == "on_epoch_end"
        and isinstance(frame.f_locals.get("self"), Callback)
        and 0 <= tb.tb_lasti < len(code.co_code)
        and code.co_code[tb.tb_lasti] == _RAISE
    )


def _state(module, previous=None):
    """A copy of the module's weights (None while a lazy module is uninitialised).

    Written into ``previous`` (the last epoch's copy) when its tensors match: one
    ``_foreach_copy_`` into the same buffers instead of fresh allocations every epoch.
    """
    state = module.state_dict()
    if any(is_lazy(v) for v in state.values()):
        return None
    values = [v.detach() for v in state.values()]
    if previous and previous.keys() == state.keys() and all(
        p.shape == v.shape and p.dtype == v.dtype and p.device == v.device
        for p, v in zip(previous.values(), values, strict=True)
    ):
        torch._foreach_copy_(list(previous.values()), values)
        return previous
    return {k: v.clone() for k, v in zip(state, values, strict=True)}
