"""The batch data path: weights travel with X and y through the split and the batching.

skorch's default ``Dataset`` + ``DataLoader`` fetch one row at a time and collate the rows
in Python. Here the data live as tensors (built on the training device once), a batch is
fetched by one indexing operation, and the per-row weights are a third tensor sliced with
the same index, so skorch's validation split, the shuffling and a weighted sampler all
carry them without per-row work.

A training or validation batch is ``(WeightedInput(X_b, w_b), y_b)``: still the
``(X, y)`` pair that skorch's callbacks unpack. The classifier's ``infer`` unwraps ``X_b``
for the module and its ``get_loss`` reads ``w_b``. Prediction batches are plain
``(X_b, y_b)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch

__all__ = ["BatchIterator", "TensorDataset", "WeightedInput", "collate_rows"]


def _take(tensor, index):
    # an index tensor gathers rows with index_select (on the CPU faster than
    # ``tensor[index]``'s advanced indexing for a batch of rows)
    if isinstance(index, torch.Tensor):
        return torch.index_select(tensor, 0, index)
    return tensor[index]  # a slice (a view), a row (DataLoader) or a list of rows


def _index(data, index):
    if isinstance(data, torch.Tensor):
        return _take(data, index)
    if isinstance(data, Mapping):
        return {key: _take(value, index) for key, value in data.items()}
    return data[index]


def _length(data):
    if isinstance(data, Mapping):
        return len(next(iter(data.values())))
    return len(data)


class WeightedInput:
    """The input half of a weighted batch: the module's input and the rows' weights.

    Parameters
    ----------
    X : Tensor or dict of Tensor
        The module's input for the batch.
    sample_weight : Tensor of shape (n_batch,)
        The loss weight of each row.
    """

    __slots__ = ("X", "sample_weight")

    def __init__(self, X, sample_weight):
        self.X = X
        self.sample_weight = sample_weight

    def __len__(self):
        return _length(self.X)


class TensorDataset(torch.utils.data.Dataset):
    """Tensors of X, y and per-row weights, indexed together.

    A split or a subset does not copy X: it keeps the parent's X and the positions of its
    rows in it (``rows``); the targets and weights, small next to X, are its own.

    Parameters
    ----------
    X : Tensor or dict of Tensor
        Input rows (a dict is passed to the module's ``forward`` as keyword arguments).
    y : Tensor of shape (n_samples,) or None, default=None
        Encoded targets (class indices).
    sample_weight : Tensor of shape (n_samples,) or None, default=None
        Loss weights. When given, batches carry them as :class:`WeightedInput`.
    sampling_weight : Tensor of shape (n_samples,) or None, default=None
        Probabilities (up to a constant) of a weighted sampler over these rows.
    rows : Tensor of int64, shape (n_samples,), or None, default=None
        The rows of ``X`` this dataset holds, in order; None: all of them.
    """

    def __init__(self, X, y=None, sample_weight=None, sampling_weight=None, rows=None):
        self.base = X
        self.y = y
        self.sample_weight = sample_weight
        self.sampling_weight = sampling_weight
        self.rows = rows

    @property
    def X(self):
        """The input rows of this dataset (for a split: gathered on access, a copy)."""
        return self.base if self.rows is None else _index(self.base, self.rows)

    def __len__(self):
        return _length(self.base) if self.rows is None else self.rows.shape[0]

    @property
    def device(self):
        first = next(iter(self.base.values())) if isinstance(self.base, Mapping) else self.base
        return first.device

    def batch(self, index):
        """Return the batch ``(X_b, y_b)`` for a slice or an index tensor of positions."""
        return self.fetch(index, self.base_index(index))

    def base_index(self, index):
        """The rows of X at these positions (``index`` itself for a whole-X dataset)."""
        if self.rows is None:
            return index
        if isinstance(index, int):  # one row (DataLoader)
            return int(self.rows[index])
        if not isinstance(index, (slice, torch.Tensor)):
            index = torch.as_tensor(index, dtype=torch.long, device=self.rows.device)
        return _take(self.rows, index)

    def fetch(self, index, base_index):
        """The batch at positions ``index`` whose rows of X are ``base_index``."""
        X = _index(self.base, base_index)
        if self.sample_weight is not None:
            X = WeightedInput(X, _take(self.sample_weight, index))
        y = None if self.y is None else _take(self.y, index)
        return X, y

    def __getitem__(self, index):
        # Row access for torch's DataLoader (the slow, fully general path).
        return self.batch(index)

    def subset(self, index):
        """Return a dataset of the rows at positions ``index``: X is shared (its row
        positions are composed), the targets and weights are copied."""
        index = torch.as_tensor(index, dtype=torch.long, device=self.device)

        def take(t):
            return None if t is None else t[index]

        rows = index if self.rows is None else self.rows[index]
        return TensorDataset(
            self.base, take(self.y), take(self.sample_weight), take(self.sampling_weight),
            rows=rows,
        )


def collate_rows(rows):
    """Collate rows of a :class:`TensorDataset` for torch's ``DataLoader``."""
    Xs, ys = zip(*rows, strict=True)
    first = Xs[0]
    if isinstance(first, WeightedInput):
        X = WeightedInput(
            _stack([x.X for x in Xs]), torch.stack([x.sample_weight for x in Xs])
        )
    else:
        X = _stack(list(Xs))
    y = None if ys[0] is None else torch.stack(ys)
    return X, y


def _stack(items):
    if isinstance(items[0], Mapping):
        return {key: torch.stack([item[key] for item in items]) for key in items[0]}
    return torch.stack(items)


class BatchIterator:
    """Iterate over a :class:`TensorDataset` in batches fetched by index.

    A drop-in for skorch's ``iterator_train`` / ``iterator_valid`` (it is called as
    ``BatchIterator(dataset, batch_size=..., **iterator_params)``).

    Parameters
    ----------
    dataset : TensorDataset
        The rows to iterate over.
    batch_size : int, default=128
        Rows per batch (the last batch may be smaller).
    shuffle : bool, default=False
        Draw a new random permutation per epoch.
    sampler : object with a ``draw()`` method or None, default=None
        A weighted sampler; each epoch's indices are ``sampler.draw()`` (mutually
        exclusive with ``shuffle``).
    generator : torch.Generator or None, default=None
        Source of randomness for ``shuffle``.
    drop_last : bool, default=False
        Drop the last incomplete batch.
    """

    def __init__(
        self, dataset, batch_size=128, shuffle=False, sampler=None, generator=None,
        drop_last=False,
    ):
        if shuffle and sampler is not None:
            raise ValueError("BatchIterator: 'shuffle' and 'sampler' are mutually exclusive.")
        if not isinstance(dataset, TensorDataset):
            raise TypeError(
                "BatchIterator iterates over sklweight's TensorDataset; got "
                f"{type(dataset).__name__}. Pass iterator_train=torch.utils.data.DataLoader "
                "for other datasets."
            )
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sampler = sampler
        self.generator = generator
        self.drop_last = drop_last

    def __len__(self):
        n = len(self.dataset)
        if self.sampler is not None:
            n = len(self.sampler)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _epoch_indices(self):
        if self.sampler is not None:
            return self.sampler.draw().to(self.dataset.device)
        if self.shuffle:
            n = len(self.dataset)
            return torch.randperm(n, generator=self.generator).to(self.dataset.device)
        return None

    def __iter__(self):
        dataset = self.dataset
        indices = self._epoch_indices()
        n = len(dataset) if indices is None else indices.shape[0]
        # the rows of X in epoch order, composed once per epoch (a split's positions)
        whole = slice(None) if indices is None else indices
        rows = dataset.base_index(whole)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            end = min(start + self.batch_size, n)
            index = slice(start, end) if indices is None else indices[start:end]
            base = index if rows is whole else rows[start:end]
            yield dataset.fetch(index, base)
