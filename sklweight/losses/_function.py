"""A loss written once: its function, declared with :func:`loss_function`.

The function's body is the loss's math, and its signature declares the hyper-parameters:
``(logits, target, sample_weight=None, *, <hyper-parameters with defaults>, weight=None,
reduction="mean")``. The decorator takes each hyper-parameter's constraints (scikit-learn's,
as in ``_parameter_constraints``; ``weight``, ``reduction`` and ``class_counts`` bring
their own) and refuses, at import time, a signature of another shape or a hyper-parameter
without constraints. From this one declaration come the function's checks, the
:class:`~sklweight.losses.WeightedLoss` Module's signature, attributes and validation,
and both docstrings' parameter lists and examples.

Calling the function checks its arguments (scikit-learn's ``InvalidParameterError`` for a
hyper-parameter outside its constraints, ``ValueError`` for tensors and per-class vectors),
then runs the body on prepared inputs:

* half-precision logits upcast to float32, autocast switched off: the loss is computed and
  returned in float32, and gradients flow back to the half-precision logits;
* ``target`` as int64;
* each per-class vector (``weight``, an array-like hyper-parameter such as focal's
  ``alpha``) as a tensor with one entry per column of ``logits``, on their device and in
  their dtype; ``class_counts`` as given (validated), for :func:`from_class_counts`;
* a loss with a ``class_counts`` hyper-parameter refuses to run without it.

A bad argument the body itself finds (one that depends on the logits) is raised as a
:class:`LossArgumentError`, which the entry point turns into the usual message with its
own name.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from numbers import Real

import torch

from ..utils._tensor_checks import check_loss_inputs
from ..utils._validation import (
    InvalidParameterError,
    StrOptions,
    format_param_error,
    validate_params,
)
from ._docs import function_doc
from ._per_class import (
    LossArgumentError,
    as_class_vector,
    check_class_counts,
    class_vector_like,
    missing_class_counts,
)
from ._reduction import REDUCTIONS

__all__ = ["BASE_CONSTRAINTS", "LossDeclaration", "loss_function", "no_autocast"]

BASE_CONSTRAINTS = {
    "weight": ["array-like", None],
    "reduction": [StrOptions(set(REDUCTIONS))],
}
_CLASS_COUNTS = ["array-like", None]
_HALF = (torch.float16, torch.bfloat16)
_SHAPE = (
    "a loss function's signature is (logits, target, sample_weight=None, *, "
    "<hyper-parameters>, weight=None, reduction='mean')"
)


def _autocast_enabled(device_type):
    try:
        return torch.is_autocast_enabled(device_type)
    except TypeError:  # torch < 2.4 has no device argument
        if device_type == "cpu":
            return torch.is_autocast_cpu_enabled()
        return device_type == "cuda" and torch.is_autocast_enabled()
    except RuntimeError:  # a device type autocast does not know
        return False


def no_autocast(device_type):
    """A context that switches autocast off for ``device_type`` when it is on."""
    if _autocast_enabled(device_type):
        return torch.autocast(device_type, enabled=False)
    return contextlib.nullcontext()


def _is_vector(value):
    return value is not None and not isinstance(value, (Real, str))


class LossDeclaration:
    """What :func:`loss_function` reads from a loss's signature and constraints.

    Attributes
    ----------
    name : str
        The function's name, shown in its error messages.
    parameters : list of inspect.Parameter
        The keyword-only parameters: the hyper-parameters, ``weight``, ``reduction``.
    hyper_parameters : tuple of str
    defaults : dict
    constraints : dict
        For every keyword-only parameter.
    decomposes : bool
        Whether the loss is a sum of per-row terms (``reduction="none"`` is defined).
    requires_class_counts : bool
    parameters_doc, example : str
        For the docstrings (see :func:`loss_function`).
    """

    def __init__(self, body, constraints, *, decomposes, parameters_doc=None, example=""):
        self.body = body
        self.parameters_doc, self.example = parameters_doc, example
        self.name = body.__name__
        params = list(inspect.signature(body).parameters.values())
        keyword = [p for p in params if p.kind is p.KEYWORD_ONLY]
        leading = [(p.name, p.default) for p in params if p.kind is not p.KEYWORD_ONLY]
        empty = inspect.Parameter.empty
        if leading != [("logits", empty), ("target", empty), ("sample_weight", None)] or [
            (p.name, p.default) for p in keyword[-2:]
        ] != [("weight", None), ("reduction", "mean")]:
            raise TypeError(f"{self.name}: {_SHAPE}.")
        self.parameters = keyword
        self.hyper_parameters = tuple(p.name for p in keyword[:-2])
        self.defaults = {p.name: p.default for p in keyword}
        self.requires_class_counts = "class_counts" in self.hyper_parameters
        counts = {"class_counts": _CLASS_COUNTS} if self.requires_class_counts else {}
        self.constraints = {**BASE_CONSTRAINTS, **counts, **constraints}
        undeclared = set(self.defaults) ^ set(self.constraints)
        if undeclared:
            raise TypeError(
                f"{self.name}: every hyper-parameter needs its constraints, and only they; "
                f"check {sorted(undeclared)}."
            )
        self.decomposes = decomposes
        self._vectors = [n for n, c in self.constraints.items() if "array-like" in c]

    def check(self, arguments, caller, *, copy):
        """Complete ``arguments`` with the defaults and validate them.

        Returns the arguments with per-class vectors as tensors (copies when ``copy``).
        Raises ``TypeError`` for an unknown name, ``InvalidParameterError`` for a value
        outside its constraints and ``ValueError`` for a bad per-class vector.
        """
        unknown = sorted(set(arguments) - set(self.defaults))
        if unknown:
            raise TypeError(f"{caller}() got an unexpected keyword argument {unknown[0]!r}")
        arguments = {**self.defaults, **arguments}
        if not self.decomposes and arguments["reduction"] == "none":
            raise InvalidParameterError(
                format_param_error(
                    "reduction", caller, '"mean" or "sum" (both return the batch loss)',
                    "none",
                    f"{caller} is computed over the whole batch and does not "
                    "decompose into per-sample losses.",
                )
            )
        validate_params(self.constraints, arguments, caller)
        for name in self._vectors:
            if _is_vector(arguments[name]):
                arguments[name] = as_class_vector(arguments[name], name, caller, copy=copy)
        if self.requires_class_counts:
            check_class_counts(arguments["class_counts"], caller, copy=False)
        return arguments

    def compute(self, logits, target, sample_weight, *, caller, **arguments):
        """Run the function's body on prepared inputs: what the function does once its
        arguments passed :meth:`check` and its tensors ``check_loss_inputs``, and what a
        Module's ``forward`` does with the arguments it checked when it was built."""
        if self.requires_class_counts and arguments["class_counts"] is None:
            raise missing_class_counts(caller)
        if logits.dtype in _HALF:
            logits = logits.float()
        with no_autocast(logits.device.type):
            try:
                for name in self._vectors:
                    value = arguments[name]
                    if name != "class_counts" and isinstance(value, torch.Tensor):
                        arguments[name] = class_vector_like(value, name, logits)
                return self.body(logits, target.long(), sample_weight, **arguments)
            except LossArgumentError as error:
                raise ValueError(error.message(caller)) from None


