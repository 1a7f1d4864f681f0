"""LogitAdjustedLoss / logit_adjusted_loss: CE on logits + tau * log prior."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from sklweight.losses import LogitAdjustedLoss, logit_adjusted_loss

from ._helpers import assert_close, make_batch

COUNTS = [500.0, 120.0, 30.0, 6.0]


@pytest.mark.parametrize("tau", [0.0, 0.5, 1.0, 2.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_equals_cross_entropy_on_adjusted_logits(tau, reduction):
    logits, target, _ = make_batch(n=20, k=4, seed=41)
    prior = torch.tensor(COUNTS, dtype=torch.float64) / sum(COUNTS)
    expected = F.cross_entropy(logits + tau * prior.log(), target, reduction=reduction)
    module = LogitAdjustedLoss(class_counts=COUNTS, tau=tau, reduction=reduction)
    assert_close(module(logits, target), expected, rtol=1e-6)
    function = logit_adjusted_loss(
        logits, target, class_counts=COUNTS, tau=tau, reduction=reduction
    )
    assert_close(function, expected, rtol=1e-12, atol=1e-12)


def test_counts_are_scale_free():
    logits, target, _ = make_batch(n=10, k=4, seed=42)
    scaled = np.asarray(COUNTS) * 37.5
    assert_close(
        logit_adjusted_loss(logits, target, class_counts=scaled),
        logit_adjusted_loss(logits, target, class_counts=COUNTS),
        rtol=1e-12,
    )


def test_log_prior_follows_the_class_counts_buffer():
    module = LogitAdjustedLoss(class_counts=COUNTS)
    assert "class_counts" in module.state_dict()
    assert_close(module.log_prior.exp().sum(), torch.tensor(1.0), rtol=1e-6)
    assert LogitAdjustedLoss.requires_class_counts is True
    assert LogitAdjustedLoss().log_prior is None


def test_zero_count_is_treated_as_the_rarest_observed_class():
    logits, target, _ = make_batch(n=10, k=4, seed=43)
    target = target.clamp(max=2)  # class 3 absent, as in a training set without it
    with_zero = LogitAdjustedLoss(class_counts=[500, 120, 30, 0])
    as_rarest = LogitAdjustedLoss(class_counts=[500, 120, 30, 30])
    assert torch.isfinite(with_zero.log_prior).all()
    assert_close(with_zero(logits, target), as_rarest(logits, target))


def test_missing_class_counts_tells_how_to_fix():
    logits, target, _ = make_batch(n=5, k=3)
    with pytest.raises(ValueError, match=r"'class_counts'.*LogitAdjustedLoss.*pass class_counts="):
        LogitAdjustedLoss()(logits, target)
    with pytest.raises(ValueError, match=r"'class_counts'.*logit_adjusted_loss.*class_counts="):
        logit_adjusted_loss(logits, target)


def test_class_counts_of_wrong_length_names_k():
    logits, target, _ = make_batch(n=5, k=3)
    with pytest.raises(ValueError, match=r"'class_counts'.*K=3.*length 4"):
        LogitAdjustedLoss(class_counts=COUNTS)(logits, target)


@pytest.mark.parametrize(
    "counts, match",
    [
        ([1.0, -1.0, 2.0], r"non-negative.*entry 1"),
        ([0, 0, 0], r"positive for at least one class"),
        ([1.0, float("inf"), 2.0], r"finite.*entry 1"),
    ],
)
def test_bad_class_counts(counts, match):
    with pytest.raises(ValueError, match=rf"'class_counts'.*{match}"):
        LogitAdjustedLoss(class_counts=counts)


def test_class_counts_are_kept_as_given():
    # as torch's losses keep their weight: the counts come back, zeros included
    counts = [500.0, 0.0, 30.0, 6.0]
    given = torch.tensor(counts, dtype=torch.float64)
    module = LogitAdjustedLoss(class_counts=given, tau=0.5)
    assert_close(module.class_counts, given.float(), rtol=0, atol=0)
    assert "class_counts" in dict(module.named_buffers())  # moved by .to(device)
    given[0] = 1.0
    assert module.class_counts[0] == 500.0  # a copy, not the caller's tensor
    assert "class_counts=tensor([500.,   0.,  30.,   6.])" in repr(module)
    assert LogitAdjustedLoss().class_counts is None
