"""Which classes and functions a file may name, and how a name becomes an object.

A file names classes and functions by ``module.qualname``. Loading resolves a name only
when it is trusted: one of the defaults below, or listed by the caller in ``trusted=``
(as skops does). An untrusted name is never imported, so a file cannot make ``load``
import a module, let alone run code, that the caller did not accept.

Trusted by default (what sklweight's estimators and the pipelines ``sklweight compare``
prints are built of):

* sklweight's estimators (the two classifiers, ``QualityWeightedClassifier``,
  ``LabelQualityWeights``, ``TunedPosthocTauClassifierCV``), ``ClassWeights``, the
  losses of :mod:`sklweight.losses`, the MLP's module and the batch iterator;
* torch's ``nn`` layers and losses, its optimizers and learning-rate schedulers, the
  ``DataLoader``;
* skorch's dataset, ``ValidSplit`` and its callbacks that hold no file, logger or
  function (``EarlyStopping``, ``EpochScoring``, ``PrintLog``, ``LRScheduler``, ...);
* :data:`SKLEARN_ESTIMATORS`: ``Pipeline``, ``ColumnTransformer``, the common
  preprocessing, imputation, linear and tree estimators (gradient boosting included),
  whose parameters and fitted attributes are plain values, arrays, estimators, trees
  and predictors; the parts they are built of (``_BinMapper``, ``check_array``);
  :data:`OBJECT_CLASSES` (``make_column_selector``, skorch's ``ValidSplit``);
* Python's and numpy's scalar types, named as values (``dtype=np.float64``);
* the functions skorch and sklweight use as defaults (``print``, skorch's ``to_numpy``,
  the MLP's silent early-stopping sink).
"""

from __future__ import annotations

import functools
import importlib
import inspect

__all__ = [
    "OBJECT_CLASSES", "SKLEARN_ESTIMATORS", "default_trusted", "is_trusted",
    "module_and_qualname", "name_of", "resolve",
]

# scikit-learn classes a file may hold: estimators whose parameters and fitted attributes
# are plain values, arrays, estimators, trees and routing requests (each round-trip
# tested in tests/io/)
SKLEARN_ESTIMATORS = (
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.preprocessing.StandardScaler",
    "sklearn.preprocessing.MinMaxScaler",
    "sklearn.preprocessing.MaxAbsScaler",
    "sklearn.preprocessing.RobustScaler",
    "sklearn.preprocessing.Normalizer",
    "sklearn.preprocessing.QuantileTransformer",
    "sklearn.preprocessing.PowerTransformer",
    "sklearn.preprocessing.OneHotEncoder",
    "sklearn.preprocessing.OrdinalEncoder",
    "sklearn.preprocessing.LabelEncoder",
    "sklearn.preprocessing.LabelBinarizer",
    "sklearn.preprocessing.KBinsDiscretizer",
    "sklearn.preprocessing.PolynomialFeatures",
    "sklearn.preprocessing.FunctionTransformer",
    "sklearn.impute.SimpleImputer",
    "sklearn.impute.MissingIndicator",
    "sklearn.impute.KNNImputer",
    "sklearn.decomposition.PCA",
    "sklearn.feature_selection.VarianceThreshold",
    "sklearn.linear_model.LogisticRegression",
    "sklearn.linear_model.RidgeClassifier",
    "sklearn.linear_model.LinearRegression",
    "sklearn.linear_model.Ridge",
    "sklearn.dummy.DummyClassifier",
    "sklearn.tree.DecisionTreeClassifier",
    "sklearn.tree.DecisionTreeRegressor",
    "sklearn.tree.ExtraTreeClassifier",
    "sklearn.ensemble.RandomForestClassifier",
    "sklearn.ensemble.RandomForestRegressor",
    "sklearn.ensemble.ExtraTreesClassifier",
    "sklearn.ensemble.HistGradientBoostingClassifier",
    "sklearn.ensemble.HistGradientBoostingRegressor",
)

# scikit-learn classes that are parts of the estimators above, never used alone
_SKLEARN_PARTS = (
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.utils.validation.check_array",  # HistGradientBoosting's numeric passthrough
)

# classes rebuilt from their constructor arguments (no fitted state, cheap constructors)
OBJECT_CLASSES = (
    "skorch.dataset.ValidSplit",
    "sklearn.compose._column_transformer.make_column_selector",
)

# types named as values (a dtype= or dtype_include= parameter): resolving them runs nothing
_TYPES = ("bool", "int", "float", "str", "bytes", "object")
_NUMPY_TYPES = (
    "generic", "number", "integer", "signedinteger", "unsignedinteger", "floating",
    "bool_", "object_", "str_", "bytes_", "float16", "float32", "float64", "int8",
    "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
)

