"""The report's figures, drawn with matplotlib's Agg canvas and returned as PNG bytes.

No pyplot: each function makes its own :class:`matplotlib.figure.Figure`, so nothing
touches the global backend or leaks figures, and the module works without a display.
"""

from __future__ import annotations

import io
import warnings

import numpy as np

from .recommend import METRIC_LABELS
from .strategies import BASELINE

__all__ = [
    "confusion_png",
    "learning_curves_png",
    "paired_png",
    "per_class_recall_png",
    "reliability_png",
    "tradeoff_png",
]

_DPI = 100
_GOOD, _BAD, _NEUTRAL = "#1b7837", "#b2182b", "#777777"
_LINES = ("#d95f02", "#1b9e77", "#7570b3", "#e7298a")


def _label(summary):
    if summary.reference:
        return f"{summary.name} (reference)"
    return f"{summary.name} (baseline)" if summary.name == BASELINE else summary.name


def _figure(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, facecolor="white")
    return buffer.getvalue()


def _class_order(comparison):
    """Class indices from most to fewest training rows, and their tick labels."""
    counts = comparison.data.class_counts
    order = np.argsort(-counts, kind="stable")
    labels = [f"{comparison.data.classes[k]}\nn={counts[k]}" for k in order]
    return order, labels


def _annotate(ax, values, fmt="{:.2f}", fontsize=8):
    for (i, j), v in np.ndenumerate(values):
        if np.isnan(v):
            continue
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=fontsize,
                color="white" if v < 0.55 else "black")


def _recall_panel(ax, values, strategies, labels, title):
    n_cols = values.shape[1]
    image = ax.imshow(values, vmin=0, vmax=1, cmap="viridis", aspect="auto")
    if n_cols <= 30:
        _annotate(ax, values)
    ax.set_xticks(range(n_cols), labels if n_cols <= 30 else [""] * n_cols, fontsize=8)
    ax.set_yticks(range(len(strategies)), [_label(s) for s in strategies], fontsize=9)
    ax.set_xlabel("class (training rows), most to fewest")
    ax.set_title(title, fontsize=11)
    return image


def per_class_recall_png(comparison):
    """Heat map: per-class recall (mean over splits), strategies x classes head to tail.

    With a held-out test set, a second panel shows the same models on that test set.
    """
    strategies = comparison.ranked() + comparison.ranked_references()
    order, labels = _class_order(comparison)
    panels = [("cross-validation", [s.recall for s in strategies])]
    if all(s.held_out is not None for s in strategies):
        panels.append(("held-out test set", [s.held_out["recall"] for s in strategies]))
    n_cols = len(order)
    fig = _figure(min(5.5 + 0.8 * n_cols, 11.0),
                  len(panels) * (1.3 + 0.36 * len(strategies)) + 0.4)
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, (where, recalls) in zip(axes, panels, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a class never scored
            values = np.array([np.nanmean(r[:, order], axis=0) for r in recalls])
        image = _recall_panel(ax, values, strategies, labels,
                              f"Per-class recall, {where}")
    fig.colorbar(image, ax=list(axes), shrink=0.9, label="recall")
    return _png(fig)


def confusion_png(comparison, best):
    """Row-normalised confusion matrices (summed over splits): ``best`` and the baseline."""
    names = [best] if best == BASELINE else [best, BASELINE]
    order, _ = _class_order(comparison)
    n = len(order)
    side = min(max(3.2, 1.2 + 0.45 * n), 7.5)
    fig = _figure(side * len(names) + 1.6, side + 0.9)
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names, strict=True):
        counts = comparison.get(name).confusion[np.ix_(order, order)]
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = counts / counts.sum(axis=1, keepdims=True)
        image = ax.imshow(rates, vmin=0, vmax=1, cmap="viridis")
        if n <= 20:
            _annotate(ax, rates, fmt="{:.2f}", fontsize=7 if n > 10 else 8)
        ticks = [str(comparison.data.classes[k]) for k in order] if n <= 30 else [""] * n
        ax.set_xticks(range(n), ticks, fontsize=8)
        ax.set_yticks(range(n), ticks, fontsize=8)
        ax.set_xlabel("predicted class")
        ax.set_ylabel("true class\n(most to fewest training rows)")
        role = "baseline" if name == BASELINE else "recommended"
        ax.set_title(f"{name}\n({role})", fontsize=11)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="fraction of the true class")
    return _png(fig)


