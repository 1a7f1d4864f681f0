"""The options of ``sklweight compare``: its argparse parser, help text and examples.

:mod:`.cli` parses with it, checks the values and runs the comparison.
"""

from __future__ import annotations

import argparse

from .run import METRICS

__all__ = ["PROG", "build_parser"]

PROG = "sklweight compare"

_EPILOG = """\
examples:
  sklweight compare                                  # digits made long-tailed, ~1 minute
  sklweight compare --data noisy-digits --report noisy.html
  sklweight compare --csv data.csv --target label --weight-col confidence --json out.json
  sklweight compare --strategies ce,balanced,logit_adjusted --cv 5 --repeats 4
  sklweight compare --dask-scheduler tcp://scheduler:8786

Every strategy is cross-validated on the same stratified folds (paired differences), beside
reference models (balanced logistic regression, gradient boosting, balanced random forest);
strategies clearly behind the leader stop early (--no-racing runs them all). A strategy is
recommended only when it beats plain cross-entropy beyond the fold-to-fold noise (a
Nadeau-Bengio corrected 95 % interval) and loses nothing beyond the noise on macro-F1 or
worst-class recall; otherwise the answer is plain cross-entropy. The run ends with the
Python that builds the recommended model.
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
                      help="comma-separated strategy names (default: the imbalance "
                      "strategies, and the noisy-label ones with --weight-col or "
                      "--noisy-labels; plain cross-entropy 'ce' is always included as the "
                      "baseline)")
    what.add_argument("--noisy-labels", action="store_true",
                      help="the labels are of uneven quality: add the noisy-label "
                      "strategies (bounded losses, label-quality weights, the noisy-labels "
                      "recipe) to the default set (automatic with --weight-col)")
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
    what.add_argument("--no-references", dest="references", action="store_false",
                      help="leave out the reference models (balanced logistic regression, "
                      "gradient boosting, balanced random forest)")
    what.add_argument("--no-racing", dest="racing", action="store_false",
                      help="run every split of every strategy (default: strategies clearly "
                      "behind the leader after a block of splits stop early)")

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
                     help="parallel fits with joblib, one torch thread each (default: -1, "
                     "every core)")
    cluster = par.add_mutually_exclusive_group()
    cluster.add_argument("--dask-scheduler", metavar="ADDRESS",
                         help="run the fits on this Dask scheduler (joblib's Dask backend)")
    cluster.add_argument("--dask-local", type=int, metavar="N",
                         help="start a local Dask cluster of N worker processes for the fits")

    out = p.add_argument_group("output")
    out.add_argument("--json", metavar="FILE", help="write the results as JSON")
    out.add_argument("--report", metavar="FILE",
                     help="write a self-contained HTML report with plots")
    out.add_argument("--dry-run", action="store_true",
                     help="check the inputs, print what would run (strategies, reference "
                     "models, fits) and exit without training")
    out.add_argument("--quiet", action="store_true",
                     help="no progress bar or notes (the table and recommendation still print)")
    return parser
