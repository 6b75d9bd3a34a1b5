r"""Spectral graph theory: Laplacians, their spectra, the graph Fourier transform, spectral convolution,
spectral and polynomial filters.

Chapter 7, "Geometric deep learning" (book labels ``gdl.laplace-operator`` … ``gdl.poly-layer``).
``A`` is the adjacency matrix ``(M, M)`` of an undirected simple graph, :math:`D=\operatorname{diag}(\deg)`
(the plain degree: no self-loop here), ``L`` a symmetric Laplacian, and a graph signal ``x`` is ``(M,)``.
The eigenvalues of :math:`L=U\Lambda U^\top` are sorted ascending: :math:`\lambda_1=0` is the smoothest mode.
"""

from collections.abc import Callable

import networkx as nx
import numpy as np
import scipy.sparse
import torch

from edl.core import validate as v
from edl.geometric import _checked as c
from edl.geometric.gcn import matrix_polynomial


def grid_laplace(f, h: float) -> torch.Tensor:
    r"""The continuous Laplacian of a function sampled on a periodic square grid, through the grid graph.

    .. math:: \Delta f=\sum_n\frac{\partial^2f}{\partial x_n^2},\qquad
              (Lf)_v=\sum_{u\sim v}(f_v-f_u)=-h^2\Delta f(v)+\mathcal O(h^4)\ \Rightarrow\ \Delta f\approx-Lf/h^2

    Book label: ``gdl.laplace-operator``. ``f`` : ``(n, n)`` samples at spacing ``h``, periodic in both
    directions (``n`` at least 3). The Laplacian of ``networkx.grid_2d_graph(n, n, periodic=True)`` is
    applied as a ``scipy.sparse`` matrix. Returns ``(n, n)``.

    >>> grid_laplace([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], 1.0).tolist()[1]
    [1.0, -4.0, 1.0]
    """
    f = c.matrix("f", f, square=True)
    h = v.require_positive_scalar("h", h)
    n = f.shape[0]
    if n < 3:
        raise ValueError(f"f must be at least 3×3 (a periodic grid graph), got shape {tuple(f.shape)}")
    L = _grid_laplacian(n)
    out = -(L @ f.detach().cpu().double().numpy().reshape(-1)) / h**2
    return torch.as_tensor(out.reshape(n, n), dtype=f.dtype, device=f.device)


def _grid_laplacian(n: int) -> scipy.sparse.csr_array:
    G = nx.grid_2d_graph(n, n, periodic=True)
    nodes = [(i, j) for i in range(n) for j in range(n)]      # row-major: node (i, j) is f[i, j]
    return nx.laplacian_matrix(G, nodelist=nodes).astype(np.float64)


def graph_laplacian(A) -> torch.Tensor:
    r"""The combinatorial graph Laplacian: each node compares its value with its neighbours'.

    .. math:: L=D-A,\qquad (Lx)_n=\sum_{m=1}^{M}a_{nm}(x_n-x_m),\qquad L\mathbf 1=0

    Book label: ``gdl.graph-laplacian``. ``A`` : ``(M, M)``.

    >>> graph_laplacian([[0, 1, 0], [1, 0, 1], [0, 1, 0]]).int().tolist()
    [[1, -1, 0], [-1, 2, -1], [0, -1, 1]]
    """
    A = c.adjacency("A", A)
    return torch.diag(A.sum(1)) - A


def dirichlet_energy(A, x) -> torch.Tensor:
    r"""The roughness of a graph signal: the sum of squared differences across the edges.

    .. math:: x^\top Lx=\tfrac12\sum_u\sum_vA_{uv}(x_u-x_v)^2=\sum_{\{u,v\}\in E}(x_u-x_v)^2\ \ge0

    Book label: ``gdl.laplacian-psd``. ``A`` : ``(M, M)``; ``x`` : ``(M,)``. Computed edge by edge, without
    forming :math:`L`.

    >>> dirichlet_energy([[0, 1, 0], [1, 0, 1], [0, 1, 0]], [1.0, 3.0, 0.0]).item()
    13.0
    """
    A = c.adjacency("A", A)
    x = c.signal("x", x, A.shape[0], like=A, match="A")
    u, w = torch.nonzero(torch.triu(A), as_tuple=True)          # each undirected edge once
    return ((x[u] - x[w]) ** 2).sum()


