"""Files whose container is forged (what is no file, headers, tensor entries and byte
ranges) cannot make sklweight.load misbehave (docs/user_guide/persistence.rst, "What load
allocates" and "Errors"): each raises a PersistenceError subclass naming the file, within
a small constant of memory beyond the file's bytes. The payload inside a valid container
is ``test_hostile_files.py``'s."""

import os

import pytest

import sklweight.io
from sklweight.io import InvalidFileError

from ._helpers import forge, refused


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_a_path_that_is_no_file_is_a_persistence_error(tmp_path, what):
    path = tmp_path / "model.safetensors"
    if what == "directory":
        path.mkdir()
    refused(path, match="No such file|directory")
    with pytest.raises(InvalidFileError, match="model.safetensors"):
        sklweight.io.get_untrusted_types(path)


def test_dev_zero_is_refused_without_reading_it():
    refused("/dev/zero", match="not a regular file")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    refused(path, match="not a regular file")


def test_a_header_longer_than_the_file_is_refused(tmp_path):
    path = tmp_path / "long.safetensors"
    path.write_bytes((2**60).to_bytes(8, "little") + b"{}")
    refused(path, match="header declares")


@pytest.mark.parametrize("shape", [[10**6, 10**6], [2**63, 2**63, 2**63], [-1, 4]],
                         ids=["huge", "overflow", "negative"])
def test_declared_shapes_must_match_the_bytes_held(tmp_path, shape):
    entries = {"w": {"dtype": "F64", "shape": shape, "data_offsets": [0, 16]}}
    path = forge(tmp_path / "shape.safetensors", {"estimator": None, "types": []},
                 entries=entries, data=bytes(16))
    refused(path, match="tensor entry 'w' is not valid")


@pytest.mark.parametrize("entry", [
    {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]},  # claims more than held
    {"dtype": "F64", "shape": [1], "data_offsets": [8, 16]},  # leaves a hole
], ids=["beyond-the-data", "hole"])
def test_byte_ranges_must_tile_the_data(tmp_path, entry):
    path = forge(tmp_path / "ranges.safetensors", {"estimator": None, "types": []},
                 entries={"w": entry}, data=bytes(8) if entry["shape"] == [2] else bytes(16))
    refused(path)


@pytest.mark.parametrize("dtype", ["STR", None, "F8_E4M3"])
def test_tensor_dtypes_outside_the_numeric_ones_are_refused(tmp_path, dtype):
    entries = {"w": {"dtype": dtype, "shape": [2], "data_offsets": [0, 2]}}
    path = forge(tmp_path / "dtype.safetensors", {"estimator": None, "types": []},
                 entries=entries, data=bytes(2))
    refused(path, match="dtype")
