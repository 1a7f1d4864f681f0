"""Mixup (Zhang et al., ICLR 2018) for a weighted training step.

Per training batch, ``lam ~ Beta(alpha, alpha)`` is drawn once and the rows are paired
with a random permutation ``j`` of the batch: the module sees
``x = lam * x_i + (1 - lam) * x_j`` and the batch loss is

    lam * L(f(x), y_i; w_i) + (1 - lam) * L(f(x), y_j; w_j)

where ``L(., y; w)`` is the classifier's own weighted batch loss (criterion, class
weights and ``weight_normalization`` included). Each label's term keeps the weight of the
row the label came from: the weight is a statement about that label (a class weight, a
confidence), so a doubtful label mixed into a clean row stays down-weighted, and with
equal weights the rule is plain mixup. The permuted weights have the same batch sum, so
the rule reads the same under every normalisation (for ``"global"`` it is
``sum(lam w_i l_i + (1 - lam) w_j l_j) / n_batch``).

``lam`` and the permutation come from torch's global RNG, like dropout: a fit with a
``random_state`` forks and seeds it (``seeding.SeededFit``), so mixup is reproducible.
Prediction and validation batches are never mixed.
"""

from __future__ import annotations

import torch
from skorch.dataset import unpack_data

from .batching import WeightedInput

__all__ = ["mix_rows", "mixup_train_step"]


def mix_rows(X, alpha):
    """Mix a batch with a permutation of itself.

    Parameters
    ----------
    X : Tensor of shape (n_batch, ...)
        The batch's input.
    alpha : float
        Parameter of the symmetric Beta distribution ``lam`` is drawn from.

    Returns
    -------
    X_mixed : Tensor
        ``lam * X + (1 - lam) * X[perm]``.
    perm : Tensor of int64, shape (n_batch,)
        The partner of each row.
    lam : float
        The mixing coefficient of this batch.
    """
    concentration = torch.tensor(float(alpha), dtype=torch.float64)
    lam = float(torch.distributions.Beta(concentration, concentration).sample())
    perm = torch.randperm(X.shape[0]).to(X.device)
    return lam * X + (1.0 - lam) * X[perm], perm, lam


def mixup_train_step(net, batch, alpha, **fit_params):
    """The net's ``train_step_single`` on a mixed batch (the rule in the module docstring).

    Forward and loss run under the net's autocast and the backward pass goes through its
    gradient scaler, as in ``fast_path.FastPathMixin.train_step_single``.

    Parameters
    ----------
    net : WeightedNeuralNetClassifier
        The net being trained.
    batch : tuple
        ``(X, y)`` from the training iterator, X possibly a :class:`WeightedInput`.
    alpha : float
        The ``mixup_alpha`` parameter.
    **fit_params : dict
        Passed to the module's ``forward``.

    Returns
    -------
    step : dict
        ``{"loss": loss, "y_pred": y_pred}`` as skorch expects.
    """
    net._set_training(True)
    Xi, yi = unpack_data(batch)
    weighted = isinstance(Xi, WeightedInput)
    X = Xi.X if weighted else Xi
    if not isinstance(X, torch.Tensor):
        raise TypeError(
            f"{net._public_name}: mixup_alpha needs the module input to be a single "
            f"tensor per batch; got {type(X).__name__}. Set mixup_alpha=None."
        )
    X_mixed, perm, lam = mix_rows(X, alpha)
    yi = torch.as_tensor(yi, device=perm.device)
    first = WeightedInput(X_mixed, Xi.sample_weight) if weighted else X_mixed
    second = WeightedInput(X_mixed, Xi.sample_weight[perm]) if weighted else X_mixed
    with net._autocast():  # the hot path's precision handling (fast_path.py)
        y_pred = net.infer(X_mixed, **fit_params)
        loss = lam * net.get_loss(y_pred, yi, X=first, training=True) + (1.0 - lam) * (
            net.get_loss(y_pred, yi[perm], X=second, training=True)
        )
    net._backward(loss)
    return {"loss": loss, "y_pred": y_pred}
