"""make_long_tailed_digits and make_noisy_digits follow the protocols of docs/benchmarks.rst
("Learning quality: digits-LT and noisy digits")."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from sklweight.datasets import make_long_tailed_digits, make_noisy_digits

N_TEST_PER_CLASS = 87  # half of the smallest digits class (174)
N_MAX = 87  # the smallest pool count: 174 - 87
N_CLASSES = 10
N_POOL = 1797 - N_CLASSES * N_TEST_PER_CLASS  # 927


@pytest.fixture(scope="module")
def digits():
    """The bundled digits and a lookup from a row's bytes to its index (rows are unique)."""
    X, y = load_digits(return_X_y=True)
    index = {row.tobytes(): i for i, row in enumerate(X)}
    assert len(index) == len(X)
    return X, y, index


def _rows(index, X):
    return np.array([index[row.tobytes()] for row in X])


def _profile(imbalance):
    """The documented class profile, written out independently of the implementation."""
    return [
        max(2, int(np.floor(N_MAX * imbalance ** (-i / (N_CLASSES - 1)) + 1e-9)))
        for i in range(N_CLASSES)
    ]


# ------------------------------------------------------------------ digits-LT
def test_long_tailed_digits_defaults():
    X_train, X_test, y_train, y_test = make_long_tailed_digits()
    assert X_train.shape == (240, 64)
    assert X_test.shape == (N_CLASSES * N_TEST_PER_CLASS, 64)
    assert y_train.shape == (240,)
    assert y_test.shape == (870,)
    assert X_train.dtype == X_test.dtype == np.float64
    assert sorted(np.bincount(y_train, minlength=10), reverse=True) == [
        87, 56, 36, 23, 15, 9, 6, 4, 2, 2,
    ]


@pytest.mark.parametrize("seed", range(5))
def test_long_tailed_digits_balanced_test_set(seed):
    _, _, _, y_test = make_long_tailed_digits(random_state=seed)
    np.testing.assert_array_equal(np.bincount(y_test), [N_TEST_PER_CLASS] * N_CLASSES)


@pytest.mark.parametrize("imbalance", [1, 2.5, 10, 50, 100])
@pytest.mark.parametrize("seed", [0, 3])
def test_long_tailed_digits_profile(imbalance, seed):
    _, _, y_train, _ = make_long_tailed_digits(imbalance=imbalance, random_state=seed)
    counts = np.bincount(y_train, minlength=N_CLASSES)
    assert sorted(counts, reverse=True) == _profile(imbalance)
    assert len(y_train) == sum(_profile(imbalance))


@pytest.mark.parametrize("imbalance", [2.5, 5, 10, 20])
def test_long_tailed_digits_ratio_is_the_imbalance(imbalance):
    # while the tail keeps more than the 2-row floor, max/min is rho up to the rounding
    _, _, y_train, _ = make_long_tailed_digits(imbalance=imbalance, random_state=1)
    counts = np.bincount(y_train, minlength=N_CLASSES)
    assert counts.max() == N_MAX
    assert counts.max() / counts.min() == pytest.approx(imbalance, rel=0.15)
    assert counts.min() == np.floor(N_MAX / imbalance)


def test_long_tailed_digits_tail_floor():
    _, _, y_train, _ = make_long_tailed_digits(imbalance=1000, random_state=0)
    counts = np.bincount(y_train, minlength=N_CLASSES)
    assert counts.min() == 2
    assert counts.max() == N_MAX


def test_long_tailed_digits_imbalance_one_is_balanced():
    _, _, y_train, _ = make_long_tailed_digits(imbalance=1, random_state=0)
    np.testing.assert_array_equal(np.bincount(y_train), [N_MAX] * N_CLASSES)


def test_long_tailed_digits_order_is_a_per_seed_permutation():
    # rho = 10 gives distinct counts, so the head-to-tail order can be read back
    orders = []
    for seed in range(5):
        _, _, y_train, _ = make_long_tailed_digits(imbalance=10, random_state=seed)
        counts = np.bincount(y_train, minlength=N_CLASSES)
        assert len(set(counts)) == N_CLASSES
        order = tuple(np.argsort(-counts))
        assert sorted(order) == list(range(N_CLASSES))
        orders.append(order)
    assert len(set(orders)) == len(orders)
    # the head class at the default imbalance changes with the seed too
    heads = {
        int(np.bincount(make_long_tailed_digits(random_state=s)[2]).argmax()) for s in range(5)
    }
    assert len(heads) > 1


@pytest.mark.parametrize("seed", range(3))
def test_long_tailed_digits_rows_are_digits_and_disjoint(digits, seed):
    X, y, index = digits
    X_train, X_test, y_train, y_test = make_long_tailed_digits(random_state=seed)
    train, test = _rows(index, X_train), _rows(index, X_test)
    assert len(set(train)) == len(train)
    assert len(set(test)) == len(test)
    assert not set(train) & set(test)
    np.testing.assert_array_equal(y[train], y_train)
    np.testing.assert_array_equal(y[test], y_test)
    # rows come in the data set's order
    assert np.all(np.diff(train) > 0)
    assert np.all(np.diff(test) > 0)


def test_long_tailed_digits_test_set_depends_on_the_seed_only():
    _, X_test, _, y_test = make_long_tailed_digits(imbalance=50, random_state=2)
    _, X_test_10, _, y_test_10 = make_long_tailed_digits(imbalance=10, random_state=2)
    np.testing.assert_array_equal(X_test, X_test_10)
    np.testing.assert_array_equal(y_test, y_test_10)
    _, X_other, _, _ = make_long_tailed_digits(imbalance=50, random_state=3)
    assert not np.array_equal(X_test, X_other)


