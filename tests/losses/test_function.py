"""``loss_function`` and ``WeightedLoss``: what one declaration gives a loss."""

from __future__ import annotations

import inspect
from numbers import Real

import pytest
import torch

from sklweight.losses import FocalLoss, WeightedLoss, focal_loss, loss_function
from sklweight.utils._validation import Interval

from ._helpers import CASES, IDS, make_batch

POSITIVE = [Interval(Real, 0, None, closed="neither")]


def _body(logits, target, sample_weight=None, *, power=1.0, weight=None, reduction="mean"):
    return logits.sum()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_module_signature_is_the_functions_keyword_arguments(case):
    function = inspect.signature(case.function).parameters.values()
    keyword = [p for p in function if p.kind is p.KEYWORD_ONLY]
    assert list(inspect.signature(case.cls).parameters.values()) == keyword
    module = case.module(3)
    for parameter in keyword:
        assert hasattr(module, parameter.name)
    assert set(case.cls._parameter_constraints) == {p.name for p in keyword}


def test_a_body_of_another_shape_is_refused_when_declared():
    def positional(logits, target, sample_weight=None, power=1.0, *, weight=None,
                   reduction="mean"):
        return logits.sum()

    def no_reduction(logits, target, sample_weight=None, *, power=1.0, weight=None):
        return logits.sum()

    for body in (positional, no_reduction):
        with pytest.raises(TypeError, match="signature is"):
            loss_function(power=POSITIVE)(body)


@pytest.mark.parametrize("constraints", [{}, {"power": POSITIVE, "gamma": POSITIVE}])
def test_every_hyper_parameter_and_only_they_have_constraints(constraints):
    with pytest.raises(TypeError, match="constraints"):
        loss_function(**constraints)(_body)


def test_unknown_or_positional_hyper_parameters_are_type_errors():
    logits, target, _ = make_batch(n=4, k=3)
    with pytest.raises(TypeError, match="'gama'"):
        focal_loss(logits, target, gama=2.0)
    with pytest.raises(TypeError, match="'gama'"):
        FocalLoss(gama=2.0)
    with pytest.raises(TypeError):
        FocalLoss(2.0)


def test_the_base_class_alone_has_no_loss():
    with pytest.raises(TypeError, match="function="):
        WeightedLoss()


def test_a_declared_loss_gets_checks_buffers_and_docstrings():
    function = loss_function(power=POSITIVE, example="power=2.0")(_body)

    class PowerLoss(WeightedLoss, function=function):
        """A test loss."""

    with pytest.raises(ValueError, match="'power' parameter of PowerLoss"):
        PowerLoss(power=0.0)
    module = PowerLoss(power=2.0, weight=[1.0, 2.0])
    assert dict(module.named_buffers())["weight"].tolist() == [1.0, 2.0]
    assert "power=2.0" in repr(module)
    assert "Functional form of :class:`PowerLoss`" in function.__doc__
    assert ">>> criterion = PowerLoss(power=2.0)" in PowerLoss.__doc__
    logits = torch.zeros(2, 2)
    assert module(logits, torch.tensor([0, 1])) == function(logits, torch.tensor([0, 1]))
