"""The table of docs/user_guide/inputs.rst ("What is refused"), one test per row, across
every public boundary the row applies to: the two classifiers, the losses (Module and
function) and the class-weight objects (``compute_class_weight``,
``compute_sample_weight``, ``ClassWeights``).

Each error sklweight raises itself reads "The '<name>' parameter of <caller> must be
<expected>. Got <received> instead." plus the fix; errors of scikit-learn's
``validate_data`` keep scikit-learn's words (tests/test_input_errors.py pins them per
classifier). Rows covered elsewhere: non-finite loss and Ctrl-C
(tests/_net/test_training.py, tests/test_faults.py), divergence
(tests/_net/test_divergence.py), no mutation (tests/test_faults.py).
"""

import re

import numpy as np
import pytest
import torch
from _estimators import mlp, net
from sklearn.utils._param_validation import InvalidParameterError

from sklweight import ClassWeights, compute_class_weight, compute_sample_weight
from sklweight.losses import FocalLoss, LabelSmoothingLoss, focal_loss
from sklweight.losses._registry import get_loss

ONE_WORDING = re.compile(r"The '(\w+)' parameter of ([\w.]+) must be .+\. Got .+ instead\.",
                         re.DOTALL)

X = np.random.RandomState(0).randn(12, 4).astype(np.float32)
Y = np.arange(12) % 3
LOGITS = torch.randn(4, 3, generator=torch.Generator().manual_seed(0))
TARGET = torch.tensor([0, 1, 2, 1])


