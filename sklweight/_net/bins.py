"""The bins of the piecewise-linear feature embedding, fitted on the rows a fit trains on.

Two strategies, the values of ``WeightedMLPClassifier(bin_strategy=...)``:

* :func:`quantile_bins`: the edges are weighted quantiles of each column (Gorishniy et
  al., NeurIPS 2022, "PLE"). They follow where the rows are, so on an imbalanced table
  they follow the majority class: a minority class that lives in a narrow range of a
  feature may share one bin with the majority rows around it;
* :func:`tree_bins`: the edges are the thresholds of a small decision tree grown on each
  column alone to predict the label (the paper's target-aware "T-PLE"), with every class
  given the same total weight, so the thresholds that separate a minority class count as
  much as the majority's.

Both take row weights, the rows' share of the training objective (loss weight times the
sampler's probability): scaling all weights changes no edge, a zero-weight row is absent,
and an integer weight is a repeated row (the user guide's "weight semantics"). Both
return the same fixed-shape buffers, ``(n_features, n_bins)`` left edges and widths and
the bins used per feature, so the module's state does not depend on the data's shape.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["BIN_STRATEGIES", "fit_bins", "quantile_bins", "tree_bins"]

# tree_bins: a leaf holds at least this share of the (class-balanced) weight, so a bin
# is never cut around a handful of rows of one class
MIN_LEAF_FRACTION = 0.02


def _buffers(edges, n_bins, like):
    """``(left, width, n_used)`` from each column's sorted distinct edges."""
    n_features = len(edges)
    left = torch.zeros(n_features, n_bins, dtype=like.dtype, device=like.device)
    width = torch.ones_like(left)
    n_used = torch.ones(n_features, dtype=torch.long, device=like.device)
    for j, e in enumerate(edges):
        # distinct in the buffers' dtype (two float64 edges may round to one float32)
        e = torch.unique(torch.as_tensor(e, dtype=like.dtype, device=like.device))
        if len(e) < 2:  # a constant feature: one bin of width 1 at its value
            left[j, 0] = e[0]
            continue
        used = len(e) - 1
        left[j, :used] = e[:-1]
        width[j, :used] = e[1:] - e[:-1]
        n_used[j] = used
    return left, width, n_used


def quantile_bins(X, n_bins, weight=None):
    """Weighted quantile bins of each column of ``X``.

    The edges of column ``j`` are the distinct values among its weighted quantiles at
    levels ``0, 1/n_bins, ..., 1`` (the smallest value whose cumulative weight reaches
    the level), so a column with few distinct values gets fewer bins. Rows of zero weight
    are left out.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
        The training rows.
    n_bins : int
        Most bins per feature.
    weight : Tensor of shape (n_samples,) or None, default=None
        Non-negative row weights (None: all one).

    Returns
    -------
    left : Tensor of shape (n_features, n_bins)
        Left edge of each bin.
    width : Tensor of shape (n_features, n_bins)
        Width of each bin (1 for the unused ones).
    n_used : Tensor of int64, shape (n_features,)
        Bins used per feature (at least 1; a constant feature gets one bin of width 1).
    """
    X = X.detach()
    if weight is None:
        weight = torch.ones(len(X), dtype=X.dtype, device=X.device)
    else:  # rows of zero weight are absent, the outer edges included
        weight = weight.detach().to(X.dtype)
        X, weight = X[weight > 0], weight[weight > 0]
    n = len(X)
    levels = torch.linspace(0, 1, n_bins + 1, dtype=X.dtype, device=X.device)
    values, order = torch.sort(X, dim=0)
    cumulative = torch.cumsum(weight[order], dim=0)
    cumulative = cumulative / cumulative[-1:].clamp_min(torch.finfo(X.dtype).tiny)
    edges = []
    for j in range(X.shape[1]):
        # the smallest value whose cumulative weight fraction reaches each level
        at = torch.searchsorted(cumulative[:, j].contiguous(), levels[1:-1].contiguous())
        inner = values[at.clamp_max(n - 1), j]
        edges.append(torch.unique(torch.cat([values[:1, j], inner, values[-1:, j]])))
    return _buffers(edges, n_bins, X)


def tree_bins(X, y, n_bins, weight=None):
    """Target-aware bins: the thresholds of a decision tree on each column of ``X``.

    For column ``j``, a :class:`~sklearn.tree.DecisionTreeClassifier` with at most
    ``n_bins`` leaves, each holding at least 2% of the weight, is grown on that column
    alone to predict ``y``; every class is given the same total weight. Its thresholds
    are the inner edges, the column's smallest and largest values the outer ones, so a
    column gets fewer bins where fewer cuts separate the classes. Rows of zero weight are
    left out.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
        The training rows.
    y : Tensor of shape (n_samples,)
        Their labels.
    n_bins : int
        Most bins per feature.
    weight : Tensor of shape (n_samples,) or None, default=None
        Non-negative row weights (None: all one).

    Returns
    -------
    left, width, n_used : Tensor
        As :func:`quantile_bins` returns them.
    """
    from sklearn.tree import DecisionTreeClassifier

    X = X.detach()
    columns = X.cpu().double().numpy()
    labels = y.detach().cpu().numpy()
    w = np.ones(len(X)) if weight is None else weight.detach().cpu().double().numpy()
    kept = w > 0
    columns, labels, w = columns[kept], labels[kept], w[kept]
    _, codes = np.unique(labels, return_inverse=True)
    balanced = w / np.bincount(codes, weights=w)[codes]
    edges = []
    for j in range(columns.shape[1]):
        column = columns[:, j:j + 1]
        inner = []
        if n_bins > 1:
            tree = DecisionTreeClassifier(
                max_leaf_nodes=n_bins, min_weight_fraction_leaf=MIN_LEAF_FRACTION,
                random_state=0).fit(column, codes, sample_weight=balanced)
            inner = tree.tree_.threshold[tree.tree_.feature >= 0]
        edges.append(np.unique(np.concatenate([[column.min()], inner, [column.max()]])))
    return _buffers(edges, n_bins, X)


# the values of WeightedMLPClassifier's ``bin_strategy``
BIN_STRATEGIES = {"quantile", "tree"}


def fit_bins(X, n_bins, weight=None, y=None, strategy="quantile"):
    """The bins of ``strategy``: :func:`quantile_bins`, or :func:`tree_bins` on ``y``.

    Parameters
    ----------
    X : Tensor of shape (n_samples, n_features)
        The training rows.
    n_bins : int
        Most bins per feature.
    weight : Tensor of shape (n_samples,) or None, default=None
        Non-negative row weights.
    y : Tensor of shape (n_samples,) or None, default=None
        Their labels (``"tree"`` only).
    strategy : {"quantile", "tree"}, default="quantile"
        Which bins.

    Returns
    -------
    left, width, n_used : Tensor
        As :func:`quantile_bins` returns them.
    """
    if strategy == "tree":
        return tree_bins(X, y, n_bins, weight)
    return quantile_bins(X, n_bins, weight)