def laplacian_spectrum(A, normalized: bool = False) -> torch.Tensor:
    r"""The eigenvalues of the Laplacian, ascending.

    .. math:: 0=\lambda_1\le\dots\le\lambda_M\le\min(2d_{\max},M);\qquad C_N:\ \lambda_k=2-2\cos(2\pi k/N)

    Book labels: ``gdl.laplacian-spectrum``, ``gdl.normalized-laplacian``. ``normalized`` : use
    :func:`normalized_laplacian` (spectrum in :math:`[0,2]`) instead of :math:`L=D-A`.

    >>> laplacian_spectrum([[0, 1], [1, 0]]).tolist()
    [0.0, 2.0]
    """
    v.require_bool("normalized", normalized)
    L = normalized_laplacian(A) if normalized else graph_laplacian(A)
    return torch.linalg.eigvalsh(L)


def count_components(A, tol: float = 1e-9) -> int:
    r"""The number of connected components, read off the spectrum: :math:`\dim\ker L`.

    .. math:: \dim\ker L=\#\{\text{connected components}\},\qquad \ker L=\operatorname{span}\{\mathbf 1_{C}\}

    Book label: ``gdl.laplacian-spectrum``. ``tol`` : eigenvalues below ``tol`` count as zero.

    >>> count_components([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    2
    """
    tol = v.require_positive_scalar("tol", tol)
    return int((laplacian_spectrum(A) < tol).sum())


def normalized_laplacian(A) -> torch.Tensor:
    r"""The symmetric normalised Laplacian (every node needs a neighbour).

    .. math:: \bar L=I-D^{-1/2}AD^{-1/2}=D^{-1/2}(D-A)D^{-1/2},\qquad \operatorname{spec}(\bar L)\subset[0,2],\
              2\in\operatorname{spec}\iff\text{a component is bipartite}

    Book label: ``gdl.normalized-laplacian``. ``A`` : ``(M, M)``.

    >>> normalized_laplacian([[0, 1], [1, 0]]).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    A = c.adjacency("A", A)
    d = A.sum(1)
    if (d == 0).any():
        raise ValueError(f"A must have no isolated node (D^(-1/2) needs degree > 0), got degrees {d.tolist()}")
    s = d.rsqrt()
    return torch.eye(A.shape[0], dtype=A.dtype, device=A.device) - s[:, None] * A * s[None, :]


def fourier_basis(L) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The graph Fourier basis: eigenvalues (frequencies, ascending) and orthonormal eigenvectors of ``L``.

    .. math:: L=U\Lambda U^\top,\qquad U^\top U=I,\qquad u_k^\top Lu_k=\lambda_k

    Book label: ``gdl.gft``. ``L`` : a symmetric ``(M, M)`` matrix. With repeated eigenvalues :math:`U`
    is not unique (any rotation inside an eigenspace will do).

    >>> lam, U = fourier_basis([[1.0, -1.0], [-1.0, 1.0]])
    >>> lam.tolist(), U.abs().numpy().round(6).tolist()
    ([0.0, 2.0], [[0.707107, 0.707107], [0.707107, 0.707107]])
    """
    L = c.symmetric("L", L)
    return torch.linalg.eigh(L)


def gft(x, U) -> torch.Tensor:
    r"""The graph Fourier transform :math:`\hat f=U^{\mathsf H}f` (:math:`U^\top f` for a real basis).

    .. math:: \hat f=U^\top f,\qquad f=U\hat f,\qquad \|\hat f\|=\|f\|

    Book label: ``gdl.gft``. ``x`` : ``(M,)``; ``U`` : ``(M, M)`` orthonormal (or unitary) columns.

    >>> gft([1.0, 1.0], [[2 ** -0.5, 2 ** -0.5], [2 ** -0.5, -2 ** -0.5]]).numpy().round(6).tolist()
    [1.414214, 0.0]
    """
    U = _basis(U)
    x = _signal_for(x, U)
    return U.conj().T @ x


def inverse_gft(x_hat, U) -> torch.Tensor:
    r"""The inverse graph Fourier transform :math:`f=U\hat f`. Book label: ``gdl.gft``.

    >>> inverse_gft([2 ** 0.5, 0.0], [[2 ** -0.5, 2 ** -0.5], [2 ** -0.5, -2 ** -0.5]]).numpy().round(6).tolist()
    [1.0, 1.0]
    """
    U = _basis(U)
    return U @ _signal_for(x_hat, U, "x_hat")


