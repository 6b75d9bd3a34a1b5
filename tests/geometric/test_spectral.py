"""Tests of edl.geometric.spectral against networkx, scipy and closed forms."""

import math

import networkx as nx
import numpy as np
import pytest
import scipy.linalg
import torch

from edl.geometric import spectral as sp

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
PATH3 = T([[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_grid_laplace_stencil_and_scaling():
    f = torch.zeros(4, 4, dtype=torch.float64)
    f[1, 2] = 1.0
    out = sp.grid_laplace(f, 0.5)
    assert out[1, 2].item() == -16.0 and out[0, 2].item() == 4.0 and out[1, 3].item() == 4.0 and out[3, 3].item() == 0.0
    g = T([[1.0, 2.0, 0.0], [0.0, 0.0, 1.0], [3.0, 0.0, 0.0]])
    ref = (np.roll(g, 1, 0) + np.roll(g, -1, 0) + np.roll(g, 1, 1) + np.roll(g, -1, 1) - 4 * g.numpy()) / 4.0
    torch.testing.assert_close(sp.grid_laplace(g, 2.0), T(ref), atol=1e-14, rtol=0)
    with pytest.raises(ValueError, match="at least 3"):
        sp.grid_laplace(torch.zeros(2, 2), 1.0)


def test_graph_laplacian_and_energy():
    assert sp.graph_laplacian(PATH3).tolist() == [[1, -1, 0], [-1, 2, -1], [0, -1, 1]]
    assert sp.dirichlet_energy(PATH3, T([1.0, 3.0, 0.0])).item() == 13.0
    assert sp.dirichlet_energy(PATH3, T([2.0, 2.0, 2.0])).item() == 0.0
    with pytest.raises(ValueError, match="x must have shape"):
        sp.dirichlet_energy(PATH3, T([1.0, 2.0]))


def test_spectra_and_components():
    torch.testing.assert_close(sp.laplacian_spectrum(PATH3), T([0.0, 1.0, 3.0]), atol=1e-14, rtol=0)
    torch.testing.assert_close(sp.laplacian_spectrum(PATH3, normalized=True), T([0.0, 1.0, 2.0]), atol=1e-14, rtol=0)
    two = T(nx.to_numpy_array(nx.disjoint_union(nx.path_graph(3), nx.path_graph(2))))
    assert sp.count_components(two) == 2
    assert sp.count_components(torch.zeros(4, 4, dtype=torch.float64)) == 4
    assert sp.count_components(PATH3, tol=1.5) == 2                     # eigenvalue 1 counted as zero


def test_normalized_laplacian_values():
    s = 1 / math.sqrt(2)
    torch.testing.assert_close(sp.normalized_laplacian(PATH3), T([[1, -s, 0], [-s, 1, -s], [0, -s, 1]]), atol=1e-15, rtol=0)
    with pytest.raises(ValueError, match="isolated"):
        sp.normalized_laplacian(T([[0, 1, 0], [1, 0, 0], [0, 0, 0]]))


def test_fourier_basis_gft_roundtrip():
    lam, U = sp.fourier_basis(sp.graph_laplacian(PATH3))
    torch.testing.assert_close(lam, T([0.0, 1.0, 3.0]), atol=1e-14, rtol=0)
    x = T([1.0, -2.0, 0.5])
    x_hat = sp.gft(x, U)
    assert abs(x_hat[0].item()) == pytest.approx(abs(x.sum().item()) / math.sqrt(3), abs=1e-14)
    torch.testing.assert_close(sp.inverse_gft(x_hat, U), x, atol=1e-14, rtol=0)
    with pytest.raises(ValueError, match="orthonormal"):
        sp.gft(x, T([[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    with pytest.raises(ValueError, match="square"):
        sp.gft(x, T([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="L must be symmetric"):
        sp.fourier_basis(T([[1.0, 2.0], [0.0, 1.0]]))


def test_spectral_convolution_on_a_cycle_is_circular():
    N = 6
    F = np.exp(2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N) / np.sqrt(N)
    a, b = np.arange(N, dtype=float), np.array([1.0, 0, 0, 0, 0, 2.0])
    got = sp.spectral_convolution(torch.as_tensor(a + 0j), torch.as_tensor(b), torch.as_tensor(F)).numpy()
    want = np.fft.ifft(np.fft.fft(a) * np.fft.fft(b)) / np.sqrt(N)
    np.testing.assert_allclose(got, want, atol=1e-12)
    assert sp.spectral_convolution(T([1.0, 2.0]), T([3.0, 4.0]), torch.eye(2, dtype=torch.float64)).tolist() == [3.0, 8.0]


def test_spectral_filter_and_heat_kernel():
    L = sp.graph_laplacian(PATH3)
    torch.testing.assert_close(sp.heat_kernel(L, 0.3), T(scipy.linalg.expm(-0.3 * L.numpy())), atol=1e-14, rtol=0)
    X = T([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])
    torch.testing.assert_close(sp.spectral_filter(L, X, lambda lam: 2 + 0 * lam), 2 * X, atol=1e-14, rtol=0)
    with pytest.raises(ValueError, match="g must return one value per eigenvalue"):
        sp.spectral_filter(L, T([1.0, 0.0, 0.0]), lambda lam: lam[:2])
    with pytest.raises(ValueError, match="t must be non-negative"):
        sp.heat_kernel(L, -1.0)


def test_polynomials_agree_and_are_local():
    L = sp.graph_laplacian(T(nx.to_numpy_array(nx.path_graph(5))))
    alpha = T([0.5, -1.0, 0.25])
    torch.testing.assert_close(sp.spectral_polynomial(L, alpha), 0.5 * torch.eye(5, dtype=torch.float64) - L + 0.25 * L @ L,
                               atol=1e-12, rtol=0)
    delta = T([1.0, 0, 0, 0, 0])
    assert torch.nonzero(sp.apply_polynomial(L, T([0, 0, 1.0]), delta)).flatten().tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="x must be a graph signal"):
        sp.apply_polynomial(L, alpha, None)


def test_poly_layer_and_parameter_count():
    L = sp.graph_laplacian(PATH3)
    X = T([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    alpha = torch.zeros(1, 2, 2, dtype=torch.float64)
    alpha[0, 0, 0], alpha[0, 1, 1] = 1.0, 1.0                        # x_0 + L x_1
    out = sp.poly_layer(X, L, alpha, T([0.5]))
    want = X[:, 0] + L @ X[:, 1] + 0.5
    torch.testing.assert_close(out[:, 0], want, atol=1e-15, rtol=0)
    assert sp.poly_layer_params(1, 1, 0) == 2 and sp.poly_layer_params(16, 32, 5) == 3104
    with pytest.raises(ValueError, match="b must have shape"):
        sp.poly_layer(X, L, alpha, T([0.5, 1.0]))
    with pytest.raises(ValueError, match="alpha must have shape"):
        sp.poly_layer(X, L, torch.zeros(1, 3, 2, dtype=torch.float64), T([0.5]))


def test_gft_uses_the_conjugate_transpose_of_a_complex_basis():
    N = 4
    F = torch.as_tensor(np.exp(2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N) / np.sqrt(N))
    x = torch.tensor([1.0, 2.0, 0.0, -1.0], dtype=torch.complex128)
    np.testing.assert_allclose(sp.gft(x, F).numpy(), np.fft.fft(x.numpy()) / np.sqrt(N), atol=1e-12)
    np.testing.assert_allclose(sp.inverse_gft(sp.gft(x, F), F).numpy(), x.numpy(), atol=1e-12)


def test_heat_kernel_at_time_zero_is_the_identity():
    L = sp.graph_laplacian(PATH3)
    torch.testing.assert_close(sp.heat_kernel(L, 0.0), torch.eye(3, dtype=torch.float64), atol=1e-14, rtol=0)
    assert sp.heat_kernel(L, 50.0).numpy() == pytest.approx(np.full((3, 3), 1 / 3), abs=1e-12)
