"""Objects to JSON plus tensors, without pickle (read back by ``_decode.py``).

Plain values (None, bool, int, finite float, str, list, dict with string keys) are
written as JSON. Everything else is a JSON object with a ``"__type__"`` entry:

========================  ==============================================================
``float``, ``bytes``      NaN and infinities (JSON has none), bytes (as hex)
``np_scalar``             a numpy scalar with its dtype (``np.float64(0.5)``)
``np_dtype``, ``torch_dtype``, ``device``   dtypes and devices by name
``ndarray``               numeric: a tensor of the file plus the dtype; fixed-width
                          strings: a tensor of their code points (one row of
                          ``itemsize`` units per item); objects: the items as JSON
``tensor``                a tensor of the file
``tuple``, ``set``, ``dict``   containers JSON lacks (a dict with non-string keys)
``slice``                 a ``slice`` (``ColumnTransformer.output_indices_``)
``partial``               a ``functools.partial`` of a function named as above, with its
                          arguments (HistGradientBoosting's ``check_array`` step)
``history``               a skorch ``History`` (list of epoch dicts)
``random_state``          a ``numpy.random.RandomState`` (its Mersenne-Twister state)
``generator``             a ``torch.Generator`` (its state tensor)
``class``, ``function``   by ``module`` and ``qualname``; resolved only when trusted
``estimator``             an object with ``get_params``: its class, ``get_params(deep=False)``
                          and its other attributes (the fitted ones)
``object``                a class of :data:`~._trust.OBJECT_CLASSES` rebuilt from its
                          constructor arguments, read back from same-named attributes
                          (skorch's ``ValidSplit``, ``make_column_selector``)
``records``, ``sklearn_tree``, ``metadata_request``   scikit-learn's structured arrays,
                          trees and routing requests (``_sklearn.py``)
``loss``                  a loss module instance: its class, constructor arguments and
                          buffers (``FocalLoss(gamma=2)``, ``CrossEntropyLoss(weight=w)``)
``net``                   a skorch net (``_nets.py``)
========================  ==============================================================

Anything else is refused at save time with a ``TypeError`` naming where it was found.
"""

from __future__ import annotations

import functools
import inspect
import math
import types

import numpy as np
import torch

from ._sklearn import encode_records, encode_special
from ._trust import OBJECT_CLASSES, SKLEARN_ESTIMATORS, default_trusted, module_and_qualname

__all__ = ["Encoder"]

_TENSOR_KINDS = "biuf"  # numpy kinds stored as tensors (bool, int, uint, float)


def _is_loss_module(obj):
    from ..losses._base import _WeightedLoss  # noqa: PLC0415 (losses import torch)

    return isinstance(obj, _WeightedLoss) or type(obj).__module__ == "torch.nn.modules.loss"


def _is_net(obj):
    from skorch import NeuralNet  # noqa: PLC0415

    return isinstance(obj, NeuralNet)

