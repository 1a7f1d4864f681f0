"""The ``sklweight`` command line: ``sklweight compare`` (also ``python -m sklweight compare``).

Bad input raises :class:`~.errors.CompareError`; :func:`main` prints it as
``sklweight compare: error: <message>`` on stderr and returns 2, argparse's status for bad
usage, without a traceback. Every input is checked (the options, the output paths, the
CSV file and its columns, the strategy names, the folds) before torch is imported and
before any training, so ``--help``, ``--version`` and every such error answer at once.
Everything printed goes through :func:`printable`: control characters in labels or
column names are shown escaped, never sent to the terminal. The options themselves are
in :mod:`._parser`.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager

from ._parser import PROG, build_parser
from .errors import CompareError

__all__ = ["build_parser", "main", "printable"]

def _list_strategies(out):
    from .references import registered_references
    from .strategies import BASELINE, registered_strategies

    entries = registered_strategies()
    width = max(len(s.name) for s in entries + registered_references())
    print("strategies (--strategies a,b,c):", file=out)
    for s in entries:
        marks = []
        if s.name == BASELINE:
            marks.append("baseline, always run")
        if s.uses_weights:
            marks.append("needs a weight column")
        if not s.scenarios:
            marks.append("only when named")
        elif "imbalance" not in s.scenarios:
            marks.append("default with a weight column or --noisy-labels")
        reason = s.unavailable_reason()
        if reason is not None:
            marks.append(f"unavailable: {reason}")
        suffix = f" [{'; '.join(marks)}]" if marks else ""
        print(f"  {s.name.ljust(width)}  {s.description}{suffix}", file=out)
    print("reference models (every run, on the same folds):", file=out)
    for r in registered_references():
        reason = r.unavailable_reason()
        suffix = "" if reason is None else f" [unavailable: {reason}]"
        print(f"  {r.name.ljust(width)}  {r.description}{suffix}", file=out)


def printable(text):
    r"""``text`` with every control character but the line break shown escaped.

    Examples
    --------
    >>> printable("a\x1b[31mb\tc")
    'a\\x1b[31mb\\tc'
    """
    if text.isprintable():
        return text
    return "\n".join(
        "".join(c if c.isprintable() else repr(c)[1:-1] for c in line)
        for line in text.split("\n")
    )


def _say(text, file):
    print(printable(str(text)), file=file)


def _check_output(path, option):
    """Refuse an output file that cannot be written, before any training."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise CompareError(f"{option} {path!r}: the folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise CompareError(f"{option} {path!r} is a folder; give a file name")
    existed = os.path.exists(path)
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise CompareError(
            f"{option} {path!r} cannot be written ({exc.strerror or exc}); choose another "
            "path"
        ) from None
    if not existed:
        os.remove(path)


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
    for s in comparison.strategies + comparison.references:
        for message, count in s.warnings.items():
            text = " ".join(message.split())
            text = text if len(text) <= width else text[:width - 3] + "..."
            lines.append(f"warning: {s.name}, {count} of {s.n_splits} fits: {text}")
    return lines


def _compare(args, out, err):
    if args.list_strategies:
        _list_strategies(out)
        return 0
    from .comparison import check_cv
    from .strategies import select_strategies

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
    if cv < 2 or repeats < 1:
        check_cv([0, 0], cv, repeats)  # the same messages, before any data is read
    names = None
    if args.strategies is not None:
        names = [n.strip() for n in args.strategies.split(",") if n.strip()]
        if not names:
            raise CompareError("--strategies is empty; see --list-strategies")
    data = _load_data(args)
    notes = check_cv(data.y, cv, repeats)
    has_weights = data.sample_weight is not None
    strategies = select_strategies(names, has_weights=has_weights,
                                   noisy_labels=args.noisy_labels)
    if str(args.device).startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise CompareError(f"--device {args.device!r} but torch finds no CUDA device "
                               "(install a CUDA build of torch, or use --device cpu)")
    return _run(args, data, strategies, names, notes, cv, repeats, max_epochs, out, err)


def _run(args, data, strategies, names, notes, cv, repeats, max_epochs, out, err):
    """Train, then write and print the results (every input has been checked)."""
    from tqdm import tqdm

    from .comparison import estimator_settings, run_comparison
    from .references import available_references
    from .summary import comparison_dict
    from .table import format_per_class, format_table

    references, left_out = available_references(n_features=data.X.shape[1])
    if not args.references:
        references, left_out = [], {}
    if names is not None and "ce" not in names:
        notes.append("note: added the baseline 'ce' (plain cross-entropy) to compare with")
    if data.sample_weight is not None:
        notes.append(f"note: scores on the validation rows are weighted by the weight column "
                     f"{data.weight_name!r}")
    for name, reason in left_out.items():
        notes.append(f"note: reference model {name} left out: {reason}")
    if not args.quiet:
        _say(data.description, err)
        for note in notes:
            _say(note, err)
    n_splits = cv * repeats
    n_fits = (len(strategies) + len(references)) * n_splits
    if args.dry_run:
        _say(f"strategies: {', '.join(s.name for s in strategies)}", out)
        _say(f"reference models: {', '.join(r.name for r in references) or 'none'}", out)
        _say(f"{cv}-fold CV x {repeats} repeats: at most {n_fits} fits"
             + (", fewer with racing" if args.racing else ""), out)
        return 0
    params = estimator_settings(max_epochs=max_epochs, early_stopping=args.early_stopping,
                                device=args.device)
    with _backend(args) as (n_jobs, backend), _progress_bar(n_fits, args.quiet) as bar:
        def dropped(d):
            bar.total -= n_splits - d.after_splits
            bar.refresh()
            if not args.quiet:
                tqdm.write(printable(f"racing: dropped {d.strategy}: {d.reason}"), file=err)

        comparison, recommendation = run_comparison(
            data, strategies, references=references, cv=cv, repeats=repeats,
            seed=args.seed, metric=args.metric, estimator_params=params,
            racing=args.racing, n_jobs=n_jobs, backend=backend,
            progress=lambda fit: bar.update(1), on_drop=dropped,
        )
    if not args.quiet:
        settings = comparison.settings
        raced = "" if settings["n_fits"] == settings["n_fits_exhaustive"] else (
            f" (racing: {settings['n_fits']} of the {settings['n_fits_exhaustive']} fits "
            "of an exhaustive run)")
        _say(f"{settings['n_fits']} fits in {comparison.wall_time:.0f} s on {backend}{raced}",
             err)
        for line in _warning_notes(comparison, n_splits):
            _say(line, err)
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
    _say(format_table(comparison, recommendation), out)
    _say("", out)
    _say(format_per_class(comparison, recommendation), out)
    if written:
        _say("\nwrote " + ", ".join(written), out)
    _say("\nRecommendation", out)
    for line in recommendation.text:
        _say(f"  {line}", out)
    if recommendation.code:
        _say("\nThe Python that builds it:\n", out)
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
        print(printable(f"{PROG}: error: {exc}"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
