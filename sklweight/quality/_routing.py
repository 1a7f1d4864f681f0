"""How a wrapped estimator's ``fit`` gets per-row weights: through metadata routing when
it is enabled, else as the ``sample_weight`` parameter its ``fit`` (or final step) takes.
"""

from __future__ import annotations

from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import _routing_enabled  # scikit-learn's own check
from sklearn.utils.validation import has_fit_parameter

__all__ = ["_routing_enabled", "sample_weight_params"]


def sample_weight_params(estimator, sample_weight):
    """How ``estimator.fit`` takes per-row weights without metadata routing.

    ``{"sample_weight": w}`` when its ``fit`` has that parameter; for a
    :class:`~sklearn.pipeline.Pipeline`, ``{"<final step>__sample_weight": w}`` when the
    final step's ``fit`` has it; ``None`` when neither.
    """
    if isinstance(estimator, Pipeline):
        name, final = estimator.steps[-1]
        if final is not None and final != "passthrough" and has_fit_parameter(
            final, "sample_weight"
        ):
            return {f"{name}__sample_weight": sample_weight}
        return None
    if has_fit_parameter(estimator, "sample_weight"):
        return {"sample_weight": sample_weight}
    return None