def test_long_tailed_digits_deterministic():
    first = make_long_tailed_digits(random_state=7)
    second = make_long_tailed_digits(random_state=7)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    from_instance = make_long_tailed_digits(random_state=np.random.RandomState(7))
    for a, b in zip(first, from_instance, strict=True):
        np.testing.assert_array_equal(a, b)
    other = make_long_tailed_digits(random_state=8)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("imbalance", [0.5, 0, -1, np.inf, np.nan, "50"])
def test_long_tailed_digits_invalid_imbalance(imbalance):
    with pytest.raises((ValueError, TypeError), match="'imbalance' parameter"):
        make_long_tailed_digits(imbalance=imbalance)


def test_long_tailed_digits_keyword_only():
    with pytest.raises(TypeError):
        make_long_tailed_digits(50)


# ------------------------------------------------------------------ noisy digits
def test_noisy_digits_defaults(digits):
    X, y, index = digits
    X_train, X_test, y_train, y_test, quality_weight = make_noisy_digits()
    assert X_train.shape == (N_POOL, 64)
    assert X_test.shape == (870, 64)
    assert y_train.shape == quality_weight.shape == (N_POOL,)
    assert quality_weight.dtype == np.float64
    np.testing.assert_array_equal(np.bincount(y_test), [N_TEST_PER_CLASS] * N_CLASSES)
    train, test = _rows(index, X_train), _rows(index, X_test)
    # the whole pool: train and test partition the data set
    assert not set(train) & set(test)
    assert set(train) | set(test) == set(range(len(X)))
    np.testing.assert_array_equal(y[test], y_test)


@pytest.mark.parametrize("seed", range(3))
def test_noisy_digits_same_test_set_as_long_tailed(seed):
    _, X_test, _, y_test, _ = make_noisy_digits(random_state=seed)
    _, X_test_lt, _, y_test_lt = make_long_tailed_digits(random_state=seed)
    np.testing.assert_array_equal(X_test, X_test_lt)
    np.testing.assert_array_equal(y_test, y_test_lt)


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.3, 0.5, 1.0])
@pytest.mark.parametrize("seed", [0, 4])
def test_noisy_digits_flips_and_weights(digits, noise, seed):
    X, y, index = digits
    X_train, _, y_train, _, quality_weight = make_noisy_digits(noise=noise, random_state=seed)
    y_clean = y[_rows(index, X_train)]
    flipped = y_train != y_clean
    assert flipped.sum() == round(noise * N_POOL)
    assert set(np.unique(y_train)) <= set(range(N_CLASSES))
    np.testing.assert_array_equal(quality_weight[flipped], 0.2)
    np.testing.assert_array_equal(quality_weight[~flipped], 1.0)


def test_noisy_digits_default_fraction(digits):
    X, y, index = digits
    X_train, _, y_train, _, quality_weight = make_noisy_digits(random_state=1)
    flipped = y_train != y[_rows(index, X_train)]
    assert flipped.mean() == pytest.approx(0.3, abs=1 / N_POOL)
    assert flipped.sum() == 278
    assert (quality_weight == 0.2).sum() == 278


def test_noisy_digits_rows_do_not_depend_on_noise():
    X_clean, X_test_clean, y_clean, _, w_clean = make_noisy_digits(noise=0.0, random_state=5)
    X_noisy, X_test_noisy, y_noisy, _, w_noisy = make_noisy_digits(noise=0.3, random_state=5)
    np.testing.assert_array_equal(X_clean, X_noisy)
    np.testing.assert_array_equal(X_test_clean, X_test_noisy)
    np.testing.assert_array_equal(w_clean, 1.0)
    np.testing.assert_array_equal((y_clean != y_noisy), w_noisy == 0.2)


def test_noisy_digits_new_label_is_uniform_among_the_others():
    _, _, y_clean, _, _ = make_noisy_digits(noise=0.0, random_state=0)
    _, _, y_noisy, _, _ = make_noisy_digits(noise=1.0, random_state=0)
    shift = (y_noisy - y_clean) % N_CLASSES
    counts = np.bincount(shift, minlength=N_CLASSES)
    assert counts[0] == 0  # never flipped to the same class
    # 927 draws over 9 shifts: ~103 each (sd ~10)
    assert counts[1:].min() > 65
    assert counts[1:].max() < 145


@pytest.mark.parametrize("low_weight", [0.0, 0.5, 3.0])
def test_noisy_digits_low_weight(low_weight):
    _, _, y_train, _, w = make_noisy_digits(low_weight=low_weight, random_state=2)
    _, _, y_clean, _, _ = make_noisy_digits(noise=0.0, random_state=2)
    np.testing.assert_array_equal(w[y_train != y_clean], low_weight)
    np.testing.assert_array_equal(w[y_train == y_clean], 1.0)


def test_noisy_digits_deterministic():
    first = make_noisy_digits(random_state=3)
    second = make_noisy_digits(random_state=3)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    other = make_noisy_digits(random_state=4)
    assert not np.array_equal(first[2], other[2])
    assert not np.array_equal(first[4], other[4])


@pytest.mark.parametrize(
    "params, name",
    [
        ({"noise": -0.1}, "noise"),
        ({"noise": 1.5}, "noise"),
        ({"noise": np.nan}, "noise"),
        ({"low_weight": -1.0}, "low_weight"),
        ({"low_weight": np.inf}, "low_weight"),
        ({"random_state": "zero"}, "random_state"),
    ],
)
def test_noisy_digits_invalid_params(params, name):
    with pytest.raises((ValueError, TypeError), match=f"'{name}' parameter"):
        make_noisy_digits(**params)


def test_public_namespace():
    import sklweight.datasets as datasets

    assert sorted(datasets.__all__) == ["make_long_tailed_digits", "make_noisy_digits"]
