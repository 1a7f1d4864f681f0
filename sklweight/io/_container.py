"""The file: one safetensors file whose metadata header holds the JSON payload.

Layout (safetensors: an 8-byte header length, a JSON header, the tensor bytes)::

    __metadata__ = {
        "format": "sklweight",
        "format_version": "1",
        "payload": "<JSON: the estimator's description, see _encode.py>",
        "sha256": "<hex digest of the format, the version, the payload and every tensor>",
    }
    tensors: module, criterion and optimizer states, numeric fitted arrays

Reading parses the file with ``safetensors.torch.load`` (no pickle: safetensors holds
raw little-endian bytes, a dtype and a shape per tensor), checks the format name and
version, and recomputes the digest over the payload and the tensors' names, dtypes,
shapes and bytes. The digest detects a truncated, corrupted or edited file; it is not a
signature (whoever can write the file can recompute it). What keeps loading safe is that
nothing is unpickled and only trusted classes are used (``_trust.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile

import safetensors.torch
import torch

from ._errors import InvalidFileError

__all__ = ["FORMAT", "FORMAT_VERSION", "read_file", "write_file"]

FORMAT = "sklweight"
FORMAT_VERSION = 1  # bump when a file written now could not be read by older code
_SUPPORTED_VERSIONS = frozenset({1})

_PICKLE_HINT = (
    " It looks like a pickle (pickle.dump, joblib.dump or torch.save). sklweight.load "
    "never unpickles, because unpickling runs code; if you trust where the file comes "
    "from, open it with joblib.load / pickle.load instead."
)


def write_file(path, payload, tensors):
    """Write ``payload`` (a JSON-able dict) and ``tensors`` (name -> CPU tensor) to ``path``.

    The file is written to a temporary name beside ``path`` and renamed, so an
    interrupted save never leaves a half-written file under the final name.
    """
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    metadata = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION),
        "payload": text,
        "sha256": _digest(FORMAT_VERSION, text, tensors),
    }
    data = safetensors.torch.save(tensors, metadata=metadata)
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
    """Return ``(payload, tensors)`` of a file written by :func:`write_file`.

    Raises
    ------
    InvalidFileError
        Truncated, corrupted, edited, foreign, or of an unsupported format version.
    """
    with open(path, "rb") as file:
        data = file.read()
    where = f"{os.fspath(path)!r}"
    try:
        tensors = safetensors.torch.load(data)
        metadata = _metadata(data)
    except Exception as exc:  # safetensors' own error type varies with its version
        if _looks_pickled(data):
            raise InvalidFileError(
                f"{where} is not a file written by sklweight.save.{_PICKLE_HINT}"
            ) from None
        raise InvalidFileError(
            f"{where} is not a complete safetensors file: it is truncated, corrupted or "
            f"not a file written by sklweight.save ({type(exc).__name__}: {exc})."
        ) from exc
    if metadata.get("format") != FORMAT:
        raise InvalidFileError(
            f"{where} is a safetensors file but not one written by sklweight.save (its "
            f"metadata has no 'format': {FORMAT!r} entry)."
        )
    version = _version(metadata.get("format_version"), where)
    text = metadata.get("payload")
    if not isinstance(text, str) or metadata.get("sha256") != _digest(version, text, tensors):
        raise InvalidFileError(
            f"{where} failed its integrity check (SHA-256 of its contents): it was "
            "modified or corrupted after sklweight.save wrote it. Save the estimator again."
        )
    try:
        payload = json.loads(text)
    except ValueError as exc:  # unreachable for an intact file
        raise InvalidFileError(f"{where} has an unreadable payload ({exc}).") from exc
    return payload, tensors


def _looks_pickled(data):
    """A pickle stream (protocol 2-5) or a zip archive (torch.save, some joblib files)."""
    return (data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")) or (
        data[:4] == b"PK\x03\x04"
    )


def _metadata(data):
    """The ``__metadata__`` of a safetensors buffer (already parsed once by safetensors)."""
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length].decode("utf-8"))
    metadata = header.get("__metadata__") or {}
    if not isinstance(metadata, dict):
        raise ValueError("__metadata__ is not a mapping")
    return metadata


def _version(value, where):
    try:
        version = int(value)
    except (TypeError, ValueError):
        raise InvalidFileError(f"{where} has no valid format version ({value!r}).") from None
    if version in _SUPPORTED_VERSIONS:
        return version
    supported = sorted(_SUPPORTED_VERSIONS)
    if version > max(supported):
        raise InvalidFileError(
            f"{where} was written in format version {version} by a newer sklweight; this "
            f"sklweight reads format version(s) {supported}. Upgrade sklweight to load it."
        )
    raise InvalidFileError(
        f"{where} is in format version {version}, which this sklweight no longer reads "
        f"(it reads {supported}). Load it with the sklweight that wrote it and save again."
    )


def _digest(version, text, tensors):
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{version}\0".encode())
    digest.update(text.encode("utf-8"))
    for name in sorted(tensors):
        tensor = tensors[name]
        digest.update(f"\0{name}\0{tensor.dtype}\0{tuple(tensor.shape)}\0".encode())
        digest.update(tensor.contiguous().reshape(-1).view(torch.uint8).numpy())
    return digest.hexdigest()
