"""The recommendation: the best strategy, how sure it is, and the Python that builds it.

How sure: for each strategy, the per-split differences ``d_j`` of the chosen metric to
plain cross-entropy on the same split (paired: same rows, same seed). Their mean gets a
95 % Student t interval with ``J - 1`` degrees of freedom (``J`` = cv x repeats splits).

Cross-validation splits share training rows, so the ``d_j`` are positively correlated and
the textbook variance ``s^2 / J`` is too small: a naive interval is too narrow, and a
naive test says "significant" too often. The variance here is the corrected one of
Nadeau & Bengio (2003, "Inference for the generalization error", Machine Learning 52),
``(1 / J + n_test / n_train) * s^2``, the usual choice for repeated k-fold
(Bouckaert & Frank 2004). It is still a heuristic, not an exact interval. A difference
"exceeds the fold-to-fold noise" when its interval excludes zero.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import asdict, dataclass

import numpy as np

from .strategies import BASELINE

__all__ = ["Paired", "Recommendation", "paired_difference", "recommend"]

CONFIDENCE = 0.95

METRIC_LABELS = {
    "balanced_accuracy": "balanced accuracy",
    "f1_macro": "macro-F1",
    "worst_class_recall": "worst-class recall",
}


@dataclass
class Paired:
    """The paired difference of one strategy to the baseline over the splits.

    Attributes
    ----------
    strategy : str
        The strategy.
    mean : float
        Mean per-split difference (strategy minus baseline).
    low, high : float
        The corrected 95 % interval of the mean difference.
    std : float
        Standard deviation of the per-split differences (``ddof=1``).
    wins : int
        Splits where the strategy scored higher than the baseline.
    n_splits : int
        Number of paired splits.
    exceeds_noise : bool
        Whether the interval excludes zero.
    """

    strategy: str
    mean: float
    low: float
    high: float
    std: float
    wins: int
    n_splits: int
    exceeds_noise: bool


def paired_difference(scores, baseline, *, n_train, n_test, name="strategy"):
    """Mean paired difference with the Nadeau-Bengio corrected t interval.

    Parameters
    ----------
    scores, baseline : array-like of shape (n_splits,)
        The metric of the strategy and of the baseline on the same splits.
    n_train, n_test : float
        Rows fitted on and scored per split.
    name : str, default="strategy"
        Stored as :attr:`Paired.strategy`.

    Returns
    -------
    paired : Paired

    Examples
    --------
    >>> from sklweight.compare.recommend import paired_difference
    >>> p = paired_difference([0.83, 0.85, 0.82, 0.84], [0.80, 0.81, 0.79, 0.80],
    ...                       n_train=80, n_test=20)
    >>> print(f"{p.mean:+.3f} [{p.low:+.3f}, {p.high:+.3f}], wins {p.wins}/{p.n_splits}")
    +0.035 [+0.022, +0.048], wins 4/4
    >>> p.exceeds_noise
    True
    """
    from scipy.stats import t

    d = np.asarray(scores, dtype=np.float64) - np.asarray(baseline, dtype=np.float64)
    n = d.shape[0]
    mean = float(d.mean())
    std = float(d.std(ddof=1)) if n > 1 else float("nan")
    se = math.sqrt((1.0 / n + n_test / n_train) * std**2) if n > 1 else float("nan")
    half = float(t.ppf(0.5 + CONFIDENCE / 2, n - 1) * se) if n > 1 else float("nan")
    if n > 1 and se == 0.0:
        half = 0.0
    low, high = mean - half, mean + half
    exceeds = bool(np.isfinite(half) and (low > 0 or high < 0))
    return Paired(name, mean, low, high, std, int((d > 0).sum()), n, exceeds)


@dataclass
class Recommendation:
    """What the command concludes.

    Attributes
    ----------
    metric : str
        The metric it chose with.
    best : str or None
        The best strategy by mean metric (None when every fit failed).
    baseline : str
        The plain cross-entropy strategy.
    paired : dict of str to Paired
        Paired difference to the baseline of every other strategy that did not fail.
    text : list of str
        The conclusion, as printed.
    code : str
        Python lines that load the data and build and fit the best strategy's pipeline.
    """

    metric: str
    best: str | None
    baseline: str
    paired: dict
    text: list
    code: str

    def as_dict(self):
        """A JSON-ready dict."""
        out = asdict(self)
        out["paired"] = {k: asdict(v) for k, v in self.paired.items()}
        out["interval"] = {
            "confidence": CONFIDENCE,
            "method": "Student t on the paired per-split differences, Nadeau-Bengio "
                      "corrected variance (1/J + n_test/n_train) s^2",
        }
        return out


def pipeline_code(data, summary):
    """Python lines that load ``data`` and build and fit ``summary``'s pipeline."""
    imports = {"from sklearn.pipeline import make_pipeline", *data.imports, *summary.imports}
    plain = sorted(i for i in imports if i.startswith("import "))
    froms = sorted(i for i in imports if i.startswith("from "))
    preprocess = textwrap.indent(data.preprocessor_code, "    ").lstrip()
    fit = "model.fit(X, y)"
    if summary.uses_weights:
        fit = f"model.fit(X, y, {summary.step_name}__sample_weight={data.weight_code})"
    return "\n".join([
        *plain, *froms, "", data.load_code,
        "model = make_pipeline(",
        f"    {preprocess},",
        f"    {summary.code},",
        ")",
        fit,
    ]) + "\n"


