"""skorch's data hooks of :class:`~sklweight.WeightedNeuralNetClassifier`: the one path
from validated fit data to the tensors a fit trains on.

1. :class:`.FitData` (NumPy, the positive-weight rows) goes to skorch's ``train_split``,
   which splits row positions on the NumPy labels (stratified by default);
2. the weight plan (:func:`.weighting.plan_weights`) computes the class weights and the
   final per-row weights of the training and validation rows, in NumPy, and which
   training rows keep a positive weight;
3. the tensors are built once, on the training device: X whole (shared by both splits,
   which keep the positions of their rows in it), the encoded targets and the final
   weights of each split.

The iterators batch by index slicing, draw with the weighted sampler, or hand a user's
``Dataset`` to torch's ``DataLoader`` as skorch does.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.utils import is_dataset

from ..sampling import WeightedSampler
from ..utils._validation import Described, format_param_error
from .batching import BatchIterator, TensorDataset, collate_rows
from .input_validation import FitData, to_tensor, validate_predict_data
from .scoring import LabelledSplit
from .weighting import plan_weights

__all__ = ["WeightedDataMixin"]


class WeightedDataMixin:
    """``check_data``, ``get_dataset``, ``get_split_datasets`` and ``get_iterator`` for
    data whose rows carry weights (a mixin placed before ``NeuralNetClassifier``)."""

    def check_data(self, X, y=None):
        if not isinstance(X, FitData):
            super().check_data(X, y)
        elif X.passthrough:
            super().check_data(X.X, X.y)  # classes from y, else from the Dataset

    def get_dataset(self, X, y=None):
        if isinstance(X, FitData):
            if X.passthrough:
                return X.X
            return TensorDataset(self._features(X), _targets(X.y, self.device),
                                 rows=_rows(X.rows, self.device))
        if isinstance(X, TensorDataset) or is_dataset(X):
            return X
        X = validate_predict_data(self, X)
        return TensorDataset(to_tensor(X, self.device, self._input_dtype()))

    def _features(self, data):
        return data.features(self.device, self._input_dtype())

    def _input_dtype(self):
        module = getattr(self, "module_", None)
        if isinstance(module, torch.nn.Module):
            for param in module.parameters():
                if param.dtype.is_floating_point:
                    return param.dtype
        return None

    def get_split_datasets(self, X, y=None, **fit_params):
        if not isinstance(X, FitData) or X.passthrough:
            return super().get_split_datasets(X, y, **fit_params)
        train, valid = X, None
        if self.train_split:
            train, valid = (self.train_split(X, **fit_params) if y is None
                            else self.train_split(X, y, **fit_params))
        train, valid = _positions(train, X), None if valid is None else _positions(valid, X)
        y_valid = None if valid is None else X.y[valid]
        plan = plan_weights(
            X.y[train], X.sample_weight[train], y_valid,
            None if valid is None else X.sample_weight[valid],
            classes=self._labels(), class_weight=self.class_weight,
            sampler=self.sampler, normalization=self.weight_normalization,
            dropped_y=X.dropped_y, caller=self._public_name,
        )
        self.class_weight_ = plan.class_weight
        self.class_counts_ = plan.class_counts
        if getattr(self.criterion_, "requires_class_counts", False):
            self.initialize_criterion()  # now with this fit's class counts
        dtype = self._input_dtype() or torch.get_default_dtype()
        train = train[plan.train_keep]
        labels = self._labels()
        dataset_train = self._build(X, train, plan.train_weight, dtype, plan.sampling_weight)
        dataset_valid = None if valid is None else self._build(X, valid, plan.valid_weight,
                                                               dtype)
        # the callbacks get the splits with their labels; the iterators unwrap them
        return LabelledSplit(dataset_train, labels), (
            None if dataset_valid is None else LabelledSplit(dataset_valid, labels))

    def _build(self, data, index, weight, dtype, sampling_weight=None):
        """The tensors of one split, built once on the device with the final weights."""
        device = self.device
        whole = len(index) == len(data) and np.array_equal(index, np.arange(len(data)))
        rows = data.rows if whole else data.positions(index)
        return TensorDataset(
            self._features(data),
            _targets(data.y if whole else data.y[index], device),
            self._loss_weights(weight, device, dtype),
            None if sampling_weight is None else torch.as_tensor(sampling_weight,
                                                                 device=device),
            rows=_rows(rows, device),
        )

    def _loss_weights(self, weight, device, dtype):
        """Per-row loss weights as a tensor of the loss's dtype, or None when they are all
        one (the batch objective is then the plain mean)."""
        if weight is None or np.all(weight == 1):
            return None
        info = torch.finfo(dtype)
        largest = weight.max()
        if largest > info.max or largest < info.tiny * info.eps:  # inf, or all zero
            raise ValueError(
                format_param_error(
                    "sample_weight", f"{self._public_name}.fit",
                    f"representable in the loss's dtype ({dtype}) after "
                    f"weight_normalization={self.weight_normalization!r}",
                    _extremes(weight),
                    "Rescale sample_weight (e.g. divide it by its maximum), or keep the "
                    "default weight_normalization='global', under which only the ratios of "
                    "the weights matter.",
                )
            )
        return torch.as_tensor(weight, dtype=dtype, device=device)

    def get_iterator(self, dataset, training=False):
        if isinstance(dataset, LabelledSplit):
            dataset = dataset.data
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = self.iterator_train if training else self.iterator_valid
        kwargs = self.get_params_for(prefix)
        batch_size = kwargs.pop("batch_size", self.batch_size)
        kwargs["batch_size"] = len(dataset) if batch_size == -1 else batch_size
        generator = getattr(self, "_generator", None)
        if not isinstance(dataset, TensorDataset):
            # a user's Dataset: torch's DataLoader, row by row (skorch's path)
            if iterator is BatchIterator:
                iterator = torch.utils.data.DataLoader
            if generator is not None and kwargs.get("shuffle"):
                kwargs.setdefault("generator", generator)
            return iterator(dataset, **kwargs)
        if training and dataset.sampling_weight is not None:
            kwargs.pop("shuffle", None)
            kwargs["sampler"] = WeightedSampler._from_valid_weights(  # checked by the plan
                dataset.sampling_weight, generator=generator)
        elif generator is not None and kwargs.get("shuffle"):
            kwargs.setdefault("generator", generator)
        if iterator is not BatchIterator:
            kwargs.setdefault("collate_fn", collate_rows)
        return iterator(dataset, **kwargs)


def _positions(part, data):
    """The row positions (into ``data``) of a part returned by ``train_split``: the
    dataset itself, or a ``torch.utils.data.Subset`` of it (skorch's ``ValidSplit``)."""
    if part is data:
        return np.arange(len(data))
    if isinstance(part, torch.utils.data.Subset) and part.dataset is data:
        return np.asarray(part.indices, dtype=np.int64)
    raise TypeError(
        f"train_split returned {type(part).__name__}; expected this dataset or a "
        "torch.utils.data.Subset of it."
    )


def _targets(y, device):
    return None if y is None else torch.as_tensor(y, device=device)


def _rows(rows, device):
    return None if rows is None else torch.as_tensor(rows, dtype=torch.long, device=device)


def _extremes(weight):
    return Described(f"weights from {weight.min()!r} to {weight.max()!r}")
