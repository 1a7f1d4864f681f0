"""Bad input gets a clear error at the public boundary (SPEC 4), for both classifiers.

Each row of the SPEC 4 table is tested for ``WeightedMLPClassifier`` and, where it
applies, for ``WeightedNeuralNetClassifier`` with a ``torch.nn.Linear`` module; and
nothing the user passed is modified.
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
    mlp,
    net,
)
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_array
from sklearn.utils._param_validation import InvalidParameterError

from sklweight import (
    ClassWeights,
    WeightedNeuralNetClassifier,
)
from sklweight.losses import FocalLoss, WeightedCrossEntropyLoss


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


# --------------------------------------------------------------------------- class_weight dict
@both
@pytest.mark.parametrize("param", ["class_weight", "sampler"])
@pytest.mark.parametrize(
    ("labels", "mapping", "phrase"),
    [
        ([0, 1, 2], {0: 1.0, 1: 2.0, 2: 1.0, 3: 5.0}, r"\[0, 1, 2\].*absent from y \[3\]"),
        ([0, 1, 2], {0: 1.0, 1: 2.0}, r"\[0, 1, 2\].*missing class\(es\) \[2\]"),
        (["a", "b", "c"], {"a": 1.0, "b": 2.0, "c": 1.0, "d": 1.0},
         r"\['a', 'b', 'c'\].*absent from y \['d'\]"),
        (["a", "b", "c"], {"a": 1.0, "c": 1.0}, r"\['a', 'b', 'c'\].*missing class\(es\) \['b'\]"),
        (["a", "b", "c"], {0: 1.0, 1: 1.0, 2: 1.0},
         r"\['a', 'b', 'c'\].*missing class\(es\) \['a', 'b', 'c'\].*absent from y \[0, 1, 2\]"),
    ],
    ids=["int-extra", "int-missing", "str-extra", "str-missing", "str-vs-int"],
)
def test_class_weight_dict_must_match_the_classes(small_iris, make, param, labels, mapping, phrase):
    X, y = small_iris
    with pytest.raises(ValueError, match=rf"'{param}' parameter.*{phrase}"):
        make(**{param: mapping}).fit(X, np.asarray(labels)[y])


# --------------------------------------------------------------------------- unknown names
STRATEGIES = ["balanced", "effective_number", "inverse", "inverse_sqrt", "median_frequency",
              "one_minus_frequency"]
LOSS_NAMES = ["cross_entropy", "focal", "soft_f1", "label_smoothing", "logit_adjusted", "ldam",
              "poly"]


@both
@pytest.mark.parametrize(
    ("params", "valid"),
    [
        ({"class_weight": "balance"}, STRATEGIES),
        ({"class_weight": ClassWeights("balance")}, STRATEGIES),
        ({"sampler": "balance"}, [*STRATEGIES, "sample_weight"]),
        ({"sampler": ClassWeights("inverse_squareroot")}, STRATEGIES),
        ({"criterion": "focal_loss"}, LOSS_NAMES),
        ({"weight_normalization": "sum"}, ["global", "batch", "none"]),
    ],
    ids=["strategy", "ClassWeights-strategy", "sampler", "sampler-ClassWeights", "criterion",
         "weight_normalization"],
)
def test_unknown_name_lists_the_valid_names(small_iris, make, params, valid):
    X, y = small_iris
    estimator = make(**params)  # constructing never raises
    with pytest.raises(ValueError) as info:
        estimator.fit(X, y)
    message = str(info.value)
    for name in valid:
        assert f"'{name}'" in message, (name, message)


# --------------------------------------------------------------------------- hyper-parameters
LOSS_PARAMS = {
    # named as the user passed them, with the estimator that received them
    "gamma<0": ({"criterion": "focal", "criterion__gamma": -1},
                r"'criterion__gamma' parameter of Weighted(MLP|NeuralNet)Classifier must be a "
                r"float in the range \[0.0, inf\). Got -1 instead"),
    "smoothing=1": ({"criterion": "label_smoothing", "criterion__smoothing": 1.0},
                    r"'criterion__smoothing' parameter of Weighted.*\[0.0, 1.0\)"),
    "smoothing<0": ({"criterion": "label_smoothing", "criterion__smoothing": -0.1},
                    r"'criterion__smoothing' parameter of Weighted.*\[0.0, 1.0\)"),
    "beta>1": ({"class_weight": ClassWeights("effective_number", beta=1.5)},
               r"'beta' parameter of ClassWeights must be a float in the range \[0.0, 1.0\)"),
    "beta=1-sampler": ({"sampler": ClassWeights("effective_number", beta=1.0)},
                       r"'beta' parameter of ClassWeights"),
    "focal-alpha>1": ({"criterion": "focal", "criterion__alpha": 2.0},
                      r"'criterion__alpha' parameter"),
}

MLP_PARAMS = {
    "lr=0": ({"lr": 0}, r"'lr' parameter of WeightedMLPClassifier"),
    "lr<0": ({"lr": -1e-3}, r"'lr' parameter of WeightedMLPClassifier"),
    "hidden=(0,)": ({"hidden_layer_sizes": (0,)}, "'hidden_layer_sizes' parameter"),
    "hidden=(8,-3)": ({"hidden_layer_sizes": (8, -3)}, "'hidden_layer_sizes' parameter"),
    "hidden=(8.5,)": ({"hidden_layer_sizes": (8.5,)}, "'hidden_layer_sizes' parameter"),
    "hidden=str": ({"hidden_layer_sizes": "8,8"}, "'hidden_layer_sizes' parameter"),
    "batch_size=0": ({"batch_size": 0}, "'batch_size' parameter of WeightedMLPClassifier"),
    "max_epochs=0": ({"max_epochs": 0}, "'max_epochs' parameter of WeightedMLPClassifier"),
    "dropout=1": ({"dropout": 1.0}, "'dropout' parameter"),
    "activation": ({"activation": "relu6"}, "'activation' parameter"),
    "validation_fraction": ({"early_stopping": True, "validation_fraction": 1.5},
                            "'validation_fraction' parameter"),
    "tol<0": ({"tol": -1.0}, "'tol' parameter"),
    "dtype": ({"dtype": "float16"}, "'dtype' parameter"),
}

NET_PARAMS = {
    "lr=0": ({"lr": 0}, r"'lr' parameter of WeightedNeuralNetClassifier"),
    "batch_size=0": ({"batch_size": 0}, r"'batch_size' parameter of WeightedNeuralNetClassifier"),
    # max_epochs=0 is skorch's "initialise, train nothing" (tests/test_skorch_parity.py)
    "max_epochs=-1": ({"max_epochs": -1},
                      r"'max_epochs' parameter of WeightedNeuralNetClassifier"),
}


def _hyper_cases():
    cases = []
    for name, (params, phrase) in LOSS_PARAMS.items():
        cases += [pytest.param(mlp, params, phrase, id=f"mlp-{name}"),
                  pytest.param(net, params, phrase, id=f"net-{name}")]
    cases += [pytest.param(mlp, p, m, id=f"mlp-{n}") for n, (p, m) in MLP_PARAMS.items()]
    cases += [pytest.param(net, p, m, id=f"net-{n}") for n, (p, m) in NET_PARAMS.items()]
    return cases


@pytest.mark.parametrize(("make", "params", "phrase"), _hyper_cases())
def test_invalid_hyper_parameter_raises_at_fit_not_at_construction(
    small_iris, make, params, phrase
):
    X, y = small_iris
    estimator = make(**params)  # scikit-learn's rule: __init__ stores, fit checks
    with pytest.raises(InvalidParameterError, match=phrase):
        estimator.fit(X, y)


@both
def test_invalid_hyper_parameter_set_via_set_params(small_iris, make):
    X, y = small_iris
    estimator = make(criterion="focal").set_params(criterion__gamma=-2.0)
    with pytest.raises(InvalidParameterError, match="'criterion__gamma' parameter of Weighted"):
        estimator.fit(X, y)


def test_label_smoothing_above_uniform_names_k(small_iris):
    # 0.9 is inside [0, 1) but above (K-1)/K for K=3 (SPEC 3.6): a ValueError naming K
    X, y = small_iris
    for make in (mlp, net):
        with pytest.raises(ValueError, match="K=3"):
            make(criterion="label_smoothing", criterion__smoothing=0.9).fit(X, y)


def test_criterion_typo_without_prefix_is_a_type_error_at_construction():
    # an unknown keyword is a TypeError when the estimator is built, as for any function
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'gama'.*criterion__gama=2"):
        mlp(criterion="focal", gama=2)


@both
def test_criterion_typo_with_prefix_names_the_valid_parameters(small_iris, make):
    X, y = small_iris
    estimator = make(criterion="focal", criterion__gama=2)
    with pytest.raises(ValueError, match=r"no parameter 'gama'.*'criterion__gamma'"):
        estimator.fit(X, y)


@both
@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_loss_instance_with_other_reduction_points_to_weight_normalization(
    small_iris, make, reduction
):
    X, y = small_iris
    estimator = make(criterion=FocalLoss(gamma=1.0, reduction=reduction))
    with pytest.raises(ValueError, match=rf"'{reduction}'.*weight_normalization"):
        estimator.fit(X, y)
    estimator = make(criterion=WeightedCrossEntropyLoss, criterion__reduction=reduction)
    with pytest.raises(ValueError, match="weight_normalization"):
        estimator.fit(X, y)


# --------------------------------------------------------------------------- module width
@pytest.mark.parametrize("out_features", [2, 5])
def test_module_output_width_must_match_the_classes(small_iris, out_features):
    X, y = small_iris
    estimator = net(module__out_features=out_features)
    with pytest.raises(
        ValueError, match=rf"outputs {out_features} values per row but y has 3 classes"
    ) as info:
        estimator.fit(X, y)
    assert "module__out_features=3" in str(info.value)


class _HiddenFirstLayer(torch.nn.Module):
    """A module whose first layer is only known by running it (5 inputs)."""

    def __init__(self, n_in=5):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(n_in, 8), torch.nn.ReLU())
        self.head = torch.nn.Linear(8, 3)

    def forward(self, X):
        return self.head(self.body(X))


def _wide_module(kind):
    if kind == "Linear":
        return {"module": torch.nn.Linear, "module__in_features": 5, "module__out_features": 3}
    if kind == "Sequential":
        return {"module": torch.nn.Sequential(
            torch.nn.Dropout(0.1), torch.nn.ReLU(), torch.nn.Linear(5, 3))}
    return {"module": _HiddenFirstLayer}


@pytest.mark.parametrize(
    ("kind", "where", "max_epochs"),
    [
        ("Linear", "the module's first layer", 0),  # checked before training starts
        ("Linear", "the module's first layer", 2),
        ("Sequential", "the module's first layer", 0),
        ("custom", "a linear layer of the module", 2),  # seen at the first batch
    ],
)
def test_module_input_width_must_match_the_features(small_iris, kind, where, max_epochs):
    X, y = small_iris  # 4 features
    estimator = WeightedNeuralNetClassifier(
        **_wide_module(kind), max_epochs=max_epochs, train_split=None, verbose=0
    )
    with pytest.raises(ValueError, match=rf"X has 4 features but {where}.* expects 5 inputs"):
        estimator.fit(X, y)


def test_a_width_error_inside_the_module_is_not_blamed_on_x(small_iris):
    class Inner(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = torch.nn.Linear(4, 8), torch.nn.Linear(7, 3)

        def forward(self, X):
            return self.b(self.a(X))

    X, y = small_iris
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied"):
        WeightedNeuralNetClassifier(Inner, max_epochs=1, train_split=None).fit(X, y)


# --------------------------------------------------------------------------- device
@both
@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message without CUDA")
def test_cuda_without_cuda_is_a_clear_error_at_fit(small_iris, make):
    X, y = small_iris
    estimator = make(device="cuda")  # constructing never raises
    with pytest.raises(ValueError, match=r"'device' parameter .* Got 'cuda' instead\. CUDA is "
                                         r"not available.*use device='cpu'"):
        estimator.fit(X, y)


@both
def test_unknown_device_names_the_parameter(small_iris, make):
    X, y = small_iris
    with pytest.raises(ValueError, match=r"'device' parameter .* a torch device such as 'cpu'"):
        make(device="gpu").fit(X, y)


def test_device_none_leaves_tensors_where_they_are(small_iris):
    X, y = small_iris  # skorch's device=None: no move, and no device check
    assert net(device=None).fit(X, y).predict(X).shape == y.shape


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
