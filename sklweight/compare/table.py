"""The terminal tables: strategies sorted by the chosen metric, mean +/- std over splits,
then the reference models; per-class recall and precision."""

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
    metric to plain cross-entropy), ``splits`` (splits run; the race's stop is marked),
    ``fit_time``, ``epochs``, ``kind`` (``"strategy"`` or ``"reference"``) and, when the
    data has a held-out test set, ``test``. The strategies come first, then the
    reference models.
    """
    metric = comparison.metric
    rows = []
    n_splits = comparison.settings["cv"] * comparison.settings["repeats"]
    for s in comparison.ranked() + comparison.ranked_references():
        row = {"strategy": s.name, "kind": "reference" if s.reference else "strategy"}
        for m in METRIC_LABELS:
            row[m] = _pm(s.scores[m])
        paired = recommendation.paired.get(s.name)
        row["diff"] = (
            "(baseline)" if s.name == BASELINE else
            "-" if paired is None else f"{paired.mean:+.3f}"
        )
        row["splits"] = (f"{s.n_splits} raced out" if s.dropped is not None else
                         str(s.n_splits) if s.n_splits != n_splits else "all")
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
    columns += [("diff", "d vs ce"), ("splits", "splits"), ("fit_time", "fit s"),
                ("epochs", "epochs")]
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
    for i, r in enumerate(rows):
        if r["kind"] == "reference" and (i == 0 or rows[i - 1]["kind"] != "reference"):
            lines.append("reference models (not neural; same splits, same scoring):")
        lines.append("  ".join(
            r.get(key, "").ljust(widths[key]) if key == "strategy" else
            r.get(key, "").rjust(widths[key])
            for key, _ in columns
        ))
    label = METRIC_LABELS[comparison.metric]
    lines.append(f"* sorted by this column. d vs ce: mean paired difference in {label} to "
                 "plain cross-entropy on the same splits.")
    if comparison.dropped:
        lines.append("raced out: stopped early, clearly behind the leader (--no-racing runs "
                     "every split).")
    if comparison.data.y_test is not None:
        lines.append(f"held-out: {label} of the same split models on the held-out test set "
                     f"({len(comparison.data.y_test)} rows), which no fit trains on.")
    for s in comparison.strategies + comparison.references:
        if s.failed:
            lines.append(f"! {s.name} failed: {s.errors[0]}")
    return "\n".join(lines)


def format_per_class(comparison, recommendation=None):
    """Per-class recall (mean over the splits where the class was scored) and, for the
    recommended model and the baseline, per-class precision; classes head to tail."""
    classes = comparison.data.classes
    counts = comparison.data.class_counts
    order = np.argsort(-counts, kind="stable")[:_MAX_CLASS_COLUMNS]  # head to tail
    names = [str(classes[k]) for k in order]
    summaries = comparison.ranked() + comparison.ranked_references()
    width = max(len("strategy"), *(len(s.name) for s in summaries))
    cells = [max(4, len(n)) for n in names]

    def line(name, values):
        return name.ljust(width) + "  " + "  ".join(
            ("-" if np.isnan(v) else f"{v:.2f}").rjust(c)
            for v, c in zip(values, cells, strict=True))

    header = [
        " " * width + "  " + "  ".join(n.rjust(c) for n, c in zip(names, cells, strict=True)),
        "n".rjust(width) + "  " + "  ".join(
            str(counts[k]).rjust(c) for k, c in zip(order, cells, strict=True)
        ),
    ]
    lines = ["per-class recall, classes from most to fewest training rows (n = rows):",
             *header]
    for s in summaries:
        with warnings.catch_warnings():  # a class never scored: "Mean of empty slice"
            warnings.simplefilter("ignore", RuntimeWarning)
            lines.append(line(s.name, np.nanmean(s.recall[:, order], axis=0)))
    shown = [BASELINE]
    if recommendation is not None:
        shown = list(dict.fromkeys(
            n for n in (recommendation.recommended, recommendation.best, BASELINE) if n))
    lines += ["", "per-class precision (of the predictions of each class; weighting "
              "trades it for the recall of the rare classes):", *header]
    for name in shown:
        lines.append(line(name, comparison.get(name).precision[order]))
    if len(classes) > _MAX_CLASS_COLUMNS:
        lines.append(f"({len(classes) - _MAX_CLASS_COLUMNS} more classes in the JSON and the "
                     "report)")
    return "\n".join(lines)