_SKORCH_CALLBACKS = (
    "BatchScoring", "EarlyStopping", "EpochScoring", "EpochTimer", "GradientNormClipping",
    "InputShapeSetter", "LRScheduler", "PassthroughScoring", "PrintLog", "ProgressBar",
    "WarmRestartLR",
)
# schedulers that take a user function: the function needs trust, the class does not help
_SCHEDULERS_WITH_FUNCTIONS = ("LambdaLR", "MultiplicativeLR")


def module_and_qualname(obj):
    """``(module, qualname)`` of a class or function; TypeError when it has none."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        raise TypeError(
            f"{obj!r} has no importable name (a lambda, a local or dynamically created "
            "object): save() stores classes and functions by name only."
        )
    return module, qualname


def name_of(obj):
    """``module.qualname`` of a class or function (the name ``trusted=`` lists)."""
    return ".".join(module_and_qualname(obj))


# sklweight's own building blocks: (module, name); a name a refactoring removed is skipped
_SKLWEIGHT = (
    ("sklweight.mlp", "WeightedMLPClassifier"),
    ("sklweight.classifier", "WeightedNeuralNetClassifier"),
    ("sklweight.class_weight", "ClassWeights"),
    ("sklweight._net.mlp_module", "MLPModule"),
    ("sklweight._net.tabular_module", "TabularModule"),
    ("sklweight._net.embeddings", "FitEmbeddings"),
    ("sklweight._net.batching", "BatchIterator"),
    ("sklweight._net.mlp_net", "_silent"),  # the MLP's early-stopping sink
    ("sklweight._net.history", "QuietPrintLog"),
    ("sklweight._net.history", "BatchMeanScoring"),
    ("sklweight.quality", "QualityWeightedClassifier"),
    ("sklweight.quality", "LabelQualityWeights"),
    ("sklweight.posthoc", "TunedPosthocTauClassifierCV"),
    ("sklweight.posthoc", "_Adjusted"),
)


def _sklweight_objects():
    for module_name, name in _SKLWEIGHT:
        try:
            obj = getattr(importlib.import_module(module_name), name, None)
        except ImportError:
            continue
        if obj is not None:
            yield obj


@functools.cache
def default_trusted():
    """The names trusted without ``trusted=`` (a frozenset of ``module.qualname``)."""
    import torch  # noqa: PLC0415 (imported when a file is read or written)
    import torch.optim.lr_scheduler as schedulers  # noqa: PLC0415
    from skorch import callbacks as skorch_callbacks  # noqa: PLC0415
    from skorch import dataset, utils  # noqa: PLC0415

    from .. import losses  # noqa: PLC0415

    objects = [
        *_sklweight_objects(), dataset.Dataset, dataset.ValidSplit,
        torch.utils.data.DataLoader, print, utils.to_numpy,
    ]
    objects += [getattr(losses, name) for name in losses.__all__
                if inspect.isclass(getattr(losses, name))]
    objects += [getattr(skorch_callbacks, name) for name in _SKORCH_CALLBACKS]
    objects += [obj for obj in vars(torch.nn).values()
                if inspect.isclass(obj) and issubclass(obj, torch.nn.Module)]
    objects += [obj for obj in vars(torch.optim).values()
                if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer)]
    objects += [obj for name, obj in vars(schedulers).items()
                if inspect.isclass(obj) and obj.__module__ == schedulers.__name__
                and not name.startswith("_") and name not in _SCHEDULERS_WITH_FUNCTIONS]
    import builtins  # noqa: PLC0415

    import numpy as np  # noqa: PLC0415

    objects += [getattr(builtins, name) for name in _TYPES]
    objects += [getattr(np, name) for name in _NUMPY_TYPES]
    for dotted in SKLEARN_ESTIMATORS + _SKLEARN_PARTS + OBJECT_CLASSES:
        module, _, name = dotted.rpartition(".")
        objects.append(getattr(importlib.import_module(module), name))
    return frozenset(name_of(obj) for obj in objects)


def is_trusted(name, trusted=()):
    """Whether ``name`` may be resolved: a default or listed in ``trusted``."""
    return name in default_trusted() or name in set(trusted or ())


def resolve(module_name, qualname, trusted=()):
    """Import ``qualname`` from ``module_name``; ``module_name.qualname`` must be trusted.

    The trust check comes first: an untrusted name is never imported.
    """
    from ._errors import UntrustedTypeError  # noqa: PLC0415 (avoids an import cycle)

    if not (isinstance(module_name, str) and isinstance(qualname, str)):
        raise UntrustedTypeError.for_names([f"{module_name!r}.{qualname!r}"])
    name = f"{module_name}.{qualname}"
    if not is_trusted(name, trusted):
        raise UntrustedTypeError.for_names([name])
    try:
        obj = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise UntrustedTypeError(
            f"The file names {name!r}, which is trusted but cannot be imported here "
            f"({exc}). Install or import the package that defines it and load again."
        ) from exc
    return obj
