"""What the module's inputs and outputs become: the batch objective and the probabilities.

* ``infer`` hands the module its input (the weights of a :class:`.WeightedInput` stay
  behind for the loss) on the training device, and translates torch's shape error for
  a module built for another number of features (:mod:`.input_width`).
* ``get_loss`` weights and reduces the criterion's per-row losses once
  (:func:`~sklweight._net.weighting.batch_objective`).
* The predict nonlinearity is a softmax for logits (float32 under mixed precision),
  adjusted by ``posthoc_tau`` (:mod:`.posthoc`); ``forward_iter`` predicts in large
  batches under ``torch.inference_mode``.

The module's output is either ``(n, C)`` logits or, for an ensemble of ``k`` members
(TabM-style modules), ``(n, k, C)``: one set of logits per member. For an ensemble the
per-row loss is the mean over the members of the criterion's per-row loss (the rows are
flattened to ``(n * k, C)`` with their targets repeated, then averaged back to ``(n,)``),
weighted and normalised as for ``(n, C)`` output; the probabilities are the mean over
the members of each member's softmax, ``posthoc_tau`` applied per member before it.
"""

from __future__ import annotations

import torch
from skorch.utils import to_device

from .batching import BatchIterator, TensorDataset, WeightedInput
from .criterion import is_sklweight_loss
from .input_width import input_width_error
from .posthoc import posthoc_nonlinearity
from .weighting import batch_objective

__all__ = ["PREDICT_BATCH_ROWS", "ModuleOutputMixin", "member_mean"]

# rows per prediction batch, at least (larger batches amortise the per-batch overhead;
# see the user guide, "performance")
PREDICT_BATCH_ROWS = 8192


def member_mean(proba):
    """Mean over the ensemble axis of ``(n, k, C)`` probabilities; ``(n, C)`` passes."""
    return proba.mean(dim=1) if proba.ndim == 3 else proba


def _softmax(logits):
    if logits.dtype in (torch.float16, torch.bfloat16):  # mixed precision: float32 out
        return member_mean(torch.softmax(logits, dim=-1, dtype=torch.float32))
    return member_mean(torch.softmax(logits, dim=-1))


class ModuleOutputMixin:
    """``infer``, ``get_loss``, the predict nonlinearity and ``forward_iter`` of
    :class:`~sklweight.WeightedNeuralNetClassifier` (a mixin placed before
    ``NeuralNetClassifier``)."""

    def infer(self, x, **fit_params):
        if isinstance(x, WeightedInput):
            x = x.X
        try:  # free unless torch raises: no per-batch cost
            if isinstance(x, torch.Tensor):  # the batch path: on the device, or moved
                plan = self._fast_plan  # the epoch's (:mod:`.epoch_plan`)
                device = plan.device if plan is not None else (
                    None if self.device is None else torch.device(self.device))
                if device is not None and x.device != device:  # to an accelerator: async
                    x = x.to(device, non_blocking=device.type != "cpu")
                return self.module_(x, **fit_params)
            return super().infer(x, **fit_params)
        except RuntimeError as exc:
            error = input_width_error(exc, x, self._public_name)
            if error is None:
                raise
            raise error from exc

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The batch objective: the criterion's per-row losses weighted and reduced once
        by ``batch_objective`` (:mod:`.weighting`); an ensemble's ``(n, k, C)`` output
        gives each row the mean of its members' losses. Finiteness is checked by the
        epoch loop (:mod:`.training`), not here."""
        weight = X.sample_weight if isinstance(X, WeightedInput) else None
        if isinstance(self.criterion_, torch.nn.NLLLoss):
            y_pred = torch.log(y_pred + torch.finfo(y_pred.dtype).eps)
        if not isinstance(y_true, torch.Tensor):
            y_true = torch.as_tensor(y_true, device=y_pred.device)
        elif y_true.device != y_pred.device:
            y_true = y_true.to(y_pred.device, non_blocking=True)
        if training:
            self._check_output_width(y_pred)
        members = y_pred.shape[1] if y_pred.ndim == 3 else None
        if members is not None:  # (n, k, C): k rows per row, the targets repeated
            y_pred = y_pred.reshape(-1, y_pred.shape[-1])
            y_true = y_true.repeat_interleave(members)
        mode = getattr(self, "_criterion_mode", "scalar")
        if mode == "scalar":  # a loss that returns a scalar cannot be weighted per row
            return self.criterion_(y_pred, y_true)
        if mode == "sklweight":  # does not decompose: its weighted mean
            member_weight = weight
            if members is not None and weight is not None:
                member_weight = weight.repeat_interleave(members)
            loss = self.criterion_(y_pred, y_true, sample_weight=member_weight)
        else:
            loss = self.criterion_(y_pred, y_true)
            if members is not None and loss.ndim == 1:
                loss = loss.reshape(-1, members).mean(dim=1)
        normalization = self.weight_normalization if training else "global"
        return batch_objective(loss, weight, normalization)

    def _check_output_width(self, y_pred):
        labels = self._labels()
        n_classes = len(labels)
        if y_pred.ndim in (2, 3) and y_pred.shape[-1] != n_classes:
            raise ValueError(
                f"{self._public_name}: the module outputs {y_pred.shape[-1]} values per "
                f"row but y has {n_classes} classes {labels.tolist()}; the module must "
                "output one logit per class (set its output width, e.g. "
                f"module__out_features={n_classes})."
            )

    def _get_predict_nonlinearity(self):
        if self.predict_nonlinearity == "auto" and (
            is_sklweight_loss(self.criterion_)
            or isinstance(self.criterion_, torch.nn.CrossEntropyLoss)
        ):
            self.check_is_fitted()
            nonlinearity = _softmax
        else:
            nonlinearity = super()._get_predict_nonlinearity()
        adjusted = posthoc_nonlinearity(  # :mod:`.posthoc`, per member for an ensemble
            nonlinearity, self.posthoc_tau, getattr(self, "class_counts_", None),
            outputs_logits=nonlinearity is _softmax, caller=self._public_name,
        )
        if adjusted is nonlinearity:
            return nonlinearity
        return lambda output: member_mean(adjusted(output))

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
