r"""Graph convolutional networks: the normalised adjacency, its spectrum, GCN layers, the cycle as a
convolution, and shift-invariant graph filters.

Chapter 7, "Geometric deep learning" (book labels ``gdl.normalized-adjacency`` … ``gdl.shift-invariant-filter``).
``A`` is an adjacency matrix ``(M, M)``; :math:`\tilde d_m=1+\deg(v_m)` is the degree with a self-loop;
node features are the rows of ``X`` ``(M, N)``; a weight matrix ``W`` is ``(N, N')``: it acts on the
features, never on the nodes, so one layer runs on graphs of any size.
"""

from collections.abc import Callable

import torch

from edl.core import validate as v
from edl.geometric import _checked as c


def normalized_adjacency(A) -> torch.Tensor:
    r"""The renormalised adjacency of Kipf and Welling: self-loops, then symmetric degree normalisation.

    .. math:: \bar A=\tilde D^{-1/2}(A+I)\tilde D^{-1/2},\qquad \tilde d_m=1+\sum_na_{nm},\qquad
              \bar a_{ij}=\frac{a_{ij}+\delta_{ij}}{\sqrt{\tilde d_i\tilde d_j}}

    Book labels: ``gdl.normalized-adjacency``, ``gdl.gcn-cycle-toeplitz``. ``A`` : ``(M, M)``.

    >>> normalized_adjacency([[0, 1], [1, 0]]).numpy().round(8).tolist()
    [[0.5, 0.5], [0.5, 0.5]]
    """
    A = c.adjacency("A", A)
    A_tilde = A + torch.eye(A.shape[0], dtype=A.dtype, device=A.device)
    s = A_tilde.sum(1).rsqrt()
    return s[:, None] * A_tilde * s[None, :]


