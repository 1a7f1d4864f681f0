"""Bad parameters get a clear error at fit, for both classifiers: class_weight
dicts that do not match the classes, unknown names, invalid hyper-parameters, devices.
"""

import numpy as np
import pytest
import torch
from _estimators import both, mlp, net
from sklearn.utils._param_validation import InvalidParameterError

from sklweight import ClassWeights
from sklweight.losses import FocalLoss, WeightedCrossEntropyLoss


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
    # 0.9 is inside [0, 1) but above (K-1)/K for K=3: a ValueError naming K
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


def test_early_stopping_split_that_cannot_be_stratified_names_the_fix():
    from sklweight import WeightedMLPClassifier

    rng = np.random.RandomState(0)
    X = rng.randn(100, 4).astype(np.float32)
    y = np.r_[np.zeros(60), np.ones(39), [2]].astype(int)
    clf = WeightedMLPClassifier(8, max_epochs=2, early_stopping=True)
    with pytest.raises(ValueError, match=r"class\(es\) \[2\] have 1\. Set early_stopping=False"):
        clf.fit(X, y)
    assert not hasattr(clf, "n_features_in_")  # nothing of the failed fit is kept
    y2 = np.r_[np.zeros(60), np.ones(38), [2, 2]].astype(int)
    zero_one = np.r_[np.ones(99), 0.0]  # a zero-weight row does not count
    with pytest.raises(ValueError, match=r"class\(es\) \[2\] have 1"):
        clf.fit(X, y2, sample_weight=zero_one)
    with pytest.raises(ValueError, match=r"validation_fraction=0.02 of the 100 rows \(2\)"):
        clf.set_params(validation_fraction=0.02).fit(X, y2)
