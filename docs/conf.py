"""Sphinx configuration: numpydoc docstrings, an autosummary API reference, an examples
gallery (sphinx-gallery, code only: the examples are run by ``tests/test_examples.py``).

Build: ``make docs`` (HTML in ``docs/_build/html``); the test suite builds the docs with
``-W`` (warnings are errors) in ``tests/test_docs.py``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if os.environ.get("SKLWEIGHT_DOCS_USE_SOURCE", "1") == "1":
    # document the source tree next to these docs, not some other installed copy
    sys.path.insert(0, str(ROOT))

from sphinx_gallery.sorting import ExplicitOrder  # noqa: E402

import sklweight  # noqa: E402

project = "sklweight"
author = "sklweight developers"
copyright = "sklweight developers"  # noqa: A001 (Sphinx's name)
release = sklweight.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**/GALLERY_HEADER.rst"]
root_doc = "index"
default_role = "literal"

# --- API reference: one page per public name, from the docstrings (numpydoc format)
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": False, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# --- examples gallery: rendered from examples/*.py, not executed here (the test suite
# runs every example, tests/test_examples.py); executed only for files named plot_*.py
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "plot_gallery": "False",
    "download_all_examples": False,
    "remove_config_comments": True,
    # the order of the gallery: imbalance, uneven quality, tuning, plumbing, scaling
    "within_subsection_order": ExplicitOrder([
        "digits_long_tail.py", "noisy_labels_quality_weights.py", "grid_search_losses.py",
        "pipeline_metadata_routing.py", "gpu_switch.py", "dask_search.py", "*",
    ]),
}

html_theme = "alabaster"
html_title = f"sklweight {release}"
html_theme_options = {
    "description": "Weighted PyTorch classifiers for scikit-learn",
    "page_width": "1100px",
    "sidebar_width": "240px",
    "fixed_sidebar": True,
}
html_static_path: list[str] = []
html_show_sourcelink = False


# --- text generated from the code at build time, so the pages cannot fall out of step
def _write_command_help(app):
    """``sklweight compare --help`` and ``--list-strategies``, for user_guide/compare.rst."""
    import contextlib
    import io

    from sklweight.compare.cli import main

    out = DOCS / "_generated"
    out.mkdir(exist_ok=True)
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"  # argparse wraps the help to this width
    try:
        for name, argv in (("compare_help.txt", ["compare", "--help"]),
                           ("compare_strategies.txt", ["compare", "--list-strategies"])):
            text = io.StringIO()
            with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
                main(argv)
            (out / name).write_text(text.getvalue())
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def setup(app):
    app.connect("builder-inited", _write_command_help)