def _mean_curve(curves):
    """Mean over the curves at each epoch, over the curves that reached that epoch."""
    longest = max(len(c) for c in curves)
    padded = np.full((len(curves), longest), np.nan)
    for i, c in enumerate(curves):
        padded[i, :len(c)] = c
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(padded, axis=0)


def learning_curves_png(comparison):
    """Small multiples: train (and valid) loss per epoch of every split, per strategy.

    Returns None when no strategy recorded a loss curve.
    """
    strategies = [s for s in comparison.ranked() if any(t for t, _ in s.curves)]
    if not strategies:
        return None
    n_cols = min(4, len(strategies))
    n_rows = -(-len(strategies) // n_cols)
    fig = _figure(3.0 * n_cols + 0.5, 2.4 * n_rows + 0.6)
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, s in zip(axes, strategies, strict=False):
        train = [t for t, _ in s.curves if t]
        valid = [v for _, v in s.curves if v]
        for t in train:
            ax.plot(np.arange(1, len(t) + 1), t, color="#2166ac", alpha=0.25, lw=0.8)
        mean = _mean_curve(train)
        ax.plot(np.arange(1, len(mean) + 1), mean, color="#2166ac", lw=2, label="train")
        for v in valid:
            ax.plot(np.arange(1, len(v) + 1), v, color="#d6604d", alpha=0.25, lw=0.8)
        if valid:
            mean = _mean_curve(valid)
            ax.plot(np.arange(1, len(mean) + 1), mean, color="#d6604d", lw=2, ls="--",
                    label="valid")
        ax.set_title(s.name, fontsize=10)
        ax.set_xlabel("epoch", fontsize=8)
        ax.set_ylabel("loss", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, frameon=False)
    for ax in axes[len(strategies):]:
        ax.set_visible(False)
    fig.suptitle("Loss per epoch (thin: each split; thick: mean; dashed: on the held-out "
                 "validation split).\nEach criterion has its own scale.", fontsize=10)
    return _png(fig)


def paired_png(comparison, recommendation):
    """Paired difference to plain cross-entropy per strategy, with the corrected interval.

    Returns None when there is nothing to compare (only the baseline, or it failed).
    """
    metric = comparison.metric
    paired = recommendation.paired
    strategies = [s for s in comparison.ranked() + comparison.ranked_references()
                  if s.name in paired]
    if not strategies:
        return None
    base = comparison.get(BASELINE).scores[metric]
    fig = _figure(11.0, 1.3 + 0.42 * len(strategies))
    ax = fig.add_subplot()
    for i, s in enumerate(strategies):
        p = paired[s.name]
        color = _NEUTRAL if not p.exceeds_noise else _GOOD if p.mean > 0 else _BAD
        diffs = s.scores[metric] - base[:s.n_splits]  # a raced-out strategy ran fewer
        jitter = np.linspace(-0.15, 0.15, len(diffs)) if len(diffs) > 1 else [0.0]
        ax.scatter(diffs, i + np.asarray(jitter), s=9, color=color, alpha=0.35, lw=0)
        ax.errorbar(p.mean, i, xerr=[[p.mean - p.low], [p.high - p.mean]], fmt="o",
                    color=color, capsize=4, ms=6, lw=2)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(strategies)), [_label(s) for s in strategies], fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel(f"{METRIC_LABELS[metric]} minus plain cross-entropy, same split")
    ax.set_title("Paired difference to plain cross-entropy: mean and 95 % interval "
                 "(Nadeau-Bengio corrected); dots: each split", fontsize=10, wrap=True)
    return _png(fig)


def _shown(comparison, names):
    """The summaries of ``names`` (in order, once each) that have probabilities."""
    out = []
    for name in dict.fromkeys(n for n in names if n):
        s = comparison.get(name)
        if s.probabilities is not None and not s.failed:
            out.append(s)
    return out


