"""The data ``sklweight compare`` runs on: the embedded defaults and the user's CSV file.

Every loader returns a :class:`CompareData`. What is cross-validated and what is held out:

* The **training data** (``X``, ``y``, ``sample_weight``) is what the strategies are
  cross-validated on, with the same folds for every strategy. For a CSV file that is the
  whole file.
* The embedded data sets also have a **held-out test set** (``X_test``, ``y_test``): the
  balanced test set of :mod:`sklweight.datasets`, never seen by the cross-validation.
  Each strategy is refitted once on the whole training data and scored there too; that
  column answers "did the cross-validation pick what generalises?".

The CSV loader checks the file and its columns and raises :class:`CompareError` with the
fix for each problem it finds (missing file or column, empty file, one-class target, a
class with one row, a non-numeric, negative or missing weight).
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from functools import partial

import numpy as np

from .errors import CompareError
from .strategies import python_literal

__all__ = ["DATASETS", "CompareData", "load_csv", "load_dataset"]


@dataclass
class CompareData:
    """A data set ready for the comparison.

    Attributes
    ----------
    name : str
        Short name shown in the outputs.
    description : str
        One sentence on where the data come from.
    X : ndarray or pandas.DataFrame
        Training features (cross-validated).
    y : ndarray
        Training labels.
    sample_weight : ndarray or None
        The weight column, or None.
    weight_name : str or None
        The weight column's name, or None.
    X_test, y_test : ndarray or None
        A held-out test set, when the data set has one.
    preprocessor : callable
        ``preprocessor() -> transformer``: a new unfitted preprocessing step.
    preprocessor_code : str
        Python expression building the same step.
    imports : tuple of str
        Import lines for ``preprocessor_code`` and ``load_code``.
    load_code : str
        Python lines defining ``X`` and ``y`` (and the weight column) as the command did.
    weight_code : str or None
        Python expression for the weight column after ``load_code``.
    """

    name: str
    description: str
    X: object
    y: np.ndarray
    sample_weight: np.ndarray | None
    weight_name: str | None
    X_test: object
    y_test: np.ndarray | None
    preprocessor: object
    preprocessor_code: str
    imports: tuple
    load_code: str
    weight_code: str | None = None

    @property
    def classes(self):
        """The sorted class labels."""
        return np.unique(self.y)

    @property
    def class_counts(self):
        """Training rows per class, aligned with :attr:`classes`."""
        return np.unique(self.y, return_counts=True)[1]


def _standard_scaler():
    from sklearn.preprocessing import StandardScaler

    return StandardScaler()


def _digits_lt(seed):
    from ..datasets import make_long_tailed_digits

    X, X_test, y, y_test = make_long_tailed_digits(imbalance=50, random_state=seed)
    return CompareData(
        name="digits-LT",
        description=(
            "scikit-learn's digits made long-tailed (sklweight.datasets."
            f"make_long_tailed_digits, rho=50, seed {seed}): {len(y)} training rows from "
            f"{np.bincount(y).max()} down to {np.bincount(y).min()} per class; balanced "
            f"held-out test set of {len(y_test)} rows."
        ),
        X=X, y=y, sample_weight=None, weight_name=None, X_test=X_test, y_test=y_test,
        preprocessor=_standard_scaler, preprocessor_code="StandardScaler()",
        imports=(
            "from sklearn.preprocessing import StandardScaler",
            "from sklweight.datasets import make_long_tailed_digits",
        ),
        load_code=(
            f"X, X_test, y, y_test = make_long_tailed_digits(imbalance=50, "
            f"random_state={seed})"
        ),
    )


def _noisy_digits(seed):
    from ..datasets import make_noisy_digits

    X, X_test, y, y_test, quality = make_noisy_digits(random_state=seed)
    n_low = int((quality < 1).sum())
    return CompareData(
        name="noisy-digits",
        description=(
            "scikit-learn's digits with 30 % of the training labels flipped "
            f"(sklweight.datasets.make_noisy_digits, seed {seed}): {len(y)} training rows, "
            f"{n_low} of them flipped and weighted 0.2 in the weight column "
            f"'quality_weight' (1.0 elsewhere); clean balanced held-out test set of "
            f"{len(y_test)} rows."
        ),
        X=X, y=y, sample_weight=quality, weight_name="quality_weight",
        X_test=X_test, y_test=y_test,
        preprocessor=_standard_scaler, preprocessor_code="StandardScaler()",
        imports=(
            "from sklearn.preprocessing import StandardScaler",
            "from sklweight.datasets import make_noisy_digits",
        ),
        load_code=f"X, X_test, y, y_test, quality_weight = make_noisy_digits(random_state={seed})",
        weight_code="quality_weight",
    )


DATASETS = {"digits-lt": _digits_lt, "noisy-digits": _noisy_digits}
"""The embedded data sets: ``{name: loader(seed) -> CompareData}``."""


def load_dataset(name, seed=0):
    """The embedded data set ``name`` (see :data:`DATASETS`) for ``seed``."""
    return DATASETS[name](seed)


# --------------------------------------------------------------------------- CSV files
def _column_preprocessor(numeric):
    """Impute and scale the numeric columns, impute and one-hot encode the others.

    ``numeric`` is a boolean mask over the columns: scikit-learn maps column *names* to
    positions one ``list.index`` at a time (quadratic in the number of columns), a mask
    in linear time, so a 100 000-column file is prepared in seconds.
    """
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    return make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
        (make_pipeline(SimpleImputer(strategy="most_frequent"),
                       OneHotEncoder(handle_unknown="ignore", sparse_output=False)), ~numeric),
    )


_COLUMN_PREPROCESSOR_CODE = """make_column_transformer(
    (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
    (make_pipeline(SimpleImputer(strategy="most_frequent"),
                   OneHotEncoder(handle_unknown="ignore", sparse_output=False)), ~numeric),
)"""

_NUMERIC_CODE = "numeric = X.columns.isin(X.select_dtypes(include=np.number).columns)"

_COLUMN_IMPORTS = (
    "import numpy as np",
    "import pandas as pd",
    "from sklearn.compose import make_column_transformer",
    "from sklearn.impute import SimpleImputer",
    "from sklearn.preprocessing import OneHotEncoder, StandardScaler",
)


def _missing_column(kind, name, columns):
    close = difflib.get_close_matches(name, [str(c) for c in columns], n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    listed = ", ".join(map(repr, map(str, columns[:30])))
    more = f" and {len(columns) - 30} more" if len(columns) > 30 else ""
    return CompareError(
        f"{kind} column {name!r} is not in the file.{hint} The columns are: {listed}{more}."
    )


def _read_csv(path):
    try:
        import pandas as pd
    except ImportError:
        raise CompareError(
            "reading a CSV file needs pandas: pip install pandas (or 'sklweight[compare]')"
        ) from None
    if not os.path.exists(path):
        raise CompareError(f"no such file: {path!r}")
    if os.path.isdir(path):
        raise CompareError(f"{path!r} is a directory, not a CSV file")
    if os.path.getsize(path) == 0:
        raise CompareError(f"{path!r} is empty: expected a header line and data rows")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CompareError(
            f"{path!r} has no columns: expected a header line and data rows"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CompareError(f"{path!r} cannot be read as CSV: {detail}") from None
    except OSError as exc:
        raise CompareError(f"{path!r} cannot be read: {exc.strerror or exc}") from None
    if len(frame) == 0:
        raise CompareError(f"{path!r} has a header but no data rows")
    return frame


def _check_weights(frame, name):
    import pandas as pd

    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise CompareError(
            f"weight column {name!r} must be numeric; line {first + 2} of the file holds "
            f"{raw.iloc[first]!r}."
        )
    values = values.to_numpy(dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        raise CompareError(
            f"weight column {name!r} has {int(missing.sum())} missing value(s) (first on "
            f"line {int(np.flatnonzero(missing)[0]) + 2}); fill them (e.g. 1.0) or drop "
            "those rows."
        )
    if not np.isfinite(values).all():
        raise CompareError(f"weight column {name!r} has infinite values; weights must be finite.")
    negative = values < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise CompareError(
            f"weight column {name!r} has {int(negative.sum())} negative value(s) (first: "
            f"{values[first]!r} on line {first + 2}); weights must be >= 0."
        )
    if not (values > 0).any():
        raise CompareError(f"weight column {name!r} is zero on every row; nothing to train on.")
    return values


def _check_target(frame, name, path):
    target = frame[name]
    if target.isna().any():
        raise CompareError(
            f"target column {name!r} has {int(target.isna().sum())} missing value(s) (first "
            f"on line {int(np.flatnonzero(target.isna().to_numpy())[0]) + 2}); drop those "
            "rows or fill them."
        )
    y = target.to_numpy()
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise CompareError(
            f"target column {name!r} has only one class ({classes[0]!r}) in {path!r}; a "
            "classifier needs at least two."
        )
    single = classes[counts < 2]
    if len(single):
        shown = ", ".join(map(repr, single[:5].tolist()))
        hint = (
            " Is it a continuous (regression) target?" if len(single) > len(classes) / 2 else
            " Drop those rows or merge the class with another one."
        )
        raise CompareError(
            f"target column {name!r}: {len(single)} class(es) have a single row ({shown}); "
            f"cross-validation needs at least 2 rows per class.{hint}"
        )
    return y


def load_csv(path, target, weight_col=None):
    """Read the user's CSV file and check it for the comparison.

    Parameters
    ----------
    path : str
        The CSV file (a header line, then one row per sample).
    target : str
        The label column.
    weight_col : str or None, default=None
        A column of non-negative per-row weights (for example label confidences), used
        as ``sample_weight`` by the ``+weights`` strategies and to weight the scores.

    Returns
    -------
    data : CompareData
        Features are every other column: numeric ones imputed (median) and standardised,
        the others imputed (most frequent) and one-hot encoded.
    """
    frame = _read_csv(path)
    columns = list(frame.columns)
    if target not in frame.columns:
        raise _missing_column("target", target, columns)
    if weight_col is not None:
        if weight_col not in frame.columns:
            raise _missing_column("weight", weight_col, columns)
        if weight_col == target:
            raise CompareError("--weight-col and --target name the same column")
    y = _check_target(frame, target, path)
    weights = None if weight_col is None else _check_weights(frame, weight_col)
    drop = [target] + ([weight_col] if weight_col is not None else [])
    X = frame.drop(columns=drop)
    if X.shape[1] == 0:
        raise CompareError(f"{path!r} has no feature columns besides {', '.join(drop)}")
    if weights is not None:
        keep = weights > 0
        if len(np.unique(y[keep])) < 2:
            raise CompareError(
                f"weight column {weight_col!r} is zero on every row but those of one class"
            )
    numeric = X.columns.isin(X.select_dtypes(include=np.number).columns)  # as _NUMERIC_CODE
    n_numeric = int(numeric.sum())
    columns_code = ", ".join(map(python_literal, drop))
    load = (f"data = pd.read_csv({python_literal(path)})\n"
            f"X, y = data.drop(columns=[{columns_code}]), data[{python_literal(target)}]\n"
            f"{_NUMERIC_CODE}")
    return CompareData(
        name=os.path.basename(path),
        description=(
            f"{path}: {len(y)} rows, target {target!r}, {X.shape[1]} feature columns "
            f"({n_numeric} numeric, {X.shape[1] - n_numeric} categorical)"
            + (f", weight column {weight_col!r}" if weight_col else "") + "."
        ),
        X=X, y=y, sample_weight=weights, weight_name=weight_col, X_test=None, y_test=None,
        preprocessor=partial(_column_preprocessor, numeric),
        preprocessor_code=_COLUMN_PREPROCESSOR_CODE,
        imports=_COLUMN_IMPORTS, load_code=load,
        weight_code=None if weight_col is None else f"data[{python_literal(weight_col)}]",
    )
