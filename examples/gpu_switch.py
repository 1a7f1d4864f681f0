"""
Training on a GPU, or on the CPU when there is none
===================================================

``device="cuda"`` trains and predicts on the GPU: the training data are moved to the
device once per fit, not per batch, and predictions come back as NumPy arrays like any
scikit-learn estimator's. The same script runs unchanged on a machine without CUDA.
"""

# %%
import os
import time

import torch
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

from sklweight import WeightedMLPClassifier

# the test suite sets SKLWEIGHT_EXAMPLE_QUICK=1 to run this script in seconds
QUICK = os.environ.get("SKLWEIGHT_EXAMPLE_QUICK") == "1"

device = "cuda" if torch.cuda.is_available() else "cpu"
print("device:", device)

# %%
# An imbalanced tabular problem: 95 % / 5 %
# -----------------------------------------
X, y = make_classification(
    n_samples=2_000 if QUICK else 100_000, n_features=32, n_informative=16,
    weights=[0.95, 0.05], random_state=0,
)
X = X.astype("float32")  # float32 data train in float32
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

clf = WeightedMLPClassifier(
    hidden_layer_sizes=(256, 256),
    class_weight="balanced",
    batch_size=512,
    max_epochs=3 if QUICK else 20,
    device=device,
    random_state=0,
)
start = time.perf_counter()
clf.fit(X_train, y_train)
print(f"fit: {time.perf_counter() - start:.1f} s on {device}")

# %%
# The fitted network lives on the device; ``predict`` returns NumPy labels.
print("parameters on:", next(clf.net_.module_.parameters()).device)
y_pred = clf.predict(X_test)
score = balanced_accuracy_score(y_test, y_pred)
print(type(y_pred).__name__, f"balanced accuracy {score:.3f}")
