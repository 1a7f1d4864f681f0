"""Bad X, y or sample_weight gets a clear error at the public boundary, for both
classifiers, and nothing the user passed is modified.

Each kind of bad data is tested for ``WeightedMLPClassifier`` and, where it
applies, for ``WeightedNeuralNetClassifier`` with a ``torch.nn.Linear`` module. Errors of
the parameters are in tests/test_parameter_errors.py, of the module's width in
tests/test_module_width_errors.py.
"""

import copy
import re

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from _estimators import (
    N_FEATURES,
    _raised,
    both,
    net,
)
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_array

from sklweight import ClassWeights


# --------------------------------------------------------------------------- bad X
def _with(X, value):
    X = X.astype(np.float64)
    X[3, 1] = value
    return X


BAD_X = {
    # name: (make bad X from good X, key phrase of scikit-learn's message)
    "nan": (lambda X: _with(X, np.nan), "Input X contains NaN"),
    "inf": (lambda X: _with(X, np.inf), "Input X contains infinity"),
    "empty": (lambda X: X[:0], r"Found array with 0 sample\(s\)"),
    "1d": (lambda X: X[:, 0], "Expected 2D array, got 1D array instead"),
    "complex": (lambda X: X.astype(np.complex128), "Complex data not supported"),
    "strings": (lambda X: np.full(X.shape, "a", dtype=object),
                "could not convert string to float"),
}


@both
@pytest.mark.parametrize("name", sorted(BAD_X))
def test_bad_x_at_fit_raises_what_mlpclassifier_raises(small_iris, make, name):
    X, y = small_iris
    bad, phrase = BAD_X[name]
    Xb = bad(X)
    yb = y[: len(Xb)]
    reference = _raised(lambda: MLPClassifier(max_iter=2).fit(Xb, yb))
    assert re.search(phrase, str(reference)), reference  # the phrase is scikit-learn's
    with pytest.raises(type(reference), match=phrase):
        make().fit(Xb, yb)


@both
@pytest.mark.parametrize("name", ["nan", "inf", "1d", "complex", "strings"])
def test_bad_x_at_predict_raises_what_mlpclassifier_raises(small_iris, make, name):
    X, y = small_iris
    bad, phrase = BAD_X[name]
    reference = MLPClassifier(max_iter=2).fit(X, y)
    reference_error = _raised(lambda: reference.predict(bad(X)))
    assert re.search(phrase, str(reference_error)), reference_error
    fitted = make().fit(X, y)
    for method in (fitted.predict, fitted.predict_proba):
        with pytest.raises(type(reference_error), match=phrase):
            method(bad(X))


@both
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
def test_sparse_x_is_a_type_error(small_iris, make, fmt):
    X, y = small_iris
    Xs = sp.random(len(y), N_FEATURES, density=0.5, format=fmt, random_state=0)
    reference = _raised(lambda: check_array(Xs))  # validate_data's default: dense only
    assert isinstance(reference, TypeError)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        make().fit(Xs, y)
    fitted = make().fit(X, y)
    with pytest.raises(TypeError, match="Sparse data was passed"):
        fitted.predict_proba(Xs)


@both
@pytest.mark.parametrize("method", ["predict", "predict_proba"])
@pytest.mark.parametrize("n_features", [3, 5])
def test_wrong_number_of_features_names_both_counts(small_iris, make, method, n_features):
    X, y = small_iris
    fitted = make().fit(X, y)
    other = np.zeros((5, n_features), dtype=np.float32)
    with pytest.raises(ValueError, match=rf"X has {n_features} features.*expecting 4 features"):
        getattr(fitted, method)(other)


# --------------------------------------------------------------------------- bad y
def _nan_y(y):
    y = y.astype(float)
    y[2] = np.nan
    return y


def _nan_object_y(y):
    y = np.array(["a", "b", "c"], dtype=object)[y]
    y[2] = np.nan
    return y


BAD_Y = {
    "one_class": (lambda y: np.zeros_like(y), "only one class"),
    "one_string_class": (lambda y: np.full(len(y), "spam"), "only one class: 'spam'"),
    "continuous": (lambda y: np.linspace(0, 1, len(y)), "Unknown label type: continuous"),
    "2d": (lambda y: np.c_[y, y], r"y should be a 1d array, got an array of shape \(50, 2\)"),
    "nan": (_nan_y, "Input y contains NaN"),
    "nan_object": (_nan_object_y, "contains NaN"),
}


