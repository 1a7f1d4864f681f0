"""Properties every loss shares, parametrized over the whole catalogue."""

from __future__ import annotations

import copy
import doctest
import importlib

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import sklweight.losses as losses_pkg

from ._helpers import (
    CASES,
    CUDA,
    DECOMPOSABLE,
    DECOMPOSABLE_IDS,
    IDS,
    assert_close,
    class_weight_for,
    grad_of,
    make_batch,
)

FAST = settings(max_examples=15, deadline=None)
batches = st.tuples(
    st.integers(4, 30), st.integers(2, 6), st.integers(0, 2**16)
)  # (n, k, seed)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_matches_float64_reference(case, weighted):
    logits, target, sample_weight = make_batch(n=15, k=4, seed=1)
    weight = class_weight_for(4) if weighted else None
    sw = sample_weight if weighted else None
    for reduction in case.reductions:
        loss = case.module(4, weight=weight, reduction=reduction)(logits, target, sw)
        assert_close(loss, case.expected(logits, target, sw, weight, reduction))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_function_equals_module(case):
    logits, target, sample_weight = make_batch(n=10, k=3, seed=2, dtype=torch.float32)
    weight = class_weight_for(3)
    for reduction in case.reductions:
        module = case.module(3, weight=weight, reduction=reduction)
        from_module = module(logits, target, sample_weight)
        from_function = case.call_function(
            logits, target, sample_weight, weight=weight, reduction=reduction
        )
        assert torch.equal(from_module, from_function)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_shapes_and_dtypes(case):
    logits, target, sample_weight = make_batch(n=7, k=3, dtype=torch.float32)
    for reduction in case.reductions:
        out = case.module(3, reduction=reduction)(logits, target, sample_weight)
        assert out.shape == ((7,) if reduction == "none" else ())
        assert out.dtype == torch.float32
    assert case.module(3)(logits.double(), target).dtype == torch.float64


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(batch=batches, factor=st.floats(1e-3, 1e3))
def test_scaling_weights_leaves_mean_unchanged(case, batch, factor):
    logits, target, sample_weight = make_batch(*batch)
    module = case.module(batch[1])
    scaled = module(logits, target, factor * sample_weight)
    assert_close(scaled, module(logits, target, sample_weight))
    if case.decomposable:  # and "sum" scales with them
        total = case.module(batch[1], reduction="sum")
        assert_close(
            total(logits, target, factor * sample_weight),
            factor * total(logits, target, sample_weight),
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_all_ones_weights_equal_no_weights(case):
    logits, target, _ = make_batch(n=9, k=3)
    for reduction in case.reductions:
        module = case.module(3, reduction=reduction)
        ones = torch.ones(9, dtype=logits.dtype)
        assert_close(module(logits, target, ones), module(logits, target))
        weighted = case.module(3, reduction=reduction, weight=[1.0, 1.0, 1.0])
        assert_close(weighted(logits, target), module(logits, target))


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(batch=batches, data=st.data())
def test_zero_weight_rows_equal_removal(case, batch, data):
    n, k, seed = batch
    logits, target, sample_weight = make_batch(n, k, seed)
    dropped = torch.tensor(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    dropped[0] = False  # keep at least one row
    keep = ~dropped
    weight = sample_weight * keep
    for reduction in ("mean", "sum"):
        module = case.module(k, reduction=reduction)
        full = grad_of(lambda z, m=module: m(z, target, weight), logits)
        kept = grad_of(lambda z, m=module: m(z, target[keep], sample_weight[keep]), logits[keep])
        assert_close(
            module(logits, target, weight), module(logits[keep], target[keep], sample_weight[keep])
        )
        assert_close(full[keep], kept)
        assert torch.all(full[dropped] == 0)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@FAST
@given(batch=batches, data=st.data())
def test_integer_weight_equals_repeated_row(case, batch, data):
    n, k, seed = batch
    logits, target, _ = make_batch(n, k, seed)
    repeats = torch.tensor(data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n)))
    weight = repeats.to(logits.dtype)
    for reduction in ("mean", "sum"):
        module = case.module(k, reduction=reduction)
        repeated = (logits.repeat_interleave(repeats, 0), target.repeat_interleave(repeats))
        assert_close(module(logits, target, weight), module(*repeated))
        grad = grad_of(lambda z, m=module: m(z, target, weight), logits)
        grad_rep = grad_of(lambda z, m=module, t=repeated[1]: m(z, t), repeated[0])
        rows = torch.arange(n).repeat_interleave(repeats)
        summed = torch.zeros_like(grad).index_add_(0, rows, grad_rep)
        assert_close(grad, summed)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_class_weight_equals_sample_weight_of_its_class(case):
    logits, target, sample_weight = make_batch(n=14, k=4, seed=3)
    weight = torch.tensor(class_weight_for(4), dtype=logits.dtype)
    for reduction in case.reductions:
        with_class = case.module(4, weight=weight, reduction=reduction)
        as_sample = case.module(4, reduction=reduction)
        assert_close(
            with_class(logits, target, sample_weight),
            as_sample(logits, target, sample_weight * weight[target]),
        )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcheck_float64(case):
    logits, target, sample_weight = make_batch(n=8, k=3, seed=4, scale=1.0)
    module = case.module(3, weight=class_weight_for(3))
    z = logits.clone().requires_grad_(True)
    s = sample_weight.clone().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z, s: module(z, target, s), (z, s))
    if case.decomposable:
        none = case.module(3, reduction="none")
        assert torch.autograd.gradcheck(lambda z: none(z, target, sample_weight), (z,))


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_extreme_logits_give_finite_loss_and_gradients(case, dtype):
    gen = torch.Generator().manual_seed(5)
    k = 4
    logits = 1e4 * (2 * torch.randint(0, 2, (16, k), generator=gen).to(dtype) - 1)
    target = torch.arange(16) % k
    logits[0, target[0]] = 1e4  # a confident right row
    logits[1] = -1e4
    logits[1, (target[1] + 1) % k] = 1e4  # a confident wrong row
    sample_weight = torch.rand(16, generator=gen, dtype=dtype)
    for reduction in case.reductions:
        module = case.module(k, reduction=reduction)
        z = logits.clone().requires_grad_(True)
        loss = module(z, target, sample_weight)
        loss.sum().backward()
        assert torch.isfinite(loss).all()
        assert torch.isfinite(z.grad).all()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bfloat16_autocast_is_close_to_float32(case):
    torch.manual_seed(0)
    layer = torch.nn.Linear(6, 4)
    x = torch.randn(64, 6)
    target = torch.arange(64) % 4
    module = case.module(4)
    reference = module(layer(x), target)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = layer(x)
        assert logits.dtype == torch.bfloat16
        loss = module(logits, target)
    assert loss.dtype == torch.float32
    loss.backward()
    assert torch.isfinite(layer.weight.grad).all()
    torch.testing.assert_close(loss, reference, rtol=0.03, atol=0.03)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_half_logits_are_upcast(case, dtype):
    logits, target, sample_weight = make_batch(n=10, k=3, dtype=torch.float32)
    half = logits.to(dtype).requires_grad_(True)
    module = case.module(3, weight=class_weight_for(3))
    loss = module(half, target, sample_weight)
    assert loss.dtype == torch.float32
    assert torch.equal(loss, module(half.detach().float(), target, sample_weight))
    loss.backward()
    assert half.grad.dtype == dtype


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weight_buffer_moves_with_module(case):
    module = case.module(3, weight=[1.0, 2.0, 3.0])
    names = dict(module.named_buffers())
    assert "weight" in names and "weight" in module.state_dict()
    assert module.weight.dtype == torch.float32
    module = module.to(torch.float64)
    assert all(b.dtype == torch.float64 for b in module.buffers())
    clone = copy.deepcopy(module)
    clone.load_state_dict(module.state_dict())
    logits, target, _ = make_batch(n=6, k=3)
    assert torch.equal(clone(logits, target), module(logits, target))
    assert case.cls.requires_class_counts is case.needs_counts
    assert case.cls.__name__ in repr(module)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_inputs_are_not_modified(case):
    logits, target, sample_weight = make_batch(n=8, k=3)
    weight = torch.tensor(class_weight_for(3))
    saved = [t.clone() for t in (logits, target, sample_weight, weight)]
    module = case.module(3, weight=weight)
    module(logits, target, sample_weight)
    case.call_function(logits, target, sample_weight, weight=weight)
    module.weight.mul_(2)  # the buffer is a copy, not the caller's tensor
    for before, after in zip(saved, (logits, target, sample_weight, weight), strict=True):
        assert torch.equal(before, after)


