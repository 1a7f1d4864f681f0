"""Payloads forged inside a valid container cannot make sklweight.load misbehave
(docs/user_guide/persistence.rst, "What load allocates" and "Errors"): each one raises a
PersistenceError subclass naming the file, and the memory load takes stays bounded by
what the file holds plus a small constant. Forged containers (headers, tensor entries,
byte ranges) are ``test_hostile_container.py``'s."""

import json
import os
import subprocess
import sys
import textwrap
import tracemalloc

import numpy as np
import pytest

from sklweight import WeightedMLPClassifier, load, save
from sklweight.io import InvalidFileError, PersistenceError, UntrustedTypeError

from ._helpers import SMALL, forge, net, parts, refused


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A fitted MLP's payload and tensors, loaded once so imports are done."""
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    y = np.array(["a", "b"])[(X[:, 0] > 0).astype(int)]
    path = tmp_path_factory.mktemp("saved") / "model.safetensors"
    save(WeightedMLPClassifier((4,), max_epochs=2, random_state=0).fit(X, y), path)
    load(path)
    return parts(path)


@pytest.fixture
def hostile(tmp_path, saved):
    """``hostile(edit)``: the saved file with its payload edited and a valid checksum."""

    def make(edit=None, tensors=None):
        payload, arrays = json.loads(json.dumps(saved[0])), dict(saved[1])
        if edit is not None:
            edit(payload)
        arrays.update(tensors or {})
        return forge(tmp_path / "hostile.safetensors", payload, arrays)

    return make


def _net_params(payload):
    return payload["estimator"]["attributes"]["net_"]["params"]


def _tuple(*items):
    return {"__type__": "tuple", "items": list(items)}


def _name(dotted, kind="class"):
    module, _, qualname = dotted.rpartition(".")
    return {"__type__": kind, "module": module, "qualname": qualname}


# --------------------------------------------------------------------------- the payload
@pytest.mark.parametrize("depth", [100_000, 1_000])
def test_deeply_nested_json_is_refused(hostile, depth):
    def edit(payload):
        payload["estimator"]["params"]["tol"] = json.loads("[" * 900 + "]" * 900)

    path = hostile(edit)
    if depth == 100_000:  # beyond the JSON parser's recursion: written as text
        text = json.dumps({"estimator": "X", "types": []}).replace(
            '"X"', "[" * depth + "]" * depth)
        path = forge(path, text)
    refused(path, match="nest|JSON|payload")


