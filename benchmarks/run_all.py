"""Run every speed benchmark at a size that finishes in a few minutes; write results.md.

Usage::

    python benchmarks/run_all.py [--out benchmarks/results.md] [--rows 100000]
                                 [--rounds 7] [--full]

One command (``make bench``) for the speed bars (docs/benchmarks.rst): whole fits on large data
(``bench_fit.py``), on breast_cancer and digits (``bench_small.py``), ``predict_proba``
throughput (``bench_predict.py``), peak memory (``bench_memory.py``) and the losses'
forward + backward (``bench_losses.py``), each against its references in the same
process (memory: the same machine, one process each), then the bars with the measured
ratios. ``--full`` runs the sizes of the specification (200 000 rows, more rounds: tens
of minutes); the default reduces the large-data rows and says so in the report (batches
per epoch stay in the hundreds at batch 128).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_fit  # noqa: E402
import bench_losses  # noqa: E402
import bench_memory  # noqa: E402
import bench_predict  # noqa: E402
import bench_small  # noqa: E402
from _common import machine, markdown_table  # noqa: E402


def _find(results, **match):
    return [r for r in results if all(r[k] == v for k, v in match.items())]


def bars(fit, small, predict, memory, losses):
    """(bar, measured, ok) rows of the speed bars, from the results."""
    rows = []
    for r in fit + small:
        if r["contender"].startswith("sklweight") and "default Adam" not in r["contender"]:
            where = (f"batch {r['batch_size']}, {r['config']}" if "config" in r
                     else r["dataset"])
            rows.append((f"<= 1.10 x loop: {where}", f"{r['ratio']:.2f}", r["ratio"] <= 1.10))
    for batch, bar in ((128, 2.0), (1024, 4.0)):
        skorch = _find(fit, batch_size=batch, config="plain", contender="stock skorch")
        if skorch:
            speedup = skorch[0]["vs_sklweight"]
            rows.append((f">= {bar:.0f} x faster than stock skorch, batch {batch}",
                         f"{speedup:.2f}", speedup >= bar))
    for r in memory[1:]:
        rows.append((f"peak memory <= 1.3 x loop: {r['contender']}", f"{r['ratio']:.2f}",
                     r["ratio"] <= 1.3))
    for r in predict[1:]:
        rows.append((f"predict_proba >= 0.9 x loop throughput: {r['contender']}",
                     f"{r['throughput_ratio']:.2f}", r["throughput_ratio"] >= 0.9))
    for r in (r for r in losses if r["bar"] is not None):
        rows.append((f"{r['loss']} <= {r['bar']:.1f} x CE ({r['shape']})",
                     f"{r['ratio_min']:.2f}", r["ratio_min"] <= r["bar"]))
    return rows


def _in_fresh_process(function, **kwargs):
    """Run ``function(**kwargs)`` in a new interpreter (``spawn``) and return its result.

    The loss benchmark times single N x K passes, whose cost depends on what the process
    allocated and freed before (fresh buffers, page faults). Measured in one session on
    the 2-core box: run after the fit benchmarks in the same process, the reference took
    26.8 ms instead of 20.0 ms at (65536, 100) and LDAM 1.94 x it instead of 1.55 x; in a
    process of its own every loss and its reference meet the same state.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, **kwargs).result()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.md"))
    parser.add_argument("--rows", type=int, default=100_000, help="large-data rows")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=7, help="large-data rounds")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads for large data and predict (default: torch's)")
    parser.add_argument("--full", action="store_true", help="the specification's sizes")
    args = parser.parse_args(argv)
    if args.full:
        args.rows, args.rounds = 200_000, 9
    small_rounds, predict_rows = (21, 200_000) if args.full else (11, 100_000)
    info = machine()
    start = time.perf_counter()
    print("machine:", info, flush=True)
    print("large-data fits ...", flush=True)
    fit = bench_fit.run(rows=args.rows, epochs=args.epochs, rounds=args.rounds,
                        n_threads=args.threads)
    print("\n".join(bench_fit.table(fit)), flush=True)
    print("small-data fits ...", flush=True)
    small = bench_small.run(rounds=small_rounds)
    print("\n".join(bench_small.table(small)), flush=True)
    print("predict_proba ...", flush=True)
    predict = bench_predict.run(rows=predict_rows, n_threads=args.threads)
    print("\n".join(bench_predict.table(predict)), flush=True)
    print("peak memory ...", flush=True)
    memory = bench_memory.run()
    print("\n".join(bench_memory.table(memory)), flush=True)
    print("losses ...", flush=True)
    losses = _in_fresh_process(bench_losses.run, rounds=25)
    elapsed = time.perf_counter() - start
    try:
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass

    lines = ["# Speed benchmarks", "",
             f"Written by `benchmarks/run_all.py` ({'--full' if args.full else 'default sizes'})"
             f" in {elapsed / 60:.1f} minutes. Method: `benchmarks/README.md` (interleaved "
             "shuffled rounds after a warm-up, median; references in the same process).",
             "", "## Machine", ""]
    lines += [f"* {key}: {value}" for key, value in info.items()]
    lines += ["", "A load average near or above the number of cores means other jobs shared "
              "the CPU: compare ratios, not seconds, and rerun on a quiet machine.", ""]
    lines += ["## Bars", ""]
    lines += markdown_table(["bar", "measured", "met"],
                            [(b, m, "yes" if ok else "**no**")
                             for b, m, ok in bars(fit, small, predict, memory, losses)])
    lines += ["", "## Large data: whole fits", "",
              f"{args.rows} x {bench_fit.FEATURES} float32, 4 classes, 64-64-4 MLP, Adam, "
              f"{args.epochs} epochs per fit, torch threads {args.threads or 'default'}, median of "
              f"{args.rounds} rounds" + ("" if args.full else
                                         " (the specification's 200 000 rows reduced to fit "
                                         "the few-minutes budget: "
                                         f"{-(-args.rows // 128)} batches per epoch at 128, "
                                         f"{-(-args.rows // 1024)} at 1024; `--full` runs "
                                         "them)") + ".", ""]
    lines += bench_fit.table(fit)
    lines += ["", "## Small data: whole fits", "",
              f"One hidden layer of 100, 50 epochs, one thread, median of {small_rounds} "
              "rounds.", ""]
    lines += bench_small.table(small)
    lines += ["", "## predict_proba", "",
              f"{predict_rows} x {bench_fit.FEATURES}, the 64-64-4 MLP, public calls with "
              "their input validation.", ""]
    lines += bench_predict.table(predict)
    lines += ["", "## Peak memory", "", "1 000 000 x 100 float32 (381 MiB), one epoch at "
              "batch 1024, one fresh process per contender.", ""]
    lines += bench_memory.table(memory)
    lines += ["", "## Losses: forward + backward", "",
              "Each loss Module at its defaults vs `F.cross_entropy`, as the classifiers "
              "call them (inside `skip_value_checks()`), torch's default threads, "
              "fastest of 25 rounds (median beside it), in a process of its own. The "
              "(context) rows have no bar: torch's own cross-entropy of LDAM's scaled "
              "logits, what LDAM costs without its margin when written by hand.", ""]
    lines += markdown_table(
        ["logits", "loss", "min ms", "median ms", "x CE (min)", "x CE (median)", "bar"],
        [(r["shape"], r["loss"], f"{r['min_ms']:.2f}", f"{r['median_ms']:.2f}",
          f"{r['ratio_min']:.2f}", f"{r['ratio_median']:.2f}",
          "-" if r["bar"] is None else f"{r['bar']:.1f}")
         for r in losses])
    with open(args.out, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"\nwrote {args.out} ({elapsed / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
