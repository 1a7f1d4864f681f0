"""A module whose input or output width does not match X or the classes gets a clear error
at fit, for ``WeightedNeuralNetClassifier``.
"""

import pytest
import torch
from _estimators import net

from sklweight import WeightedNeuralNetClassifier


# --------------------------------------------------------------------------- module width
@pytest.mark.parametrize("out_features", [2, 5])
def test_module_output_width_must_match_the_classes(small_iris, out_features):
    X, y = small_iris
    estimator = net(module__out_features=out_features)
    with pytest.raises(
        ValueError, match=rf"outputs {out_features} values per row but y has 3 classes"
    ) as info:
        estimator.fit(X, y)
    assert "module__out_features=3" in str(info.value)


class _HiddenFirstLayer(torch.nn.Module):
    """A module whose first layer is only known by running it (5 inputs)."""

    def __init__(self, n_in=5):
        super().__init__()
        self.body = torch.nn.Sequential(torch.nn.Linear(n_in, 8), torch.nn.ReLU())
        self.head = torch.nn.Linear(8, 3)

    def forward(self, X):
        return self.head(self.body(X))


def _wide_module(kind):
    if kind == "Linear":
        return {"module": torch.nn.Linear, "module__in_features": 5, "module__out_features": 3}
    if kind == "Sequential":
        return {"module": torch.nn.Sequential(
            torch.nn.Dropout(0.1), torch.nn.ReLU(), torch.nn.Linear(5, 3))}
    return {"module": _HiddenFirstLayer}


@pytest.mark.parametrize(
    ("kind", "where", "max_epochs"),
    [
        ("Linear", "the module's first layer", 0),  # checked before training starts
        ("Linear", "the module's first layer", 2),
        ("Sequential", "the module's first layer", 0),
        ("custom", "a linear layer of the module", 2),  # seen at the first batch
    ],
)
def test_module_input_width_must_match_the_features(small_iris, kind, where, max_epochs):
    X, y = small_iris  # 4 features
    estimator = WeightedNeuralNetClassifier(
        **_wide_module(kind), max_epochs=max_epochs, train_split=None, verbose=0
    )
    with pytest.raises(ValueError, match=rf"X has 4 features but {where}.* expects 5 inputs"):
        estimator.fit(X, y)


def test_a_width_error_inside_the_module_is_not_blamed_on_x(small_iris):
    class Inner(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = torch.nn.Linear(4, 8), torch.nn.Linear(7, 3)

        def forward(self, X):
            return self.b(self.a(X))

    X, y = small_iris
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied"):
        WeightedNeuralNetClassifier(Inner, max_epochs=1, train_split=None).fit(X, y)
