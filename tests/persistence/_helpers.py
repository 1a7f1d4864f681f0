"""Data, estimators, the recursive equality and the refusal check the persistence tests
share."""

import inspect
import os
import tracemalloc

import numpy as np
import pytest
import torch
from _estimators import N_CLASSES, N_FEATURES
from sklearn.base import BaseEstimator

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier, load
from sklweight.io import InvalidFileError, PersistenceError


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


# ------------------------------------------------------------------ forged files
# An attacker who read docs/user_guide/persistence.rst writes files by hand: an 8-byte
# little-endian header length, a JSON header (tensor entries and ``__metadata__``), the
# tensor bytes, and a SHA-256 computed as the format says (so the checksum passes).
_CODES = {"float64": "F64", "float32": "F32", "int64": "I64", "int32": "I32",
          "uint64": "U64", "uint32": "U32", "uint16": "U16", "int16": "I16", "int8": "I8",
          "float16": "F16", "uint8": "U8", "bool": "BOOL"}


def checksum(version, payload_text, tensors):
    """The file's SHA-256 as the user guide describes it (``tensors``: numpy arrays)."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(f"sklweight\0{version}\0".encode())
    digest.update(payload_text.encode("utf-8"))
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        dtype = torch.from_numpy(array[:0].copy()).dtype
        digest.update(f"\0{name}\0{dtype}\0{tuple(array.shape)}\0".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def forge(path, payload, tensors=None, *, entries=None, metadata=None, version="2",
          data=None):
    """Write a file of the documented layout with a valid checksum.

    ``payload`` is a dict (written as JSON) or a str (written verbatim); ``entries``
    replaces the tensor entries of the header, ``data`` the data section, ``metadata``
    updates the metadata after the checksum is computed.
    """
    import json

    tensors = {k: np.ascontiguousarray(v) for k, v in (tensors or {}).items()}
    text = payload if isinstance(payload, str) else json.dumps(payload)
    header, chunks, offset = {}, [], 0
    for name, array in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": _CODES[array.dtype.name], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    if entries is not None:
        header = entries
    meta = {"format": "sklweight", "format_version": version, "payload": text,
            "sha256": checksum(version, text, tensors)}
    meta.update(metadata or {})
    header["__metadata__"] = meta
    raw_header = json.dumps(header).encode()
    body = b"".join(chunks) if data is None else data
    with open(path, "wb") as file:
        file.write(len(raw_header).to_bytes(8, "little") + raw_header + body)
    return path


def parts(path):
    """``(payload dict, {name: numpy array})`` of a saved file, to edit and forge again."""
    import json

    from safetensors import safe_open

    with safe_open(path, framework="np") as file:
        payload = json.loads(file.metadata()["payload"])
        return payload, {key: file.get_tensor(key) for key in file.keys()}


# what the loads below may allocate beyond the file's own bytes (Python objects, small
# arrays); the hostile files would allocate from 100 MB to several GB without the checks
SMALL = 8 * 2**20


def refused(path, error=InvalidFileError, match=None, **kwargs):
    """Load ``path`` under tracemalloc; it must raise ``error`` within SMALL bytes."""
    tracemalloc.start()
    try:
        with pytest.raises(error, match=match) as info:
            load(path, **kwargs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(info.value, PersistenceError)
    assert os.fspath(path) in str(info.value)  # the file is named
    assert peak <= (os.path.getsize(path) if os.path.isfile(path) else 0) + SMALL, peak
    return info.value
