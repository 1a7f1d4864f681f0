"""WeightedNeuralNetClassifier stays a drop-in skorch classifier."""

import warnings

import numpy as np
import pytest
import skorch
import torch
from skorch.callbacks import EarlyStopping, EpochScoring
from torch import nn

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight.losses import FocalLoss, LogitAdjustedLoss


class MLP(nn.Module):
    def __init__(self, n_in=4, n_out=3, hidden=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))

    def forward(self, X):
        return self.net(X)


class SoftmaxMLP(MLP):
    """Outputs probabilities, as in skorch's own documentation (criterion=NLLLoss)."""

    def forward(self, X):
        return torch.softmax(self.net(X), dim=-1)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = nn.Linear(2, 3)

    def forward(self, left, right):
        return self.a(left) + self.b(right)


def make_net(**kwargs):
    params = {"module": MLP, "max_epochs": 5, "lr": 0.1, "random_state": 0, "verbose": 0}
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


@pytest.fixture
def data(iris):
    X, y = iris
    return X.astype(np.float32), y


def test_history_and_default_callbacks(data):
    X, y = data
    net = make_net().fit(X, y, sample_weight=np.linspace(0.5, 1.5, len(y)))
    assert len(net.history) == 5
    row = net.history[-1]
    for key in ("train_loss", "valid_loss", "valid_acc", "dur"):
        assert key in row
    assert 0 <= row["valid_acc"] <= 1


def test_valid_acc_decodes_string_labels(data):
    X, y = data
    labels = np.array(["x", "y", "z"])[y]
    net = make_net(max_epochs=20).fit(X, labels)
    assert net.history[-1]["valid_acc"] > 0.5


def test_user_epoch_scoring_with_sklearn_scorer(data):
    X, y = data
    net = make_net(
        callbacks=[EpochScoring("balanced_accuracy", lower_is_better=False, name="bacc")],
    ).fit(X, y)
    assert 0 <= net.history[-1]["bacc"] <= 1


def test_valid_loss_is_weighted(data):
    # zero weight on class 0 in the validation rows: the valid loss then ignores them
    X, y = data
    w = np.where(y == 0, 1e-6, 1.0)
    a = make_net(max_epochs=1).fit(X, y)
    b = make_net(max_epochs=1).fit(X, y, sample_weight=w)
    assert a.history[-1]["valid_loss"] != pytest.approx(b.history[-1]["valid_loss"])


def test_save_and_load_params(tmp_path, data):
    X, y = data
    net = make_net().fit(X, y)
    net.save_params(f_params=tmp_path / "p.pt", f_history=tmp_path / "h.json")
    other = make_net(classes=[0, 1, 2])
    other.initialize()
    other.load_params(f_params=tmp_path / "p.pt", f_history=tmp_path / "h.json")
    np.testing.assert_allclose(other.predict_proba(X), net.predict_proba(X))
    assert len(other.history) == len(net.history)


def test_warm_start_continues_training(data):
    X, y = data
    net = make_net(warm_start=True)
    net.fit(X, y)
    first = {k: v.clone() for k, v in net.module_.state_dict().items()}
    net.fit(X, y)
    assert len(net.history) == 10
    assert any(not torch.equal(first[k], v) for k, v in net.module_.state_dict().items())


def test_fit_without_warm_start_reinitialises(data):
    X, y = data
    net = make_net()
    a = net.fit(X, y).predict_proba(X)
    b = net.fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert len(net.history) == 5


def test_partial_fit_with_weights_and_validation(data):
    X, y = data
    w = np.linspace(0.1, 1.0, len(y))
    net = make_net(class_weight="balanced")
    net.partial_fit(X, y, sample_weight=w)
    net.partial_fit(X, y, sample_weight=w)
    assert len(net.history) == 10
    assert "valid_loss" in net.history[-1]
    assert net.class_weight_ is not None


def test_partial_fit_classes_argument(data):
    X, y = data
    net = make_net()
    net.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    np.testing.assert_array_equal(net.classes_, [0, 1, 2])
    net.partial_fit(X, y)
    assert net.predict_proba(X).shape == (len(y), 3)
    with pytest.raises(ValueError, match="not seen before"):
        net.partial_fit(X, y + 5)


