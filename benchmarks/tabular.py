"""Imbalanced real tables: sklweight's classifiers against the usual anchors on KEEL.

Usage::

    python benchmarks/tabular.py [--kind multiclass binary] [--sets NAME ...]
        [--contenders NAME ...] [--max-rows N] [--n-jobs 1] [--cache DIR]
        [--out benchmarks/tabular_results.md] [--redo NAME ...] [--report-only]

Reads the ``.npz`` files of ``benchmarks/keel_extract.py`` (cache folder: ``--cache``,
else ``$SKLWEIGHT_KEEL_CACHE``, else ``/work/keel_cache``) and runs only the **dev sets**
below (the rest of the collection is kept for judging; ``--sets`` picks among the dev
sets). Protocol: classes with fewer than 6 rows dropped (a binary set whose minority has
5 rows keeps them: one per test fold); ``--max-rows`` draws a stratified subsample of the
larger sets (every class keeps at least ``min(its rows, 10)``); stratified 5-fold CV,
repeated twice below 500 rows, ``random_state=0`` for the splits and every estimator;
``StandardScaler`` in front of every model. Metrics per test fold: balanced accuracy,
macro-F1, G-mean (imbalanced-learn's ``geometric_mean_score``, multiclass form), fit
seconds (wall clock) and whether a single class was predicted.

Each (set, contender, fold) result is one JSON line in ``<cache>/tabular_runs.jsonl``,
keyed by the set, its number of rows after the cap, the fold and a hash of the
contender's non-default parameters, so a rerun computes only what is missing (``--redo``
recomputes contenders, e.g. after a code change that leaves their parameters alone). The
report (mean over sets of the per-set means, mean rank of balanced accuracy, win/tie/loss
against each anchor with a tie for ``|difference| < 0.005``) covers the sets where every
selected contender has every fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shlex
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT), str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH", "")]
)

import numpy as np  # noqa: E402
from _common import machine  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import RepeatedStratifiedKFold  # noqa: E402
from tabular_contenders import ANCHORS, build, contender_names  # noqa: E402
from tabular_report import write_report  # noqa: E402

DEV_SETS = {
    "multiclass": [
        "abalone", "automobile", "balance", "car", "cleveland", "dermatology", "ecoli",
        "hayes_roth", "movement_libras", "newthyroid", "page_blocks", "splice", "tae",
        "vowel", "yeast",
    ],
    "binary": [
        "kddcup-rootkit-imap_vs_back", "poker-8-9_vs_5", "kr-vs-k-zero_vs_fifteen",
        "abalone-20_vs_8_9_10", "poker-8-9_vs_6", "winequality-white-3-9_vs_5",
        "kr-vs-k-zero_vs_eight", "abalone-19_vs_10-11-12-13", "kddcup-land_vs_portsweep",
        "winequality-white-3_vs_7", "yeast6", "abalone-22_vs_8", "abalone-17_vs_7-8-9-10",
        "ecoli_0_1_3_7_vs_2_6", "winequality-red-8_vs_6", "winequality-white-9_vs_4",
        "abalone-3_vs_11", "yeast-1-2-8-9_vs_7", "kddcup-guess_passwd_vs_satan",
        "winequality-red-4", "kr_vs_k_one_vs_fifteen", "kr-vs-k-zero-one_vs_draw",
        "car_good", "flare-F",
    ],
}
MIN_CLASS_ROWS = 6
N_SPLITS = 5
SMALL = 500
MIN_KEPT = 10


def load_set(cache, kind, name, max_rows):
    """X, y of a dev set after the class filter and the optional stratified row cap."""
    with np.load(Path(cache) / kind / f"{name}.npz", allow_pickle=False) as data:
        X, y = data["X"], data["y"]
    classes, counts = np.unique(y, return_counts=True)
    keep = classes[counts >= MIN_CLASS_ROWS]
    if keep.size < 2:
        keep = classes[counts >= N_SPLITS]
    mask = np.isin(y, keep)
    X, y = X[mask], y[mask]
    n_full = len(y)
    if max_rows is not None and len(y) > max_rows:
        rng = np.random.RandomState(0)
        rows = []
        for c in np.unique(y):
            members = np.flatnonzero(y == c)
            n_c = max(min(len(members), MIN_KEPT), round(len(members) * max_rows / len(y)))
            rows.append(rng.choice(members, size=n_c, replace=False))
        rows = np.sort(np.concatenate(rows))
        X, y = X[rows], y[rows]
    return X, y, n_full


def splits(y):
    repeats = 2 if len(y) < SMALL else 1
    cv = RepeatedStratifiedKFold(n_splits=N_SPLITS, n_repeats=repeats, random_state=0)
    return list(cv.split(np.zeros((len(y), 1)), y))


def _spec(estimator):
    """The estimator as specified: class names and the parameters set away from defaults."""
    if hasattr(estimator, "steps"):
        return [(name, _spec(step)) for name, step in estimator.steps]
    defaults = type(estimator)().get_params(deep=False)
    changed = {
        k: _spec(v) if hasattr(v, "get_params") else repr(v)
        for k, v in estimator.get_params(deep=False).items()
        if k not in defaults or repr(v) != repr(defaults[k])
    }
    return type(estimator).__name__, sorted(changed.items())


def param_hash(estimator):
    """Identifies a contender by its specification: a parameter the sklweight version
    adds with a default value leaves it unchanged (``--redo`` after a behaviour change)."""
    return hashlib.sha1(repr(_spec(estimator)).encode()).hexdigest()[:12]


def run_fold(X, y, train, test, estimator):
    """Fit on ``train``, score on ``test``: one result dict."""
    import torch
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import balanced_accuracy_score, f1_score
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    labels = np.unique(y)
    with threadpool_limits(1), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        estimator.fit(X[train], y[train])
        fit_s = time.perf_counter() - start
        pred = estimator.predict(X[test])
    return {
        "balanced_accuracy": float(balanced_accuracy_score(y[test], pred)),
        "macro_f1": float(f1_score(y[test], pred, labels=labels, average="macro",
                                   zero_division=0)),
        "g_mean": float(geometric_mean_score(y[test], pred, labels=labels)),
        "fit_s": fit_s,
        "n_predicted_classes": int(np.unique(pred).size),
        "warnings": sorted({type(w.message).__name__ for w in caught}),
    }


def run_task(task, max_rows):
    """One stored result: ``task`` is ``(key, kind, set, contender, fold, X, y, train,
    test, estimator)``; the estimator is cloned before the fit."""
    key, kind, name, contender, i, X, y, train, test, est = task
    row = run_fold(X, y, train, test, clone(est))
    return {"key": key, "kind": kind, "set": name, "contender": contender, "fold": i,
            "max_rows": max_rows, **row}


def read_runs(path):
    runs = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                runs[row["key"]] = row
    return runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", nargs="+", choices=["multiclass", "binary"],
                        default=["multiclass", "binary"])
    parser.add_argument("--sets", nargs="+", help="dev sets to run (default: all dev sets)")
    parser.add_argument("--contenders", nargs="+",
                        help=f"default: all available of {', '.join(contender_names())}")
    parser.add_argument("--max-rows", type=int, default=None,
                        help="stratified subsample of sets with more rows")
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel folds (joblib)")
    parser.add_argument("--cache", default=None)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "tabular_results.md"))
    parser.add_argument("--redo", nargs="+", default=[], help="contenders to recompute")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the stored runs, fit nothing")
    args = parser.parse_args(argv)

    cache = Path(args.cache or os.environ.get("SKLWEIGHT_KEEL_CACHE") or "/work/keel_cache")
    if not (cache / "READY").exists():
        parser.error(f"no {cache}/READY: run benchmarks/keel_extract.py first")
    names = args.contenders or contender_names()
    unknown = set(names) - set(contender_names(everything=True))
    if unknown:
        parser.error(f"unknown contenders {sorted(unknown)}; known: {contender_names(True)}")
    dev = {kind: DEV_SETS[kind] for kind in args.kind}
    if args.sets:
        wrong = set(args.sets) - {s for sets in dev.values() for s in sets}
        if wrong:
            parser.error(f"not dev sets of {args.kind}: {sorted(wrong)}")
        dev = {kind: [s for s in sets if s in args.sets] for kind, sets in dev.items()}

    runs_path = cache / "tabular_runs.jsonl"
    runs = read_runs(runs_path)
    tasks, info, expected = [], {}, {}
    for kind, sets in dev.items():
        for name in sets:
            X, y, n_full = load_set(cache, kind, name, args.max_rows)
            folds = splits(y)
            info[(kind, name)] = {"n_rows": len(y), "n_full": n_full, "n_folds": len(folds),
                                  "n_classes": int(np.unique(y).size)}
            for contender in names:
                template = build(contender, None, random_state=0)
                phash = param_hash(template)
                keys = [f"{kind}|{name}|{len(y)}|{contender}|{phash}|{i}"
                        for i in range(len(folds))]
                expected[(kind, name, contender)] = keys
                for i, ((train, test), key) in enumerate(zip(folds, keys, strict=True)):
                    if key in runs and contender not in args.redo:
                        continue
                    est = build(contender, y[train], random_state=0)
                    tasks.append((key, kind, name, contender, i, X, y, train, test, est))
    tasks.sort(key=lambda t: info[(t[1], t[2])]["n_rows"])
    print(f"{len(tasks)} fits to run ({len(runs)} stored)", flush=True)
    command = "python benchmarks/tabular.py " + shlex.join(sys.argv[1:] if argv is None
                                                           else argv)
    anchors = [a for a in ANCHORS if a in names]
    host = machine()

    def report():
        write_report(Path(args.out), runs, expected, dev, names, anchors, info,
                     args.max_rows, command, host)

    if tasks and not args.report_only:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
            delayed(run_task)(t, args.max_rows) for t in tasks
        )
        with runs_path.open("a") as out:
            for done, row in enumerate(results, 1):
                out.write(json.dumps(row) + "\n")
                out.flush()
                runs[row["key"]] = row
                print(f"[{done}/{len(tasks)}] {row['kind']} {row['set']} {row['contender']} "
                      f"fold {row['fold']}: BA {row['balanced_accuracy']:.3f} "
                      f"{row['fit_s']:.1f} s", flush=True)
                if done % 100 == 0:
                    report()

    report()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
