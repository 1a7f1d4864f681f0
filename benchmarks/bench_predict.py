"""``predict_proba`` throughput: sklweight vs hand-written torch inference.

Usage::

    python benchmarks/bench_predict.py [--rows 200000] [--rounds 7] [--threads T]

The 64-64-4 MLP of ``bench_fit.py`` is trained for one epoch (the weights do not matter)
by a ``WeightedNeuralNetClassifier`` (``batch_size=128``, skorch's default) and a
``WeightedMLPClassifier``; the reference runs the net's own module on the whole array the
way one writes it by hand: ``torch.inference_mode()``, ``softmax(module(X))`` in one
batch, ``.numpy()``. sklweight's calls are the public ones, input validation included.
Throughput ratio = reference time / contender time (>= 1: at least as fast); median over
interleaved rounds.
"""

from __future__ import annotations

import argparse
import warnings

import torch
from _common import markdown_table, run_interleaved, threads
from bench_fit import FEATURES, make_data, module
from sklearn.exceptions import ConvergenceWarning

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier


def run(rows=200_000, rounds=7, n_threads=None, seed=0):
    X, y, _ = make_data(rows, seed)
    with threads(n_threads):
        net = WeightedNeuralNetClassifier(
            module, batch_size=128, max_epochs=1, train_split=None, verbose=0,
            random_state=0,
        ).fit(X[:5000], y[:5000])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mlp = WeightedMLPClassifier(64, max_epochs=1, random_state=0).fit(X[:5000], y[:5000])
        model = net.module_

        def by_hand():
            with torch.inference_mode():
                return torch.softmax(model(torch.from_numpy(X)), dim=-1).numpy()

        fns = {
            "hand-written inference": by_hand,
            "sklweight WeightedNeuralNetClassifier.predict_proba": lambda: net.predict_proba(X),
            "sklweight WeightedMLPClassifier.predict_proba": lambda: mlp.predict_proba(X),
        }
        timings = run_interleaved(fns, rounds, seed=seed)
    reference = timings["hand-written inference"]
    return [
        {"contender": name, "median_s": t.median, "min_s": t.min,
         "rows_per_s": rows / t.median, "throughput_ratio": reference.median / t.median}
        for name, t in timings.items()
    ]


def table(results):
    header = ["contender", "median s", "rows / s", "throughput x hand-written"]
    rows = [
        [r["contender"], f"{r['median_s']:.3f}", f"{r['rows_per_s']:,.0f}",
         f"{r['throughput_ratio']:.2f}"]
        for r in results
    ]
    return markdown_table(header, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)
    results = run(args.rows, args.rounds, args.threads)
    print(f"{args.rows} x {FEATURES}, torch threads {args.threads or torch.get_num_threads()}")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