class Encoder:
    """Turn an object into JSON, collecting its tensors and the names it uses."""

    def __init__(self):
        self.tensors = {}
        self.types = set()

    # ------------------------------------------------------------------ helpers
    def tensor(self, tensor, where):
        """Store a tensor (a detached, contiguous CPU copy) and return its name."""
        name = where
        suffix = 1
        while name in self.tensors:
            suffix += 1
            name = f"{where}#{suffix}"
        self.tensors[name] = tensor.detach().to("cpu", copy=True).contiguous()
        return name

    def name(self, obj, where, kind="class"):
        try:
            module, qualname = module_and_qualname(obj)
        except TypeError as exc:
            raise TypeError(f"save() cannot store {where}: {exc}") from None
        dotted = f"{module}.{qualname}"
        if module.split(".")[0] == "sklearn" and dotted not in default_trusted():
            raise TypeError(
                f"save() cannot store {where}: {dotted} is not one of the scikit-learn "
                f"classes it supports ({', '.join(SKLEARN_ESTIMATORS)}). Their fitted "
                "state is plain arrays and numbers; other scikit-learn objects are refused "
                "rather than stored half right (use joblib.dump for them)."
            )
        self.types.add(dotted)
        return {"__type__": kind, "module": module, "qualname": qualname}

    def encode_top(self, obj, where):
        """The entry for the estimator at the top of the file (nothing else goes there)."""
        spec = self.encode(obj, where)
        if not (isinstance(spec, dict) and spec.get("__type__") in ("estimator", "net")):
            raise TypeError(
                f"save() stores estimators (and Pipelines of them); got {where}, an object "
                f"of type {type(obj).__module__}.{type(obj).__qualname__}."
            )
        return spec

    def mapping(self, mapping, where):
        """A dict with string keys as a plain JSON object (for parameter dicts)."""
        return {key: self.encode(value, f"{where}.{key}") for key, value in mapping.items()}

    # ------------------------------------------------------------------ dispatch
    def encode(self, obj, where):  # noqa: C901, PLR0911, PLR0912 (one branch per type)
        if obj is None or type(obj) in (bool, int, str):
            return obj
        if type(obj) is bytes:
            return {"__type__": "bytes", "hex": obj.hex()}
        if type(obj) is float:
            return obj if math.isfinite(obj) else {"__type__": "float", "value": repr(obj)}
        if isinstance(obj, np.generic):
            return self._np_scalar(obj, where)
        if isinstance(obj, np.dtype):
            return {"__type__": "np_dtype", "dtype": _dtype_str(obj, where)}
        if isinstance(obj, np.ndarray):
            return self._ndarray(obj, where)
        if isinstance(obj, torch.Tensor):
            return {"__type__": "tensor", "tensor": self.tensor(obj, where)}
        if isinstance(obj, torch.dtype):
            return {"__type__": "torch_dtype", "name": str(obj).removeprefix("torch.")}
        if isinstance(obj, torch.device):
            return {"__type__": "device", "name": str(obj)}
        if isinstance(obj, torch.Generator):
            return {"__type__": "generator", "device": str(obj.device),
                    "state": self.tensor(obj.get_state(), where)}
        if isinstance(obj, np.random.RandomState):
            return self._random_state(obj, where)
        if _is_history(obj):
            return {"__type__": "history",
                    "items": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]}
        if type(obj) is list:
            return [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
        if type(obj) is tuple:
            return {"__type__": "tuple",
                    "items": [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]}
        if type(obj) is slice:
            return {"__type__": "slice", "items": [self.encode(v, where) for v in
                                                   (obj.start, obj.stop, obj.step)]}
        if type(obj) in (set, frozenset):
            return {"__type__": "set", "items": [self.encode(v, where) for v in obj]}
        if isinstance(obj, dict) and type(obj).__module__ in ("builtins", "collections"):
            return self._dict(obj, where)
        if isinstance(obj, type):
            return self.name(obj, where)
        if type(obj) is functools.partial:
            return {"__type__": "partial", "func": self.name(obj.func, where, "function"),
                    "args": self.encode(list(obj.args), f"{where}.args"),
                    "keywords": self.mapping(obj.keywords, where)}
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
            return self.name(obj, where, kind="function")
        if _is_net(obj):
            from ._nets import encode_net  # noqa: PLC0415 (nets use this module)

            return encode_net(self, obj, where)
        if isinstance(obj, torch.nn.Module):
            return self._module(obj, where)
        special = encode_special(self, obj, where)
        if special is not None:
            return special
        if hasattr(obj, "get_params") and hasattr(obj, "__dict__"):
            return self._estimator(obj, where)
        if f"{type(obj).__module__}.{type(obj).__qualname__}" in OBJECT_CLASSES:
            return self._object(obj, where)
        raise TypeError(
            f"save() cannot store {where}, an object of type {type(obj).__module__}."
            f"{type(obj).__qualname__}: it stores plain values, arrays, tensors, classes and "
            "functions by name, estimators (get_params) and the sklweight losses."
        )

    def _np_scalar(self, obj, where):
        if obj.dtype.kind not in "biufUS":
            raise TypeError(f"save() cannot store {where}: a numpy {obj.dtype} scalar.")
        return {"__type__": "np_scalar", "dtype": _dtype_str(obj.dtype, where),
                "value": self.encode(obj.item(), where)}

    def _ndarray(self, array, where):
        if array.dtype.names is not None:
            return encode_records(self, array, where)
        dtype = _dtype_str(array.dtype, where)
        if array.dtype.kind in _TENSOR_KINDS:
            # the memory order is kept: BLAS sums in another order on a transposed layout
            fortran = array.ndim > 1 and array.flags.f_contiguous and not array.flags.c_contiguous
            native = np.ascontiguousarray(array.T if fortran else array,
                                          dtype=array.dtype.newbyteorder("="))
            spec = {"__type__": "ndarray", "dtype": dtype,
                    "tensor": self.tensor(torch.from_numpy(native.copy()), where)}
            if fortran:
                spec["order"] = "F"
            return spec
        if array.dtype.kind not in "USO":
            raise TypeError(f"save() cannot store {where}: a numpy array of dtype {dtype}.")
        if array.dtype.kind in "US" and array.dtype.itemsize:
            # fixed-width strings are their code points (U: uint32, S: uint8) per item
            unit = np.uint32 if array.dtype.kind == "U" else np.uint8
            native = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
            codes = native.view(unit).reshape(*array.shape, -1)
            return {"__type__": "ndarray", "dtype": dtype, "strings": True,
                    "tensor": self.tensor(torch.from_numpy(codes.copy()), where)}
        flat = array.ravel()
        if array.dtype.kind != "O":
            flat = flat.tolist()  # str or bytes
        items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(flat)]
        return {"__type__": "ndarray", "dtype": dtype, "shape": list(array.shape),
                "items": items}

    def _random_state(self, rs, where):
        name, keys, pos, has_gauss, cached = rs.get_state(legacy=True)
        if name != "MT19937":
            raise TypeError(f"save() cannot store {where}: a RandomState using {name}.")
        return {"__type__": "random_state", "pos": int(pos), "has_gauss": int(has_gauss),
                "cached_gaussian": self.encode(float(cached), where),
                "keys": self.tensor(torch.from_numpy(keys.astype(np.int64)), where)}

    def _dict(self, obj, where):
        if all(type(k) is str for k in obj) and "__type__" not in obj:
            return self.mapping(obj, where)
        return {"__type__": "dict", "items": [
            [self.encode(k, f"{where} key"), self.encode(v, f"{where}[{k!r}]")]
            for k, v in obj.items()]}

    def _estimator(self, obj, where):
        params = obj.get_params(deep=False)
        init = {k: v for k, v in params.items() if not k.startswith("_")}
        attributes = {k: v for k, v in vars(obj).items() if k not in init}
        if _is_callback(obj):
            attributes = {}  # a callback's state is re-created by the net's initialize()
        return {"__type__": "estimator", "class": self.name(type(obj), where),
                "params": self.mapping(init, where),
                "attributes": self.mapping(attributes, where)}

    def _object(self, obj, where):
        args = {}
        for name, parameter in inspect.signature(type(obj)).parameters.items():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if not hasattr(obj, name):
                raise TypeError(
                    f"save() cannot store {where}: {type(obj).__name__} does not keep its "
                    f"argument {name!r}, so it cannot be rebuilt."
                )
            args[name] = getattr(obj, name)
        return {"__type__": "object", "class": self.name(type(obj), where),
                "args": self.mapping(args, where)}

    def _module(self, module, where):
        if not _is_loss_module(module):
            raise TypeError(
                f"save() cannot store {where}, a {type(module).__name__} instance: it "
                "rebuilds torch modules from their class and parameters. Pass the class "
                "and its arguments skorch's way (module=MyModule, module__n_hidden=64) "
                "instead of an instance."
            )
        tensors = dict(module.named_buffers(recurse=False))
        tensors.update(module.named_parameters(recurse=False))
        args = {}
        for name, parameter in inspect.signature(type(module)).parameters.items():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if hasattr(module, name):  # else not kept: its default
                args[name] = getattr(module, name)  # buffers too (restored exactly below)
        return {"__type__": "loss", "class": self.name(type(module), where),
                "args": self.mapping(args, where), "training": module.training,
                "buffers": {k: self.tensor(v, f"{where}.{k}") for k, v in tensors.items()}}

def _is_callback(obj):
    from skorch.callbacks import Callback  # noqa: PLC0415

    return isinstance(obj, Callback)

def _is_history(obj):
    from skorch.history import History  # noqa: PLC0415

    return isinstance(obj, History)

def _dtype_str(dtype, where):
    if dtype.fields is not None or dtype.subdtype is not None:
        raise TypeError(f"save() cannot store {where}: a structured numpy dtype {dtype}.")
    return dtype.str
