"""The recommendation: a strategy only on evidence, how sure it is, the Python that builds it.

The rule (one definition; the user guide's "compare" page states it):

1. A strategy is recommended over plain cross-entropy only when its gain on the chosen
   metric exceeds the fold-to-fold noise (the interval below excludes zero) **and** it
   loses nothing beyond the noise on macro-F1 or on worst-class recall. Strategies the
   race stopped early are not candidates.
2. Among the candidates, those within the noise of the best candidate tie; the simplest
   (lowest registry ``complexity``), then the fastest (mean fit time), is recommended.
3. With no candidate, the recommendation is plain cross-entropy: no weighting is needed on
   this evidence.
4. The reference models are compared with every neural strategy that ran all splits; the
   text says plainly when the best one beats them all beyond the noise.

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

GUARDS = ("f1_macro", "worst_class_recall")
"""A recommended strategy must not lose beyond the noise on these."""

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
    ties : int
        Splits where both scored the same.
    n_splits : int
        Number of paired splits.
    exceeds_noise : bool
        Whether the interval excludes zero.
    ties : int
        Splits where both scored the same.
    """

    strategy: str
    mean: float
    low: float
    high: float
    std: float
    wins: int
    n_splits: int
    exceeds_noise: bool
    ties: int = 0

    @property
    def gain(self):
        """Better beyond the noise."""
        return self.exceeds_noise and self.mean > 0

    @property
    def loss(self):
        """Worse beyond the noise."""
        return self.exceeds_noise and self.mean < 0

    def describe(self, label):
        """``"+0.052 balanced accuracy (95 % interval -0.071 to +0.176; better on 2 of
        10 splits, 8 ties)"``."""
        ties = f", {self.ties} ties" if self.ties else ""
        return (f"{self.mean:+.3f} {label} (95 % interval {self.low:+.3f} to "
                f"{self.high:+.3f}; better on {self.wins} of {self.n_splits} splits{ties})")


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

    scores = np.asarray(scores, dtype=np.float64)
    baseline = np.asarray(baseline, dtype=np.float64)[: len(scores)]  # a raced strategy
    d = scores - baseline
    n = d.shape[0]
    mean = float(d.mean())
    std = float(d.std(ddof=1)) if n > 1 else float("nan")
    se = math.sqrt((1.0 / n + n_test / n_train) * std**2) if n > 1 else float("nan")
    half = float(t.ppf(0.5 + CONFIDENCE / 2, n - 1) * se) if n > 1 else float("nan")
    if n > 1 and se == 0.0:
        half = 0.0
    low, high = mean - half, mean + half
    exceeds = bool(np.isfinite(half) and (low > 0 or high < 0))
    return Paired(name, mean, low, high, std, int((d > 0).sum()), n, exceeds,
                  int((d == 0).sum()))


@dataclass
class Recommendation:
    """What the command concludes.

    Attributes
    ----------
    metric : str
        The metric it chose with.
    best : str or None
        The neural strategy with the highest mean metric (None when every fit failed).
    recommended : str or None
        The strategy whose code is printed: a candidate (see the module docstring) or the
        baseline.
    baseline : str
        The plain cross-entropy strategy.
    paired : dict of str to Paired
        Paired difference to the baseline on the chosen metric of every strategy and
        reference that did not fail.
    guards : dict of str to dict of str to Paired
        Per strategy, its paired differences to the baseline on macro-F1 and worst-class
        recall.
    reference : dict or None
        The best reference model: ``name``, ``mean``, ``versus`` (the best neural
        strategy), ``paired`` (reference minus it) and ``beats_every_strategy``.
    text : list of str
        The conclusion, as printed.
    code : str
        Python lines that load the data and build and fit the recommended pipeline.
    """

    metric: str
    best: str | None
    recommended: str | None
    baseline: str
    paired: dict
    guards: dict
    reference: dict | None
    text: list
    code: str

    def as_dict(self):
        """A JSON-ready dict."""
        out = asdict(self)
        out["paired"] = {k: asdict(v) for k, v in self.paired.items()}
        out["guards"] = {k: {m: asdict(p) for m, p in g.items()} for k, g in self.guards.items()}
        if self.reference is not None:
            out["reference"] = {**self.reference, "paired": asdict(self.reference["paired"])}
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


def _pair(comparison, s, other, metric):
    n = min(s.n_splits, other.n_splits)
    return paired_difference(s.scores[metric][:n], other.scores[metric][:n],
                             n_train=comparison.n_train, n_test=comparison.n_test,
                             name=s.name)


def _reference_verdict(comparison, neural, metric, label):
    """The best reference against every neural strategy that ran all splits."""
    references = [r for r in comparison.ranked_references() if not r.failed]
    if not references or not neural:
        return None, []
    top = references[0]
    best = neural[0]
    paired = {s.name: _pair(comparison, top, s, metric) for s in neural}
    beats_all = all(p.gain for p in paired.values())
    verdict = {"name": top.name, "mean": top.mean(metric), "versus": best.name,
               "paired": paired[best.name], "beats_every_strategy": beats_all}
    d = paired[best.name]
    if beats_all:
        text = (f"A reference model beats every neural strategy beyond the noise: "
                f"{top.name} scores {top.mean(metric):.3f} {label}, {d.describe(label)} "
                f"against the best neural strategy, {best.name} ({best.mean(metric):.3f}). "
                "On this evidence a neural net is not the right tool for this table.")
    elif d.mean > 0:
        text = (f"Reference: {top.name} scores {top.mean(metric):.3f} {label}, ahead of "
                f"{best.name} by {d.describe(label)}, within the noise: the neural net is "
                "no better than it.")
    else:
        text = (f"Reference: the best reference model, {top.name}, scores "
                f"{top.mean(metric):.3f} {label}; {best.name} is ahead of it by "
                f"{-d.mean:+.3f} (95 % interval {-d.high:+.3f} to {-d.low:+.3f}"
                + ("), beyond the noise." if d.loss else "), within the noise."))
    return verdict, [text]


