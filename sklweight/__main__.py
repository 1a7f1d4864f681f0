"""``python -m sklweight compare ...``: the ``sklweight`` command line."""

import sys

from .compare.cli import main

if __name__ == "__main__":
    sys.exit(main())
