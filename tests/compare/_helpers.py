"""Shared helpers for the ``sklweight compare`` tests: run the command, check PNGs."""

import base64
import contextlib
import io
import json
import re

import numpy as np

from sklweight.compare.cli import main
from sklweight.compare.data import load_dataset
from sklweight.compare.strategies import get_strategy
from sklweight.compare.summary import Comparison, StrategySummary

# Small settings: two folds, one repeat, a few epochs (seconds, not minutes).
FAST = ["--cv", "2", "--repeats", "1", "--max-epochs", "5", "--n-jobs", "1", "--quiet"]


def run_cli(argv, capsys):
    """``main(["compare", *argv])`` in this process: ``(status, stdout, stderr)``."""
    status = main(["compare", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def run_captured(argv):
    """``main(["compare", *argv])`` outside a test's capsys (for module-scoped fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["compare", *argv])
    return status, out.getvalue(), err.getvalue()


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def embedded_pngs(html):
    """``{alt: png bytes}`` of the report's ``<img src="data:image/png;base64,...">``."""
    found = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">',
                       html)
    return {alt: base64.b64decode(data, validate=True) for data, alt in found}


def png_pixels(png):
    """Decode a PNG to an RGB(A) float array (raises on anything that is not a PNG)."""
    import matplotlib.image

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(io.BytesIO(png), format="png")


def assert_nontrivial_png(png, *, min_side=200):
    """A real picture: a valid PNG, large enough, with many distinct colours and ink."""
    pixels = png_pixels(png)
    height, width = pixels.shape[:2]
    assert min(height, width) >= min_side, (height, width)
    rgb = pixels[..., :3].reshape(-1, 3)
    n_colours = len(np.unique(np.round(rgb * 255).astype(np.uint8), axis=0))
    assert n_colours >= 20, n_colours
    ink = (rgb.mean(axis=1) < 0.9).mean()  # not a blank white canvas
    assert 0.01 < ink < 0.95, ink


METRIC_NAMES = ("balanced_accuracy", "f1_macro", "worst_class_recall")


def fake_summary(name, scores, n_classes=10, held_out=False):
    """A :class:`StrategySummary` with given per-split scores (for the metric logic)."""
    scores = np.asarray(scores, dtype=float)
    strategy = get_strategy(name)
    n = len(scores)
    held = None
    if held_out:
        held = {"scores": {m: scores - 0.01 for m in METRIC_NAMES},
                "recall": np.full((n, n_classes), 0.4), "confusion": np.eye(n_classes)}
    return StrategySummary(
        name=name, description=strategy.description, uses_weights=strategy.uses_weights,
        code=f"Estimator_{name}()", imports=(), step_name="estimator",
        scores={m: scores for m in METRIC_NAMES},
        recall=np.full((n, n_classes), 0.5), confusion=np.eye(n_classes),
        fit_time=np.ones(n), n_epochs=np.full(n, 10.0),
        curves=[([1.0, 0.5], None)] * n, held_out=held, complexity=strategy.complexity,
    )


def fake_comparison(data=None, **scores):
    """A :class:`Comparison` of fake summaries on ``data`` (default: digits-LT)."""
    data = data if data is not None else load_dataset("digits-lt")
    held = data.y_test is not None
    summaries = [fake_summary(name, s, len(data.classes), held) for name, s in scores.items()]
    settings = {"cv": 2, "repeats": len(next(iter(scores.values()))) // 2,
                "metric": "balanced_accuracy", "seed": 0, "estimator_params": {},
                "n_jobs": 1, "backend": "joblib", "n_fits": 0}
    return Comparison(data=data, strategies=summaries, settings=settings, n_train=120,
                      n_test=120, wall_time=1.0)
