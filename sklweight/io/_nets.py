"""A skorch net in the file: its parameters, then what ``initialize()`` cannot rebuild.

Saving writes the net's constructor parameters (``get_params(deep=False)``: module,
criterion and optimizer classes, ``module__*`` arguments, callbacks, ...), its private
plain settings (``_owner_name``) and shuffling generator, and, when it is initialised,
its public fitted attributes (``classes_inferred_``, ``class_counts_``, ...), its history
and the ``state_dict`` of every module, criterion and optimizer it registers -- skorch's
``save_params`` split, in one file. Loading builds the net from its parameters, sets the
fitted attributes, builds the modules and criteria on torch's meta device (allocating
nothing) to check that their parameters and buffers have exactly the shapes and dtypes of
the file's tensors, then calls ``initialize()`` for real (under a forked torch RNG, so
loading does not move the global random stream) and loads the states into the fresh
objects, so that prediction and a ``warm_start`` / ``partial_fit`` continuation carry
on exactly. A file whose parameters would build a larger module than its tensors (say
``module__hidden_layer_sizes=(15000, 15000)`` beside small weights) is refused before
anything is allocated. A criterion that is a loss (a name, a class or an instance) is
not built on the meta device (some compute from their class counts when built); it is
built from arguments the file holds.

skorch's private API used here: ``_initialize_module`` and ``_initialize_criterion``
(they set skorch's init context, which registering a module requires), the registries
``_modules``, ``_criteria`` and ``_optimizers``, and ``initialized_``.
"""

from __future__ import annotations

import torch

from ._errors import invalid

__all__ = ["decode_net", "encode_net"]

_MAX_UNSAVED_BYTES = 2**20

# rebuilt by initialize(), or written separately below
_REBUILT = frozenset({
    "module_", "criterion_", "optimizer_", "callbacks_", "prefixes_", "virtual_params_",
    "cuda_dependent_attributes_", "init_context_", "initialized_", "history_",
})
# private attributes rebuilt by __init__ / initialize() or caches of one fit
_TRANSIENT = frozenset({
    "_params_to_validate", "_modules", "_criteria", "_optimizers", "_criterion_mode",
    "_snapshot", "_fast_plan", "_scaler",
})


def encode_net(enc, net, where):
    """The JSON description of ``net`` (tensors go to ``enc``)."""
    params = {k: v for k, v in net.get_params(deep=False).items() if not k.startswith("_")}
    private = {k: v for k, v in vars(net).items()
               if k.startswith("_") and not k.endswith("_") and k not in _TRANSIENT}
    spec = {
        "__type__": "net",
        "class": enc.name(type(net), where),
        "params": enc.mapping(params, where),
        "private": enc.mapping(private, where),
        "initialized": bool(getattr(net, "initialized_", False)),
    }
    if not spec["initialized"]:
        return spec
    attributes = {k: v for k, v in vars(net).items()
                  if k.endswith("_") and not k.startswith("_") and k not in _REBUILT}
    modules = {name: getattr(net, name + "_") for name in net._modules + net._criteria}
    spec["attributes"] = enc.mapping(attributes, where)
    spec["history"] = enc.encode(net.history, f"{where}.history")
    spec["modules"] = {
        name: enc.mapping(module.state_dict(), f"{where}.{name}_")
        for name, module in modules.items() if isinstance(module, torch.nn.Module)
    }
    spec["training"] = {name: module.training for name, module in modules.items()
                        if isinstance(module, torch.nn.Module)}
    spec["optimizers"] = {
        name: enc.encode(getattr(net, name + "_").state_dict(), f"{where}.{name}_")
        for name in net._optimizers
    }
    return spec