@pytest.mark.parametrize("case", DECOMPOSABLE, ids=DECOMPOSABLE_IDS)
def test_none_is_weighted_per_sample_loss(case):
    logits, target, sample_weight = make_batch(n=9, k=3)
    per_sample = case.module(3, reduction="none")(logits, target)
    weighted = case.module(3, reduction="none")(logits, target, sample_weight)
    assert_close(weighted, sample_weight * per_sample)
    mean = case.module(3)(logits, target, sample_weight)
    assert_close(mean, weighted.sum() / sample_weight.sum())


@pytest.mark.cuda
@pytest.mark.skipif(not CUDA, reason="needs a CUDA device")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cuda_matches_cpu(case):
    logits, target, sample_weight = make_batch(n=32, k=5, dtype=torch.float32)
    module = case.module(5, weight=class_weight_for(5))
    expected = module(logits, target, sample_weight)
    cuda = copy.deepcopy(module).to("cuda")
    assert all(b.device.type == "cuda" for b in cuda.buffers())
    z = logits.cuda().requires_grad_(True)
    loss = cuda(z, target.cuda(), sample_weight.cuda())
    loss.backward()
    assert loss.device.type == "cuda" and torch.isfinite(z.grad).all()
    torch.testing.assert_close(loss.cpu(), expected, rtol=1e-4, atol=1e-5)
    weight = class_weight_for(5)
    function = case.call_function(z, target.cuda(), sample_weight.cuda(), weight=weight)
    torch.testing.assert_close(function, loss)


MODULES = [
    f"sklweight.losses.{name}"
    for name in (
        "_base", "_cross_entropy", "_focal", "_function", "_generalized_cross_entropy",
        "_label_smoothing", "_ldam", "_logit_adjusted", "_poly", "_reduction", "_registry",
        "_soft_f1", "_symmetric_cross_entropy",
    )
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_public_names():
    for name in losses_pkg.__all__:
        obj = getattr(losses_pkg, name)
        if callable(obj) and not isinstance(obj, dict):
            assert obj.__doc__ and "Examples" in obj.__doc__, name
            assert "%(" not in obj.__doc__, name
            if isinstance(obj, type):
                assert "sample_weight : Tensor" in obj.forward.__doc__, name
                assert "%(" not in obj.forward.__doc__, name
