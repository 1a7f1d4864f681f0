"""Objects back from what ``_encode.py`` wrote; only trusted names are resolved."""

from __future__ import annotations

import numpy as np
import torch

from ..utils._warnings import warn_user
from ._errors import InvalidFileError
from ._trust import resolve

__all__ = ["Decoder"]


class Decoder:
    """Rebuild objects from what :class:`Encoder` wrote; only trusted names are used."""

    def __init__(self, tensors, trusted=(), device=None):
        self.tensors = tensors
        self.trusted = tuple(trusted or ())
        self.device = device
        self.sklearn_used = False

    def tensor(self, name):
        if not isinstance(name, str) or name not in self.tensors:
            raise _invalid(f"it refers to a tensor {name!r} the file does not hold")
        return self.tensors[name]

    def resolve(self, spec, kind="class"):
        if not isinstance(spec, dict) or spec.get("__type__") != kind:
            raise _invalid(f"a {kind} is expected, got {spec!r}")
        obj = resolve(spec.get("module"), spec.get("qualname"), self.trusted)
        if kind == "class" and not isinstance(obj, type):
            raise _invalid(f"{spec['module']}.{spec['qualname']} is not a class")
        if kind == "function" and not callable(obj):
            raise _invalid(f"{spec['module']}.{spec['qualname']} is not a function")
        if spec["module"].split(".")[0] == "sklearn":
            self.sklearn_used = True
        return obj

    def mapping(self, mapping):
        if not isinstance(mapping, dict):
            raise _invalid(f"a mapping is expected, got {type(mapping).__name__}")
        return {key: self.decode(value) for key, value in mapping.items()}

    def decode(self, obj):  # noqa: C901, PLR0911, PLR0912 (one branch per type)
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return obj
        if isinstance(obj, list):
            return [self.decode(v) for v in obj]
        if not isinstance(obj, dict):
            raise _invalid(f"unexpected JSON value {obj!r}")
        kind = obj.get("__type__")
        if kind is None:
            return self.mapping(obj)
        if kind == "float":
            return float(obj["value"])
        if kind == "bytes":
            return bytes.fromhex(obj["hex"])
        if kind == "np_scalar":
            return np.dtype(obj["dtype"]).type(self.decode(obj["value"]))
        if kind == "np_dtype":
            return np.dtype(obj["dtype"])
        if kind == "ndarray":
            return self._ndarray(obj)
        if kind == "tensor":
            return self.tensor(obj["tensor"]).clone()
        if kind == "torch_dtype":
            dtype = getattr(torch, str(obj["name"]), None)
            if not isinstance(dtype, torch.dtype):
                raise _invalid(f"unknown torch dtype {obj['name']!r}")
            return dtype
        if kind == "device":
            return torch.device(obj["name"])
        if kind == "generator":
            generator = torch.Generator(device=obj["device"])
            generator.set_state(self.tensor(obj["state"]).clone())
            return generator
        if kind == "random_state":
            rs = np.random.RandomState()
            keys = self.tensor(obj["keys"]).numpy().astype(np.uint32)
            rs.set_state(("MT19937", keys, obj["pos"], obj["has_gauss"],
                          self.decode(obj["cached_gaussian"])))
            return rs
        if kind == "history":
            from skorch.history import History  # noqa: PLC0415

            return History(self.decode(obj["items"]))
        if kind == "tuple":
            return tuple(self.decode(v) for v in obj["items"])
        if kind == "set":
            return {self.decode(v) for v in obj["items"]}
        if kind == "dict":
            return {self.decode(k): self.decode(v) for k, v in obj["items"]}
        if kind in ("class", "function"):
            return self.resolve(obj, kind)
        if kind == "estimator":
            return self._estimator(obj)
        if kind == "object":
            return self.resolve(obj["class"])(**self.mapping(obj["args"]))
        if kind == "loss":
            return self._loss(obj)
        if kind == "net":
            from ._nets import decode_net  # noqa: PLC0415

            return decode_net(self, obj)
        raise _invalid(f"unknown entry type {kind!r}")

    def attributes(self, spec):
        """Decoded attributes to set; names are plain identifiers, never dunders."""
        attributes = self.mapping(spec)
        for key in attributes:
            if not key.isidentifier() or key.startswith("__"):
                raise _invalid(f"{key!r} is not an attribute name sklweight.save writes")
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

    def _ndarray(self, obj):
        dtype = np.dtype(obj["dtype"])
        if "tensor" in obj:
            array = self.tensor(obj["tensor"]).numpy().astype(dtype, copy=True)
            return array.T if obj.get("order") == "F" else array
        items = [self.decode(v) for v in obj["items"]]
        if dtype.kind == "O":
            array = np.empty(len(items), dtype=object)
            for i, item in enumerate(items):
                array[i] = item
        else:
            array = np.array(items, dtype=dtype)
        return array.reshape(obj["shape"])

    def _estimator(self, obj):
        cls = self.resolve(obj["class"])
        estimator = cls(**self.params(obj["params"]))
        for key, value in self.attributes(obj["attributes"]).items():
            setattr(estimator, key, value)
        return estimator

    def _loss(self, obj):
        cls = self.resolve(obj["class"])
        if not issubclass(cls, torch.nn.Module):
            raise _invalid(f"{cls.__name__} is not a torch module")
        loss = cls(**self.mapping(obj["args"]))
        for name, tensor_name in obj["buffers"].items():
            tensor = self.tensor(tensor_name).clone()
            if name in loss._parameters:
                loss._parameters[name] = torch.nn.Parameter(tensor)
            elif name in loss._buffers:
                loss._buffers[name] = tensor
            else:
                raise _invalid(f"{cls.__name__} has no buffer {name!r}")
        loss.train(bool(obj["training"]))
        return loss


def _invalid(reason):
    return InvalidFileError(f"The file's payload is not valid: {reason}.")
