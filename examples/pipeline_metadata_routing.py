"""
Sample weights through a Pipeline with metadata routing
=======================================================

With scikit-learn's metadata routing enabled, every consumer of ``sample_weight``
declares whether it wants it, and the meta-estimators (``Pipeline``,
``cross_validate``, ``GridSearchCV``, ...) route it accordingly. sklweight's classifiers
take part like any scikit-learn estimator: ``set_fit_request(sample_weight=True)``.
"""

# %%
import os

import numpy as np
import sklearn
from sklearn.metrics import balanced_accuracy_score, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import WeightedMLPClassifier
from sklweight.datasets import make_noisy_digits

# the test suite sets SKLWEIGHT_EXAMPLE_QUICK=1 to run this script in seconds
QUICK = os.environ.get("SKLWEIGHT_EXAMPLE_QUICK") == "1"

X, _, y, _, quality = make_noisy_digits(noise=0.3, random_state=0)

# %%
# Who wants the weights
# ---------------------
# The scaler is told not to use them (``StandardScaler.fit`` accepts a
# ``sample_weight`` too, so it must say), the classifier trains with them, and the
# scorer ignores them: the folds are scored on every row equally.
with sklearn.config_context(enable_metadata_routing=True):
    model = make_pipeline(
        StandardScaler().set_fit_request(sample_weight=False),
        WeightedMLPClassifier(max_epochs=10 if QUICK else 200, random_state=0)
        .set_fit_request(sample_weight=True),
    )
    scorer = make_scorer(balanced_accuracy_score).set_score_request(sample_weight=False)
    result = cross_validate(
        model, X, y,
        params={"sample_weight": quality},
        scoring=scorer,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    )

# %%
# The scores are measured against noisy labels here (the held-out folds are noisy too),
# which is why they look low; the point is the routing, not the number.
scores = result["test_score"]
print("balanced accuracy per fold:", np.round(scores, 3).tolist())
print(f"mean {scores.mean():.3f}")

# %%
# Without routing, ``Pipeline.fit`` takes the step-prefixed name instead:
# ``model.fit(X, y, weightedmlpclassifier__sample_weight=quality)``.
