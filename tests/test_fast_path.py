"""The hot path (sklweight/_net/training.py, epoch_plan.py, batching.py): the lean epoch
loop and training step train exactly as skorch's loop does, keep callbacks and history
working, never copy X per epoch, and still name the epoch and batch of a NaN loss."""

import numpy as np
import pytest
import torch
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import Callback, GradientNormClipping

from sklweight import NonFiniteLossError, WeightedMLPClassifier, WeightedNeuralNetClassifier
from sklweight._net import epoch_plan, module_output
from sklweight._net.batching import BatchIterator, TensorDataset

N, F, K = 60, 5, 3


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.randn(N, F).astype(np.float32)
    y = (X[:, 0] + 0.3 * rng.randn(N) > 0).astype(np.int64) + (X[:, 1] > 1)
    w = rng.uniform(0.2, 2.0, N)
    return X, y, w


def make(**kwargs):
    params = {
        "module": torch.nn.Linear, "module__in_features": F, "module__out_features": K,
        "max_epochs": 3, "lr": 0.1, "batch_size": 16, "train_split": None, "verbose": 0,
        "optimizer": torch.optim.Adam,
    }
    return WeightedNeuralNetClassifier(**{**params, **kwargs})


def params_of(net):
    return [p.detach().clone() for p in net.module_.parameters()]


