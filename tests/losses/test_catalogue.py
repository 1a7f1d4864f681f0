"""The per-loss rows every loss fills in the catalogue (``_helpers.CATALOGUE``): the
hyper-parameters that make it the cross-entropy and the values it refuses."""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import LOSSES, WeightedLoss
from sklweight.utils._validation import InvalidParameterError

from ._helpers import CASES, CATALOGUE, IDS, assert_close, make_batch

AS_CROSS_ENTROPY = [case for case in CATALOGUE if case.as_cross_entropy is not None]
INVALID = [(case, params) for case in CASES for params in case.invalid]


def test_the_catalogue_covers_the_registry():
    assert {case.name: case.cls for case in CATALOGUE} == LOSSES


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_function_is_named_after_the_module_and_is_what_it_calls(case):
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", case.cls.__name__)
    assert case.function.__name__ == snake.lower()
    assert issubclass(case.cls, WeightedLoss) and case.cls.function is case.function


@pytest.mark.parametrize("case", AS_CROSS_ENTROPY, ids=[c.name for c in AS_CROSS_ENTROPY])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_reduces_to_cross_entropy(case, reduction):
    logits, target, _ = make_batch(n=20, k=4, seed=11)
    weight = torch.tensor([0.5, 1.0, 2.0, 3.0], dtype=torch.float64)
    tol = {"rtol": case.cross_entropy_rtol, "atol": 1e-12}
    module = case.module(4, weight=weight, reduction=reduction, **case.as_cross_entropy)
    z = logits.clone().requires_grad_(True)
    ours = module(z, target)
    expected = F.cross_entropy(logits, target, weight=weight, reduction=reduction)
    assert_close(ours, expected, **tol)
    z_ref = logits.clone().requires_grad_(True)
    ours.sum().backward()
    F.cross_entropy(z_ref, target, weight=weight, reduction=reduction).sum().backward()
    assert_close(z.grad, z_ref.grad, **tol)
    function = case.call_function(logits, target, **case.as_cross_entropy)
    assert_close(function, F.cross_entropy(logits, target), **tol)


@pytest.mark.parametrize(
    "case, params", INVALID, ids=[f"{c.name}-{p}" for c, p in INVALID]
)
def test_invalid_hyper_parameters_are_refused_by_module_and_function(case, params):
    (name,) = params
    with pytest.raises(InvalidParameterError, match=rf"'{name}' parameter of {case.cls.__name__}"):
        case.module(3, **params)
    logits, target, _ = make_batch(n=4, k=3)
    caller = case.function.__name__
    with pytest.raises(InvalidParameterError, match=rf"'{name}' parameter of {caller}"):
        case.call_function(logits, target, **params)