def _basis(U) -> torch.Tensor:
    U = v.as_float_tensor("U", U) if not (isinstance(U, torch.Tensor) and U.is_complex()) else U
    v.require_ndim("U", U, 2)
    v.require_finite("U", U)
    if U.shape[0] != U.shape[1]:
        raise ValueError(f"U must be a square matrix of eigenvectors, got shape {tuple(U.shape)}")
    eye = torch.eye(U.shape[0], dtype=U.dtype, device=U.device)
    if not torch.allclose(U.conj().T @ U, eye, atol=1e-6):
        raise ValueError(f"U must have orthonormal columns, got {v._show(U.tolist())}")
    return U


def _signal_for(x, U, name: str = "x") -> torch.Tensor:
    if isinstance(x, torch.Tensor) and x.is_complex():
        t = x
    else:
        t = v.as_float_tensor(name, x, like=None if U.is_complex() else U)
    v.require_ndim(name, t, 1)
    v.require_finite(name, t)
    v.require_shape(name, t, (U.shape[0],), match="U")
    return t.to(U.dtype) if U.is_complex() else t


def spectral_convolution(x, y, U) -> torch.Tensor:
    r"""Graph convolution through the convolution theorem in the graph Fourier basis.

    .. math:: x*_Gy=U\big((U^{\mathsf H}x)\odot(U^{\mathsf H}y)\big);\qquad C_N,\ U=F^{\mathsf H}/\sqrt N:\ \
              x*_Gy=\tfrac1{\sqrt N}\,(x\circledast y)

    Book label: ``gdl.graph-convolution``. ``x``, ``y`` : ``(M,)``; ``U`` : an orthonormal (or unitary)
    eigenbasis of a Laplacian. Commutative; it depends on the basis when eigenvalues repeat.

    >>> spectral_convolution([1.0, 0.0], [0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]]).tolist()
    [0.0, 0.0]
    """
    U = _basis(U)
    x, y = _signal_for(x, U), _signal_for(y, U, "y")
    return U @ ((U.conj().T @ x) * (U.conj().T @ y))


def spectral_filter(L, x, g: Callable) -> torch.Tensor:
    r"""Filter a graph signal by reweighting its frequencies.

    .. math:: G_\theta(L)x=U\,G_\theta(\Lambda)\,U^\top x;\qquad\text{heat kernel: }e^{-tL}x=U e^{-t\Lambda}U^\top x

    Book label: ``gdl.spectral-filter``. ``L`` : symmetric ``(M, M)``; ``x`` : ``(M,)`` or ``(M, C)``;
    ``g`` : the frequency response, applied to the tensor of eigenvalues.

    >>> low = lambda lam: (lam < 1).double()
    >>> spectral_filter([[1.0, -1.0], [-1.0, 1.0]], [1.0, 0.0], low).numpy().round(8).tolist()
    [0.5, 0.5]
    """
    g = c.function("g", g)
    lam, U = fourier_basis(L)
    x = v.as_float_tensor("x", x, like=U)
    v.require_ndim("x", x, (1, 2))
    v.require_finite("x", x)
    v.require_shape("x", x, (U.shape[0], *([None] * (x.ndim - 1))), match="L")
    response = c.output("g", g(lam))
    if response.shape != lam.shape:
        raise ValueError(f"g must return one value per eigenvalue, shape {tuple(lam.shape)}, "
                         f"got {tuple(response.shape)}")
    x_hat = U.T @ x
    return U @ (response[:, None] * x_hat if x.ndim == 2 else response * x_hat)


def heat_kernel(L, t: float) -> torch.Tensor:
    r"""The heat kernel :math:`e^{-tL}=Ue^{-t\Lambda}U^\top`, a low-pass filter. Book label: ``gdl.spectral-filter``.

    >>> heat_kernel([[1.0, -1.0], [-1.0, 1.0]], 1.0).numpy().round(6).tolist()
    [[0.567668, 0.432332], [0.432332, 0.567668]]
    """
    t = v.require_positive_scalar("t", t, strict=False)
    L = c.symmetric("L", L)
    return spectral_filter(L, torch.eye(L.shape[0], dtype=L.dtype, device=L.device), lambda lam: torch.exp(-t * lam))


