"""Small, deterministic benchmark data sets built from scikit-learn's bundled data.

Nothing is downloaded: every data set here is derived from data that ships with
scikit-learn (:func:`sklearn.datasets.load_digits`), so the learning checks and the
default data of ``sklweight compare`` work offline.

* :func:`make_long_tailed_digits` -- "digits-LT": a long-tailed training set (a class
  imbalance problem) with a balanced test set.
* :func:`make_noisy_digits` -- "noisy digits": a fraction of the training labels flipped,
  with per-row quality weights (an uneven data-quality problem).
"""

from ._long_tail import make_long_tailed_digits, make_noisy_digits

__all__ = ["make_long_tailed_digits", "make_noisy_digits"]
