"""skorch callbacks for sklweight's classifiers.

The classifiers train on class indices but ``predict`` returns the user's labels. skorch's
``EpochScoring`` compares the (encoded) targets it collected with ``predict``'s labels,
which only agree when the labels are ``0..K-1``; :class:`LabelEpochScoring` decodes the
targets first and works for labels of any type.
"""

from __future__ import annotations

import warnings

import numpy as np
from skorch.callbacks import EpochScoring
from skorch.utils import to_numpy

from ._net.batching import TensorDataset

__all__ = ["LabelEpochScoring", "warn_if_scoring_encoded_labels"]


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
    **kwargs
        Other :class:`skorch.callbacks.EpochScoring` parameters.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from sklweight import WeightedNeuralNetClassifier
    >>> from sklweight.callbacks import LabelEpochScoring
    >>> X = np.random.RandomState(0).randn(100, 4).astype("float32")
    >>> y = np.where(X[:, 0] > 0, "pos", "neg")
    >>> net = WeightedNeuralNetClassifier(
    ...     torch.nn.Linear, module__in_features=4, module__out_features=2,
    ...     callbacks=[LabelEpochScoring("f1_macro", name="valid_f1")],
    ...     max_epochs=3, verbose=0).fit(X, y)
    >>> 0 <= net.history[-1, "valid_f1"] <= 1
    True
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


def warn_if_scoring_encoded_labels(net):
    """Warn when skorch's own ``EpochScoring`` would compare encoded targets with labels.

    Called by the classifiers when their callbacks are initialised; harmless when the
    labels are ``0..K-1`` (encoding them changes nothing).
    """
    labels = getattr(net, "classes_inferred_", None)
    if labels is None or np.array_equal(labels, np.arange(len(labels))):
        return
    plain = [
        name for name, cb in net.callbacks_
        if type(cb) is EpochScoring and cb.use_caching is not False
    ]
    if plain:
        warnings.warn(
            f"{net._public_name}: skorch's EpochScoring callback(s) {plain} compare the "
            "encoded targets 0..K-1 with predict()'s labels "
            f"{np.asarray(labels).tolist()[:5]}...; use "
            "sklweight.callbacks.LabelEpochScoring, which decodes them.",
            UserWarning,
            stacklevel=3,
        )
