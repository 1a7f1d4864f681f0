"""The parameters both classifiers share, declared once: constraints and docstrings.

:data:`SHARED_CONSTRAINTS` enters both estimators' ``_parameter_constraints``, and
:data:`shared_doc` fills the ``%(name)s`` lines of their docstrings with one text per
shared parameter, so ``WeightedNeuralNetClassifier`` and ``WeightedMLPClassifier`` cannot
drift apart.
"""

from __future__ import annotations

from ..class_weight._strategies import STRATEGY_NAMES
from ..losses._registry import LOSSES
from ..utils._docstring import Substitution
from ..utils._validation import HasMethods, Interval, Real, StrOptions
from .precision import PRECISIONS
from .weighting import WEIGHTING_CONSTRAINTS

__all__ = ["SHARED_CONSTRAINTS", "shared_doc"]

SHARED_CONSTRAINTS = {
    "criterion": [str, type, HasMethods(["forward"])],
    **WEIGHTING_CONSTRAINTS,  # class_weight, sampler, weight_normalization
    "posthoc_tau": [Interval(Real, 0, None, closed="left"), None],
    "mixup_alpha": [Interval(Real, 0, None, closed="neither"), None],
    "precision": [StrOptions(set(PRECISIONS)), None],
    "random_state": ["random_state"],
}
"""Constraints of the parameters both classifiers take."""


def _names(names):
    return ", ".join(f'``"{name}"``' for name in names)


def _criterion():
    return f"""\
criterion : str, loss class or loss instance, default="cross_entropy"
    A registered loss name, one of {_names(LOSSES)} (see
    :data:`sklweight.losses.LOSSES`), a loss of :mod:`sklweight.losses` or any torch
    loss. Hyper-parameters route the skorch way (``criterion__gamma=2``). Losses that
    need class counts get the weighted counts of the training rows at fit. A torch loss
    class is built with ``reduction="none"`` and weighted here."""


def _class_weight():
    return f"""\
class_weight : None, str, dict or ClassWeights, default=None
    Per-class loss weights ``c``, computed on the training rows of each fit: a strategy
    name of :func:`sklweight.compute_class_weight`, one of {_names(STRATEGY_NAMES)}; a
    :class:`~sklweight.ClassWeights` (tunable as ``class_weight__strategy``); or a dict
    ``{{label: weight}}`` used as given. Row ``i`` weighs ``s_i * c[y_i]``."""


_FRAGMENTS = {
    "criterion": _criterion,
    "class_weight": _class_weight,
    "sampler": """\
sampler : None, str, dict or ClassWeights, default=None
    Draw training batches with a weighted random sampler (with replacement, one epoch =
    as many draws as training rows) whose per-class probabilities follow this strategy;
    ``"sample_weight"`` draws rows in proportion to ``sample_weight`` and takes those
    weights out of the loss. A sampler never changes the loss weights otherwise: add
    ``class_weight`` to ask for both.""",
    "weight_normalization": """\
weight_normalization : {"global", "batch", "none"}, default="global"
    ``"global"``: weights rescaled to mean 1 over the training rows, batch loss
    ``sum(w l) / n_batch`` (all-ones weights equal no weights; scaling all weights
    changes nothing). ``"batch"``: ``sum(w l) / sum(w)`` per batch (torch).
    ``"none"``: ``sum(w l) / n_batch`` with raw weights (Keras). See the user guide,
    "Weight semantics".""",
    "posthoc_tau": """\
posthoc_tau : float or None, default=None
    Post-hoc logit adjustment (Menon et al., 2021): ``predict`` and ``predict_proba``
    use ``softmax(logits - posthoc_tau * log(prior))``, the prior being
    ``class_counts_`` normalised (training rows counted by sample weight). ``None`` or
    0: off, predictions exactly unadjusted; 1: the balanced rule. Only prediction
    changes, so :class:`~sklweight.TunedPosthocTauClassifierCV` can choose it without
    refitting. After ``criterion="logit_adjusted"`` the two adjustments add up.""",
    "mixup_alpha": """\
mixup_alpha : float or None, default=None
    Mixup: each training batch is mixed with a permutation of itself,
    ``x = lam x_i + (1 - lam) x_j`` with ``lam ~ Beta(alpha, alpha)``, and the loss is
    ``lam L(y_i; w_i) + (1 - lam) L(y_j; w_j)`` (each label keeps its row's weight).
    ``None``: off. Needs a single tensor input per batch.""",
    "precision": """\
precision : {"bf16", "fp16"} or None, default=None
    Mixed precision: the forward pass and the loss run under ``torch.autocast`` with
    bfloat16 or float16 (the sklweight losses compute in float32 inside it); ``"fp16"``
    scales the loss with a ``torch.amp.GradScaler``. ``None``: the module's own dtype.
    ``"bf16"`` also runs on CPUs with bfloat16 support.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seeds the module initialisation, shuffling, sampling and dropout of a fit (the
    global torch RNG state is restored afterwards). ``None`` uses the global RNG.""",
    "class_weight_": """\
class_weight_ : ndarray of shape (n_classes,) or None
    Class weights applied by the loss in the last fit.""",
    "class_counts_": """\
class_counts_ : ndarray of shape (n_classes,)
    Training rows per class in the last fit, counted by sample weight (the prior of
    ``posthoc_tau``).""",
}

shared_doc = Substitution(**_FRAGMENTS)
"""The docstring decorator of both classifiers (their shared parameters, written once)."""
