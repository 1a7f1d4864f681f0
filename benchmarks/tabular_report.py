"""The markdown report of ``benchmarks/tabular.py`` (``benchmarks/tabular_results.md``)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
from _common import markdown_table
from scipy.stats import rankdata

__all__ = ["write_report", "TIE"]

TIE = 0.005
REFERENCE = "sw_plain"
METRICS = ("balanced_accuracy", "macro_f1", "g_mean")
THREE_WAY = ("recipe_tabular", "brf", "lr_balanced")  # the recipe's bar on held-out sets


def _commit():
    try:
        root = Path(__file__).resolve().parent.parent
        return subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _per_set(runs, expected, kind, sets, names):
    """{(set, contender): {metric: mean over folds, ...}} for the complete sets."""
    table, complete, missing = {}, [], []
    for name in sets:
        rows = {c: [runs.get(k) for k in expected[(kind, name, c)]] for c in names}
        if any(r is None for folds in rows.values() for r in folds):
            done = sum(r is not None for folds in rows.values() for r in folds)
            total = sum(len(folds) for folds in rows.values())
            missing.append(f"{name} ({done}/{total} fits)")
            continue
        complete.append(name)
        for c, folds in rows.items():
            entry = {m: float(np.mean([r[m] for r in folds])) for m in METRICS}
            entry["fit_s"] = float(np.mean([r["fit_s"] for r in folds]))
            entry["single"] = sum(r["n_predicted_classes"] == 1 for r in folds)
            table[(name, c)] = entry
    return table, complete, missing


def _kind_section(runs, expected, kind, sets, names, anchors, info):
    table, complete, missing = _per_set(runs, expected, kind, sets, names)
    lines = [f"## {kind.capitalize()} ({len(complete)} of {len(sets)} dev sets complete)", ""]
    if missing:
        lines += [f"Left out (fits missing): {', '.join(missing)}.", ""]
    if not complete:
        return lines
    ba = np.array([[table[(s, c)]["balanced_accuracy"] for c in names] for s in complete])
    ranks = np.vstack([rankdata(-row, method="average") for row in ba])
    header = ["contender", "bal. acc.", "macro-F1", "G-mean", "mean rank"]
    header += [f"W/T/L vs {a}" for a in anchors] + ["fit s / fit"]
    reference = REFERENCE if REFERENCE in names else None
    if reference:
        header.append(f"fit time / `{reference}`")
    header.append("1-class folds")
    rows = []
    for j, c in enumerate(names):
        cells = [f"`{c}`"]
        for m in METRICS:
            cells.append(f"{np.mean([table[(s, c)][m] for s in complete]):.3f}")
        cells.append(f"{ranks[:, j].mean():.2f}")
        for a in anchors:
            if a == c:
                cells.append("-")
                continue
            diff = ba[:, j] - ba[:, names.index(a)]
            cells.append(f"{(diff >= TIE).sum()}/{(np.abs(diff) < TIE).sum()}/"
                         f"{(diff <= -TIE).sum()}")
        cells.append(f"{np.mean([table[(s, c)]['fit_s'] for s in complete]):.2f}")
        if reference:
            ratio = [table[(s, c)]["fit_s"] / table[(s, reference)]["fit_s"] for s in complete]
            cells.append(f"{np.median(ratio):.2f} ({max(ratio):.2f})")
        cells.append(str(sum(table[(s, c)]["single"] for s in complete)))
        rows.append(cells)
    lines += markdown_table(header, rows) + [""]
    lines += _three_way(ba, names)
    lines += ["Balanced accuracy per set (mean over the test folds; **bold**: best):", ""]
    header = ["set", "rows", "classes", "folds"] + [f"`{c}`" for c in names]
    rows = []
    for i, s in enumerate(complete):
        meta = info[(kind, s)]
        size = str(meta["n_rows"])
        if meta["n_rows"] != meta["n_full"]:
            size += f" of {meta['n_full']}"
        best = ba[i].max()
        cells = [s, size, str(meta["n_classes"]), str(meta["n_folds"])]
        cells += [f"**{v:.3f}**" if v == best else f"{v:.3f}" for v in ba[i]]
        rows.append(cells)
    return lines + markdown_table(header, rows) + [""]


def _three_way(ba, names):
    """The recipe against BRF and balanced LR alone: mean rank among those three."""
    trio = [c for c in THREE_WAY if c in names]
    if len(trio) < 3:
        return []
    sub = ba[:, [names.index(c) for c in trio]]
    ranks = np.vstack([rankdata(-row, method="average") for row in sub]).mean(axis=0)
    cells = ", ".join(f"`{c}` {m:.3f} / {r:.2f}" for c, m, r in
                      zip(trio, sub.mean(axis=0), ranks, strict=True))
    return [f"Among these three only (mean balanced accuracy / mean rank): {cells}.", ""]


def write_report(path, runs, expected, dev, names, anchors, info, max_rows, command, host):
    """Write the markdown report of the stored runs of ``names`` on the ``dev`` sets."""
    lines = [
        "# Imbalanced real tables: KEEL dev sets",
        "",
        f"Written by `{command}` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"code at `{_commit()}`.",
        "",
    ]
    lines += [f"* {k}: {v}" for k, v in host.items()]
    lines += [
        "",
        "Protocol (benchmarks/README.md, \"Real tabular data\"): KEEL dev sets only; classes "
        "with fewer than 6 rows dropped; stratified 5-fold CV, repeated twice below 500 rows;"
        " `StandardScaler` in front; `random_state=0` everywhere; one thread per fit. "
        "Columns: means over sets of the per-set mean over folds; mean rank of balanced "
        "accuracy among the contenders shown (1 = best, ties averaged); W/T/L: sets where "
        f"the row's balanced accuracy is at least {TIE} above / within {TIE} of / at least "
        f"{TIE} below the anchor's; fit seconds are wall-clock on a shared machine; "
        "fit time / `sw_plain`: median (and largest) over sets of the ratio of mean fit "
        "times to the default `WeightedMLPClassifier()`'s, same sets and folds; "
        "1-class folds: test folds where every prediction was one class.",
        "",
    ]
    if max_rows is not None:
        lines += [f"Row cap: `--max-rows {max_rows}` (stratified subsample, every class keeps "
                  "at least min(its rows, 10)); capped sets show 'rows of full'.", ""]
    for kind, sets in dev.items():
        lines += _kind_section(runs, expected, kind, sets, names, anchors, info)
    Path(path).write_text("\n".join(lines) + "\n")