def loss_function(*, decomposes=True, parameters_doc=None, example="", **constraints):
    """Declare a loss function: its body is the math, its signature the declaration.

    Parameters
    ----------
    decomposes : bool, default=True
        False for a loss computed over the whole batch (soft-F1): it refuses
        ``reduction="none"``, and a classifier hands it the sample weights.
    parameters_doc : str or None, default=None
        The numpydoc entries of the hyper-parameters, flush left, for the docstrings of
        the function and of its Module (a line may name a shared docstring fragment).
    example : str, default=""
        Keyword arguments shown in the docstring examples, such as ``"gamma=2.0"``.
    **constraints : list
        The constraints of each hyper-parameter, by name, as in scikit-learn's
        ``_parameter_constraints``.

    Returns
    -------
    decorator : callable
        Turns the body into the public function: it checks its arguments and runs the
        body on prepared inputs (see the module docstring). ``function.declaration`` is
        the :class:`LossDeclaration` a :class:`~sklweight.losses.WeightedLoss` is built
        from. A body whose docstring has no ``Parameters`` section gets the standard
        sections (parameters, returns, raises, an example).

    Examples
    --------
    >>> from numbers import Real
    >>> import torch
    >>> import torch.nn.functional as F
    >>> from sklweight.losses import combine_weights, loss_function, weighted_reduce
    >>> from sklweight.utils._validation import Interval
    >>> @loss_function(power=[Interval(Real, 0, None, closed="neither")])
    ... def powered_cross_entropy_loss(
    ...     logits, target, sample_weight=None, *, power=1.0, weight=None, reduction="mean"
    ... ):
    ...     '''Cross-entropy to a power.'''
    ...     loss = F.cross_entropy(logits, target, reduction="none").pow(power)
    ...     return weighted_reduce(loss, combine_weights(target, sample_weight, weight), reduction)
    >>> logits = torch.randn(6, 3, requires_grad=True)
    >>> loss = powered_cross_entropy_loss(logits, torch.tensor([0, 1, 2, 0, 0, 0]), power=2.0)
    >>> loss.backward()
    """

    def decorate(body):
        declaration = LossDeclaration(
            body, constraints, decomposes=decomposes, parameters_doc=parameters_doc,
            example=example,
        )

        @functools.wraps(body)
        def function(logits, target, sample_weight=None, **arguments):
            caller = declaration.name
            arguments = declaration.check(arguments, caller, copy=False)
            check_loss_inputs(logits, target, sample_weight, caller=caller)
            return declaration.compute(logits, target, sample_weight, caller=caller, **arguments)

        function.declaration = declaration
        function.__doc__ = function_doc(function.__doc__, declaration, body.__module__)
        return function

    return decorate
