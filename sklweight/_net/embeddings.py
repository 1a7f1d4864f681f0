"""Numerical feature embeddings (Gorishniy et al., NeurIPS 2022): each feature becomes a
vector before the MLP sees it.

* :class:`PiecewiseLinearEmbedding`: the piecewise-linear encoding of each feature on
  quantile or target-aware bins (:mod:`.bins`), followed by a per-feature linear layer
  (the paper's "PLE", in the ``rtdl-num-embeddings`` package's version B: a plain linear
  embedding of the value plus a piecewise-linear term that starts at zero), then a ReLU.
* :class:`PeriodicEmbedding`: ``[cos(2 pi f x), sin(2 pi f x)]`` with trainable
  frequencies ``f`` (the paper's "PLR"), a per-feature linear layer and a ReLU.

The bins are data: :mod:`.bins` computes them from the rows a fit trains on, weighted,
and :class:`FitEmbeddings` has them fitted at the start of training, after the
validation split and the removal of zero-weight rows, so the held-out rows (and, under
cross-validation, the other folds) never shape them. The bins live in buffers of a fixed
shape ``(n_features, n_bins)`` (a feature with fewer distinct values masks its unused
bins), so the module is built before the data are seen, and ``state_dict`` carries the
fitted bins. The ``rtdl-num-embeddings`` package takes the bins as constructor arguments,
computes unweighted quantiles and trees and has no fixed-shape state, which is why these
layers are written here.
"""

from __future__ import annotations

import math

import torch
from skorch.callbacks import Callback
from torch import nn

from .bins import fit_bins

__all__ = [
    "NUM_EMBEDDINGS",
    "FitEmbeddings",
    "PeriodicEmbedding",
    "PiecewiseLinearEmbedding",
    "per_feature_linear",
]

# frequencies of the periodic embedding: how many (the rtdl-num-embeddings package's
# default) and the scale of their N(0, scale^2) start (RealMLP's; the package's 0.01
# leaves standardised features almost linear and small: on scikit-learn's blobs, 60
# epochs reached a training accuracy of 0.77 with it, 0.94 with 0.1)
N_FREQUENCIES = 48
FREQUENCY_SCALE = 0.1


def per_feature_linear(X, weight):
    """``out[n, f] = X[n, f] @ weight[f]``: ``(n, f, p) x (f, p, d) -> (n, f, d)``.

    One batched product over the features, computed feature-major (``weight[f]^T``
    times the ``(p, n)`` slice of each feature) and returned as an ``(n, f, d)`` view.
    On CPU that orientation runs forward and backward 1.2 to 5 times faster than
    ``einsum("nfp,fpd->nfd")``, which batches ``(n, p)`` slices; the gain is largest
    with many features or a narrow ``d`` (200 rows, 90 features, 18 components: 1.0 ms
    against 5.7 ms at ``d = 16``, 0.5 against 2.1 at ``d = 5``; one thread).
    """
    return torch.bmm(weight.mT, X.permute(1, 2, 0)).permute(2, 0, 1)


def _init_uniform(tensor, fan_in):
    bound = 1 / math.sqrt(fan_in)
    return nn.init.uniform_(tensor, -bound, bound)


