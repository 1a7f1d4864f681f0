"""Post-hoc logit adjustment (Menon et al., ICLR 2021): the one rule both classifiers use.

A network trained with plain cross-entropy on long-tailed data learns scores ``f(x)``
whose softmax estimates the training posterior ``p(y | x)``, which favours the head
classes. Predicting with

    p_tau(y | x) = softmax(f(x) - tau * log(prior))

where ``prior`` is the training class distribution divides the posterior by
``prior ** tau``: ``tau = 1`` estimates the posterior under a uniform prior (the rule that
maximises balanced accuracy when the scores are calibrated); ``tau = 0`` (or None)
changes nothing. The prior is the weighted class frequency of the rows the network was
trained on (``class_counts_``: rows counted by their sample weights, after the internal
validation split); a class without a training row gets the smallest positive count, the
same rule as the loss library's class counts (``losses._base.check_class_counts``).

Adding the same vector to every row's logits is all the rule does, so it can be applied to
logits or to log-probabilities alike (softmax is invariant to a per-row constant). The
adjustment composes with any training criterion; after ``criterion="logit_adjusted"``
(which already trains ``f(x) + tau_loss * log(prior)`` to fit the labels) the two add
up: predictions are adjusted by ``tau_loss + posthoc_tau`` in total relative to the
plain-cross-entropy posterior.
"""

from __future__ import annotations

import numpy as np
import torch

from ..losses._base import check_class_counts

__all__ = ["is_off", "log_prior", "posthoc_log_proba", "posthoc_nonlinearity", "posthoc_proba"]


def is_off(tau):
    """True when ``tau`` asks for no adjustment (None or 0)."""
    return tau is None or tau == 0


def log_prior(class_counts, *, caller):
    """``log(n_c / sum(n))`` of the (weighted) training class counts, as float64 tensor.

    Parameters
    ----------
    class_counts : array-like of shape (n_classes,)
        Rows per class counted by sample weight; zeros get the smallest positive count.
    caller : str
        Estimator name shown in errors.

    Returns
    -------
    log_prior : Tensor of shape (n_classes,), float64
    """
    if class_counts is None:
        raise ValueError(
            f"{caller}: posthoc_tau needs the training class counts (class_counts_), "
            "which fit records from array, tensor or DataFrame data; a custom torch "
            "Dataset does not expose its labels. Set posthoc_tau=None, or fit on arrays."
        )
    if not isinstance(class_counts, torch.Tensor):  # keep float64 (NumPy's dtype)
        class_counts = torch.as_tensor(np.asarray(class_counts, dtype=np.float64))
    counts = check_class_counts(class_counts, caller)
    return torch.log(counts / counts.sum())


def posthoc_log_proba(scores, log_prior, tau):
    """``log_softmax(scores - tau * log_prior)`` along the last axis.

    Parameters
    ----------
    scores : Tensor of shape (n_samples, n_classes)
        Logits, or log-probabilities (the result is the same).
    log_prior : Tensor of shape (n_classes,)
        From :func:`log_prior`.
    tau : float
        Strength of the adjustment.

    Returns
    -------
    log_proba : Tensor of shape (n_samples, n_classes), the dtype of ``scores``
    """
    shift = (tau * log_prior).to(device=scores.device, dtype=scores.dtype)
    return torch.log_softmax(scores - shift, dim=-1)


def posthoc_nonlinearity(nonlinearity, tau, class_counts, *, outputs_logits, caller):
    """The prediction nonlinearity of a net with ``posthoc_tau=tau``.

    Parameters
    ----------
    nonlinearity : callable
        The net's own nonlinearity (module output -> probabilities).
    tau : float or None
        The ``posthoc_tau`` parameter; None or 0 returns ``nonlinearity`` itself, so
        predictions are exactly the unadjusted ones.
    class_counts : array-like of shape (n_classes,)
        The net's ``class_counts_``.
    outputs_logits : bool
        True when ``nonlinearity`` is the softmax of logits: the adjustment is then
        computed from the logits directly; otherwise from the log of the probabilities
        ``nonlinearity`` returns (a module trained with ``NLLLoss``, a custom
        nonlinearity).
    caller : str
        Estimator name shown in errors.

    Returns
    -------
    nonlinearity : callable
        Tensor of module outputs -> Tensor of adjusted probabilities.
    """
    if is_off(tau):
        return nonlinearity
    prior = log_prior(class_counts, caller=caller)
    if outputs_logits:
        return lambda logits: posthoc_log_proba(logits, prior, tau).exp()

    def adjusted(output):
        proba = nonlinearity(output)
        return posthoc_log_proba(torch.log(proba), prior, tau).exp()

    return adjusted


def posthoc_proba(proba, class_counts, tau, *, caller):
    """Adjust predicted probabilities (NumPy in, NumPy out); for estimators without logits.

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes)
        Probabilities from ``predict_proba``.
    class_counts : array-like of shape (n_classes,)
        Training rows per class (weighted).
    tau : float or None
        Strength of the adjustment; None or 0 returns ``proba`` unchanged.
    caller : str
        Estimator name shown in errors.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)
    """
    if is_off(tau):
        return proba
    with np.errstate(divide="ignore"):
        scores = torch.from_numpy(np.log(np.asarray(proba, dtype=np.float64)))
    return posthoc_log_proba(scores, log_prior(class_counts, caller=caller), tau).exp().numpy()
