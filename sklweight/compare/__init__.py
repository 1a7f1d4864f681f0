"""``sklweight compare``: which weighting helps on my data, and is a neural net the right
tool?

The command cross-validates the strategies of the scenario (imbalance by default; the
noisy-label ones too with a weight column or ``--noisy-labels``) on the same repeated
stratified folds, beside reference models (balanced logistic regression, gradient
boosting, balanced random forest), dropping the strategies clearly behind the leader as
it goes. It prints a table sorted by the chosen metric, can write a JSON file and a
self-contained HTML report, and ends with a recommendation that needs evidence (the
user guide's "compare" page states the rule) and the Python that builds the recommended
model. Run ``sklweight compare --help``.

Modules: :mod:`.strategies` (the registry new strategies join with
:func:`register_strategy`), :mod:`.references`, :mod:`.data` (the embedded data and CSV
files), :mod:`.run` (the fits), :mod:`.racing`, :mod:`.summary`, :mod:`.recommend`,
:mod:`.table`, :mod:`.plots`, :mod:`.report`, :mod:`.comparison` (all of it, from
Python) and :mod:`.cli`.
"""

from .cli import main
from .errors import CompareError
from .references import register_reference
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
    "register_reference",
    "register_strategy",
    "registered_strategies",
    "requires_import",
]
