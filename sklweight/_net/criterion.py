"""How a classifier turns its ``criterion`` parameter into a loss it can weight.

* a registered name (``"focal"``) resolves through :mod:`sklweight.losses`' registry;
* sklweight losses accept only ``reduction="mean"`` from the user (the classifier
  reduces batches itself): one that decomposes per row is built with
  ``reduction="none"``, one that does not (soft-F1) takes ``sample_weight`` in
  ``forward`` and keeps its weighted mean; those that need class frequencies get the
  weighted counts of the training rows;
* a torch loss class is built with ``reduction="none"`` and weighted by the classifier;
* anything else returns a scalar and cannot be weighted per row.
"""

from __future__ import annotations

import inspect

from ..losses._registry import LOSSES, get_loss
from ..utils._validation import InvalidParameterError, format_param_error, validate_params

__all__ = ["is_sklweight_loss", "resolve_criterion"]


def is_sklweight_loss(criterion):
    cls = criterion if isinstance(criterion, type) else type(criterion)
    return issubclass(cls, tuple(LOSSES.values()))


def _check_criterion_params(criterion, kwargs, caller):
    """Name a ``criterion__<name>`` the loss does not take (a typo such as ``gama``)."""
    cls = criterion if isinstance(criterion, type) else type(criterion)
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):  # no introspectable signature: let the loss decide
        return
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return
    unknown = [name for name in kwargs if name not in params]
    if unknown:
        valid = [f"criterion__{name}" for name in params]
        raise InvalidParameterError(
            f"{caller}: {cls.__name__} has no parameter {unknown[0]!r} (passed as "
            f"criterion__{unknown[0]}). Its parameters are {valid}."
        )


def _check_criterion_values(criterion, kwargs, caller):
    """Check ``criterion__<name>`` values against the loss's declared constraints here,
    so that the error names ``criterion__gamma`` and the estimator (built first, the loss
    would name its own ``gamma``)."""
    constraints = getattr(criterion, "_parameter_constraints", {})
    known = [name for name in kwargs if name in constraints]
    validate_params(
        {f"criterion__{name}": constraints[name] for name in known},
        {f"criterion__{name}": kwargs[name] for name in known},
        caller,
    )


def _loss_params(loss):
    names = inspect.signature(type(loss)).parameters
    return {name: getattr(loss, name) for name in names if hasattr(loss, name)}


def resolve_criterion(criterion, kwargs, class_counts, *, caller):
    """Return ``(criterion, kwargs, mode)`` ready for skorch's ``initialized_instance``.

    Parameters
    ----------
    criterion : str, loss class or loss instance
        The classifier's ``criterion`` parameter.
    kwargs : dict
        The ``criterion__*`` parameters (a new dict is returned; this one is not changed).
    class_counts : ndarray of shape (n_classes,) or None
        Weighted training counts, passed to losses that need them.
    caller : str
        Estimator name shown in errors.

    Returns
    -------
    criterion : class or instance
    kwargs : dict
    mode : {"sklweight", "per_sample", "scalar"}
        How the classifier applies row weights to the loss: ``"per_sample"``, the loss
        returns per-row values; ``"sklweight"``, a non-decomposable sklweight loss
        returns its weighted mean; ``"scalar"``, a loss that cannot be weighted.
    """
    if isinstance(criterion, str):
        criterion = get_loss(criterion, caller=caller)
    kwargs = dict(kwargs)
    if is_sklweight_loss(criterion):
        _check_criterion_values(criterion, kwargs, caller)
        if getattr(criterion, "requires_class_counts", False) and class_counts is not None:
            kwargs.setdefault("class_counts", class_counts)
            if not isinstance(criterion, type):
                criterion, kwargs = type(criterion), {**_loss_params(criterion), **kwargs}
        reduction = kwargs.get("reduction", getattr(criterion, "reduction", "mean"))
        if reduction != "mean":
            raise ValueError(
                format_param_error(
                    "criterion__reduction", caller, "'mean'", reduction,
                    "The classifier reduces batches itself; choose the convention with "
                    "weight_normalization='global' | 'batch' | 'none'.",
                )
            )
        if getattr(criterion, "decomposes", True):
            # per-row values: the classifier weights and reduces them in one step
            # (``batch_objective`` in sklweight/_net/weighting.py)
            if not isinstance(criterion, type):
                criterion, kwargs = type(criterion), {**_loss_params(criterion), **kwargs}
            kwargs["reduction"] = "none"
            mode = "per_sample"
        else:
            mode = "sklweight"
    elif isinstance(criterion, type) and "reduction" in inspect.signature(criterion).parameters:
        kwargs.setdefault("reduction", "none")
        mode = "per_sample" if kwargs["reduction"] == "none" else "scalar"
    else:
        mode = "per_sample" if getattr(criterion, "reduction", None) == "none" else "scalar"
    if kwargs:
        _check_criterion_params(criterion, kwargs, caller)
    return criterion, kwargs, mode
