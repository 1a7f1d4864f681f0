"""
Tuning the loss and the class weights with GridSearchCV
=======================================================

The loss (``criterion``), its hyper-parameters (``criterion__gamma``) and the
class-weight strategy (``class_weight``, or the parameters of a
:class:`sklweight.ClassWeights`) are ordinary estimator parameters, so scikit-learn's
``GridSearchCV`` tunes them like any other. Class weights are computed inside each fit
from that fold's training rows.
"""

# %%
import os

from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import ClassWeights, WeightedMLPClassifier
from sklweight.datasets import make_long_tailed_digits

# the test suite sets SKLWEIGHT_EXAMPLE_QUICK=1 to run this script in seconds
QUICK = os.environ.get("SKLWEIGHT_EXAMPLE_QUICK") == "1"

X_train, X_test, y_train, y_test = make_long_tailed_digits(imbalance=10, random_state=0)

model = Pipeline([
    ("scale", StandardScaler()),
    ("clf", WeightedMLPClassifier(max_epochs=5 if QUICK else 200, random_state=0)),
])

# %%
# A grid over losses and class-weight strategies
# ----------------------------------------------
# A list of dicts keeps each loss with its own hyper-parameters. A ``ClassWeights``
# instance as ``class_weight`` exposes its parameters to the search
# (``clf__class_weight__beta``).
if QUICK:
    param_grid = [
        {"clf__criterion": ["cross_entropy"], "clf__class_weight": [None, "balanced"]},
    ]
else:
    param_grid = [
        {
            "clf__criterion": ["cross_entropy", "logit_adjusted"],
            "clf__class_weight": [None, "balanced", "inverse_sqrt"],
        },
        {
            "clf__criterion": ["focal"],
            "clf__criterion__gamma": [1.0, 2.0],
            "clf__class_weight": [ClassWeights("effective_number")],
            "clf__class_weight__beta": [0.9, 0.99],
        },
    ]

search = GridSearchCV(
    model,
    param_grid,
    scoring="balanced_accuracy",
    cv=StratifiedKFold(2 if QUICK else 3, shuffle=True, random_state=0),
    n_jobs=1,
)
search.fit(X_train, y_train)

# %%
# The ranking
# -----------
results = search.cv_results_
for i in results["rank_test_score"].argsort(kind="stable"):
    shown = {k.removeprefix("clf__"): v for k, v in results["params"][i].items()}
    print(f"{results['rank_test_score'][i]:2d}  {results['mean_test_score'][i]:.3f} "
          f"+- {results['std_test_score'][i]:.3f}  {shown}")

print("best:", search.best_params_)
print(f"held-out balanced accuracy of the refitted best model: "
      f"{search.score(X_test, y_test):.3f}")
