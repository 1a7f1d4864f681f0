"""sklweight.load refuses what it should (docs/user_guide/persistence.rst): corrupted,
truncated, foreign and wrong-version files get a clear error naming the file; untrusted
names are never imported; nothing is ever unpickled."""

import ast
import json
import os
import pathlib
import pickle
import sys

import joblib
import numpy as np
import pytest
import safetensors.torch
import torch
from safetensors import safe_open
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sklweight.io
from sklweight import WeightedMLPClassifier, load, save
from sklweight.io import InvalidFileError, PersistenceError, UntrustedTypeError
from sklweight.io._container import _digest


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = np.array(["a", "b"])[(X[:, 0] > 0).astype(int)]
    return WeightedMLPClassifier((4,), max_epochs=3, random_state=0).fit(X, y), X


@pytest.fixture
def path(tmp_path, fitted):
    path = tmp_path / "model.safetensors"
    save(fitted[0], path)
    return path


def _parts(path):
    with safe_open(path, framework="pt") as file:
        return file.metadata(), {key: file.get_tensor(key) for key in file.keys()}


def _rewrite(path, edit=None, *, metadata_edit=None, rehash=True):
    """Rewrite the file with an edited payload (and a recomputed digest, as an attacker
    who knows the format would)."""
    metadata, tensors = _parts(path)
    payload = json.loads(metadata["payload"])
    if edit is not None:
        edit(payload)
    metadata["payload"] = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    if metadata_edit is not None:
        metadata_edit(metadata)
    if rehash:
        metadata["sha256"] = _digest(metadata["format_version"], metadata["payload"], tensors)
    safetensors.torch.save_file(tensors, path, metadata=metadata)


def test_errors_are_value_errors():
    assert issubclass(InvalidFileError, PersistenceError)
    assert issubclass(UntrustedTypeError, PersistenceError)
    assert issubclass(PersistenceError, ValueError)


# --------------------------------------------------------------------------- tampered
def _flip(path, index):
    data = bytearray(path.read_bytes())
    data[index] ^= 0x01
    path.write_bytes(bytes(data))


def test_flipped_tensor_byte_fails_the_integrity_check(path):
    header = int.from_bytes(path.read_bytes()[:8], "little")
    _flip(path, 8 + header + 3)  # inside the first tensor's bytes
    with pytest.raises(InvalidFileError, match="failed its integrity check.*modified"):
        load(path)


def test_last_byte_flipped_fails_the_integrity_check(path):
    _flip(path, path.stat().st_size - 1)
    with pytest.raises(InvalidFileError, match="integrity check"):
        load(path)


def test_edited_hyper_parameter_fails_the_integrity_check(path):
    data = path.read_bytes()
    entry = rb'\"max_epochs\":3'  # the payload is a JSON string inside the JSON header
    assert data.count(entry) == 2  # the MLP's and its net's
    path.write_bytes(data.replace(entry, entry[:-1] + b"9"))
    with pytest.raises(InvalidFileError, match="integrity check"):
        load(path)


def test_broken_header_is_reported_as_corrupted(path):
    data = path.read_bytes()
    path.write_bytes(data[:8] + b"}" + data[9:])  # the header JSON's first "{"
    with pytest.raises(InvalidFileError, match="truncated, corrupted"):
        load(path)


@pytest.mark.parametrize("keep", [0, 5, 8, 100, 0.5, -1])
def test_truncated_file(path, keep):
    data = path.read_bytes()
    keep = int(len(data) * keep) if isinstance(keep, float) else keep
    path.write_bytes(data[:keep] if keep >= 0 else data[:-1])
    with pytest.raises(InvalidFileError, match="truncated"):
        load(path)


def test_foreign_safetensors_file(tmp_path):
    other = tmp_path / "weights.safetensors"
    safetensors.torch.save_file({"weight": torch.ones(3)}, other, metadata={"x": "1"})
    with pytest.raises(InvalidFileError, match="not one written by sklweight.save"):
        load(other)


@pytest.mark.parametrize("writer", ["pickle", "joblib", "torch.save"])
def test_pickle_files_are_refused_with_advice(tmp_path, fitted, writer):
    other = tmp_path / "model.bin"
    if writer == "pickle":
        other.write_bytes(pickle.dumps(fitted[0]))
    elif writer == "joblib":
        joblib.dump(fitted[0], other)
    else:
        torch.save({"w": torch.ones(2)}, other)
    with pytest.raises(InvalidFileError, match="looks like a pickle.*never unpickles.*joblib"):
        load(other)


def test_random_bytes_are_refused(tmp_path):
    other = tmp_path / "noise"
    other.write_bytes(os.urandom(256))
    with pytest.raises(InvalidFileError):
        load(other)


# --------------------------------------------------------------------------- versions
@pytest.mark.parametrize(("version", "phrase"), [
    ("3", r"format version 3 by a newer sklweight.*Upgrade sklweight"),
    ("0", r"format version 0, which this sklweight no longer reads"),
    ("one", r"no valid format version \('one'\)"),
])
def test_incompatible_format_version(path, version, phrase):
    _rewrite(path, metadata_edit=lambda m: m.update(format_version=version), rehash=False)
    metadata, tensors = _parts(path)
    if version.isdigit():  # a consistent file of another version
        metadata["sha256"] = _digest(int(version), metadata["payload"], tensors)
        safetensors.torch.save_file(tensors, path, metadata=metadata)
    with pytest.raises(InvalidFileError, match=phrase):
        load(path)


def test_file_records_its_format_version_and_library_versions(path):
    metadata, _ = _parts(path)
    assert metadata["format"] == "sklweight"
    assert metadata["format_version"] == "2"
    assert "FORMAT_VERSION" not in sklweight.io.__all__
    versions = json.loads(metadata["payload"])["versions"]
    assert versions["torch"] == torch.__version__ and "sklearn" in versions


