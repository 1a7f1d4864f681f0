"""What the module's outputs become: the batch objective and the probabilities.

``get_loss`` weights and reduces the criterion's per-row losses once
(:func:`~sklweight._net.weighting.batch_objective`); the predict nonlinearity is a
softmax for logits (float32 under mixed precision), adjusted by ``posthoc_tau``
(:mod:`.posthoc`).
"""

from __future__ import annotations

import torch

from .batching import WeightedInput
from .criterion import is_sklweight_loss
from .posthoc import posthoc_nonlinearity
from .weighting import batch_objective

__all__ = ["ModuleOutputMixin"]


class ModuleOutputMixin:
    """``get_loss`` and the predict nonlinearity of
    :class:`~sklweight.WeightedNeuralNetClassifier` (a mixin placed before
    ``NeuralNetClassifier``)."""

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The batch objective: the criterion's per-row losses weighted and reduced once
        by ``batch_objective`` (sklweight/_net/weighting.py). Finiteness is checked by the
        epoch loop (sklweight/_net/fast_path.py), not here."""
        weight = X.sample_weight if isinstance(X, WeightedInput) else None
        if isinstance(self.criterion_, torch.nn.NLLLoss):
            y_pred = torch.log(y_pred + torch.finfo(y_pred.dtype).eps)
        if not isinstance(y_true, torch.Tensor):
            y_true = torch.as_tensor(y_true, device=y_pred.device)
        elif y_true.device != y_pred.device:
            y_true = y_true.to(y_pred.device, non_blocking=True)
        if training:
            self._check_output_width(y_pred)
        if y_pred.ndim == 3:  # an ensemble's (n, k, C): the members' mean loss per row
            return _members_loss(self, y_pred, y_true, weight, training)
        mode = getattr(self, "_criterion_mode", "scalar")
        if mode == "scalar":  # a loss that returns a scalar cannot be weighted per row
            return self.criterion_(y_pred, y_true)
        if mode == "sklweight":  # does not decompose: its weighted mean
            loss = self.criterion_(y_pred, y_true, sample_weight=weight)
        else:
            loss = self.criterion_(y_pred, y_true)
        normalization = self.weight_normalization if training else "global"
        return batch_objective(loss, weight, normalization)

    def _check_output_width(self, y_pred):
        labels = self._labels()
        n_classes = len(labels)
        if y_pred.ndim in (2, 3) and y_pred.shape[-1] != n_classes:
            raise ValueError(
                f"{self._public_name}: the module outputs {y_pred.shape[-1]} values per "
                f"row but y has {n_classes} classes {labels.tolist()}; "
                "the module must "
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
        return _members_mean(posthoc_nonlinearity(  # sklweight/_net/posthoc.py
            nonlinearity, self.posthoc_tau, getattr(self, "class_counts_", None),
            outputs_logits=nonlinearity is _softmax, caller=self._public_name,
        ))


def _softmax(logits):
    if logits.dtype in (torch.float16, torch.bfloat16):  # mixed precision: float32 out
        return torch.softmax(logits, dim=-1, dtype=torch.float32)
    return torch.softmax(logits, dim=-1)


# ---- ensembles: a module output of shape (n, k, C) holds k members' logits per row
def _members_loss(net, y_pred, y_true, weight, training):
    """The batch objective of an ensemble: each row's loss is the mean of its members'
    per-row losses, then weighted and reduced as a 2-D output's."""
    n, k, n_classes = y_pred.shape
    flat = y_pred.reshape(n * k, n_classes)
    targets = y_true.repeat_interleave(k)
    mode = getattr(net, "_criterion_mode", "scalar")
    if mode == "scalar":
        return net.criterion_(flat, targets)
    if mode == "sklweight":  # does not decompose: its weighted mean over (row, member)
        return net.criterion_(flat, targets, sample_weight=(
            None if weight is None else weight.repeat_interleave(k)))
    loss = net.criterion_(flat, targets)
    if loss.ndim:  # a scalar is already the mean (the unweighted epochs' "mean" reduction)
        loss = loss.reshape(n, k).mean(dim=1)
    normalization = net.weight_normalization if training else "global"
    return batch_objective(loss, weight, normalization)


def _members_mean(nonlinearity):
    """``nonlinearity`` applied per member and averaged over the members of an ensemble."""

    def mean_over_members(output):
        proba = nonlinearity(output)
        return proba.mean(dim=1) if proba.ndim == 3 else proba

    return mean_over_members
