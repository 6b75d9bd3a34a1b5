"""Edge cases of edl.bayesian.gp that its mutation run exposed: a list Y takes X's dtype, and a 1-D Y is
refused for its dimension."""

import math

import pytest
import torch

from edl.bayesian import gp

F32 = torch.float32


def test_rbf_kernel_list_Y_takes_X_float32():
    """Y given as a list takes X's float32; k(0, y) = exp(-ε y²) with ε = 1/2 at y = 0, 1, 2."""
    K = gp.rbf_kernel(torch.tensor([[0.0]], dtype=F32), [[0.0], [1.0], [2.0]], 0.5)
    assert K.dtype == F32
    assert K[0].tolist() == pytest.approx([1.0, math.exp(-0.5), math.exp(-2.0)], rel=1e-6)


def test_rbf_kernel_refuses_a_one_dimensional_Y_for_its_dimension():
    """Y of shape (2,) is refused as 1-D (not as a feature-count mismatch)."""
    with pytest.raises(ValueError, match=r"^Y must have 2 dimension\(s\), got shape \(2,\)$"):
        gp.rbf_kernel([[0.0]], [0.0, 1.0])


def _normals(seed, n, s):
    """The standard normals sample_gp draws from a generator seeded with ``seed``: one (n, s) block."""
    return torch.randn((n, s), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_sample_gp_is_the_mean_plus_the_cholesky_factor_times_the_seeded_normals():
    """Diagonal K + jitter·I = diag(4.5, 9.5): f = μ + z·(√4.5, √9.5) with the generator's normals z (sign and jitter
    added, not subtracted)."""
    f = gp.sample_gp([1.0, -2.0], [[4.0, 0.0], [0.0, 9.0]], 5, torch.Generator().manual_seed(3), jitter=0.5)
    z = _normals(3, 5, 2)
    expected = torch.tensor([1.0, -2.0], dtype=torch.float64) + z * torch.tensor([4.5, 9.5], dtype=torch.float64).sqrt()
    assert torch.allclose(f, expected, rtol=0, atol=1e-12)


def test_sample_gp_singular_kernel_uses_the_symmetric_square_root():
    """K = [[1, 1], [1, 1]] (no Cholesky factor): f = μ ± z₂·(1, 1), the two values equal and |f - μ| = |z₂| exactly
    (the eigenvalue 2 of K with eigenvector (1, 1)/√2)."""
    f = gp.sample_gp([0.5, 0.5], [[1.0, 1.0], [1.0, 1.0]], 6, torch.Generator().manual_seed(4), jitter=0.0)
    z = _normals(4, 6, 2)
    assert torch.allclose(f[:, 0], f[:, 1], rtol=0, atol=1e-12)
    assert torch.allclose((f[:, 0] - 0.5).abs(), z[:, 1].abs(), rtol=0, atol=1e-12)


def test_sample_gp_kernel_whose_first_minor_vanishes():
    """K = diag(0, 4) fails Cholesky at its first minor: the first value is the mean, the second μ ± 2 z₂."""
    f = gp.sample_gp([1.0, 2.0], [[0.0, 0.0], [0.0, 4.0]], 6, torch.Generator().manual_seed(5), jitter=0.0)
    z = _normals(5, 6, 2)
    assert torch.allclose(f[:, 0], torch.ones(6, dtype=torch.float64), rtol=0, atol=1e-12)
    assert torch.allclose((f[:, 1] - 2.0).abs(), 2 * z[:, 1].abs(), rtol=0, atol=1e-12)


def test_sample_gp_draws_a_single_sample():
    """n_samples = 1 is valid and gives one row."""
    f = gp.sample_gp([0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]], 1, torch.Generator().manual_seed(0))
    assert f.shape == (1, 2)


def test_sample_gp_list_kernel_takes_the_float32_of_the_mean():
    """K given as a list takes the float32 of a float32 mean; f = μ + 2z for K = diag(4, 4), jitter 0."""
    f = gp.sample_gp(torch.tensor([0.0, 1.0], dtype=F32), [[4.0, 0.0], [0.0, 4.0]], 3,
                     torch.Generator().manual_seed(2), jitter=0.0)
    assert f.dtype == F32
    z = torch.randn((3, 2), generator=torch.Generator().manual_seed(2), dtype=F32)
    assert torch.allclose(f, torch.tensor([0.0, 1.0]) + 2 * z, rtol=0, atol=1e-6)


