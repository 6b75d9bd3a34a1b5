"""Unit tests of ``edl.tricks.init``: exact values, every branch, and the errors."""

import math

import pytest
import torch

from edl.tricks import init


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_uniform_bound_is_root_three_sigma():
    assert float(init.uniform_bound(2.0)) == pytest.approx(2 * math.sqrt(3), abs=1e-15)
    assert init.uniform_bound(torch.tensor([1.0, 4.0])).tolist() == pytest.approx([math.sqrt(3), 4 * math.sqrt(3)])
    with pytest.raises(ValueError, match="sigma"):
        init.uniform_bound(0.0)


def test_rules_exact_values():
    assert init.lecun_std(16) == 0.25
    assert init.glorot_std(3, 5) == pytest.approx(0.5)
    assert init.glorot_std(1, 1) == 1.0
    assert init.he_std(8) == 0.5
    assert init.he_std(2) == 1.0
    assert float(init.relu_second_moment(0.0)) == 0.0
    assert init.relu_second_moment([2.0, 5.0]).tolist() == [1.0, 2.5]
    for bad in (0, -1):
        with pytest.raises(ValueError, match="n"):
            init.lecun_std(bad)
        with pytest.raises(ValueError, match="n"):
            init.he_std(bad)
        with pytest.raises(ValueError, match="m"):
            init.glorot_std(2, bad)
    with pytest.raises(ValueError, match="s2"):
        init.relu_second_moment(-1.0)


def test_sample_weights_normal_and_uniform():
    w = init.sample_weights((1000, 100), 0.5, "uniform", generator=gen())
    a = 0.5 * math.sqrt(3)
    assert w.shape == (1000, 100) and w.dtype == torch.float64
    assert float(w.abs().max()) <= a and float(w.abs().max()) > 0.999 * a
    assert float(w.min()) < -0.999 * a
    assert float(w.var()) == pytest.approx(0.25, rel=0.01)
    assert abs(float(w.mean())) < 0.005
    n = init.sample_weights((1000, 100), 0.5, "normal", generator=gen())
    assert float(n.var()) == pytest.approx(0.25, rel=0.01) and float(n.abs().max()) > a
    assert abs(float(n.mean())) < 0.005
    same = init.sample_weights((3,), 1.0, generator=gen(5))
    assert torch.equal(same, init.sample_weights((3,), 1.0, generator=gen(5)))
    assert init.sample_weights((2, 2), 1.0, generator=gen(), dtype=torch.float32).dtype == torch.float32
    with pytest.raises(ValueError, match="distribution"):
        init.sample_weights((2,), 1.0, "cauchy", generator=gen())
    with pytest.raises(ValueError, match="generator"):
        init.sample_weights((2,), 1.0)
    with pytest.raises(ValueError, match="dtype"):
        init.sample_weights((2,), 1.0, generator=gen(), dtype=torch.int64)


def test_orthogonal_is_orthogonal_with_gain_and_haar_signs():
    W = init.orthogonal(5, count=3, gain=2.0, generator=gen())
    assert W.shape == (3, 5, 5)
    eye = torch.eye(5, dtype=torch.float64)
    for Wi in W:
        assert torch.allclose(Wi.T @ Wi, 4 * eye, atol=1e-12)
        assert torch.allclose(Wi @ Wi.T, 4 * eye, atol=1e-12)
    many = init.orthogonal(2, count=4000, generator=gen(1))
    # Haar: the diagonal entries are symmetric about 0 (the sign fix), and E W₁₁² = 1/m
    assert abs(float(many[:, 0, 0].mean())) < 0.05
    assert float((many[:, 0, 0] ** 2).mean()) == pytest.approx(0.5, abs=0.02)
    assert init.orthogonal(3, generator=gen(), dtype=torch.float32).dtype == torch.float32
    with pytest.raises(ValueError, match="gain"):
        init.orthogonal(3, gain=0.0, generator=gen())


def test_second_moments_exact_and_by_activation():
    x = torch.tensor([[1.0, -1.0], [2.0, 0.0]], dtype=torch.float64)
    W = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[-2.0, 0.0], [0.0, 1.0]]], dtype=torch.float64)
    lin = init.second_moments(x, W)
    assert lin.tolist() == [1.0, 1.0, 3.5]                               # E‖x‖² = 3; rows (−2, −1), (−4, 0)
    relu = init.second_moments(x, W, "relu")
    # layer 1 keeps the positive parts: rows (1, 0) and (2, 0): (1 + 4)/2/3; layer 2 negates the first coordinate
    assert relu.tolist() == [1.0, pytest.approx(5 / 6), 0.0]
    tanh = init.second_moments(x, W, "tanh")
    h1 = torch.tanh(x)
    assert float(tanh[1]) == pytest.approx(float((h1 ** 2).sum(1).mean() / 3.0))
    with pytest.raises(ValueError, match="activation"):
        init.second_moments(x, W, "gelu")
    with pytest.raises(ValueError, match="weights"):
        init.second_moments(x, torch.zeros(1, 2, 3, dtype=torch.float64))
    with pytest.raises(ValueError, match="x"):
        init.second_moments(torch.zeros(2, 2), W)


def test_orthogonal_is_the_q_of_a_qr_with_positive_diagonal():
    # Haar sampling: W is the unique Q with A = W R', R' upper triangular with a positive diagonal,
    # for the Gaussian A drawn from the same generator state.
    W = init.orthogonal(4, count=2, generator=gen(3))
    A = torch.randn(2, 4, 4, generator=gen(3), dtype=torch.float64)
    R = W.transpose(1, 2) @ A
    assert torch.allclose(torch.tril(R, diagonal=-1), torch.zeros_like(R), atol=1e-12)
    assert bool((torch.diagonal(R, dim1=1, dim2=2) > 0).all())
