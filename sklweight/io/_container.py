"""The file: one safetensors file whose metadata header holds the JSON payload.

Layout (safetensors: an 8-byte little-endian header length, a JSON header, the tensor
bytes)::

    __metadata__ = {
        "format": "sklweight",
        "format_version": "2",
        "payload": "<JSON: the estimator's description, see _encode.py>",
        "sha256": "<hex digest of the format, the version, the payload and every tensor>",
    }
    tensors: module, criterion and optimizer states, numeric fitted arrays

Writing uses ``safetensors.torch.save``. Reading is done here, in the order that keeps
what it allocates bounded by the file itself:

1. the path must be a regular file (not a pipe or ``/dev/zero``); its size is known
   before anything is read;
2. the header is at most :data:`MAX_HEADER_BYTES` and is parsed first; every tensor
   entry must have a numeric dtype, a shape whose element count times the item size
   equals its byte range, and the byte ranges must tile the data section exactly, so
   the tensors declared are exactly the bytes the file holds;
3. the data section is then read once into one buffer of that size and the tensors
   are views of it (no copy); nothing is unpickled.

The digest detects a truncated or corrupted file; it is not a signature (whoever can
write the file can recompute it). What keeps loading safe is that nothing is
unpickled, only trusted classes are used (``_trust.py``) and what is built is checked
against the file's tensors first (``_decode.py``, ``_nets.py``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile

import safetensors.torch
import torch

from ._errors import InvalidFileError

__all__ = ["FORMAT", "MAX_HEADER_BYTES", "read_file", "write_file"]

FORMAT = "sklweight"
_FORMAT_VERSION = 2  # bump when a file written now could not be read by older code
_SUPPORTED_VERSIONS = frozenset({1, 2})

MAX_HEADER_BYTES = 4 * 2**20
"""The largest JSON header (hyper-parameters, plain fitted attributes, history) read."""

# safetensors dtype -> torch dtype; the names are those of the safetensors format
_DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16,
    "BF16": torch.bfloat16, "I64": torch.int64, "I32": torch.int32, "I16": torch.int16,
    "I8": torch.int8, "U64": torch.uint64, "U32": torch.uint32, "U16": torch.uint16,
    "U8": torch.uint8, "BOOL": torch.bool,
}
_MAX_NDIM = 8

_PICKLE_HINT = (
    " It looks like a pickle (pickle.dump, joblib.dump or torch.save). sklweight.load "
    "never unpickles, because unpickling runs code; if you trust where the file comes "
    "from, open it with joblib.load / pickle.load instead."
)


def write_file(path, payload, tensors):
    """Write ``payload`` (a JSON-able dict) and ``tensors`` (name -> CPU tensor) to ``path``.

    The file is written to a temporary name beside ``path`` and renamed, so an
    interrupted save never leaves a half-written file under the final name.

    Raises
    ------
    ValueError
        The payload exceeds :data:`MAX_HEADER_BYTES` (it would not load).
    """
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    metadata = {
        "format": FORMAT,
        "format_version": str(_FORMAT_VERSION),
        "payload": text,
        "sha256": _digest(_FORMAT_VERSION, text, tensors),
    }
    data = safetensors.torch.save(tensors, metadata=metadata)
    header = int.from_bytes(data[:8], "little")
    if header > MAX_HEADER_BYTES:
        raise ValueError(
            f"save() cannot store this estimator: its description is {header} bytes of "
            f"JSON, more than the {MAX_HEADER_BYTES} load() reads (a very long training "
            "history, or very many string categories). Use joblib.dump for it."
        )
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".sklweight-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_file(path):
    """Return ``(payload, tensors, size)`` of a file written by :func:`write_file`.

    ``tensors`` maps names to CPU tensors that are views of one buffer holding the
    file's data section; ``size`` is the payload's length in characters.

    Raises
    ------
    InvalidFileError
        Not a regular file; truncated, corrupted, foreign, or of an unsupported format
        version. The message does not name the file (:func:`sklweight.load` does).
    """
    # non-blocking: opening a FIFO must not wait for a writer
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with os.fdopen(os.open(path, flags), "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InvalidFileError(
                "it is not a regular file (a device, a pipe or a directory); load() reads "
                "files written by sklweight.save."
            )
        size = info.st_size
        head = file.read(8)
        if len(head) < 8:
            raise _not_safetensors(head, "it is shorter than a safetensors header")
        length = int.from_bytes(head, "little")
        if length > MAX_HEADER_BYTES or 8 + length > size:
            raise _not_safetensors(
                head, f"its header declares {length} bytes but the file holds {size - 8}, "
                f"or more than the {MAX_HEADER_BYTES} a file of sklweight.save may have",
            )
        entries, metadata = _parse_header(file.read(length), size - 8 - length)
        data = bytearray(size - 8 - length)
        if file.readinto(data) != len(data) or file.read(1):
            raise InvalidFileError("the file changed size while it was read.")
    tensors = {name: _view(data, *entry) for name, entry in entries.items()}
    payload = _check_metadata(metadata, tensors, data, entries)
    if not isinstance(payload, dict):
        raise InvalidFileError("its payload is not a JSON object.")
    return payload, tensors, len(metadata["payload"])


def _parse_header(raw, data_size):
    """Tensor entries ``{name: (torch dtype, shape, begin, end)}`` and the metadata.

    Checks every declared shape against its byte range and the ranges against the data
    section before any tensor byte is read.
    """
    try:
        header = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise _not_safetensors(raw, f"its header is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise _not_safetensors(raw, "its header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    entries = {name: _entry(name, spec) for name, spec in header.items()}
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda item: item[1][2:]):
        if begin != position:
            raise InvalidFileError(
                f"its tensor {name!r} starts at byte {begin} of the data section, "
                f"expected {position}: the tensors do not tile the file's bytes."
            )
        position = end
    if position != data_size:
        raise InvalidFileError(
            f"its tensors declare {position} bytes but it holds {data_size}: it is "
            "truncated, corrupted or not written by sklweight.save."
        )
    if not isinstance(metadata, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()
    ):
        raise InvalidFileError(
            "its safetensors metadata is missing or not a mapping of strings: it is not a "
            "file written by sklweight.save."
        )
    return entries, metadata


def _entry(name, spec):
    def bad(reason):
        return InvalidFileError(f"its tensor entry {name!r} is not valid: {reason}.")

    if not isinstance(spec, dict):
        raise bad("not a JSON object")
    dtype = _DTYPES.get(spec.get("dtype")) if isinstance(spec.get("dtype"), str) else None
    if dtype is None:
        raise bad(f"dtype {spec.get('dtype')!r} is not one of {sorted(_DTYPES)}")
    shape, offsets = spec.get("shape"), spec.get("data_offsets")
    if not (isinstance(shape, list) and len(shape) <= _MAX_NDIM and _all_sizes(shape)):
        raise bad(f"shape {shape!r} is not a list of at most {_MAX_NDIM} sizes")
    if not (isinstance(offsets, list) and len(offsets) == 2 and _all_sizes(offsets)
            and offsets[0] <= offsets[1]):
        raise bad(f"data_offsets {offsets!r} is not a [begin, end] pair")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes != offsets[1] - offsets[0]:
        raise bad(f"its shape {shape} needs {nbytes} bytes but its range holds "
                  f"{offsets[1] - offsets[0]}")
    return dtype, tuple(shape), offsets[0], offsets[1]


def _all_sizes(values):
    return all(type(v) is int and v >= 0 for v in values)


def _view(data, dtype, shape, begin, end):
    if begin == end:
        return torch.empty(shape, dtype=dtype)
    count = (end - begin) // dtype.itemsize
    return torch.frombuffer(data, dtype=dtype, count=count, offset=begin).reshape(shape)


def _check_metadata(metadata, tensors, data, entries):
    if metadata.get("format") != FORMAT:
        raise InvalidFileError(
            f"it is a safetensors file but not one written by sklweight.save (its metadata "
            f"has no 'format': {FORMAT!r} entry)."
        )
    version = _version(metadata.get("format_version"))
    text = metadata.get("payload")
    ranges = {name: memoryview(data)[entry[2]:entry[3]] for name, entry in entries.items()}
    if not isinstance(text, str) or metadata.get("sha256") != _digest(version, text, tensors,
                                                                      ranges):
        raise InvalidFileError(
            "it failed its integrity check (SHA-256 of its contents): it was corrupted "
            "or modified after sklweight.save wrote it. Save the estimator again."
        )
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidFileError(f"its payload is not readable JSON ({exc}).") from None


def _not_safetensors(data, reason):
    if _looks_pickled(data):
        return InvalidFileError(f"it is not a file written by sklweight.save.{_PICKLE_HINT}")
    return InvalidFileError(
        f"it is not a complete safetensors file: {reason}. It is truncated, corrupted or "
        "not a file written by sklweight.save."
    )


def _looks_pickled(data):
    """A pickle stream (protocol 2-5) or a zip archive (torch.save, some joblib files)."""
    return (data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")) or (
        data[:4] == b"PK\x03\x04"
    )


def _version(value):
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise InvalidFileError(f"it has no valid format version ({value!r}).") from None
    if version in _SUPPORTED_VERSIONS:
        return version
    supported = sorted(_SUPPORTED_VERSIONS)
    if version > max(supported):
        raise InvalidFileError(
            f"it was written in format version {version} by a newer sklweight; this "
            f"sklweight reads format version(s) {supported}. Upgrade sklweight to load it."
        )
    raise InvalidFileError(
        f"it is in format version {version}, which this sklweight no longer reads "
        f"(it reads {supported}). Load it with the sklweight that wrote it and save again."
    )


def _digest(version, text, tensors, ranges=None):
    """SHA-256 of the format, the version, the payload and every tensor's bytes.

    ``ranges`` gives each tensor's raw bytes when they are at hand (reading); otherwise
    they are taken from the tensors (writing).
    """
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{version}\0".encode())
    digest.update(text.encode("utf-8"))
    for name in sorted(tensors):
        tensor = tensors[name]
        digest.update(f"\0{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
        if ranges is not None:
            digest.update(ranges[name])
        elif tensor.numel():
            digest.update(tensor.contiguous().reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()
