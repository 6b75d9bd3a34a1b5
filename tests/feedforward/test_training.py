"""Training a small network: XOR, the δ-recursion against autograd and torch.nn, and the overfitting experiment."""

import pytest
import torch

from edl.feedforward import training as tr

F64 = torch.float64


def test_no_affine_score_separates_xor_and_least_squares_predicts_one_half():
    assert tr.xor_linear_fit().tolist() == [0.5, 0.5, 0.5, 0.5]
    X, y = tr.xor_data()
    w = torch.randn(1000, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
    b = torch.randn(1000, generator=torch.Generator().manual_seed(1), dtype=F64)
    s = X @ w.T + b  # (4, 1000): every affine score
    assert torch.allclose(s[1] + s[2], s[0] + s[3])  # the two diagonals always have the same total


def test_the_relu_network_computes_xor_exactly():
    X, y = tr.xor_data()
    W, b = tr.xor_relu_network()
    h = torch.relu(X @ W[0].T + b[0])
    assert torch.equal((h @ W[1].T + b[1])[:, 0], y)


def test_backward_matches_autograd_on_uneven_widths():
    X, y = tr.two_moons(30, generator=torch.Generator().manual_seed(0))
    W, b = tr.init_network([2, 5, 3, 1], generator=torch.Generator().manual_seed(1))
    b = [c + 0.1 for c in b]
    gW, gb = tr.backward(X, y, W, b)
    Wr, br = [w.clone().requires_grad_(True) for w in W], [c.clone().requires_grad_(True) for c in b]
    auto = torch.autograd.grad(tr.loss(X, y, Wr, br), Wr + br)
    for ours, ref in zip(gW + gb, auto):
        assert torch.allclose(ours, ref, atol=1e-14, rtol=1e-12)


def test_loss_is_torch_bce_with_logits():
    X, y = tr.two_moons(20, generator=torch.Generator().manual_seed(2))
    W, b = tr.init_network([2, 4, 1], generator=torch.Generator().manual_seed(3))
    ref = torch.nn.functional.binary_cross_entropy_with_logits(tr.logits(X, W, b), y)
    assert abs(float(tr.loss(X, y, W, b)) - float(ref)) < 1e-14


def test_training_by_hand_and_with_torch_agree_step_for_step():
    X, y = tr.two_moons(100, 0.2, generator=torch.Generator().manual_seed(0))
    W, b = tr.init_network([2, 8, 8, 1], generator=torch.Generator().manual_seed(1))
    hand = tr.train_by_hand(X, y, W, b, 0.5, 100)
    net, curve = tr.train_with_torch(X, y, W, b, 0.5, 100)
    assert torch.allclose(hand["train"], curve, atol=1e-12)
    assert float(hand["train"][-1]) < 0.5 * float(hand["train"][0])
    torch_W = [m.weight.detach() for m in net if isinstance(m, torch.nn.Linear)]
    assert max(float((p - q).abs().max()) for p, q in zip(hand["weights"], torch_W)) < 1e-10


def test_overfitting_experiment_shows_the_gap():
    runs = tr.overfitting_experiment(sizes=(20, 200), steps=600, record_every=50)
    few, many = runs[20], runs[200]
    assert float(few["train"][-1]) < 0.05 < float(many["train"][-1])
    assert float(few["test"][-1]) > 2 * float(few["test"].min())  # the held-out loss turns up
    assert float(many["test"][-1]) < float(few["test"][-1])


@pytest.mark.parametrize("call, name", [
    (lambda: tr.two_moons(0), "s"),
    (lambda: tr.two_moons(5, noise=float("nan")), "noise"),
    (lambda: tr.init_network([2]), "widths"),
    (lambda: tr.loss([[0.0, 0.0]], [2.0], *tr.init_network([2, 1])), "y"),
    (lambda: tr.forward([[0.0, 0.0, 1.0]], *tr.init_network([2, 1])), "X"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(2, 2)], [torch.zeros(2)]), "weights"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *tr.init_network([2, 1]), lr=-1.0, steps=3), "lr"),
    (lambda: tr.train_with_torch([[0.0, 0.0]], [1.0], *tr.init_network([2, 1]), lr=0.1, steps=-1), "steps"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
