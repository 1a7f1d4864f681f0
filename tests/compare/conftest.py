"""Fixtures of the ``sklweight compare`` tests."""

import pytest

from ._helpers import FAST, read_json, run_captured


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """``sklweight compare`` on the default data at reduced settings, with JSON and report.

    Run once per session: three strategies, two folds, one repeat, five epochs.
    """
    folder = tmp_path_factory.mktemp("default")
    json_path, report_path = folder / "out.json", folder / "report.html"
    status, out, err = run_captured([
        "--strategies", "ce,balanced,logit_adjusted", *FAST,
        "--json", str(json_path), "--report", str(report_path),
    ])
    assert status == 0, err
    return {
        "status": status, "out": out, "err": err, "report_path": report_path,
        "json": read_json(json_path), "html": report_path.read_text(encoding="utf-8"),
    }
