"""``HistGradientBoostingClassifier`` / ``Regressor``: their predictors, loss and generator.

==================== ==============================================================
``hist_predictor``   a ``TreePredictor``: its node records and the two category
                     bitset arrays
``sklearn_loss``     the loss object (``HalfBinomialLoss``, ...): its class, its number
                     of classes and whether its hessian is constant (built with the
                     constructor; its arrays are not state)
``np_generator``     a ``numpy.random.Generator`` on ``PCG64``: the bit generator's state
==================== ==============================================================

The predictors' C code indexes nodes, features and bitsets without bounds checks, so
:func:`check_boosting` runs on the rebuilt estimator before it is returned: every
internal node's children come after it and inside the predictor, every split feature is
one the estimator is fitted on, a categorical split's feature is categorical and its
bitset exists, and the categories its known-category bitsets are made of lie in the
256 bits of a bitset.
"""

from __future__ import annotations

import numpy as np

from ._errors import invalid
from ._records import encode_records

__all__ = ["check_boosting", "encode_boosting"]

_LOSSES = {
    "sklearn._loss.loss.HalfBinomialLoss", "sklearn._loss.loss.HalfMultinomialLoss",
    "sklearn._loss.loss.HalfSquaredError", "sklearn._loss.loss.AbsoluteError",
    "sklearn._loss.loss.HalfPoissonLoss", "sklearn._loss.loss.HalfGammaLoss",
}
_BITSET_WORDS = 8  # 8 x 32 bits: categories 0..255


def encode_boosting(enc, obj, where):
    """The entry for a predictor, a loss or a numpy Generator, else ``None``."""
    from sklearn._loss.loss import BaseLoss  # noqa: PLC0415
    from sklearn.ensemble._hist_gradient_boosting.predictor import (  # noqa: PLC0415
        TreePredictor,
    )


    if isinstance(obj, TreePredictor):
        return {
            "__type__": "hist_predictor",
            "nodes": encode_records(enc, obj.nodes, f"{where}.nodes"),
            "binned": enc.encode(obj.binned_left_cat_bitsets, f"{where}.binned"),
            "raw": enc.encode(obj.raw_left_cat_bitsets, f"{where}.raw"),
        }
    if isinstance(obj, BaseLoss):
        name = f"{type(obj).__module__}.{type(obj).__qualname__}"
        if name not in _LOSSES:
            raise TypeError(f"save() cannot store {where}: a scikit-learn loss {name}.")
        return {"__type__": "sklearn_loss", "class": name, "n_classes": obj.n_classes,
                "constant_hessian": bool(obj.constant_hessian)}
    if isinstance(obj, np.random.Generator):
        state = obj.bit_generator.state
        if state.get("bit_generator") != "PCG64":
            raise TypeError(f"save() cannot store {where}: a Generator on "
                            f"{state.get('bit_generator')}.")
        return {"__type__": "np_generator", "state": state["state"]["state"],
                "inc": state["state"]["inc"], "has_uint32": int(state["has_uint32"]),
                "uinteger": int(state["uinteger"])}
    return None


def decode_hist_predictor(dec, obj):
    from sklearn.ensemble._hist_gradient_boosting.common import (  # noqa: PLC0415
        PREDICTOR_RECORD_DTYPE,
        X_BITSET_INNER_DTYPE,
    )
    from sklearn.ensemble._hist_gradient_boosting.predictor import (  # noqa: PLC0415
        TreePredictor,
    )

    dec.sklearn_used = True
    nodes, binned, raw = (dec.decode(obj[key]) for key in ("nodes", "binned", "raw"))
    if not (isinstance(nodes, np.ndarray) and nodes.dtype == PREDICTOR_RECORD_DTYPE
            and nodes.ndim == 1 and len(nodes) > 0):
        raise invalid("a predictor's nodes are not predictor records")
    for bitsets in (binned, raw):
        if not (isinstance(bitsets, np.ndarray) and bitsets.dtype == X_BITSET_INNER_DTYPE
                and bitsets.ndim == 2 and bitsets.shape[1] == _BITSET_WORDS):
            raise invalid("a predictor's category bitsets are not 8-word bitsets")
    n = len(nodes)
    index = np.arange(n)
    leaf = nodes["is_leaf"].astype(bool)
    left, right = nodes["left"].astype(np.int64), nodes["right"].astype(np.int64)
    internal = (left > index) & (left < n) & (right > index) & (right < n) & (
        nodes["feature_idx"] >= 0)
    categorical = nodes["is_categorical"].astype(bool) & ~leaf
    in_bitsets = nodes["bitset_idx"].astype(np.int64) < min(len(binned), len(raw))
    if not (np.where(leaf, True, internal).all() and in_bitsets[categorical].all()):
        raise invalid("a predictor's nodes point outside the predictor or its bitsets")
    return TreePredictor(nodes, binned, raw)


