"""The ``sklweight`` command line: ``sklweight compare`` (also ``python -m sklweight compare``).

Bad input raises :class:`~.errors.CompareError`; :func:`main` prints it as
``sklweight compare: error: <message>`` on stderr and returns 2, argparse's status for bad
usage, without a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from contextlib import contextmanager

from .errors import CompareError
from .run import METRICS

__all__ = ["build_parser", "main"]

PROG = "sklweight compare"

_EPILOG = """\
examples:
  sklweight compare                                  # digits made long-tailed, ~1 minute
  sklweight compare --data noisy-digits --report noisy.html
  sklweight compare --csv data.csv --target label --weight-col confidence --json out.json
  sklweight compare --strategies ce,balanced,logit_adjusted --cv 5 --repeats 4
  sklweight compare --dask-scheduler tcp://scheduler:8786

Every strategy is cross-validated on the same stratified folds (paired differences); the
run ends with the best strategy, its paired difference to plain cross-entropy with a
Nadeau-Bengio corrected 95 % interval, and the Python that builds it.
"""


def build_parser():
    """The ``sklweight`` parser with its ``compare`` sub-command."""
    from .._version import __version__

    parser = argparse.ArgumentParser(
        prog="sklweight", description="sklweight: weighting strategies for imbalanced and "
        "unevenly-labelled data, compared on your data.",
    )
    parser.add_argument("--version", action="version", version=f"sklweight {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = commands.add_parser(
        "compare", prog=PROG, help="which weighting helps on my data?",
        description="Cross-validate weighting strategies (class weights, samplers, losses,\n"
        "sample weights) on the same folds and recommend one.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = p.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument("--data", choices=["digits-lt", "noisy-digits"], default=None,
                        help="an embedded data set (default: digits-lt, digits made "
                        "long-tailed with rho=50; noisy-digits: 30%% flipped labels with "
                        "quality weights)")
    source.add_argument("--csv", metavar="FILE", help="your data: a CSV file with a header")
    data.add_argument("--target", metavar="COL", help="label column of --csv")
    data.add_argument("--weight-col", metavar="COL",
                      help="column of non-negative row weights (e.g. label confidence) of "
                      "--csv: the +weights strategies train with it, and scores are "
                      "weighted by it")

    what = p.add_argument_group("strategies and scoring")
    what.add_argument("--strategies", metavar="A,B,...",
                      help="comma-separated strategy names (default: all available; plain "
                      "cross-entropy 'ce' is always included as the baseline)")
    what.add_argument("--list-strategies", action="store_true",
                      help="list the strategies and exit")
    what.add_argument("--metric", choices=METRICS, default="balanced_accuracy",
                      help="sorts the table and picks the best (default: %(default)s)")
    what.add_argument("--cv", type=int, default=None, metavar="K",
                      help="stratified folds (default: 5; 3 with --quick)")
    what.add_argument("--repeats", type=int, default=None, metavar="R",
                      help="repeats of the k-fold split (default: 2; 1 with --quick)")
    what.add_argument("--seed", type=int, default=0, metavar="S",
                      help="seeds data, folds and estimators (default: %(default)s)")

    est = p.add_argument_group("estimator (WeightedMLPClassifier)")
    est.add_argument("--max-epochs", type=int, default=None, metavar="N",
                     help="epochs per fit (default: the estimator's 200; 100 with --quick)")
    est.add_argument("--early-stopping", action="store_true",
                     help="stop on an internal stratified validation split (also records "
                     "the validation loss curve)")
    est.add_argument("--device", default="cpu", help="torch device (default: %(default)s)")
    est.add_argument("--quick", action="store_true",
                     help="a fast, rougher run: --cv 3 --repeats 1 --max-epochs 100 unless "
                     "given")

    par = p.add_argument_group("parallelism")
    par.add_argument("--n-jobs", type=int, default=-1, metavar="N",
                     help="parallel fits with joblib (default: -1, all cores)")
    cluster = par.add_mutually_exclusive_group()
    cluster.add_argument("--dask-scheduler", metavar="ADDRESS",
                         help="run the fits on this Dask scheduler (joblib's Dask backend)")
    cluster.add_argument("--dask-local", type=int, metavar="N",
                         help="start a local Dask cluster of N worker processes for the fits")

    out = p.add_argument_group("output")
    out.add_argument("--json", metavar="FILE", help="write the results as JSON")
    out.add_argument("--report", metavar="FILE",
                     help="write a self-contained HTML report with plots")
    out.add_argument("--quiet", action="store_true",
                     help="no progress bar or notes (the table and recommendation still print)")
    return parser


def _list_strategies(out):
    from .strategies import BASELINE, registered_strategies

    entries = registered_strategies()
    width = max(len(s.name) for s in entries)
    print("strategies (--strategies a,b,c):", file=out)
    for s in entries:
        marks = []
        if s.name == BASELINE:
            marks.append("baseline, always run")
        if s.uses_weights:
            marks.append("needs a weight column")
        if not s.default:
            marks.append("not run by default")
        reason = s.unavailable_reason()
        if reason is not None:
            marks.append(f"unavailable: {reason}")
        suffix = f" [{'; '.join(marks)}]" if marks else ""
        print(f"  {s.name.ljust(width)}  {s.description}{suffix}", file=out)


def _check_output(path, option):
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CompareError(f"{option} {path!r}: the folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise CompareError(f"{option} {path!r} is a folder; give a file name")


def _load_data(args):
    from .data import load_csv, load_dataset

    if args.csv is None:
        if args.target or args.weight_col:
            raise CompareError("--target and --weight-col go with --csv FILE")
        return load_dataset(args.data or "digits-lt", seed=args.seed)
    if not args.target:
        raise CompareError("--csv needs --target COL (the label column)")
    return load_csv(args.csv, args.target, args.weight_col)


@contextmanager
def _backend(args):
    """Yield ``(n_jobs, description)`` with joblib's backend set for the fits."""
    if args.dask_scheduler is None and args.dask_local is None:
        yield args.n_jobs, f"joblib, n_jobs={args.n_jobs}"
        return
    try:
        from distributed import Client, LocalCluster
        from joblib import parallel_config
    except ImportError:
        raise CompareError("Dask needs the distributed package: pip install "
                           "'dask[distributed]'") from None
    cluster = None
    if args.dask_local is not None:
        if args.dask_local < 1:
            raise CompareError(f"--dask-local needs at least 1 worker. Got {args.dask_local}.")
        cluster = LocalCluster(
            n_workers=args.dask_local, threads_per_worker=1, processes=True,
            dashboard_address=None, silence_logs=logging.ERROR,
        )
        where = f"a local Dask cluster of {args.dask_local} worker processes"
        client = Client(cluster)
    else:
        try:
            client = Client(args.dask_scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise CompareError(
                f"cannot connect to the Dask scheduler at {args.dask_scheduler!r}: {exc}"
            ) from None
        where = f"the Dask scheduler at {args.dask_scheduler}"
    try:
        with parallel_config(backend="dask"):
            yield -1, f"joblib's Dask backend on {where}"
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _progress_bar(total, quiet):
    from tqdm import tqdm

    enabled = not quiet and sys.stderr.isatty()
    return tqdm(total=total, desc="fits", unit="fit", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True)


def _warning_notes(comparison, n_splits, width=240):
    """One line per distinct warning a strategy's fits raised."""
    lines = []
    for s in comparison.strategies:
        for message, count in s.warnings.items():
            text = " ".join(message.split())
            text = text if len(text) <= width else text[:width - 3] + "..."
            lines.append(f"warning: {s.name}, {count} of {n_splits} fits: {text}")
    return lines


def _compare(args, out, err):
    from .comparison import check_cv, estimator_settings, run_comparison
    from .strategies import select_strategies
    from .summary import comparison_dict
    from .table import format_per_class, format_table

    if args.list_strategies:
        _list_strategies(out)
        return 0
    for path, option in ((args.json, "--json"), (args.report, "--report")):
        if path is not None:
            _check_output(path, option)
    if args.report is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise CompareError("--report draws its plots with matplotlib: pip install "
                               "matplotlib (or 'sklweight[compare]')") from None
    cv = args.cv if args.cv is not None else 3 if args.quick else 5
    repeats = args.repeats if args.repeats is not None else 1 if args.quick else 2
    max_epochs = args.max_epochs if args.max_epochs is not None else 100 if args.quick else None
    if max_epochs is not None and max_epochs < 1:
        raise CompareError(f"--max-epochs must be at least 1. Got {max_epochs}.")
    if args.n_jobs == 0:
        raise CompareError("--n-jobs must not be 0 (use 1 for no parallelism, -1 for all cores)")
    if str(args.device).startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise CompareError(f"--device {args.device!r} but torch finds no CUDA device "
                               "(install a CUDA build of torch, or use --device cpu)")
    data = _load_data(args)
    names = None
    if args.strategies is not None:
        names = [n.strip() for n in args.strategies.split(",") if n.strip()]
        if not names:
            raise CompareError("--strategies is empty; see --list-strategies")
    has_weights = data.sample_weight is not None
    strategies = select_strategies(names, has_weights=has_weights)
    notes = check_cv(data.y, cv, repeats)
    if names is not None and "ce" not in names:
        notes.append("note: added the baseline 'ce' (plain cross-entropy) to compare with")
    if has_weights:
        notes.append(f"note: scores on the validation rows are weighted by the weight column "
                     f"{data.weight_name!r}")
    if not args.quiet:
        print(f"{data.description}", file=err)
        for note in notes:
            print(note, file=err)
    params = estimator_settings(max_epochs=max_epochs, early_stopping=args.early_stopping,
                                device=args.device)
    n_splits = cv * repeats
    n_fits = len(strategies) * n_splits
    with _backend(args) as (n_jobs, backend), _progress_bar(n_fits, args.quiet) as bar:
        comparison, recommendation = run_comparison(
            data, strategies, cv=cv, repeats=repeats, seed=args.seed, metric=args.metric,
            estimator_params=params, n_jobs=n_jobs, backend=backend,
            progress=lambda fit: bar.update(1),
        )
    if not args.quiet:
        print(f"{n_fits} fits in {comparison.wall_time:.0f} s on {backend}", file=err)
        for line in _warning_notes(comparison, n_splits):
            print(line, file=err)
    written = []
    if args.json is not None:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(comparison_dict(comparison, recommendation), f, indent=1,
                      allow_nan=False)
        written.append(args.json)
    if args.report is not None:
        from .report import write_report

        write_report(args.report, comparison, recommendation)
        written.append(args.report)
    # the table, then the recommendation last, on stdout
    print(format_table(comparison, recommendation), file=out)
    print("", file=out)
    print(format_per_class(comparison), file=out)
    if written:
        print("\nwrote " + ", ".join(written), file=out)
    print("\nRecommendation", file=out)
    for line in recommendation.text:
        print(f"  {line}", file=out)
    if recommendation.code:
        print("\nThe Python that builds it:\n", file=out)
        print(recommendation.code, end="", file=out)
    return 0


def main(argv=None):
    """Run the ``sklweight`` command; returns the exit status (0 ok, 2 bad input).

    Parameters
    ----------
    argv : list of str or None, default=None
        The arguments after the program name (``None``: ``sys.argv[1:]``).

    Returns
    -------
    status : int
    """
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits 2 itself on bad usage
    try:
        return _compare(args, sys.stdout, sys.stderr)
    except CompareError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
