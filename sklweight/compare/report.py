"""The self-contained HTML report: one file, figures embedded as base64 PNG, no assets.

It opens offline (no scripts, fonts, style sheets or images fetched from anywhere) and
holds the recommendation with its code, what to do next (naming the best reference
model's result), the table with the reference models marked, the figures of
:mod:`.plots` (paired differences, the precision trade-off, the reliability diagram of
the recommended model against the baseline, per-class recall, confusion matrices,
learning and validation curves) and the method. Every text that comes from the data
(file and column names, class labels) is escaped.
"""

from __future__ import annotations

import base64
import html
import time

from .recommend import METRIC_LABELS
from .strategies import BASELINE
from .table import table_rows

__all__ = ["render_report", "write_report"]

_CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b5cad;
        --good: #1b7837; --soft: #f6f8fa; --best: #e6f4ea; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 1px solid var(--line); margin-bottom: 20px; padding-bottom: 12px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px;
     border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); font-size: 13px; }
.card { border: 1px solid var(--line); border-left: 5px solid var(--accent);
        border-radius: 6px; padding: 14px 18px; background: var(--soft); }
.card.good { border-left-color: var(--good); }
.card p { margin: 4px 0; }
.card .lead { font-size: 17px; font-weight: 600; }
pre { background: #0d1117; color: #e6edf3; padding: 14px 16px; border-radius: 6px;
      overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas,
      monospace; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       font-size: 13px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px;
        font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right;
         white-space: nowrap; }
