"""Tests of edl.recurrent.gradients: spectral norms, Jacobian products through time, the vanishing bound, clipping."""

import math

import numpy as np
import pytest
import torch

from edl.recurrent import gradients as gr

F64 = torch.float64


def test_spectral_norm_and_radius():
    A = np.random.default_rng(0).normal(size=(6, 4))
    assert gr.spectral_norm(torch.tensor(A)) == pytest.approx(np.linalg.norm(A, 2), rel=1e-10)
    assert gr.spectral_norm(torch.zeros(3, 3, dtype=F64)) == 0.0
    assert gr.spectral_norm([[2.0, 0.0], [0.0, -3.0]]) == pytest.approx(3.0, rel=1e-12)
    assert gr.spectral_radius([[0.0, -2.0], [2.0, 0.0]]) == pytest.approx(2.0, rel=1e-12)
    assert gr.spectral_radius([[0.5, 100.0], [0.0, -0.25]]) == pytest.approx(0.5, rel=1e-12)
    with pytest.raises(ValueError, match="A"):
        gr.spectral_radius([[1.0, 2.0]])
    with pytest.raises(ValueError, match="iters"):
        gr.spectral_norm([[1.0]], iters=0)


def test_submultiplicative_bound_values():
    assert gr.submultiplicative_bound([[2.0, 0.0], [0.0, 1.0]], [[0.5, 0.0], [0.0, 0.1]]) == pytest.approx(1.0, abs=1e-15)
    assert gr.submultiplicative_bound([[3.0]], [[-2.0, 0.0]]) == pytest.approx(6.0, abs=1e-14)
    with pytest.raises(ValueError, match="B"):
        gr.submultiplicative_bound([[1.0, 0.0]], [[1.0]])


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "linear"])
def test_state_jacobians_match_autograd(act):
    rng = np.random.default_rng(1)
    x, U, V, z0 = (torch.tensor(rng.normal(size=s)) for s in ((4, 2), (3, 3), (3, 2), (3,)))
    phi = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda s: s}[act]

    def run(z, t):
        for x_t in x[:t]:
            z = phi(U @ z + V @ x_t)
        return z
    want = torch.stack([torch.autograd.functional.jacobian(lambda z, t=t: run(z, t), z0) for t in range(1, 5)])
    torch.testing.assert_close(gr.state_jacobians(x, U, V, z0, act), want, atol=1e-13, rtol=0)
    torch.testing.assert_close(gr.jacobian_norms(x, U, V, z0, act), torch.linalg.matrix_norm(want, 2), atol=1e-13, rtol=0)


def test_vanishing_bound_constants():
    assert gr.KAPPA == {"tanh": 1.0, "sigmoid": 0.25, "linear": 1.0}
    assert gr.vanishing_bound(0.9, 2, "tanh").tolist() == pytest.approx([1.0, 0.9, 0.81], abs=1e-15)
    assert gr.vanishing_bound(2.0, 3, "sigmoid").tolist() == [1.0, 0.5, 0.25, 0.125]
    assert gr.vanishing_bound(0.0, 2).tolist() == [1.0, 0.0, 0.0]
    assert len(gr.vanishing_bound(1.1, 0)) == 1


def test_orthogonal_recurrence_attains_the_bound():
    Q = torch.tensor(np.linalg.qr(np.random.default_rng(2).normal(size=(8, 8)))[0])
    norms = gr.jacobian_norms(torch.zeros(20, 8, dtype=F64), 1.1 * Q, torch.eye(8, dtype=F64), torch.zeros(8, dtype=F64), "tanh")
    torch.testing.assert_close(norms, gr.vanishing_bound(1.1, 20)[1:], rtol=1e-11, atol=0)


def test_feedforward_bound():
    assert gr.feedforward_bound([[[2.0, 0.0], [0.0, 1.0]], [[3.0, 0.0], [0.0, 0.5]]], "linear") == pytest.approx(6.0)
    assert gr.feedforward_bound([[[4.0]]], "sigmoid") == pytest.approx(1.0)
    assert gr.feedforward_bound([[[2.0]], [[2.0]], [[2.0]]], "tanh") == pytest.approx(8.0)
    with pytest.raises(ValueError, match="weights"):
        gr.feedforward_bound([[[1.0, 2.0]], [[1.0, 2.0]]])


def test_clip_by_norm():
    g = torch.tensor([3.0, 4.0], dtype=F64)
    torch.testing.assert_close(gr.clip_by_norm(g, 1.0), torch.tensor([0.6, 0.8], dtype=F64), atol=1e-15, rtol=0)
    torch.testing.assert_close(gr.clip_by_norm(g, 5.0), g)                      # exactly at the threshold: unchanged
    torch.testing.assert_close(gr.clip_by_norm(g, 10.0), g)
    out = gr.clip_by_norm(torch.tensor([[6.0, 0.0], [0.0, 8.0]], dtype=F64), 5.0)
    assert float(out.norm()) == pytest.approx(5.0) and float(out[1, 1]) == pytest.approx(4.0)
    small = gr.clip_by_norm(g, 2.5)
    assert float(small.norm()) == pytest.approx(2.5) and small is not g
    with pytest.raises(ValueError, match="threshold"):
        gr.clip_by_norm(g, 0.0)
    assert math.isclose(float(gr.clip_by_norm(torch.tensor([0.0, 0.0], dtype=F64), 1.0).norm()), 0.0)
