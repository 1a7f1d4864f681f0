"""Per-class vectors: what a loss derives from its class counts is computed once."""

from __future__ import annotations

import gc

import pytest
import torch

from sklweight.losses import LDAMLoss, LogitAdjustedLoss, _per_class
from sklweight.losses._per_class import LossArgumentError, from_class_counts

from ._helpers import assert_close, make_batch


def _counting():
    calls = []

    def log_prior(counts):
        calls.append(counts)
        return torch.log(counts / counts.sum())

    return log_prior, calls


def test_computed_once_per_counts_tensor_device_and_dtype():
    function, calls = _counting()
    counts = torch.tensor([4.0, 0.0, 2.0])
    first = from_class_counts(function, counts)
    assert from_class_counts(function, counts) is first
    assert len(calls) == 1 and calls[0].dtype == torch.float64
    assert calls[0].tolist() == [4.0, 2.0, 2.0]  # the zero count as the rarest observed
    logits = torch.zeros(5, 3, dtype=torch.float64)
    assert from_class_counts(function, counts, like=logits).dtype == torch.float64
    assert len(calls) == 2


def test_recomputed_after_an_in_place_change_and_dropped_with_the_tensor():
    function, calls = _counting()
    counts = torch.tensor([1.0, 1.0])
    assert_close(from_class_counts(function, counts).exp(), torch.tensor([0.5, 0.5]))
    counts.copy_(torch.tensor([3.0, 1.0]))  # as load_state_dict does
    assert_close(from_class_counts(function, counts).exp(), torch.tensor([0.75, 0.25]))
    assert len(calls) == 2
    before = len(_per_class._DERIVED)
    del counts
    gc.collect()
    assert len(_per_class._DERIVED) == before - 1


def test_the_length_is_checked_against_the_logits_on_every_call():
    function, _ = _counting()
    counts = torch.tensor([1.0, 2.0, 3.0])
    from_class_counts(function, counts, like=torch.zeros(2, 3))
    with pytest.raises(LossArgumentError):
        from_class_counts(function, counts, like=torch.zeros(2, 4))


def test_modules_follow_their_counts_buffer():
    module = LogitAdjustedLoss(class_counts=[1.0, 1.0, 2.0], tau=1.0)
    logits, target, _ = make_batch(n=6, k=3, dtype=torch.float32)
    before = module(logits, target)
    module.load_state_dict({"class_counts": torch.tensor([2.0, 1.0, 1.0])})
    assert_close(module.log_prior.exp(), torch.tensor([0.5, 0.25, 0.25]))
    assert not torch.equal(module(logits, target), before)
    ldam = LDAMLoss(class_counts=[16.0, 1.0], max_margin=0.5)
    ldam.max_margin = 1.0
    assert_close(ldam.margins, torch.tensor([0.5, 1.0]))
