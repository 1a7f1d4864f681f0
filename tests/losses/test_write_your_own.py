"""The user guide's "Write your own loss" runs as written: its loss joins every shared test
through ``_helpers.CASES``; here, the rest of its code (a classifier trained with it)."""

from __future__ import annotations

import numpy as np

from sklweight.losses import WeightedLoss

from ._helpers import CASES, user_guide_code


def test_the_guide_is_about_thirty_lines_of_loss():
    loss, *rest = user_guide_code()
    assert len([line for line in loss.splitlines() if line.strip()]) <= 32
    assert rest, "the guide also shows a classifier taking the loss"


def test_a_classifier_trains_with_the_guides_loss():
    namespace = {"__name__": "user_guide_losses"}
    for block in user_guide_code():
        exec(block, namespace)  # noqa: S102 (our own documentation)
    clf = namespace["clf"]
    assert issubclass(namespace["TaylorCrossEntropyLoss"], WeightedLoss)
    assert clf.net_.criterion_.order == 3
    assert np.isfinite(clf.predict_proba(namespace["X"])).all()
    assert CASES[-1].cls.__name__ == "TaylorCrossEntropyLoss"
