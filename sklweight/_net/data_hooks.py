"""skorch's data hooks of :class:`~sklweight.WeightedNeuralNetClassifier`.

Validated fit data become one :class:`~sklweight._net.batching.TensorDataset` (X held
once); the validation split is materialised and weighted by the weight plan
(:mod:`.weighting`); the iterators batch by index slicing, draw with the weighted sampler,
or hand a user's ``Dataset`` to torch's ``DataLoader`` as skorch does.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.utils import is_dataset, to_numpy

from ..sampling import WeightedSampler
from .batching import BatchIterator, TensorDataset, collate_rows
from .input_validation import FitData, validate_predict_data
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
            return X.to_dataset(self.device, self._input_dtype())
        if isinstance(X, TensorDataset) or is_dataset(X):
            return X
        X = validate_predict_data(self, X)
        return FitData(X, None, None).to_dataset(self.device, self._input_dtype())

    def _input_dtype(self):
        module = getattr(self, "module_", None)
        if isinstance(module, torch.nn.Module):
            for param in module.parameters():
                if param.dtype.is_floating_point:
                    return param.dtype
        return None

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y) if isinstance(X, FitData) else None
        if not isinstance(dataset, TensorDataset):
            return dataset_train, dataset_valid
        train = dataset.materialize(dataset_train)
        valid = None if dataset_valid is None else dataset.materialize(dataset_valid)
        plan = plan_weights(
            to_numpy(train.y), to_numpy(train.sample_weight),
            None if valid is None else to_numpy(valid.y),
            None if valid is None else to_numpy(valid.sample_weight),
            classes=self._labels(), class_weight=self.class_weight,
            sampler=self.sampler, normalization=self.weight_normalization,
            caller=self._public_name,
        )
        self.class_weight_ = plan.class_weight
        self.class_counts_ = plan.class_counts
        if getattr(self.criterion_, "requires_class_counts", False):
            self.initialize_criterion()  # now with this fit's class counts
        device = train.device
        if not plan.train_keep.all():
            train = train.subset(np.flatnonzero(plan.train_keep))
        dtype = self._input_dtype() or torch.get_default_dtype()
        # the weights, in the loss's dtype, are the only O(n) array added to the data;
        # all-ones weights are dropped (the batch objective is then the plain mean)
        train.sample_weight = _loss_weights(plan.train_weight, device, dtype)
        if plan.sampling_weight is not None:
            train.sampling_weight = torch.as_tensor(plan.sampling_weight, device=device)
        if valid is not None:
            valid.sample_weight = _loss_weights(plan.valid_weight, device, dtype)
        # the callbacks get the splits with their labels; the iterators unwrap them
        labels = self._labels()
        return LabelledSplit(train, labels), (
            None if valid is None else LabelledSplit(valid, labels))

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


def _loss_weights(weight, device, dtype):
    """Per-row loss weights as a tensor, or None when they are all one."""
    if np.all(weight == 1):
        return None
    return torch.as_tensor(weight, dtype=dtype, device=device)
