"""Tests of edl.recurrent.elman: the Elman network and backpropagation through time, against torch and autograd."""

import numpy as np
import pytest
import torch
from torch import nn

from edl.recurrent import elman as el

F64 = torch.float64


def _problem(seed=0, m=3, n=2, T=5):
    rng = np.random.default_rng(seed)
    return (torch.tensor(rng.normal(size=(T, n))), torch.tensor(rng.normal(size=(m, m)) * 0.7),
            torch.tensor(rng.normal(size=(m, n))))


def _autograd(x, U, V, loss):
    Ur, Vr = U.clone().requires_grad_(True), V.clone().requires_grad_(True)
    z, states = torch.zeros(U.shape[0], dtype=F64), []
    for x_t in x:
        z = torch.tanh(Ur @ z + Vr @ x_t)
        z.retain_grad()
        states.append(z)
    loss(states).backward()
    return Ur.grad, Vr.grad, torch.stack([z.grad for z in states])


def test_unroll_runs_the_update_in_order():
    out = el.unroll(lambda z, x: 2 * z + x, [[1.0], [0.0], [3.0]], [1.0])
    assert out.flatten().tolist() == [3.0, 6.0, 15.0]
    with pytest.raises(ValueError, match="step"):
        el.unroll("no", [[1.0]], [0.0])


def test_elman_forward_matches_torch_rnn_and_step():
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3).double()
    x = torch.tensor(np.random.default_rng(1).normal(size=(4, 2, 2)))
    want, _ = rnn(x)
    U, V = rnn.weight_hh_l0.detach(), rnn.weight_ih_l0.detach()
    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach()
    torch.testing.assert_close(el.elman_forward(x, U, V, b), want.detach(), atol=1e-13, rtol=0)
    z = torch.zeros(2, 3, dtype=F64)
    for t in range(4):
        z = el.elman_step(z, x[t], U, V, b)
    torch.testing.assert_close(z, want[-1].detach(), atol=1e-13, rtol=0)
    single = el.elman_step(torch.zeros(3, dtype=F64), x[0, 0], U, V, b)
    torch.testing.assert_close(single, want[0, 0].detach(), atol=1e-13, rtol=0)


def test_elman_step_exact_value_and_shape_errors():
    assert float(el.elman_step([0.5], [1.0], [[2.0]], [[-1.0]], [0.25])[0]) == pytest.approx(np.tanh(0.25), abs=1e-15)
    with pytest.raises(ValueError, match="batch shape"):
        el.elman_step([[0.0], [0.0]], [[1.0]], [[1.0]], [[1.0]], [0.0])
    with pytest.raises(ValueError, match="x_t"):
        el.elman_step([0.0], [1.0, 2.0], [[1.0]], [[1.0]], [0.0])


def test_param_count():
    assert el.elman_param_count(3, 5, 2) == 25 + 15 + 5 + 10 + 2
    assert el.elman_param_count(1, 1, 1) == 5
    assert el.elman_param_count(2, 4, 3) == 16 + 8 + 4 + 12 + 3


@pytest.mark.parametrize("output", ["tanh", "linear"])
def test_state_grads_match_autograd(output):
    x, U, V = _problem(2)
    W = torch.tensor(np.random.default_rng(3).normal(size=(2, 3)))
    d = torch.tensor(np.random.default_rng(4).normal(size=(5, 2)))
    Phi = torch.tanh if output == "tanh" else (lambda s: s)
    _, _, gbar = _autograd(x, U, V, lambda zs: sum(d[t] @ Phi(W @ z) for t, z in enumerate(zs)))
    torch.testing.assert_close(el.bptt_state_grads(x, U, V, W, d, output), gbar, atol=1e-13, rtol=0)


def test_state_grads_last_step_has_no_future():
    g = el.bptt_state_grads([[1.0], [1.0]], [[0.5]], [[1.0]], [[2.0]], [[0.0], [1.0]], "linear")
    assert g.flatten().tolist()[1] == 2.0
    z1 = np.tanh(1.0)
    z2 = np.tanh(0.5 * z1 + 1.0)
    assert float(g[0, 0]) == pytest.approx(0.5 * (1 - z2 ** 2) * 2.0, abs=1e-15)


def test_param_grads_match_autograd_and_sum_per_step_terms():
    x, U, V = _problem(5)
    gU, gV, gbar = _autograd(x, U, V, lambda zs: sum((z ** 2).sum() for z in zs))
    a, b = el.bptt_param_grads(x, U, V, gbar)
    torch.testing.assert_close(a, gU, atol=1e-13, rtol=0)
    torch.testing.assert_close(b, gV, atol=1e-13, rtol=0)
    pU, pV = el.per_step_param_grads(x, U, V, gbar)
    assert pU.shape == (5, 3, 3) and pV.shape == (5, 3, 2)
    assert float(pU[0].abs().max()) == 0.0                       # step 1 multiplies z_0 = 0
    torch.testing.assert_close(pU.sum(0), gU, atol=1e-13, rtol=0)


def test_path_contributions_match_autograd_per_loss_term():
    x, U, V = _problem(6)
    c = torch.tensor(np.random.default_rng(7).normal(size=(5, 3)))
    for theta in (0.7, 1.4):
        th = torch.tensor(theta, dtype=F64, requires_grad=True)
        h, per_t = torch.zeros(3, dtype=F64), []
        for t in range(5):
            h = torch.tanh(th * U @ h + V @ x[t])
            per_t.append(c[t] @ h)
        want = torch.stack([torch.autograd.grad(L, th, retain_graph=True)[0] for L in per_t])
        terms = el.bptt_path_contributions(x, U, V, theta, c)
        torch.testing.assert_close(terms.sum(1), want, atol=1e-13, rtol=0)
        assert bool((torch.triu(terms, 1) == 0).all()) and bool((terms[:, 0] == 0).all())


def test_validation_names_arguments():
    with pytest.raises(ValueError, match="output"):
        el.bptt_state_grads([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0]], "relu")
    with pytest.raises(ValueError, match="delta"):
        el.bptt_state_grads([[1.0]], [[1.0]], [[1.0]], [[1.0]], [[1.0], [1.0]], "tanh")
    with pytest.raises(ValueError, match="V"):
        el.elman_forward(torch.zeros(2, 1, 3), [[1.0]], [[1.0, 2.0]], [0.0])
    with pytest.raises(ValueError, match="U"):
        el.elman_forward(torch.zeros(2, 1, 1), [[1.0, 0.0]], [[1.0]], [0.0])
    with pytest.raises(ValueError, match="gbar"):
        el.per_step_param_grads([[1.0]], [[1.0]], [[1.0]], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="theta"):
        el.bptt_path_contributions([[1.0]], [[1.0]], [[1.0]], float("nan"), [[1.0]])
