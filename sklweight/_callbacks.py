"""skorch callbacks that know about encoded labels and weighted datasets."""

from __future__ import annotations

import numpy as np
from skorch.callbacks import EpochScoring
from skorch.utils import to_numpy

from ._data import TensorDataset

__all__ = ["LabelEpochScoring"]


class LabelEpochScoring(EpochScoring):
    """:class:`skorch.callbacks.EpochScoring` for classifiers that encode their labels.

    The classifiers train on class indices but ``predict`` returns the user's labels, so
    the targets collected during an epoch are mapped back through ``net.classes_`` before
    the scorer compares them with predictions. Scorer names are scikit-learn's
    (``"balanced_accuracy"``, ``"f1_macro"``, ...; greater is better).

    Parameters
    ----------
    scoring : str or callable
        A scikit-learn scorer name or a callable ``scorer(net, X, y)``.
    lower_is_better : bool, default=False
        Whether a lower score is better (scikit-learn scorers are greater-is-better).
    on_train : bool, default=False
        Score the training rows instead of the validation rows.
    name : str or None, default=None
        Name of the score in ``net.history``.
    """

    def __init__(self, scoring, lower_is_better=False, on_train=False, name=None, **kwargs):
        super().__init__(
            scoring, lower_is_better=lower_is_better, on_train=on_train, name=name, **kwargs
        )

    def get_test_data(self, dataset_train, dataset_valid, use_caching):
        dataset = dataset_train if self.on_train else dataset_valid
        if not use_caching and isinstance(dataset, TensorDataset):
            return dataset, to_numpy(dataset.y), []
        return super().get_test_data(dataset_train, dataset_valid, use_caching)

    def _scoring(self, net, X_test, y_test):
        if y_test is not None:
            y_test = np.asarray(net.classes_)[np.asarray(y_test, dtype=np.intp)]
        return super()._scoring(net, X_test, y_test)
