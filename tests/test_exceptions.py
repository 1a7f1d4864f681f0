"""sklweight.exceptions: every warning and error sklweight raises, from one public module."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

import sklweight
from sklweight import exceptions, io


def test_every_name_is_defined_or_re_exported_once():
    assert sorted(exceptions.__all__) == [
        "CollapsedPredictionWarning", "DivergenceWarning", "InvalidFileError",
        "NonFiniteLossError", "PersistenceError", "UntrustedTypeError"]
    assert exceptions.PersistenceError is io.PersistenceError
    assert exceptions.InvalidFileError is io.InvalidFileError
    assert exceptions.UntrustedTypeError is io.UntrustedTypeError
    assert sklweight.NonFiniteLossError is exceptions.NonFiniteLossError
    assert sklweight.DivergenceWarning is exceptions.DivergenceWarning


@pytest.mark.parametrize("name", ["CollapsedPredictionWarning", "DivergenceWarning"])
def test_training_warnings_are_silenced_with_convergence_warnings(name):
    category = getattr(exceptions, name)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.warn("x", category, stacklevel=1)
    assert record == []


def test_non_finite_loss_error_is_a_floating_point_error():
    assert issubclass(exceptions.NonFiniteLossError, FloatingPointError)
    assert exceptions.NonFiniteLossError.__module__ == "sklweight.exceptions"
