"""The Module of a loss, derived from its function: :class:`WeightedLoss`.

A loss class is its function plus a docstring::

    class FocalLoss(WeightedLoss, function=focal_loss):
        '''Focal loss ... (summary, formula, references)'''

From the function's declaration (:mod:`sklweight.losses._function`) the class gets its
signature (the hyper-parameters, ``weight`` and ``reduction``, keyword-only, with the
function's defaults), checks the arguments once when built, keeps each one as an
attribute (per-class vectors, ``weight`` and ``class_counts`` as buffers, so that
``.to(device)`` and ``state_dict`` carry them), and in ``forward`` checks the tensors and
runs the function's body on its attributes.
"""

from __future__ import annotations

import inspect

import torch
from torch import nn

from ..utils._docstring import fill_doc
from ..utils._tensor_checks import check_loss_inputs
from ._docs import module_doc
from ._function import BASE_CONSTRAINTS
from ._per_class import check_class_counts

__all__ = ["WeightedLoss", "check_class_counts"]


def _declared_init(cls, declaration):
    """An ``__init__`` with the declared signature (shown by ``help``, Sphinx, skorch)."""

    def __init__(self, **arguments):
        WeightedLoss.__init__(self, **arguments)

    self_ = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    __init__.__signature__ = inspect.Signature([self_, *declaration.parameters])
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__module__ = cls.__module__
    return __init__


class WeightedLoss(nn.Module):
    """Base class of the sklweight losses: a Module built from a loss function.

    Subclass it with ``function=`` a function declared by
    :func:`~sklweight.losses.loss_function`; the subclass takes that function's
    hyper-parameters, ``weight`` and ``reduction`` as keyword-only arguments, checks them
    when built (scikit-learn's ``InvalidParameterError`` for a value outside its
    constraints), and runs the function's body in ``forward``. See
    :ref:`losses_write_your_own`.

    Attributes
    ----------
    function : callable
        The loss function the Module calls.
    weight : Tensor of shape (n_classes,) or None
        Buffer: the per-class weights.
    reduction : str
    requires_class_counts : bool
        Whether the loss takes ``class_counts`` (the classifiers then pass the weighted
        training counts).
    decomposes : bool
        Whether the loss is a sum of per-row terms (``reduction="none"`` is defined);
        the classifiers then weight and reduce the rows themselves.

    Examples
    --------
    >>> import torch
    >>> from sklweight.losses import FocalLoss, WeightedLoss
    >>> issubclass(FocalLoss, WeightedLoss)
    True
    >>> FocalLoss(gamma=1.0)(torch.randn(4, 3, requires_grad=True), torch.tensor([0, 1, 2, 0])
    ...           ).backward()
    """

    function = None
    requires_class_counts = False
    decomposes = True
    _parameter_constraints: dict = BASE_CONSTRAINTS
    _hyper_parameters: tuple = ()
    _declaration = None

    def __init_subclass__(cls, *, function=None, **kwargs):
        super().__init_subclass__(**kwargs)
        if function is None:
            return
        declaration = function.declaration
        cls.function = staticmethod(function)
        cls._declaration = declaration
        cls._hyper_parameters = declaration.hyper_parameters
        cls._parameter_constraints = declaration.constraints
        cls.requires_class_counts = declaration.requires_class_counts
        cls.decomposes = declaration.decomposes
        cls.__init__ = _declared_init(cls, declaration)
        module_doc(cls, declaration)

    def __init__(self, **arguments):
        if self._declaration is None:
            raise TypeError(
                f"{type(self).__name__} has no loss function: subclass WeightedLoss with "
                "function=<a function declared by loss_function>."
            )
        super().__init__()
        arguments = self._declaration.check(arguments, type(self).__name__, copy=True)
        self.reduction = arguments.pop("reduction")
        for name, value in arguments.items():
            if name == "class_counts" and value is not None:
                value = value.to(torch.get_default_dtype())
            if isinstance(value, torch.Tensor) or name in ("weight", "class_counts"):
                self.register_buffer(name, value)
            else:
                setattr(self, name, value)

    @fill_doc
    def forward(self, logits, target, sample_weight=None):
        """Compute the loss.

        Parameters
        ----------
        %(logits)s
        %(target)s
        %(loss_sample_weight)s

        %(loss_returns)s

        %(loss_checks)s
        """
        caller = type(self).__name__
        check_loss_inputs(logits, target, sample_weight, caller=caller)
        arguments = {name: getattr(self, name) for name in self._hyper_parameters}
        # the function, without checking again what was checked when the Module was built
        return self._declaration.compute(
            logits, target, sample_weight, caller=caller, weight=self.weight,
            reduction=self.reduction, **arguments,
        )

    def extra_repr(self):
        parts = [f"{name}={getattr(self, name)!r}" for name in self._hyper_parameters]
        if self.weight is not None:
            k = self.weight.numel()
            parts.append(f"weight={self.weight.tolist()!r}" if k <= 10 else f"weight=<{k} values>")
        parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)


_WeightedLoss = WeightedLoss
