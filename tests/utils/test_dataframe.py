"""A DataFrame with a text column is refused with the column's name and the fix."""

import doctest

import numpy as np
import pytest

from sklweight.utils import _dataframe
from sklweight.utils._dataframe import check_numeric_columns

pd = pytest.importorskip("pandas")


def _table():
    return pd.DataFrame({
        "size": [1.0, 2.0, 3.0, 4.0],
        "count": [1, 2, 3, 4],
        "flag": [True, False, True, False],
        "as_text_numbers": np.array([1.0, "2", 3, None], dtype=object),
        "color": [None, "red", "blue", "red"],
    })


def test_names_the_column_the_value_and_the_fix():
    with pytest.raises(ValueError) as info:
        check_numeric_columns(_table(), caller="WeightedMLPClassifier.fit")
    message = str(info.value)
    assert message.startswith(
        "The 'X' parameter of WeightedMLPClassifier.fit must be numeric. Got a DataFrame "
        "whose column 'color' holds text ('red' in row 1) instead."
    )
    assert "OneHotEncoder" in message and "sklweight compare --csv" in message


@pytest.mark.parametrize(
    "column",
    [pd.Categorical(["a", "b", "a", "b"]), pd.array(["a", "b", "c", "d"], dtype="string"),
     pd.to_datetime(["2020-01-01"] * 4)],
    ids=["category", "string", "datetime"],
)
def test_every_non_numeric_dtype(column):
    with pytest.raises(ValueError, match="column 'c' holds"):
        check_numeric_columns(pd.DataFrame({"x": [1.0] * 4, "c": column}), caller="fit")


def test_numeric_tables_and_other_inputs_pass():
    table = _table().drop(columns="color")
    assert check_numeric_columns(table, caller="fit") is None
    assert check_numeric_columns(np.array([["red"]]), caller="fit") is None
    assert check_numeric_columns([[1, "red"]], caller="fit") is None
    assert check_numeric_columns(pd.Series(["red"]), caller="fit") is None


def test_docstring_example():
    result = doctest.testmod(_dataframe, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_the_estimators_give_this_message():
    from sklweight import WeightedMLPClassifier

    X = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0], "color": ["red", "blue", "red", "blue"]})
    with pytest.raises(ValueError, match="column 'color' holds text.*OneHotEncoder"):
        WeightedMLPClassifier(max_epochs=1).fit(X, [0, 1, 0, 1])
