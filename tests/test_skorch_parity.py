"""skorch's habits that a drop-in WeightedNeuralNetClassifier keeps.

Each test pins one behaviour of skorch 1.4.0's ``NeuralNetClassifier`` (its own
``skorch/tests/test_classifier.py::TestNeuralNet`` passes against our class, run in a
scratch folder outside the project).
"""

import numpy as np
import pytest
import torch

from sklweight import WeightedNeuralNetClassifier


def make_net(**kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": 4, "module__out_features": 3,
        "max_epochs": 2, "lr": 0.1, "train_split": None, "random_state": 0, "verbose": 0,
    }
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


@pytest.fixture
def data(small_iris):
    return small_iris


def test_max_epochs_zero_initialises_and_trains_nothing(data):
    X, y = data
    net = make_net(max_epochs=0).fit(X, y)
    assert len(net.history) == 0
    np.testing.assert_array_equal(net.classes_, [0, 1, 2])
    initial = make_net(max_epochs=0).fit(X, y)  # same seed: the untrained initial weights
    np.testing.assert_array_equal(net.predict_proba(X), initial.predict_proba(X))
    assert net.predict(X).shape == (len(y),)


@pytest.mark.parametrize("as_tensor", [False, True], ids=["array", "tensor"])
def test_classes_are_inferred_from_y_with_gaps(data, as_tensor):
    X, y = data
    y = np.array([1, 4, 9])[y]
    if as_tensor:
        X, y = torch.from_numpy(X), torch.from_numpy(y)
    net = make_net().fit(X, y)
    np.testing.assert_array_equal(net.classes_, [1, 4, 9])
    assert set(net.predict(X).tolist()) <= {1, 4, 9}


@pytest.mark.parametrize("explicit_y", [True, False], ids=["y", "y=None"])
def test_classes_are_inferred_from_a_torch_tensor_dataset(data, explicit_y):
    X, y = data
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    net = make_net().fit(dataset, torch.from_numpy(y) if explicit_y else None)
    np.testing.assert_array_equal(net.classes_, [0, 1, 2])
    assert net.predict(X).shape == (len(y),)


def test_classes_parameter_names_index_targets(data):
    # skorch's convention: y holds the output indices 0..K-1 and classes= names them
    X, y = data
    net = make_net(classes=["setosa", "versicolor", "virginica"]).fit(X, y)
    np.testing.assert_array_equal(net.classes_, ["setosa", "versicolor", "virginica"])
    same = make_net(classes=["setosa", "versicolor", "virginica"]).fit(
        X, np.array(["setosa", "versicolor", "virginica"])[y]
    )
    np.testing.assert_array_equal(net.predict(X), same.predict(X))
    assert set(net.predict(X)) <= {"setosa", "versicolor", "virginica"}


def test_labels_partly_outside_classes_are_an_error(data):
    # y of 0, 1, 2 against classes [1, 2, 3]: neither all labels nor a clean index
    # reading, so the mismatch is reported instead of guessed
    X, y = data
    with pytest.raises(ValueError, match=r"labels not seen before: \['0'\]"):
        make_net(classes=[1, 2, 3]).fit(X, y)


@pytest.mark.parametrize("classes", [[], np.array([])], ids=["list", "array"])
def test_empty_classes_hide_classes_but_train(data, classes):
    X, y = data
    net = make_net(classes=classes).fit(X, y).fit(X, y)
    with pytest.raises(AttributeError, match="WeightedNeuralNetClassifier has no attribute"):
        net.classes_  # noqa: B018
    assert set(net.predict(X).tolist()) <= {0, 1, 2}


def test_partial_fit_after_initialize_learns_the_classes(data):
    X, y = data
    labels = np.array(["a", "b", "c"])[y]
    net = make_net()
    net.initialize()
    net.partial_fit(X, labels)
    np.testing.assert_array_equal(net.classes_, ["a", "b", "c"])
    assert len(net.history) == 2


def test_load_params_into_a_fresh_net_predicts(tmp_path, data):
    X, y = data
    labels = np.array(["a", "b", "c"])[y]
    net = make_net().fit(X, labels)
    net.save_params(f_params=tmp_path / "p.pt")
    expected = net.predict_proba(X).argmax(axis=1)

    fresh = make_net()
    fresh.initialize()
    fresh.load_params(f_params=tmp_path / "p.pt")
    # no labels ever seen and no classes=: the output indices, as skorch's predict
    np.testing.assert_array_equal(fresh.predict(X), expected)

    named = make_net(classes=["a", "b", "c"])
    named.initialize()
    named.load_params(f_params=tmp_path / "p.pt")
    np.testing.assert_array_equal(named.predict(X), net.predict(X))


def test_a_mock_callback_is_notified(data):
    # skorch's own tests pass Mock(spec=Callback): hooks that live on the instance, not
    # on its class, must still be called
    from unittest.mock import Mock

    from skorch.callbacks import Callback

    callback = Mock(spec=Callback)
    callback.get_params.return_value = {}
    X, y = data
    make_net(callbacks=[("mock", callback)]).fit(X, y)
    assert callback.on_batch_end.call_count == 2  # 2 epochs of 1 batch (50 rows)
    assert callback.on_epoch_end.call_count == 2