def _fmt(value):
    return f"{value:+.3f}"


def recommend(comparison):
    """Choose the best strategy and say how sure the comparison is.

    Parameters
    ----------
    comparison : Comparison
        The measured comparison.

    Returns
    -------
    recommendation : Recommendation
    """
    metric = comparison.metric
    label = METRIC_LABELS[metric]
    base = comparison.get(BASELINE)
    ranked = [s for s in comparison.ranked() if not s.failed]
    if not ranked:
        return Recommendation(metric, None, BASELINE, {}, ["Every strategy failed; see the "
                              "errors above."], "")
    paired = {}
    if not base.failed:
        for s in comparison.strategies:
            if s.name != BASELINE and not s.failed:
                paired[s.name] = paired_difference(
                    s.scores[metric], base.scores[metric], n_train=comparison.n_train,
                    n_test=comparison.n_test, name=s.name,
                )
    best = ranked[0]
    n = len(best.scores[metric])
    text = [f"Best by {label}: {best.name}, {best.mean(metric):.3f} +/- "
            f"{best.std(metric):.3f} over {n} splits ({best.description})."]
    if base.failed:
        text.append(f"The baseline {BASELINE!r} failed, so there is no paired difference.")
    elif best.name == BASELINE:
        runner = ranked[1] if len(ranked) > 1 else None
        text.append("Plain cross-entropy is the best: no weighting helped on these splits.")
        if runner is not None:
            p = paired[runner.name]
            text.append(
                f"Runner-up {runner.name}: {_fmt(p.mean)} (95 % interval {_fmt(p.low)} to "
                f"{_fmt(p.high)})."
            )
    else:
        p = paired[best.name]
        text.append(
            f"Paired difference to plain cross-entropy: {_fmt(p.mean)} {label} (95 % interval "
            f"{_fmt(p.low)} to {_fmt(p.high)}; better on {p.wins} of {p.n_splits} splits)."
        )
        if p.exceeds_noise:
            text.append("The gain exceeds the fold-to-fold noise (the interval excludes 0).")
        else:
            text.append(
                "The interval includes 0: the gain is within the fold-to-fold noise, so "
                "these splits cannot tell it from plain cross-entropy (more repeats narrow "
                "the corrected interval only a little; more rows would)."
            )
    text.append(
        "Interval: t on the per-split paired differences with the Nadeau-Bengio corrected "
        "variance; CV splits share training rows, so even this interval is optimistic."
    )
    if best.held_out is not None and not base.failed and best.name != BASELINE:
        d = best.held_out["scores"][metric] - base.held_out["scores"][metric]
        text.append(
            f"On the held-out test set ({len(comparison.data.y_test)} rows, never trained "
            f"on), the same split models: {best.name} "
            f"{np.mean(best.held_out['scores'][metric]):.3f} vs plain cross-entropy "
            f"{np.mean(base.held_out['scores'][metric]):.3f} ({_fmt(d.mean())}; better for "
            f"{int((d > 0).sum())} of {len(d)} split models)."
        )
    return Recommendation(
        metric, best.name, BASELINE, paired, text, pipeline_code(comparison.data, best)
    )
