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

__all__ = ["confusion_png", "learning_curves_png", "paired_png", "per_class_recall_png"]

_DPI = 100
_GOOD, _BAD, _NEUTRAL = "#1b7837", "#b2182b", "#777777"


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
    ax.set_yticks(range(len(strategies)), [s.name for s in strategies], fontsize=9)
    ax.set_xlabel("class (training rows), most to fewest")
    ax.set_title(title, fontsize=11)
    return image


def per_class_recall_png(comparison):
    """Heat map: per-class recall (mean over splits), strategies x classes head to tail.

    With a held-out test set, a second panel shows the same models on that test set.
    """
    strategies = comparison.ranked()
    order, labels = _class_order(comparison)
    panels = [("cross-validation", [s.recall for s in strategies])]
    if all(s.held_out is not None for s in strategies):
        panels.append(("held-out test set", [s.held_out["recall"] for s in strategies]))
    n_cols = len(order)
    fig = _figure(min(3.0 + 0.8 * n_cols, 11.0),
                  len(panels) * (1.3 + 0.36 * len(strategies)) + 0.4)
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, (where, recalls) in zip(axes, panels, strict=True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a class never scored
            values = np.array([np.nanmean(r[:, order], axis=0) for r in recalls])
        image = _recall_panel(ax, values, strategies, labels,
                              f"Per-class recall, {where} (mean over the split models)")
    fig.colorbar(image, ax=list(axes), shrink=0.9, label="recall")
    return _png(fig)


def confusion_png(comparison, best):
    """Row-normalised confusion matrices (summed over splits): ``best`` and the baseline."""
    names = [best] if best == BASELINE else [best, BASELINE]
    order, _ = _class_order(comparison)
    n = len(order)
    side = min(1.2 + 0.45 * n, 7.5)
    fig = _figure(side * len(names) + 1.0, side + 0.6)
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
        ax.set_ylabel("true class (most to fewest training rows)")
        role = "baseline" if name == BASELINE else "best"
        ax.set_title(f"{name} ({role})", fontsize=11)
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
    fig.suptitle("Learning curves: loss per epoch (thin: each split; thick: mean). Each "
                 "criterion has its own scale.", fontsize=10)
    return _png(fig)


def paired_png(comparison, recommendation):
    """Paired difference to plain cross-entropy per strategy, with the corrected interval.

    Returns None when there is nothing to compare (only the baseline, or it failed).
    """
    metric = comparison.metric
    paired = recommendation.paired
    strategies = [s for s in comparison.ranked() if s.name in paired]
    if not strategies:
        return None
    base = comparison.get(BASELINE).scores[metric]
    fig = _figure(11.0, 1.3 + 0.42 * len(strategies))
    ax = fig.add_subplot()
    for i, s in enumerate(strategies):
        p = paired[s.name]
        color = _NEUTRAL if not p.exceeds_noise else _GOOD if p.mean > 0 else _BAD
        diffs = s.scores[metric] - base
        jitter = np.linspace(-0.15, 0.15, len(diffs)) if len(diffs) > 1 else [0.0]
        ax.scatter(diffs, i + np.asarray(jitter), s=9, color=color, alpha=0.35, lw=0)
        ax.errorbar(p.mean, i, xerr=[[p.mean - p.low], [p.high - p.mean]], fmt="o",
                    color=color, capsize=4, ms=6, lw=2)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(range(len(strategies)), [s.name for s in strategies], fontsize=9)
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel(f"{METRIC_LABELS[metric]} minus plain cross-entropy, same split")
    ax.set_title("Paired difference to plain cross-entropy: mean and 95 % interval "
                 "(Nadeau-Bengio corrected); dots: each split", fontsize=10)
    return _png(fig)
