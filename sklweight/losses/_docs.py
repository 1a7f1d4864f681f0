"""The docstrings of a loss's function and Module, completed from its declaration.

A loss writes what is its own: the function's one-line summary, the Module's summary,
formula and references, and the numpydoc entries of its hyper-parameters
(``parameters_doc``, shared by both). The sections every loss has (the tensors, ``weight``,
``reduction``, the returns, the errors, the shapes and a runnable example ending in
``loss.backward()``) are added here, from the shared fragments of
:mod:`sklweight.utils._docstring`.
"""

from __future__ import annotations

import inspect
import re

from ..utils._docstring import Substitution

__all__ = ["function_doc", "module_doc"]

_BATCH_REDUCTION = """\
reduction : {"mean", "sum"}, default="mean"
    Both return the same scalar: the loss is computed over the whole batch and
    does not decompose into per-sample losses, so ``"none"`` is refused with a
    ``ValueError``. The weights act inside that computation (an integer weight
    counts a row that many times)."""

_BATCH_RETURNS = """\
Returns
-------
loss : Tensor
    A scalar."""

_BATCH_SHAPE = """\
- ``logits``: :math:`(N, K)`, floating point.
- ``target``: :math:`(N,)`, integer class indices.
- ``sample_weight``: :math:`(N,)` or ``None``.
- output: a scalar."""

_CLASS_COUNTS_BUFFER = """\
class_counts : Tensor of shape (n_classes,) or None
    Buffer: the ``class_counts`` given, as torch's losses keep their ``weight`` (in a
    classifier's ``criterion_``: the weighted training counts of the fit)."""

_SECTION = re.compile(r"^(\w[\w ]*)\n-+$", re.MULTILINE)


def _fragments(declaration):
    batch = not declaration.decomposes
    return {
        "loss_reduction": _BATCH_REDUCTION if batch else "%(reduction)s",
        "loss_output": _BATCH_RETURNS if batch else "%(loss_returns)s",
        "loss_shapes": _BATCH_SHAPE if batch else "%(loss_shape)s",
        "class_counts_buffer": _CLASS_COUNTS_BUFFER,
    }


def _substitute(text, declaration, owner):
    holder = type(owner, (), {"__doc__": text})
    # two passes: the first may bring in shared fragments (``%(reduction)s``)
    for fragments in (_fragments(declaration), {}):
        holder.__doc__ = Substitution(**fragments)(holder).__doc__
    return holder.__doc__


def _parameters(declaration):
    lines = ["Parameters", "----------"]
    if declaration.parameters_doc:
        lines.append(declaration.parameters_doc)
    return lines + ["%(weight)s", "%(loss_reduction)s"]


def _public_module(module):
    return "sklweight.losses" if module.startswith("sklweight.losses") else module


def _example(name, module, call):
    return [
        "Examples",
        "--------",
        ">>> import torch",
        f">>> from {_public_module(module)} import {name}",
        ">>> logits = torch.randn(6, 3, requires_grad=True)",
        ">>> target = torch.tensor([0, 1, 2, 0, 0, 0])",
        *call,
        ">>> loss.backward()",
    ]


def function_doc(summary, declaration, module):
    """The function's docstring: its own summary, then the standard sections.

    A docstring that already has a ``Parameters`` section is returned as written.
    """
    summary = inspect.cleandoc(summary or "")
    if _SECTION.search(summary) and "Parameters" in _SECTION.findall(summary):
        return summary
    name, comma = declaration.name, ", " if declaration.example else ""
    params = _parameters(declaration)
    lines = [
        summary, "", *params[:2], "%(logits)s", "%(target)s", "%(loss_sample_weight)s",
        *params[2:], "", "%(loss_output)s", "", "%(loss_checks)s", "",
        *_example(name, module, [f">>> loss = {name}(logits, target{comma}{declaration.example})"]),
    ]
    return _substitute("\n".join(lines), declaration, name)


def module_doc(cls, declaration):
    """The Module's docstring: its own text, with the parameters inserted before its first
    section and the shapes and an example appended; the function's docstring gets a link
    back to the Module."""
    name = cls.__name__
    text = inspect.cleandoc(cls.__doc__ or "")
    first = _SECTION.search(text)
    at = first.start() if first else len(text)
    head, tail = text[:at].rstrip(), text[at:].rstrip()
    call = [
        ">>> confidence = torch.tensor([1.0, 1.0, 0.2, 1.0, 0.2, 1.0])",
        f">>> criterion = {name}({declaration.example})",
        ">>> loss = criterion(logits, target, sample_weight=confidence)",
    ]
    lines = [
        head, "", *_parameters(declaration), "", *([tail, ""] if tail else []),
        "Notes", "-----", "Shapes:", "", "%(loss_shapes)s", "",
        *_example(name, cls.__module__, call),
    ]
    cls.__doc__ = _substitute("\n".join(lines), declaration, name)
    function = cls.function
    link = f"Functional form of :class:`{name}`; see it for the formula."
    if function.__doc__ and link not in function.__doc__:
        summary, _, rest = function.__doc__.partition("\n\n")
        function.__doc__ = f"{summary}\n\n{link}\n\n{rest}"
