"""The loss registry: the names a classifier accepts for ``criterion=``."""

from __future__ import annotations

import difflib

from torch import nn

from ..utils._docstring import fill_doc, inline_names, register_fragments
from ..utils._validation import format_param_error
from ._cross_entropy import WeightedCrossEntropyLoss
from ._focal import FocalLoss
from ._generalized_cross_entropy import GeneralizedCrossEntropyLoss
from ._label_smoothing import LabelSmoothingLoss
from ._ldam import LDAMLoss
from ._logit_adjusted import LogitAdjustedLoss
from ._poly import PolyLoss
from ._soft_f1 import SoftF1Loss
from ._symmetric_cross_entropy import SymmetricCrossEntropyLoss

__all__ = ["LOSSES", "get_loss"]

LOSSES = {
    "cross_entropy": WeightedCrossEntropyLoss,
    "focal": FocalLoss,
    "soft_f1": SoftF1Loss,
    "label_smoothing": LabelSmoothingLoss,
    "logit_adjusted": LogitAdjustedLoss,
    "ldam": LDAMLoss,
    "poly": PolyLoss,
    "generalized_cross_entropy": GeneralizedCrossEntropyLoss,
    "symmetric_cross_entropy": SymmetricCrossEntropyLoss,
}
register_fragments(loss_names=lambda: inline_names(LOSSES))


@fill_doc
def get_loss(name_or_class, *, caller="get_loss", param="criterion"):
    """Resolve a registered loss name to its class; a class or instance passes through.

    Parameters
    ----------
    name_or_class : str, type or torch.nn.Module
        A name of :data:`LOSSES`, one of
        %(loss_names)s;
        a ``torch.nn.Module`` subclass, or a ``torch.nn.Module`` instance.
    caller : str, default="get_loss"
        Name shown in the error message (a classifier passes its own).
    param : str, default="criterion"
        Parameter name shown in the error message.

    Returns
    -------
    loss : type or torch.nn.Module
        The registered class for a name; the argument itself otherwise. Whether a loss
        wants the training class counts is ``getattr(loss, "requires_class_counts",
        False)`` (true for :class:`LogitAdjustedLoss` and :class:`LDAMLoss`).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid names) or an object that is
        neither a name nor a ``torch.nn.Module`` class or instance.

    Examples
    --------
    >>> from sklweight.losses import get_loss
    >>> get_loss("focal").__name__
    'FocalLoss'
    """
    if isinstance(name_or_class, str):
        try:
            return LOSSES[name_or_class]
        except KeyError:
            names = ", ".join(map(repr, LOSSES))
            close = difflib.get_close_matches(name_or_class, list(LOSSES), n=1)
            fix = f"Did you mean {close[0]!r}?" if close else None
            raise ValueError(
                format_param_error(param, caller, f"one of {names}", name_or_class, fix)
            ) from None
    if isinstance(name_or_class, nn.Module) or (
        isinstance(name_or_class, type) and issubclass(name_or_class, nn.Module)
    ):
        return name_or_class
    names = ", ".join(map(repr, LOSSES))
    raise ValueError(
        format_param_error(
            param,
            caller,
            f"a registered loss name ({names}), a torch.nn.Module subclass or instance",
            name_or_class,
        )
    )