def test_other_sklearn_version_warns_for_sklearn_steps(tmp_path, fitted):
    clf, X = fitted
    path = tmp_path / "pipe.safetensors"
    save(make_pipeline(StandardScaler(), WeightedMLPClassifier((4,), max_epochs=2)), path)
    _rewrite(path, lambda p: p["versions"].update(sklearn="0.1"))
    with pytest.warns(InconsistentVersionWarning):
        load(path)


# --------------------------------------------------------------------------- trust
def _name_function(payload, module, qualname):
    payload["estimator"]["params"]["class_weight"] = {
        "__type__": "function", "module": module, "qualname": qualname}
    payload["types"].append(f"{module}.{qualname}")


def test_a_file_naming_os_system_is_refused(path, monkeypatch):
    called = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    _rewrite(path, lambda p: _name_function(p, "os", "system"))
    with pytest.raises(UntrustedTypeError, match=r"\['os.system'\].*trusted="):
        load(path)
    assert called == []


def test_estimator_class_outside_the_allow_list_is_refused(path):
    def edit(payload):
        payload["estimator"]["class"] = {"__type__": "class", "module": "subprocess",
                                         "qualname": "Popen"}
        payload["types"].append("subprocess.Popen")

    _rewrite(path, edit)
    with pytest.raises(UntrustedTypeError, match="subprocess.Popen"):
        load(path)


@pytest.fixture
def probe_module(tmp_path, monkeypatch):
    """An importable module that records being imported."""
    name = "sklweight_io_probe_module"
    (tmp_path / f"{name}.py").write_text(
        "import builtins\nbuiltins.sklweight_io_probe_imported = True\nclass Evil:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


@pytest.mark.parametrize("listed", [True, False], ids=["listed", "hidden-from-types"])
def test_untrusted_module_is_never_imported(path, probe_module, listed):
    # "hidden": an attacker leaves the name out of the file's type list; the decoder
    # checks every name again before importing it
    def edit(payload):
        _name_function(payload, probe_module, "Evil")
        if not listed:
            payload["types"].remove(f"{probe_module}.Evil")

    _rewrite(path, edit)
    with pytest.raises(UntrustedTypeError, match=f"{probe_module}.Evil"):
        load(path)
    assert probe_module not in sys.modules
    assert not hasattr(__builtins__ if isinstance(__builtins__, dict) else __builtins__,
                       "sklweight_io_probe_imported")
    if listed:
        assert sklweight.io.get_untrusted_types(path) == [f"{probe_module}.Evil"]


def test_attribute_paths_of_trusted_modules_are_not_trusted(path):
    # only exact names are trusted: torch.nn.Linear is, torch.nn.Linear.__init__ is not
    _rewrite(path, lambda p: _name_function(p, "torch.nn.modules.linear", "Linear.__init__"))
    with pytest.raises(UntrustedTypeError, match=r"Linear.__init__"):
        load(path)


# --------------------------------------------------------------------------- no pickle
class _NoUnpickling:
    active = False
    seen = []

    @classmethod
    def hook(cls, event, args):
        if cls.active and event.startswith("pickle."):
            cls.seen.append((event, args))


sys.addaudithook(_NoUnpickling.hook)  # audit hooks cannot be removed: it checks a flag


def test_loading_never_unpickles(tmp_path, fitted, monkeypatch):
    clf, X = fitted
    path = tmp_path / "pipe.safetensors"
    pipeline = make_pipeline(StandardScaler(), WeightedMLPClassifier(
        (4,), max_epochs=3, random_state=0, class_weight={"a": 1.0, "b": 2.0})).fit(X, clf.classes_[
            (X[:, 0] > 0).astype(int)])
    save(pipeline, path)

    def forbidden(*args, **kwargs):
        raise AssertionError("load() unpickled something")

    for module, name in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"),
                         (torch, "load"), (joblib, "load")]:
        monkeypatch.setattr(module, name, forbidden)
    monkeypatch.setattr(_NoUnpickling, "active", True)
    monkeypatch.setattr(_NoUnpickling, "seen", [])
    loaded = load(path)
    assert _NoUnpickling.seen == []  # no pickle.find_class event: nothing was unpickled
    monkeypatch.setattr(_NoUnpickling, "active", False)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))


def test_the_io_package_has_no_unpickling_code():
    forbidden_modules = {"pickle", "_pickle", "cPickle", "joblib", "marshal", "dill",
                         "cloudpickle", "shelve"}
    for file in pathlib.Path(sklweight.io.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & forbidden_modules
            if isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] not in forbidden_modules, file
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"load", "loads"} or ast.unparse(node.value) in {
                    "json", "safetensors.torch"}, (file, ast.unparse(node))
                assert node.attr not in {"__reduce__", "__reduce_ex__", "Unpickler"}, file
                # a scikit-learn Tree takes its checked node arrays through __setstate__
                assert node.attr != "__setstate__" or file.name == "_sklearn.py", file
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, file


# --------------------------------------------------------------------------- odd payloads
def test_a_payload_that_does_not_fit_the_class_is_a_clear_error(path):
    # e.g. a trusted class whose constructor changed since the file was written
    _rewrite(path, lambda p: p["estimator"]["params"].update(no_such_parameter=1))
    with pytest.raises(InvalidFileError, match="could not be rebuilt here.*no_such_parameter"):
        load(path)


def test_dunder_attributes_are_refused(path):
    _rewrite(path, lambda p: p["estimator"]["attributes"].update(__class__=None))
    match = "model.safetensors.*'__class__' is not an attribute"
    with pytest.raises(InvalidFileError, match=match):
        load(path)
