"""Numpy values back from the file: dtypes, scalars and arrays, each bounded by the file.

A numeric array is a copy of one of the file's tensors with the same item size; a
fixed-width string array is a copy of a tensor of its code points; an object array (and
a string array of a format-version-1 file) is built from JSON items and charged to the
decoder's budget. Structured and sub-array dtypes are refused here (scikit-learn's
structured node arrays are ``records``, ``_sklearn.py``).
"""

from __future__ import annotations

import math

import numpy as np

from ._errors import invalid, short

__all__ = ["check_dtype", "decode_ndarray", "decode_np_dtype", "decode_np_scalar"]

_ARRAY_KINDS = "biufcUSO"


def check_dtype(text, kinds=_ARRAY_KINDS):
    """A numpy dtype from its string, refusing structured, sub-array and other kinds."""
    if not isinstance(text, str) or len(text) > 16:
        raise invalid(f"{short(text)} is not a dtype sklweight.save writes")
    dtype = np.dtype(text)
    if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in kinds:
        raise invalid(f"dtype {text!r} is not one of the kinds {kinds!r}")
    return dtype


def decode_np_scalar(dec, obj):
    dtype = check_dtype(obj["dtype"], "biufUS")
    value = dec.decode(obj["value"])
    if not isinstance(value, (bool, int, float, str, bytes)):
        raise invalid(f"a numpy scalar holds {short(value)}")
    return dtype.type(value)


def decode_np_dtype(dec, obj):
    return check_dtype(obj["dtype"])


def decode_ndarray(dec, obj):
    dtype = check_dtype(obj["dtype"])
    if "tensor" in obj and obj.get("strings"):
        return _string_array(dec.tensor(obj["tensor"]).numpy(), dtype)
    if "tensor" in obj:
        source = dec.tensor(obj["tensor"]).numpy()
        if dtype.kind not in "biuf" or source.dtype != dtype.newbyteorder("="):
            raise invalid(f"an array of dtype {dtype} refers to a {source.dtype} tensor")
        array = source.astype(dtype, copy=True)
        return array.T if obj.get("order") == "F" else array
    shape = obj.get("shape")
    if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
        raise invalid(f"an array has the shape {short(shape)}")
    items = dec.items(obj)
    if dtype.kind not in "USO" or math.prod(shape) != len(items):
        raise invalid(f"an array of dtype {dtype} and shape {shape} has {len(items)} items")
    dec.charge(len(items) * dtype.itemsize, f"an array of {len(items)} {dtype} items")
    if dtype.kind == "O":
        array = np.empty(len(items), dtype=object)
        for i, item in enumerate(items):
            array[i] = item
    else:
        kind = str if dtype.kind == "U" else bytes
        if not all(isinstance(item, kind) for item in items):
            raise invalid(f"an array of dtype {dtype} holds items that are not {kind}")
        array = np.array(items, dtype=dtype)
    return array.reshape(shape)


def _string_array(codes, dtype):
    """A fixed-width string array from its code points: exactly the tensor's bytes."""
    unit = np.uint32 if dtype.kind == "U" else np.uint8
    width = dtype.itemsize // unit().itemsize
    if (dtype.kind not in "US" or codes.dtype != unit or codes.ndim < 1 or width == 0
            or codes.shape[-1] != width or (dtype.kind == "U" and (codes > 0x10FFFF).any())):
        raise invalid(f"a {dtype} array refers to a {codes.dtype} tensor of shape "
                      f"{codes.shape}")
    array = np.ascontiguousarray(codes).copy().view(dtype.newbyteorder("<"))
    return array.reshape(codes.shape[:-1]).astype(dtype, copy=False)
