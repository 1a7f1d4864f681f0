"""Whole scikit-learn pipelines round-trip (docs/user_guide/persistence.rst, "What it
stores"): the pipeline ``sklweight compare --csv`` prints, every allow-listed
scikit-learn class, metadata-routing requests and sklweight's meta-estimators, with
bit-identical outputs and no ``trusted=`` needed."""

import importlib
import types

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn._loss.loss import BaseLoss
from sklearn.tree._tree import Tree

from sklweight import WeightedMLPClassifier, load, save
from sklweight.compare.data import load_csv
from sklweight.compare.recommend import pipeline_code
from sklweight.io import SKLEARN_ESTIMATORS, get_untrusted_types

from ._helpers import _same

MLP = "WeightedMLPClassifier(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)"


def _csv(tmp_path, n=90):
    """A CSV with a categorical column and missing values in two columns."""
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({
        "size": rng.randn(n),
        "colour": rng.choice(["red", "green", "blue"], n),
        "age": rng.randint(1, 90, n).astype(float),
        "label": rng.choice(["yes", "no"], n),
    })
    frame.loc[[3, 17, 40], "size"] = np.nan
    frame.loc[[5, 22], "colour"] = np.nan
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def _printed_model(csv, code, imports):
    """Run the code ``compare`` prints for ``code``'s estimator; return its namespace."""
    data = load_csv(str(csv), "label")
    summary = types.SimpleNamespace(imports=imports, code=code, uses_weights=False,
                                    step_name="model")
    namespace = {}
    exec(pipeline_code(data, summary), namespace)  # noqa: S102 (our own printed code)
    return namespace


@pytest.mark.parametrize(("code", "imports"), [
    (MLP, ("from sklweight import WeightedMLPClassifier",)),
    (f"QualityWeightedClassifier({MLP}, quality=LabelQualityWeights(cv=3, random_state=0))",
     ("from sklweight import WeightedMLPClassifier",
      "from sklweight.quality import LabelQualityWeights, QualityWeightedClassifier")),
], ids=["mlp", "quality"])
def test_the_pipeline_compare_prints_round_trips_bit_identically(tmp_path, code, imports):
    namespace = _printed_model(_csv(tmp_path), code, imports)
    model, X = namespace["model"], namespace["X"]
    steps = [type(s).__name__ for s in model.named_steps.values()]
    assert steps[0] == "ColumnTransformer" and X["colour"].isna().any()
    path = tmp_path / "model.safetensors"
    save(model, path)
    assert get_untrusted_types(path) == []
    loaded = load(path)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X))
    unseen = X.head(3).assign(colour=["purple", np.nan, "red"])  # handle_unknown="ignore"
    assert np.array_equal(loaded.predict_proba(unseen), model.predict_proba(unseen))
    fitted = model[0].named_transformers_
    loaded_fitted = loaded[0].named_transformers_
    assert fitted.keys() == loaded_fitted.keys()
    for name in fitted:
        if isinstance(fitted[name], str):  # "drop" / "passthrough"
            assert loaded_fitted[name] == fitted[name]
            continue
        for step, loaded_step in zip(fitted[name].steps, loaded_fitted[name].steps,
                                     strict=True):
            _same_vars(step[1], loaded_step[1])


def _same_vars(a, b):
    assert type(a) is type(b)
    assert vars(a).keys() == vars(b).keys()
    for name, value in vars(a).items():
        if isinstance(value, np.random.Generator):
            assert value.bit_generator.state == getattr(b, name).bit_generator.state
        elif isinstance(value, BaseLoss):
            loaded = getattr(b, name)
            assert type(value) is type(loaded) and value.n_classes == loaded.n_classes
            assert value.constant_hessian == loaded.constant_hessian
        elif isinstance(value, Tree):
            state, loaded = value.__getstate__(), getattr(b, name).__getstate__()
            for key in state:
                assert np.array_equal(state[key], loaded[key]), (type(a).__name__, name, key)
        elif isinstance(value, np.ndarray) and value.dtype == object:
            assert getattr(b, name).dtype == object and value.shape == getattr(b, name).shape
            for x, y in zip(value.ravel(), getattr(b, name).ravel(), strict=True):
                _same(x, y, f"{type(a).__name__}.{name}[]")
        elif isinstance(value, list) and value and hasattr(value[0], "get_params"):
            for x, y in zip(value, getattr(b, name), strict=True):
                _same_vars(x, y)
        else:
            _same(value, getattr(b, name), f"{type(a).__name__}.{name}")


