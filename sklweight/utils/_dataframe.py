"""DataFrames with columns the estimators cannot take: one message naming the column.

The estimators train on numbers. scikit-learn's ``validate_data`` converts a DataFrame
with a text column by ``np.asarray(X, dtype=float)``, which fails with numpy's "could
not convert string to float: 'red'", naming neither the column nor the remedy.
:func:`check_numeric_columns` runs before that conversion and refuses such a table with
the column, an example value and the fix (see the user guide, :ref:`inputs_tables`).
It looks at the dtypes only, and converts just the columns whose dtype is not numeric,
so a numeric DataFrame costs nothing.
"""

from __future__ import annotations

import numpy as np

from ._validation import Described, format_param_error

__all__ = ["check_numeric_columns"]

FIX = (
    "Encode it first, for example with sklearn.preprocessing.OneHotEncoder inside a "
    "sklearn.compose.ColumnTransformer in the Pipeline; `sklweight compare --csv FILE "
    "--target COLUMN` prints such a pipeline for your table."
)
"""The remedy shown with every text-column error."""


def _first_text_entry(column):
    """``(position, value)`` of the first entry that is not a number, or None."""
    values = np.asarray(column, dtype=object)
    for position, value in enumerate(values):
        if value is None or (isinstance(value, float) and value != value):
            continue  # missing: the estimators' own check names it
        try:
            float(value)
        except (TypeError, ValueError):
            return position, value
    return None


def check_numeric_columns(X, *, caller, param="X"):
    """Refuse a DataFrame with a column of text, naming the column and the fix.

    Parameters
    ----------
    X : object
        The input of ``fit`` or ``predict``. Only a pandas DataFrame is inspected;
        anything else passes through (the estimators' own validation handles it).
    caller : str
        Public method that received ``X`` (shown in the message), e.g.
        ``"WeightedMLPClassifier.fit"``.
    param : str, default="X"
        Name of the argument.

    Raises
    ------
    ValueError
        If a column holds an entry that is not a number (text, a category label, a
        date): the message names the first such column, its first such value and row,
        and points at ``OneHotEncoder`` and ``sklweight compare --csv``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklweight.utils._dataframe import check_numeric_columns
    >>> X = pd.DataFrame({"size": [1.0, 2.0], "color": ["red", "blue"]})
    >>> try:
    ...     check_numeric_columns(X, caller="fit")
    ... except ValueError as error:
    ...     print(str(error)[:89])
    The 'X' parameter of fit must be numeric. Got a DataFrame whose column 'color' holds text
    """
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns") or not hasattr(dtypes, "items"):
        return
    from pandas.api.types import is_bool_dtype, is_numeric_dtype  # noqa: PLC0415

    for name, dtype in dtypes.items():
        if is_numeric_dtype(dtype) or is_bool_dtype(dtype):
            continue
        found = _first_text_entry(X[name])
        if found is None:  # an object column of numbers converts
            continue
        position, value = found
        what = "text" if isinstance(value, str) else f"a {type(value).__name__}"
        raise ValueError(
            format_param_error(
                param,
                caller,
                "numeric",
                Described(
                    f"a DataFrame whose column {name!r} holds {what} ({value!r} in row "
                    f"{position})"
                ),
                FIX,
            )
        )
