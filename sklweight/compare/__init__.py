"""``sklweight compare``: which weighting helps on my data, and by how much?

The command cross-validates a set of strategies (plain cross-entropy, class weights,
the balanced sampler, focal, soft-F1 and logit-adjusted losses, and with a weight column
their sample-weighted twins) on the same repeated stratified folds, prints a table sorted
by the chosen metric, can write a JSON file and a self-contained HTML report, and ends
with a recommendation: the best strategy, its paired difference to plain cross-entropy
with a corrected interval, and the Python that builds it. Run ``sklweight compare
--help``.

Modules: :mod:`.strategies` (the registry new strategies join with
:func:`register_strategy`), :mod:`.data` (the embedded data and CSV files),
:mod:`.run` (the fits), :mod:`.summary`, :mod:`.recommend`, :mod:`.table`,
:mod:`.plots`, :mod:`.report`, :mod:`.comparison` (all of it, from Python) and
:mod:`.cli`.
"""

from .cli import main
from .errors import CompareError
from .strategies import (
    Strategy,
    StrategyContext,
    mlp_strategy,
    register_strategy,
    registered_strategies,
    requires_import,
)

__all__ = [
    "CompareError",
    "Strategy",
    "StrategyContext",
    "main",
    "mlp_strategy",
    "register_strategy",
    "registered_strategies",
    "requires_import",
]