# --------------------------------------------------------------------------- every class
def _forest(cls):
    return cls(n_estimators=3, random_state=0)


CLASSES = {
    "Pipeline": None, "FeatureUnion": None, "ColumnTransformer": None,  # composites below
    "StandardScaler": {}, "MinMaxScaler": {}, "MaxAbsScaler": {}, "RobustScaler": {},
    "Normalizer": {}, "QuantileTransformer": {"n_quantiles": 20},
    "PowerTransformer": {}, "OneHotEncoder": {"sparse_output": False},
    "OrdinalEncoder": {}, "LabelEncoder": "y", "LabelBinarizer": "y",
    "KBinsDiscretizer": {"n_bins": 3, "strategy": "uniform", "encode": "ordinal"},
    "PolynomialFeatures": {}, "FunctionTransformer": {}, "SimpleImputer": {},
    "MissingIndicator": {},
    "KNNImputer": {}, "PCA": {"n_components": 2}, "VarianceThreshold": {},
    "LogisticRegression": {}, "RidgeClassifier": {}, "LinearRegression": {},
    "Ridge": {}, "DummyClassifier": {}, "DecisionTreeClassifier": {"random_state": 0},
    "DecisionTreeRegressor": {"random_state": 0}, "ExtraTreeClassifier": {"random_state": 0},
    "RandomForestClassifier": _forest, "RandomForestRegressor": _forest,
    "ExtraTreesClassifier": _forest,
    "HistGradientBoostingClassifier": {"max_iter": 5, "random_state": 0},
    "HistGradientBoostingRegressor": {"max_iter": 5, "random_state": 0},
}


def _class(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_allow_listed_class_is_tested():
    assert sorted(CLASSES) == sorted(n.rpartition(".")[2] for n in SKLEARN_ESTIMATORS)


def _output(estimator, X):
    for method in ("predict_proba", "predict", "transform"):
        if hasattr(estimator, method):
            return getattr(estimator, method)(X)
    raise AssertionError(estimator)


@pytest.mark.parametrize("dotted", [n for n in SKLEARN_ESTIMATORS
                                    if CLASSES[n.rpartition(".")[2]] is not None])
def test_every_allow_listed_class_round_trips(tmp_path, dotted):
    cls, setup = _class(dotted), CLASSES[dotted.rpartition(".")[2]]
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    X[[2, 9], 1] = np.nan if "Imputer" in dotted or "Missing" in dotted else X[[2, 9], 1]
    y = np.array(["a", "b", "c"])[np.arange(60) % 3]
    if dotted.endswith(("Regressor", ".LinearRegression", ".Ridge")):
        y = rng.randn(60)
    if setup == "y":
        estimator, X = cls().fit(y), y
    else:
        estimator = setup(cls) if callable(setup) else cls(**setup)
        estimator.fit(X, y)
    path = tmp_path / "model.safetensors"
    save(estimator, path)
    assert get_untrusted_types(path) == []
    loaded = load(path)
    _same_vars(estimator, loaded)
    expected, got = np.asarray(_output(estimator, X)), np.asarray(_output(loaded, X))
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected, equal_nan=expected.dtype.kind == "f")


def test_composites_round_trip(tmp_path):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.preprocessing import PolynomialFeatures, StandardScaler

    X = np.random.RandomState(0).randn(50, 3)
    y = np.arange(50) % 2
    model = make_pipeline(
        ColumnTransformer([("scale", StandardScaler(), [0, 1]),
                           ("both", FeatureUnion([("s", StandardScaler()),
                                                  ("p", PolynomialFeatures(2))]), [2])],
                          remainder="passthrough"),
        LogisticRegression(),
    ).fit(X, y)
    path = tmp_path / "model.safetensors"
    save(model, path)
    assert np.array_equal(load(path).predict_proba(X), model.predict_proba(X))