th { background: var(--soft); font-weight: 600; white-space: normal; vertical-align: bottom; }
.scroll { overflow-x: auto; }
th:first-child, td:first-child { text-align: left; }
td.desc { text-align: left; white-space: normal; color: var(--muted); }
table.text th, table.text td { text-align: left; white-space: normal; }
table.text code { overflow-wrap: anywhere; }
tr.best td { background: var(--best); font-weight: 600; }
tr.reference td { color: #3d4852; background: #fbf7ee; }
tr.reference td:first-child::after { content: " reference"; font-size: 11px;
    color: var(--muted); font-weight: 400; }
tr.group td { background: #fff; color: var(--muted); font-style: italic; text-align: left; }
ul.next li { margin: 6px 0; }
tr.baseline td:first-child::after { content: " baseline"; font-size: 11px;
    color: var(--muted); font-weight: 400; }
th.sorted::after { content: " \\25BC"; font-size: 10px; }
figure { margin: 12px 0 22px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line);
             border-radius: 4px; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; }
ul.method li { margin: 4px 0; }
.error { color: #b2182b; }
.warn { color: #8a5a00; }
"""


def _text(line):
    """Escaped text, with the terminal's ASCII "+/-" shown as a plus-minus sign."""
    return html.escape(line).replace("+/-", "&plusmn;")


def _img(png, alt):
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _figure(png, alt, caption):
    if png is None:
        return ""
    return (f"<figure>{_img(png, alt)}<figcaption>{html.escape(caption)}</figcaption>"
            "</figure>")


def _table(comparison, recommendation):
    metric = comparison.metric
    label = METRIC_LABELS[metric]
    columns = [("strategy", "strategy")] + [(m, METRIC_LABELS[m]) for m in METRIC_LABELS]
    columns += [("diff", "&Delta; vs ce"), ("splits", "splits"), ("fit_time", "fit s"),
                ("epochs", "epochs")]
    if comparison.data.y_test is not None:
        columns.append(("test", f"held-out test, {html.escape(label)}"))
    head = "".join(
        f'<th class="sorted">{title}</th>' if key == metric else f"<th>{title}</th>"
        for key, title in columns
    )
    body = []
    rows = table_rows(comparison, recommendation)
    for i, row in enumerate(rows):
        classes = []
        if row["kind"] == "reference":
            classes.append("reference")
            if rows[i - 1]["kind"] != "reference":
                body.append(f"<tr class='group'><td colspan='{len(columns)}'>reference models "
                            "(not neural; same splits, same scoring)</td></tr>")
        if row["strategy"] == recommendation.recommended:
            classes.append("best")
        if row["strategy"] == BASELINE:
            classes.append("baseline")
        cells = "".join(
            f"<td>{html.escape(row.get(key, '')).replace('+/-', '&plusmn;')}</td>"
            for key, _ in columns
        )
        body.append(f'<tr class="{" ".join(classes)}">{cells}</tr>')
    return (f"<div class='scroll'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _next_steps(comparison, recommendation):
    """The "what to do next" items, as HTML."""
    metric = comparison.metric
    label = METRIC_LABELS[metric]
    chosen = recommendation.recommended
    items = []
    if chosen not in (None, BASELINE):
        items.append(f"Train <code>{html.escape(chosen)}</code> on all your rows with the "
                     "code above; <code>sklweight.save(model, path)</code> stores it.")
    elif chosen == BASELINE:
        items.append("Train plain cross-entropy with the code above: no weighting beat it "
                     "beyond the fold-to-fold noise here.")
    ref = recommendation.reference
    if ref is not None:
        versus = comparison.get(ref["versus"])
        line = (f"{html.escape(ref['name'])} scores {ref['mean']:.3f} {label} against "
                f"{versus.mean(metric):.3f} for {html.escape(ref['versus'])}, the best "
                "neural strategy")
        if ref["beats_every_strategy"]:
            items.append(f"<strong>Try the reference model first:</strong> {line}; it beats "
                         "every neural strategy beyond the noise.")
        elif ref["paired"].mean > 0:
            items.append(f"Consider the reference model: {line}; the difference is within "
                         "the noise, and it is cheaper to train and to explain.")
        elif ref["paired"].loss:
            items.append(f"The neural net earns its place: {line} (a difference of "
                         f"{-ref['paired'].mean:+.3f} for the neural net, beyond the noise).")
        else:
            items.append(f"The neural net is ahead of the best reference model, within the "
                         f"noise: {line} (a difference of {-ref['paired'].mean:+.3f} for the "
                         "neural net); weigh the cost of training and explaining it.")
    best = recommendation.best
    if best not in (None, BASELINE, chosen) and best in recommendation.paired:
        losses = [(METRIC_LABELS[m], g) for m, g in recommendation.guards[best].items()
                  if g.loss]
        if recommendation.paired[best].gain and losses:
            cost = ", ".join(f"{name} {g.mean:+.3f}" for name, g in losses)
            items.append(f"{html.escape(best)} has the highest {label} but costs {cost} "
                         "beyond the noise against plain cross-entropy (the precision of "
                         "the rare classes' predictions, below): choose it only if finding "
                         "the rare rows matters more than being right when flagging them.")
        elif not recommendation.paired[best].gain:
            items.append(f"To tell {html.escape(best)} from plain cross-entropy, add rows "
                         "(of the rare classes above all): more repeats of the same rows "
                         "narrow the corrected interval only a little.")
    if not any(v for s in comparison.strategies for _, v in s.curves):
        items.append("Run with <code>--early-stopping</code> to hold out a validation "
                     "split and see validation curves.")
    if len(comparison.data.classes) == 2:
        items.append("If precision matters more than recall for you, move the decision "
                     "threshold along the precision-recall curve below (scikit-learn's "
                     "<code>TunedThresholdClassifierCV</code>).")
    return "<ul class='next'>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _strategies(comparison):
    rows = []
    for s in comparison.strategies + comparison.references:
        errors = "".join(f'<br><span class="error">failed: {html.escape(e)}</span>'
                         for e in s.errors)
        errors += "".join(
            f"<br><span class='warn'>warning in {n} fit(s): {html.escape(m)}</span>"
            for m, n in s.warnings.items()
        )
        rows.append(
            f"<tr><td>{html.escape(s.name)}</td><td class='desc'>{html.escape(s.description)}"
            f"{errors}</td><td class='desc'><code>{html.escape(s.code)}</code></td></tr>"
        )
    return ("<div class='scroll'><table class='text'><thead><tr><th>strategy</th>"
            "<th>what it does</th><th>estimator</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _method(comparison):
    settings = comparison.settings
    data = comparison.data
    n_splits = settings["cv"] * settings["repeats"]
    items = [
        f"Cross-validation: stratified {settings['cv']}-fold, {settings['repeats']} "
        f"repeat(s) ({n_splits} splits, seed {settings['seed']}), the same splits for every "
        f"strategy; about {comparison.n_train:.0f} rows fitted and {comparison.n_test:.0f} "
        "scored per split. Means and standard deviations are over the splits.",
        "Each fit is the preprocessing followed by the strategy's estimator in a Pipeline; "
        f"split j uses random_state = seed + j for every strategy. Estimator settings: "
        f"<code>{html.escape(repr(settings['estimator_params']))}</code>.",
        "Paired differences: per split, the strategy's score minus plain cross-entropy's. "
        "The 95 % interval is a Student t interval with the Nadeau-Bengio corrected "
        "variance (1/J + n_test/n_train) s&sup2;: splits share training rows, so the plain "
        "t interval would be too narrow; the corrected one is still optimistic.",
    ]
    if data.weight_name is not None:
        items.append(
            f"The scores on the validation rows are weighted by the weight column "
            f"<code>{html.escape(data.weight_name)}</code> for every strategy; the "
            "<code>+weights</code> strategies also train with it as sample_weight."
        )
    if data.y_test is not None:
        items.append(
            f"Held-out column: the same split models also scored, unweighted, on the "
            f"held-out test set of {len(data.y_test)} rows, which no fit trains on "
            "(mean &plusmn; std over the split models)."
        )
    items.append(
        "Reference models: the same preprocessing, splits and scoring, trained without "
        "the weight column; never raced, never recommended as a weighting."
    )
    if settings.get("racing"):
        dropped = "; ".join(
            f"{html.escape(d.strategy)}: {html.escape(d.reason)}" for d in comparison.dropped
        ) or "none"
        items.append(
            "Racing: after each block of splits, a strategy whose paired difference to the "
            "leader lies entirely below 0 (the same corrected interval) ran no more splits; "
            f"plain cross-entropy and the references always ran all of them. Stopped: "
            f"{dropped}."
        )
    items.append(
        f"Ran {settings['n_fits']} fits (an exhaustive run: "
        f"{settings.get('n_fits_exhaustive', settings['n_fits'])}) on "
        f"{html.escape(settings['backend'])} in {comparison.wall_time:.0f} s."
    )
    return "<ul class='method'>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def render_report(comparison, recommendation):
    """The report as an HTML string (figures drawn here; needs matplotlib)."""
    from . import plots

    data = comparison.data
    metric_label = METRIC_LABELS[comparison.metric]
    best = recommendation.recommended or BASELINE
    good = best != BASELINE
    shown = [recommendation.recommended, recommendation.best, BASELINE]
    lines = recommendation.text
    card = (f"<div class='card{' good' if good else ''}'><p class='lead'>"
            f"{_text(lines[0])}</p>"
            + "".join(f"<p>{_text(line)}</p>" for line in lines[1:]) + "</div>")
    code = (f"<p>The Python that builds it:</p><pre><code>{html.escape(recommendation.code)}"
            "</code></pre>") if recommendation.code else ""
    counts = ", ".join(
        f"{html.escape(str(c))}: {n}" for c, n in zip(data.classes, data.class_counts,
                                                       strict=True)
    )
    from .._version import __version__

    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>sklweight compare: {html.escape(data.name)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<header><h1>Which weighting helps on {html.escape(data.name)}?</h1>",
        f"<div class='muted'>sklweight compare {html.escape(__version__)} &middot; "
        f"{time.strftime('%Y-%m-%d %H:%M')} &middot; chosen metric: "
        f"{html.escape(metric_label)}</div></header>",
        "<h2>Recommendation</h2>", card, code,
        "<h2>What to do next</h2>", _next_steps(comparison, recommendation),
        "<h2>Results</h2>",
        f"<p class='muted'>Sorted by {html.escape(metric_label)}; mean &plusmn; std over "
        f"{comparison.settings['cv'] * comparison.settings['repeats']} splits. "
        f"&Delta; vs ce: mean paired difference in {html.escape(metric_label)} to plain "
        "cross-entropy on the same splits.</p>",
        _table(comparison, recommendation),
        _figure(plots.paired_png(comparison, recommendation), "paired differences",
                "Each strategy minus plain cross-entropy on the same split. Green: the "
                "interval excludes 0 and the strategy is better; red: worse; grey: within "
                "the fold-to-fold noise."),
        "<h2>What weighting costs: precision against recall</h2>",
        _figure(plots.tradeoff_png(comparison, shown), "precision and recall",
                "The precision-recall curve of the class with fewer rows, from the "
                "out-of-fold probabilities; the dot is where the model's predictions sit."
                if len(data.classes) == 2 else
                "Each class's recall beside its precision: up-weighting the rare classes "
                "buys their recall with the precision of their predictions."),
        "<h2>Calibration</h2>",
        _figure(plots.reliability_png(comparison, [recommendation.recommended, BASELINE]),
                "reliability diagram",
                "Fraction of correct predictions against the predicted probability of the "
                "predicted class, out of fold. Weighting shifts probabilities: recalibrate "
                "(CalibratedClassifierCV) before reading them as probabilities."),
        "<h2>Per-class recall</h2>",
        _figure(plots.per_class_recall_png(comparison), "per-class recall",
                "Recall of each class, mean over the splits in which it had rows; classes "
                "ordered from the most to the fewest training rows."),
        "<h2>Confusion matrices</h2>",
        _figure(plots.confusion_png(comparison, best), "confusion matrices",
                "Summed over the splits and normalised per true class (rows sum to 1)."),
        "<h2>Learning and validation curves</h2>",
        _figure(plots.learning_curves_png(comparison), "learning curves",
                "Training loss per epoch from each fit's history, and the loss on the "
                "validation split when one is set aside (--early-stopping): the validation "
                "curves."),
        "<h2>Data</h2>",
        f"<dl><dt>data</dt><dd>{html.escape(data.description)}</dd>"
        f"<dt>classes</dt><dd>{counts}</dd></dl>",
        "<h2>Strategies</h2>", _strategies(comparison),
        "<h2>Method</h2>", _method(comparison),
        "</main></body></html>",
    ]
    return "\n".join(parts)


def write_report(path, comparison, recommendation):
    """Write :func:`render_report` to ``path`` (UTF-8)."""
    text = render_report(comparison, recommendation)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path

