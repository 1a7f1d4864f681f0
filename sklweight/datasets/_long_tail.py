"""Long-tailed and label-noise versions of scikit-learn's bundled digits data.

Both generators follow the protocols of the specification (section 8): per seed, a
balanced test set is drawn first from :func:`sklearn.datasets.load_digits` (per class,
half of the smallest class count), and the remaining rows form the pool the training set
is taken from. The test set depends only on ``random_state``, so "digits-LT" and "noisy
digits" share it for the same seed.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import check_random_state

from ..utils._validation import Interval, validate_params

__all__ = ["make_long_tailed_digits", "make_noisy_digits"]

# The smallest number of training rows a class keeps, however large the imbalance.
_MIN_TAIL_ROWS = 2


def _balanced_split(rng):
    """Digits, a balanced test set and the pool left for training.

    Per class, the rows are shuffled; the first ``min_c n_c // 2`` go to the test set and
    the rest to the pool (kept in shuffled order, so taking a prefix of a class's pool is a
    uniform random draw without replacement).

    Returns
    -------
    X, y : ndarray
        The whole digits data set.
    test_idx : ndarray of int
        Test rows, in the data set's order.
    pool : list of ndarray of int
        The pool rows of each class (index = class label), shuffled.
    """
    X, y = load_digits(return_X_y=True)
    classes = np.unique(y)
    n_test = int(np.bincount(y).min()) // 2
    test, pool = [], []
    for c in classes:
        rows = rng.permutation(np.flatnonzero(y == c))
        test.append(rows[:n_test])
        pool.append(rows[n_test:])
    return X, y, np.sort(np.concatenate(test)), pool


def _long_tail_profile(n_max, n_classes, imbalance):
    """Rows kept per position in the head-to-tail order: ``n_max * imbalance**(-i/(K-1))``.

    The counts are rounded down (with a tolerance for floating-point error) and never go
    below two rows.

    Parameters
    ----------
    n_max : int
        Rows of the head class.
    n_classes : int
        Number of classes ``K``.
    imbalance : float
        Ratio ``rho`` between the head and the tail count before rounding.

    Returns
    -------
    counts : ndarray of int of shape (n_classes,)
        Non-increasing counts, head first.
    """
    steps = np.arange(n_classes) / max(n_classes - 1, 1)
    exact = n_max * float(imbalance) ** -steps
    counts = np.floor(exact + 1e-9).astype(np.int64)
    return np.maximum(counts, min(_MIN_TAIL_ROWS, n_max))


def make_long_tailed_digits(*, imbalance=50, random_state=0):
    """Long-tailed digits ("digits-LT"): an imbalanced training set, a balanced test set.

    Built from scikit-learn's bundled :func:`~sklearn.datasets.load_digits` (1 797 images
    of 8x8 pixels, 10 classes; nothing is downloaded). For each seed:

    1. a balanced test set is drawn first: per class, half of the smallest class count
       (87 rows x 10 classes = 870 rows);
    2. the remaining rows form the pool;
    3. the classes are put in a random head-to-tail order (a per-seed permutation of the
       labels), and the class at position ``i`` keeps
       ``n_i = floor(n_max * imbalance ** (-i / (K - 1)))`` rows drawn at random from its
       pool, with ``n_max`` the smallest pool count (87) and at least 2 rows per class.

    With the default ``imbalance=50`` the training set has 240 rows, from 87 rows of the
    head class down to 2 of the tail class. This is the "digits-LT" protocol of the
    sklweight learning-quality checks; score models on the test set with a metric that
    weights classes equally, such as :func:`~sklearn.metrics.balanced_accuracy_score`.

    Parameters
    ----------
    imbalance : float, default=50
        Ratio ``rho >= 1`` between the head and the tail class counts before rounding and
        the two-row floor. ``imbalance=1`` gives a balanced training set (87 rows per
        class).
    random_state : int, RandomState instance or None, default=0
        Seeds the test split, the head-to-tail order and the rows kept. An int gives the
        same data on every call.

    Returns
    -------
    X_train : ndarray of shape (n_train, 64)
        Training images (pixel values 0-16, float64), in the data set's row order.
    X_test : ndarray of shape (870, 64)
        Balanced test images, in the data set's row order; disjoint from ``X_train``.
    y_train : ndarray of shape (n_train,)
        Training labels (digits 0-9), long-tailed.
    y_test : ndarray of shape (870,)
        Test labels, 87 per class.

    See Also
    --------
    make_noisy_digits : the same test set with label noise and quality weights instead.

    Examples
    --------
    >>> import numpy as np
    >>> from sklweight.datasets import make_long_tailed_digits
    >>> X_train, X_test, y_train, y_test = make_long_tailed_digits(random_state=0)
    >>> X_train.shape, X_test.shape
    ((240, 64), (870, 64))
    >>> sorted(np.bincount(y_train).tolist(), reverse=True)
    [87, 56, 36, 23, 15, 9, 6, 4, 2, 2]
    >>> np.bincount(y_test).tolist()
    [87, 87, 87, 87, 87, 87, 87, 87, 87, 87]
    """
    validate_params(
        {
            "imbalance": [Interval(Real, 1, None, closed="left")],
            "random_state": ["random_state"],
        },
        {"imbalance": imbalance, "random_state": random_state},
        caller="make_long_tailed_digits",
    )
    rng = check_random_state(random_state)
    X, y, test_idx, pool = _balanced_split(rng)
    order = rng.permutation(len(pool))  # order[i] is the class at position i
    n_max = min(len(rows) for rows in pool)
    counts = _long_tail_profile(n_max, len(pool), imbalance)
    train_idx = np.sort(
        np.concatenate([pool[c][:n] for c, n in zip(order, counts, strict=True)])
    )
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def make_noisy_digits(*, noise=0.3, low_weight=0.2, random_state=0):
    """Digits with flipped training labels and per-row quality weights ("noisy digits").

    Built from scikit-learn's bundled :func:`~sklearn.datasets.load_digits` (nothing is
    downloaded). For each seed the balanced test set of :func:`make_long_tailed_digits`
    is drawn first (87 rows per class, the same rows for the same ``random_state``); the
    whole remaining pool (927 rows) is the training set. Then
    ``round(noise * n_train)`` training rows, chosen at random, get their label replaced
    by another class drawn uniformly among the other nine. ``quality_weight`` marks the
    flipped rows with ``low_weight`` and the clean rows with 1.0: the per-row confidence
    a user would pass as ``fit(X, y, sample_weight=quality_weight)``.

    The test labels are never flipped. The training rows and their order do not depend on
    ``noise``: ``make_noisy_digits(noise=0.0, random_state=s)`` returns the clean labels
    of the same rows.

    Parameters
    ----------
    noise : float, default=0.3
        Fraction of the training labels flipped, in [0, 1].
    low_weight : float, default=0.2
        Quality weight of a flipped row (clean rows weigh 1.0); non-negative.
    random_state : int, RandomState instance or None, default=0
        Seeds the test split and the label noise. An int gives the same data on every
        call.

    Returns
    -------
    X_train : ndarray of shape (927, 64)
        Training images (pixel values 0-16, float64), in the data set's row order.
    X_test : ndarray of shape (870, 64)
        Balanced test images, disjoint from ``X_train``.
    y_train : ndarray of shape (927,)
        Training labels, a ``noise`` fraction of them wrong.
    y_test : ndarray of shape (870,)
        Clean test labels, 87 per class.
    quality_weight : ndarray of shape (927,)
        ``low_weight`` on the flipped rows, 1.0 elsewhere (float64).

    See Also
    --------
    make_long_tailed_digits : the same test set with a long-tailed training set.

    Examples
    --------
    >>> import numpy as np
    >>> from sklweight.datasets import make_noisy_digits
    >>> X_train, X_test, y_train, y_test, quality_weight = make_noisy_digits(random_state=0)
    >>> X_train.shape, X_test.shape
    ((927, 64), (870, 64))
    >>> y_clean = make_noisy_digits(noise=0.0, random_state=0)[2]
    >>> int((y_train != y_clean).sum())
    278
    >>> bool(np.all(quality_weight[y_train != y_clean] == 0.2))
    True
    >>> bool(np.all(quality_weight[y_train == y_clean] == 1.0))
    True
    """
    validate_params(
        {
            "noise": [Interval(Real, 0, 1, closed="both")],
            "low_weight": [Interval(Real, 0, None, closed="left")],
            "random_state": ["random_state"],
        },
        {"noise": noise, "low_weight": low_weight, "random_state": random_state},
        caller="make_noisy_digits",
    )
    rng = check_random_state(random_state)
    X, y, test_idx, pool = _balanced_split(rng)
    train_idx = np.sort(np.concatenate(pool))
    y_train = y[train_idx].copy()
    classes = np.unique(y)
    n_train, n_classes = len(train_idx), len(classes)
    flipped = rng.choice(n_train, size=int(round(noise * n_train)), replace=False)
    # a uniform draw among the other classes: shift the class index by 1 .. K-1
    codes = np.searchsorted(classes, y_train[flipped])
    shift = rng.randint(1, n_classes, size=len(flipped))
    y_train[flipped] = classes[(codes + shift) % n_classes]
    quality_weight = np.ones(n_train)
    quality_weight[flipped] = low_weight
    return X[train_idx], X[test_idx], y_train, y[test_idx], quality_weight

