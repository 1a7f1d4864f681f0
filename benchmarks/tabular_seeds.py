"""How much of a sklweight contender's place in ``tabular.py``'s table is its seed.

Usage::

    python benchmarks/tabular_seeds.py [--contenders recipe_tabular] [--seeds 0 1 2]
        [--kind multiclass binary] [--max-rows 1000] [--n-jobs 1] [--cache DIR]

``tabular.py`` fits every contender with ``random_state=0``. A network's balanced accuracy
on a test fold that holds two rows of the minority class moves with its initialisation,
and so does its rank on a set where the contenders lie within a few thousandths
(dermatology). This script refits the named sklweight contenders with each of ``--seeds``
(the CV splits and every other contender stay as in the table, read from the runs that
``tabular.py`` stored, which must be complete for the chosen sets and ``--max-rows``) and
prints, per seed and averaged over the seeds:

* the contender's mean balanced accuracy over the dev sets;
* its mean rank among all of the table's contenders, in its own place (1 = best), and the
  best mean rank of the others;
* its mean rank against ``BalancedRandomForestClassifier`` and balanced
  ``LogisticRegression`` alone, the form of the recipe's bar on the held-out sets.

The refits are stored with the table's runs (``<cache>/tabular_runs.jsonl``; the seed is
part of the contender's parameter hash), so a rerun fits only what is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np
from scipy.stats import rankdata
from tabular import DEV_SETS, load_set, param_hash, read_runs, run_task, splits
from tabular_contenders import SKLWEIGHT, build, contender_names

PAIR = ("brf", "lr_balanced")


def _keys(kind, name, n_rows, contender, seed, n_folds):
    phash = param_hash(build(contender, None, random_state=seed))
    return [f"{kind}|{name}|{n_rows}|{contender}|{phash}|{i}" for i in range(n_folds)]


def _mean_ba(runs, keys):
    return float(np.mean([runs[k]["balanced_accuracy"] for k in keys]))


def _ranks(ba, names, contender):
    """Mean rank of ``contender`` among ``names``, best other mean rank, three-way rank."""
    ranks = np.vstack([rankdata(-row) for row in ba]).mean(axis=0)
    me = names.index(contender)
    others = np.delete(ranks, me)
    trio = [me] + [names.index(c) for c in PAIR]
    three = np.vstack([rankdata(-row) for row in ba[:, trio]]).mean(axis=0)
    return ranks[me], others.min(), three


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contenders", nargs="+", default=["recipe_tabular"],
                        choices=SKLWEIGHT)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--kind", nargs="+", choices=["multiclass", "binary"],
                        default=["multiclass", "binary"])
    parser.add_argument("--max-rows", type=int, default=1000)
    parser.add_argument("--n-jobs", type=int, default=1, help="parallel folds (joblib)")
    parser.add_argument("--cache", default=None)
    args = parser.parse_args(argv)

    cache = Path(args.cache or os.environ.get("SKLWEIGHT_KEEL_CACHE") or "/work/keel_cache")
    if not (cache / "READY").exists():
        parser.error(f"no {cache}/READY: run benchmarks/keel_extract.py first")
    runs_path = cache / "tabular_runs.jsonl"
    runs = read_runs(runs_path)
    table = contender_names()
    data, tasks, missing = {}, [], []
    for kind in args.kind:
        for name in DEV_SETS[kind]:
            X, y, _ = load_set(cache, kind, name, args.max_rows)
            folds = splits(y)
            data[(kind, name)] = (len(y), len(folds))
            for contender in table:
                if contender in args.contenders:
                    continue
                if any(k not in runs for k in _keys(kind, name, len(y), contender, 0,
                                                    len(folds))):
                    missing.append(f"{kind} {name} {contender}")
            for contender in args.contenders:
                for seed in args.seeds:
                    keys = _keys(kind, name, len(y), contender, seed, len(folds))
                    for i, ((train, test), key) in enumerate(zip(folds, keys, strict=True)):
                        if key not in runs:
                            est = build(contender, y[train], random_state=seed)
                            tasks.append((key, kind, name, contender, i, X, y, train, test,
                                          est))
    if missing:
        parser.error(f"{len(missing)} (set, contender) pairs lack stored runs at "
                     f"--max-rows {args.max_rows}, e.g. {missing[0]}: run "
                     f"benchmarks/tabular.py --max-rows {args.max_rows} first")
    print(f"{len(tasks)} fits to run", flush=True)
    if tasks:
        from joblib import Parallel, delayed

        with runs_path.open("a") as out:
            for row in Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(
                    delayed(run_task)(t, args.max_rows) for t in tasks):
                out.write(json.dumps(row) + "\n")
                out.flush()
                runs[row["key"]] = row

    for contender in args.contenders:
        for kind in args.kind:
            sets = DEV_SETS[kind]
            print(f"\n{contender}, {kind} ({len(sets)} dev sets); three-way: "
                  f"{contender} / {' / '.join(PAIR)}")
            rows = []
            for seed in args.seeds:
                ba = np.array([[
                    _mean_ba(runs, _keys(kind, name, data[(kind, name)][0], c,
                                         seed if c == contender else 0, data[(kind, name)][1]))
                    for c in table] for name in sets])
                rank, best_other, three = _ranks(ba, table, contender)
                rows.append([ba[:, table.index(contender)].mean(), rank, best_other, *three])
                print(f"  seed {seed}: mean {rows[-1][0]:.3f}, rank {rank:.2f} (best other "
                      f"{best_other:.2f}), three-way {three[0]:.2f} / {three[1]:.2f} / "
                      f"{three[2]:.2f}")
            m = np.mean(rows, axis=0)
            print(f"  mean over seeds: mean {m[0]:.3f}, rank {m[1]:.2f} (best other "
                  f"{m[2]:.2f}), three-way {m[3]:.2f} / {m[4]:.2f} / {m[5]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