def assert_same_params(a, b):
    for p, q in zip(a, b, strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


class SkorchStep(WeightedNeuralNetClassifier):
    """The same classifier trained by skorch's own train_step (closure, accumulator,
    on_grad_computed) and run_single_epoch."""

    def train_step(self, batch, **fit_params):
        return NeuralNet.train_step(self, batch, **fit_params)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        return NeuralNet.run_single_epoch(
            self, iterator, training, prefix, step_fn, **fit_params)


# --------------------------------------------------------------------- same training
@pytest.mark.parametrize("weighted", [False, True])
def test_fast_path_trains_as_skorch_loop_and_dataloader(data, weighted):
    X, y, w = data
    sw = w if weighted else None
    fits = {}
    for name, cls, extra in [
        ("fast", WeightedNeuralNetClassifier, {}),
        ("skorch step", SkorchStep, {}),
        ("dataloader", WeightedNeuralNetClassifier,
         {"iterator_train": torch.utils.data.DataLoader}),
    ]:
        torch.manual_seed(0)  # random_state=None: the module starts from the global RNG
        net = cls(**{**make().get_params(deep=False), **extra})
        fits[name] = params_of(net.fit(X, y, sample_weight=sw))
    assert_same_params(fits["fast"], fits["skorch step"])
    assert_same_params(fits["fast"], fits["dataloader"])


def test_unweighted_fit_matches_stock_skorch(data):
    X, y, _ = data
    torch.manual_seed(0)
    ours = make().fit(X, y)
    torch.manual_seed(0)
    stock = NeuralNetClassifier(
        torch.nn.Linear, module__in_features=F, module__out_features=K, max_epochs=3,
        lr=0.1, batch_size=16, train_split=None, verbose=0, optimizer=torch.optim.Adam,
        criterion=torch.nn.CrossEntropyLoss,
    ).fit(X, y)
    for p, q in zip(ours.module_.parameters(), stock.module_.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    np.testing.assert_allclose(ours.history[:, "train_loss"], stock.history[:, "train_loss"],
                               rtol=1e-6)


def test_lbfgs_keeps_the_closure_step(data):
    X, y, _ = data
    net = make(optimizer=torch.optim.LBFGS, lr=0.5, batch_size=N, random_state=0)
    net.fit(X, y)
    losses = net.history[:, "train_loss"]
    assert losses[-1] < losses[0]  # LBFGS re-evaluates the closure: it learns


def test_all_ones_weights_equal_no_weights(data):
    X, y, _ = data
    a = make(random_state=0).fit(X, y)
    b = make(random_state=0).fit(X, y, sample_weight=np.ones(N))
    assert_same_params(params_of(a), params_of(b))
    assert a.criterion_.reduction == "none"  # the per-epoch "mean" is switched back


# --------------------------------------------------------------------- callbacks, history
class Recorder(Callback):
    def initialize(self):
        self.events = []
        return self

    def on_batch_begin(self, net, batch=None, training=None, **kwargs):
        self.events.append(("begin", training, len(batch[1])))

    def on_batch_end(self, net, batch=None, training=None, loss=None, y_pred=None, **kwargs):
        row = net.history[-1, "batches", -1]
        prefix = "train" if training else "valid"
        self.events.append(("end", training, row[prefix + "_batch_size"], float(loss),
                            row[prefix + "_loss"], tuple(y_pred.shape)))

    def on_grad_computed(self, net, named_parameters, batch=None, training=None, **kwargs):
        self.events.append(("grad", sorted(name for name, _ in named_parameters)))


def test_batch_hooks_and_history_records(data):
    X, y, _ = data
    recorder = Recorder()
    # validation on the same rows
    net = make(callbacks=[recorder], train_split=lambda ds, y=None: (ds, ds), max_epochs=2)
    net.fit(X, y)
    n_batches = -(-N // 16)
    begins = [e for e in recorder.events if e[0] == "begin"]
    ends = [e for e in recorder.events if e[0] == "end"]
    grads = [e for e in recorder.events if e[0] == "grad"]
    assert len(begins) == len(ends) == 2 * 2 * n_batches  # 2 epochs x (train + valid)
    assert len(grads) == 2 * n_batches and grads[0][1] == ["bias", "weight"]
    for _, _, size, loss, recorded, shape in ends:
        assert recorded == pytest.approx(loss)  # the record is there in on_batch_end
        assert shape == (size, K)
    for epoch in net.history:
        rows = epoch["batches"]
        assert len(rows) == 2 * n_batches
        assert [r["train_batch_size"] for r in rows[:n_batches]] == [16, 16, 16, 12]
        assert all(np.isfinite(r["valid_loss"]) for r in rows[n_batches:])
        sizes = [r["train_batch_size"] for r in rows[:n_batches]]
        losses = [r["train_loss"] for r in rows[:n_batches]]
        assert epoch["train_loss"] == pytest.approx(np.average(losses, weights=sizes))
        assert epoch["train_batch_count"] == epoch["valid_batch_count"] == n_batches


def test_gradient_clipping_callback_acts(data):
    X, y, _ = data
    clipped = make(random_state=0, callbacks=[GradientNormClipping(1e-6)], lr=1.0,
                   optimizer=torch.optim.SGD).fit(X, y)
    free = make(random_state=0, lr=1.0, optimizer=torch.optim.SGD).fit(X, y)
    start = make(random_state=0, max_epochs=0).fit(X, y)
    moved = [(p - q).abs().max().item()
             for p, q in zip(params_of(clipped), params_of(start), strict=True)]
    free_moved = [(p - q).abs().max().item()
                  for p, q in zip(params_of(free), params_of(start), strict=True)]
    assert max(moved) < 1e-4 < max(free_moved)


def test_a_subclass_overriding_notify_sees_every_batch_event(data):
    X, y, _ = data
    seen = []

    class Listening(WeightedNeuralNetClassifier):
        def notify(self, method_name, **kwargs):
            seen.append(method_name)
            return super().notify(method_name, **kwargs)

    Listening(**make().get_params(deep=False)).fit(X, y)
    n_batches = 3 * -(-N // 16)
    assert seen.count("on_batch_begin") == seen.count("on_batch_end") == n_batches
    assert seen.count("on_grad_computed") == n_batches


# --------------------------------------------------------------------- data path
def test_user_dataset_and_iterator_params(data):
    X, y, _ = data
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(X), torch.from_numpy(y))
    net = make(classes=[0, 1, 2], iterator_train__shuffle=True, random_state=0).fit(dataset)
    assert len(net.history[-1]["batches"]) == -(-N // 16)
    assert net.predict(X).shape == (N,)
    dropped = make(iterator_train__drop_last=True, random_state=0).fit(X, y)
    assert [r["train_batch_size"] for r in dropped.history[-1]["batches"]] == [16, 16, 16]
    batch = make(iterator_train__batch_size=7, random_state=0).fit(X, y)
    assert len(batch.history[-1]["batches"]) == -(-N // 7)


def test_X_is_not_copied_at_set_up_or_per_epoch(data, monkeypatch):
    X, y, w = data
    X = np.ascontiguousarray(X)
    fetched = []
    original = TensorDataset.fetch

    def spy(self, index, base_index):
        fetched.append((self.base.data_ptr(), self.rows is None))
        X_b, y_b = original(self, index, base_index)
        assert len(y_b) <= 16  # a batch, never the whole of X
        return X_b, y_b

    monkeypatch.setattr(TensorDataset, "fetch", spy)
    seen = {}

    class SeeSplit(Callback):
        def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
            seen.setdefault("train", dataset_train.data)
            seen.setdefault("valid", dataset_valid.data)

    net = make(train_split=lambda ds, y=None: (ds.subset(np.arange(40)),
                                                ds.subset(np.arange(40, N))),
               callbacks=[SeeSplit()], iterator_train__shuffle=True, random_state=0)
    net.fit(X, y, sample_weight=w)
    ptr = X.__array_interface__["data"][0]
    # every batch was gathered from the user's own float32 array: no copy of X at all
    assert {p for p, _ in fetched} == {ptr}
    assert seen["train"].base.data_ptr() == ptr and seen["valid"].base.data_ptr() == ptr
    assert len(fetched) == 3 * (-(-40 // 16) + -(-20 // 16))


def test_mlp_trains_on_the_validated_array_without_copy(data, monkeypatch):
    X, y, _ = data
    X = np.ascontiguousarray(X)
    pointers = set()
    original = TensorDataset.fetch

    def spy(self, index, base_index):
        pointers.add(self.base.data_ptr())
        return original(self, index, base_index)

    monkeypatch.setattr(TensorDataset, "fetch", spy)
    WeightedMLPClassifier(4, max_epochs=2, random_state=0).fit(X, y)
    assert pointers == {X.__array_interface__["data"][0]}


# --------------------------------------------------------------------- non-finite loss
class Poisonable(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(F, K)
        self.poisoned = False

    def forward(self, X):
        out = self.linear(X)
        return out * float("nan") if self.poisoned else out


class PoisonAt(Callback):
    def __init__(self, epoch, batch):
        self.epoch, self.batch = epoch, batch

    def on_batch_begin(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch and \
                len(net.history[-1]["batches"]) == self.batch:
            net.module_.poisoned = True


@pytest.mark.parametrize("deferred", [False, True], ids=["per-batch read", "epoch read"])
def test_nan_loss_names_epoch_and_batch(data, monkeypatch, deferred):
    X, y, _ = data
    if deferred:  # the accelerator path: losses stay on the device, read once an epoch
        monkeypatch.setattr(epoch_plan, "device_type", lambda net: "cuda")
    net = WeightedNeuralNetClassifier(
        Poisonable, max_epochs=4, batch_size=16, train_split=None, verbose=0, lr=0.1,
        random_state=0, callbacks=[("poison", PoisonAt(2, 3))],
    )
    if deferred:
        net.initialize()
        plan = epoch_plan.EpochPlan(net, True, type(net).notify)
        assert not plan.read_each_batch
    with pytest.raises(NonFiniteLossError, match="epoch 2, batch 3"):
        net.fit(X, y)
    assert not net.initialized_


def test_deferred_records_are_complete_at_epoch_end(data, monkeypatch):
    X, y, _ = data
    monkeypatch.setattr(epoch_plan, "device_type", lambda net: "cuda")
    deferred = make(random_state=0).fit(X, y)
    monkeypatch.undo()
    direct = make(random_state=0).fit(X, y)
    for a, b in zip(deferred.history, direct.history, strict=True):
        assert [r["train_loss"] for r in a["batches"]] == pytest.approx(
            [r["train_loss"] for r in b["batches"]])
        assert a["train_loss"] == pytest.approx(b["train_loss"])


# --------------------------------------------------------------------- precision, predict
def test_bf16_autocast_trains_and_predicts_on_cpu(data):
    X, y, w = data
    net = make(precision="bf16", random_state=0, max_epochs=5).fit(X, y, sample_weight=w)
    proba = net.predict_proba(X)
    assert proba.dtype == np.float32 and np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    assert np.isfinite(net.history[:, "train_loss"]).all()
    clf = WeightedMLPClassifier(8, precision="bf16", max_epochs=3, random_state=0).fit(X, y)
    assert clf.net_.precision == "bf16" and clf.predict(X).shape == (N,)


def test_fp16_uses_a_grad_scaler(data):
    X, y, _ = data
    net = make(precision="fp16", random_state=0)
    try:
        net.fit(X, y)
    except RuntimeError as error:  # pragma: no cover - a torch build without CPU fp16
        pytest.skip(f"float16 autocast unavailable on this CPU: {error}")
    assert isinstance(net._scaler[1], torch.amp.GradScaler)
    assert np.isfinite(net.history[:, "train_loss"]).all()


def test_fp16_with_a_closure_optimizer_is_refused(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="precision='fp16' needs an optimizer"):
        make(precision="fp16", optimizer=torch.optim.LBFGS).fit(X, y)


def test_invalid_precision_is_refused(data):
    X, y, _ = data
    with pytest.raises(ValueError, match="'precision' parameter"):
        make(precision="fp8").fit(X, y)


def test_prediction_uses_large_batches_unless_asked(data, monkeypatch):
    X, y, _ = data
    X = np.concatenate([X] * 200)  # 12 000 rows
    sizes = []
    original = BatchIterator.__init__

    def spy(self, dataset, batch_size=128, **kwargs):
        sizes.append(batch_size)
        original(self, dataset, batch_size=batch_size, **kwargs)

    net = make(random_state=0, max_epochs=1).fit(X[:N], y)
    expected = net.predict_proba(X)
    monkeypatch.setattr(BatchIterator, "__init__", spy)
    np.testing.assert_allclose(net.predict_proba(X), expected)
    assert sizes == [module_output.PREDICT_BATCH_ROWS]
    sizes.clear()
    asked = make(random_state=0, max_epochs=1, iterator_valid__batch_size=1000).fit(X[:N], y)
    sizes.clear()
    np.testing.assert_allclose(asked.predict_proba(X), expected, rtol=1e-6)
    assert sizes == [1000]


def test_mlp_steps_with_fused_adam_where_torch_has_it(data):
    X, y, _ = data
    clf = WeightedMLPClassifier(4, max_epochs=2, random_state=0).fit(X, y)
    assert clf.net_.optimizer_.defaults.get("fused") == epoch_plan.fused_adam_supported("cpu")
    assert not epoch_plan.fused_adam_supported("meta")  # no fused kernel: the default Adam
    again = WeightedMLPClassifier(4, max_epochs=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), again.predict_proba(X))


class Listening(WeightedNeuralNetClassifier):
    """A subclass that overrides notify (the plan then routes every event through it)."""

    def notify(self, method_name, **kwargs):
        return super().notify(method_name, **kwargs)


def test_fitted_nets_pickle_and_clone_without_training_state(data):
    import pickle

    from sklearn.base import clone

    X, y, _ = data
    for net in (make(random_state=0), Listening(**make(random_state=0).get_params())):
        net.fit(X, y)
        assert not any(k.startswith("_fast_plan") and v is not None
                       for k, v in vars(net).items())
        restored = pickle.loads(pickle.dumps(net))
        np.testing.assert_array_equal(restored.predict_proba(X), net.predict_proba(X))
        clone(net).fit(X, y)