def _raises(call, error, name, caller_prefix):
    """``call`` raises ``error`` in the one wording, naming ``name`` and the caller."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    match = ONE_WORDING.search(message)
    assert match, f"not the one wording: {message}"
    assert match.group(1) == name, message
    assert match.group(2).lower().startswith(caller_prefix.lower()), message
    return message


def _fit(make, **params):
    return lambda **fit: make(**params).fit(X, fit.pop("y", Y), **fit)


# --------------------------------------------------------------------------- rows
# "y with one class, continuous y, 2-D y, NaN in y": the classifiers refuse all four
# (test_input_errors.py); the class-weight functions follow scikit-learn's
# compute_class_weight, which weighs one class and float labels, and refuse the others.
# compute_sample_weight takes a 2-D y as scikit-learn's does (multi-output: the product
# of the columns' weights).
BAD_Y = {"2-D": np.c_[Y, Y], "NaN": np.r_[Y[:-1], np.nan]}
Y_CALLS = {
    "compute_class_weight": lambda y: compute_class_weight("balanced", y=y),
    "compute_sample_weight": lambda y: compute_sample_weight("balanced", y),
    "ClassWeights.fit": lambda y: ClassWeights().fit(y),
}


@pytest.mark.parametrize("case", sorted(BAD_Y))
@pytest.mark.parametrize("caller", sorted(Y_CALLS))
def test_row_bad_y(case, caller):
    if (case, caller) == ("2-D", "compute_sample_weight"):
        np.testing.assert_allclose(compute_sample_weight("balanced", BAD_Y[case]), 1.0)
        return
    _raises(lambda: Y_CALLS[caller](BAD_Y[case]), ValueError, "y", caller)


def test_row_bad_y_for_the_losses():
    for target in (TARGET[:, None], TARGET.float(), TARGET + 3):
        for call in (FocalLoss(), lambda z, t: focal_loss(z, t)):
            _raises(lambda c=call, t=target: c(LOGITS, t), ValueError, "target", "focal")


# "sample_weight negative, NaN/inf, wrong length, all zero, not 1-D"
BAD_WEIGHTS = {
    "negative": (np.r_[np.ones(11), -1.0], "entry 11 is -1.0"),
    "NaN": (np.r_[np.nan, np.ones(11)], "entry 0 is nan"),
    "inf": (np.r_[np.ones(5), np.inf, np.ones(6)], "entry 5 is inf"),
    "length": (np.ones(7), "length 7"),
    "all-zero": (np.zeros(12), "all zeros"),
    "2-D": (np.ones((12, 2)), r"shape \(12, 2\)"),
}
WEIGHT_CALLS = {
    "WeightedMLPClassifier.fit": lambda w: mlp().fit(X, Y, sample_weight=w),
    "WeightedNeuralNetClassifier.fit": lambda w: net().fit(X, Y, sample_weight=w),
    "compute_class_weight": lambda w: compute_class_weight("balanced", y=Y, sample_weight=w),
    "compute_sample_weight": lambda w: compute_sample_weight("balanced", Y, sample_weight=w),
    "ClassWeights.fit": lambda w: ClassWeights().fit(Y, sample_weight=w),
}


@pytest.mark.parametrize("case", sorted(BAD_WEIGHTS))
@pytest.mark.parametrize("caller", sorted(WEIGHT_CALLS))
def test_row_bad_sample_weight(case, caller):
    weights, phrase = BAD_WEIGHTS[case]
    message = _raises(lambda: WEIGHT_CALLS[caller](weights), ValueError, "sample_weight", caller)
    assert re.search(phrase, message), message


LOSS_WEIGHTS = {
    "negative": (torch.tensor([1.0, -1.0, 1.0, 1.0]), "entry 1 is -1.0"),
    "NaN": (torch.tensor([1.0, 1.0, float("nan"), 1.0]), "entry 2 is nan"),
    "inf": (torch.tensor([float("inf"), 1.0, 1.0, 1.0]), "entry 0 is inf"),
    "length": (torch.ones(7), r"length 4.*\(7,\)"),
    "2-D": (torch.ones(4, 2), r"\(4, 2\)"),
}


@pytest.mark.parametrize("case", sorted(LOSS_WEIGHTS))
def test_row_bad_sample_weight_for_the_losses(case):
    # a batch whose weights are all zero is valid for a loss (0/0 for "mean", as torch)
    weights, phrase = LOSS_WEIGHTS[case]
    for caller, call in [("FocalLoss", FocalLoss()), ("focal_loss", focal_loss)]:
        message = _raises(lambda c=call: c(LOGITS, TARGET, weights), ValueError,
                          "sample_weight", caller)
        assert re.search(phrase, message), message


# "class_weight dict naming a class absent from y, or missing a class"
@pytest.mark.parametrize("param", ["class_weight", "sampler"])
@pytest.mark.parametrize("make", [mlp, net], ids=["mlp", "net"])
@pytest.mark.parametrize("mapping", [{0: 1.0, 1: 1.0, 2: 1.0, 7: 2.0}, {0: 1.0, 1: 2.0}],
                         ids=["absent", "missing"])
def test_row_class_weight_dict_for_the_classifiers(make, param, mapping):
    message = _raises(_fit(make, **{param: mapping}), ValueError, param, "Weighted")
    assert "[0, 1, 2]" in message  # the classes are listed


@pytest.mark.parametrize("caller", ["compute_class_weight", "compute_sample_weight",
                                    "ClassWeights.fit"])
def test_row_class_weight_dict_for_the_class_weight_objects(caller):
    # scikit-learn's rule: a missing class gets 1 and extra keys are ignored, unless both
    # happen at once (a likely mix-up of labels): then the classes are listed
    mapping = {0: 1.0, 7: 2.0}
    call = {
        "compute_class_weight": lambda: compute_class_weight(mapping, y=Y),
        "compute_sample_weight": lambda: compute_sample_weight(mapping, Y),
        "ClassWeights.fit": lambda: ClassWeights(mapping).fit(Y),
    }[caller]
    param = "strategy" if caller == "ClassWeights.fit" else "class_weight"
    message = _raises(call, ValueError, param, caller)
    assert "[0, 1, 2]" in message and "[7]" in message


# "unknown strategy / criterion / sampler name"
STRATEGIES = ["balanced", "inverse", "inverse_sqrt", "one_minus_frequency",
              "effective_number", "median_frequency"]
NAME_CALLS = {
    "mlp-class_weight": (_fit(mlp, class_weight="balance"), "class_weight", STRATEGIES),
    "net-sampler": (_fit(net, sampler="balance"), "sampler", STRATEGIES),
    "mlp-criterion": (_fit(mlp, criterion="focal_loss"), "criterion", ["focal", "poly"]),
    "net-criterion": (_fit(net, criterion="focal_loss"), "criterion", ["focal", "poly"]),
    "compute_class_weight": (lambda: compute_class_weight("balance", y=Y), "class_weight",
                             STRATEGIES),
    "compute_sample_weight": (lambda: compute_sample_weight("balance", Y), "class_weight",
                              STRATEGIES),
    "ClassWeights": (lambda: ClassWeights("balance").fit(Y), "strategy", STRATEGIES),
    "get_loss": (lambda: get_loss("focal_loss", caller="get_loss"), "criterion",
                 ["focal", "poly"]),
}


@pytest.mark.parametrize("case", sorted(NAME_CALLS))
def test_row_unknown_name_lists_the_valid_names(case):
    call, name, valid = NAME_CALLS[case]
    message = _raises(call, ValueError, name, "")
    for option in valid:
        assert f"'{option}'" in message, (option, message)


# "invalid hyper-parameter": scikit-learn's InvalidParameterError, at fit for estimators
HYPER_CALLS = {
    "mlp-gamma": (_fit(mlp, criterion="focal", criterion__gamma=-1.0), "criterion__gamma",
                  "WeightedMLPClassifier"),
    "net-smoothing": (_fit(net, criterion="label_smoothing", criterion__smoothing=1.0),
                      "criterion__smoothing", "WeightedNeuralNetClassifier"),
    "mlp-beta": (_fit(mlp, class_weight=ClassWeights("effective_number", beta=1.0)), "beta",
                 "ClassWeights"),
    "FocalLoss": (lambda: FocalLoss(gamma=-0.5), "gamma", "FocalLoss"),
    "focal_loss": (lambda: focal_loss(LOGITS, TARGET, gamma=-0.5), "gamma", "focal_loss"),
    "LabelSmoothingLoss": (lambda: LabelSmoothingLoss(smoothing=-0.1), "smoothing",
                           "LabelSmoothingLoss"),
    "ClassWeights": (lambda: ClassWeights("effective_number", beta=1.5).fit(Y), "beta",
                     "ClassWeights"),
    "compute_class_weight": (lambda: compute_class_weight("effective_number", y=Y, beta=-1),
                             "beta", "compute_class_weight"),
}


@pytest.mark.parametrize("case", sorted(HYPER_CALLS))
def test_row_invalid_hyper_parameter(case):
    call, name, caller = HYPER_CALLS[case]
    _raises(call, InvalidParameterError, name, caller)


def test_hyper_parameters_are_checked_at_fit_not_at_construction():
    for make in (mlp, net):
        make(criterion="focal", criterion__gamma=-1.0, class_weight="balance")
    ClassWeights("effective_number", beta=7.0)  # scikit-learn's rule: __init__ stores
