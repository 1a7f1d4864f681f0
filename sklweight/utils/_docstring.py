"""Shared docstring fragments: written once, substituted where a docstring asks for them.

A docstring line that consists of the marker ``%(name)s`` alone is replaced by the
fragment ``name``, re-indented to the marker's indentation, so one fragment serves a
module function, a class and a method alike. Fragments are written flush left: the first
line at column 0, following lines indented relative to it. No ``%``-formatting or
``str.format`` is applied to the rest of the docstring, so LaTeX braces and percent signs
need no escaping.
"""

from __future__ import annotations

import textwrap

__all__ = ["Substitution"]


class Substitution:
    """Decorator that fills ``%(name)s`` marker lines of a docstring.

    Parameters
    ----------
    **fragments : str
        The fragments, by marker name.

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

    def __call__(self, obj):
        if not obj.__doc__:  # None under ``python -OO``
            return obj
        lines = []
        for line in obj.__doc__.splitlines():
            marker = line.strip()
            if marker.startswith("%(") and marker.endswith(")s"):
                indent = line[: len(line) - len(line.lstrip())]
                lines.append(textwrap.indent(self.fragments[marker[2:-2]], indent))
            else:
                lines.append(line)
        obj.__doc__ = "\n".join(lines)
        return obj
