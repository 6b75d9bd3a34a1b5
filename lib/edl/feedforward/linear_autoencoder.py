r"""The linear autoencoder, PCA, Eckart–Young and deep linear networks.

Chapter 2, section "Linear autoencoder, PCA, deep linear networks" (book labels ``linae.*``).
Data matrices hold one sample per **column**: :math:`X\in\mathbb R^{d\times n}`, encoder
:math:`C\in\mathbb R^{k\times d}`, decoder :math:`D\in\mathbb R^{d\times k}`. Training runs many
initialisations at once: parameters carry a leading batch axis ``(R, k, d)`` / ``(R, d, k)``.
"""

import torch

from edl.core import validate as v
from edl.core.device import single_threaded


def _float(name, value, like=None, ndim=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    return t


def _ae_args(C, D, X):
    """X (d, n), C (..., k, d), D (..., d, k) with batch axes that broadcast."""
    X = _float("X", X, ndim=2)
    C, D = _float("C", C, like=X), _float("D", D, like=X)
    v.require_min_ndim("C", C, 2), v.require_min_ndim("D", D, 2)
    v.require_shape("C", C, (..., None, X.shape[0]), match="X (the k x d encoder of d-dimensional samples)")
    v.require_shape("D", D, (..., X.shape[0], C.shape[-2]), match="C and X (the d x k decoder)")
    v.broadcast_shapes(C=C[..., 0, 0], D=D[..., 0, 0])
    return C, D, X


def _rank(name, k, X, minimum=1):
    k = v.require_int(name, k, minimum=minimum)
    if k > min(X.shape):
        raise ValueError(f"{name} must be at most min(X.shape) = {min(X.shape)}, got {k}")
    return k


def ae_loss(C, D, X) -> torch.Tensor:
    r"""Reconstruction error of the linear autoencoder, batched over a leading axis of (C, D).

    .. math:: f(C,D)=\|X-DCX\|_F^2

    Book labels: ``linae.pca-optimum``, ``linae.landscape``. ``C`` : ``(..., k, d)``; ``D`` :
    ``(..., d, k)``; ``X`` : ``(d, n)``. Returns shape ``(...)``.

    >>> X = torch.eye(3, dtype=torch.float64)
    >>> C = torch.tensor([[1.0, 0.0, 0.0]], dtype=torch.float64)
    >>> float(ae_loss(C, C.T, X))  # keeps one of three unit directions
    2.0
    """
    C, D, X = _ae_args(C, D, X)
    return ((X - D @ (C @ X)) ** 2).sum((-2, -1))


def ae_gradients(C, D, X) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of :math:`\ell=\tfrac12\sum_{\text{samples}}\|\mathbf x-\mathbf y\|^2`, :math:`\mathbf y=DC\mathbf x`, summed over the columns of X.

    .. math:: \frac{\partial\ell}{\partial C}=D^\top(\mathbf y-\mathbf x)\mathbf x^\top,\qquad
              \frac{\partial\ell}{\partial D}=(\mathbf y-\mathbf x)\mathbf x^\top C^\top

    Book label: ``linae.gradients``. Shapes follow :func:`ae_loss`; batched over a leading axis.

    >>> X = torch.eye(2, dtype=torch.float64); C = torch.zeros(1, 2, dtype=torch.float64)
    >>> gC, gD = ae_gradients(C, torch.ones(2, 1, dtype=torch.float64), X)
    >>> gC.tolist(), gD.tolist()
    ([[-1.0, -1.0]], [[0.0], [0.0]])
    """
    C, D, X = _ae_args(C, D, X)
    return _gradients(C, D, X)


def _gradients(C, D, X):
    R = D @ (C @ X) - X  # residual y - x, (..., d, n)
    RX = R @ X.T  # (..., d, d)
    return D.transpose(-2, -1) @ RX, RX @ C.transpose(-2, -1)


def train_linear_ae(X, k: int, *, lr: float = 0.05, steps: int = 3000, inits: int = 10, init_scale: float = 0.1,
                    generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradient descent on :math:`\frac1{2n}\|X-DCX\|_F^2` from ``inits`` random starts at once.

    Book labels: ``linae.pca-optimum``, ``linae.landscape``. Starts are :math:`N(0,\text{init\_scale}^2)`
    entries. Returns ``(C, D)`` of shapes ``(inits, k, d)`` and ``(inits, d, k)``.

    >>> X = torch.diag(torch.tensor([3.0, 1.0], dtype=torch.float64))
    >>> C, D = train_linear_ae(X, 1, lr=0.1, steps=2000, inits=2, generator=torch.Generator().manual_seed(0))
    >>> bool(torch.allclose(D @ C, torch.diag(torch.tensor([1.0, 0.0], dtype=torch.float64)).expand(2, 2, 2), atol=1e-8))
    True
    """
    X = _float("X", X, ndim=2)
    steps, inits = (v.require_int(n, val, minimum=1) for n, val in (("steps", steps), ("inits", inits)))
    k, lr = v.require_int("k", k, minimum=1), v.require_positive_scalar("lr", lr)
    if k > X.shape[0]:
        raise ValueError(f"k must be at most d = {X.shape[0]}, the rows of X, got {k}")
    init_scale = v.require_positive_scalar("init_scale", init_scale, strict=False)
    v.require_generator("generator", generator)
    d, n = X.shape
    S = X @ X.T / n  # (d, d): the gradients need only the second-moment matrix
    C = torch.randn(inits, k, d, generator=generator, dtype=X.dtype).to(X.device) * init_scale
    D = torch.randn(inits, d, k, generator=generator, dtype=X.dtype).to(X.device) * init_scale
    with single_threaded():  # thousands of tiny matrix products
        for _ in range(steps):
            E = D @ C @ S - S  # (R, d, d) = (1/n) R X^T
            C, D = C - lr * D.transpose(-2, -1) @ E, D - lr * E @ C.transpose(-2, -1)
    return C, D


def pca_projector(X, k: int) -> torch.Tensor:
    r"""Projector onto the top-k principal subspace, :math:`U_kU_k^\top`, from the SVD of X.

    Book label: ``linae.pca-optimum``. The optimal :math:`DC` equals it when :math:`\sigma_k>\sigma_{k+1}`.

    >>> pca_projector(torch.diag(torch.tensor([1.0, 5.0], dtype=torch.float64)), 1).tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    X = _float("X", X, ndim=2)
    k = _rank("k", k, X)
    U = torch.linalg.svd(X, full_matrices=False).U[:, :k]
    return U @ U.T + 0.0  # + 0.0 turns -0.0 into 0.0


def pca_optimal_loss(X, k: int) -> torch.Tensor:
    r"""Minimum of the linear-AE objective: :math:`\min\|X-DCX\|_F^2=\sum_{i>k}\sigma_i^2`.

    Book labels: ``linae.pca-optimum``, ``linae.eckart-young``.

    >>> float(pca_optimal_loss(torch.diag(torch.tensor([3.0, 2.0, 1.0], dtype=torch.float64)), 1))
    5.0
    """
    X = _float("X", X, ndim=2)
    k = v.require_int("k", k, minimum=0)
    return (torch.linalg.svdvals(X)[k:] ** 2).sum()


def eckart_young(X, r: int) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The best rank-r approximation (truncated SVD) and its error.

    .. math:: \min_{\operatorname{rank}Y\le r}\|X-Y\|_F=\|X-X_r\|_F=\Big(\sum_{i>r}\sigma_i^2\Big)^{1/2},\quad X_r=U\Sigma_rV^\top

    Book label: ``linae.eckart-young``. Returns ``(X_r, error)``.

    >>> Xr, err = eckart_young(torch.diag(torch.tensor([3.0, 4.0], dtype=torch.float64)), 1)
    >>> Xr.tolist(), float(err)
    ([[0.0, 0.0], [0.0, 4.0]], 3.0)
    """
    X = _float("X", X, ndim=2)
    r = v.require_int("r", r, minimum=0)
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    Xr = (U[:, :r] * S[:r]) @ Vh[:r]
    return Xr + 0.0, torch.sqrt((S[r:] ** 2).sum())


def als_low_rank(X, r: int, steps: int = 200, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""A rank-r fit :math:`X\approx AB` by alternating least squares, an independent route to Eckart–Young.

    Each half-step solves a linear least-squares problem exactly (``torch.linalg.lstsq``).

    >>> X = torch.randn(6, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> Y = als_low_rank(X, 2, generator=torch.Generator().manual_seed(1))
    >>> bool(abs(torch.linalg.norm(X - Y) - eckart_young(X, 2)[1]) < 1e-8)
    True
    """
    X = _float("X", X, ndim=2)
    r, steps = v.require_int("r", r, minimum=1), v.require_int("steps", steps, minimum=1)
    v.require_generator("generator", generator)
    B = torch.randn(r, X.shape[1], generator=generator, dtype=X.dtype).to(X.device)
    for _ in range(steps):
        A = torch.linalg.lstsq(B.T, X.T).solution.T  # min ||X - A B|| over A
        B = torch.linalg.lstsq(A, X).solution
    return A @ B


def principal_angles(A, B) -> torch.Tensor:
    r"""Principal angles (radians, ascending) between the column spaces of A and B.

    :math:`\cos\vartheta_i` are the singular values of :math:`Q_A^\top Q_B` with orthonormal bases :math:`Q`.
    Book label: ``linae.pca-optimum`` (how far a learned decoder's subspace is from the top principal subspace).

    >>> e = torch.eye(3, dtype=torch.float64)
    >>> principal_angles(e[:, :2], e[:, 1:]).round(decimals=6).tolist()  # 0 and π/2
    [0.0, 1.570796]
    """
    A, B = _float("A", A), _float("B", B)
    v.require_min_ndim("A", A, 2), v.require_min_ndim("B", B, 2)
    v.require_shape("B", B, (..., A.shape[-2], None), match="A (both in the same space)")
    v.broadcast_shapes(A=A[..., 0, 0], B=B[..., 0, 0])
    QA, QB = torch.linalg.qr(A).Q, torch.linalg.qr(B).Q
    cos = torch.linalg.svdvals(QA.transpose(-2, -1) @ QB).clamp(-1, 1)
    return torch.arccos(cos)


def landscape_slice(C, D, X, t) -> torch.Tensor:
    r"""The objective on the segment from (C, D) to (−C, −D): :math:`f\big((1-2t)C,(1-2t)D\big)`.

    Book label: ``linae.landscape``. Its value at :math:`t=\tfrac12` is :math:`f(0,0)=\|X\|_F^2`, above
    both ends whenever (C, D) beats the zero map: so f is not convex.

    >>> X = torch.eye(2, dtype=torch.float64); C = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    >>> landscape_slice(C, C.T, X, torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)).tolist()
    [1.0, 2.0, 1.0]
    """
    C, D, X = _ae_args(C, D, X)
    t = _float("t", t, like=X, ndim=(0, 1))
    v.require_ndim("C", C, 2), v.require_ndim("D", D, 2)
    s = (1 - 2 * t).reshape(-1, 1, 1)
    return ae_loss(s * C, s * D, X)


def saddle_point(X, k: int, indices) -> tuple[torch.Tensor, torch.Tensor]:
    r"""A critical point :math:`C=U_S^\top`, :math:`D=U_S` built from the principal directions ``indices`` (a set S of size k).

    Book label: ``linae.landscape``. Unless S is the top-k set, it is a saddle (Baldi–Hornik).

    >>> C, D = saddle_point(torch.diag(torch.tensor([3.0, 2.0, 1.0], dtype=torch.float64)), 1, [2])
    >>> D.ravel().abs().tolist()
    [0.0, 0.0, 1.0]
    """
    X = _float("X", X, ndim=2)
    U = torch.linalg.svd(X, full_matrices=False).U
    k = v.require_int("k", k, minimum=1)
    idx = _float("indices", indices, ndim=1)
    v.require_integer_valued("indices", idx, minimum=0)
    if idx.numel() != k or (idx >= U.shape[1]).any() or idx.unique().numel() != k:
        raise ValueError(f"indices must name k={k} distinct principal directions in 0..{U.shape[1] - 1}, "
                         f"got {idx.tolist()}")
    idx = idx.long()
    return U[:, idx].T.contiguous(), U[:, idx].contiguous()


# --- deep linear networks after whitening -----------------------------------------------------------

def whiten(X) -> torch.Tensor:
    r"""Whitened inputs :math:`X_w=\Lambda^{-1/2}U^\top X` with :math:`\tfrac1sXX^\top=U\Lambda U^\top`, so that :math:`\tfrac1sX_wX_w^\top=I`.

    Book label: ``linae.deep-linear-whitened``. ``X`` : ``(d, s)`` with s samples and full row rank.

    >>> Xw = whiten(torch.randn(3, 50, generator=torch.Generator().manual_seed(0), dtype=torch.float64))
    >>> bool(torch.allclose(Xw @ Xw.T / 50, torch.eye(3, dtype=torch.float64)))
    True
    """
    X = _float("X", X, ndim=2)
    lam, U = torch.linalg.eigh(X @ X.T / X.shape[1])
    if lam.min() <= 1e-12 * lam.max().clamp(min=1e-300):
        raise ValueError(f"X must have full row rank (XXᵀ/s has eigenvalues {lam.tolist()}), got shape {tuple(X.shape)}")
    return (U / torch.sqrt(lam)).T @ X


def input_output_correlation(Y, X) -> torch.Tensor:
    r"""The target of a whitened linear regression: :math:`\Gamma=\tfrac1sYX^\top`.

    .. math:: \tfrac1{2s}\|Y-\Theta X\|_F^2=\tfrac12\|\Theta-\Gamma\|_F^2+\text{const}\quad\text{if }\tfrac1sXX^\top=I

    Book label: ``linae.deep-linear-whitened``. ``Y`` : ``(p, s)``; ``X`` : ``(d, s)``.

    >>> input_output_correlation(torch.ones(1, 4), torch.ones(2, 4)).tolist()
    [[1.0, 1.0]]
    """
    Y, X = _float("Y", Y, ndim=2), _float("X", X, ndim=2)
    v.require_shape("Y", Y, (None, X.shape[1]), match="X (the same s samples)")
    return Y @ X.T / X.shape[1]


def _whitened_pair(Dt, Ct):
    Dt, Ct = _float("Dt", Dt, ndim=2), _float("Ct", Ct, ndim=2)
    v.require_shape("Ct", Ct, (Dt.shape[1], None), match="Dt (p, h): Ct is (h, d)")
    return Dt, Ct


def decoupled_loss(Dt, Ct, sigma) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The two-layer loss in the SVD basis of :math:`\Gamma`, split into cooperative and competitive terms.

    .. math:: \tfrac12\|\tilde D\tilde C-\Sigma\|_F^2=\tfrac12\sum_r(\mathbf d_r\cdot\mathbf c_r-\sigma_r)^2+\tfrac12\sum_{r\ne q}(\mathbf d_r\cdot\mathbf c_q)^2

    Book label: ``linae.deep-linear-whitened``. ``Dt`` : :math:`\tilde D=U^\top D`, rows :math:`\mathbf d_r`,
    ``(p, h)``; ``Ct`` : :math:`\tilde C=CV`, columns :math:`\mathbf c_q`, ``(h, d)``; ``sigma`` :
    the diagonal of the ``(p, d)`` matrix :math:`\Sigma`. Returns ``(cooperative, competitive)``.

    >>> coop, comp = decoupled_loss(torch.eye(2), torch.eye(2), torch.tensor([1.0, 3.0]))
    >>> float(coop), float(comp)
    (2.0, 0.0)
    """
    Dt, Ct = _whitened_pair(Dt, Ct)
    sigma = _float("sigma", sigma, like=Dt, ndim=1)
    v.require_positive("sigma", sigma, strict=False)
    if sigma.numel() > min(Dt.shape[0], Ct.shape[1]):
        raise ValueError(f"sigma must hold at most min(p, d) = {min(Dt.shape[0], Ct.shape[1])} singular values "
                         f"(Dt (p, h), Ct (h, d)), got shape {tuple(sigma.shape)}")
    P = Dt @ Ct  # (p, d): P[r, q] = d_r . c_q
    r = sigma.numel()
    diag = torch.diagonal(P)[:r]
    off = (P**2).sum() - (diag**2).sum()
    return ((diag - sigma) ** 2).sum() / 2, off / 2


def whitened_gradients(Dt, Ct, Sigma) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of :math:`\tfrac12\|\tilde D\tilde C-\Sigma\|_F^2`.

    .. math:: \nabla_{\tilde C}=\tilde D^\top(\tilde D\tilde C-\Sigma),\qquad\nabla_{\tilde D}=(\tilde D\tilde C-\Sigma)\tilde C^\top

    Book label: ``linae.deep-linear-whitened``. Returns ``(grad_Ct, grad_Dt)``.

    >>> gC, gD = whitened_gradients(torch.eye(2), torch.eye(2), torch.zeros(2, 2))
    >>> gC.tolist(), gD.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    """
    Dt, Ct = _whitened_pair(Dt, Ct)
    Sigma = _float("Sigma", Sigma, like=Dt)
    v.require_shape("Sigma", Sigma, (Dt.shape[0], Ct.shape[1]), match="Dt (p, h) and Ct (h, d)")
    E = Dt @ Ct - Sigma
    return Dt.T @ E, E @ Ct.T
