"""sklweight: scikit-learn compatible PyTorch classifiers for imbalanced and noisy data."""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
