"""Objects back from what ``_encode.py`` wrote; only trusted names are resolved.

What a hostile file can make the decoder do is bounded by these rules:

* names are resolved only when trusted (``_trust.py``), and each entry type accepts only
  the kind of class it is for: ``estimator`` a class with ``get_params`` (never a torch
  module or a skorch net), ``net`` a skorch net (``_nets.py``), ``loss`` a torch loss,
  ``object`` one of :data:`~._trust.OBJECT_CLASSES`;
* the top level is an estimator or a net;
* an attribute set on a rebuilt object is a plain identifier, not a constructor
  parameter, and never replaces a member of the class (a method, a property, a
  class-level setting);
* nesting is at most :data:`MAX_DEPTH` deep;
* an array is a copy of one of the file's tensors (numbers with the same item size,
  fixed-width strings from their code points: the copy is the tensor's size) or, for
  object arrays (and files of format version 1), built from JSON items, whose sizes
  together are capped by a budget proportional to the payload (a string dtype cannot
  declare more room than that).
"""

from __future__ import annotations

import functools
import inspect

import numpy as np
import torch

from ..utils._warnings import warn_user
from ._arrays import decode_ndarray, decode_np_dtype, decode_np_scalar
from ._errors import invalid, short
from ._trust import OBJECT_CLASSES, resolve

__all__ = ["MAX_DEPTH", "Decoder"]

MAX_DEPTH = 64
"""The deepest nesting of entries a file may have."""

_MISSING = object()


class Decoder:
    """Rebuild objects from what :class:`Encoder` wrote; only trusted names are used.

    Parameters
    ----------
    tensors : dict of str to torch.Tensor
        The file's tensors.
    trusted : tuple of str
        Names trusted beyond the defaults.
    device : str or None
        The device override of :func:`sklweight.load`.
    budget : int
        Bytes that arrays built from JSON items (strings, objects) may take together.
    """

    def __init__(self, tensors, trusted=(), device=None, budget=0):
        self.tensors = tensors
        self.trusted = tuple(trusted or ())
        self.device = device
        self.budget = budget
        self.sklearn_used = False
        self._depth = 0

    # ------------------------------------------------------------------ helpers
    def tensor(self, name):
        """The file's tensor ``name`` (a view: clone it before handing it out)."""
        if not isinstance(name, str) or name not in self.tensors:
            raise invalid(f"it refers to a tensor {name!r} the file does not hold")
        return self.tensors[name]

    def resolve(self, spec, kind="class"):
        if not isinstance(spec, dict) or spec.get("__type__") != kind:
            raise invalid(f"a {kind} is expected, got {short(spec)}")
        obj = resolve(spec.get("module"), spec.get("qualname"), self.trusted)
        if kind == "class" and not isinstance(obj, type):
            raise invalid(f"{spec['module']}.{spec['qualname']} is not a class")
        if kind == "function" and (isinstance(obj, type) or not callable(obj)):
            raise invalid(f"{spec['module']}.{spec['qualname']} is not a function")
        if spec["module"].split(".")[0] == "sklearn":
            self.sklearn_used = True
        return obj

    def resolve_subclass(self, spec, bases, what):
        """A trusted class that derives from one of ``bases``."""
        cls = self.resolve(spec)
        if not issubclass(cls, bases):
            raise invalid(f"{cls.__module__}.{cls.__qualname__} is not {what}")
        return cls

    def charge(self, nbytes, what):
        """Take ``nbytes`` from the budget of arrays built from JSON items."""
        if nbytes > self.budget:
            raise invalid(f"{what} would take {nbytes} bytes, more than its JSON holds")
        self.budget -= nbytes

    def mapping(self, mapping):
        if not isinstance(mapping, dict):
            raise invalid(f"a mapping is expected, got {type(mapping).__name__}")
        return {key: self.decode(value) for key, value in mapping.items()}

    def items(self, obj):
        items = obj.get("items")
        if not isinstance(items, list):
            raise invalid(f"a list of items is expected, got {short(items)}")
        return [self.decode(v) for v in items]

    # ------------------------------------------------------------------ dispatch
    def decode_top(self, spec):
        """The estimator at the top of the file (nothing else is accepted there)."""
        if not isinstance(spec, dict) or spec.get("__type__") not in ("estimator", "net"):
            raise invalid(f"its top level is not an estimator (got {short(spec)})")
        return self.decode(spec)

    def decode(self, obj):
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise invalid(f"it nests entries more than {MAX_DEPTH} deep")
            if isinstance(obj, list):
                return [self.decode(v) for v in obj]
            if not isinstance(obj, dict):
                raise invalid(f"unexpected JSON value {short(obj)}")
            kind = obj.get("__type__")
            if kind is None:
                return self.mapping(obj)
            decoder = _DECODERS.get(kind) if isinstance(kind, str) else None
            if decoder is None:
                raise invalid(f"unknown entry type {short(kind)}")
            return decoder(self, obj)
        finally:
            self._depth -= 1

    def attributes(self, spec, cls, params=()):
        """Decoded attributes to set on an instance of ``cls``.

        A name must be a plain identifier, not a dunder, not a constructor parameter
        (``params``), and not a member of ``cls`` (a method, a property, a class-level
        setting such as ``_estimator_type``): a file sets fitted data, never behaviour.
        """
        attributes = self.mapping(spec)
        for key in attributes:
            if not key.isidentifier() or key.startswith("__") or key in params:
                raise invalid(f"{key!r} is not an attribute sklweight.save writes")
            static = inspect.getattr_static(cls, key, _MISSING)
            if static is not _MISSING:
                raise invalid(
                    f"{key!r} would replace the {type(static).__name__} "
                    f"{cls.__qualname__}.{key}; a file sets fitted attributes only"
                )
        return attributes

    def params(self, spec):
        """Decoded constructor parameters, with the device override of :func:`load`."""
        params = self.mapping(spec)
        if "device" in params:
            params["device"] = self.target_device(params["device"])
        return params

    def target_device(self, saved):
        if self.device is not None:
            return self.device
        if str(saved).startswith("cuda") and not torch.cuda.is_available():
            from skorch.exceptions import DeviceWarning  # noqa: PLC0415

            warn_user(
                f"The file was saved with device={str(saved)!r} but CUDA is not available "
                "here: loading on device 'cpu' (pass device= to sklweight.load to choose).",
                DeviceWarning,
            )
            return "cpu"
        return saved


