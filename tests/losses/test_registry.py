"""The loss registry used by the classifiers' ``criterion=``."""

from __future__ import annotations

import pytest
import torch

import sklweight.losses as losses
from sklweight.losses import LOSSES, get_loss


def test_registered_names_and_classes():
    assert LOSSES == {
        "cross_entropy": losses.WeightedCrossEntropyLoss,
        "focal": losses.FocalLoss,
        "soft_f1": losses.SoftF1Loss,
        "label_smoothing": losses.LabelSmoothingLoss,
        "logit_adjusted": losses.LogitAdjustedLoss,
        "ldam": losses.LDAMLoss,
        "poly": losses.PolyLoss,
        "generalized_cross_entropy": losses.GeneralizedCrossEntropyLoss,
        "symmetric_cross_entropy": losses.SymmetricCrossEntropyLoss,
    }


@pytest.mark.parametrize("name", list(LOSSES))
def test_names_resolve_to_working_classes(name):
    cls = get_loss(name)
    assert cls is LOSSES[name]
    kwargs = {"class_counts": [5.0, 3.0, 1.0]} if cls.requires_class_counts else {}
    logits = torch.randn(6, 3, requires_grad=True)
    cls(**kwargs)(logits, torch.tensor([0, 1, 2, 0, 0, 1])).backward()
    assert torch.isfinite(logits.grad).all()


def test_classes_and_instances_pass_through():
    assert get_loss(losses.FocalLoss) is losses.FocalLoss
    instance = losses.FocalLoss(gamma=1.0)
    assert get_loss(instance) is instance
    assert get_loss(torch.nn.CrossEntropyLoss) is torch.nn.CrossEntropyLoss
    assert getattr(get_loss("ldam"), "requires_class_counts", False)
    assert not getattr(torch.nn.CrossEntropyLoss, "requires_class_counts", False)


def test_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"'criterion'.*'focall'") as info:
        get_loss("focall")
    message = str(info.value)
    assert all(repr(name) in message for name in LOSSES)
    assert "Did you mean 'focal'?" in message


def test_caller_and_parameter_name_are_shown():
    with pytest.raises(ValueError, match=r"'criterion' parameter of MyClassifier"):
        get_loss("nope", caller="MyClassifier")


@pytest.mark.parametrize("bad", [3, None, torch.nn.functional.cross_entropy, int])
def test_other_objects_are_rejected(bad):
    with pytest.raises(ValueError, match=r"'criterion'.*torch.nn.Module"):
        get_loss(bad)
