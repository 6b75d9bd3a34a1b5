"""Tests of edl.geometric.experiments: the karate club data, the GCN/MLP comparison and Deep Sets training."""

import pytest
import torch

from edl.geometric import experiments as ex
from edl.geometric import symmetry


def test_karate_club_facts():
    A, y = ex.karate_club()
    assert A.shape == (34, 34) and int(A.sum()) == 156 and torch.equal(A, A.T)
    assert int(y.sum()) == 17 and y[0] == 0 and y[33] == 1
    assert A.sum(1)[[0, 33]].tolist() == [16.0, 17.0]


def test_gcn_beats_the_feature_only_mlp():
    A, y = ex.karate_club()
    X = torch.eye(34, dtype=torch.float64)
    g = ex.train_node_classifier(A, X, y, epochs=60)
    m = ex.train_node_classifier(A, X, y, graph=False, epochs=60)
    assert g["test_accuracy"][-1] >= 0.9
    assert m["test_accuracy"][-1] <= 0.7
    assert g["logits"].shape == (34, 2) and g["hidden"].shape == (34, 8)


def test_node_classifier_validation():
    A, y = ex.karate_club()
    X = torch.eye(34, dtype=torch.float64)
    with pytest.raises(ValueError, match="train_nodes must be distinct"):
        ex.train_node_classifier(A, X, y, train_nodes=[0, 0])
    with pytest.raises(ValueError, match="train_nodes must be distinct"):
        ex.train_node_classifier(A, X, y, train_nodes=[0, 34])
    with pytest.raises(ValueError, match="y must hold classes"):
        ex.train_node_classifier(A, X, y * 2, epochs=1)


def test_deep_sets_net_is_the_library_model_batched():
    net = ex.DeepSetsNet(width=5, seed=3)
    x = torch.rand(4, 7, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    with torch.no_grad():
        batched = net(x)
        single = torch.stack([symmetry.deep_sets(x[b], net.phi, lambda z: net.rho(z)[0]) for b in range(4)])
    torch.testing.assert_close(batched, single, atol=1e-14, rtol=0)
    with pytest.raises(ValueError, match="x must have 2 dimension"):
        net(x[0])


def test_make_sets_and_set_training():
    x, t = ex.make_sets(5, 4, seed=2)
    assert x.shape == (5, 4) and bool(((x >= 0) & (x <= 1)).all())
    torch.testing.assert_close(t, x.max(1).values - x.min(1).values)
    out = ex.train_set_models(size=5, steps=30, n_train=64)
    assert out["deep_sets_shuffle"] <= 1e-12 < 1e-3 < out["mlp_shuffle"]
    assert out["deep_sets_loss"][-1] < out["deep_sets_loss"][0]
    assert sorted(out["mse_by_size"]) == [2, 4, 6, 10, 20]
