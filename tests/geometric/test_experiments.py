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


def test_node_classifier_pinned_after_three_steps():
    A, y = ex.karate_club()
    X = torch.eye(34, dtype=torch.float64)
    run = ex.train_node_classifier(A, X, y, epochs=3)
    assert [round(a * 30) for a in run["test_accuracy"]] == [4, 26, 28]
    torch.testing.assert_close(run["logits"][[0, 5, 33]], torch.tensor(
        [[0.238311, -0.171641], [0.259386, -0.169972], [-0.416064, 0.165871]], dtype=torch.float64), atol=2e-6, rtol=0)
    torch.testing.assert_close(run["hidden"][0, :3], torch.tensor([0.044661, -0.207967, 0.180335], dtype=torch.float64),
                               atol=2e-6, rtol=0)
    mlp = ex.train_node_classifier(A, X, y, graph=False, epochs=3, hidden=4, lr=0.1, seed=2)
    assert [round(a * 30) for a in mlp["test_accuracy"]] == [15, 15, 16]
    torch.testing.assert_close(mlp["logits"][[0, 5]], torch.tensor([[1.143038, -0.586325], [-0.038766, 0.113271]],
                                                                    dtype=torch.float64), atol=2e-6, rtol=0)


def test_set_models_pinned_after_three_steps():
    out = ex.train_set_models(size=4, steps=3, n_train=16)
    assert out["deep_sets_loss"] == pytest.approx([2.85388052, 0.79370882, 0.30116087], abs=1e-7)
    assert out["mlp_loss"] == pytest.approx([3.53545919, 2.68731354, 1.97525582], abs=1e-7)
    assert out["deep_sets_mse"] == pytest.approx(0.10248392, abs=1e-7)
    assert out["mlp_mse"] == pytest.approx(1.29393447, abs=1e-7)
    assert out["mlp_shuffle"] == pytest.approx(0.0613887, abs=1e-7)
    assert out["mse_by_size"][20] == pytest.approx(0.40564463, abs=1e-7)


def test_make_sets_and_deep_sets_net_pinned():
    x, t = ex.make_sets(2, 3, seed=5)
    torch.testing.assert_close(x, torch.tensor([[0.64201501, 0.25975792, 0.36082762], [0.31513261, 0.26611714, 0.8514287]],
                                               dtype=torch.float64), atol=1e-8, rtol=0)
    with torch.no_grad():
        out = ex.DeepSetsNet(width=3, seed=4)(x)
    torch.testing.assert_close(out, torch.tensor([0.8304453, 0.83338268], dtype=torch.float64), atol=1e-8, rtol=0)
