"""The one registry of shared docstring fragments, and the decorator that substitutes them.

A docstring line that consists of the marker ``%(name)s`` alone is replaced by the
fragment ``name``, re-indented to the marker's indentation, so one fragment serves a
module function, a class and a method alike. A marker line inside a paragraph continues
the paragraph (reStructuredText joins the lines), and may end with punctuation
(``%(name)s;``, ``%(name)s).``), which is appended to the fragment. Fragments are
written flush left: the first line at column 0, following lines indented relative to
it. No ``%``-formatting or ``str.format`` is applied to the rest of the docstring, so
LaTeX braces and percent signs need no escaping. An unknown marker is an error at import time.

:data:`FRAGMENTS` holds every fragment shared by more than one module, grouped by the
part of the package that uses it. A fragment that lists registered names (the loss names
of :data:`sklweight.losses.LOSSES`, the class-weight strategies of
:data:`sklweight.class_weight.STRATEGY_NAMES`) is a function that builds the text from
its registry when a docstring asks for it, so the lists are never written by hand: a new
loss or strategy appears in every docstring that shows the list. Fragments used by one
module only (a loss's own hyper-parameters) stay in that module and are passed to
:class:`Substitution` as keywords.
"""

from __future__ import annotations

import inspect
import re
import textwrap

__all__ = ["FRAGMENTS", "Substitution", "fill_doc"]

# a marker line: ``%(name)s`` alone, optionally followed by closing punctuation
_MARKER = re.compile(r"%\((?P<name>\w+)\)s(?P<tail>[.,;:)]*)")


# --------------------------------------------------------------------- registry listings
# Built on demand (the registries import this module, so it cannot import them first).


def _loss_names():
    from ..losses._registry import LOSSES

    return ", ".join(f'``"{name}"``' for name in LOSSES)


def _loss_list():
    from ..losses._registry import LOSSES

    return "\n".join(
        f'- ``"{name}"``: :class:`~sklweight.losses.{cls.__name__}`'
        for name, cls in LOSSES.items()
    )


def _strategy_names():
    from ..class_weight._strategies import STRATEGY_NAMES

    return ", ".join(f'``"{name}"``' for name in STRATEGY_NAMES)


def _strategy_list():
    # one bullet per registered strategy: its name and its function's docstring (the
    # formula); continuation lines are indented under the bullet
    from ..class_weight._strategies import STRATEGIES

    items = []
    for name, function in STRATEGIES.items():
        doc = inspect.getdoc(function)
        text = f'``"{name}"``: {doc}' if doc else f'``"{name}"``'
        items.append("- " + text.replace("\n", "\n  ") + ";")
    return "\n".join(items)


def _strategy():
    return f"""\
strategy : str, dict or callable, default="balanced"
    How class weights are computed from the (weighted) class counts ``n_c``, with
    ``n = sum(n_c)`` and ``K`` classes:

{textwrap.indent(_strategy_list(), "    ")}
    - a callable ``f(counts) -> weights`` taking the float array of weighted class counts
      (aligned with the classes) and returning one finite, non-negative weight per
      class;
    - a dict ``{{label: weight}}``, used as given; a class it misses gets 1, as in
      scikit-learn (the classifiers require a dict that names every class and no other).

    Named strategies and callables are rescaled so that the weighted mean of the class
    weight over the rows is 1, ``sum_i s_i c[y_i] / sum_i s_i = 1`` (scikit-learn's
    ``"balanced"`` scale, so learning rates need no retuning); a class whose rows all
    have zero sample weight counts as absent and gets the neutral weight 1. A dict is
    not rescaled."""


# ------------------------------------------------------------------------ the fragments

