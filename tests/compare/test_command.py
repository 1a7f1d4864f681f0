"""``python -m sklweight compare`` as a user runs it: a real process for every point.

The runs are small (a few hundred rows, a few epochs); the two that train twice (racing
and exhaustive) are marked slow.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ._helpers import embedded_pngs

ROOT = Path(__file__).parents[2]

# Runs the command as ``python -m sklweight`` does, then says whether torch was imported.
_RUNNER = """
import atexit, runpy, sys
atexit.register(lambda: print("TORCH_IMPORTED=" + str("torch" in sys.modules),
                              file=sys.stderr))
sys.argv = ["sklweight", *sys.argv[1:]]
runpy.run_module("sklweight", run_name="__main__")
"""


def sklweight(*argv, timeout=600):
    """Run ``python -m sklweight *argv``; returns the completed process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-c", _RUNNER, *map(str, argv)],
                          capture_output=True, text=True, env=env, timeout=timeout,
                          cwd=ROOT)


def _stderr(done):
    """stderr without the runner's last line, and whether torch was imported."""
    lines = done.stderr.rstrip("\n").split("\n")
    assert lines[-1].startswith("TORCH_IMPORTED="), done.stderr
    return "\n".join(lines[:-1]), lines[-1] == "TORCH_IMPORTED=True"


def _binary_csv(path, n=300, seed=0):
    """Rows of two numeric columns and a colour; about 12 % of the class 'rare'."""
    rng = np.random.RandomState(seed)
    x1, x2 = rng.randn(n), rng.randn(n)
    colour = rng.choice(["red", "green", "blue"], n)
    score = 1.6 * x1 + 0.8 * x2 + (colour == "red") + 0.5 * rng.randn(n)
    label = np.where(score > np.quantile(score, 0.88), "rare", "common")
    pd.DataFrame({"x1": x1, "x2": x2, "colour": colour, "label": label}).to_csv(
        path, index=False)
    return path


# ------------------------------------------------------------ no torch before training
@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    return _binary_csv(tmp_path_factory.mktemp("csv") / "small.csv", n=40)


INPUT_ERRORS = {
    "missing file": (["--csv", "{dir}/nope.csv", "--target", "label"], "no such file"),
    "missing column": (["--csv", "{csv}", "--target", "lable"], "Did you mean 'label'"),
    "unknown strategy": (["--csv", "{csv}", "--target", "label", "--strategies", "focl"],
                         "Did you mean 'focal'"),
    "too many folds": (["--csv", "{csv}", "--target", "label", "--cv", "40"],
                       "more folds than the largest class has rows"),
    "one fold": (["--cv", "1"], "--cv must be at least 2"),
    "json folder missing": (["--json", "{dir}/no/such/folder/out.json"], "does not exist"),
    "json under a file": (["--json", "{csv}/out.json"], "does not exist"),
    "report not writable": (["--report", "/proc/sklweight-report.html"], "cannot be written"),
}


@pytest.mark.parametrize("case", list(INPUT_ERRORS))
def test_every_input_error_is_one_line_before_torch_and_training(case, small_csv, tmp_path):
    args, message = INPUT_ERRORS[case]
    args = [a.format(csv=small_csv, dir=tmp_path) for a in args]
    done = sklweight("compare", *args, "--quiet")
    err, torch_imported = _stderr(done)
    assert done.returncode == 2 and done.stdout == ""
    assert err.startswith("sklweight compare: error: ") and message in err, err
    assert len(err.splitlines()) == 1
    assert not torch_imported
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("argv", [["--version"], ["compare", "--help"], ["--help"]])
def test_help_and_version_do_not_import_torch(argv):
    done = sklweight(*argv)
    _, torch_imported = _stderr(done)
    assert done.returncode == 0 and not torch_imported
    assert ("sklweight 0." in done.stdout) if argv == ["--version"] else "usage:" in done.stdout


