"""The tabular module's parts: the embeddings, the batched ensemble."""

import numpy as np
import pytest
import torch

from sklweight._net.bins import quantile_bins
from sklweight._net.embeddings import (
    PeriodicEmbedding,
    PiecewiseLinearEmbedding,
    per_feature_linear,
)
from sklweight._net.tabular_module import (
    LinearEnsemble,
    TabularModule,
    embedding_width,
    two_valued_columns,
)


def _data(n=200, n_features=3, seed=0):
    return torch.from_numpy(np.random.RandomState(seed).randn(n, n_features))


def test_piecewise_linear_encoding():
    emb = PiecewiseLinearEmbedding(1, 4, 2, dtype=torch.float64)
    emb.fit_bins(torch.arange(101, dtype=torch.float64).reshape(-1, 1))
    x = torch.tensor([[-25.0], [0.0], [30.0], [100.0], [125.0]], dtype=torch.float64)
    expected = [
        [-1.0, 0, 0, 0],  # below the range: the first component extrapolates
        [0.0, 0, 0, 0],
        [1.0, 0.2, 0, 0],
        [1.0, 1, 1, 1],
        [1.0, 1, 1, 2],  # above the range: the last component extrapolates
    ]
    np.testing.assert_allclose(emb.encode(x)[:, 0].numpy(), expected)


