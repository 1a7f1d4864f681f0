"""Structured numpy arrays (a tree's or a boosting predictor's nodes) in the file: one
tensor per field, with the dtype's exact layout (names, formats, offsets, item size)."""

from __future__ import annotations

import numpy as np

from ._arrays import check_dtype
from ._errors import invalid

__all__ = ["decode_records", "encode_records"]


def encode_records(enc, array, where):
    """A structured array: one tensor per field (its dtype's layout kept exactly)."""
    dtype = array.dtype
    if array.ndim != 1 or any(dtype.fields[name][0].kind not in "biuf" for name in dtype.names):
        raise TypeError(f"save() cannot store {where}: a structured numpy array of {dtype}.")
    return {
        "__type__": "records",
        "names": list(dtype.names),
        "formats": [dtype.fields[name][0].str for name in dtype.names],
        "offsets": [dtype.fields[name][1] for name in dtype.names],
        "itemsize": dtype.itemsize,
        "fields": {name: enc.encode(np.ascontiguousarray(array[name]), f"{where}.{name}")
                   for name in dtype.names},
    }


def decode_records(dec, obj):
    names, formats, offsets = obj["names"], obj["formats"], obj["offsets"]
    fields = dec.mapping(obj["fields"])
    if not (isinstance(names, list) and isinstance(formats, list) and isinstance(offsets, list)
            and len(names) == len(formats) == len(offsets) == len(fields) > 0
            and all(isinstance(n, str) and n in fields for n in names)
            and all(type(o) is int and o >= 0 for o in offsets)):
        raise invalid("a structured array's layout is not valid")
    formats = [check_dtype(f, "biuf") for f in formats]
    columns = [fields[name] for name in names]
    length = len(columns[0]) if isinstance(columns[0], np.ndarray) else -1
    if not all(isinstance(c, np.ndarray) and c.shape == (length,) for c in columns):
        raise invalid("a structured array's fields are not arrays of one length")
    itemsize, packed = obj["itemsize"], sum(f.itemsize for f in formats)
    if type(itemsize) is not int or not packed <= itemsize <= 2 * packed:
        raise invalid(f"a structured array's item size {itemsize!r} does not fit its fields")
    dtype = np.dtype({"names": names, "formats": formats, "offsets": offsets,
                      "itemsize": itemsize})
    array = np.zeros(length, dtype=dtype)
    for name, column in zip(names, columns, strict=True):
        array[name] = column
    return array
