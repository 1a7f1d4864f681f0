"""The contenders of ``benchmarks/tabular.py``: the anchors and sklweight's strategies.

Every contender is a pipeline with a ``StandardScaler`` in front, built with
``random_state=0``. The anchors are what a data scientist tries first on an imbalanced
table; ``recipe_tabular`` is listed only when ``sklweight.recipes`` has ``tabular``.
"""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import WeightedMLPClassifier, recipes

__all__ = ["ANCHORS", "build", "contender_names"]

ANCHORS = ["lr_balanced", "hgb_balanced", "brf", "rf_balanced", "smote_mlp", "sklearn_mlp"]
SKLWEIGHT = ["sw_plain", "sw_balanced", "sw_logit_adjusted", "recipe_long_tail",
             "recipe_tabular"]


def contender_names(everything=False):
    """The contenders, in report order (``recipe_tabular`` only where it exists)."""
    names = ANCHORS + SKLWEIGHT
    if not everything and not hasattr(recipes, "tabular"):
        names.remove("recipe_tabular")
    return names


def _smote_mlp(y, random_state):
    from imblearn.over_sampling import SMOTE
    from imblearn.pipeline import Pipeline

    smallest = 6 if y is None else int(np.unique(y, return_counts=True)[1].min())
    return Pipeline([
        ("scale", StandardScaler()),
        ("smote", SMOTE(k_neighbors=max(1, min(5, smallest - 1)), random_state=random_state)),
        ("mlp", MLPClassifier(random_state=random_state)),
    ])


def _brf(random_state):
    from imblearn.ensemble import BalancedRandomForestClassifier

    return BalancedRandomForestClassifier(
        n_estimators=200, sampling_strategy="all", replacement=True, bootstrap=False,
        random_state=random_state, n_jobs=1,
    )


def build(name, y, random_state=0):
    """An unfitted pipeline for contender ``name``, to be fitted on labels ``y``.

    ``y`` matters only to SMOTE, whose neighbour count must stay below the smallest
    class of the training rows (``None``: the default of 5 neighbours).
    """
    rs = random_state
    if name == "smote_mlp":
        return _smote_mlp(y, rs)
    model = {
        "lr_balanced": lambda: LogisticRegression(class_weight="balanced", max_iter=1000),
        "hgb_balanced": lambda: HistGradientBoostingClassifier(class_weight="balanced",
                                                               random_state=rs),
        "brf": lambda: _brf(rs),
        "rf_balanced": lambda: RandomForestClassifier(class_weight="balanced",
                                                      random_state=rs, n_jobs=1),
        "sklearn_mlp": lambda: MLPClassifier(random_state=rs),
        "sw_plain": lambda: WeightedMLPClassifier(random_state=rs),
        "sw_balanced": lambda: WeightedMLPClassifier(class_weight="balanced", random_state=rs),
        "sw_logit_adjusted": lambda: WeightedMLPClassifier(criterion="logit_adjusted",
                                                           random_state=rs),
        "recipe_long_tail": lambda: recipes.long_tail(random_state=rs),
        "recipe_tabular": lambda: recipes.tabular(random_state=rs),
    }[name]()
    return make_pipeline(StandardScaler(), model)
