"""The documentation builds with no warning, lists every public name, quotes true numbers."""

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# the public modules whose __all__ the API reference must cover
PUBLIC_MODULES = ["sklweight", "sklweight.losses", "sklweight.class_weight", "sklweight.datasets",
                  "sklweight.sampling", "sklweight.quality", "sklweight.recipes", "sklweight.io",
                  "sklweight.exceptions"]


@pytest.mark.slow
def test_docs_build_with_no_warning(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    pytest.importorskip("sphinx_gallery")
    result = subprocess.run(
        # numpydoc reports a section it does not know as a Python warning: an error too
        [sys.executable, "-W", "error::UserWarning:numpydoc.docscrape",
         "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index", "api", "benchmarks", "user_guide/compare", "auto_examples/index"):
        assert (tmp_path / "html" / f"{page}.html").stat().st_size > 0, page


def _documented_names():
    """The entries of the autosummary blocks of api.rst, with their current module."""
    names, module = set(), None
    for line in (DOCS / "api.rst").read_text().splitlines():
        if line.startswith(".. currentmodule:: "):
            module = line.split("::")[1].strip()
        elif re.fullmatch(r"   [A-Za-z_][\w.]*", line):
            names.add(f"{module}.{line.strip()}")
    return names


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_api_reference_lists_every_public_name(module_name):
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        pytest.skip(f"{module_name} does not exist (yet)")
    documented = _documented_names()

    def documented_elsewhere(name):
        # a name re-exported by another public module is documented there once
        obj = getattr(module, name)
        for other in PUBLIC_MODULES:
            try:
                homes = importlib.import_module(other)
            except ModuleNotFoundError:
                continue
            if getattr(homes, name, None) is obj and f"{other}.{name}" in documented:
                return True
        return False

    missing = [name for name in module.__all__ if not name.startswith("__")
               # a submodule (sklweight.recipes) has its own section and names
               and not inspect.ismodule(getattr(module, name))
               and f"{module_name}.{name}" not in documented
               and not documented_elsewhere(name)]
    assert not missing, f"add to docs/api.rst: {missing}"


def _quoted_sections():
    """(page, source file, text) for every section marked ``.. source: FILE``."""
    for page in DOCS.rglob("*.rst"):
        if "generated" in page.parts or "auto_examples" in page.parts:
            continue
        parts = re.split(r"^\.\. source: (\S+)\n", page.read_text(), flags=re.M)
        for source, text in zip(parts[1::2], parts[2::2], strict=True):
            # the section ends at the next section title
            yield page, source, re.split(r"\n\S.*\n[=\-~]{3,}\n", text)[0]


def test_quoted_numbers_are_in_their_source_file():
    sections = list(_quoted_sections())
    assert sections, "docs/benchmarks.rst quotes benchmarks/README.md"
    for page, source, text in sections:
        record = (ROOT / source).read_text()
        for number in re.findall(r"(?<![\w.])[+-]?\d+\.\d+", text):
            assert number in record, f"{page.name} quotes {number}, not in {source}"


def test_every_measured_number_of_the_guide_is_in_the_records():
    """A score quoted in a page is in benchmarks/README.md or on the benchmarks page
    (which quotes the specification's reference measurements, marked as such)."""
    records = (ROOT / "benchmarks" / "README.md").read_text()
    records += (DOCS / "benchmarks.rst").read_text()
    pages = [p for p in DOCS.rglob("*.rst") if p.name != "benchmarks.rst"
             and not {"generated", "auto_examples", "_build"} & set(p.parts)
             and p.name != "sg_execution_times.rst"]
    for page in pages:
        # parameter values in literals and formulas are not measurements
        text = re.sub(r"``.*?``|:math:`.*?`", "", page.read_text(), flags=re.S)
        for number in re.findall(r"(?<![\w.=])0\.\d{2,3}\b", text):
            assert number in records, f"{page.name} quotes {number}, not in the records"