def decode_sklearn_loss(dec, obj):
    from ._trust import resolve  # noqa: PLC0415

    name, n_classes = obj["class"], obj["n_classes"]
    if name not in _LOSSES or not (n_classes is None or type(n_classes) is int):
        raise invalid(f"{name!r} is not a scikit-learn loss sklweight.save writes")
    dec.sklearn_used = True
    module, _, qualname = name.rpartition(".")
    cls = resolve(module, qualname, (name,))
    weight = None if obj["constant_hessian"] else np.ones(1)
    if qualname == "HalfMultinomialLoss":
        if not 3 <= (n_classes or 0) <= 2**16:
            raise invalid(f"a multinomial loss of {n_classes!r} classes")
        return cls(sample_weight=weight, n_classes=n_classes)
    return cls(sample_weight=weight)


def decode_np_generator(dec, obj):
    values = [obj[key] for key in ("state", "inc", "has_uint32", "uinteger")]
    if not all(type(v) is int and 0 <= v < 2**128 for v in values):
        raise invalid("a numpy Generator's state is not four integers")
    bit_generator = np.random.PCG64()
    bit_generator.state = {"bit_generator": "PCG64",
                           "state": {"state": values[0], "inc": values[1]},
                           "has_uint32": values[2], "uinteger": values[3]}
    return np.random.Generator(bit_generator)


def check_boosting(estimator):
    """Check a rebuilt HistGradientBoosting estimator (see the module docstring)."""
    predictors = vars(estimator).get("_predictors")
    if predictors is None:
        return
    n_features = vars(estimator).get("n_features_in_")
    mapper = vars(estimator).get("_bin_mapper")
    categorical = getattr(mapper, "is_categorical_", None)
    if not (type(n_features) is int and isinstance(predictors, list)
            and all(isinstance(row, list) for row in predictors)):
        raise invalid("a gradient boosting estimator's predictors are not valid")
    if categorical is not None:
        thresholds = getattr(mapper, "bin_thresholds_", None)
        if not (isinstance(categorical, np.ndarray) and categorical.shape == (n_features,)
                and isinstance(thresholds, list) and len(thresholds) == n_features):
            raise invalid("a gradient boosting estimator's bin mapper is not valid")
        for feature in np.flatnonzero(categorical):
            values = np.asarray(thresholds[feature], dtype=float)
            if not (values.ndim == 1 and np.isin(values, np.arange(256)).all()):
                raise invalid("a categorical feature's categories are not in 0..255")
    for predictor in (p for row in predictors for p in row):
        nodes = getattr(predictor, "nodes", None)
        if nodes is None or not hasattr(predictor, "raw_left_cat_bitsets"):
            raise invalid("a gradient boosting estimator holds a non-predictor")
        split = ~nodes["is_leaf"].astype(bool)
        features = nodes["feature_idx"][split]
        if not (features < n_features).all():
            raise invalid("a predictor splits on a feature the estimator is not fitted on")
        on_categories = nodes["is_categorical"].astype(bool) & split
        if on_categories.any() and (
            categorical is None or not categorical[nodes["feature_idx"][on_categories]].all()
        ):
            raise invalid("a predictor splits on categories of a non-categorical feature")