# ---------------------------------------------------------------------- entry types
def _float(dec, obj):
    if not isinstance(obj.get("value"), str):
        raise invalid("a float entry holds no text")
    return float(obj["value"])


def _bytes(dec, obj):
    return bytes.fromhex(obj["hex"])


def _tensor(dec, obj):
    return dec.tensor(obj["tensor"]).clone()


def _torch_dtype(dec, obj):
    dtype = getattr(torch, str(obj["name"]), None)
    if not isinstance(dtype, torch.dtype):
        raise invalid(f"unknown torch dtype {short(obj['name'])}")
    return dtype


def _device(dec, obj):
    if not isinstance(obj.get("name"), str):
        raise invalid("a device entry holds no name")
    return torch.device(obj["name"])


def _generator(dec, obj):
    state = dec.tensor(obj["state"])
    if state.dtype != torch.uint8 or state.ndim != 1:
        raise invalid("a torch generator state is not a 1-d uint8 tensor")
    generator = torch.Generator(device=str(obj["device"]))
    generator.set_state(state.clone())
    return generator


def _random_state(dec, obj):
    keys = dec.tensor(obj["keys"])
    if tuple(keys.shape) != (624,):
        raise invalid("a RandomState's key is not 624 numbers")
    rs = np.random.RandomState()
    rs.set_state(("MT19937", keys.numpy().astype(np.uint32), int(obj["pos"]),
                  int(obj["has_gauss"]), float(dec.decode(obj["cached_gaussian"]))))
    return rs


