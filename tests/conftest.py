"""Shared fixtures: small data sets (torch threads are set in the root conftest.py)."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, make_classification
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def imbalanced():
    """Three classes, 70/20/10, float64, 300 rows."""
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3,
        weights=[0.7, 0.2, 0.1], random_state=0,
    )
    return X, y


@pytest.fixture(scope="session")
def binary():
    X, y = make_classification(
        n_samples=200, n_features=6, weights=[0.8, 0.2], random_state=1
    )
    return X.astype(np.float32), y


@pytest.fixture(scope="session")
def small_iris(iris):
    """Iris, scaled, float32, every third row: 50 rows, 4 features, 3 classes."""
    X, y = iris
    return X[::3].astype(np.float32), y[::3].copy()


@pytest.fixture(scope="session")
def iris32(iris):
    X, y = iris
    return X.astype(np.float32), y


@pytest.fixture(scope="session")
def cancer():
    """Unscaled binary data (the Pipeline's scaler matters), 200 rows."""
    X, y = load_breast_cancer(return_X_y=True)
    index = np.random.RandomState(0).permutation(len(y))[:200]
    return X[index], y[index]
