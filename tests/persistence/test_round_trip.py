"""sklweight.save / sklweight.load round trips (docs/user_guide/persistence.rst): both
classifiers, fitted or not, in a Pipeline; identical predictions; labels, dtypes, weights
and losses survive; warm starts continue exactly; pickle and joblib keep working."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from _estimators import N_CLASSES, N_FEATURES
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import EarlyStopping, EpochScoring, LRScheduler
from skorch.dataset import ValidSplit
from skorch.exceptions import DeviceWarning

import sklweight
from sklweight import ClassWeights, WeightedNeuralNetClassifier, load, save
from sklweight.io import UntrustedTypeError, get_untrusted_types
from sklweight.losses import FocalLoss, LDAMLoss, LogitAdjustedLoss

from ._helpers import _data, _same, mlp, net

FITTED = ("classes_", "class_weight_", "class_counts_", "n_features_in_", "feature_names_in_",
          "n_iter_", "loss_curve_", "validation_scores_", "classes_inferred_")


def _round_trip(estimator, path, X, y=None, **load_kwargs):
    save(estimator, path)
    loaded = load(path, **load_kwargs)
    _same(estimator, loaded)
    final = estimator[-1] if hasattr(estimator, "steps") else estimator
    loaded_final = loaded[-1] if hasattr(loaded, "steps") else loaded
    for name in FITTED:
        if hasattr(final, name):
            _same(getattr(final, name), getattr(loaded_final, name), name)
    if y is not None:
        np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
        predicted = loaded.predict(X)
        assert predicted.dtype == estimator.predict(X).dtype
        np.testing.assert_array_equal(predicted, estimator.predict(X))
    return loaded


# --------------------------------------------------------------------------- round trips
MLP_CASES = {
    "defaults": {},
    "float64": {"dtype": "float64"},
    "focal+balanced": {"criterion": "focal", "criterion__gamma": 1.0, "class_weight": "balanced"},
    "dict-str-keys": {"class_weight": {"a": 1.0, "b": 2.5, "c": 0.5}},
    "ClassWeights": {"class_weight": ClassWeights("effective_number", beta=0.9),
                     "sampler": ClassWeights("inverse_sqrt")},
    "sampler": {"sampler": "sample_weight"},
    "loss-instance": {"criterion": FocalLoss(gamma=2.0, alpha=[0.2, 0.3, 0.5])},
    "loss-class": {"criterion": LogitAdjustedLoss, "criterion__tau": 0.5},
    "early-stopping": {"early_stopping": True, "scoring": "balanced_accuracy",
                       "max_epochs": 6, "n_iter_no_change": 2},
    "RandomState": {"random_state": np.random.RandomState(3)},
}


@pytest.mark.parametrize("case", sorted(MLP_CASES))
def test_mlp_round_trip_predicts_identically(path, case):
    X, y = _data(["a", "b", "c"], np.float64 if case == "float64" else np.float32)
    w = np.linspace(0.5, 1.5, len(y))
    _round_trip(mlp(**MLP_CASES[case]), path, X)  # unfitted
    estimator = mlp(**MLP_CASES[case]).fit(X, y, sample_weight=w)
    loaded = _round_trip(estimator, path, X, y)
    assert next(loaded.net_.module_.parameters()).dtype == next(
        estimator.net_.module_.parameters()).dtype


@pytest.mark.parametrize("labels", [
    [3, 7, 10], np.array([-1, 0, 1], dtype=np.int8), ["spam", "eggs", "ham"],
    np.array(["x", "y", "z"], dtype=object), [True, False, True], [0.0, 1.0, 2.0],
], ids=["int", "int8", "str", "object", "bool", "float"])
def test_label_dtypes_round_trip(path, labels):
    X, y = _data(labels)
    if isinstance(labels[0], bool):
        y = np.asarray(labels, dtype=bool)[np.arange(len(y)) % 2]
    for estimator in (mlp(), net(module__out_features=len(np.unique(y)))):
        _round_trip(estimator.fit(X, y), path, X, y)


def test_dataframe_feature_names_round_trip(path):
    X, y = _data(["a", "b", "c"])
    df = pd.DataFrame(X, columns=["f0", "f1", "f2", "f3"])
    loaded = _round_trip(mlp().fit(df, y), path, df, y)
    assert list(loaded.feature_names_in_) == ["f0", "f1", "f2", "f3"]


NET_CASES = {
    "torch-loss-class": {"criterion": torch.nn.CrossEntropyLoss},
    "torch-loss-instance": {"criterion": torch.nn.CrossEntropyLoss(
        weight=torch.tensor([1.0, 2.0, 0.5]), label_smoothing=0.1)},
    "ldam-instance": {"criterion": LDAMLoss(class_counts=[30.0, 20.0, 10.0])},
    "valid-split+callbacks": {
        "train_split": ValidSplit(0.25, stratified=True, random_state=0), "callbacks": [
            ("stop", EarlyStopping(patience=2)),
            ("bacc", EpochScoring("balanced_accuracy", lower_is_better=False)),
            ("lr", LRScheduler("StepLR", step_size=1, gamma=0.5))]},
    "sgd-float64": {"optimizer": torch.optim.SGD, "optimizer__momentum": 0.9,
                    "module__dtype": torch.float64},
    "class-weight": {"class_weight": {0: 1.0, 1: 3.0, 2: 1.0}, "sampler": "balanced"},
}


@pytest.mark.parametrize("case", sorted(NET_CASES))
def test_net_round_trip_predicts_identically(path, case):
    params = NET_CASES[case]
    X, y = _data(dtype=np.float64 if "module__dtype" in params else np.float32)
    _round_trip(net(**params), path, X)
    estimator = net(**params).fit(X, y)
    loaded = _round_trip(estimator, path, X, y)
    assert list(loaded.history[:, "train_loss"]) == list(estimator.history[:, "train_loss"])


def test_warm_start_continues_exactly_after_loading(path):
    # module, optimizer (Adam's moments) and shuffling generator are all restored
    X, y = _data()
    estimator = net(optimizer=torch.optim.Adam, warm_start=True, batch_size=16,
                    iterator_train__shuffle=True).fit(X, y)
    save(estimator, path)
    loaded = load(path)
    estimator.partial_fit(X, y)
    loaded.partial_fit(X, y)
    _same(estimator.module_, loaded.module_)
    assert len(loaded.history) == 6


def test_loaded_unfitted_estimator_fits_like_the_original(path):
    X, y = _data(["a", "b", "c"])
    save(mlp(class_weight="balanced"), path)
    loaded = load(path)
    with pytest.raises(NotFittedError):
        loaded.predict(X)
    np.testing.assert_array_equal(
        loaded.fit(X, y).predict_proba(X), mlp(class_weight="balanced").fit(X, y).predict_proba(X))


def test_loading_does_not_move_the_global_torch_rng(path):
    X, y = _data()
    save(net().fit(X, y), path)
    state = torch.get_rng_state()
    load(path)
    assert torch.equal(torch.get_rng_state(), state)


STEPS = {
    "StandardScaler": lambda: StandardScaler(),
    "MinMaxScaler": lambda: _sk("preprocessing", "MinMaxScaler")(),
    "MaxAbsScaler": lambda: _sk("preprocessing", "MaxAbsScaler")(),
    "RobustScaler": lambda: _sk("preprocessing", "RobustScaler")(),
    "Normalizer": lambda: _sk("preprocessing", "Normalizer")(),
    "QuantileTransformer": lambda: _sk("preprocessing", "QuantileTransformer")(n_quantiles=20),
    "PowerTransformer": lambda: _sk("preprocessing", "PowerTransformer")(),
    "SimpleImputer": lambda: _sk("impute", "SimpleImputer")(),
    "PCA": lambda: _sk("decomposition", "PCA")(n_components=3),
    "VarianceThreshold": lambda: _sk("feature_selection", "VarianceThreshold")(),
}


def _sk(module, name):
    return getattr(__import__(f"sklearn.{module}", fromlist=[name]), name)


@pytest.mark.parametrize("step", sorted(STEPS))
def test_pipeline_round_trip_predicts_identically(path, step):
    X, y = _data(["a", "b", "c"], np.float64)
    X[2, 1] = np.nan if step == "SimpleImputer" else X[2, 1]
    pipeline = make_pipeline(STEPS[step](), mlp(criterion="logit_adjusted"))
    _round_trip(pipeline, path, X)
    pipeline.fit(X, y)
    loaded = _round_trip(pipeline, path, X, y)
    _same(pipeline[0], loaded[0])
    for name, value in vars(pipeline[0]).items():
        _same(value, getattr(loaded[0], name), f"{step}.{name}")


# --------------------------------------------------------------------------- custom module
class Wide(torch.nn.Module):
    """A custom module: a file naming it loads only when the caller trusts it."""

    def __init__(self, n_in=N_FEATURES, n_out=N_CLASSES, width=5):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(n_in, width), torch.nn.ReLU(),
                                       torch.nn.Linear(width, n_out))

    def forward(self, X):
        return self.net(X)


def test_custom_module_loads_only_when_trusted(path):
    X, y = _data()
    estimator = WeightedNeuralNetClassifier(
        Wide, module__width=7, max_epochs=3, lr=0.1, train_split=None, random_state=0,
        verbose=0).fit(X, y)
    save(estimator, path)
    name = f"{Wide.__module__}.Wide"
    assert get_untrusted_types(path) == [name]
    with pytest.raises(UntrustedTypeError, match=rf"trusted=\['{name}'\]"):
        load(path)
    loaded = load(path, trusted=[name])
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))


def test_trusted_must_be_a_list_of_names(path):
    save(mlp(), path)
    with pytest.raises(TypeError, match="'trusted' parameter of load must be a list"):
        load(path, trusted="test_io.Wide")
    with pytest.raises(TypeError, match="'trusted' parameter of load"):
        load(path, trusted=[Wide])


# --------------------------------------------------------------------------- refused at save
@pytest.mark.parametrize(("estimator", "phrase"), [
    (net(module=torch.nn.Linear(N_FEATURES, N_CLASSES)), "instead of an instance"),
    (mlp(class_weight=lambda y: {0: 1.0}), "no importable name"),
    (make_pipeline(StandardScaler(), _sk("neighbors", "KNeighborsClassifier")()),
     "not one of the scikit-learn classes it supports"),
    (mlp(scoring=_sk("metrics", "make_scorer")(_sk("metrics", "f1_score"))),
     "cannot store WeightedMLPClassifier.scoring"),
    (np.arange(3), "save\\(\\) stores estimators"),
    (StandardScaler, "save\\(\\) stores estimators"),
], ids=["module-instance", "lambda", "KNeighborsClassifier", "scorer-object", "array",
        "class"])
def test_unsupported_objects_are_refused_at_save_and_nothing_is_written(
    tmp_path, path, estimator, phrase
):
    with pytest.raises(TypeError, match=phrase):
        save(estimator, path)
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file


def test_save_and_load_are_public():
    assert sklweight.save is save and sklweight.load is load
    assert {"save", "load"} <= set(sklweight.__all__)


# --------------------------------------------------------------------------- devices, pickle
def test_cuda_file_loads_on_cpu_where_cuda_is_unavailable(path, monkeypatch):
    X, y = _data()
    estimator = mlp().fit(X, y)
    estimator.device = estimator.net_.device = "cuda"  # as if fitted on a GPU
    save(estimator, path)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(DeviceWarning, match="loading on device 'cpu'"):
        loaded = load(path)
    assert loaded.device == loaded.net_.device == "cpu"
    estimator.device = estimator.net_.device = "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
    assert load(path, device="cpu").net_.device == "cpu"


def _pickled(estimator, how):
    buffer = io.BytesIO()
    if how == "pickle":
        pickle.dump(estimator, buffer)
        buffer.seek(0)
        return pickle.load(buffer)  # noqa: S301 (the file is our own)
    joblib.dump(estimator, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


@pytest.mark.parametrize("how", ["pickle", "joblib"])
@pytest.mark.parametrize("make", [mlp, net], ids=["mlp", "net"])
def test_pickle_and_joblib_keep_working(make, how):
    X, y = _data()
    estimator = make().fit(X, y)
    restored = _pickled(estimator, how)
    np.testing.assert_array_equal(restored.predict_proba(X), estimator.predict_proba(X))


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("make", [mlp, net], ids=["mlp", "net"])
def test_cuda_model_round_trips_and_loads_on_cpu(path, make):
    X, y = _data()
    estimator = make(device="cuda").fit(X, y)
    np.testing.assert_array_equal(_pickled(estimator, "pickle").predict_proba(X),
                                  estimator.predict_proba(X))
    save(estimator, path)
    on_gpu = load(path)
    assert str(next((on_gpu.net_ if make is mlp else on_gpu).module_.parameters()).device
               ).startswith("cuda")
    np.testing.assert_array_equal(on_gpu.predict_proba(X), estimator.predict_proba(X))
    on_cpu = load(path, device="cpu")
    np.testing.assert_allclose(on_cpu.predict_proba(X), estimator.predict_proba(X),
                               rtol=1e-5, atol=1e-6)
