"""Warnings that point at the user's line: the first frame outside sklweight and skorch.

A warning raised in a fit travels through sklweight's and skorch's frames (skorch's
``fit_loop`` calls the hooks that notice the problem); a fixed ``stacklevel`` points at
one of them, so Python's default filter shows the warning against library code, and a
user's ``warnings.filterwarnings(..., module=...)`` cannot target it.
"""

from __future__ import annotations

import os
import sys
import warnings

import skorch

__all__ = ["user_stacklevel", "warn_user"]

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (os.path.dirname(os.path.abspath(__file__)), skorch.__file__)
)


def user_stacklevel():
    """The ``stacklevel`` that points ``warnings.warn``, called by the caller of this
    function, at the first frame outside sklweight and skorch."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _LIBRARY_DIRS
    ):
        frame = frame.f_back
        level += 1
    return level


def warn_user(message, category=UserWarning):
    """``warnings.warn(message, category)`` pointed at the user's frame."""
    warnings.warn(message, category, stacklevel=user_stacklevel())
