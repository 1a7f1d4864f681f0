"""Transitional alias: the loss fragments now live in :mod:`sklweight.utils._docstring`.

New code uses ``fill_doc`` / ``Substitution`` from :mod:`sklweight.utils._docstring`
(markers ``%(loss_sample_weight)s``, ``%(loss_shape)s``, ``%(loss_returns)s``,
``%(loss_checks)s``); this module maps the old marker names onto that one registry and
goes away once no loss imports it.
"""

from __future__ import annotations

from ..utils._docstring import FRAGMENTS, Substitution

__all__ = ["SHARED", "Substitution"]

SHARED = {
    **{name: FRAGMENTS[name] for name in ("weight", "reduction", "logits", "target")},
    "class_counts": FRAGMENTS["class_counts"],
    "sample_weight": FRAGMENTS["loss_sample_weight"],
    "shape": FRAGMENTS["loss_shape"],
    "returns": FRAGMENTS["loss_returns"],
    "checks": FRAGMENTS["loss_checks"],
}