def test_import_sklweight_is_cheap_and_every_public_name_resolves():
    code = ("import sys, sklweight; cheap = 'torch' not in sys.modules; "
            "names = [getattr(sklweight, n) for n in sklweight.__all__]; "
            "print(cheap, len(names) == len(sklweight.__all__) > 0, "
            "set(sklweight.__all__) <= set(dir(sklweight)))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT)
    assert done.stdout.split() == ["True", "True", "True"], done.stderr


# ------------------------------------------------------------ the scenario's defaults
def test_default_strategies_follow_the_scenario(small_csv, tmp_path):
    weighted = tmp_path / "weighted.csv"
    frame = pd.read_csv(small_csv).assign(confidence=1.0)
    frame.to_csv(weighted, index=False)
    noisy = {"generalized_cross_entropy", "symmetric_cross_entropy", "quality_weights"}

    def planned(*argv):
        done = sklweight("compare", *argv, "--dry-run", "--quiet")
        assert done.returncode == 0, done.stderr
        line = next(x for x in done.stdout.splitlines() if x.startswith("strategies: "))
        return set(line.removeprefix("strategies: ").split(", "))

    imbalance = planned("--csv", small_csv, "--target", "label")
    assert {"ce", "balanced", "logit_adjusted", "balanced_sampler"} <= imbalance
    assert not imbalance & noisy
    assert noisy <= planned("--csv", small_csv, "--target", "label", "--noisy-labels")
    with_weights = planned("--csv", weighted, "--target", "label", "--weight-col",
                           "confidence")
    assert noisy | {"ce+weights", "balanced"} <= with_weights


def test_gradient_boosting_reference_is_left_out_of_very_wide_tables(tmp_path):
    path = tmp_path / "wide.csv"
    n_columns = 10_001
    header = ",".join(f"c{i}" for i in range(n_columns)) + ",label\n"
    rows = "".join(",".join(["0.5"] * n_columns) + f",{'ab'[i % 2]}\n" for i in range(6))
    path.write_text(header + rows)
    done = sklweight("compare", "--csv", path, "--target", "label", "--cv", "2",
                     "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "reference models: logistic_regression_balanced" in done.stdout
    assert "hist_gradient_boosting_balanced" not in done.stdout
    assert ("note: reference model hist_gradient_boosting_balanced left out: 10001 feature "
            "columns") in done.stderr


# ------------------------------------------------------------ what a run prints and writes
def test_control_characters_in_labels_are_shown_escaped(tmp_path):
    path = tmp_path / "hostile.csv"
    rng = np.random.RandomState(0)
    labels = np.array(["ok\x1b[2J", "bell\x07"])[(rng.rand(30) < 0.4).astype(int)]
    pd.DataFrame({"x": rng.randn(30), "label\x1b[31m": labels}).to_csv(path, index=False)
    done = sklweight("compare", "--csv", path, "--target", "label\x1b[31m", "--strategies",
                     "ce", "--cv", "2", "--repeats", "1", "--max-epochs", "2", "--n-jobs",
                     "1", "--no-references")
    err, _ = _stderr(done)
    assert done.returncode == 0, err
    assert "\x1b" not in done.stdout + err and "\x07" not in done.stdout + err
    assert "ok\\x1b[2J" in done.stdout and "bell\\x07" in done.stdout
    assert "label\\x1b[31m" in err  # the data description names the target column


@pytest.mark.slow
def test_a_100_000_column_csv_runs(tmp_path):
    path = tmp_path / "wide.csv"
    n_columns = 100_000
    header = ",".join(f"c{i}" for i in range(n_columns)) + ",label\n"
    rng = np.random.RandomState(0)
    rows = "".join(
        ",".join(f"{v:.2f}" for v in rng.randn(n_columns)) + f",{'ab'[i % 2]}\n"
        for i in range(8)
    )
    path.write_text(header + rows)
    done = sklweight("compare", "--csv", path, "--target", "label", "--strategies", "ce",
                     "--cv", "2", "--repeats", "1", "--max-epochs", "1", "--n-jobs", "1",
                     "--no-references", "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "100000 numeric" not in done.stdout  # --quiet: the description is not printed
    assert "Recommended: plain cross-entropy (ce)" in done.stdout


# ------------------------------------------------------------ racing against exhaustive
RACE = ["--cv", "3", "--repeats", "2", "--max-epochs", "10", "--n-jobs", "2"]


def _both(tmp_path, *argv):
    """The racing and the exhaustive run of the same command: ``(json, stdout, stderr)``
    of each, and the racing run's report."""
    out = {}
    for mode, extra in (("racing", ["--report", tmp_path / "report.html"]),
                        ("exhaustive", ["--no-racing"])):
        path = tmp_path / f"{mode}.json"
        done = sklweight("compare", *argv, *RACE, *extra, "--json", path)
        err, _ = _stderr(done)
        assert done.returncode == 0, err[-3000:]
        out[mode] = (json.loads(path.read_text()), done.stdout, err)
    return out


@pytest.fixture(scope="module")
def csv_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("race")
    path = _binary_csv(folder / "rows.csv")
    runs = _both(folder, "--csv", path, "--target", "label", "--strategies",
                 "balanced,logit_adjusted,generalized_cross_entropy")
    runs["report"] = (folder / "report.html").read_text(encoding="utf-8")
    return runs


@pytest.mark.slow
def test_racing_and_exhaustive_agree_on_a_csv(csv_runs):
    racing, exhaustive = csv_runs["racing"][0], csv_runs["exhaustive"][0]
    assert (racing["recommendation"]["recommended"]
            == exhaustive["recommendation"]["recommended"])
    assert exhaustive["racing"] == [] and not exhaustive["settings"]["racing"]
    assert racing["settings"]["n_fits"] <= exhaustive["settings"]["n_fits"]
    for d in racing["racing"]:  # said which, and when
        assert f"racing: dropped {d['strategy']}: after {d['after_splits']} splits" in (
            csv_runs["racing"][2])
        entry = next(s for s in racing["strategies"] if s["name"] == d["strategy"])
        assert entry["n_splits"] == d["after_splits"] < 6


@pytest.mark.slow
def test_references_are_reported_like_strategies(csv_runs):
    doc, out, _ = csv_runs["racing"]
    names = [r["name"] for r in doc["references"]]
    assert {"logistic_regression_balanced", "hist_gradient_boosting_balanced"} <= set(names)
    for r in doc["references"]:
        assert r["metrics"].keys() == doc["strategies"][0]["metrics"].keys()
        assert r["n_splits"] == 6 and r["dropped"] is None
    assert "reference models (not neural; same splits, same scoring):" in out
    assert any(line.startswith(("  Reference", "  A reference model")) for line in
               out.split("\nRecommendation\n")[1].splitlines())


@pytest.mark.slow
def test_the_printed_code_is_the_recommended_strategy(csv_runs):
    doc, out, _ = csv_runs["racing"]
    recommended = doc["recommendation"]["recommended"]
    entry = next(s for s in doc["strategies"] if s["name"] == recommended)
    code = out.split("The Python that builds it:\n\n")[1]
    assert code == doc["recommendation"]["code"]
    assert entry["estimator"] in code


@pytest.mark.slow
def test_the_report_shows_the_trade_off_calibration_and_next_steps(csv_runs):
    html = csv_runs["report"]
    assert {"precision and recall", "reliability diagram"} <= set(embedded_pngs(html))
    assert "precision-recall curve of the class with fewer rows" in html
    next_steps = html.split("<h2>What to do next</h2>")[1].split("<h2>")[0]
    reference = csv_runs["racing"][0]["recommendation"]["reference"]["name"]
    assert reference in next_steps
    assert "<tr class='group'><td colspan=" in html  # the reference rows are marked


@pytest.mark.slow
def test_racing_and_exhaustive_agree_on_the_default_data(tmp_path):
    runs = _both(tmp_path, "--strategies", "balanced,logit_adjusted,soft_f1", "--no-references")
    racing, exhaustive = runs["racing"][0], runs["exhaustive"][0]
    assert (racing["recommendation"]["recommended"]
            == exhaustive["recommendation"]["recommended"])
