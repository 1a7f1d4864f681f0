"""What the speed benchmarks share: the machine description, interleaved timing, tables.

Method (benchmarks/README.md): every contender runs once as a warm-up; then each round
runs every contender once, in an order shuffled per round (seeded), so that drift in the
load of a shared machine spreads over all of them; the statistic is the median over the
rounds (the minimum is printed beside it); ratios are taken against a reference run in
the same rounds.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import time

import numpy as np
import torch

__all__ = ["Timing", "machine", "markdown_table", "run_interleaved", "threads"]


def machine():
    """A description of the machine and the library versions (a dict of strings)."""
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    import sklearn
    import skorch

    info = {
        "CPU": model,
        "cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "torch": f"{torch.__version__} (default intra-op threads {torch.get_num_threads()})",
        "skorch": skorch.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "Python": platform.python_version(),
    }
    if torch.cuda.is_available():
        info["GPU"] = torch.cuda.get_device_name(0)
    try:
        info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    return info


class threads:
    """Set torch's and the BLAS libraries' thread counts for a block (None: leave)."""

    def __init__(self, n):
        self.n = n

    def __enter__(self):
        self.torch_before = torch.get_num_threads()
        self.blas = None
        if self.n is not None:
            torch.set_num_threads(self.n)
            from threadpoolctl import threadpool_limits

            self.blas = threadpool_limits(self.n)
        return self

    def __exit__(self, *exc):
        torch.set_num_threads(self.torch_before)
        if self.blas is not None:
            self.blas.restore_original_limits()
        return False


class Timing:
    """The seconds of each round of one contender."""

    def __init__(self, name):
        self.name = name
        self.seconds = []

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def min(self):
        return min(self.seconds)


def run_interleaved(contenders, rounds, seed=0, warmup=1):
    """Time ``{name: callable}``: warm-up calls, then ``rounds`` shuffled rounds of wall
    time (CUDA synchronised before the clock starts and stops). Returns ``{name: Timing}``.
    """
    timings = {name: Timing(name) for name in contenders}
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    order = list(contenders)
    shuffle = random.Random(seed)
    for _ in range(rounds):
        shuffle.shuffle(order)
        for name in order:
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            start = time.perf_counter()
            contenders[name]()
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            timings[name].seconds.append(time.perf_counter() - start)
    return timings


def markdown_table(header, rows):
    """A markdown table (list of lines) from a header and rows of strings."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines
