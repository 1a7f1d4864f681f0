"""A skorch net in the file: its parameters, then what ``initialize()`` cannot rebuild.

Saving writes the net's constructor parameters (``get_params(deep=False)``: module,
criterion and optimizer classes, ``module__*`` arguments, callbacks, ...), its private
plain settings (``_owner_name``) and shuffling generator, and, when it is initialised,
its public fitted attributes (``classes_inferred_``, ``class_counts_``, ...), its history
and the ``state_dict`` of every module, criterion and optimizer it registers -- skorch's
``save_params`` split, in one file. Loading builds the net from its parameters, sets the
fitted attributes, calls ``initialize()`` (under a forked torch RNG, so loading does not
move the global random stream) and loads the states into the fresh objects, so that
prediction and a ``warm_start`` / ``partial_fit`` continuation carry on exactly.
"""

from __future__ import annotations

import torch

__all__ = ["decode_net", "encode_net"]

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
    cls = dec.resolve(spec["class"])
    net = cls(**dec.params(spec["params"]))
    for key, value in dec.attributes(spec["private"]).items():
        setattr(net, key, value)
    if not spec["initialized"]:
        return net
    for key, value in dec.attributes(spec["attributes"]).items():
        setattr(net, key, value)  # before initialize(): criteria read class_counts_
    cuda = str(net.device).startswith("cuda")
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if cuda else []):
        net.initialize()
    for name, state in spec["modules"].items():
        module = getattr(net, name + "_")
        module.load_state_dict(dec.mapping(state))
        module.train(bool(spec["training"][name]))
    for name, state in spec["optimizers"].items():
        getattr(net, name + "_").load_state_dict(dec.decode(state))
    net.history_ = dec.decode(spec["history"])
    return net
