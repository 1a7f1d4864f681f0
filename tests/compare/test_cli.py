"""``sklweight compare`` end to end: default data, a CSV file, every bad input, the shell."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklweight.compare.strategies import registered_strategies

from ._helpers import FAST, assert_nontrivial_png, embedded_pngs, read_json, run_cli

PLOTS = {"paired differences", "per-class recall", "confusion matrices", "learning curves",
         "precision and recall", "reliability diagram"}


def test_default_run_prints_the_table_sorted_by_the_metric(default_run):
    assert default_run["status"] == 0
    out = default_run["out"]
    assert "digits-LT: sorted by balanced accuracy" in out
    header = next(line for line in out.splitlines() if line.startswith("strategy "))
    for column in ("bal. acc *", "macro-F1", "worst recall", "d vs ce", "fit s", "held-out"):
        assert column in header
    table = out.split("-" * len(header) + "\n", 1)[1].split("\n* sorted")[0]
    table, references = table.split("\nreference models (not neural; same splits, same "
                                    "scoring):\n")
    table = table.splitlines()
    names = [row.split()[0] for row in table]
    assert sorted(names) == ["balanced", "ce", "logit_adjusted"]
    assert [row.split()[0] for row in references.splitlines()] == [
        r["name"] for r in sorted(default_run["json"]["references"],
                                  key=lambda r: -r["metrics"]["balanced_accuracy"]["mean"])]
    means = [float(row.split()[1]) for row in table]
    assert means == sorted(means, reverse=True)
    doc = default_run["json"]
    assert names == doc["ranking"]
    assert "per-class recall" in out and "Recommendation" in out
    assert "model = make_pipeline(" in out
    assert "\nwrote " in out and "out.json" in out and "report.html" in out
    # it ends with the recommendation and the Python that builds the best strategy
    tail = out.split("\nRecommendation\n", 1)[1]
    assert tail.startswith("  Recommended: ")
    assert out.endswith("model.fit(X, y)\n")


def test_default_run_json_holds_every_split(default_run):
    doc = default_run["json"]
    assert doc["data"]["name"] == "digits-LT"
    assert doc["data"]["n_samples"] == 240 and doc["data"]["held_out_test_rows"] == 870
    assert doc["settings"]["cv"] == 2 and doc["settings"]["repeats"] == 1
    assert doc["settings"]["n_fits"] == (3 + len(doc["references"])) * 2
    for entry in doc["strategies"]:
        for metric in ("balanced_accuracy", "f1_macro", "worst_class_recall"):
            splits = entry["metrics"][metric]["splits"]
            assert len(splits) == 2 and all(0 <= v <= 1 for v in splits)
            assert entry["metrics"][metric]["mean"] == pytest.approx(np.mean(splits))
            assert entry["metrics"][metric]["std"] == pytest.approx(np.std(splits))
        assert len(entry["per_class_recall"]) == 10
        assert np.asarray(entry["confusion_matrix"]).shape == (10, 10)
        # the confusion matrices of the two splits together score every training row once
        assert np.asarray(entry["confusion_matrix"]).sum() == 240
        curves = entry["learning_curves"]
        assert len(curves) == 2 and all(len(c["train_loss"]) == 5 for c in curves)
        held_out = entry["held_out_test"]["metrics"]["balanced_accuracy"]
        assert len(held_out["splits"]) == 2 and 0 <= held_out["mean"] <= 1
        # every split model scored all 870 held-out rows
        assert np.asarray(entry["held_out_test"]["confusion_matrix"]).sum() == 2 * 870
        assert entry["errors"] == []
    rec = doc["recommendation"]
    assert rec["best"] == doc["ranking"][0]
    assert rec["recommended"] in doc["ranking"]
    references = {r["name"] for r in doc["references"]}
    assert set(rec["paired"]) == {"balanced", "logit_adjusted"} | references
    for p in rec["paired"].values():
        assert p["low"] <= p["mean"] <= p["high"] and p["n_splits"] == 2


def test_default_run_report_embeds_every_plot(default_run):
    html = default_run["html"]
    assert html.startswith("<!DOCTYPE html>")
    # self-contained: nothing fetched from elsewhere
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html
    pngs = embedded_pngs(html)
    assert set(pngs) == PLOTS
    for png in pngs.values():
        assert_nontrivial_png(png)
    assert "<table>" in html and "Recommendation" in html
    assert "Nadeau-Bengio" in html


def test_default_run_notes_on_stderr_are_quiet_with_quiet(default_run):
    assert default_run["err"] == ""  # --quiet: no notes, no progress bar


def test_csv_with_categorical_and_weight_columns(tmp_path, capsys):
    rng = np.random.RandomState(0)
    n = 150
    colour = rng.choice(["red", "green", "blue"], n)
    x1 = rng.randn(n)
    label = np.where(x1 + (colour == "red") > 0.8, "rare", "common")
    x2 = rng.randn(n)
    x2[::17] = np.nan  # missing numeric values are imputed
    frame = pd.DataFrame({"x1": x1, "colour": colour, "x2": x2, "label": label,
                          "confidence": rng.uniform(0.2, 1.0, n)})
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    json_path = tmp_path / "out.json"
    status, out, err = run_cli([
        "--csv", str(path), "--target", "label", "--weight-col", "confidence",
        "--strategies", "ce,balanced,ce+weights", *FAST, "--json", str(json_path),
    ], capsys)
    assert status == 0, err
    doc = read_json(json_path)
    assert doc["data"]["weight_column"] == "confidence"
    assert doc["data"]["classes"] == ["common", "rare"]
    assert [s["name"] for s in doc["strategies"]] == ["ce", "balanced", "ce+weights"]
    assert {r["name"] for r in doc["references"]} >= {"logistic_regression_balanced",
                                                      "hist_gradient_boosting_balanced"}
    assert doc["strategies"][2]["uses_weights"]
    assert doc["strategies"][0]["held_out_test"] is None  # a CSV has no held-out test set
    assert "data.csv: sorted by balanced accuracy" in out
    # the printed Python runs as written and trains the recommended pipeline
    code = doc["recommendation"]["code"]
    assert "make_column_transformer" in code and "OneHotEncoder" in code
    namespace = {}
    exec(compile(code, "recommendation", "exec"), namespace)
    assert namespace["model"].predict(namespace["X"]).shape == (n,)


def _write(path, text):
    path.write_text(text)
    return str(path)


GOOD = "a,b,colour,label,w\n" + "".join(
    f"{i},{i % 3},{'rg'[i % 2]},{'xy'[i % 2]},1.0\n" for i in range(12)
)

BAD_CSV = {
    "missing file": (None, ["--target", "label"], "no such file"),
    "empty file": ("", ["--target", "label"], "is empty"),
    "header only": ("a,b,label\n", ["--target", "label"], "no data rows"),
    "missing target column": (GOOD, ["--target", "lable"],
                              "target column 'lable' is not in the file. Did you mean 'label'"),
    "missing weight column": (GOOD, ["--target", "label", "--weight-col", "weight"],
                              "weight column 'weight' is not in the file"),
    "one-class target": ("a,label\n1,x\n2,x\n3,x\n", ["--target", "label"],
                         "only one class ('x')"),
    "single-row class": ("a,label\n1,x\n2,x\n3,y\n4,x\n", ["--target", "label"],
                         "1 class(es) have a single row ('y')"),
    "missing target values": ("a,label\n1,x\n2,\n3,y\n4,y\n5,x\n", ["--target", "label"],
                              "target column 'label' has 1 missing value"),
    "non-numeric weights": (GOOD.replace("1.0\n", "high\n", 1),
                            ["--target", "label", "--weight-col", "w"],
                            "weight column 'w' must be numeric; line 2 of the file holds "
                            "'high'"),
    "negative weights": (GOOD.replace("1.0\n", "-0.5\n", 1),
                         ["--target", "label", "--weight-col", "w"],
                         "weight column 'w' has 1 negative value(s)"),
    "missing weights": (GOOD.replace("1.0\n", "\n", 2),
                        ["--target", "label", "--weight-col", "w"],
                        "weight column 'w' has 2 missing value(s)"),
    "all-zero weights": (GOOD.replace("1.0\n", "0\n"),
                         ["--target", "label", "--weight-col", "w"], "zero on every row"),
    "no feature columns": ("label,w\nx,1\ny,1\nx,1\ny,1\n",
                           ["--target", "label", "--weight-col", "w"], "no feature columns"),
    "target without csv": (None, ["--target", "label", "--data", "digits-lt"],
                           "--target and --weight-col go with --csv FILE"),
    "csv without target": (GOOD, [], "--csv needs --target COL"),
    "too many folds": (GOOD, ["--target", "label", "--cv", "7"],
                       "--cv 7 is more folds than the largest class has rows (6)"),
    "unknown strategy": (GOOD, ["--target", "label", "--strategies", "ce,focl"],
                         "unknown strategy 'focl'. Did you mean 'focal'? Valid strategies: ce, "
                         "balanced"),
    "weights strategy without weight column": (
        GOOD, ["--target", "label", "--strategies", "ce+weights"],
        "strategy 'ce+weights' trains with the weight column, but the data has none"),
    "report folder missing": (GOOD, ["--target", "label", "--report", "/nonexistent/r.html"],
                              "the folder '/nonexistent' does not exist"),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_bad_input_gets_a_clear_message_and_exit_status_2(case, tmp_path, capsys):
    content, args, message = BAD_CSV[case]
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    argv = args if case == "target without csv" else ["--csv", str(path), *args]
    status, out, err = run_cli([*FAST, *argv], capsys)  # the case's options win
    assert status == 2
    assert out == ""
    assert err.startswith("sklweight compare: error: ")
    assert message in err, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_missing_column_lists_the_columns(tmp_path, capsys):
    path = _write(tmp_path / "d.csv", GOOD)
    status, _, err = run_cli(["--csv", path, "--target", "y", *FAST], capsys)
    assert status == 2
    assert "The columns are: 'a', 'b', 'colour', 'label', 'w'." in err


def test_a_directory_is_not_a_csv_file(tmp_path, capsys):
    status, _, err = run_cli(["--csv", str(tmp_path), "--target", "y", *FAST], capsys)
    assert status == 2 and "is a directory" in err


def test_a_real_shell_call_prints_no_traceback(tmp_path):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "sklweight", "compare", "--csv", str(tmp_path / "nope.csv"),
         "--target", "label"], capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == (
        f"sklweight compare: error: no such file: {str(tmp_path / 'nope.csv')!r}"
    )


def test_help_and_list_strategies(capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli(["--help"], capsys)
    assert stop.value.code == 0
    help_text = capsys.readouterr().out
    for option in ("--csv", "--target", "--weight-col", "--strategies", "--cv", "--repeats",
                   "--n-jobs", "--dask-scheduler", "--dask-local", "--json", "--report",
                   "--quiet", "--metric"):
        assert option in help_text
    status, out, _ = run_cli(["--list-strategies"], capsys)
    assert status == 0
    for strategy in registered_strategies():
        assert strategy.name in out


def test_argparse_errors_use_the_same_prefix_and_status(capsys):
    with pytest.raises(SystemExit) as stop:
        run_cli(["--metric", "accuracy"], capsys)
    assert stop.value.code == 2
    assert "sklweight compare: error: argument --metric" in capsys.readouterr().err


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.mark.parametrize("terminal, quiet, shown", [(True, False, True), (True, True, False),
                                                      (False, False, False)])
def test_progress_bar_only_on_a_terminal_and_not_with_quiet(terminal, quiet, shown,
                                                             monkeypatch):
    from sklweight.compare.cli import _progress_bar

    stream = _Terminal()
    if not terminal:
        stream.isatty = lambda: False
    monkeypatch.setattr(sys, "stderr", stream)
    with _progress_bar(4, quiet) as bar:
        bar.update(4)
    assert ("4/4" in stream.text) is shown


def test_cuda_device_without_cuda_is_a_clear_error(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    status, _, err = run_cli([*FAST, "--device", "cuda"], capsys)
    assert status == 2 and "--device 'cuda' but torch finds no CUDA device" in err
