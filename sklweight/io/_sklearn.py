"""scikit-learn objects that are neither estimators nor plain values.

==================== ==============================================================
``records``          a structured numpy array (a tree's nodes): one tensor per field,
                     the dtype's names, formats, offsets and item size
``sklearn_tree``     ``sklearn.tree._tree.Tree``: its constructor arguments and state
                     (``__getstate__``); loading checks them, builds the tree with its
                     constructor and passes the checked arrays to ``__setstate__``:
                     every internal node's children come after it and inside the tree,
                     every split feature is one of the tree's features, the values have
                     the shape the node count and classes give (the tree's C code reads
                     them without bounds checks)
``metadata_request`` an estimator's ``set_*_request`` choices: ``{method: {param:
                     alias}}``, replayed through scikit-learn's ``add_request``
==================== ==============================================================

:func:`adopt` finishes an estimator once its attributes are set: a metadata request
gets its owner back, a tree-based estimator's trees must read as many features as the
estimator is fitted on, a gradient boosting estimator's predictors are checked
(``_hist_gradient_boosting.py``).
"""

from __future__ import annotations

import numpy as np

from ._errors import invalid
from ._hist_gradient_boosting import (
    check_boosting,
    decode_hist_predictor,
    decode_np_generator,
    decode_sklearn_loss,
    encode_boosting,
)
from ._records import decode_records, encode_records

__all__ = [
    "adopt", "decode_hist_predictor", "decode_metadata_request", "decode_np_generator",
    "decode_records", "decode_sklearn_loss", "decode_sklearn_tree", "encode_records",
    "encode_special",
]


def encode_special(enc, obj, where):
    """The entry for ``obj`` when it is one of the objects above, else ``None``."""
    from sklearn.tree._tree import Tree  # noqa: PLC0415
    from sklearn.utils._metadata_requests import MetadataRequest  # noqa: PLC0415

    if isinstance(obj, Tree):
        return _encode_tree(enc, obj, where)
    if isinstance(obj, MetadataRequest):
        return _encode_metadata_request(obj)
    return encode_boosting(enc, obj, where)


def _encode_tree(enc, tree, where):
    state = tree.__getstate__()
    return {
        "__type__": "sklearn_tree",
        "n_features": int(tree.n_features),
        "n_classes": enc.encode(np.asarray(tree.n_classes, dtype=np.intp),
                                f"{where}.n_classes"),
        "n_outputs": int(tree.n_outputs),
        "max_depth": int(state["max_depth"]),
        "node_count": int(state["node_count"]),
        "nodes": encode_records(enc, state["nodes"], f"{where}.nodes"),
        "values": enc.encode(state["values"], f"{where}.values"),
    }


def decode_sklearn_tree(dec, obj):
    from sklearn.tree._tree import Tree  # noqa: PLC0415

    dec.sklearn_used = True
    n_features, n_outputs = obj["n_features"], obj["n_outputs"]
    max_depth, node_count = obj["max_depth"], obj["node_count"]
    n_classes = dec.decode(obj["n_classes"])
    nodes, values = dec.decode(obj["nodes"]), dec.decode(obj["values"])
    if not all(type(v) is int and v >= 0 for v in (n_features, n_outputs, max_depth,
                                                     node_count)) or not (
            0 <= max_depth < node_count):
        raise invalid("a tree's sizes are not non-negative integers with a root node and "
                      "a depth below its node count")
    if not (isinstance(n_classes, np.ndarray) and n_classes.shape == (n_outputs,)
            and n_classes.dtype.kind == "i" and n_outputs >= 1 and (n_classes >= 1).all()):
        raise invalid("a tree's class counts do not match its outputs")
    _check_nodes(nodes, node_count, n_features)
    if not (isinstance(values, np.ndarray) and values.dtype == np.float64
            and values.shape == (node_count, n_outputs, int(n_classes.max()))):
        raise invalid("a tree's values do not have the shape its nodes and classes give")
    tree = Tree(n_features, n_classes, n_outputs)
    tree.__setstate__({"max_depth": max_depth, "node_count": node_count, "nodes": nodes,
                       "values": values})
    return tree


def _check_nodes(nodes, node_count, n_features):
    from sklearn.tree._tree import NODE_DTYPE  # noqa: PLC0415

    if not (isinstance(nodes, np.ndarray) and nodes.dtype == NODE_DTYPE
            and nodes.shape == (node_count,)):
        raise invalid("a tree's nodes are not the node records of its node count")
    index = np.arange(node_count)
    left, right, feature = nodes["left_child"], nodes["right_child"], nodes["feature"]
    leaf = left == -1
    internal_ok = ((left > index) & (left < node_count) & (right > index)
                   & (right < node_count) & (feature >= 0) & (feature < n_features))
    if not np.where(leaf, right == -1, internal_ok).all():
        raise invalid("a tree's nodes point outside the tree or its features")


def _encode_metadata_request(request):
    from sklearn.utils._metadata_requests import SIMPLE_METHODS  # noqa: PLC0415

    methods = {}
    for method in SIMPLE_METHODS:
        requests = getattr(request, method).requests
        if requests:
            methods[method] = dict(requests)
    return {"__type__": "metadata_request", "methods": methods}


def decode_metadata_request(dec, obj):
    from sklearn.utils._metadata_requests import (  # noqa: PLC0415
        SIMPLE_METHODS,
        MetadataRequest,
    )

    dec.sklearn_used = True
    methods = obj["methods"]
    if not isinstance(methods, dict):
        raise invalid("a metadata request is not a mapping of methods")
    request = MetadataRequest(owner=None)
    for method, requests in methods.items():
        if method not in SIMPLE_METHODS or not isinstance(requests, dict):
            raise invalid(f"{method!r} is not a method metadata can be requested for")
        for param, alias in requests.items():
            if not param.isidentifier() or not (alias is None or isinstance(alias, (bool, str))):
                raise invalid(f"the request {param!r}: {alias!r} is not valid")
            getattr(request, method).add_request(param=param, alias=alias)
    return request


def adopt(estimator):
    """Finish ``estimator`` once its attributes are set (see the module docstring)."""
    from sklearn.tree._tree import Tree  # noqa: PLC0415
    from sklearn.utils._metadata_requests import (  # noqa: PLC0415
        SIMPLE_METHODS,
        MetadataRequest,
    )

    request = vars(estimator).get("_metadata_request")
    if isinstance(request, MetadataRequest):
        request.owner = estimator
        for method in SIMPLE_METHODS:
            getattr(request, method).owner = estimator
    tree = vars(estimator).get("tree_")
    if isinstance(tree, Tree) and vars(estimator).get("n_features_in_") != tree.n_features:
        raise invalid(f"a {type(estimator).__name__}'s tree reads {tree.n_features} "
                      "features but the estimator is fitted on another number")
    check_boosting(estimator)