def reliability_png(comparison, names, n_bins=10):
    """Reliability diagram: accuracy of the top class against its predicted probability.

    Out-of-fold probabilities of every split pooled; ``n_bins`` equal-width bins of the
    top probability. A calibrated model lies on the diagonal; class weighting and
    re-sampling usually push the points below it (over-confident on the rare classes).
    Returns None when no model in ``names`` has probabilities.
    """
    shown = _shown(comparison, names)
    if not shown:
        return None
    fig = _figure(7.0, 6.2)
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 1], sharex=True)
    edges = np.linspace(0, 1, n_bins + 1)
    top.plot([0, 1], [0, 1], color="black", lw=1, ls=":", label="perfectly calibrated")
    width = 1.0 / n_bins / (len(shown) + 1)
    for k, s in enumerate(shown):
        confidence = s.probabilities["confidence"].astype(np.float64)
        correct = s.probabilities["correct"].astype(np.float64)
        which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
        counts = np.bincount(which, minlength=n_bins)
        filled = counts > 0
        mean_conf = np.bincount(which, confidence, n_bins)[filled] / counts[filled]
        accuracy = np.bincount(which, correct, n_bins)[filled] / counts[filled]
        ece = float(np.abs(mean_conf - accuracy) @ counts[filled] / counts.sum())
        colour = _LINES[k % len(_LINES)]
        top.plot(mean_conf, accuracy, "o-", color=colour,
                 label=f"{_label(s)}: expected calibration error {ece:.3f}")
        bottom.bar(edges[:-1] + (k + 0.5) * width, counts, width=width, color=colour,
                   align="edge")
    top.set_ylabel("fraction correct")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.02)
    top.grid(alpha=0.3)
    top.legend(fontsize=8, loc="lower right")
    top.set_title("Reliability of the predicted probability (out of fold)", fontsize=11)
    bottom.set_xlabel("predicted probability of the predicted class")
    bottom.set_ylabel("rows")
    bottom.grid(alpha=0.3)
    return _png(fig)


def _pr_panel(ax, comparison, shown):
    from sklearn.metrics import average_precision_score, precision_recall_curve

    counts = comparison.data.class_counts
    positive = int(np.argmin(counts))
    name = comparison.data.classes[positive]
    rate = counts[positive] / counts.sum()
    for k, s in enumerate(shown):
        truth = s.probabilities["is_positive"]
        score = s.probabilities["positive"]
        precision, recall, _ = precision_recall_curve(truth, score)
        ap = average_precision_score(truth, score)
        colour = _LINES[k % len(_LINES)]
        ax.plot(recall, precision, color=colour, lw=1.5,
                label=f"{_label(s)}: average precision {ap:.3f}")
        point_recall = np.nanmean(s.recall[:, positive])
        point_precision = s.precision[positive]
        ax.plot(point_recall, point_precision, "o", ms=9, color=colour, mec="black")
    ax.axhline(rate, color="black", lw=1, ls=":", label=f"chance ({rate:.3f})")
    ax.set_xlabel(f"recall of class {name!s} (fewest rows)")
    ax.set_ylabel(f"precision of class {name!s}")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    ax.set_title("Precision-recall curve (out of fold); dots: the operating point of "
                 "the predictions", fontsize=10, wrap=True)


def tradeoff_png(comparison, names):
    """What the recall of the rare classes costs in precision.

    Two classes: the precision-recall curve of the class with fewer rows (out-of-fold
    probabilities), each model's operating point marked. More classes: per-class recall
    beside per-class precision. Returns None when no model in ``names`` can be shown.
    """
    shown = [comparison.get(n) for n in dict.fromkeys(n for n in names if n)]
    shown = [s for s in shown if not s.failed]
    if not shown:
        return None
    if len(comparison.data.classes) == 2:
        shown = _shown(comparison, names)
        if not shown:
            return None
        fig = _figure(7.5, 5.5)
        _pr_panel(fig.add_subplot(), comparison, shown)
        return _png(fig)
    order, labels = _class_order(comparison)
    n = len(order)
    fig = _figure(min(6.0 + 0.9 * n, 14.0), 4.4)
    axes = fig.subplots(1, 2, sharey=True)
    x = np.arange(n)
    width = 0.8 / len(shown)
    for k, s in enumerate(shown):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            recall = np.nanmean(s.recall[:, order], axis=0)
        colour = _LINES[k % len(_LINES)]
        for ax, values in zip(axes, (recall, s.precision[order]), strict=True):
            ax.bar(x - 0.4 + (k + 0.5) * width, np.nan_to_num(values), width=width,
                   color=colour, label=_label(s))
    for ax, title in zip(axes, ("recall (found / true rows)",
                                "precision (right / predicted rows)"), strict=True):
        ax.set_xticks(x, labels if n <= 30 else [""] * n, fontsize=8)
        ax.set_title(f"Per-class {title}", fontsize=11)
        ax.set_xlabel("class (training rows), most to fewest")
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    fig.legend(*axes[0].get_legend_handles_labels(), fontsize=8, loc="outside lower center",
               ncol=len(shown), frameon=False)
    return _png(fig)
