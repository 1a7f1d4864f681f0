"""The batch data path: datasets, batch iterators and row collation."""

import pytest
import torch

from sklweight._net.batching import BatchIterator, TensorDataset, WeightedInput, collate_rows
from sklweight.sampling import WeightedSampler


def make_dataset(n=10, weighted=True):
    X = torch.arange(n * 2, dtype=torch.float32).reshape(n, 2)
    y = torch.arange(n) % 3
    w = torch.linspace(0.5, 1.5, n) if weighted else None
    return TensorDataset(X, y, w)


def test_batch_carries_weights_with_rows():
    ds = make_dataset()
    X, y = ds.batch(torch.tensor([3, 1]))
    assert isinstance(X, WeightedInput)
    assert torch.equal(X.X, ds.X[[3, 1]])
    assert torch.equal(X.sample_weight, ds.sample_weight[[3, 1]])
    assert torch.equal(y, ds.y[[3, 1]])
    assert len(X) == 2


def test_unweighted_batch_is_plain():
    X, y = make_dataset(weighted=False).batch(slice(0, 4))
    assert isinstance(X, torch.Tensor) and X.shape == (4, 2)


@pytest.mark.parametrize("batch_size", [1, 3, 10, 64])
def test_iterator_covers_every_row_once(batch_size):
    ds = make_dataset()
    gen = torch.Generator().manual_seed(0)
    batches = list(BatchIterator(ds, batch_size=batch_size, shuffle=True, generator=gen))
    assert len(batches) == len(BatchIterator(ds, batch_size=batch_size))
    rows = torch.cat([X.X[:, 0] for X, _ in batches])
    assert sorted(rows.tolist()) == ds.X[:, 0].tolist()
    # weights stay aligned with their rows through the shuffle
    for X, y in batches:
        index = (X.X[:, 0] / 2).long()
        assert torch.equal(X.sample_weight, ds.sample_weight[index])
        assert torch.equal(y, ds.y[index])


def test_unshuffled_iteration_is_in_order_and_uses_views():
    ds = make_dataset()
    X, _ = next(iter(BatchIterator(ds, batch_size=4)))
    assert X.X.data_ptr() == ds.X.data_ptr()  # a slice, not a copy


def test_same_generator_seed_same_order():
    ds = make_dataset(50)

    def order(seed):
        it = BatchIterator(ds, batch_size=7, shuffle=True,
                           generator=torch.Generator().manual_seed(seed))
        return torch.cat([X.X[:, 0] for X, _ in it])

    assert torch.equal(order(1), order(1))
    assert not torch.equal(order(1), order(2))


def test_drop_last():
    it = BatchIterator(make_dataset(10), batch_size=4, drop_last=True)
    assert [len(X) for X, _ in it] == [4, 4]
    assert len(it) == 2


def test_sampler_draws_epoch_indices():
    ds = make_dataset(6)
    weights = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    sampler = WeightedSampler(weights, generator=torch.Generator().manual_seed(0))
    it = BatchIterator(ds, batch_size=4, sampler=sampler)
    rows = torch.cat([X.X[:, 0] for X, _ in it])
    assert rows.tolist() == [10.0] * 6


def test_shuffle_and_sampler_are_exclusive():
    ds = make_dataset(6)
    with pytest.raises(ValueError, match="mutually exclusive"):
        BatchIterator(ds, shuffle=True, sampler=WeightedSampler(torch.ones(6)))


def test_iterator_refuses_foreign_datasets():
    with pytest.raises(TypeError, match="DataLoader"):
        BatchIterator([1, 2, 3])


def test_subset_selects_rows_and_shares_X():
    ds = make_dataset(10)
    sub = ds.subset([4, 2])
    assert torch.equal(sub.X, ds.X[[4, 2]]) and torch.equal(sub.y, ds.y[[4, 2]])
    assert torch.equal(sub.sample_weight, ds.sample_weight[[4, 2]])
    assert len(sub) == 2
    assert sub.base is ds.X  # X is not copied: the subset keeps row positions
    assert sub.rows.tolist() == [4, 2]


def test_subset_of_subset_composes_rows():
    ds = make_dataset(10)
    sub = ds.subset([9, 7, 5, 3]).subset([3, 0])
    assert sub.base is ds.X and sub.rows.tolist() == [3, 9]
    X, y = sub.batch(slice(0, 2))
    assert torch.equal(X.X, ds.X[[3, 9]]) and torch.equal(y, ds.y[[3, 9]])
    assert torch.equal(X.sample_weight, ds.sample_weight[[3, 9]])


@pytest.mark.parametrize("shuffle", [False, True])
def test_iterating_a_subset_fetches_its_rows_with_their_weights(shuffle):
    ds = make_dataset(30)
    keep = torch.tensor([1, 4, 7, 10, 13, 16, 19, 22, 25, 28])
    sub = ds.subset(keep)
    it = BatchIterator(sub, batch_size=3, shuffle=shuffle,
                       generator=torch.Generator().manual_seed(0))
    seen = []
    for X, y in it:
        index = (X.X[:, 0] / 2).long()  # the row each batch row came from
        assert torch.equal(y, ds.y[index])
        assert torch.equal(X.sample_weight, ds.sample_weight[index])
        seen += index.tolist()
    assert sorted(seen) == keep.tolist()


def test_row_access_of_a_subset_for_dataloaders():
    ds = make_dataset(10)
    sub = ds.subset([6, 3])
    X, y = sub[1]  # DataLoader's per-row access
    assert torch.equal(X.X, ds.X[3]) and y == ds.y[3]
    loader = torch.utils.data.DataLoader(sub, batch_size=2, collate_fn=collate_rows)
    Xb, yb = next(iter(loader))
    assert torch.equal(Xb.X, ds.X[[6, 3]]) and torch.equal(yb, ds.y[[6, 3]])


def test_dict_inputs_are_indexed_together():
    X = {"a": torch.arange(6.0), "b": torch.arange(6.0) * 10}
    ds = TensorDataset(X, torch.zeros(6, dtype=torch.long), torch.ones(6))
    Xb, _ = ds.batch(torch.tensor([5, 0]))
    assert Xb.X["b"].tolist() == [50.0, 0.0]


def test_dataloader_collation_matches_batch_indexing():
    ds = make_dataset(8)
    loader = torch.utils.data.DataLoader(ds, batch_size=3, collate_fn=collate_rows)
    X, y = next(iter(loader))
    Xr, yr = ds.batch(slice(0, 3))
    assert torch.equal(X.X, Xr.X) and torch.equal(X.sample_weight, Xr.sample_weight)
    assert torch.equal(y, yr)