def propagation_operator(A, renormalised: bool = True) -> torch.Tensor:
    r"""The propagation operator of a GCN, with or without the renormalisation trick.

    .. math:: \bar A=\tilde D^{-1/2}(A+I)\tilde D^{-1/2}\ \ (\operatorname{spec}\subset(-1,1]),\qquad
              I+D^{-1/2}AD^{-1/2}\ \ (\operatorname{spec}\subset[0,2],\ \lambda_{\max}=2)

    Book label: ``gdl.norm-adj-spectrum``. ``renormalised=False`` gives the first-order operator
    :math:`I+D^{-1/2}AD^{-1/2}`, which needs every node to have a neighbour.

    >>> propagation_operator([[0, 1], [1, 0]], renormalised=False).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    v.require_bool("renormalised", renormalised)
    if renormalised:
        return normalized_adjacency(A)
    A = c.adjacency("A", A)
    d = A.sum(1)
    if (d == 0).any():
        raise ValueError(f"A must have no isolated node for D^(-1/2), got degrees {d.tolist()}")
    s = d.rsqrt()
    return torch.eye(A.shape[0], dtype=A.dtype, device=A.device) + s[:, None] * A * s[None, :]


def propagation_growth(S, x, steps: int) -> torch.Tensor:
    r"""The gain of repeated propagation, :math:`\|S^kx\|/\|x\|` for :math:`k=0,\dots,` ``steps``.

    .. math:: \|S^kx\|\le\lambda_{\max}(S)^k\|x\|,\quad\text{with equality for the top eigenvector}

    Book label: ``gdl.norm-adj-spectrum``. ``S`` : a symmetric ``(M, M)`` operator; ``x`` : ``(M,)``.

    >>> propagation_growth([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0], 3).tolist()
    [1.0, 2.0, 4.0, 8.0]
    """
    S = c.symmetric("S", S)
    x = c.signal("x", x, S.shape[0], like=S, match="S")
    n = v.require_int("steps", steps, minimum=0)
    norm0 = x.norm()
    if norm0 == 0:
        raise ValueError(f"x must not be the zero vector, got {x.tolist()}")
    out, y = [torch.ones((), dtype=S.dtype, device=S.device)], x
    for _ in range(n):
        y = S @ y
        out.append(y.norm() / norm0)
    return torch.stack(out)


def gcn_layer(X, A_bar, W, activation: Callable = torch.tanh) -> torch.Tensor:
    r"""A graph convolutional layer: a feature transform shared by all nodes, then normalised neighbour averaging.

    .. math:: X^+=\sigma(\bar AXW),\quad X\in\mathbb R^{M\times N},\ W\in\mathbb R^{N\times N'};\qquad
              (\bar AX)_{i\cdot}=\sum_{j\in\mathcal N(i)\cup\{i\}}\frac{x_j^\top}{\sqrt{\tilde d_i\tilde d_j}}

    Book labels: ``gdl.gcn-layer``, ``gdl.graph-equivariance``. ``A_bar`` : the ``(M, M)`` propagation
    operator; ``activation`` : :math:`\sigma`. :math:`W` has :math:`NN'` entries whatever :math:`M`.

    >>> gcn_layer([[1.0], [3.0]], [[0.5, 0.5], [0.5, 0.5]], [[1.0, 2.0]], activation=lambda z: z).tolist()
    [[2.0, 4.0], [2.0, 4.0]]
    """
    activation = c.function("activation", activation)
    A_bar = c.symmetric("A_bar", A_bar)
    X = c.features("X", X, A_bar.shape[0], like=A_bar, match="A_bar")
    W = c.matrix("W", W, like=X)
    v.require_shape("W", W, (X.shape[1], None), match="X (W acts on the N features, not the M nodes)")
    return activation(A_bar @ X @ W)


def gcn_two_layer(X, A, W0, W1) -> torch.Tensor:
    r"""The two-layer GCN for node classification: class probabilities for every node.

    .. math:: Y=\operatorname{softmax}_{\text{row}}\big(\bar A\,\mathrm{ReLU}(\bar AXW^0)\,W^1\big)

    Book label: ``gdl.gcn-two-layer``. ``X`` : ``(M, N)``; ``A`` : ``(M, M)``; ``W0`` : ``(N, H)``;
    ``W1`` : ``(H, C)``. Row :math:`i` depends only on the nodes within two hops of :math:`i`.

    >>> gcn_two_layer([[1.0], [0.0]], [[0, 1], [1, 0]], [[1.0]], [[1.0, -1.0]]).numpy().round(6).tolist()
    [[0.731059, 0.268941], [0.731059, 0.268941]]
    """
    A_bar = normalized_adjacency(A)
    X = c.features("X", X, A_bar.shape[0], like=A_bar)
    W0 = c.matrix("W0", W0, like=X)
    v.require_shape("W0", W0, (X.shape[1], None), match="X")
    H = gcn_layer(X, A_bar, W0, torch.relu)
    W1 = c.matrix("W1", W1, like=H)
    v.require_shape("W1", W1, (H.shape[1], None), match="W0")
    return torch.softmax(A_bar @ H @ W1, dim=1)


def cycle_adjacency(M: int, *, dtype: torch.dtype = torch.float64, device=None) -> torch.Tensor:
    r"""The adjacency matrix of the cycle :math:`C_M` (node :math:`i` joined to :math:`i\pm1 \bmod M`).

    On :math:`C_M` every :math:`\tilde d_i=3` and
    :math:`\bar A=\tfrac13(A+I)=\operatorname{circ}(\tfrac13,\tfrac13,0,\dots,0,\tfrac13)`:
    GCN propagation is a circular convolution with the box kernel :math:`(\tfrac13,\tfrac13,\tfrac13)`.
    Book labels: ``gdl.gcn-cycle-toeplitz``, ``gdl.laplacian-spectrum``. ``M`` : at least 3.

    >>> cycle_adjacency(4).int().tolist()
    [[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]
    """
    M = v.require_int("M", M, minimum=3)
    v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    i = torch.arange(M, device=device)
    A = torch.zeros(M, M, dtype=dtype, device=device)
    A[i, (i + 1) % M] = 1
    A[(i + 1) % M, i] = 1
    return A


def matrix_polynomial(S, theta, x=None) -> torch.Tensor:
    r"""A polynomial in a graph operator, :math:`\sum_k\theta_kS^k`, or its product with a signal by repeated products.

    .. math:: H=\sum_{k=0}^{K}\theta_kS^k,\qquad
              Hx=\sum_{k=0}^{K}\theta_k\,S(S(\cdots Sx))\quad(O(K|E|)\ \text{for sparse}\ S)

    Book labels: ``gdl.shift-invariant-filter``, ``gdl.polynomial-kernel``. ``S`` : ``(M, M)`` (``A`` or
    ``L``); ``theta`` : ``(K+1,)``; ``x`` : ``(M,)`` or ``(M, C)``, or None for the matrix itself.

    >>> matrix_polynomial([[0.0, 1.0], [1.0, 0.0]], [1.0, 2.0, 3.0]).tolist()
    [[4.0, 2.0], [2.0, 4.0]]
    """
    S = c.matrix("S", S, square=True)
    theta = v.as_float_tensor("theta", theta, like=S)
    v.require_ndim("theta", theta, 1)
    v.require_finite("theta", theta)
    if x is None:
        y = torch.eye(S.shape[0], dtype=S.dtype, device=S.device)
    else:
        y = v.as_float_tensor("x", x, like=S)
        v.require_ndim("x", y, (1, 2))
        v.require_finite("x", y)
        v.require_shape("x", y, (S.shape[0], *([None] * (y.ndim - 1))), match="S")
    out = theta[0] * y
    for k in range(1, theta.numel()):
        y = S @ y
        out = out + theta[k] * y
    return out


def commutant_dimension(S, tol: float = 1e-9) -> int:
    r"""The dimension of the space of all filters :math:`H` that commute with the shift :math:`S`.

    .. math:: HS=SH\iff(I\otimes S-S^\top\otimes I)\,\mathrm{vec}H=0,\qquad
              \dim=M^2-\operatorname{rank}(I\otimes S-S^\top\otimes I)

    Book label: ``gdl.shift-invariant-filter``. ``S`` : ``(M, M)``; ``tol`` : the relative singular-value
    threshold of the rank. For a symmetric :math:`S` the dimension is :math:`\sum_\lambda m_\lambda^2`.

    >>> commutant_dimension([[0.0, 1.0], [1.0, 0.0]]), commutant_dimension([[0.0, 0.0], [0.0, 0.0]])
    (2, 4)
    """
    S = c.matrix("S", S, square=True)
    tol = v.require_positive_scalar("tol", tol)
    eye = torch.eye(S.shape[0], dtype=S.dtype, device=S.device)
    K = torch.kron(eye, S) - torch.kron(S.T.contiguous(), eye)
    return S.shape[0] ** 2 - _rank(K, tol)


def polynomial_dimension(S, tol: float = 1e-9) -> int:
    r"""The dimension of the polynomial filters :math:`\operatorname{span}\{I,S,\dots,S^{M-1}\}`.

    Book label: ``gdl.shift-invariant-filter``. Equal to :func:`commutant_dimension` exactly when
    :math:`S` is non-derogatory (for symmetric :math:`S`: all eigenvalues distinct); smaller otherwise.

    >>> polynomial_dimension([[0.0, 1.0], [1.0, 0.0]]), polynomial_dimension([[0.0, 0.0], [0.0, 0.0]])
    (2, 1)
    """
    S = c.matrix("S", S, square=True)
    tol = v.require_positive_scalar("tol", tol)
    M = S.shape[0]
    powers, P = [], torch.eye(M, dtype=S.dtype, device=S.device)
    for _ in range(M):
        powers.append(P.reshape(-1) / max(float(P.abs().max()), 1e-300))   # scaled: A^k grows like λ^k
        P = P @ S
    return _rank(torch.stack(powers), tol)


def _rank(K: torch.Tensor, tol: float) -> int:
    s = torch.linalg.svdvals(K)
    return int((s > tol * max(float(s.max()) if s.numel() else 0.0, 1e-300)).sum()) if float(s.max()) > 0 else 0
