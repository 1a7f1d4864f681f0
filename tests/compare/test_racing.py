"""Racing: the blocks of splits and who is stopped after each (no training here)."""

import numpy as np

from sklweight.compare.racing import race, race_blocks


def test_blocks_hold_at_least_three_splits_and_cover_every_split():
    assert race_blocks(10, 5) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert race_blocks(6, 3) == [(0, 3), (3, 6)]
    assert race_blocks(2, 2) == [(0, 2)]
    assert race_blocks(20, 10) == [(0, 5), (5, 10), (10, 15), (15, 20)]


def test_only_the_clearly_behind_are_stopped_never_the_baseline():
    scores = {
        "ce": np.array([0.60, 0.61, 0.59]),  # far behind, but the baseline
        "balanced": np.array([0.90, 0.91, 0.92]),  # the leader
        "close": np.array([0.89, 0.92, 0.90]),  # within the noise of the leader
        "behind": np.array([0.70, 0.70, 0.71]),  # clearly behind
        "broken": np.array([np.nan, 0.5, 0.5]),  # a failed fit
    }
    dropped = race(scores, protected={"ce"}, n_train=80, n_test=20, after=3,
                   label="balanced accuracy")
    by_name = {d.strategy: d for d in dropped}
    assert set(by_name) == {"behind", "broken"}
    assert by_name["behind"].leader == "balanced" and by_name["behind"].high < 0
    assert by_name["behind"].reason.startswith(
        "after 3 splits, -0.207 balanced accuracy behind balanced (95 % interval")
    assert by_name["broken"].leader is None and "failed" in by_name["broken"].reason
