"""
Spreading a grid search over a Dask cluster
===========================================

When one machine is not enough, scikit-learn spreads a search through joblib; with the
``"dask"`` backend of ``joblib`` (from ``distributed``) the fits run on the workers of
a Dask cluster. Nothing changes in the estimator: the same seeds give the same scores
as a local run. Here a ``LocalCluster`` stands in for a real cluster; pass the address
of a running scheduler to ``Client`` to use one (``sklweight compare`` does the same
with ``--dask-scheduler ADDRESS`` or ``--dask-local N``).
"""

# %%
import logging
import os

import joblib
import numpy as np
from distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklweight import WeightedMLPClassifier
from sklweight.datasets import make_long_tailed_digits

# the test suite sets SKLWEIGHT_EXAMPLE_QUICK=1 to run this script in seconds
QUICK = os.environ.get("SKLWEIGHT_EXAMPLE_QUICK") == "1"

X, _, y, _ = make_long_tailed_digits(imbalance=10, random_state=0)
search = GridSearchCV(
    make_pipeline(
        StandardScaler(),
        WeightedMLPClassifier(max_epochs=5 if QUICK else 200, random_state=0),
    ),
    {"weightedmlpclassifier__class_weight": [None, "balanced"]},
    scoring="balanced_accuracy",
    cv=StratifiedKFold(2 if QUICK else 5, shuffle=True, random_state=0),
    n_jobs=-1,
)

# %%
# The search on the cluster
# -------------------------
# Two worker processes with one thread each (Dask's default is processes; for CPU-bound
# fits one thread per worker is right). Seeded fits give the same models wherever they
# run, so the cluster's scores are the local ones.
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster):
        with joblib.parallel_config(backend="dask"):
            search.fit(X, y)
    on_cluster = search.cv_results_["mean_test_score"]

    # %%
    # The same search in this process, for comparison
    # -----------------------------------------------
    search.set_params(n_jobs=1).fit(X, y)
    local = search.cv_results_["mean_test_score"]
    params = search.cv_results_["params"]
    for p, a, b in zip(params, on_cluster, local, strict=True):
        print(f"{p}  cluster {a:.4f}  local {b:.4f}")
    print("identical scores:", bool(np.array_equal(on_cluster, local)))
