"""The fits on a Dask cluster (joblib's Dask backend) give the local table, number for number."""

import pytest

from ._helpers import read_json, run_captured, run_cli

distributed = pytest.importorskip("distributed")

SMALL = ["--strategies", "ce,balanced", "--cv", "2", "--repeats", "1", "--max-epochs", "3",
         "--quiet"]


def _table(out):
    """The printed table's rows without the fit-time column (wall clock differs)."""
    lines = out.split("\n* sorted")[0].splitlines()
    rows = lines[lines.index(next(x for x in lines if x.startswith("---"))) + 1:]
    tokens = [row.split() for row in rows]
    return [t[:12] + t[13:] for t in tokens]  # token 12 is "fit s" (after "splits")


def _numbers(doc):
    return [
        (s["name"], s["metrics"], s["per_class_recall"], s["confusion_matrix"],
         s["learning_curves"], s["held_out_test"])
        for s in doc["strategies"]
    ]


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("local") / "local.json"
    status, out, err = run_captured([*SMALL, "--n-jobs", "1", "--json", str(path)])
    assert status == 0, err
    return out, read_json(path)


def test_dask_local_cluster_gives_the_local_table(local_run, tmp_path, capsys):
    local_out, local_doc = local_run
    path = tmp_path / "dask.json"
    status, out, err = run_cli([*SMALL, "--dask-local", "2", "--json", str(path)], capsys)
    assert status == 0, err
    doc = read_json(path)
    assert "Dask backend on a local Dask cluster of 2 worker processes" in doc["settings"][
        "backend"]
    assert _table(out) == _table(local_out)
    assert _numbers(doc) == _numbers(local_doc)


def test_dask_scheduler_address_gives_the_local_table(local_run, tmp_path, capsys):
    local_out, local_doc = local_run
    path = tmp_path / "dask.json"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        status, out, err = run_cli(
            [*SMALL, "--dask-scheduler", cluster.scheduler_address, "--json", str(path)],
            capsys,
        )
    assert status == 0, err
    doc = read_json(path)
    assert cluster.scheduler_address in doc["settings"]["backend"]
    assert _table(out) == _table(local_out)
    assert _numbers(doc) == _numbers(local_doc)


def test_unreachable_scheduler_is_a_clear_error(capsys):
    status, out, err = run_cli([*SMALL, "--dask-scheduler", "tcp://127.0.0.1:9"], capsys)
    assert status == 2 and out == ""
    assert err.startswith("sklweight compare: error: cannot connect to the Dask scheduler at "
                          "'tcp://127.0.0.1:9'")