def test_set_params_reinitialises_criterion(data):
    X, y = data
    net = make_net(criterion="focal").fit(X, y)
    net.set_params(criterion__gamma=0.5)
    assert net.criterion_.gamma == 0.5
    net.fit(X, y)
    assert isinstance(net.criterion_, FocalLoss) and net.criterion_.gamma == 0.5


def test_set_params_changes_module(data):
    X, y = data
    net = make_net().fit(X, y)
    net.set_params(module__hidden=4)
    net.fit(X, y)
    assert net.module_.net[0].out_features == 4


def test_nllloss_with_probability_module(data):
    X, y = data
    net = make_net(module=SoftmaxMLP, criterion=nn.NLLLoss, max_epochs=30).fit(
        X, y, sample_weight=np.ones(len(y))
    )
    proba = net.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    assert net.score(X, y) > 0.8


def test_torch_loss_class_is_weighted_per_sample(data):
    # a torch loss class is built with reduction="none" and weighted like ours
    X, y = data
    w = np.random.RandomState(0).uniform(0.2, 2.0, len(y))
    a = make_net(criterion=nn.CrossEntropyLoss).fit(X, y, sample_weight=w)
    b = make_net(criterion="cross_entropy").fit(X, y, sample_weight=w)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_criterion_instance_with_class_counts(data):
    X, y = data
    w = np.random.RandomState(0).uniform(0.5, 1.5, len(y))
    net = make_net(criterion=LogitAdjustedLoss(tau=0.5), train_split=None).fit(
        X, y, sample_weight=w
    )
    assert net.criterion_.tau == 0.5
    np.testing.assert_allclose(net.class_counts_, np.bincount(y, weights=w))


def test_skorch_dataset_input(data):
    X, y = data
    ds = skorch.dataset.Dataset(X, y)
    net = make_net(train_split=None).fit(ds, None)
    assert net.predict(X).shape == (len(y),)


def test_dict_input_for_multi_input_module(data):
    X, y = data
    Xd = {"left": X[:, :2], "right": X[:, 2:]}
    net = make_net(module=TwoInputs, max_epochs=20).fit(Xd, y, sample_weight=np.ones(len(y)))
    assert net.predict(Xd).shape == (len(y),)
    assert net.score(Xd, y) > 0.6


def test_tensor_input(data):
    X, y = data
    net = make_net().fit(torch.from_numpy(X), torch.from_numpy(y))
    assert net.predict(torch.from_numpy(X)).shape == (len(y),)


def test_dataloader_iterator_still_works(data):
    X, y = data
    net = make_net(
        iterator_train=torch.utils.data.DataLoader, iterator_train__shuffle=True,
        iterator_valid=torch.utils.data.DataLoader,
    ).fit(X, y, sample_weight=np.ones(len(y)))
    assert net.score(X, y) > 0.5


def test_dataloader_iterator_matches_batch_iterator_without_shuffle(data):
    X, y = data
    w = np.random.RandomState(1).uniform(0.5, 1.5, len(y))
    a = make_net(iterator_train=torch.utils.data.DataLoader).fit(X, y, sample_weight=w)
    b = make_net().fit(X, y, sample_weight=w)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-5, atol=1e-6)


def test_sampler_with_dataloader(data):
    X, y = data
    net = make_net(iterator_train=torch.utils.data.DataLoader, sampler="balanced")
    net.fit(X, y)
    assert net.history[-1]["train_batch_count"] == int(np.ceil(0.8 * len(y) / 128))


def test_output_width_mismatch_is_a_clear_error(data):
    X, y = data
    with pytest.raises(ValueError, match="outputs 2 values per row but y has 3 classes"):
        make_net(module__n_out=2).fit(X, y)


# --------------------------------------------------------------------------- stock scoring
# labels in sorted order, so that each one is encoded as the same output index as y
LABELS = {
    "strings": np.array(["cat", "dog", "eel"]),
    "ints": np.array([1, 4, 9]),  # encoded 0, 1, 2: a silently wrong score if compared
    "objects": np.array(["cat", "dog", "eel"], dtype=object),
    "bools": np.array([False, True]),
}


