"""The shared validation helpers: one wording, clear messages, inputs never mutated."""

import numpy as np
import pytest
import torch

from sklweight.utils._tensor_checks import check_loss_inputs, skip_value_checks
from sklweight.utils._validation import (
    Described,
    InvalidParameterError,
    check_sample_weight,
    did_you_mean,
    format_param_error,
    unknown_value_error,
)


def test_format_param_error_wording():
    msg = format_param_error("gamma", "FocalLoss", "non-negative", -1.0, "Use gamma >= 0.")
    assert msg == (
        "The 'gamma' parameter of FocalLoss must be non-negative. Got -1.0 instead. "
        "Use gamma >= 0."
    )
    described = format_param_error("w", "f", "1-D", Described("an array of shape (2, 2)"))
    assert "Got an array of shape (2, 2) instead." in described


def test_check_sample_weight_defaults_to_ones_and_copies():
    np.testing.assert_array_equal(check_sample_weight(None, 3, caller="f"), np.ones(3))
    w = np.array([1.0, 2.0])
    out = check_sample_weight(w, 2, caller="f")
    out[0] = 5.0
    assert w[0] == 1.0


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([1.0, -2.0, 1.0], r"non-negative\. Got entry 1 is -2\.0"),
        ([1.0, np.nan, 1.0], r"finite\. Got entry 1 is nan"),
        ([1.0, 1.0, np.inf], r"finite\. Got entry 2 is inf"),
        ([1.0, 1.0], r"of length 3 .* Got an array of length 2"),
        ([[1.0, 1.0, 1.0]], r"1-D array\. Got an array of shape \(1, 3\)"),
        ([0.0, 0.0, 0.0], "positive for at least one sample"),
    ],
)
def test_check_sample_weight_errors(weights, match):
    with pytest.raises(ValueError, match=match):
        check_sample_weight(weights, 3, caller="f")


def test_loss_value_checks_can_be_skipped_but_shape_checks_cannot():
    logits = torch.zeros(3, 2)
    target = torch.tensor([0, 1, 5])
    with pytest.raises(ValueError, match="class indices in"):
        check_loss_inputs(logits, target, caller="L")
    with skip_value_checks():
        check_loss_inputs(logits, target, caller="L")  # the caller validated its data
        with pytest.raises(ValueError, match="1-D tensor of length 3"):
            check_loss_inputs(logits, target[:2], caller="L")
    with pytest.raises(ValueError, match="class indices in"):
        check_loss_inputs(logits, target, caller="L")  # the context was left


def test_loss_inputs_must_share_the_logits_device():
    logits = torch.zeros(2, 2, device="meta")
    with pytest.raises(ValueError, match="on the device of logits"):
        check_loss_inputs(logits, torch.tensor([0, 1]), caller="L")


def test_did_you_mean_suggests_the_closest_name_or_nothing():
    assert did_you_mean("balnced", ["balanced", "inverse"]) == "Did you mean 'balanced'?"
    assert did_you_mean("zzz", ["balanced", "inverse"]) is None
    assert did_you_mean(3, ["balanced"]) is None


def test_unknown_value_error_lists_the_options_and_suggests_one():
    error = unknown_value_error("weight_normalization", "Est", ("global", "batch"), "globl",
                                "See the user guide.")
    assert isinstance(error, InvalidParameterError) and isinstance(error, ValueError)
    assert str(error) == (
        "The 'weight_normalization' parameter of Est must be one of 'global', 'batch'. "
        "Got 'globl' instead. Did you mean 'global'? See the user guide.")
    plain = unknown_value_error("p", "Est", ("a",), "zzz")
    assert str(plain) == "The 'p' parameter of Est must be one of 'a'. Got 'zzz' instead."


