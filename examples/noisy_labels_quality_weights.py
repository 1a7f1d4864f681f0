"""
Uneven data quality: noisy labels with quality weights
======================================================

Some labels were checked carefully, others came from a noisy process, and we know which
rows are doubtful. That confidence is a per-sample weight: ``fit(X, y,
sample_weight=confidence)``. Here 30 % of the training labels of scikit-learn's digits
are flipped to a wrong class (:func:`sklweight.datasets.make_noisy_digits`), the flipped
rows carry a quality weight of 0.2 and the clean rows 1.0, and the test labels are
clean. This is not class imbalance: every class keeps its rows.
"""

# %%
# The data
# --------
import os

import numpy as np
from sklearn.metrics import balanced_accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import (
    LabelQualityWeights,
    QualityWeightedClassifier,
    WeightedMLPClassifier,
)
from sklweight.datasets import make_noisy_digits

# the test suite sets SKLWEIGHT_EXAMPLE_QUICK=1 to run this script in seconds
QUICK = os.environ.get("SKLWEIGHT_EXAMPLE_QUICK") == "1"
MAX_EPOCHS = 10 if QUICK else 200  # 200 is the estimator's default

X_train, X_test, y_train, y_test, quality = make_noisy_digits(noise=0.3, random_state=0)
print(f"{len(y_train)} training rows, {np.mean(quality < 1):.0%} flagged doubtful")


def evaluate(name, model, **fit_params):
    model.fit(X_train, y_train, **fit_params)
    score = balanced_accuracy_score(y_test, model.predict(X_test))
    print(f"{name:34s} balanced accuracy {score:.3f}")
    return score


def mlp(**params):
    return make_pipeline(
        StandardScaler(),
        WeightedMLPClassifier(max_epochs=MAX_EPOCHS, random_state=0, **params),
    )


# %%
# Every label trusted, then each row weighted by its confidence
# -------------------------------------------------------------
# In a ``Pipeline`` a fit parameter is addressed to its step:
# ``weightedmlpclassifier__sample_weight``. The weights travel with the rows through the
# estimator's validation split and its mini-batches, and they are rescaled to mean 1, so
# the learning rate needs no retuning.
evaluate("no weights", mlp())
evaluate("quality weights", mlp(), weightedmlpclassifier__sample_weight=quality)

# %%
# No confidence per row? Estimate one out of fold
# -----------------------------------------------
# :class:`~sklweight.LabelQualityWeights` weighs each row by the probability that a
# model fitted on the *other* folds gives to the row's label (a logistic regression by
# default). :class:`~sklweight.QualityWeightedClassifier` estimates those weights inside
# its own ``fit``, so in a cross-validation each fold's weights come from that fold's
# training rows only. The known ``quality`` is not used here.
evaluate(
    "estimated quality weights",
    QualityWeightedClassifier(mlp(), quality=LabelQualityWeights(random_state=0)),
)

# %%
# A bounded loss as the other remedy
# ----------------------------------
# Without any confidence per row, a loss that cannot grow without bound on a wrong label
# limits the damage: the soft-F1 surrogate, or the generalized / symmetric cross-entropy
# (see the user guide on data-quality weights).
evaluate('criterion="soft_f1"', mlp(criterion="soft_f1"))

# %%
# ``sklweight compare --data noisy-digits`` runs this comparison with cross-validation
# and repeats, and reports the paired difference of each remedy to the unweighted model.
