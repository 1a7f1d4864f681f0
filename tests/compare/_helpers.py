"""Shared helpers for the ``sklweight compare`` tests: run the command, check PNGs."""

import base64
import io
import json
import re

import numpy as np

from sklweight.compare.cli import main

# Small settings: two folds, one repeat, a few epochs (seconds, not minutes).
FAST = ["--cv", "2", "--repeats", "1", "--max-epochs", "5", "--n-jobs", "1", "--quiet"]


def run_cli(argv, capsys):
    """``main(["compare", *argv])`` in this process: ``(status, stdout, stderr)``."""
    status = main(["compare", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


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
