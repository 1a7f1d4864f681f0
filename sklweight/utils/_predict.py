"""``predict`` and ``predict_log_proba`` derived from ``predict_proba``, written once.

Every classifier of sklweight computes probabilities in ``predict_proba``; the label is
the column of the highest probability and the log-probabilities its logarithm (``-inf``
for a probability of exactly 0, without a warning). Classifiers inherit both methods from
:class:`ProbaClassifierMixin`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ProbaClassifierMixin"]


class ProbaClassifierMixin:
    """Mixin deriving ``predict`` and ``predict_log_proba`` from ``predict_proba``.

    The labels are ``_predict_labels()``: ``classes_`` unless the class says otherwise
    (None returns the column indices).
    """

    def _predict_labels(self):
        return self.classes_

    def predict(self, X):
        """Predict the label of each row: the class of the highest probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels as given to ``fit``.
        """
        index = np.argmax(self.predict_proba(X), axis=1)  # checks that it is fitted
        labels = self._predict_labels()
        return index if labels is None else np.asarray(labels)[index]

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba` (``-inf`` for a probability of 0).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba)
