"""Seeding a fit from ``random_state`` without touching the global torch RNG."""

from __future__ import annotations

import threading

import torch
from sklearn.utils import check_random_state

__all__ = ["SeededFit"]

# torch has one global RNG per process: seeded fits in threads of one process (a Dask
# LocalCluster with processes=False, joblib's threading backend) take turns, or their
# module initialisations and dropout masks would draw from each other's streams
_GLOBAL_RNG_LOCK = threading.RLock()


class SeededFit:
    """Seed a fresh fit from ``net.random_state`` and restore the global RNG afterwards.

    The torch global RNG (module initialisation, dropout) is forked and seeded for the
    duration of the fit; ``net._generator`` (shuffling, sampling) is a separate generator
    seeded from the same value. ``random_state=None`` leaves everything to the global
    RNG. Continued fits (``warm_start``, ``partial_fit``) keep the generator they have.
    A seeded fit holds a process-wide lock, so that fits running in threads do not draw
    from each other's global stream (they run one at a time; processes are unaffected).
    """

    def __init__(self, net, fresh):
        self.net = net
        self.fresh = fresh
        self._fork = None

    def __enter__(self):
        seed = self.net.random_state
        if not self.fresh:
            return self
        if seed is None:
            self.net._generator = None
            return self
        device = str(self.net.device)
        devices = [torch.cuda.current_device()] if device.startswith("cuda") else []
        _GLOBAL_RNG_LOCK.acquire()
        self._fork = torch.random.fork_rng(devices=devices)
        self._fork.__enter__()
        seed = int(check_random_state(seed).randint(2**31 - 1))
        # the generators the fork restores: the CPU one, and the fit's CUDA device.
        # torch.manual_seed would also queue a seed for every accelerator not yet
        # initialised (CUDA, XPU, MTIA), which the fork does not restore, and it records
        # a stack trace for each (a few percent of a small fit).
        torch.default_generator.manual_seed(seed)
        if devices:
            torch.cuda.manual_seed(seed)
        elif device not in ("cpu", "None"):
            torch.manual_seed(seed)  # another accelerator: seed every device, as before
        self.net._generator = torch.Generator().manual_seed(seed + 1)
        return self

    def __exit__(self, *exc):
        if self._fork is not None:
            try:
                self._fork.__exit__(*exc)
            finally:
                self._fork = None
                _GLOBAL_RNG_LOCK.release()
        return False

