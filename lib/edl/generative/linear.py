r"""Linear autoencoders, principal component analysis and the singular value decomposition.

Chapter 10, "Linear autoencoders" (book labels ``lae.model``, ``lae.gradients``, ``lae.eckart-young``,
``lae.optimal-solution``, ``lae.landscape``, ``lae.svd-diagonalization``). Data matrices hold one example
per **column**: :math:`X\in\mathbb R^{n\times s}`; the encoder is :math:`C\in\mathbb R^{m\times n}`, the
decoder :math:`D\in\mathbb R^{n\times m}`. Tensors in, tensors out; dtype and device follow the input.
"""

import torch

from edl.core import validate as v
from edl.generative._util import fl, matrix


def _encoder_decoder(C, D, X):
    X = matrix("X", X)
    C = matrix("C", C, like=X, cols=X.shape[0], match="X (one column per row of X)")
    D = matrix("D", D, like=X, rows=X.shape[0], cols=C.shape[0], match="C and X")
    return C, D, X


def lae_loss(C, D, X) -> torch.Tensor:
    r"""Reconstruction loss of a linear autoencoder, averaged over the columns of ``X``.

    .. math:: \mathbf z=C\mathbf x,\quad\hat{\mathbf x}=D\mathbf z,\qquad
              \frac1{2s}\|X-DCX\|_F^2=\frac1s\sum_{i=1}^s\tfrac12\|\mathbf x_i-DC\mathbf x_i\|^2,
              \qquad\operatorname{rank}(DC)\le m

    Book label: ``lae.model``.

    >>> float(lae_loss([[1.0, 0.0]], [[1.0], [0.0]], [[1.0, 2.0], [3.0, 4.0]]))  # keeps row 1, loses row 2
    6.25
    """
    C, D, X = _encoder_decoder(C, D, X)
    return 0.5 * ((X - D @ (C @ X)) ** 2).sum() / X.shape[1]


def lae_gradients(C, D, X) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of :func:`lae_loss` with respect to the encoder and the decoder.

    .. math:: \frac{\partial\ell}{\partial C}=\frac1s D^\top(\hat X-X)X^\top\in\mathbb R^{m\times n},\qquad
              \frac{\partial\ell}{\partial D}=\frac1s(\hat X-X)X^\top C^\top=\frac1s(\hat X-X)Z^\top\in\mathbb R^{n\times m}

    Book label: ``lae.gradients``.

    >>> gC, gD = lae_gradients([[1.0, 0.0]], [[1.0], [0.0]], [[1.0], [1.0]])
    >>> gC.tolist(), gD.tolist()
    ([[0.0, 0.0]], [[0.0], [-1.0]])
    """
    C, D, X = _encoder_decoder(C, D, X)
    Z = C @ X
    R = (D @ Z - X) / X.shape[1]
    return D.T @ R @ X.T, R @ Z.T


def truncated_svd(X, r: int) -> torch.Tensor:
    r"""The rank-``r`` truncation :math:`X_r=U_r\Sigma_rV_r^\top` of the SVD of ``X``. Book label: ``lae.eckart-young``.

    >>> truncated_svd([[3.0, 0.0], [0.0, 1.0]], 1).tolist()
    [[3.0, 0.0], [0.0, 0.0]]
    """
    X = matrix("X", X)
    r = v.require_int("r", r, minimum=0)
    if r > min(X.shape):
        raise ValueError(f"r must be at most min(X.shape) = {min(X.shape)}, got {r}")
    U, S, Vh = torch.linalg.svd(X, full_matrices=False)
    return (U[:, :r] * S[:r]) @ Vh[:r]


def eckart_young_error(X, r: int) -> torch.Tensor:
    r"""The smallest Frobenius error of a rank-:math:`\le r` approximation (Eckart–Young).

    .. math:: \min_{\operatorname{rank}Y\le r}\|X-Y\|_F=\|X-X_r\|_F=\Big(\sum_{i>r}\sigma_i^2\Big)^{1/2}

    Book label: ``lae.eckart-young``.

    >>> float(eckart_young_error([[3.0, 0.0], [0.0, 4.0]], 1))
    3.0
    """
    X = matrix("X", X)
    r = v.require_int("r", r, minimum=0)
    if r > min(X.shape):
        raise ValueError(f"r must be at most min(X.shape) = {min(X.shape)}, got {r}")
    s = torch.linalg.svdvals(X)
    return torch.sqrt((s[r:] ** 2).sum())


def lae_optimum(X, m: int) -> tuple[torch.Tensor, torch.Tensor]:
    r"""An optimal linear autoencoder of width ``m``: :math:`C=U_m^\top`, :math:`D=U_m` (PCA).

    .. math:: DC=U_mU_m^\top,\qquad DCX=X_m;\qquad\text{all optima: }C=A^{-1}U_m^\top,\ D=U_mA,\ A\in GL(m)

    ``U_m`` holds the top-``m`` left singular vectors of ``X`` (for centred data, the top principal
    directions). Book label: ``lae.optimal-solution``.

    >>> C, D = lae_optimum([[2.0, -2.0], [0.0, 0.0]], 1)
    >>> (D @ C).abs().round(decimals=8).tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    X = matrix("X", X)
    m = v.require_int("m", m, minimum=1)
    if m > min(X.shape):
        raise ValueError(f"m must be at most min(X.shape) = {min(X.shape)}, got {m}")
    U = torch.linalg.svd(X, full_matrices=False)[0][:, :m]
    return U.T.clone(), U.clone()


