"""Each weight rule of the user guide's "Weight semantics" page pinned by a test on the real
classifiers."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import StratifiedKFold, cross_validate
from skorch.callbacks import Callback

from sklweight import WeightedMLPClassifier, WeightedNeuralNetClassifier, compute_class_weight


def mlp(**kwargs):
    params = {"hidden_layer_sizes": (16,), "max_epochs": 15, "batch_size": 32,
              "random_state": 0, "n_iter_no_change": 100}
    return WeightedMLPClassifier(**{**params, **kwargs})


def test_all_ones_equals_no_weights(imbalanced):
    X, y = imbalanced
    a = mlp().fit(X, y).predict_proba(X)
    b = mlp().fit(X, y, sample_weight=np.ones(len(y))).predict_proba(X)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("normalization", ["global", "batch"])
def test_scaling_all_weights_changes_nothing(imbalanced, normalization):
    X, y = imbalanced
    w = np.random.RandomState(0).uniform(0.1, 2.0, len(y))
    a = mlp(weight_normalization=normalization).fit(X, y, sample_weight=w)
    b = mlp(weight_normalization=normalization).fit(X, y, sample_weight=8.0 * w)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("scale", [1e-310, 1e-300, 1e300])
def test_extreme_equal_weights_train_exactly_as_all_ones(imbalanced, scale):
    # global normalisation divides by the largest weight first: no overflow, no underflow
    X, y = imbalanced
    a = mlp().fit(X, y).predict_proba(X)
    b = mlp().fit(X, y, sample_weight=np.full(len(y), scale)).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_weights_whose_class_counts_overflow_are_refused(imbalanced):
    X, y = imbalanced
    with pytest.raises(ValueError, match=r"'sample_weight'.*finite.*Rescale sample_weight"):
        mlp().fit(X, y, sample_weight=np.full(len(y), 1e308))
    net = WeightedNeuralNetClassifier(
        torch.nn.Linear, module__in_features=X.shape[1], module__out_features=3,
        module__dtype=torch.float64, max_epochs=1, verbose=0)
    with pytest.raises(ValueError, match="divide it by its maximum"):
        net.fit(X, y, sample_weight=np.full(len(y), 1e308))


@pytest.mark.parametrize("normalization", ["none", "batch"])
@pytest.mark.parametrize("scale", [1e-310, 1e300])
def test_raw_weights_the_loss_dtype_cannot_hold_are_refused(imbalanced, normalization,
                                                            scale):
    # float32 loss weights: 1e300 overflows, 1e-310 underflows to 0
    X, y = imbalanced
    clf = mlp(weight_normalization=normalization, dtype="float32")
    with pytest.raises(ValueError, match=r"representable in the loss's dtype \(torch.float32\)"
                       r".*weight_normalization='global'"):
        clf.fit(X, y, sample_weight=np.full(len(y), scale))


def test_zero_weight_equals_removed_rows(imbalanced):
    X, y = imbalanced
    w = np.ones(len(y))
    w[::4] = 0.0
    a = mlp().fit(X, y, sample_weight=w).predict_proba(X)
    b = mlp().fit(X[w > 0], y[w > 0]).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_integer_weights_equal_repeated_rows_full_batch(imbalanced):
    X, y = imbalanced
    X, y = X[:60], y[:60]
    w = np.random.RandomState(1).randint(1, 4, len(y))
    full = {"batch_size": 10_000, "dtype": "float64"}
    a = mlp(**full).fit(X, y, sample_weight=w).predict_proba(X)
    b = mlp(**full).fit(np.repeat(X, w, axis=0), np.repeat(y, w)).predict_proba(X)
    np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_class_weights_recomputed_per_fold(imbalanced):
    X, y = imbalanced
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    w = np.random.RandomState(2).uniform(0.5, 1.5, len(y))
    result = cross_validate(
        mlp(class_weight="balanced", max_epochs=2), X, y, cv=cv,
        params={"sample_weight": w}, return_estimator=True, return_indices=True,
    )
    for est, train in zip(result["estimator"], result["indices"]["train"], strict=True):
        expected = compute_class_weight("balanced", y=y[train], sample_weight=w[train])
        np.testing.assert_allclose(est.class_weight_, expected)


class RecordBatches(Callback):
    def initialize(self):
        self.labels = []
        return self

    def on_batch_begin(self, net, batch, training, **kwargs):
        if training:
            self.labels.append(batch[1].numpy().copy())


def test_balanced_sampler_yields_balanced_batches(imbalanced):
    X, y = imbalanced
    recorder = RecordBatches()
    net = WeightedNeuralNetClassifier(
        torch.nn.Linear, module__in_features=X.shape[1], module__out_features=3,
        sampler="balanced", train_split=None, max_epochs=20, batch_size=50,
        callbacks=[recorder], random_state=0, verbose=0,
    )
    net.fit(X.astype(np.float32), y)
    drawn = np.concatenate(recorder.labels)
    n = len(drawn)
    share = np.bincount(drawn, minlength=3) / n
    tolerance = 5 * np.sqrt((1 / 3) * (2 / 3) / n)  # five binomial standard deviations
    np.testing.assert_allclose(share, 1 / 3, atol=tolerance)
    # the sampler draws as many rows per epoch as there are training rows
    assert n == 20 * len(y)


def test_zero_class_weight_means_class_never_predicted(imbalanced):
    X, y = imbalanced
    with pytest.warns(UserWarning, match=r"every row of class\(es\) \[0\] has weight 0"):
        clf = mlp(class_weight={0: 0.0, 1: 1.0, 2: 1.0}, max_epochs=30).fit(X, y)
    assert np.mean(clf.predict(X) == 0) < 0.01


def test_class_weight_changes_the_fit_even_without_minority_in_batch(imbalanced):
    # with global normalisation a batch of majority rows is down-weighted: the
    # class-weighted fit must differ from the plain one
    X, y = imbalanced
    a = mlp(max_epochs=3).fit(X, y).predict_proba(X)
    b = mlp(max_epochs=3, class_weight="balanced").fit(X, y).predict_proba(X)
    assert not np.allclose(a, b)
