"""scikit-learn's estimator checks on our estimators."""

import torch
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier

# WeightedMLPClassifier: the goal is no expected failure (sklearn's MLPClassifier has none).
MLP_EXPECTED_FAILURES = {}

MLPS = [
    WeightedMLPClassifier(),
    WeightedMLPClassifier(
        hidden_layer_sizes=(16,), criterion="focal", class_weight="balanced",
        max_epochs=50, random_state=0,
    ),
]


@parametrize_with_checks(MLPS, expected_failed_checks=lambda est: MLP_EXPECTED_FAILURES)
def test_mlp_estimator_checks(estimator, check):
    check(estimator)


class DataSizedNet(WeightedNeuralNetClassifier):
    """A linear model whose widths come from the data, so that every check's data fits.

    The checks use 1 to 20 features and 2 to 4 classes; a user's own module has fixed
    widths, and a mismatch gets a clear error (tested in test_classifier.py).
    """

    def initialize_module(self):
        kwargs = {**self.get_params_for("module"), "out_features": len(self.classes_)}
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self


def lazy_net():
    return DataSizedNet(
        torch.nn.LazyLinear, module__dtype=torch.float64, optimizer=torch.optim.Adam,
        max_epochs=50, lr=0.05,
        train_split=None, random_state=0, verbose=0,
    )


# Measured failures of the skorch subclass, each inherited from skorch's NeuralNet design:
NET_EXPECTED_FAILURES = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_ and "
        "stores **kwargs (module__*, criterion__*) as attributes"
    ),
    "check_set_params": (
        "skorch's get_params exposes its private _params_to_validate set; the check sets "
        "it to a float and skorch's set_params then calls .add on it"
    ),
}


@parametrize_with_checks([lazy_net()], expected_failed_checks=lambda est: NET_EXPECTED_FAILURES)
def test_net_estimator_checks(estimator, check):
    check(estimator)