def _scored_fit(X, labels, **kwargs):
    callbacks = [
        EpochScoring("f1_macro", lower_is_better=False),
        EpochScoring("f1_macro", lower_is_better=False, name="f1_nocache", use_caching=False),
        EpochScoring("accuracy", lower_is_better=False, name="train_acc", on_train=True),
        EarlyStopping(monitor="f1_macro", lower_is_better=False, patience=3),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Mix of label input types", no other warning
        return make_net(max_epochs=8, callbacks=callbacks, **kwargs).fit(X, labels)


@pytest.mark.parametrize("name", sorted(LABELS))
def test_stock_scoring_callbacks_see_the_labels_predict_returns(data, name):
    # the same seed trains the same model whatever the labels are called, so every score
    # must equal the one with labels 0..K-1 (where encoded and decoded agree)
    X, y = data
    if name == "bools":
        X, y = X[y > 0], y[y > 0] - 1
        kwargs = {"module__n_out": 2}
    else:
        kwargs = {}
    ref = _scored_fit(X, y, **kwargs)
    net = _scored_fit(X, LABELS[name][y], **kwargs)
    keys = ["f1_macro", "f1_nocache", "train_acc", "valid_acc"]
    np.testing.assert_allclose(net.history[:, keys], ref.history[:, keys])
    assert len(net.history) == len(ref.history)
    assert 0.3 < max(net.history[:, "f1_macro"]) <= 1
    np.testing.assert_allclose(net.history[:, "f1_nocache"], net.history[:, "f1_macro"])


def test_stock_scoring_with_a_label_specific_scorer(data):
    # a scorer that names a label works only if it sees labels, not indices
    from sklearn.metrics import f1_score, make_scorer

    X, y = data
    labels = np.array(["cat", "dog", "eel"])[y]
    scorer = make_scorer(f1_score, labels=["dog"], average="macro")
    net = make_net(max_epochs=3, callbacks=[EpochScoring(scorer, lower_is_better=False,
                                                         name="f1_dog")]).fit(X, labels)
    assert 0 < net.history[-1, "f1_dog"] <= 1


def test_stock_scoring_with_unsorted_classes_parameter(data):
    # classes=["eel", "dog", "cat"] puts "eel" at output 0: the same model as int labels
    # 2 - y, and the same scores
    X, y = data
    labels = np.array(["cat", "dog", "eel"])[y]
    ref = _scored_fit(X, 2 - y)
    net = _scored_fit(X, labels, classes=["eel", "dog", "cat"])
    keys = ["f1_macro", "f1_nocache", "train_acc", "valid_acc"]
    np.testing.assert_allclose(net.history[:, keys], ref.history[:, keys])


def test_mlp_scoring_with_string_labels(iris):
    X, y = iris
    kwargs = {"hidden_layer_sizes": (8,), "max_epochs": 6, "lr": 1e-2, "random_state": 0,
              "early_stopping": True, "scoring": "f1_macro", "n_iter_no_change": 3}
    ref = WeightedMLPClassifier(**kwargs).fit(X, y)
    clf = WeightedMLPClassifier(**kwargs).fit(X, np.array(["cat", "dog", "eel"])[y])
    np.testing.assert_allclose(clf.validation_scores_, ref.validation_scores_)


@pytest.mark.parametrize("criterion", ["logit_adjusted", "ldam"])
def test_fitted_criterion_shows_the_weighted_training_counts(data, criterion):
    X, y = data
    w = np.random.RandomState(0).uniform(0.5, 1.5, len(y))
    net = make_net(criterion=criterion, train_split=None, max_epochs=1).fit(
        X, y, sample_weight=w
    )
    counts = np.bincount(y, weights=w)
    np.testing.assert_allclose(net.criterion_.class_counts.numpy(), counts, rtol=1e-6)
    np.testing.assert_allclose(net.class_counts_, counts)
    assert "class_counts=tensor(" in repr(net.criterion_)
