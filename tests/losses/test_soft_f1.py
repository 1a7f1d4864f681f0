"""SoftF1Loss / soft_f1_loss: sklearn's F1 on hard predictions, weights in the counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from sklweight.losses import SoftF1Loss, soft_f1_loss
from sklweight.losses._autograd import soft_counts

from ._helpers import assert_close, make_batch


def _confident(predicted, k, margin=1e4):
    logits = torch.full((len(predicted), k), -margin, dtype=torch.float64)
    logits[torch.arange(len(predicted)), torch.as_tensor(predicted)] = margin
    return logits


@pytest.mark.parametrize("average", ["macro", "weighted", "micro"])
def test_perfect_confident_prediction_gives_zero(average):
    target = torch.tensor([0, 2, 2, 4, 0, 4])  # classes 1 and 3 absent from the batch
    logits = _confident(target, 5)
    weights = torch.tensor([1.0, 0.5, 2.0, 1.0, 0.0, 3.0], dtype=torch.float64)
    for sample_weight in (None, weights):
        loss = SoftF1Loss(average=average)(logits, target, sample_weight)
        assert abs(loss.item()) < 1e-12


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["macro", "weighted", "micro"]))
def test_one_hot_predictions_equal_sklearn_f1(seed, average):
    rng = np.random.default_rng(seed)
    n, k = 30, 4
    y_true = rng.integers(0, k, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, k, n))
    w = rng.random(n) + 0.05
    labels = np.unique(y_true)  # the loss averages over the classes present in the targets
    expected = 1 - f1_score(
        y_true, y_pred, labels=labels, average=average, sample_weight=w, zero_division=0
    )
    loss = soft_f1_loss(
        _confident(y_pred, k), torch.as_tensor(y_true), torch.as_tensor(w), average=average
    )
    assert loss.item() == pytest.approx(expected, abs=1e-12)


def test_confident_all_wrong_prediction_gives_one():
    target = torch.tensor([0, 1, 2, 0])
    loss = SoftF1Loss()(_confident([1, 2, 0, 2], 3), target)
    assert loss.item() == pytest.approx(1.0)


def test_reduction_none_is_refused_with_an_explanation():
    with pytest.raises(ValueError, match=r"'reduction'.*SoftF1Loss.*'none'.*does not decompose"):
        SoftF1Loss(reduction="none")
    logits, target, _ = make_batch(n=5, k=3)
    with pytest.raises(ValueError, match=r"'reduction'.*soft_f1_loss.*'none'"):
        soft_f1_loss(logits, target, reduction="none")


def test_mean_and_sum_return_the_same_scalar():
    logits, target, sample_weight = make_batch(n=11, k=3, seed=21)
    mean = SoftF1Loss(reduction="mean")(logits, target, sample_weight)
    assert torch.equal(mean, SoftF1Loss(reduction="sum")(logits, target, sample_weight))
    assert mean.shape == ()


def test_class_weight_changes_the_counts():
    logits, target, _ = make_batch(n=20, k=3, seed=22)
    plain = SoftF1Loss()(logits, target)
    weighted = SoftF1Loss(weight=[1.0, 5.0, 1.0])(logits, target)
    assert not torch.isclose(plain, weighted)


@pytest.mark.parametrize("weighted", [False, True])
def test_custom_backward_soft_counts_match_autograd(weighted):
    logits, target, sample_weight = make_batch(n=13, k=4, seed=23)
    w = sample_weight if weighted else None
    z1 = logits.clone().requires_grad_(True)
    z2 = logits.clone().requires_grad_(True)
    w1 = None if w is None else w.clone().requires_grad_(True)
    w2 = None if w is None else w.clone().requires_grad_(True)
    tp, pred = soft_counts(z1, target, w1)
    p = torch.softmax(z2, 1)
    one_hot = torch.nn.functional.one_hot(target, 4).to(p.dtype)
    rows = torch.ones(13, dtype=p.dtype) if w2 is None else w2
    tp_ref, pred_ref = (rows[:, None] * p * one_hot).sum(0), (rows[:, None] * p).sum(0)
    assert_close(tp, tp_ref)
    assert_close(pred, pred_ref)
    a, b = torch.randn(4, dtype=p.dtype), torch.randn(4, dtype=p.dtype)
    ((tp * a).sum() + (pred * b).sum()).backward()
    ((tp_ref * a).sum() + (pred_ref * b).sum()).backward()
    assert_close(z1.grad, z2.grad)
    if weighted:
        assert_close(w1.grad, w2.grad)


def test_custom_backward_soft_counts_gradcheck_and_one_unused_output():
    logits, target, sample_weight = make_batch(n=7, k=3, seed=24, scale=1.0)
    z = logits.clone().requires_grad_(True)
    w = sample_weight.clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z, w: soft_counts(z, target, w), (z, w))
    soft_counts(z, target)[0].sum().backward()  # pred unused: its gradient is zero
    assert torch.isfinite(z.grad).all()