def spectral_polynomial(L, alpha) -> torch.Tensor:
    r"""A polynomial filter built in the spectral domain, :math:`U(\sum_k\alpha_k\Lambda^k)U^\top`.

    .. math:: U\Big(\sum_{k=0}^{K}\alpha_k\Lambda^k\Big)U^\top=\sum_{k=0}^{K}\alpha_kL^k,\qquad
              (L^k)_{ij}=0\ \text{if}\ \operatorname{dist}(i,j)>k

    Book label: ``gdl.polynomial-kernel``. ``alpha`` : ``(K+1,)``. The right side
    (:func:`edl.geometric.gcn.matrix_polynomial`) needs no eigendecomposition and is :math:`K`-hop local.

    >>> spectral_polynomial([[1.0, -1.0], [-1.0, 1.0]], [0.0, 1.0]).numpy().round(6).tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    """
    L = c.symmetric("L", L)
    alpha = v.as_float_tensor("alpha", alpha, like=L)
    v.require_ndim("alpha", alpha, 1)
    v.require_finite("alpha", alpha)
    eye = torch.eye(L.shape[0], dtype=L.dtype, device=L.device)
    return spectral_filter(L, eye, lambda lam: sum(a * lam**k for k, a in enumerate(alpha)))


def poly_layer(X, L, alpha, b) -> torch.Tensor:
    r"""A multi-channel polynomial graph convolution (ChebNet-style, in the monomial basis).

    .. math:: x_i^{l+1}=\sum_jp_{ij}(L)\,x_j^l+b_i,\qquad p_{ij}(L)=\sum_{k=0}^{K}\alpha_{ijk}L^k

    Book label: ``gdl.poly-layer``. ``X`` : ``(M, C_in)``, column :math:`j` the input channel
    :math:`x_j`; ``L`` : ``(M, M)``; ``alpha`` : ``(C_out, C_in, K+1)``; ``b`` : ``(C_out,)``. Returns
    ``(M, C_out)``; computed as :math:`\sum_k(L^kX)\,\alpha_{\cdot\cdot k}^\top` with :math:`K` sparse-able products.

    >>> poly_layer([[1.0], [0.0]], [[1.0, -1.0], [-1.0, 1.0]], [[[0.0, 1.0]]], [0.5]).tolist()
    [[1.5], [-0.5]]
    """
    L = c.symmetric("L", L)
    X = c.features("X", X, L.shape[0], like=L, match="L")
    alpha = v.as_float_tensor("alpha", alpha, like=X)
    v.require_ndim("alpha", alpha, 3)
    v.require_finite("alpha", alpha)
    v.require_shape("alpha", alpha, (None, X.shape[1], None), match="X")
    b = v.as_float_tensor("b", b, like=X)
    v.require_finite("b", b)
    v.require_shape("b", b, (alpha.shape[0],), match="alpha")
    out, Y = b.expand(X.shape[0], -1).clone(), X
    for k in range(alpha.shape[2]):
        if k:
            Y = L @ Y                                                # L^k X, one product per order
        out = out + Y @ alpha[:, :, k].T
    return out


def poly_layer_params(c_in: int, c_out: int, K: int) -> int:
    r"""The parameter count of :func:`poly_layer`: :math:`(K+1)\,C_{in}C_{out}+C_{out}`, whatever the graph size.

    Book label: ``gdl.poly-layer``.

    >>> poly_layer_params(3, 4, 2)
    40
    """
    c_in, c_out = v.require_int("c_in", c_in, minimum=1), v.require_int("c_out", c_out, minimum=1)
    K = v.require_int("K", K, minimum=0)
    return (K + 1) * c_in * c_out + c_out


def apply_polynomial(L, alpha, x) -> torch.Tensor:
    r"""Apply :math:`\sum_k\alpha_kL^k` to a signal by :math:`K` repeated products.

    Book label: ``gdl.polynomial-kernel``.

    >>> apply_polynomial([[1.0, -1.0], [-1.0, 1.0]], [1.0, 1.0], [1.0, 0.0]).tolist()
    [2.0, -1.0]
    """
    L = c.symmetric("L", L)
    alpha = v.as_float_tensor("alpha", alpha, like=L)
    v.require_ndim("alpha", alpha, 1)
    v.require_finite("alpha", alpha)
    if x is None:
        raise ValueError("x must be a graph signal of shape (M,) or (M, C), got None")
    return matrix_polynomial(L, alpha, x)
