"""sklweight: scikit-learn compatible PyTorch classifiers for imbalanced and noisy data.

The classifiers take ``class_weight``, per-sample weights in
``fit(X, y, sample_weight)``, a weighted sampler and pluggable losses
(:mod:`sklweight.losses`), and behave like scikit-learn classifiers in ``Pipeline``,
``GridSearchCV`` and cross-validation.

The public names are imported on first use (PEP 562 module ``__getattr__``), so
``import sklweight`` stays cheap and does not import torch: the command line answers
``--help``, ``--version`` and bad input at once. ``from sklweight import X`` works as
usual.
"""

import importlib

from ._version import __version__

# public name -> the submodule that defines it (one line per name; a submodule itself,
# such as ``recipes``, maps to its own path with the name ``None``)
_LAZY = {
    "ClassWeights": ".class_weight",
    "DivergenceWarning": ".exceptions",
    "LabelQualityWeights": ".quality",
    "NonFiniteLossError": ".exceptions",
    "QualityWeightedClassifier": ".quality",
    "TunedPosthocTauClassifierCV": ".posthoc",
    "WeightedMLPClassifier": ".mlp",
    "WeightedNeuralNetClassifier": ".classifier",
    "compute_class_weight": ".class_weight",
    "compute_sample_weight": ".class_weight",
    "exceptions": None,
    "load": ".io",
    "recipes": None,
    "save": ".io",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    if module is None:
        value = importlib.import_module(f".{name}", __name__)
    else:
        value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})
