"""The torch module behind ``WeightedMLPClassifier`` with feature embeddings or an ensemble.

:class:`TabularModule` is an MLP with two optional parts:

* numerical feature embeddings (:mod:`.embeddings`): each standardised feature becomes a
  ``d_embedding``-vector (piecewise-linear or periodic) and the MLP sees their
  concatenation. A feature that takes two values (a one-hot or binary column) is fed as
  it is: any embedding of it takes two values, so the first layer's response to it is
  affine in it anyway, and embedding it would only multiply the first layer's width (a
  one-hot encoded table such as splice, 227 binary columns, would reach 3632 inputs);
* a batched ensemble of ``k`` members in the manner of TabM-mini (Gorishniy et al., ICLR
  2025): every member shares the embeddings and the hidden layers, owns one
  multiplicative adapter and its own output layer, and all ``k`` run in one forward pass
  on the same batch. The output is then ``(n, k, n_classes)``: the loss is the members'
  mean loss per row and ``predict_proba`` the mean of their softmaxes
  (``module_output.py``).

TabM-mini scales the MLP's input per member, so its first layer runs ``k`` times, on the
widest input (``n_features * d_embedding`` with embeddings). Here the adapter scales the
first hidden layer's output instead (BatchEnsemble's output scaling on that layer, no
input scaling): the first layer runs once per batch and the members differ from their
first non-linearity on; on a 54-feature table with embeddings this is what keeps an
8-member fit within a few times a plain one. With one ReLU hidden layer and no dropout
(the default stack) the members' heads are further folded into one matrix product
(:meth:`TabularModule._homogeneous_heads`), so the ensemble adds little beyond its
``k * n_classes`` outputs. The adapter starts at random signs (TabM's
start for its adapter); layers start from torch's ``nn.Linear`` initialisation, the
member heads from the same uniform law. Without hidden layers the members are ``k``
linear heads.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .embeddings import NUM_EMBEDDINGS, FitEmbeddings
from .mlp_module import GaussianNoise, MLPModule, hidden_layers

__all__ = [
    "LinearEnsemble", "TabularModule", "embedding_width", "tabular_module_kwargs",
    "two_valued_columns",
]


class LinearEnsemble(nn.Module):
    """``k`` independent linear layers applied to ``(k, n, in_features)``.

    Member-major: member ``i``'s rows are ``X[i]``, one batched matrix product for all,
    computed transposed (``W_i^T X_i^T``, a view of the result is returned). With few
    classes the product is skinny, and on CPU that orientation runs forward and backward
    in about half the time of ``X_i W_i`` (which was itself about a third cheaper than
    the row-major ``einsum("nki,kio->nko")``), at 200 rows, 8 members, 256 units.

    Parameters
    ----------
    in_features, out_features : int
        Widths.
    k : int
        Members.
    dtype : torch.dtype or None, default=None
        Parameter dtype.
    """

    def __init__(self, in_features, out_features, k, dtype=None):
        super().__init__()
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(
            nn.init.uniform_(torch.empty(k, in_features, out_features, dtype=dtype),
                             -bound, bound))
        self.bias = nn.Parameter(
            nn.init.uniform_(torch.empty(k, out_features, dtype=dtype), -bound, bound))

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102
        return torch.baddbmm(self.bias.unsqueeze(2), self.weight.mT, X.mT).mT


class TabularModule(nn.Module):
    """An MLP with optional numerical feature embeddings and a batched ensemble.

    Parameters
    ----------
    n_features : int
        Input width.
    n_classes : int
        Output width (one logit per class).
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each shared hidden layer.
    activation : {"relu", "tanh", "logistic", "identity", "gelu"}, default="relu"
        Non-linearity after each hidden layer.
    dropout : float, default=0.0
        Dropout probability after each hidden activation.
    dtype : torch.dtype or None, default=None
        Parameter dtype.
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the input while training.
    num_embedding : {"piecewise_linear", "periodic"} or None, default=None
        Numerical feature embedding; None feeds the features as they are.
    n_bins : int, default=48
        Most bins per feature (piecewise-linear embedding).
    d_embedding : int, default=16
        Width of each feature's embedding.
    n_ensemble : int, default=1
        Members ``k``; above 1 the output is ``(n, k, n_classes)``.
    plain_features : tuple of int, default=()
        Columns fed as they are, next to the embedded ones (with ``num_embedding``):
        the two-valued columns (:func:`two_valued_columns`).
    """

    def __init__(
        self, n_features, n_classes, hidden_layer_sizes=(100,), activation="relu",
        dropout=0.0, dtype=None, input_noise=0.0, num_embedding=None, n_bins=48,
        d_embedding=16, n_ensemble=1, plain_features=(),
    ):
        super().__init__()
        self.n_ensemble = n_ensemble
        self.noise = GaussianNoise(input_noise) if input_noise > 0 else None
        plain = sorted({int(j) for j in plain_features})
        if plain and not 0 <= plain[0] <= plain[-1] < n_features:
            raise ValueError(f"plain_features must index the {n_features} columns, got "
                             f"{plain_features!r}")
        embedded = sorted(set(range(n_features)) - set(plain))
        self.split_columns = num_embedding is not None and bool(plain) and bool(embedded)
        if self.split_columns:  # index buffers, rebuilt from the parameters (not saved)
            self.register_buffer("embedded_", torch.tensor(embedded), persistent=False)
            self.register_buffer("plain_", torch.tensor(plain), persistent=False)
        if num_embedding is None or not embedded:
            self.embedding = None
            width = n_features
        else:
            kwargs = {"n_bins": n_bins} if num_embedding == "piecewise_linear" else {}
            self.embedding = NUM_EMBEDDINGS[num_embedding](
                len(embedded), d_embedding=d_embedding, dtype=dtype, **kwargs)
            width = len(embedded) * d_embedding + len(plain)
        layers, width = hidden_layers(width, hidden_layer_sizes, activation, dropout, dtype)
        self.hidden = nn.Sequential(*layers)
        # one ReLU layer, no dropout: the members' heads reduce to one product (forward)
        self.homogeneous = (len(hidden_layer_sizes) == 1 and activation == "relu"
                            and dropout == 0)
        self.adapter = None
        if n_ensemble > 1 and hidden_layer_sizes:  # random signs, one per unit and member
            signs = torch.randint(0, 2, (n_ensemble, hidden_layer_sizes[0])) * 2.0 - 1
            self.adapter = nn.Parameter(signs.to(dtype or torch.get_default_dtype()))
        self.output = (LinearEnsemble(width, n_classes, n_ensemble, dtype=dtype)
                       if n_ensemble > 1 else nn.Linear(width, n_classes, dtype=dtype))

    def fit_embeddings(self, X, weight=None, y=None, strategy="quantile"):
        """Fit the embedding's bins on the training rows (see :mod:`.bins`).

        Parameters
        ----------
        X : Tensor of shape (n_samples, n_features)
            The rows trained on.
        weight : Tensor of shape (n_samples,) or None, default=None
            Their weights.
        y : Tensor of shape (n_samples,) or None, default=None
            Their labels (``strategy="tree"``).
        strategy : {"quantile", "tree"}, default="quantile"
            The bins.
        """
        if self.embedding is not None:
            self.embedding.fit_bins(X[:, self.embedded_] if self.split_columns else X,
                                    weight, y, strategy)

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: D102
        if self.noise is not None:
            X = self.noise(X)
        if self.split_columns:
            X = torch.cat([self.embedding(X[:, self.embedded_]).flatten(1),
                           X[:, self.plain_]], dim=1)
        elif self.embedding is not None:
            X = self.embedding(X).flatten(1)
        if self.n_ensemble == 1:
            return self.output(self.hidden(X))
        # members first, (k, n, width), for batched products; the output is (n, k, C)
        if self.adapter is None:  # no hidden layer: k linear heads
            return self.output(X.unsqueeze(0).expand(self.n_ensemble, -1, -1)).transpose(0, 1)
        if self.homogeneous:
            return self._homogeneous_heads(self.hidden[0](X))
        # the first layer runs once; each member scales its output, then shares the rest
        X = self.hidden[0](X).unsqueeze(0) * self.adapter.unsqueeze(1)
        return self.output(self.hidden[1:](X)).transpose(0, 1)

    def _homogeneous_heads(self, H):
        """The ``k`` members' ``relu(H * a_i) W_i + b_i`` without ``(k, n, width)`` tensors.

        ReLU is positively homogeneous: ``relu(a h) = relu(a) relu(h) + relu(-a) relu(-h)``
        for any real ``a``, exactly (gradients included, 0 at ``a = 0`` on both sides). So
        member ``i``'s logits are ``relu(H) (relu(a_i) W_i) + relu(-H) (relu(-a_i) W_i)``,
        and all ``k`` members are one ``(n, 2 width) @ (2 width, k C)`` product: the
        ensemble then costs about what one network with ``k C`` outputs does, instead of
        ``k`` passes over ``(n, width)`` activations.
        """
        k, width, n_out = self.output.weight.shape
        a = self.adapter.unsqueeze(-1)  # (k, width, 1)
        heads = torch.cat([torch.relu(a) * self.output.weight,
                           torch.relu(-a) * self.output.weight], dim=1)  # (k, 2 width, C)
        heads = heads.permute(1, 0, 2).reshape(2 * width, k * n_out)
        logits = torch.addmm(self.output.bias.reshape(1, -1),
                             torch.cat([torch.relu(H), torch.relu(-H)], dim=1), heads)
        return logits.view(len(H), k, n_out)


def two_valued_columns(X):
    """The columns of ``X`` that take at most two distinct values, as a tuple of int.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The rows of a fit.

    Returns
    -------
    columns : tuple of int
    """
    ordered = np.sort(X, axis=0)
    n_changes = (ordered[1:] != ordered[:-1]).sum(axis=0)
    return tuple(int(j) for j in np.flatnonzero(n_changes <= 1))


# d_embedding="auto": at most this many first-layer inputs from the embedded features,
# and the narrowest and widest embeddings it picks
AUTO_EMBEDDED_WIDTH = 512
AUTO_D_EMBEDDING = (4, 16)


def embedding_width(d_embedding, n_embedded):
    """``d_embedding`` as an int: ``"auto"`` is ``512 // n_embedded`` within [4, 16].

    Parameters
    ----------
    d_embedding : int or "auto"
        The estimator's parameter.
    n_embedded : int
        Columns that are embedded (not two-valued).

    Returns
    -------
    width : int
    """
    if d_embedding != "auto":
        return d_embedding
    low, high = AUTO_D_EMBEDDING
    return max(low, min(high, AUTO_EMBEDDED_WIDTH // max(n_embedded, 1)))


def tabular_module_kwargs(estimator, X):
    """The module, its extra keyword arguments and callbacks for ``estimator``'s fit.

    ``MLPModule`` itself (nothing extra) at ``num_embedding=None, n_ensemble=1``, so those
    defaults build exactly the plain MLP; otherwise :class:`TabularModule`, with
    :class:`~.embeddings.FitEmbeddings` when there are bins to fit. With
    ``num_embedding``, the columns of ``X`` with at most two distinct values are fed as
    they are (:func:`two_valued_columns`).

    Parameters
    ----------
    estimator : WeightedMLPClassifier
        Its parameters, validated.
    X : ndarray of shape (n_samples, n_features)
        The fit's validated rows.

    Returns
    -------
    module : type
        The module class.
    kwargs : dict
        ``module__*`` arguments beyond the plain MLP's.
    callbacks : list of (str, Callback)
        Callbacks the fit needs.
    """
    if estimator.num_embedding is None and estimator.n_ensemble == 1:
        return MLPModule, {}, []
    plain = two_valued_columns(X) if estimator.num_embedding else ()
    kwargs = {
        "module__num_embedding": estimator.num_embedding,
        "module__n_bins": estimator.n_bins,
        "module__d_embedding": embedding_width(estimator.d_embedding,
                                               X.shape[1] - len(plain)),
        "module__n_ensemble": estimator.n_ensemble,
        "module__plain_features": plain,
    }
    callbacks = ([("fit_embeddings", FitEmbeddings(estimator.bin_strategy))]
                 if estimator.num_embedding else [])
    return TabularModule, kwargs, callbacks