def test_sample_gp_keeps_float32_under_a_float64_default():
    """The jitter identity takes K's dtype, not the global default."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        f = gp.sample_gp(torch.tensor([0.0, 1.0], dtype=F32), torch.eye(2, dtype=F32), 3,
                         torch.Generator().manual_seed(2))
    finally:
        torch.set_default_dtype(previous)
    assert f.dtype == F32


def test_sample_gp_refuses_a_one_dimensional_kernel_for_its_dimension():
    """K of shape (2,) is refused as 1-D (not as a shape mismatch with the mean)."""
    with pytest.raises(ValueError, match=r"^K must have 2 dimension\(s\), got shape \(2,\)$"):
        gp.sample_gp([0.0, 1.0], [1.0, 1.0], 3, torch.Generator())


def test_gp_posterior_list_arguments_take_the_float32_of_K():
    """k_star, k_star_star and y given as lists take K's float32; one training point, noise 1: mean ½·2/2 = 0.5,
    variance 1 - ¼/2 = 0.875."""
    m, s2 = gp.gp_posterior(torch.tensor([[1.0]], dtype=F32), [[0.5]], [1.0], [2.0], noise=1.0)
    assert m.dtype == F32 and s2.dtype == F32
    assert m.tolist() == pytest.approx([0.5], rel=1e-6) and s2.tolist() == pytest.approx([0.875], rel=1e-6)


def test_gp_posterior_keeps_float32_under_a_float64_default():
    """The noise identity takes K's dtype, not the global default."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        m, s2 = gp.gp_posterior(torch.tensor([[1.0]], dtype=F32), torch.tensor([[0.5]], dtype=F32),
                                torch.tensor([1.0], dtype=F32), torch.tensor([2.0], dtype=F32), noise=1.0)
    finally:
        torch.set_default_dtype(previous)
    assert m.dtype == F32 and s2.dtype == F32


def test_gp_posterior_small_noise_on_a_large_kernel_is_solved_exactly():
    """K = diag(1e17, 1), σ² = ½: the test point sees only the second training point, mean 3/(1 + ½) = 2 and
    variance 1 - 1/1.5 = 1/3. (A pseudo-inverse with its default cutoff would drop the small eigenvalue 1.5.)"""
    K = torch.tensor([[1e17, 0.0], [0.0, 1.0]], dtype=torch.float64)
    m, s2 = gp.gp_posterior(K, [[0.0], [1.0]], [1.0], [0.0, 3.0], noise=0.5)
    assert m.tolist() == pytest.approx([2.0], rel=1e-12) and s2.tolist() == pytest.approx([1 / 3], rel=1e-12)


def test_gp_posterior_default_noise_interpolates():
    """The default noise is 0: the posterior at a training point is its value with variance 0."""
    m, s2 = gp.gp_posterior([[1.0, 0.0], [0.0, 1.0]], [[1.0], [0.0]], [1.0], [2.0, -1.0])
    assert m.tolist() == pytest.approx([2.0], abs=1e-12) and s2.tolist() == pytest.approx([0.0], abs=1e-12)


