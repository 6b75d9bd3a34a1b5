"""Edge cases of edl.geometric.experiments that the behaviour tests leave open: defaults, smallest sizes,
error messages, dtype kept, and the seeds and sizes passed down by ``train_set_models``."""

import pytest
import torch

from edl.geometric import experiments as ex

P3 = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]   # the path 0 - 1 - 2


def _initial_deep_sets_loss(n, size, seed):
    """Mean squared error of the untrained Deep Sets model on the training sets, from the public pieces."""
    x, t = ex.make_sets(n, size, seed)
    with torch.no_grad():
        return float(((ex.DeepSetsNet(16, seed)(x) - t) ** 2).mean())


def test_karate_club_dtype_device_and_bad_device():
    """The adjacency takes the requested dtype (its 0/1 entries unchanged); a bad device is named in the message."""
    A64, y64 = ex.karate_club()
    A32, y32 = ex.karate_club(dtype=torch.float32, device="cpu")
    assert A64.dtype == torch.float64 and A32.dtype == torch.float32 and A32.device.type == "cpu"
    assert torch.equal(A32.double(), A64) and torch.equal(y32, y64)
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nonexistent'$"):
        ex.karate_club(device="nonexistent")


def test_node_classifier_messages():
    """Bad labels and nodes are refused with messages naming the argument, the valid range and the value."""
    A = torch.tensor(P3, dtype=torch.float64)
    X = torch.eye(3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^train_nodes must be distinct nodes 0\.\.2, got \[0, 3\]$"):
        ex.train_node_classifier(A, X, [0, 1, 0], train_nodes=[0, 3])
    with pytest.raises(ValueError, match=r"^y must have shape \(3,\) to match A, got shape \(2,\)$"):
        ex.train_node_classifier(A, X, [0, 1], train_nodes=[0, 1])
    with pytest.raises(ValueError, match=r"^y must hold classes 0 and 1, got \[0\.0, 2\.0, 0\.0\]$"):
        ex.train_node_classifier(A, X, [0, 2, 0], train_nodes=[0, 1])
    # 1 + 1e-9 is not a class, although float32 would round it to 1: the labels are read in float64
    with pytest.raises(ValueError, match=r"^y must hold classes 0 and 1, got \[0\.0, 1\.0, 1\.000000001\]$"):
        ex.train_node_classifier(A, X, [0.0, 1.0, 1.0 + 1e-9], train_nodes=[0, 1])
    with pytest.raises(ValueError, match=r"^hidden must be at least 1, got 0$"):
        ex.train_node_classifier(A, X, [0, 1, 0], train_nodes=[0, 1], hidden=0)
    with pytest.raises(ValueError, match=r"^epochs must be at least 1, got 0$"):
        ex.train_node_classifier(A, X, [0, 1, 0], train_nodes=[0, 1], epochs=0)


def test_node_classifier_smallest_sizes_and_default_epochs():
    """hidden = 1 and epochs = 1 are valid; without ``epochs`` the documented 100 steps are taken."""
    A = torch.tensor(P3, dtype=torch.float64)
    X = torch.eye(3, dtype=torch.float64)
    run = ex.train_node_classifier(A, X, [0, 1, 0], train_nodes=[0, 1], hidden=1, epochs=1)
    assert len(run["test_accuracy"]) == 1 and run["hidden"].shape == (3, 1) and run["logits"].shape == (3, 2)
    assert len(ex.train_node_classifier(A, X, [0, 1, 0], train_nodes=[0, 1])["test_accuracy"]) == 100


def test_node_classifier_keeps_float32_of_the_graph():
    """A float32 graph with list features and labels trains in float32 and agrees with the float64 run."""
    feats = [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    run32 = ex.train_node_classifier(torch.tensor(P3, dtype=torch.float32), feats, [0, 1, 1], train_nodes=[0, 2],
                                     epochs=3)
    run64 = ex.train_node_classifier(torch.tensor(P3, dtype=torch.float64), feats, [0, 1, 1], train_nodes=[0, 2],
                                     epochs=3)
    assert run32["logits"].dtype == torch.float32 and run32["hidden"].dtype == torch.float32
    assert run64["logits"].dtype == torch.float64
    torch.testing.assert_close(run32["logits"].double(), run64["logits"], atol=1e-5, rtol=0)


def test_deep_sets_net_defaults_and_width_one():
    """The defaults are width 16 and seed 0; width 1 is a valid (permutation-invariant) model, width 0 is not."""
    x = torch.tensor([[0.1, 0.5, 0.9], [0.3, 0.2, 0.7]], dtype=torch.float64)
    net = ex.DeepSetsNet()
    assert net.phi[0].out_features == 16 and net.rho[-1].in_features == 16
    with torch.no_grad():
        torch.testing.assert_close(net(x), ex.DeepSetsNet(16, 0)(x), atol=0, rtol=0)
        assert not torch.allclose(net(x), ex.DeepSetsNet(16, 1)(x))
        one = ex.DeepSetsNet(width=1, seed=2)
        assert one(x).shape == (2,)
        torch.testing.assert_close(one(x), one(x[:, [2, 0, 1]]), atol=1e-14, rtol=0)
    with pytest.raises(ValueError, match=r"^width must be at least 1, got 0$"):
        ex.DeepSetsNet(width=0)


def test_deep_sets_net_input_messages():
    """NaN, infinite and empty sets are refused with messages naming ``x``."""
    net = ex.DeepSetsNet(width=2)
    with pytest.raises(ValueError, match=r"^x must not contain NaN, got "):
        net(torch.tensor([[1.0, float("nan")]], dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^x must be finite, got \[\[1\.0, inf\]\]$"):
        net(torch.tensor([[1.0, float("inf")]], dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^x must not be empty, got shape \(1, 0\)$"):
        net(torch.zeros(1, 0, dtype=torch.float64))


def test_make_sets_default_seed_and_single_sets():
    """The default seed is 0; one set and sets of one number are valid, and the range of one number is 0."""
    x, t = ex.make_sets(2, 3)
    x0, t0 = ex.make_sets(2, 3, seed=0)
    assert torch.equal(x, x0) and torch.equal(t, t0)
    assert not torch.equal(x, ex.make_sets(2, 3, seed=1)[0])
    x, t = ex.make_sets(1, 3, seed=4)
    assert x.shape == (1, 3) and t.shape == (1,)
    torch.testing.assert_close(t, x.max(1).values - x.min(1).values, atol=0, rtol=0)
    x, t = ex.make_sets(4, 1, seed=4)
    assert x.shape == (4, 1) and torch.equal(t, torch.zeros(4, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^n must be at least 1, got 0$"):
        ex.make_sets(0, 3)
    with pytest.raises(ValueError, match=r"^size must be at least 1, got 0$"):
        ex.make_sets(3, 0)


def test_set_models_smallest_sizes_and_size_message():
    """Sets of 2, one training set and one step are valid; the first loss is the untrained model's error."""
    out = ex.train_set_models(size=2, steps=1, n_train=1)
    assert len(out["deep_sets_loss"]) == 1 and len(out["mlp_loss"]) == 1
    assert out["deep_sets_loss"][0] == pytest.approx(_initial_deep_sets_loss(1, 2, 0), abs=1e-12)
    with pytest.raises(ValueError, match=r"^size must be at least 2, got 1$"):
        ex.train_set_models(size=1, steps=1, n_train=1)


def test_set_models_default_sizes_and_seed_passed_down():
    """Without arguments: 512 training sets of 6 numbers and seed 0; a given seed reaches the data and the model."""
    out = ex.train_set_models(steps=1)
    assert out["deep_sets_loss"][0] == pytest.approx(_initial_deep_sets_loss(512, 6, 0), abs=1e-12)
    assert out["deep_sets_loss"][0] != pytest.approx(_initial_deep_sets_loss(513, 7, 0), abs=1e-6)
    seeded = ex.train_set_models(size=3, steps=1, n_train=8, seed=1)
    assert seeded["deep_sets_loss"][0] == pytest.approx(_initial_deep_sets_loss(8, 3, 1), abs=1e-12)
    assert _initial_deep_sets_loss(8, 3, 1) != pytest.approx(_initial_deep_sets_loss(8, 3, 0), abs=1e-6)


def test_set_models_default_steps():
    """Without ``steps`` the documented 400 full-batch steps are taken (one loss per step)."""
    out = ex.train_set_models(size=2, n_train=1)
    assert len(out["deep_sets_loss"]) == 400 and len(out["mlp_loss"]) == 400