def decode_net(dec, spec):
    """Rebuild the net described by ``spec`` (see :func:`encode_net`)."""
    from skorch import NeuralNet  # noqa: PLC0415

    cls = dec.resolve_subclass(spec["class"], NeuralNet, "a skorch net")
    params = dec.params(spec["params"])
    net = cls(**params)
    # what initialize() rebuilds is never taken from the file
    rebuilt = set(params) | _REBUILT | _TRANSIENT
    for key, value in dec.attributes(spec["private"], cls, rebuilt).items():
        setattr(net, key, value)
    if not spec["initialized"]:
        return net
    for key, value in dec.attributes(spec["attributes"], cls, rebuilt).items():
        setattr(net, key, value)  # before initialize(): criteria read class_counts_
    states = spec["modules"]
    if not isinstance(states, dict):
        raise invalid("a net's module states are not a mapping")
    _check_shapes(dec, net, states)
    cuda = str(net.device).startswith("cuda")
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if cuda else []):
        net.initialize()
    for name, state in states.items():
        module = getattr(net, name + "_")
        module.load_state_dict(_state(dec, state))
        module.train(bool(spec["training"][name]))
    for name, state in spec["optimizers"].items():
        getattr(net, name + "_").load_state_dict(dec.decode(state))
    net.history_ = dec.decode(spec["history"])
    return net


def _state(dec, state):
    """A module's state dict: the file's tensors by name (views; loading copies them)."""
    if not isinstance(state, dict):
        raise invalid("a module state is not a mapping")
    tensors = {}
    for key, entry in state.items():
        if not (isinstance(entry, dict) and entry.get("__type__") == "tensor"):
            raise invalid(f"the module state entry {key!r} is not a tensor")
        tensors[key] = dec.tensor(entry.get("tensor"))
    return tensors


def _is_loss_class(value, weighted_loss):
    """A loss: a class, an instance or a name the net resolves to one."""
    from ..losses import get_loss  # noqa: PLC0415

    if isinstance(value, str):
        value = get_loss(value)
    if isinstance(value, torch.nn.Module):
        value = type(value)
    return isinstance(value, type) and issubclass(
        value, (torch.nn.modules.loss._Loss, weighted_loss))


def _check_shapes(dec, net, states):
    """Build ``net``'s modules on the meta device and compare them with the file.

    Nothing is allocated for the meta build (``module__device=...`` arguments are set
    to ``"meta"`` for it too). Each module and criterion must have exactly
    the file's state entries, with the same shapes and dtypes, and at most
    :data:`_MAX_UNSAVED_BYTES` of tensors outside its state (non-persistent buffers), so
    that building it for real allocates what the file's tensors hold.
    """
    from ..losses._base import _WeightedLoss  # noqa: PLC0415

    saved = {name: _state(dec, state) for name, state in states.items()}
    device, verbose = net.device, net.verbose
    # a constructor argument naming a device would place the module outside the meta one
    placed = {key: value for key, value in vars(net).items() if key.endswith("__device")}
    net.device, net.verbose = "meta", 0
    for key in placed:
        setattr(net, key, "meta")
    # a loss (a name, a class or an instance decoded from the file) is built from its
    # arguments alone, which the file holds; any other criterion is built here too
    unchecked = {"criterion"} if _is_loss_class(net.criterion, _WeightedLoss) else set()
    try:
        with torch.device("meta"), torch.random.fork_rng(devices=[]):
            net._initialize_module()
            if not unchecked:
                net._initialize_criterion()
        names = set(net._modules) | set(net._criteria) | unchecked
        built = {name: getattr(net, name + "_", None) for name in names - unchecked}
        built = {name: m for name, m in built.items() if isinstance(m, torch.nn.Module)}
    finally:
        net.device, net.verbose = device, verbose
        for key, value in placed.items():
            setattr(net, key, value)
        net.initialized_ = False
    if set(built) != set(saved) - unchecked or not set(saved) <= names:
        raise invalid(f"the file holds the states of {sorted(saved)} but the net builds "
                      f"{sorted(built)}")
    for name, module in built.items():
        state = module.state_dict()
        shapes = {k: (tuple(v.shape), v.dtype) for k, v in state.items()}
        expected = {k: (tuple(v.shape), v.dtype) for k, v in saved[name].items()}
        if shapes != expected:
            wrong = sorted(set(shapes.items()) ^ set(expected.items()))[:3]
            raise invalid(f"the {name} its parameters build does not match the file's "
                          f"tensors (first differences: {wrong})")
        every = [*module.parameters(), *module.buffers()]
        unsaved = sum(t.numel() * t.element_size() for t in every) - sum(
            t.numel() * t.element_size() for t in state.values())
        if unsaved > _MAX_UNSAVED_BYTES:
            raise invalid(f"the {name} holds {unsaved} bytes of tensors the file does not")
