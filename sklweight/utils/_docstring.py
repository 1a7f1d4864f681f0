"""The one registry of shared docstring fragments, and the decorator that substitutes them.

A docstring line that consists of the marker ``%(name)s`` alone is replaced by the
fragment ``name``, re-indented to the marker's indentation, so one fragment serves a
module function, a class and a method alike. A marker line inside a paragraph continues
the paragraph (reStructuredText joins the lines), and may end with punctuation
(``%(name)s;``, ``%(name)s).``), which is appended to the fragment. Fragments are
written flush left: the first line at column 0, following lines indented relative to
it. No ``%``-formatting or ``str.format`` is applied to the rest of the docstring, so
LaTeX braces and percent signs need no escaping. An unknown marker is an error at import time.

:data:`FRAGMENTS` holds every fragment shared by more than one module. This module
imports nothing from sklweight: a fragment that lists registered names (the loss names,
the class-weight strategies) is published by its registry with
:func:`register_fragments`, as a function that builds the text from the registry when a
docstring asks for it, so the lists are never written by hand and a new loss or strategy
appears in every docstring that shows the list. :func:`inline_names` writes such a list.
Fragments used by one module only (a loss's own hyper-parameters) stay in that module and
are passed to :class:`Substitution` as keywords.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["FRAGMENTS", "Substitution", "fill_doc", "inline_names", "register_fragments"]

# a marker line: ``%(name)s`` alone, optionally followed by closing punctuation
_MARKER = re.compile(r"%\((?P<name>\w+)\)s(?P<tail>[.,;:)]*)")


def inline_names(names):
    """Write registered names as an inline, comma-separated list of string literals.

    Parameters
    ----------
    names : iterable of str
        The names, in documentation order (a registry dict iterates over its keys).

    Returns
    -------
    text : str
        Each name as the string literal a user types, in inline code.

    Examples
    --------
    >>> from sklweight.utils._docstring import inline_names
    >>> inline_names(["focal", "poly"])
    '``"focal"``, ``"poly"``'
    """
    return ", ".join(f'``"{name}"``' for name in names)


def register_fragments(**fragments):
    """Publish fragments under their marker names, for every later :class:`Substitution`.

    A registry calls it once, when its module is imported, before any docstring that
    shows its names is filled; the docstrings that use the markers therefore live in
    modules that import the registry.

    Parameters
    ----------
    **fragments : str or callable
        ``{marker name: text, or a function without arguments returning the text}``.
        A function is called each time a docstring is filled, so the text follows the
        registry as it is then.

    Raises
    ------
    ValueError
        If a name is already registered with another fragment (two owners of one
        marker).
    """
    for name, fragment in fragments.items():
        if FRAGMENTS.get(name, fragment) is not fragment:
            raise ValueError(
                f"The docstring fragment %({name})s is already registered in "
                "sklweight.utils._docstring.FRAGMENTS; give the new one another name."
            )
        FRAGMENTS[name] = fragment


# ------------------------------------------------------------------------ the fragments

FRAGMENTS = {
    # the registries add their listings (register_fragments): ``loss_names``,
    # ``strategy_names``, ``strategy``
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
    :func:`sklweight.utils._tensor_checks.skip_value_checks`, on targets out of range
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