def lae_critical_point(X, index) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The critical point :math:`C=U_I^\top`, :math:`D=U_I` of the linear-autoencoder loss for a set ``index`` of singular directions.

    With distinct singular values, :math:`I=\{1,\dots,m\}` is the global minimum and every other
    :math:`I` a saddle point: the loss has no spurious local minima, yet it is not convex (Baldi–Hornik).
    In the scalar case :math:`f(c,d)=\frac12S(1-cd)^2` the minima fill the hyperbola :math:`cd=1` and
    :math:`(0,0)` is a saddle. Book label: ``lae.landscape``.

    >>> C, D = lae_critical_point([[3.0, 0.0], [0.0, 1.0]], [1])
    >>> C.tolist()
    [[0.0, 1.0]]
    """
    X = matrix("X", X)
    idx = v.require_int_list("index", index, minimum=0)
    k = min(X.shape)
    if len(set(idx)) != len(idx) or max(idx) >= k:
        raise ValueError(f"index must hold distinct singular-direction indices below {k}, got {idx}")
    U = torch.linalg.svd(X, full_matrices=False)[0][:, idx]
    return U.T.clone(), U.clone()


def whitened_target(Y, X) -> torch.Tensor:
    r""":math:`\Gamma=\frac1sYX^\top`, the matrix a deep linear network :math:`\Theta=DC` fits on whitened inputs.

    .. math:: \tfrac1sXX^\top=I\ \Rightarrow\ \frac1{2s}\|Y-\Theta X\|_F^2=\tfrac12\|\Theta-\Gamma\|_F^2+\frac1{2s}\|Y\|_F^2-\tfrac12\|\Gamma\|_F^2

    Book label: ``lae.svd-diagonalization``.

    >>> whitened_target([[2.0, 0.0]], [[1.0, 1.0], [1.0, -1.0]]).tolist()
    [[1.0, 1.0]]
    """
    X = matrix("X", X)
    Y = matrix("Y", Y, like=X, cols=X.shape[1], match="X (one column per example)")
    return Y @ X.T / X.shape[1]


def mode_decomposition(Dt, Ct, sigma) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The loss :math:`\frac12\|\tilde D\tilde C-\Sigma\|_F^2` split into cooperative and competitive terms.

    .. math:: \tfrac12\|\tilde D\tilde C-\Sigma\|_F^2=\underbrace{\tfrac12\sum_r(\mathbf d_r\cdot\mathbf c_r-\sigma_r)^2}_{\text{cooperative}}
              +\underbrace{\tfrac12\sum_{r\ne q}(\mathbf d_r\cdot\mathbf c_q)^2}_{\text{competitive}}

    :math:`\mathbf d_r` is row :math:`r` of :math:`\tilde D=U^\top D` (n_out, m), :math:`\mathbf c_q` column :math:`q`
    of :math:`\tilde C=CV` (m, n_in); ``sigma`` holds the singular values of :math:`\Gamma` (rectangular
    :math:`\Sigma` with them on its diagonal). Book label: ``lae.svd-diagonalization``.

    >>> coop, comp = mode_decomposition([[1.0], [0.0]], [[2.0, 1.0]], [3.0, 1.0])
    >>> float(coop), float(comp)
    (1.0, 0.5)
    """
    Dt = matrix("Dt", Dt)
    Ct = matrix("Ct", Ct, like=Dt, rows=Dt.shape[1], match="Dt (one row per column of Dt)")
    s = fl("sigma", sigma, like=Dt)
    v.require_shape("sigma", s, (min(Dt.shape[0], Ct.shape[1]),), match="min(rows of Dt, columns of Ct)")
    v.require_positive("sigma", s, strict=False)
    P = Dt @ Ct
    k = s.shape[0]
    diag = torch.diagonal(P)[:k]
    coop = 0.5 * ((diag - s) ** 2).sum()
    comp = 0.5 * ((P**2).sum() - (diag**2).sum())
    return coop, comp


def deep_linear_gradients(C, D, Gamma) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of :math:`\frac12\|DC-\Gamma\|_F^2`: :math:`\partial_C=D^\top(\Theta-\Gamma)`, :math:`\partial_D=(\Theta-\Gamma)C^\top`.

    In the rotated coordinates :math:`\tilde D=U^\top D`, :math:`\tilde C=CV` the same formulas read
    :math:`\tilde D^\top(\tilde D\tilde C-\Sigma)` and :math:`(\tilde D\tilde C-\Sigma)\tilde C^\top`.
    Book label: ``lae.svd-diagonalization``.

    >>> gC, gD = deep_linear_gradients([[1.0, 0.0]], [[2.0]], [[1.0, 1.0]])
    >>> gC.tolist(), gD.tolist()
    ([[2.0, -2.0]], [[1.0]])
    """
    Gamma = matrix("Gamma", Gamma)
    C = matrix("C", C, like=Gamma, cols=Gamma.shape[1], match="Gamma (one column per column of Gamma)")
    D = matrix("D", D, like=Gamma, rows=Gamma.shape[0], cols=C.shape[0], match="C and Gamma")
    R = D @ C - Gamma
    return D.T @ R, R @ C.T