def recommend(comparison):
    """Recommend a strategy on evidence and say how sure the comparison is.

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
        return Recommendation(metric, None, None, BASELINE, {}, {}, None,
                              ["Every strategy failed; see the errors above."], "")
    paired, guards = {}, {}
    if not base.failed:
        for s in comparison.strategies + comparison.references:
            if s.name != BASELINE and not s.failed:
                paired[s.name] = _pair(comparison, s, base, metric)
                guards[s.name] = {m: _pair(comparison, s, base, m) for m in GUARDS}
    best = ranked[0]
    complete = [s for s in ranked if s.dropped is None]
    candidates = [
        s for s in complete if s.name in paired and not s.reference
        and paired[s.name].gain and not any(g.loss for g in guards[s.name].values())
    ]
    text = []
    if base.failed:
        chosen = best
        text.append(f"The baseline {BASELINE!r} failed, so there is no paired difference; "
                    f"the best by {label} is {best.name}, {best.mean(metric):.3f}.")
    elif candidates:
        top = candidates[0]
        tied = [s for s in candidates
                if s is top or not _pair(comparison, s, top, metric).loss]
        chosen = min(tied, key=lambda s: (s.complexity, float(np.mean(s.fit_time))))
        p = paired[chosen.name]
        g = guards[chosen.name]
        text.append(f"Recommended: {chosen.name}, {label} {chosen.mean(metric):.3f} +/- "
                    f"{chosen.std(metric):.3f} over {chosen.n_splits} splits "
                    f"({chosen.description}).")
        text.append(f"Against plain cross-entropy: {p.describe(label)}; the gain exceeds "
                    "the fold-to-fold noise, and it loses nothing beyond the noise on "
                    f"macro-F1 ({g['f1_macro'].mean:+.3f}) or worst-class recall "
                    f"({g['worst_class_recall'].mean:+.3f}).")
        if chosen is not top:
            text.append(f"{top.name} has the highest mean among the candidates "
                        f"({top.mean(metric):.3f}) but is within the noise of "
                        f"{chosen.name}, which is simpler or faster.")
        if best not in candidates and best.name in guards:
            text.extend(_costs([best], guards, label, best.mean(metric)))
    else:
        chosen = base
        text.append("Recommended: plain cross-entropy (ce). No weighting is needed on this "
                    "evidence.")
        text.extend(_why_not(comparison, complete, paired, guards, label))
    text.append(
        "Interval: t on the per-split paired differences with the Nadeau-Bengio corrected "
        "variance; CV splits share training rows, so even this interval is optimistic."
    )
    reference, lines = _reference_verdict(
        comparison, [s for s in complete if not s.failed], metric, label)
    text.extend(lines)
    if chosen.held_out is not None and not base.failed and chosen.name != BASELINE:
        d = chosen.held_out["scores"][metric] - base.held_out["scores"][metric][
            :chosen.n_splits]
        text.append(
            f"On the held-out test set ({len(comparison.data.y_test)} rows, never trained "
            f"on), the same split models: {chosen.name} "
            f"{np.mean(chosen.held_out['scores'][metric]):.3f} vs plain cross-entropy "
            f"{np.mean(base.held_out['scores'][metric]):.3f} ({_fmt(d.mean())}; better for "
            f"{int((d > 0).sum())} of {len(d)} split models)."
        )
    return Recommendation(
        metric, best.name, chosen.name, BASELINE, paired, guards, reference, text,
        pipeline_code(comparison.data, chosen),
    )


def _why_not(comparison, complete, paired, guards, label):
    """Why no strategy is recommended: the best by mean, and what it lacks."""
    others = [s for s in complete if s.name in paired and not s.reference]
    if not others:
        return []
    top = others[0]
    p = paired[top.name]
    if top.mean(comparison.metric) <= comparison.get(BASELINE).mean(comparison.metric):
        return [f"Plain cross-entropy has the highest mean; the runner-up, {top.name}: "
                f"{p.describe(label)}."]
    if not p.gain:
        return [f"The best by mean, {top.name}: {p.describe(label)}, within the fold-to-fold "
                "noise (more rows would narrow the interval; more repeats only a little)."]
    gainers = [s for s in others if paired[s.name].gain]
    return [line for s in gainers[:3] for line in _costs(
        [s], guards, label, paired=paired)]


def _costs(summaries, guards, label, mean=None, paired=None):
    """``"<name> gains ... but loses beyond the noise on macro-F1 (...)"`` lines."""
    lines = []
    for s in summaries:
        losses = "; ".join(
            f"{METRIC_LABELS[m]} ({g.mean:+.3f}, interval {g.low:+.3f} to {g.high:+.3f})"
            for m, g in guards[s.name].items() if g.loss)
        if not losses:
            continue
        if paired is not None:
            lines.append(f"{s.name} gains {paired[s.name].mean:+.3f} {label} beyond the "
                         f"noise but loses beyond the noise on {losses}.")
        else:
            lines.append(f"{s.name} has the highest {label} ({mean:.3f}) but loses beyond "
                         f"the noise against plain cross-entropy on {losses}: not "
                         "recommended.")
    return lines


def _fmt(value):
    return f"{value:+.3f}"
