"""Unit tests of ``edl.tricks.residual``."""

import math

import pytest
import torch

from edl.tricks import residual as rs

f64 = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731


def test_residual_layer_each_activation_and_projection():
    x, W, b = f64([1.0, -1.0]), f64([[1.0, 0.0], [0.0, 2.0]]), f64([0.0, 1.0])
    assert torch.allclose(rs.residual_layer(x, W, b), x + torch.sigmoid(W @ x + b) - 0.5)
    assert torch.allclose(rs.residual_layer(x, W, b, "tanh"), x + torch.tanh(W @ x + b))
    assert rs.residual_layer(x, W, b, "relu").tolist() == [2.0, -1.0]
    Ws = f64([[2.0, 0.0]])
    assert rs.residual_layer(x, f64([[1.0, 1.0]]), f64([0.5]), "relu", Ws).tolist() == [2.5]
    with pytest.raises(ValueError, match="Ws"):
        rs.residual_layer(x, f64([[1.0, 1.0]]), f64([0.0]))
    with pytest.raises(ValueError, match="activation"):
        rs.residual_layer(x, W, b, "elu")
    batch = rs.residual_layer(torch.stack([x, 2 * x]), W, b, "tanh")
    assert torch.allclose(batch[1], rs.residual_layer(2 * x, W, b, "tanh"))


def test_residual_jacobian_exact():
    J = rs.residual_jacobian([1.0, 0.0], [[0.0, 0.0], [1.0, 0.0]])
    s = 1 - math.tanh(1.0) ** 2
    assert J.tolist() == [[1.0, 0.0], [pytest.approx(s), 1.0]]


def test_gradient_norms_plain_and_residual():
    W = torch.zeros(2, 3, 3, dtype=torch.float64)
    assert rs.gradient_norms(f64([1.0, 2.0, 3.0]), W, residual=False).tolist() == [0.0, 0.0, math.sqrt(3)]
    eye = torch.eye(3, dtype=torch.float64).repeat(2, 1, 1) * 0.1
    x = f64([0.0, 0.0, 0.0])
    res = rs.gradient_norms(x, eye, residual=True, alpha=2.0)
    assert res.tolist() == pytest.approx([math.sqrt(3) * 1.2 ** 2, math.sqrt(3) * 1.2, math.sqrt(3)])
    plain = rs.gradient_norms(x, eye, residual=False, alpha=2.0)
    assert plain.tolist() == pytest.approx([math.sqrt(3) * 0.04, math.sqrt(3) * 0.2, math.sqrt(3)])


def test_growth_expectation_and_jacobians():
    assert rs.expected_growth(1, 1.0) == 2.0
    assert rs.expected_growth(2, 1.0) == 2.25
    assert rs.expected_growth(4, 0.0) == 1.0
    assert rs.expected_growth(5, 5.0) == 32.0
    r = rs.residual_growth(8, 3, 0.0, 4, generator=torch.Generator().manual_seed(0))
    assert r.tolist() == pytest.approx([1.0] * 4)
    mean = float(rs.residual_growth(16, 4, 0.5, 4000, generator=torch.Generator().manual_seed(1)).mean())
    assert mean == pytest.approx(1.25 ** 4, rel=0.03)
    Jy, Jt = rs.residual_step_jacobians([1.0, 2.0], [[0.0, 1.0], [2.0, 0.0]], 0.5)
    assert Jy.tolist() == [[1.0, 0.5], [1.0, 1.0]]
    assert Jt[0].tolist() == [[0.5, 1.0], [0.0, 0.0]] and Jt[1].tolist() == [[0.0, 0.0], [0.5, 1.0]]


def test_dense_channels_and_block():
    assert rs.dense_channels(1, 1, 1) == ([1], 2)
    assert rs.dense_channels(2, 5, 3) == ([2, 7, 12], 17)
    out = rs.dense_block(f64([[1.0, 2.0]]), [lambda z: z.sum(1, keepdim=True), lambda z: z[:, -1:] * 10])
    assert out.tolist() == [[1.0, 2.0, 3.0, 30.0]]
    with pytest.raises(ValueError, match="layers"):
        rs.dense_block(f64([[1.0]]), [])
    with pytest.raises(ValueError, match="layers"):
        rs.dense_block(f64([[1.0]]), [lambda z: z[0]])


def test_zero_branch_scale_and_refusals():
    Jy, Jt = rs.residual_step_jacobians([1.0, 2.0], [[1.0, 1.0], [1.0, 1.0]], 0.0)
    assert Jy.tolist() == [[1.0, 0.0], [0.0, 1.0]] and float(Jt.abs().max()) == 0.0
    with pytest.raises(ValueError, match="theta"):
        rs.residual_step_jacobians([1.0, 2.0], [[1.0]], 0.5)
    with pytest.raises(ValueError, match="alpha"):
        rs.gradient_norms([0.0], torch.zeros(1, 1, 1, dtype=torch.float64), alpha=0.0)
    with pytest.raises(ValueError, match="W"):
        rs.residual_jacobian([0.0, 0.0], [[1.0, 2.0]])
    with pytest.raises(ValueError, match="b"):
        rs.residual_layer([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]], [0.0])
