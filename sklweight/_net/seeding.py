"""Seeding a fit from ``random_state``; fits in threads take turns on the global RNG.

torch has one global RNG per process: module initialisation, dropout, mixup and an
unseeded shuffle draw from it. Every fit holds a process-wide lock while it trains, so
that fits running in threads of one process (a Dask ``LocalCluster`` with
``processes=False``, joblib's threading backend) do not draw from each other's streams: a
seeded fit gives the same model while an unseeded one runs beside it. Fits in threads
therefore run one at a time; processes are unaffected.
"""

from __future__ import annotations

import threading

import torch
from sklearn.utils import check_random_state

__all__ = ["SeededFit"]

_GLOBAL_RNG_LOCK = threading.RLock()


class SeededFit:
    """Seed a fresh fit from ``net.random_state`` and restore the global RNG afterwards.

    The torch global RNG (module initialisation, dropout) is forked and seeded for the
    duration of the fit; ``net._generator`` (shuffling, sampling) is a separate generator
    seeded from the same value. ``random_state=None`` leaves everything to the global
    RNG. Continued fits (``warm_start``, ``partial_fit``) keep the generator they have.
    Every fit, seeded or not, holds the process-wide lock of the global RNG.
    """

    def __init__(self, net, fresh):
        self.net = net
        self.fresh = fresh
        self._fork = None

    def __enter__(self):
        _GLOBAL_RNG_LOCK.acquire()
        try:
            self._seed()
        except BaseException:
            _GLOBAL_RNG_LOCK.release()
            raise
        return self

    def _seed(self):
        seed = self.net.random_state
        if not self.fresh:
            return
        if seed is None:
            self.net._generator = None
            return
        device = str(self.net.device)
        devices = [torch.cuda.current_device()] if device.startswith("cuda") else []
        self._fork = torch.random.fork_rng(devices=devices)
        self._fork.__enter__()
        seed = int(check_random_state(seed).randint(2**31 - 1))
        # the generators the fork restores: the CPU one, and the fit's CUDA device
        # (torch.manual_seed would also queue a seed for every accelerator not yet
        # initialised, which the fork does not restore)
        torch.default_generator.manual_seed(seed)
        if devices:
            torch.cuda.manual_seed(seed)
        elif device not in ("cpu", "None"):
            torch.manual_seed(seed)  # another accelerator: seed every device
        self.net._generator = torch.Generator().manual_seed(seed + 1)

    def __exit__(self, *exc):
        try:
            if self._fork is not None:
                self._fork.__exit__(*exc)
        finally:
            self._fork = None
            _GLOBAL_RNG_LOCK.release()
        return False

