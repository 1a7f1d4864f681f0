"""Mixup (Zhang et al., ICLR 2018): the batch mixing of a weighted training step.

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
Prediction and validation batches are never mixed. The training step that applies the
rule is ``train_step_single`` in :mod:`.training`.
"""

from __future__ import annotations

import torch

__all__ = ["mix_rows"]


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
