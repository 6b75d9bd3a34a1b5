"""Edge cases of edl.geometric.spectral that the behaviour tests leave open: exact messages, float32 and float16
dtypes kept, coefficients read in the operator's dtype, the orthonormality tolerance and the strict threshold."""

import math

import pytest
import torch

from edl.geometric import spectral as sp

P3 = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]       # the path 0 - 1 - 2
L2 = [[1.0, -1.0], [-1.0, 1.0]]                                 # Laplacian of one edge: eigenvalues 0 and 2
R = 2 ** -0.5
U2 = [[R, R], [R, -R]]


def test_float32_operators_kept_with_list_inputs():
    """List signals, features, coefficients and biases take the float32 dtype of the graph or operator."""
    f = torch.zeros(3, 3, dtype=torch.float32)
    f[1, 1] = 1.0
    out = sp.grid_laplace(f, 1.0)
    assert out.dtype == torch.float32 and out[1, 1] == -4.0 and out[0, 1] == 1.0 and float(out.sum()) == 0.0
    e = sp.dirichlet_energy(torch.tensor(P3, dtype=torch.float32), [1.0, 2.0, 4.0])
    assert e.dtype == torch.float32 and float(e) == 5.0               # (1 - 2)^2 + (2 - 4)^2
    U = torch.tensor(U2, dtype=torch.float32)
    g = sp.gft([1.0, 1.0], U)
    assert g.dtype == torch.float32
    torch.testing.assert_close(g, torch.tensor([2 ** 0.5, 0.0]), atol=1e-6, rtol=0)
    L = torch.tensor(L2, dtype=torch.float32)
    y = sp.spectral_filter(L, [1.0, 3.0], lambda lam: torch.ones_like(lam))
    assert y.dtype == torch.float32
    torch.testing.assert_close(y, torch.tensor([1.0, 3.0]), atol=1e-6, rtol=0)
    # one order (K = 1), alpha (1, 1, 2): out = b + X a0 + L X a1
    out = sp.poly_layer([[1.0], [3.0]], L, [[[1.0, 0.5]]], [0.25])
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, torch.tensor([[0.25], [4.25]]), atol=1e-6, rtol=0)  # b + x + (x0-x1, x1-x0)/2


def test_coefficients_read_in_the_operator_dtype():
    """1e40 overflows float32: coefficients given as lists are converted like L and refused as not finite."""
    L = torch.tensor(L2, dtype=torch.float32)
    with pytest.raises(ValueError, match=r"^alpha must be finite, got \[inf\]$"):
        sp.spectral_polynomial(L, [1e40])
    with pytest.raises(ValueError, match=r"^alpha must be finite, got \[inf\]$"):
        sp.apply_polynomial(L, [1e40], [1.0, 2.0])


def test_low_precision_normalized_laplacian_keeps_its_dtype():
    """A float16 graph gives a float16 normalised Laplacian (the identity follows A)."""
    L = sp.normalized_laplacian(torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float16))
    assert L.dtype == torch.float16
    torch.testing.assert_close(L.float(), torch.tensor(L2), atol=1e-3, rtol=0)


def test_messages():
    """Bad inputs are refused with messages naming the argument, the matching argument and the value."""
    with pytest.raises(ValueError, match=r"^f must be a square matrix, got shape \(3, 4\)$"):
        sp.grid_laplace(torch.zeros(3, 4), 1.0)
    with pytest.raises(ValueError, match=r"^x must have shape \(3,\) to match A, got shape \(2,\)$"):
        sp.dirichlet_energy(P3, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^U must have orthonormal columns, got \[\[1\.0, 1\.0\], \[0\.0, 1\.0\]\]$"):
        sp.gft([1.0, 1.0], [[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match U, got shape \(3,\)$"):
        sp.gft([1.0, 1.0, 1.0], U2)
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match L, got shape \(3,\)$"):
        sp.spectral_filter(L2, [1.0, 1.0, 1.0], lambda lam: lam)
    with pytest.raises(ValueError, match=r"^g must return finite values, got "):
        sp.spectral_filter(L2, [1.0, 1.0], lambda lam: lam * float("nan"))
    with pytest.raises(ValueError, match=r"^X must have shape \(2, any\) to match L, got shape \(3, 1\)$"):
        sp.poly_layer([[1.0], [2.0], [3.0]], L2, [[[1.0]]], [0.0])
    with pytest.raises(ValueError, match=r"^x must be a graph signal of shape \(M,\) or \(M, C\), got None$"):
        sp.apply_polynomial(L2, [1.0], None)


def test_orthonormality_tolerance():
    """A basis off by 1e-7 (rounding of stored eigenvectors) is accepted: the tolerance is 1e-6."""
    c, s = math.cos(0.3), math.sin(0.3)
    U = torch.tensor([[c, -s], [s, c + 1e-7]], dtype=torch.float64)
    torch.testing.assert_close(sp.inverse_gft(sp.gft([1.0, 2.0], U), U), torch.tensor([1.0, 2.0], dtype=torch.float64),
                               atol=1e-6, rtol=0)


def test_count_components_threshold_is_strict():
    """Eigenvalues strictly below tol count: one edge has eigenvalues 0 and exactly 2, so tol = 2 counts one."""
    A = [[0.0, 1.0], [1.0, 0.0]]
    assert sp.laplacian_spectrum(A).tolist() == [0.0, 2.0]
    assert sp.count_components(A, tol=2.0) == 1
    assert sp.count_components(A, tol=2.5) == 2
