"""Class weights and sampling follow ``classes_`` in any order.

``classes=`` is "the order of the module's outputs", so it need not be sorted. Every
weight (``class_weight`` as a name, a dict or a ``ClassWeights``, and the ``sampler``)
must land on the class it was computed for, end to end through the classifiers.
"""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklweight import (
    ClassWeights,
    WeightedMLPClassifier,
    WeightedNeuralNetClassifier,
    compute_class_weight,
)

N_A, N_B = 90, 10
Y = np.array(["a"] * N_A + ["b"] * N_B)  # "b" is the rare class
X = np.random.RandomState(0).randn(N_A + N_B, 3).astype(np.float32)
UNSORTED = ["b", "a"]


def net(**kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": 3, "module__out_features": 2,
        "classes": UNSORTED, "train_split": None, "max_epochs": 1, "random_state": 0,
        "verbose": 0,
    }
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


BALANCED = {"a": (N_A + N_B) / (2 * N_A), "b": (N_A + N_B) / (2 * N_B)}  # 0.556 and 5.0


@pytest.mark.parametrize(
    ("class_weight", "expected"),
    [
        ("balanced", BALANCED),
        (ClassWeights("balanced"), BALANCED),
        ({"a": 1.0, "b": 9.0}, {"a": 1.0, "b": 9.0}),
    ],
    ids=["name", "ClassWeights", "dict"],
)
def test_class_weight_follows_unsorted_classes(class_weight, expected):
    fitted = net(class_weight=class_weight).fit(X, Y)
    assert fitted.classes_.tolist() == UNSORTED
    np.testing.assert_allclose(fitted.class_weight_, [expected["b"], expected["a"]])


@pytest.mark.parametrize("strategy", ["inverse_sqrt", "effective_number", "median_frequency"])
def test_every_strategy_follows_unsorted_classes(strategy):
    fitted = net(class_weight=ClassWeights(strategy, beta=0.9)).fit(X, Y)
    params = {"beta": 0.9} if strategy == "effective_number" else {}
    np.testing.assert_allclose(
        fitted.class_weight_, compute_class_weight(strategy, classes=UNSORTED, y=Y, **params)
    )
    assert fitted.class_weight_[0] > fitted.class_weight_[1]  # the rare "b" weighs more


def test_loss_weights_the_rows_of_the_right_class():
    # one full-batch epoch with a negligible step: the reported training loss is the
    # weighted mean of the per-row losses at the initial parameters
    fitted = net(class_weight="balanced", batch_size=-1, lr=1e-12).fit(X, Y)
    proba = fitted.predict_proba(X)
    rows = np.where(Y == "b", 0, 1)  # column of each row's class in classes_ order
    nll = -np.log(proba[np.arange(len(Y)), rows])
    c = np.where(Y == "b", BALANCED["b"], BALANCED["a"])
    expected = np.sum(c * nll) / np.sum(c)
    swapped = np.sum(c[::-1] * nll) / np.sum(c)  # what weights on the wrong class give
    assert fitted.history[-1, "train_loss"] == pytest.approx(expected, rel=1e-5)
    assert abs(expected - swapped) > 1e-3  # the check can tell the two apart


def test_partial_fit_classes_argument_in_any_order():
    fitted = net(classes=None, class_weight="balanced").partial_fit(X, Y, classes=UNSORTED)
    assert fitted.classes_.tolist() == UNSORTED
    np.testing.assert_allclose(fitted.class_weight_, [BALANCED["b"], BALANCED["a"]])


class CountDrawnClasses(Callback):
    """Count the encoded class of every row of every training batch."""

    def initialize(self):
        self.counts = np.zeros(2, dtype=np.int64)
        return self

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training:
            self.counts += np.bincount(np.asarray(batch[1]), minlength=2)


@pytest.mark.parametrize(
    "sampler",
    ["balanced", ClassWeights("balanced"), {"a": 1.0, "b": 9.0}],
    ids=["name", "ClassWeights", "dict"],
)
def test_balanced_sampler_draws_the_rare_class_half_the_time(sampler):
    counter = CountDrawnClasses()
    fitted = net(sampler=sampler, callbacks=[counter], max_epochs=20, batch_size=50).fit(X, Y)
    assert fitted.class_weight_ is None  # a sampler alone leaves the loss unweighted
    drawn = counter.counts.sum()
    assert drawn == 20 * len(Y)
    # encoded index 0 is "b" (classes_ order); about 10 % of the rows, half of the draws.
    # 2000 draws: the standard deviation of the fraction is 0.011
    assert counter.counts[0] / drawn == pytest.approx(0.5, abs=0.05)


def test_sampler_and_class_weight_on_unsorted_classes_together():
    counter = CountDrawnClasses()
    fitted = net(
        sampler="inverse", class_weight={"a": 2.0, "b": 1.0}, callbacks=[counter],
        max_epochs=20,
    ).fit(X, Y)
    np.testing.assert_array_equal(fitted.class_weight_, [1.0, 2.0])
    assert counter.counts[0] / counter.counts.sum() == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize(
    "class_weight",
    ["balanced", ClassWeights("inverse"), {"a": 1.0, "b": 9.0}],
    ids=["name", "ClassWeights", "dict"],
)
def test_mlp_class_weight_follows_classes(class_weight):
    # the turnkey estimator sorts its classes; the rare class is listed first in y here
    y = Y[::-1]
    clf = WeightedMLPClassifier(
        hidden_layer_sizes=(4,), max_epochs=1, class_weight=class_weight, random_state=0
    ).fit(X, y)
    expected = compute_class_weight(class_weight, classes=clf.classes_, y=y)
    np.testing.assert_allclose(clf.class_weight_, expected)
    assert clf.class_weight_[clf.classes_.tolist().index("b")] > clf.class_weight_[0]
