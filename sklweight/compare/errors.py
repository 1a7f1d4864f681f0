"""The one exception of ``sklweight compare``: a problem the user can fix.

:func:`sklweight.compare.cli.main` catches it and prints ``sklweight compare: error:
<message>`` to stderr with exit status 2 (argparse's convention for bad usage), never a
traceback. Raise it for bad input (a missing file or column, an unusable target or
weight column, an unknown strategy name); let programming errors propagate.
"""

__all__ = ["CompareError"]


class CompareError(Exception):
    """Bad input to ``sklweight compare``; the message says what is wrong and the fix."""