@both
@pytest.mark.parametrize("name", sorted(BAD_Y))
def test_bad_y_is_a_value_error(small_iris, make, name):
    X, y = small_iris
    bad, phrase = BAD_Y[name]
    with pytest.raises(ValueError, match=phrase):
        make().fit(X, bad(y))


# --------------------------------------------------------------------------- sample_weight
def _weights(n, index=None, value=None):
    w = np.ones(n)
    if index is not None:
        w[index] = value
    return w


BAD_WEIGHTS = {
    "negative": (lambda n: _weights(n, 7, -1.0), r"non-negative\. Got entry 7 is -1\.0"),
    "nan": (lambda n: _weights(n, 0, np.nan), r"finite\. Got entry 0 is nan"),
    "inf": (lambda n: _weights(n, 49, np.inf), r"finite\. Got entry 49 is inf"),
    "too_short": (lambda n: np.ones(n - 1), r"of length 50 .*Got an array of length 49"),
    "too_long": (lambda n: np.ones(n + 3), r"of length 50 .*Got an array of length 53"),
    "all_zero": (lambda n: np.zeros(n), "positive for at least one sample. Got all zeros"),
    "2d": (lambda n: np.ones((n, 2)), r"a 1-D array\. Got an array of shape \(50, 2\)"),
    "column": (lambda n: np.ones((n, 1)), r"a 1-D array\. Got an array of shape \(50, 1\)"),
}


@both
@pytest.mark.parametrize("name", sorted(BAD_WEIGHTS))
def test_bad_sample_weight_names_the_entry_or_shape(small_iris, make, name):
    X, y = small_iris
    bad, phrase = BAD_WEIGHTS[name]
    pattern = r"'sample_weight' parameter of \w+\.fit must be " + phrase
    with pytest.raises(ValueError, match=pattern):
        make().fit(X, y, sample_weight=bad(len(y)))


# --------------------------------------------------------------------------- no mutation
def _frozen(array):
    array = np.array(array, copy=True)
    array.flags.writeable = False
    return array


@both
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inputs_are_not_modified(small_iris, make, dtype):
    X, y = small_iris
    X = _frozen(X.astype(dtype))
    labels = _frozen(np.array(["x", "y", "z"])[y])
    w = _frozen(np.linspace(0.0, 2.0, len(y)))  # a zero weight: that row is dropped
    class_weight = {"x": 1.0, "y": 2.0, "z": 0.5}
    sampler = ClassWeights("effective_number", beta=0.9)
    before = [X.copy(), labels.copy(), w.copy(), copy.deepcopy(class_weight),
              sampler.get_params()]
    estimator = make(class_weight=class_weight, sampler=sampler, max_epochs=3)
    estimator.fit(X, labels, sample_weight=w)
    estimator.predict_proba(X)
    np.testing.assert_array_equal(X, before[0])
    np.testing.assert_array_equal(labels, before[1])
    np.testing.assert_array_equal(w, before[2])
    assert class_weight == before[3]
    assert sampler.get_params() == before[4]
    assert not hasattr(sampler, "class_weight_")  # a clone was fitted, not the user's
    assert estimator.class_weight is class_weight and estimator.sampler is sampler


@both
def test_class_weights_instance_is_not_fitted_in_place(small_iris, make):
    X, y = small_iris
    cw = ClassWeights("inverse")
    make(class_weight=cw).fit(X, y)
    assert not hasattr(cw, "class_weight_") and cw.get_params()["strategy"] == "inverse"


@both
def test_dataframe_series_and_tensor_inputs_are_not_modified(small_iris, make):
    X, y = small_iris
    df = pd.DataFrame(X, columns=list("abcd"))
    ys = pd.Series(y)
    ws = pd.Series(np.linspace(0.5, 1.5, len(y)))
    copies = df.copy(), ys.copy(), ws.copy()
    make().fit(df, ys, sample_weight=ws)
    pd.testing.assert_frame_equal(df, copies[0])
    pd.testing.assert_series_equal(ys, copies[1])
    pd.testing.assert_series_equal(ws, copies[2])
    if make is net:
        Xt = torch.from_numpy(X.copy())
        before = Xt.clone()
        make().fit(Xt, y)
        assert torch.equal(Xt, before)