@pytest.mark.parametrize("k_star, k_star_star, y, message", [
    ([0.5], [1.0], [2.0], r"^k_star must have 2 dimension\(s\), got shape \(1,\)$"),
    ([[0.5], [0.5]], [1.0], [2.0], r"^k_star must have shape \(1, any\) to match K, got shape \(2, 1\)$"),
    ([[0.5]], [[1.0]], [2.0], r"^k_star_star must have 1 dimension\(s\), got shape \(1, 1\)$"),
    ([[0.5]], [1.0, 2.0], [2.0], r"^k_star_star must have shape \(1,\) to match k_star, got shape \(2,\)$"),
    ([[0.5]], [1.0], [[2.0]], r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"),
    ([[0.5]], [1.0], [2.0, 1.0], r"^y must have shape \(1,\) to match K, got shape \(2,\)$"),
])
def test_gp_posterior_refusals_name_the_argument(k_star, k_star_star, y, message):
    """Each argument is refused for its dimension first, then for a size naming the argument it must match."""
    with pytest.raises(ValueError, match=message):
        gp.gp_posterior([[1.0]], k_star, k_star_star, y, 1.0)
    with pytest.raises(ValueError, match=r"^K must have 2 dimension\(s\), got shape \(1,\)$"):
        gp.gp_posterior([1.0], k_star, k_star_star, y, 1.0)


def test_condition_gaussian_list_arguments_take_the_float32_of_mu():
    """Sigma and x_A given as lists take mu's float32; ρ = ½, x₀ = 2: mean 1, variance ¾."""
    m, S = gp.condition_gaussian(torch.tensor([0.0, 0.0], dtype=F32), [[1.0, 0.5], [0.5, 1.0]], [0], [2.0])
    assert m.dtype == F32 and S.dtype == F32
    assert m.tolist() == pytest.approx([1.0], rel=1e-6) and S.flatten().tolist() == pytest.approx([0.75], rel=1e-6)


@pytest.mark.parametrize("Sigma, x_A, message", [
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [2.0],
     r"^Sigma must have shape \(2, 2\) to match mu, got shape \(3, 3\)$"),
    ([1.0, 1.0], [2.0], r"^Sigma must have 2 dimension\(s\), got shape \(2,\)$"),
    ([[1.0, 0.5], [0.5, 1.0]], [[2.0]], r"^x_A must have 1 dimension\(s\), got shape \(1, 1\)$"),
    ([[1.0, 0.5], [0.5, 1.0]], [2.0, 1.0], r"^x_A must have shape \(1,\) to match A, got shape \(2,\)$"),
])
def test_condition_gaussian_refusals_name_the_argument(Sigma, x_A, message):
    """Sigma and x_A are refused for their dimension first, then for a size naming mu or A; a 2-D mu for its
    dimension."""
    with pytest.raises(ValueError, match=message):
        gp.condition_gaussian([0.0, 0.0], Sigma, [0], x_A)
    with pytest.raises(ValueError, match=r"^mu must have 1 dimension\(s\), got shape \(1, 2\)$"):
        gp.condition_gaussian([[0.0, 0.0]], [[1.0, 0.5], [0.5, 1.0]], [0], [2.0])


def test_linear_kernel_list_arguments_take_the_float32_of_X():
    """Y and Sigma given as lists take X's float32: (1, 2)·diag(2, 1)·(3, 4)ᵀ = 14, with (1, 0): 2."""
    K = gp.linear_kernel(torch.tensor([[1.0, 2.0]], dtype=F32), [[3.0, 4.0], [1.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]])
    assert K.dtype == F32 and K.tolist() == [[14.0, 2.0]]
    assert gp.linear_kernel(torch.tensor([[1.0, 2.0]], dtype=F32), [[3.0, 4.0]]).dtype == F32


@pytest.mark.parametrize("Y, Sigma, message", [
    ([[1.0, 2.0, 3.0]], None, r"^Y must have shape \(any, 2\) to match X, got shape \(1, 3\)$"),
    ([1.0, 2.0], None, r"^Y must have 2 dimension\(s\), got shape \(2,\)$"),
    ([[1.0, 2.0]], [1.0, 1.0], r"^Sigma must have 2 dimension\(s\), got shape \(2,\)$"),
    ([[1.0, 2.0]], [[1.0]], r"^Sigma must have shape \(2, 2\) to match X, got shape \(1, 1\)$"),
])
def test_linear_kernel_refusals_name_the_argument(Y, Sigma, message):
    """Y and Sigma are refused for their dimension first, then for a size naming X; a 1-D X for its dimension."""
    with pytest.raises(ValueError, match=message):
        gp.linear_kernel([[1.0, 2.0]], Y, Sigma)
    with pytest.raises(ValueError, match=r"^X must have 2 dimension\(s\), got shape \(2,\)$"):
        gp.linear_kernel([1.0, 2.0], [[1.0, 2.0]])
