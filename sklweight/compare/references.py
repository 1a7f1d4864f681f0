"""Reference models: is a neural net the right tool for this table at all?

Every comparison also cross-validates a few well-known non-neural classifiers on the same
folds, after the same preprocessing, with the same scoring (weighted by the weight column
when there is one; they train without it):

* ``logistic_regression_balanced``: ``LogisticRegression(class_weight="balanced")``;
* ``hist_gradient_boosting_balanced``:
  ``HistGradientBoostingClassifier(class_weight="balanced")``;
* ``balanced_random_forest``: imbalanced-learn's ``BalancedRandomForestClassifier``,
  when imbalanced-learn is installed (``pip install 'sklweight[compare]'``).

Gradient boosting bins every column in every fit, so it is left out (with a note) for
tables of more than :data:`MAX_FEATURES` columns; ``--no-references`` leaves them all out.
They are never raced away and never recommended as a weighting strategy; the
recommendation says when one beats every neural strategy beyond the fold-to-fold noise.
A reference is a :class:`~.strategies.Strategy` (a builder, the code that builds the same
estimator, its imports); a new one joins with :func:`register_reference`.
"""

from __future__ import annotations

from ._registry import Strategy, _call_code, requires_import

__all__ = [
    "MAX_FEATURES",
    "available_references",
    "register_reference",
    "registered_references",
]

_REFERENCES: dict[str, Strategy] = {}

MAX_FEATURES = {"hist_gradient_boosting_balanced": 10_000}
"""References left out of tables with more feature columns than this."""


def register_reference(reference):
    """Add a reference model (a :class:`~.strategies.Strategy`); returns it."""
    if reference.name in _REFERENCES:
        raise ValueError(f"A reference named {reference.name!r} is already registered.")
    _REFERENCES[reference.name] = reference
    return reference


def registered_references():
    """Every registered reference, available or not, in registration order."""
    return list(_REFERENCES.values())


def available_references(n_features=None):
    """The references that can run here, and why each other one cannot.

    Parameters
    ----------
    n_features : int or None, default=None
        Feature columns of the data (see :data:`MAX_FEATURES`).

    Returns
    -------
    available : list of Strategy
    left_out : dict of str to str
        The reason for each registered reference not in ``available``.
    """
    available, left_out = [], {}
    for r in _REFERENCES.values():
        reason = r.unavailable_reason()
        limit = MAX_FEATURES.get(r.name)
        if reason is None and n_features is not None and limit is not None \
                and n_features > limit:
            reason = (f"{n_features} feature columns, more than the {limit} it is run on "
                      "(it bins every column in every fit)")
        if reason is None:
            available.append(r)
        else:
            left_out[r.name] = reason
    return available, left_out


def _reference(name, description, callee, import_line, params, *, requires=None):
    """A reference built as ``callee(**params, random_state=seed)``."""
    module, _, cls = callee.rpartition(".")

    def settings(context):
        seed = context.estimator_params.get("random_state")
        return {**params, **({} if seed is None else {"random_state": seed})}

    def build(context):
        import importlib

        return getattr(importlib.import_module(module), cls)(**settings(context))

    def code(context):
        return _call_code(cls, settings(context))

    return Strategy(name=name, description=description, build=build, code=code,
                    imports=(import_line,), scenarios=(), complexity=0, requires=requires)


register_reference(_reference(
    "logistic_regression_balanced", "scikit-learn's balanced logistic regression (a "
    "linear model)", "sklearn.linear_model.LogisticRegression",
    "from sklearn.linear_model import LogisticRegression",
    {"class_weight": "balanced", "max_iter": 1000},
))
register_reference(_reference(
    "hist_gradient_boosting_balanced", "scikit-learn's histogram gradient boosting with "
    "balanced class weights (trees)", "sklearn.ensemble.HistGradientBoostingClassifier",
    "from sklearn.ensemble import HistGradientBoostingClassifier",
    {"class_weight": "balanced"},
))
register_reference(_reference(
    "balanced_random_forest", "imbalanced-learn's balanced random forest (each tree on a "
    "class-balanced bootstrap)", "imblearn.ensemble.BalancedRandomForestClassifier",
    "from imblearn.ensemble import BalancedRandomForestClassifier",
    {"n_estimators": 100, "sampling_strategy": "all", "replacement": True,
     "bootstrap": False},
    requires=lambda: None if requires_import("imblearn.ensemble")() is None else
    "imbalanced-learn is not installed (pip install 'sklweight[compare]')",
))