class PiecewiseLinearEmbedding(nn.Module):
    """Piecewise-linear encoding on fitted bins, embedded per feature, then ReLU.

    For a feature with bins ``[b_{t-1}, b_t)``, ``t = 1..T``, the encoding's component
    ``t`` is ``clip((x - b_{t-1}) / (b_t - b_{t-1}), 0, 1)``, except that the first is
    not clipped below and the last not above (values outside the training range
    extrapolate linearly). The embedding is
    ``relu(x a_j + c_j + sum_t e_t(x) W_jt)`` with ``W`` starting at zero.

    Parameters
    ----------
    n_features : int
        Input width.
    n_bins : int
        Most bins per feature.
    d_embedding : int
        Width of each feature's embedding.
    dtype : torch.dtype or None, default=None
        Parameter dtype.

    Shape
    -----
    Input ``(n, n_features)``; output ``(n, n_features, d_embedding)``.
    """

    def __init__(self, n_features, n_bins, d_embedding, dtype=None):
        super().__init__()
        self.n_bins = n_bins
        kw = {"dtype": dtype}
        self.register_buffer("left", torch.zeros(n_features, n_bins, **kw))
        self.register_buffer("width", torch.ones(n_features, n_bins, **kw))
        self.register_buffer("n_used", torch.ones(n_features, dtype=torch.long))
        # The forward pass is one affine map, one clamp and one batched product: the
        # components are the T bins, then x itself (unclipped) and the constant 1
        # (clamped to [1, 1]), so the last two rows of ``weight`` are the plain linear
        # embedding x a_j + c_j. Unused bins are clamped to [0, 0].
        size = (n_features, n_bins + 2)
        for name in ("shift", "inv_width", "low", "high"):
            self.register_buffer(name, torch.zeros(size, **kw))
        self._set_components()
        weight = torch.zeros(n_features, n_bins + 2, d_embedding, **kw)
        _init_uniform(weight[:, n_bins:], 1)
        self.weight = nn.Parameter(weight)

    def fit_bins(self, X, weight=None, y=None, strategy="quantile"):
        """Set the bins from the rows ``X`` (see :func:`.bins.fit_bins`)."""
        left, width, n_used = fit_bins(X, self.n_bins, weight, y, strategy)
        self.left.copy_(left)
        self.width.copy_(width)
        self.n_used.copy_(n_used)
        self._set_components()

    @torch.no_grad()
    def _set_components(self):
        T = self.n_bins
        index = torch.arange(T, device=self.n_used.device)
        used = self.n_used.unsqueeze(-1)
        self.inv_width[:, :T] = 1 / self.width
        self.shift[:, :T] = -self.left / self.width
        self.low[:, :T] = torch.where(index == 0, -math.inf, 0.0)
        self.high[:, :T] = torch.where(index == used - 1, math.inf, 1.0)
        self.low[:, :T].masked_fill_(index >= used, 0.0)
        self.high[:, :T].masked_fill_(index >= used, 0.0)
        self.inv_width[:, T], self.shift[:, T] = 1.0, 0.0  # x itself
        self.low[:, T], self.high[:, T] = -math.inf, math.inf
        self.inv_width[:, T + 1], self.shift[:, T + 1] = 0.0, 1.0  # the constant 1
        self.low[:, T + 1], self.high[:, T + 1] = 1.0, 1.0

    def _components(self, X):
        return torch.clamp(torch.addcmul(self.shift, X.unsqueeze(-1), self.inv_width),
                           self.low, self.high)

    def encode(self, X):
        """The piecewise-linear encoding, ``(n, n_features, n_bins)``, unused bins zero."""
        return self._components(X)[..., :self.n_bins]

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return torch.relu(per_feature_linear(self._components(X), self.weight))

    def extra_repr(self):  # noqa: D102
        n_features, _, d = self.weight.shape
        return f"n_features={n_features}, n_bins={self.n_bins}, d_embedding={d}"


class PeriodicEmbedding(nn.Module):
    """``relu(Linear_j([cos(2 pi f_j x_j), sin(2 pi f_j x_j)]))`` for each feature ``j``.

    Parameters
    ----------
    n_features : int
        Input width.
    d_embedding : int
        Width of each feature's embedding.
    dtype : torch.dtype or None, default=None
        Parameter dtype.

    Shape
    -----
    Input ``(n, n_features)``; output ``(n, n_features, d_embedding)``.
    """

    def __init__(self, n_features, d_embedding, dtype=None):
        super().__init__()
        kw = {"dtype": dtype}
        self.frequencies = nn.Parameter(
            nn.init.normal_(torch.empty(n_features, N_FREQUENCIES, **kw), 0, FREQUENCY_SCALE))
        fan_in = 2 * N_FREQUENCIES
        self.weight = nn.Parameter(
            _init_uniform(torch.empty(n_features, fan_in, d_embedding, **kw), fan_in))
        self.bias = nn.Parameter(
            _init_uniform(torch.empty(n_features, d_embedding, **kw), fan_in))

    def fit_bins(self, X, weight=None, y=None, strategy="quantile"):
        """Nothing to fit (the frequencies are trained)."""

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102
        angle = 2 * math.pi * self.frequencies * X.unsqueeze(-1)
        periodic = torch.cat([torch.cos(angle), torch.sin(angle)], dim=-1)
        return torch.relu(per_feature_linear(periodic, self.weight) + self.bias)


# the values of WeightedMLPClassifier's ``num_embedding``
NUM_EMBEDDINGS = {"piecewise_linear": PiecewiseLinearEmbedding, "periodic": PeriodicEmbedding}


class FitEmbeddings(Callback):
    """Fit the module's embedding bins on the training rows when a fresh fit starts.

    At the first epoch of a fit that starts from an empty history, calls
    ``net.module_.fit_embeddings(X_train, weight, y_train, strategy)`` with the rows of
    the training split (zero-weight rows already removed) weighted by the loss weight
    times the sampler's probability. A continued fit (``partial_fit``, ``warm_start``)
    keeps the bins.

    Parameters
    ----------
    strategy : {"quantile", "tree"}, default="quantile"
        The bins (:mod:`.bins`).
    """

    def __init__(self, strategy="quantile"):
        self.strategy = strategy

    def on_train_begin(self, net, X=None, y=None, **kwargs):  # noqa: D102
        self.pending_ = len(net.history) == 0

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):  # noqa: D102
        if not getattr(self, "pending_", False):
            return
        self.pending_ = False
        data = getattr(dataset_train, "data", dataset_train)
        weight = data.sample_weight
        if data.sampling_weight is not None:
            sampling = data.sampling_weight.to(data.X.dtype)
            weight = sampling if weight is None else weight * sampling
        with torch.no_grad():
            net.module_.fit_embeddings(data.X, weight, data.y, self.strategy)
