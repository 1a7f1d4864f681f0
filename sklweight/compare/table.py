"""The terminal tables: strategies sorted by the chosen metric, mean +/- std over splits."""

from __future__ import annotations

import warnings

import numpy as np

from .recommend import METRIC_LABELS
from .strategies import BASELINE

__all__ = ["format_per_class", "format_table", "table_rows"]

_MAX_CLASS_COLUMNS = 20


def _pm(values):
    values = np.asarray(values, dtype=np.float64)
    if np.isnan(values).any():
        return "failed"
    return f"{values.mean():.3f} +/- {values.std():.3f}"


def table_rows(comparison, recommendation):
    """The rows of the main table, best first: a list of dicts of display strings.

    Keys: ``strategy``, one per metric, ``diff`` (paired mean difference of the chosen
    metric to plain cross-entropy), ``fit_time``, ``epochs`` and, when the data has a
    held-out test set, ``test``.
    """
    metric = comparison.metric
    rows = []
    for s in comparison.ranked():
        row = {"strategy": s.name}
        for m in METRIC_LABELS:
            row[m] = _pm(s.scores[m])
        paired = recommendation.paired.get(s.name)
        row["diff"] = (
            "(baseline)" if s.name == BASELINE else
            "-" if paired is None else f"{paired.mean:+.3f}"
        )
        row["fit_time"] = f"{np.mean(s.fit_time):.2f}"
        epochs = s.n_epochs[~np.isnan(s.n_epochs)]
        row["epochs"] = f"{epochs.mean():.0f}" if len(epochs) else "-"
        if s.held_out is not None:
            row["test"] = _pm(s.held_out["scores"][metric])
        rows.append(row)
    return rows


_SHORT = {"balanced_accuracy": "bal. acc", "f1_macro": "macro-F1",
          "worst_class_recall": "worst recall"}


def _columns(comparison):
    columns = [("strategy", "strategy")]
    columns += [(m, _SHORT[m] + (" *" if m == comparison.metric else "")) for m in _SHORT]
    columns += [("diff", "d vs ce"), ("fit_time", "fit s"), ("epochs", "epochs")]
    if comparison.data.y_test is not None:
        columns.append(("test", "held-out"))
    return columns


def format_table(comparison, recommendation):
    """The main table as text, with a header line saying how it was measured."""
    rows = table_rows(comparison, recommendation)
    columns = _columns(comparison)
    widths = {
        key: max(len(title), *(len(r.get(key, "")) for r in rows)) for key, title in columns
    }
    settings = comparison.settings
    n_splits = settings["cv"] * settings["repeats"]
    lines = [
        f"{comparison.data.name}: sorted by {METRIC_LABELS[comparison.metric]}, mean +/- std "
        f"over {n_splits} splits ({settings['cv']}-fold CV x {settings['repeats']} repeats)",
    ]
    header = "  ".join(
        title.ljust(widths[key]) if key == "strategy" else title.rjust(widths[key])
        for key, title in columns
    )
    lines += [header, "-" * len(header)]
    for r in rows:
        lines.append("  ".join(
            r.get(key, "").ljust(widths[key]) if key == "strategy" else
            r.get(key, "").rjust(widths[key])
            for key, _ in columns
        ))
    label = METRIC_LABELS[comparison.metric]
    lines.append(f"* sorted by this column. d vs ce: mean paired difference in {label} to "
                 "plain cross-entropy on the same splits.")
    if comparison.data.y_test is not None:
        lines.append(f"held-out: {label} of the same split models on the held-out test set "
                     f"({len(comparison.data.y_test)} rows), which no fit trains on.")
    for s in comparison.strategies:
        if s.failed:
            lines.append(f"! {s.name} failed: {s.errors[0]}")
    return "\n".join(lines)


def format_per_class(comparison):
    """Per-class recall (mean over the splits where the class was scored), best first."""
    classes = comparison.data.classes
    counts = comparison.data.class_counts
    order = np.argsort(-counts, kind="stable")[:_MAX_CLASS_COLUMNS]  # head to tail
    names = [str(classes[k]) for k in order]
    strategies = comparison.ranked()
    width = max(len("strategy"), *(len(s.name) for s in strategies))
    cells = [max(4, len(n)) for n in names]
    lines = [
        "per-class recall, classes from most to fewest training rows (n = rows):",
        " " * width + "  " + "  ".join(n.rjust(c) for n, c in zip(names, cells, strict=True)),
        "n".rjust(width) + "  " + "  ".join(
            str(counts[k]).rjust(c) for k, c in zip(order, cells, strict=True)
        ),
    ]
    for s in strategies:
        with warnings.catch_warnings():  # a class never scored: "Mean of empty slice"
            warnings.simplefilter("ignore", RuntimeWarning)
            means = np.nanmean(s.recall[:, order], axis=0)
        lines.append(s.name.ljust(width) + "  " + "  ".join(
            ("-" if np.isnan(v) else f"{v:.2f}").rjust(c)
            for v, c in zip(means, cells, strict=True)
        ))
    if len(classes) > _MAX_CLASS_COLUMNS:
        lines.append(f"({len(classes) - _MAX_CLASS_COLUMNS} more classes in the JSON and the "
                     "report)")
    return "\n".join(lines)

