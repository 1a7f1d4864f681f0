"""sklweight/utils/_warnings.py: a fit's warnings point at the user's line, through
sklweight's and skorch's frames (Python's default filter then shows them, and
``filterwarnings(module=...)`` can target the user's module)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight.utils._warnings import user_stacklevel, warn_user


def _data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4).astype(np.float32)
    return X, (X[:, 0] > 0).astype(np.int64)


def _net(**kwargs):
    return WeightedNeuralNetClassifier(
        torch.nn.Linear, module__in_features=4, module__out_features=2, max_epochs=1,
        train_split=None, **kwargs)


def _only(record, category, match):
    found = [w for w in record if issubclass(w.category, category) and match in str(w.message)]
    assert len(found) == 1, [str(w.message) for w in record]
    return found[0]


def test_sampler_without_weights_warns_at_the_fit_call():
    X, y = _data()
    with pytest.warns(UserWarning) as record:
        _net(sampler="sample_weight").fit(X, y)
    assert _only(record, UserWarning, "draws uniformly").filename == __file__


def test_zero_weight_class_warns_at_the_fit_call():
    X, y = _data()
    weight = np.where(y == 1, 0.0, 1.0)
    with pytest.warns(UserWarning) as record:
        _net(classes=[0, 1]).fit(X, y, sample_weight=weight)
    assert _only(record, UserWarning, "has weight 0").filename == __file__


def test_convergence_warning_points_at_the_fit_call():
    X, y = _data()
    with pytest.warns(ConvergenceWarning) as record:
        WeightedMLPClassifier(4, max_epochs=1, random_state=0).fit(X, y)
    assert _only(record, ConvergenceWarning, "maximum epochs").filename == __file__


def test_outside_the_library_the_level_is_the_caller():
    # called from a test (not sklweight or skorch code): stacklevel 1 is this frame
    assert user_stacklevel() == 1
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warn_user("here", RuntimeWarning)
    assert record[0].filename == __file__  # past warn_user's own frame