FRAGMENTS = {
    # --- registry listings (functions: built from the registries when substituted)
    # inline, comma-separated: ``"cross_entropy"``, ``"focal"``, ...
    "loss_names": _loss_names,
    # a bullet list, each name with a link to its loss class
    "loss_list": _loss_list,
    # inline, comma-separated: ``"balanced"``, ``"inverse"``, ...
    "strategy_names": _strategy_names,
    # the ``strategy`` parameter of the class-weight functions and ClassWeights
    "strategy": _strategy,
    # --- labels and weights of the class-weight functions, ClassWeights and the sampler
    "y": """\
y : array-like of shape (n_samples,)
    Class labels (ints, strings, bools or floats, in any order), as scikit-learn's
    ``LabelEncoder`` takes them. Multi-output, missing (NaN, None) or mutually
    incomparable labels are refused with a ``ValueError``.""",
    "sample_weight": """\
sample_weight : array-like of shape (n_samples,), default=None
    Non-negative, finite per-sample weights (for instance label-quality confidences);
    ``None`` means all ones. Classes are counted by these weights, as scikit-learn's
    ``compute_class_weight(..., sample_weight=...)`` does, so an integer weight counts
    like a repeated row and a zero weight like a removed row.""",
    # --- the losses (sklweight.losses): tensors in, a weighted reduction out
    "logits": """\
logits : Tensor of shape (N, K)
    Unnormalised scores (no softmax applied). Half-precision inputs are upcast and
    the loss is computed and returned in float32.""",
    "target": """\
target : Tensor of shape (N,)
    Integer class indices in ``[0, K)``.""",
    "loss_sample_weight": """\
sample_weight : Tensor of shape (N,), default=None
    Non-negative, finite per-sample weights ``s`` (for example a confidence in each
    label). They multiply the class weights: ``w_i = s_i * weight[target_i]``. A row
    of weight 0 contributes nothing, to the value nor to the gradient. ``None``
    means all ones.""",
    "weight": """\
weight : array-like of shape (n_classes,), default=None
    Per-class weights ``c``, non-negative and finite. Row ``i`` is weighted by
    ``c[target_i]`` (times its ``sample_weight``). ``None`` weights every class 1.
    Stored as the buffer ``weight``, so ``.to(device)`` moves it.""",
    "reduction": """\
reduction : {"mean", "sum", "none"}, default="mean"
    With ``w_i = sample_weight_i * weight[target_i]``: ``"none"`` returns the
    weighted per-sample losses ``w_i * l_i``, ``"sum"`` returns ``sum_i w_i l_i``
    and ``"mean"`` returns ``sum_i w_i l_i / sum_i w_i`` (torch's convention: all-ones
    weights equal no weights and scaling every weight by ``k > 0`` changes nothing).""",
    "class_counts": """\
class_counts : array-like of shape (n_classes,), default=None
    Number of training rows of each class (non-negative; the classifiers pass the
    counts weighted by ``sample_weight``). Required before the first call;
    standalone users pass it explicitly. A class with a count of 0 is treated as if
    it had the smallest positive count, so that everything stays finite.""",
    "loss_shape": """\
- ``logits``: :math:`(N, K)`, floating point.
- ``target``: :math:`(N,)`, integer class indices.
- ``sample_weight``: :math:`(N,)` or ``None``.
- output: a scalar for ``reduction="mean"`` and ``"sum"``, :math:`(N,)` for
  ``"none"``.""",
    "loss_returns": """\
Returns
-------
loss : Tensor
    A scalar, or shape (N,) for ``reduction="none"``.""",
    "loss_checks": """\
Raises
------
ValueError
    When a shape does not match (``logits``, ``target``, ``sample_weight``, a
    per-class vector of the wrong length), and, unless inside
    :func:`sklweight.utils._validation.skip_value_checks`, on targets out of range
    or negative / non-finite sample weights. The message names the argument and
    the received value.""",
}
"""Registry ``{marker name: text or function returning the text}`` of shared fragments."""


class Substitution:
    """Decorator that fills ``%(name)s`` marker lines of a docstring.

    A marker is looked up first in the keyword fragments given here, then in
    :data:`FRAGMENTS`; a fragment that is a function is called to build its text.

    Parameters
    ----------
    **fragments : str or callable
        Module-local fragments, by marker name (they take precedence over the registry).

    Examples
    --------
    >>> from sklweight.utils._docstring import Substitution
    >>> @Substitution(x="x : int\\n    The input.")
    ... def f(x):
    ...     '''Parameters
    ...     ----------
    ...     %(x)s
    ...     '''
    >>> print(f.__doc__.splitlines()[3])
            The input.
    """

    def __init__(self, **fragments):
        self.fragments = fragments

    def _fragment(self, name, owner):
        fragment = self.fragments.get(name, FRAGMENTS.get(name))
        if fragment is None:
            raise KeyError(
                f"The docstring of {owner} asks for the fragment %({name})s, which is "
                f"neither passed to Substitution nor registered in "
                f"sklweight.utils._docstring.FRAGMENTS."
            )
        return fragment() if callable(fragment) else fragment

    def __call__(self, obj):
        if not obj.__doc__:  # None under ``python -OO``
            return obj
        lines = []
        for line in obj.__doc__.splitlines():
            marker = _MARKER.fullmatch(line.strip())
            if marker:
                indent = line[: len(line) - len(line.lstrip())]
                text = self._fragment(marker["name"], getattr(obj, "__qualname__", obj))
                lines.append(textwrap.indent(text + marker["tail"], indent))
            else:
                lines.append(line)
        obj.__doc__ = "\n".join(lines)
        return obj


fill_doc = Substitution()
"""The decorator for docstrings that use registered fragments only."""
