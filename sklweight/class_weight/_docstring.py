"""Docstring fragments shared by the class-weight functions, ``ClassWeights`` and the sampler.

Each fragment is written once here and substituted by
:class:`sklweight.utils._docstring.Substitution` where a docstring line consists of the
marker ``%(name)s`` alone; the fragment is re-indented to the marker's indentation.
"""

from __future__ import annotations

from ..utils._docstring import Substitution

__all__ = ["DOC_FRAGMENTS", "fill_doc"]

DOC_FRAGMENTS = {
    "y": """\
y : array-like of shape (n_samples,)
    Class labels (ints, strings or bools, in any order; at least two classes).
    Continuous, multi-output or missing (NaN) labels are refused with a ``ValueError``.""",
    "sample_weight": """\
sample_weight : array-like of shape (n_samples,), default=None
    Non-negative, finite per-sample weights (for instance label-quality confidences);
    ``None`` means all ones. Classes are counted by these weights, as scikit-learn's
    ``compute_class_weight(..., sample_weight=...)`` does, so an integer weight counts
    like a repeated row and a zero weight like a removed row.""",
    "strategy": """\
strategy : str, dict or callable, default="balanced"
    How class weights are computed from the (weighted) class counts ``n_c``, with
    ``n = sum(n_c)`` and ``K`` classes:

    - ``"balanced"``: ``n / (K n_c)`` (scikit-learn's);
    - ``"inverse"``: ``1 / n_c``;
    - ``"inverse_sqrt"``: ``1 / sqrt(n_c)``;
    - ``"one_minus_frequency"``: ``1 - n_c / n``;
    - ``"effective_number"``: ``(1 - beta) / (1 - beta**n_c)`` (Cui et al., 2019);
      ``beta=0`` gives uniform weights and ``beta -> 1`` tends to ``"inverse"``;
    - ``"median_frequency"``: ``median(n_c) / n_c``;
    - a callable ``f(counts) -> weights`` taking the float array of weighted class counts
      (aligned with the sorted classes) and returning one finite, non-negative weight
      per class;
    - a dict ``{label: weight}`` naming every class and no other, used as given.

    Named strategies and callables are rescaled so that the weighted mean of the class
    weight over the rows is 1, ``sum_i s_i c[y_i] / sum_i s_i = 1`` (scikit-learn's
    ``"balanced"`` scale, so learning rates need no retuning); a class whose rows all
    have zero sample weight gets weight 0. A dict is not rescaled.""",
}


# the decorator the class-weight functions, ClassWeights and the sampler use
fill_doc = Substitution(**DOC_FRAGMENTS)