def _history(dec, obj):
    from skorch.history import History  # noqa: PLC0415

    return History(dec.items(obj))


def _tuple(dec, obj):
    return tuple(dec.items(obj))


def _set(dec, obj):
    return set(dec.items(obj))


def _dict(dec, obj):
    pairs = dec.items(obj)
    if not all(isinstance(pair, list) and len(pair) == 2 for pair in pairs):
        raise invalid("a dict entry's items are not [key, value] pairs")
    return {key: value for key, value in pairs}


def _slice(dec, obj):
    parts = dec.items(obj)
    if len(parts) != 3 or not all(p is None or type(p) is int for p in parts):
        raise invalid("a slice is not three integers or nulls")
    return slice(*parts)


def _class(dec, obj):
    return dec.resolve(obj, "class")


def _function(dec, obj):
    return dec.resolve(obj, "function")


def _partial(dec, obj):
    args = dec.decode(obj["args"])
    if not isinstance(args, list):
        raise invalid("a partial's arguments are not a list")
    return functools.partial(dec.resolve(obj["func"], "function"), *args,
                             **dec.mapping(obj["keywords"]))


def _estimator(dec, obj):
    from skorch import NeuralNet  # noqa: PLC0415

    cls = dec.resolve(obj["class"])
    if (not callable(getattr(cls, "get_params", None))
            or issubclass(cls, (torch.nn.Module, NeuralNet))):
        raise invalid(f"{cls.__qualname__} is not an estimator sklweight.save writes")
    params = dec.params(obj["params"])
    estimator = cls(**params)
    for key, value in dec.attributes(obj["attributes"], cls, params).items():
        setattr(estimator, key, value)
    from ._sklearn import adopt  # noqa: PLC0415

    adopt(estimator)
    return estimator


def _object(dec, obj):
    cls = dec.resolve(obj["class"])
    name = f"{cls.__module__}.{cls.__qualname__}"
    if name not in OBJECT_CLASSES:
        raise invalid(f"{name} is not a class rebuilt from its arguments")
    return cls(**dec.mapping(obj["args"]))


def _loss(dec, obj):
    from ..losses._base import _WeightedLoss  # noqa: PLC0415

    cls = dec.resolve_subclass(obj["class"], (torch.nn.modules.loss._Loss, _WeightedLoss),
                               "a torch loss")
    loss = cls(**dec.mapping(obj["args"]))
    buffers = obj["buffers"]
    if not isinstance(buffers, dict):
        raise invalid("a loss's buffers are not a mapping")
    for name, tensor_name in buffers.items():
        tensor = dec.tensor(tensor_name).clone()
        if name in loss._parameters:
            loss._parameters[name] = torch.nn.Parameter(tensor)
        elif name in loss._buffers:
            loss._buffers[name] = tensor
        else:
            raise invalid(f"{cls.__name__} has no buffer {name!r}")
    loss.train(bool(obj["training"]))
    return loss


def _net(dec, obj):
    from ._nets import decode_net  # noqa: PLC0415

    return decode_net(dec, obj)


def _sklearn_kind(name):
    def decode(dec, obj):
        from . import _sklearn  # noqa: PLC0415

        return getattr(_sklearn, f"decode_{name}")(dec, obj)

    return decode


_DECODERS = {
    "float": _float, "bytes": _bytes, "np_scalar": decode_np_scalar, "np_dtype": decode_np_dtype,
    "ndarray": decode_ndarray, "tensor": _tensor, "torch_dtype": _torch_dtype, "device": _device,
    "generator": _generator, "random_state": _random_state, "history": _history,
    "tuple": _tuple, "set": _set, "dict": _dict, "slice": _slice, "class": _class,
    "function": _function, "partial": _partial, "estimator": _estimator,
    "object": _object, "loss": _loss, "net": _net,
    **{name: _sklearn_kind(name) for name in (
        "records", "sklearn_tree", "metadata_request", "np_generator", "hist_predictor",
        "sklearn_loss",
    )},
}
