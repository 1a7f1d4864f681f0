"""Racing: strategies clearly behind after the first folds stop early.

The splits run in blocks (:func:`race_blocks`); after each block but the last, every
surviving strategy is compared with the current **leader** (the highest mean of the chosen
metric over the splits run so far) by the paired difference on those splits, with the
same Nadeau-Bengio corrected 95 % interval as the recommendation. A strategy whose
interval lies entirely below zero -- clearly behind the leader -- runs no more splits.
Plain cross-entropy (the baseline) and the reference models always run every split;
a strategy whose fits failed stops at once. ``--no-racing`` runs every split of every
strategy.

Why it keeps the recommendation: the recommendation only chooses among strategies that
are within the noise of the best one, and a strategy dropped here was beyond the noise
behind the leader.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .recommend import paired_difference

__all__ = ["Dropped", "race", "race_blocks"]


@dataclass
class Dropped:
    """A strategy the race stopped.

    Attributes
    ----------
    strategy : str
        The strategy.
    after_splits : int
        The splits it ran before it was stopped.
    reason : str
        Why, as printed.
    leader : str or None
        The leader it was compared with (None when its fits failed).
    mean, high : float or None
        Its paired difference to the leader and the upper end of the 95 % interval.
    """

    strategy: str
    after_splits: int
    reason: str
    leader: str | None = None
    mean: float | None = None
    high: float | None = None

    def as_dict(self):
        """A JSON-ready dict."""
        return asdict(self)


def race_blocks(n_splits, cv):
    """``(start, stop)`` of the blocks of splits run between two racing checks.

    Blocks hold ``max(3, ceil(cv / 2))`` splits (three is the fewest that give an
    interval with two degrees of freedom), the last one what is left.
    """
    size = max(3, math.ceil(cv / 2))
    return [(start, min(start + size, n_splits)) for start in range(0, n_splits, size)]


def race(scores, *, protected, n_train, n_test, after, label="the metric"):
    """The strategies to stop after ``after`` splits.

    Parameters
    ----------
    scores : dict of str to ndarray of shape (after,)
        The chosen metric of every surviving strategy on the splits run so far (NaN for
        a failed fit).
    protected : set of str
        Names never stopped (the baseline).
    n_train, n_test : float
        Rows fitted on and scored per split (for the corrected variance).
    after : int
        The number of splits run.
    label : str, default="the metric"
        The metric's name in the reasons.

    Returns
    -------
    dropped : list of Dropped
    """
    dropped = []
    healthy = {}
    for name, values in scores.items():
        values = np.asarray(values, dtype=np.float64)
        if np.isnan(values).any() and name not in protected:
            dropped.append(Dropped(name, after, f"its fits failed (after {after} splits)"))
        elif not np.isnan(values).any():
            healthy[name] = values
    if not healthy:
        return dropped
    leader = max(healthy, key=lambda name: healthy[name].mean())
    for name, values in healthy.items():
        if name == leader or name in protected:
            continue
        p = paired_difference(values, healthy[leader], n_train=n_train, n_test=n_test)
        if p.exceeds_noise and p.mean < 0:
            dropped.append(Dropped(
                name, after,
                f"after {after} splits, {p.mean:+.3f} {label} behind {leader} (95 % interval "
                f"{p.low:+.3f} to {p.high:+.3f})", leader, p.mean, p.high,
            ))
    return dropped