def test_unused_bins_encode_to_zero():
    emb = PiecewiseLinearEmbedding(1, 8, 2, dtype=torch.float64)
    emb.fit_bins(torch.tensor([[0.0], [1.0], [2.0]], dtype=torch.float64))
    code = emb.encode(torch.tensor([[5.0]], dtype=torch.float64))[0, 0]
    assert int(emb.n_used[0]) == 2
    np.testing.assert_allclose(code.numpy(), [1.0, 4.0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("embedding", [
    PiecewiseLinearEmbedding(3, 8, 5, dtype=torch.float64),
    PeriodicEmbedding(3, 5, dtype=torch.float64),
], ids=["piecewise_linear", "periodic"])
def test_embedding_shapes_and_gradients(embedding):
    X = _data(20).requires_grad_(True)
    embedding.fit_bins(X)
    out = embedding(X)
    assert out.shape == (20, 3, 5)
    out.sum().backward()
    assert all(p.grad is not None for p in embedding.parameters())


def test_per_feature_linear_is_one_product_per_feature():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(7, 4, 6, generator=gen, dtype=torch.float64, requires_grad=True)
    W = torch.randn(4, 6, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    out = per_feature_linear(X, W)
    expected = torch.stack([X[:, f] @ W[f] for f in range(4)], dim=1)
    torch.testing.assert_close(out, expected)
    grads = torch.autograd.grad(out.square().sum(), (X, W))
    torch.testing.assert_close(grads, torch.autograd.grad(expected.square().sum(), (X, W)))


def test_piecewise_linear_starts_as_a_linear_embedding():
    emb = PiecewiseLinearEmbedding(3, 8, 5, dtype=torch.float64)
    X = _data(20)
    emb.fit_bins(X)
    scale, bias = emb.weight[:, 8], emb.weight[:, 9]
    torch.testing.assert_close(emb(X), torch.relu(X.unsqueeze(-1) * scale + bias))
    assert not emb.weight[:, :8].any()


def test_fitted_bins_are_in_the_state_dict():
    emb = PiecewiseLinearEmbedding(3, 8, 5, dtype=torch.float64)
    emb.fit_bins(_data())
    other = PiecewiseLinearEmbedding(3, 8, 5, dtype=torch.float64)
    other.load_state_dict(emb.state_dict())
    X = _data(10, seed=3)
    torch.testing.assert_close(other(X), emb(X))


def test_linear_ensemble_is_k_linear_layers():
    layer = LinearEnsemble(4, 3, k=5, dtype=torch.float64)
    X = torch.randn(5, 7, 4, dtype=torch.float64)
    out = layer(X)
    assert out.shape == (5, 7, 3)
    for i in range(5):
        torch.testing.assert_close(out[i], X[i] @ layer.weight[i] + layer.bias[i])


@pytest.mark.parametrize("num_embedding", [None, "piecewise_linear", "periodic"])
@pytest.mark.parametrize("k", [1, 4])
def test_module_output_shape(num_embedding, k):
    module = TabularModule(3, 2, (8,), num_embedding=num_embedding, n_bins=4, d_embedding=3,
                           n_ensemble=k, dtype=torch.float64)
    module.fit_embeddings(_data())
    out = module(_data(6))
    assert out.shape == ((6, 2) if k == 1 else (6, k, 2))


def test_adapter_starts_at_random_signs_on_the_first_hidden_layer():
    torch.manual_seed(0)
    module = TabularModule(3, 2, (8, 5), num_embedding="periodic", d_embedding=4, n_ensemble=6)
    assert module.adapter.shape == (6, 8)
    assert set(module.adapter.detach().unique().tolist()) == {-1.0, 1.0}


def test_ensemble_forward_is_k_networks_sharing_the_first_layer():
    module = TabularModule(3, 2, (8, 5), n_ensemble=4, dtype=torch.float64)
    X = _data(6)
    out = module(X)
    first, act, second, act2 = module.hidden
    for i in range(4):
        h = act2(second(act(first(X) * module.adapter[i])))
        torch.testing.assert_close(out[:, i], h @ module.output.weight[i] + module.output.bias[i])


def test_without_hidden_layers_the_members_are_linear_heads():
    module = TabularModule(3, 2, (), n_ensemble=4, dtype=torch.float64)
    X = _data(6)
    out = module(X)
    assert module.adapter is None and out.shape == (6, 4, 2)
    torch.testing.assert_close(out[:, 1], X @ module.output.weight[1] + module.output.bias[1])


def test_members_differ_but_share_hidden_layers():
    module = TabularModule(3, 2, (8,), n_ensemble=4, dtype=torch.float64)
    out = module(_data(6))
    assert not torch.allclose(out[:, 0], out[:, 1])
    assert module.hidden[0].weight.shape == (8, 3)  # one shared layer, not k


def test_two_valued_columns():
    X = np.array([[0.0, 1.0, 5.0, 2.0], [1.0, 1.0, 6.0, 2.0], [0.0, 1.0, 7.0, 3.0]])
    assert two_valued_columns(X) == (0, 1, 3)
    assert two_valued_columns(X[:2]) == (0, 1, 2, 3)


@pytest.mark.parametrize("num_embedding", ["piecewise_linear", "periodic"])
def test_plain_features_skip_the_embedding(num_embedding):
    X = _data(20)
    X[:, 1] = (X[:, 1] > 0).double()
    module = TabularModule(3, 2, (8,), num_embedding=num_embedding, n_bins=4, d_embedding=5,
                           plain_features=(1,), dtype=torch.float64)
    module.fit_embeddings(X)
    assert module.hidden[0].in_features == 2 * 5 + 1
    embedded = module.embedding(X[:, [0, 2]]).flatten(1)
    expected = module.output(module.hidden(torch.cat([embedded, X[:, [1]]], dim=1)))
    torch.testing.assert_close(module(X), expected)
    assert "plain_" not in module.state_dict()


def test_plain_features_bins_cover_the_embedded_columns_only():
    X = _data(40)
    module = TabularModule(3, 2, (8,), num_embedding="piecewise_linear", n_bins=4,
                           d_embedding=2, plain_features=(0,), dtype=torch.float64)
    module.fit_embeddings(X)
    left, width, n_used = quantile_bins(X[:, 1:], 4)
    torch.testing.assert_close(module.embedding.left, left)


def test_all_plain_features_leave_no_embedding():
    module = TabularModule(3, 2, (8,), num_embedding="piecewise_linear",
                           plain_features=(0, 1, 2), dtype=torch.float64)
    assert module.embedding is None and module.hidden[0].in_features == 3
    module.fit_embeddings(_data())
    assert module(_data(5)).shape == (5, 2)


def test_plain_features_must_index_the_columns():
    with pytest.raises(ValueError, match="plain_features"):
        TabularModule(3, 2, num_embedding="periodic", plain_features=(3,))


@pytest.mark.parametrize("num_embedding", [None, "piecewise_linear"])
def test_one_relu_layer_ensemble_equals_the_member_by_member_forward(num_embedding):
    # relu(a h) = relu(a) relu(h) + relu(-a) relu(-h): the fast heads are the same function
    torch.manual_seed(0)
    module = TabularModule(3, 4, (8,), num_embedding=num_embedding, n_bins=4, d_embedding=3,
                           n_ensemble=5, dtype=torch.float64)
    assert module.homogeneous
    module.fit_embeddings(_data(30))
    with torch.no_grad():
        module.adapter.mul_(torch.rand_like(module.adapter) * 2)  # any real scales
        module.adapter[0, 0] = 0.0
    X = _data(7, seed=2)
    fast = module(X)
    H = module.hidden[0](module.embedding(X).flatten(1) if num_embedding else X)
    slow = module.output(torch.relu(H.unsqueeze(0) * module.adapter.unsqueeze(1)))
    torch.testing.assert_close(fast, slow.transpose(0, 1))
    grads = torch.autograd.grad(fast.square().sum(), list(module.parameters()))
    module.homogeneous = False
    expected = torch.autograd.grad(module(X).square().sum(), list(module.parameters()))
    for g, e in zip(grads, expected, strict=True):
        torch.testing.assert_close(g, e)


@pytest.mark.parametrize("params", [{"hidden_layer_sizes": (8, 5)}, {"activation": "tanh"},
                                    {"dropout": 0.1}])
def test_other_stacks_run_member_by_member(params):
    module = TabularModule(3, 2, **{"hidden_layer_sizes": (8,), **params}, n_ensemble=4)
    assert not module.homogeneous


@pytest.mark.parametrize(("n_embedded", "width"), [(1, 16), (32, 16), (33, 15), (90, 5),
                                                   (500, 4), (0, 16)])
def test_auto_embedding_width_caps_the_first_layer_inputs(n_embedded, width):
    assert embedding_width("auto", n_embedded) == width
    assert embedding_width(7, n_embedded) == 7