def test_categorical_gradient_boosting_round_trips(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.randn(120),
                      "c": pd.Categorical(rng.choice(["x", "y", "z"], 120))})
    X.loc[::9, "a"] = np.nan
    y = (X["c"] == "y") ^ (X["a"] > 0)
    model = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    path = tmp_path / "model.safetensors"
    save(model, path)
    loaded = load(path)
    _same_vars(model, loaded)
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_unsupported_scikit_learn_estimators_are_refused_at_save(tmp_path):
    from sklearn.svm import SVC

    X = np.random.RandomState(0).randn(30, 2)
    model = SVC().fit(X, X[:, 0] > 0)
    with pytest.raises(TypeError, match="not one of the scikit-learn classes it supports"):
        save(model, tmp_path / "model.safetensors")


# --------------------------------------------------------------------------- routing
@pytest.mark.parametrize("final", ["mlp", "logistic"])
def test_metadata_routing_requests_round_trip(tmp_path, final):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    X, y, w = rng.randn(60, 3), np.arange(60) % 2, rng.rand(60)
    with sklearn.config_context(enable_metadata_routing=True):
        last = (WeightedMLPClassifier((4,), max_epochs=2, random_state=0)
                if final == "mlp" else LogisticRegression())
        model = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                              last.set_fit_request(sample_weight=True))
        model.fit(X, y, sample_weight=w)
        path = tmp_path / "model.safetensors"
        save(model, path)
        assert get_untrusted_types(path) == []
        loaded = load(path)
        request = loaded[-1].get_metadata_routing()
        assert request.fit.requests == {"sample_weight": True}
        assert loaded[-1]._metadata_request.owner is loaded[-1]
        assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
        loaded.fit(X, y, sample_weight=w)  # the request routes the weights again
        assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))


# --------------------------------------------------------------------------- sklweight's
def _quality_estimators():
    from sklweight import TunedPosthocTauClassifierCV
    from sklweight.quality import LabelQualityWeights, QualityWeightedClassifier

    mlp = WeightedMLPClassifier((4,), max_epochs=2, random_state=0)
    return {
        "QualityWeightedClassifier": QualityWeightedClassifier(
            mlp, quality=LabelQualityWeights(cv=3, random_state=0)),
        "LabelQualityWeights": LabelQualityWeights(cv=3, random_state=0),
        "TunedPosthocTauClassifierCV": TunedPosthocTauClassifierCV(mlp, cv=3),
    }


@pytest.mark.parametrize("name", sorted(_quality_estimators()))
def test_sklweight_meta_estimators_load_without_trusted(tmp_path, name):
    estimator = _quality_estimators()[name]
    rng = np.random.RandomState(0)
    X, y = rng.randn(60, 3), np.arange(60) % 2
    estimator.fit(X, y)
    path = tmp_path / "model.safetensors"
    save(estimator, path)
    assert get_untrusted_types(path) == []
    loaded = load(path)
    if hasattr(estimator, "predict_proba"):
        assert np.array_equal(loaded.predict_proba(X), estimator.predict_proba(X))
    else:
        assert np.array_equal(loaded.quality_, estimator.quality_)


def test_wide_string_categories_round_trip(tmp_path):
    """Fixed-width strings are stored as code points: a wide dtype with many short
    categories (a numpy column holding one long value) loads exactly."""
    from sklearn.preprocessing import OneHotEncoder

    values = np.array([f"c{i}" for i in range(300)] + ["x" * 100], dtype="<U100")
    X = values.reshape(-1, 1)
    encoder = OneHotEncoder(sparse_output=False).fit(X)
    assert encoder.categories_[0].dtype == np.dtype("<U100")
    path = tmp_path / "model.safetensors"
    save(encoder, path)
    loaded = load(path)
    _same_vars(encoder, loaded)
    assert np.array_equal(loaded.transform(X), encoder.transform(X))
