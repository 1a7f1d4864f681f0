"""The HTML report: self-contained, escaped, and rendered by a real browser."""

import os
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

from sklweight.compare.data import CompareData, _standard_scaler
from sklweight.compare.recommend import recommend
from sklweight.compare.report import render_report

from ._helpers import assert_nontrivial_png, embedded_pngs, fake_comparison, png_pixels

CHROMIUM = "/usr/bin/chromium"


def _hostile_data():
    """A data set whose names would break the page if they were not escaped."""
    y = np.array(["<b>bold</b>", "a&b"] * 10)
    return CompareData(
        name="<script>alert(1)</script>.csv", description="file <i>with</i> tags", X=None,
        y=y, sample_weight=np.ones(20), weight_name='w"eight', X_test=None, y_test=None,
        preprocessor=_standard_scaler, preprocessor_code="StandardScaler()", imports=(),
        load_code="X, y = ...", weight_code="w",
    )


def test_report_escapes_every_name_from_the_data():
    c = fake_comparison(_hostile_data(), ce=[0.6, 0.7], balanced=[0.7, 0.8])
    html = render_report(c, recommend(c))
    assert "<script>" not in html and "<b>bold" not in html and "<i>with" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "a&amp;b" in html
    assert "w&quot;eight" in html
    # without a held-out set there is no held-out column, and every plot is still there
    assert "held-out" not in html.split("<h2>Method</h2>")[0]
    # fake fits carry no probabilities: no precision-recall curve, no reliability diagram
    assert set(embedded_pngs(html)) == {"paired differences", "per-class recall",
                                        "confusion matrices", "learning curves"}


def test_report_with_only_the_baseline_leaves_out_the_paired_plot():
    c = fake_comparison(ce=[0.6, 0.7])
    pngs = embedded_pngs(render_report(c, recommend(c)))
    assert set(pngs) == {"per-class recall", "confusion matrices", "learning curves",
                         "precision and recall"}


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium")
def test_headless_chromium_renders_the_report_offline(default_run, tmp_path):
    screenshot = tmp_path / "report.png"
    profile = tempfile.mkdtemp(dir=tmp_path)
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={profile}", f"--screenshot={screenshot}",
         "--window-size=1280,4000", default_run["report_path"].as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    assert screenshot.exists(), done.stderr[-2000:]
    png = screenshot.read_bytes()
    assert_nontrivial_png(png, min_side=1000)
    pixels = np.round(png_pixels(png)[..., :3] * 255).astype(int)
    assert pixels.shape[:2] == (4000, 1280)

    def share(colour, tolerance=12):
        return (np.abs(pixels - colour).max(axis=-1) <= tolerance).mean()

    assert share([13, 17, 23]) > 0.005  # the dark code block of the recommendation
    assert share([230, 244, 234], 3) > 0.0005  # the highlighted best row of the table
    # the embedded plots were decoded and drawn: the page's own colours are greys and pale
    # tints, the plots' (viridis heat maps, curves) are saturated
    saturation = pixels.max(axis=-1) - pixels.min(axis=-1)
    assert (saturation > 80).mean() > 0.02
