"""What skorch's scoring callbacks see of the targets: the labels ``predict`` returns.

The classifiers train on class indices ``0..K-1`` and ``predict`` returns the user's
labels. skorch's stock ``EpochScoring`` compares the targets it collects with
``predict``'s output, so, left alone, it would compare indices with labels: "Mix of label
input types" for string labels, and a silently wrong score for integer labels other than
``0..K-1``. Its two ways of reading the targets both get the labels:

* with caching (skorch's default), it collects each batch's targets in ``y_trues_``; at
  the end of the epoch, before the callbacks run, the net decodes them in place
  (:func:`decode_collected_targets`);
* without caching, it reads ``X`` and ``y`` of a skorch ``Dataset``: the training and
  validation splits reach the callbacks as :class:`LabelledSplit` views whose ``y`` is
  the labels (the classifier's iterators unwrap them).

Couplings to skorch 1.4's behaviour: ``EpochScoring`` keeps the batch targets in
``y_trues_`` and applies ``target_extractor`` at ``on_epoch_end``; its non-caching path
reads ``dataset.X`` and ``dataset.y`` when ``is_skorch_dataset(dataset)``.
"""

from __future__ import annotations

import numpy as np
import skorch
from skorch.callbacks import EpochScoring
from skorch.utils import to_numpy

__all__ = ["LabelledSplit", "decode_collected_targets"]


def _is_identity(labels):
    return labels.dtype.kind in "iu" and np.array_equal(labels, np.arange(len(labels)))


def decode_collected_targets(net, labels):
    """Replace the encoded targets the scoring callbacks collected by their labels.

    A callback with its own ``target_extractor`` sees the targets unchanged (it chose how
    to read them); labels ``0..K-1`` need no decoding.
    """
    if labels is None:
        return
    decoded = {}  # the callbacks share the batch tensors: decode each one once
    identity = None  # checked once, and only when there is something to decode
    for _, callback in getattr(net, "callbacks_", []):
        targets = getattr(callback, "y_trues_", None)
        if (
            not isinstance(callback, EpochScoring) or not targets
            or callback.target_extractor is not to_numpy
        ):
            continue
        if identity is None:
            identity = _is_identity(labels)
        if identity:
            return
        for i, y in enumerate(targets):
            key = id(y)
            if key not in decoded:
                decoded[key] = (y, labels[np.asarray(to_numpy(y), dtype=np.intp)])
            targets[i] = decoded[key][1]


class LabelledSplit(skorch.dataset.Dataset):
    """A training or validation split as the callbacks see it: ``X`` and the labels.

    A skorch ``Dataset`` (so ``EpochScoring(use_caching=False)`` finds ``X`` and ``y``)
    over the classifier's own dataset ``data``, whose targets stay encoded for the loss.
    ``y`` is decoded once, when first read; other attributes are ``data``'s.

    Parameters
    ----------
    data : sklweight._net.batching.TensorDataset
        The split's rows (X, encoded targets, weights).
    labels : ndarray of shape (n_classes,)
        The labels in the order of the module's outputs.
    """

    def __init__(self, data, labels):
        # not skorch's __init__: the rows stay in ``data``, nothing is copied
        self.data = data
        self.labels = labels
        self._y = None
        self._len = len(data)

    @property
    def X(self):
        # read when a callback asks (a split's rows are gathered then, not at each fit)
        return self.data.X

    @property
    def y(self):
        if self._y is None and self.data.y is not None:
            encoded = np.asarray(to_numpy(self.data.y), dtype=np.intp)
            self._y = encoded if _is_identity(self.labels) else self.labels[encoded]
        return self._y

    def __getitem__(self, index):
        return self.data[index]

    def __getattr__(self, name):
        if name == "data":  # not set yet (unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.data, name)
