"""The repository states its own rules: nothing cites a specification it does not contain.

A rule is stated once, in the user guide (``docs/user_guide``) or on the benchmarks page,
and code, tests and documents link to that section. The token ``SPEC`` as a word (``SPEC
3.2``, ``SPEC section 8``, ``SPEC's``) is such a citation of an outside document; words
that merely contain it (``SPECIAL``) are not.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["sklweight", "tests", "docs", "benchmarks", "examples", "README.md", "Makefile"]
SKIPPED_PARTS = {"_build", "generated", "auto_examples", "__pycache__", ".ipynb_checkpoints"}
SUFFIXES = {".py", ".rst", ".md", ".txt", ".toml", ".cfg", ".ini", ".html", ".j2", ""}
CITATION = re.compile(r"\bSPEC\b")


def _files():
    for name in SCANNED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for candidate in candidates:
            if (candidate.is_file() and candidate.suffix in SUFFIXES
                    and not SKIPPED_PARTS & set(candidate.relative_to(ROOT).parts)
                    and candidate != Path(__file__).resolve()):
                yield candidate


def citations():
    """``path:line: text`` of every line that cites the outside specification."""
    found = []
    for path in _files():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            if CITATION.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_the_pattern_finds_citations_and_spares_words():
    assert CITATION.search("the rule of SPEC 3.2") and CITATION.search("SPEC's loop")
    assert not CITATION.search("SPECIAL = [0.0]") and not CITATION.search("SPECS = {}")


def test_no_file_cites_an_outside_specification():
    found = citations()
    assert not found, (
        "link to the user-guide section that states the rule instead:\n" + "\n".join(found)
    )