@pytest.mark.parametrize("unit", ["[]", "{}", '"ab"'])
def test_json_objects_stay_proportional_to_the_header(tmp_path, unit):
    """The densest JSON (empty containers, short strings) stays within 30 x its size."""
    text = json.dumps({"estimator": "X", "types": []}).replace(
        '"X"', "[" + ",".join([unit] * (2**20 // (len(unit) + 1))) + "]")
    path = forge(tmp_path / "dense.safetensors", text)
    tracemalloc.start()
    try:
        with pytest.raises(InvalidFileError, match="top level is not an estimator"):
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= 30 * len(text) + SMALL, peak


def test_a_header_beyond_the_limit_is_refused_before_it_is_read(tmp_path):
    from sklweight.io._container import MAX_HEADER_BYTES

    path = forge(tmp_path / "big.safetensors", "x" * MAX_HEADER_BYTES)
    refused(path, match="header declares")


def test_a_string_dtype_cannot_inflate_a_tensor(hostile):
    def edit(payload):
        payload["estimator"]["attributes"]["classes_"]["dtype"] = "<U3000000"

    refused(hostile(edit), match="dtype")


def test_a_string_dtype_cannot_inflate_json_items(hostile):
    def edit(payload):
        payload["estimator"]["attributes"]["classes_"] = {
            "__type__": "ndarray", "dtype": "<U3000000", "shape": [2], "items": ["a", "b"]}

    refused(hostile(edit), match="more than its JSON holds")


def test_structured_and_subarray_dtypes_are_refused(hostile):
    def edit(payload):
        payload["estimator"]["attributes"]["classes_"] = {
            "__type__": "np_dtype", "dtype": "(100000000,)f8"}

    refused(hostile(edit), match="dtype")


def test_an_integer_too_large_for_its_dtype_is_refused(hostile):
    def edit(payload):
        payload["estimator"]["params"]["tol"] = {"__type__": "np_scalar", "dtype": "<i8",
                                                 "value": 10**30}

    refused(hostile(edit), match="OverflowError")


def test_a_missing_tensor_is_refused(hostile):
    def edit(payload):
        payload["estimator"]["attributes"]["classes_"]["tensor"] = "no such tensor"

    refused(hostile(edit), match="does not hold")


@pytest.mark.parametrize("value", [[], 5, "text", {"__type__": 7}],
                         ids=["list", "int", "str", "odd-type"])
def test_wrong_json_types_are_refused(hostile, value):
    def edit(payload):
        payload["estimator"]["attributes"]["net_"]["modules"] = value

    refused(hostile(edit))


def test_odd_version_records_are_ignored(tmp_path, boosting):
    payload = json.loads(json.dumps(boosting[0]))
    payload["versions"] = 5  # only used to warn about another scikit-learn version
    assert load(forge(tmp_path / "versions.safetensors", payload, boosting[1])) is not None


# --------------------------------------------------------------------------- what is built
@pytest.mark.parametrize("top", [
    "just a string",
    _name("builtins.print", "function"),
    _name("torch.nn.modules.linear.Linear"),
    {"__type__": "loss", "class": _name("torch.nn.modules.linear.Linear"),
     "args": {"in_features": 2, "out_features": 2}, "training": True, "buffers": {}},
    {"__type__": "object", "class": _name("torch.nn.modules.linear.Linear"),
     "args": {"in_features": 2, "out_features": 2}},
], ids=["str", "print", "class", "module-as-loss", "module-as-object"])
def test_only_an_estimator_is_returned(hostile, top):
    refused(hostile(lambda payload: payload.update(estimator=top)),
             match="not an estimator|top level")


# ``classes`` is a member of the skorch net only (on WeightedMLPClassifier it is no
# member, so such an attribute is data, not a replaced behaviour)
@pytest.mark.parametrize(("where", "name"), [
    (where, name) for where in ("estimator", "net")
    for name in ("predict_proba", "fit", "classes", "__class__", "_parameter_constraints")
    if (where, name) != ("estimator", "classes")
])
def test_attributes_cannot_replace_behaviour(hostile, where, name):
    def edit(payload):
        spec = payload["estimator"]
        spec = spec if where == "estimator" else spec["attributes"]["net_"]
        spec["attributes"][name] = _name("builtins.print", "function")

    refused(hostile(edit), match=f"'{name}' (would replace|is not an attribute)")


def test_a_constructor_parameter_cannot_be_overridden_as_an_attribute(hostile):
    refused(hostile(lambda p: p["estimator"]["attributes"].update(tol=5.0)),
             match="'tol' is not an attribute")


def test_a_tree_pointing_outside_itself_is_refused(tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    X = np.random.RandomState(0).randn(30, 2)
    path = tmp_path / "tree.safetensors"
    save(DecisionTreeClassifier(random_state=0).fit(X, X[:, 0] > 0), path)
    payload, tensors = parts(path)
    left = next(k for k in tensors if k.endswith("left_child"))
    tensors[left] = tensors[left].copy()
    tensors[left][0] = 10**9  # the tree's C code would read far outside its nodes
    refused(forge(path, payload, tensors), match="point outside the tree")


@pytest.fixture(scope="module")
def boosting(tmp_path_factory):
    """A gradient boosting classifier with a categorical feature, saved."""
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(120),
                      "c": pd.Categorical(rng.choice(["x", "y", "z"], 120))})
    y = (X["c"] == "y") ^ (X["a"] > 0)
    path = tmp_path_factory.mktemp("boosting") / "model.safetensors"
    save(HistGradientBoostingClassifier(max_iter=3, random_state=0).fit(X, y), path)
    return parts(path)


def _first_split(tensors):
    is_leaf = tensors["HistGradientBoostingClassifier._predictors[0][0].nodes.is_leaf"]
    return int(np.flatnonzero(is_leaf == 0)[0])


@pytest.mark.parametrize(("suffix", "value", "match"), [
    ("_predictors[0][0].nodes.left", 10**9, "outside the predictor"),
    ("_predictors[0][0].nodes.feature_idx", 7, "a feature the estimator is not fitted on"),
    ("_predictors[0][0].nodes.bitset_idx", 10**6, "outside the predictor or its bitsets"),
    ("_bin_mapper.bin_thresholds_[0]", 10**6, "categories are not in 0..255"),
], ids=["child", "feature", "bitset", "category"])
def test_gradient_boosting_indices_are_checked(tmp_path, boosting, suffix, value, match):
    payload, tensors = boosting
    tensors = dict(tensors)
    name = f"HistGradientBoostingClassifier.{suffix}"
    tensors[name] = tensors[name].copy()
    if suffix.endswith("bitset_idx"):  # a categorical split, on c (column 0 once encoded)
        for field, new in (("is_categorical", 1), ("feature_idx", 0)):
            key = f"HistGradientBoostingClassifier._predictors[0][0].nodes.{field}"
            tensors[key] = tensors[key].copy()
            tensors[key][_first_split(tensors)] = new
    where = _first_split(tensors) if "nodes" in suffix else 0
    tensors[name][where] = value
    refused(forge(tmp_path / "boosting.safetensors", payload, tensors), match=match)


def _mutations(node, path=()):
    """Every (path, value) position of a JSON document."""
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(
        node, list) else ()
    for key, child in children:
        yield from _mutations(child, (*path, key))


_ODD_VALUES = [None, -1, 2**70, 1e308, "x", "", [], {}, [1, [2]], {"__type__": "tuple"},
               {"__type__": "tensor", "tensor": 3}, {"__type__": "ndarray", "dtype": "<f8"}]


@pytest.mark.parametrize("source", ["mlp", "boosting"])
def test_random_edits_of_the_payload_fail_only_with_persistence_errors(
    tmp_path, saved, boosting, source
):
    """Replace 150 random positions of a valid payload by odd values (checksum
    recomputed): each file loads or raises a PersistenceError, nothing else."""
    payload, tensors = saved if source == "mlp" else boosting
    positions = list(_mutations(payload))
    rng = np.random.RandomState(0)
    path = tmp_path / "edited.safetensors"
    for _ in range(150):
        edited = json.loads(json.dumps(payload))
        where = positions[rng.randint(1, len(positions))]
        parent = edited
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = _ODD_VALUES[rng.randint(len(_ODD_VALUES))]
        forge(path, edited, tensors)
        try:
            load(path)
        except PersistenceError as exc:
            assert os.fspath(path) in str(exc)


def test_an_invalid_metadata_request_is_refused(hostile):
    request = {"__type__": "metadata_request", "methods": {"__init__": {"x": True}}}
    refused(hostile(lambda p: p["estimator"]["attributes"].update(_metadata_request=request)),
             match="metadata can be requested")


def test_untrusted_names_are_still_refused_first(hostile):
    def edit(payload):
        payload["estimator"]["class"] = _name("os.system")

    refused(hostile(edit), UntrustedTypeError, match="os.system")


# --------------------------------------------------------------------------- trusted=
def test_trusted_given_as_a_generator_is_read_once(tmp_path):
    from sklweight import WeightedNeuralNetClassifier

    from .test_round_trip import Wide

    rng = np.random.RandomState(0)
    X, y = rng.randn(30, 4).astype(np.float32), np.arange(30) % 3
    estimator = WeightedNeuralNetClassifier(Wide, module__n_in=4, module__n_out=3,
                                            max_epochs=2, train_split=None, verbose=0,
                                            random_state=0).fit(X, y)
    path = tmp_path / "wide.safetensors"
    save(estimator, path)
    name = f"{Wide.__module__}.Wide"
    loaded = load(path, trusted=(n for n in [name]))
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


# --------------------------------------------------------------------------- torch memory
_MEASURE = textwrap.dedent("""
    import json, resource, sys
    import sklweight
    from sklweight import load
    load(sys.argv[1])  # imports and first-call allocations
    results = {}
    for path in sys.argv[2:]:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            load(path)
            error = None
        except Exception as exc:
            error = type(exc).__name__
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        results[path] = [error, (after - before) * 1024]
    print(json.dumps(results))
""")


def test_modules_are_checked_against_the_tensors_before_they_are_built(tmp_path, saved):
    """Torch allocates outside tracemalloc: the peak resident memory of a fresh process
    must not grow by more than SMALL for files whose parameters would build modules of
    hundreds of MB beside a few small tensors."""
    payload, tensors = saved
    files = {}

    def write(name, edit, base=payload, arrays=tensors):
        copy = json.loads(json.dumps(base))
        edit(copy)
        files[name] = os.fspath(forge(tmp_path / f"{name}.safetensors", copy, arrays))

    write("hidden-layer-sizes", lambda p: _net_params(p).update(
        module__hidden_layer_sizes=_tuple(15000, 15000)))
    write("criterion-module", lambda p: _net_params(p).update(
        criterion=_name("torch.nn.modules.linear.Linear"), criterion__in_features=15000,
        criterion__out_features=15000))
    base = tmp_path / "net.safetensors"
    rng = np.random.RandomState(0)
    X = rng.randn(20, 4).astype(np.float32)
    save(net(module__in_features=4).fit(X, np.arange(20) % 3), base)
    net_payload, net_tensors = parts(base)
    write("linear-module", lambda p: p["estimator"]["params"].update(
        module__in_features=15000, module__out_features=15000), net_payload, net_tensors)
    write("linear-module-on-cpu", lambda p: p["estimator"]["params"].update(
        module__in_features=15000, module__out_features=15000, module__device="cpu"),
        net_payload, net_tensors)
    good = tmp_path / "good.safetensors"
    forge(good, *saved)
    # a legitimate file of 3 MB of tensors: load takes about twice that, at most 3 times
    large = tmp_path / "large.safetensors"
    X = rng.randn(64, 300).astype(np.float32)
    save(WeightedMLPClassifier((1024, 512), max_epochs=1, random_state=0).fit(
        X, np.arange(64) % 2), large)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, os.fspath(good), *files.values(), os.fspath(large)],
        capture_output=True, text=True, env=env, check=True, timeout=300)
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for name, path in files.items():
        error, grown = results[path]
        assert error == "InvalidFileError", (name, error)
        assert grown <= SMALL, (name, grown)
    error, grown = results[os.fspath(large)]
    assert error is None and grown <= 3 * os.path.getsize(large) + SMALL, grown
