"""Bad input gets a ValueError naming the argument and the received value, for every loss."""

from __future__ import annotations

import math

import pytest
import torch

from sklweight.utils._tensor_checks import skip_value_checks
from sklweight.utils._validation import InvalidParameterError

from ._helpers import CASES, IDS, make_batch

K = 3


def _calls(case):
    """Both public entry points: the Module and the function (named as in messages)."""
    return [
        (case.cls.__name__, lambda z, t, s=None, **kw: case.module(K, **kw)(z, t, s)),
        (
            case.function.__name__,
            lambda z, t, s=None, **kw: case.function(z, t, s, **case.kwargs(K, **kw)),
        ),
    ]


def _batch():
    logits, target, sample_weight = make_batch(n=6, k=K, dtype=torch.float32)
    return logits, target, sample_weight


BAD_TENSORS = {
    "1-D logits": (lambda z, t, s: (z[:, 0], t, s), r"'logits'.*2-D tensor.*shape \(6,\)"),
    "integer logits": (lambda z, t, s: (z.long(), t, s), r"'logits'.*floating-point.*torch.int64"),
    "short target": (lambda z, t, s: (z, t[:4], s), r"'target'.*length 6.*shape \(4,\)"),
    "2-D target": (lambda z, t, s: (z, t[:, None], s), r"'target'.*shape \(6, 1\)"),
    "float target": (lambda z, t, s: (z, t.float(), s), r"'target'.*integer.*torch.float32"),
    "target too large": (lambda z, t, s: (z, t.clone().fill_(K), s), r"'target'.*\[0, 2\].*Got 3"),
    "negative target": (lambda z, t, s: (z, t.clone().fill_(-1), s), r"'target'.*Got -1"),
    "short sample_weight": (lambda z, t, s: (z, t, s[:5]), r"'sample_weight'.*length 6.*\(5,\)"),
    "negative sample_weight": (
        lambda z, t, s: (z, t, s.clone().index_fill_(0, torch.tensor([2]), -1.0)),
        r"'sample_weight'.*non-negative.*entry 2 is -1.0",
    ),
    "NaN sample_weight": (
        lambda z, t, s: (z, t, s.clone().index_fill_(0, torch.tensor([4]), math.nan)),
        r"'sample_weight'.*finite.*entry 4 is nan",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("bad", list(BAD_TENSORS), ids=list(BAD_TENSORS))
def test_bad_tensors_raise_value_error(case, bad):
    corrupt, match = BAD_TENSORS[bad]
    for caller, call in _calls(case):
        with pytest.raises(ValueError, match=match) as info:
            call(*corrupt(*_batch()))
        assert caller in str(info.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_checks_can_be_skipped_but_shapes_cannot(case):
    logits, target, sample_weight = _batch()
    module = case.module(K)
    with skip_value_checks():
        module(logits, target, sample_weight.abs())
        with pytest.raises(ValueError, match="'target'"):
            module(logits, target[:3], sample_weight)


BAD_WEIGHTS = {
    "negative": ([1.0, -2.0, 1.0], r"'weight'.*non-negative.*entry 1 is -2.0"),
    "NaN": ([1.0, 1.0, math.nan], r"'weight'.*finite.*entry 2 is nan"),
    "2-D": ([[1.0, 1.0, 1.0]], r"'weight'.*1-D.*shape \(1, 3\)"),
    "strings": (["a", "b", "c"], r"'weight'.*real numbers"),
}


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("bad", list(BAD_WEIGHTS), ids=list(BAD_WEIGHTS))
def test_bad_class_weight(case, bad):
    weight, match = BAD_WEIGHTS[bad]
    with pytest.raises(ValueError, match=match):
        case.module(K, weight=weight)
    with pytest.raises(ValueError, match=match):
        case.call_function(*_batch(), weight=weight)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_class_weight_of_wrong_length_names_k(case):
    for caller, call in _calls(case):
        with pytest.raises(ValueError, match=r"'weight'.*length 3.*K=3.*length 2") as info:
            call(*_batch(), weight=[1.0, 2.0])
        assert caller in str(info.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("reduction", ["avg", "MEAN", None])
def test_unknown_reduction(case, reduction):
    with pytest.raises(InvalidParameterError, match=rf"'reduction'.*{case.cls.__name__}.*Got"):
        case.module(K, reduction=reduction)
    with pytest.raises(ValueError, match="'reduction'"):
        case.call_function(*_batch(), reduction=reduction)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("name", ["target", "sample_weight"])
def test_tensors_on_another_device(case, name):
    logits, target, sample_weight = _batch()
    moved = {"target": target, "sample_weight": sample_weight}
    moved[name] = moved[name].to("meta")  # any device other than the logits' one
    with skip_value_checks():  # value checks would read the meta tensor first
        for _caller, call in _calls(case):
            with pytest.raises(ValueError, match=rf"'{name}'.*device of logits \(cpu\).*meta"):
                call(logits, moved["target"], moved["sample_weight"])
