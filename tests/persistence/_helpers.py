"""Data, estimators and the recursive equality the persistence tests share."""

import inspect

import numpy as np
import torch
from _estimators import N_CLASSES, N_FEATURES
from sklearn.base import BaseEstimator

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier


def _data(labels=None, dtype=np.float32, n=60):
    rng = np.random.RandomState(0)
    X = rng.randn(n, N_FEATURES).astype(dtype)
    y = np.arange(n) % N_CLASSES
    return X, (y if labels is None else np.asarray(labels)[y])


def mlp(**kwargs):
    return WeightedMLPClassifier(**{"hidden_layer_sizes": (6,), "max_epochs": 3,
                                    "random_state": 0, **kwargs})


def net(**kwargs):
    return WeightedNeuralNetClassifier(**{
        "module": torch.nn.Linear, "module__in_features": N_FEATURES,
        "module__out_features": N_CLASSES, "max_epochs": 3, "lr": 0.1, "train_split": None,
        "random_state": 0, "verbose": 0, **kwargs})


def _same(a, b, where="estimator"):  # noqa: C901, PLR0911 (one branch per kind of value)
    """Recursive equality of saved values (parameters, fitted attributes)."""
    if isinstance(a, BaseEstimator) or hasattr(a, "get_params"):
        assert type(a) is type(b), where
        pa, pb = a.get_params(deep=False), b.get_params(deep=False)
        assert sorted(k for k in pa if not k.startswith("_")) == sorted(
            k for k in pb if not k.startswith("_")), where
        for key in pa:
            if not key.startswith("_"):
                _same(pa[key], pb[key], f"{where}.{key}")
        return
    if isinstance(a, torch.nn.Module):
        assert type(a) is type(b), where
        sa, sb = a.state_dict(), b.state_dict()
        assert sa.keys() == sb.keys(), where
        for key in sa:
            assert torch.equal(sa[key], sb[key]), f"{where}.{key}"
        return
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
        return
    if isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and torch.equal(a, b), where
        return
    if isinstance(a, np.random.RandomState):
        sa, sb = a.get_state(), b.get_state()
        assert sa[0] == sb[0] and np.array_equal(sa[1], sb[1]) and sa[2:] == sb[2:], where
        return
    if isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for i, (x, z) in enumerate(zip(a, b, strict=True)):
            _same(x, z, f"{where}[{i}]")
        return
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]")
        return
    if hasattr(a, "__dict__") and not (inspect.isfunction(a) or inspect.isclass(a)):
        # e.g. skorch's ValidSplit
        assert type(a) is type(b), where
        _same(vars(a), vars(b), where)
        return
    assert type(a) is type(b) and (a == b or (a != a and b != b)), (where, a, b)
