"""Forward + backward time of each sklweight loss relative to ``F.cross_entropy``.

Usage::

    python benchmarks/bench_losses.py [--device cpu|cuda] [--rounds N] [--threads T]
                                      [--n-samples N] [--skip-value-checks]

Method (see ``benchmarks/README.md``): for each logits shape the data are made once with a
fixed seed; every timed function runs a few warm-up calls; then each round runs every
function once, in an order shuffled per round, and times ``loss = f(); loss.backward()``
(CUDA synchronised before the clock stops). The reference ``F.cross_entropy`` runs in the
same process, on the same tensors, interleaved with the losses. The ratio is the fastest
round of the loss over the fastest round of the reference (min is the least noisy
estimate of the achievable time on a shared machine); the medians are printed too.
Exit status 0 (the bars are reported, not enforced).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from sklweight.losses import (
    FocalLoss,
    GeneralizedCrossEntropyLoss,
    LabelSmoothingLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PolyLoss,
    SoftF1Loss,
    SymmetricCrossEntropyLoss,
    WeightedCrossEntropyLoss,
)
from sklweight.utils._tensor_checks import skip_value_checks

SHAPES = ((65536, 10), (65536, 100))
BARS = {"soft_f1": 2.0, "soft_f1 +sample_weight": 2.0}
DEFAULT_BAR = 1.5
# rows that put a bar in context and have none: torch's own cross-entropy of LDAM's
# scaled logits (no margin), what a user would write by hand
CONTEXT = "(context) "


def _cases(n_samples, n_classes, device, generator):
    """(name, callable(logits, target, sample_weight)) pairs; the reference comes first."""
    class_weight = torch.rand(n_classes, generator=generator).add_(0.5).to(device)
    # long-tailed class counts (ratio 100 between head and tail) for LA / LDAM
    counts = (1000.0 * 0.01 ** (torch.arange(n_classes) / max(n_classes - 1, 1))).round()
    modules = {
        "cross_entropy +weight": WeightedCrossEntropyLoss(weight=class_weight),
        "focal": FocalLoss(),
        "label_smoothing": LabelSmoothingLoss(),
        "logit_adjusted": LogitAdjustedLoss(class_counts=counts),
        "ldam": LDAMLoss(class_counts=counts),
        "poly": PolyLoss(),
        "generalized_cross_entropy": GeneralizedCrossEntropyLoss(),
        "symmetric_cross_entropy": SymmetricCrossEntropyLoss(),
        "soft_f1": SoftF1Loss(),
    }
    cases = [("F.cross_entropy (reference)", lambda z, t, s: F.cross_entropy(z, t))]
    for name, module in modules.items():
        module = module.to(device)
        cases.append((name, lambda z, t, s, m=module: m(z, t)))
    ce = WeightedCrossEntropyLoss(weight=class_weight).to(device)
    cases.append(("cross_entropy +weight +sample_weight", lambda z, t, s: ce(z, t, s)))
    f1 = SoftF1Loss().to(device)
    cases.append(("soft_f1 +sample_weight", lambda z, t, s: f1(z, t, s)))
    # LDAM's intended input: cosine logits in [-1, 1] (normalised features and weights)
    cosine = torch.nn.functional.normalize(torch.randn(n_samples, n_classes, generator=generator))
    cosine = cosine.mul_(n_classes**0.5).clamp_(-1, 1).to(device).requires_grad_(True)

    def ldam_cosine(z, t, s, m=modules["ldam"]):
        cosine.grad = None
        return m(cosine, t)

    cases.append(("ldam, cosine logits in [-1, 1]", ldam_cosine))
    scale = modules["ldam"].scale
    cases.append((f"{CONTEXT}F.cross_entropy({scale:g} * logits)",
                   lambda z, t, s: F.cross_entropy(scale * z, t)))

    def scaled_cosine(z, t, s):
        cosine.grad = None
        return F.cross_entropy(scale * cosine, t)

    cases.append((f"{CONTEXT}F.cross_entropy({scale:g} * cosine logits)", scaled_cosine))
    return cases


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def _time_once(fn, logits, target, sample_weight, device, clock=time.perf_counter):
    logits.grad = None
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = clock()
    loss = fn(logits, target, sample_weight)
    loss.backward()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return clock() - start


def bench_shape(n_samples, n_classes, device, rounds, warmup, seed, clock=time.perf_counter):
    generator = torch.Generator().manual_seed(seed)
    logits = (2 * torch.randn(n_samples, n_classes, generator=generator)).to(device)
    logits.requires_grad_(True)
    target = torch.randint(n_classes, (n_samples,), generator=generator).to(device)
    sample_weight = torch.rand(n_samples, generator=generator).to(device)
    cases = _cases(n_samples, n_classes, device, generator)
    times = {name: [] for name, _ in cases}
    for _name, fn in cases:
        for _ in range(warmup):
            _time_once(fn, logits, target, sample_weight, device)
    order = random.Random(seed)
    for _ in range(rounds):
        shuffled = list(cases)
        order.shuffle(shuffled)
        for name, fn in shuffled:
            times[name].append(_time_once(fn, logits, target, sample_weight, device, clock))
    return times


def _bar(name):
    """The bar of a row (None for a context row)."""
    if name.startswith(CONTEXT):
        return None
    return BARS.get(name, DEFAULT_BAR)


def report(shape, times):
    names = list(times)
    ref_min = min(times[names[0]])
    ref_median = statistics.median(times[names[0]])
    print(f"\nlogits {shape[0]} x {shape[1]}")
    header = f"{'loss':46s} {'min ms':>8s} {'median ms':>10s} {'ratio min':>10s}"
    print(header + f" {'ratio med':>10s} {'bar':>5s}  ok")
    print("-" * (len(header) + 21))
    worst = True
    for name in names:
        lo, med = min(times[name]), statistics.median(times[name])
        ratio = lo / ref_min
        no_bar = name == names[0] or _bar(name) is None
        ok = no_bar or ratio <= _bar(name)
        worst &= ok
        bar = "" if no_bar else f"{_bar(name):.1f}"
        print(
            f"{name:46s} {1e3 * lo:8.2f} {1e3 * med:10.2f} {ratio:10.2f} "
            f"{med / ref_median:10.2f} {bar:>5s}  {'' if no_bar else ('yes' if ok else 'NO')}"
        )
    return worst


def run(rounds=15, warmup=3, n_samples=SHAPES[0][0], seed=0, device="cpu", n_threads=None,
        clock="wall", skip_checks=True):
    """Time every loss at both shapes; returns a list of result dicts (one per loss)."""
    device = torch.device(device)
    before = torch.get_num_threads()
    if n_threads:
        torch.set_num_threads(n_threads)
    context = skip_value_checks() if skip_checks else contextlib.nullcontext()
    results = []
    try:
        with context:
            for _, n_classes in SHAPES:
                times = bench_shape(n_samples, n_classes, device, rounds, warmup, seed,
                                    CLOCKS[clock])
                names = list(times)
                ref_min, ref_med = min(times[names[0]]), statistics.median(times[names[0]])
                for name in names[1:]:
                    lo, med = min(times[name]), statistics.median(times[name])
                    results.append({
                        "shape": f"{n_samples} x {n_classes}", "loss": name,
                        "min_ms": 1e3 * lo, "median_ms": 1e3 * med,
                        "ratio_min": lo / ref_min, "ratio_median": med / ref_med,
                        "bar": _bar(name), "reference_min_ms": 1e3 * ref_min,
                    })
    finally:
        torch.set_num_threads(before)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--n-samples", type=int, default=SHAPES[0][0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument(
        "--clock",
        default="wall",
        choices=tuple(CLOCKS),
        help="wall: perf_counter (default); cpu: process CPU time, which a busy machine "
        "inflates less (use with --threads 1 on CPU)",
    )
    parser.add_argument(
        "--skip-value-checks",
        action="store_true",
        help="time the losses inside skip_value_checks(), as the classifiers train",
    )
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("CUDA requested but not available; nothing to do.")
        return 0
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, device {device}, threads {torch.get_num_threads()}, "
        f"rounds {args.rounds} (+{args.warmup} warm-up), seed {args.seed}, {args.clock} clock, "
        f"value checks {'off' if args.skip_value_checks else 'on'}"
    )
    context = skip_value_checks() if args.skip_value_checks else contextlib.nullcontext()
    all_ok = True
    with context:
        for _, n_classes in SHAPES:
            shape = (args.n_samples, n_classes)
            times = bench_shape(
                *shape, device, args.rounds, args.warmup, args.seed, CLOCKS[args.clock]
            )
            all_ok &= report(shape, times)
    print(
        f"\nbars: {DEFAULT_BAR}x cross-entropy for every loss, 2.0x for soft_f1 "
        f"(ratio of the fastest rounds). {'All within.' if all_ok else 'Some above.'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
