"""Linear models: least squares, its gradient, the pseudo-inverse, ridge regression, LMS and the Gaussian likelihood.

Chapter 2 (book labels ``linear.*``). The design matrix ``X`` has one row per sample, shape ``(s, n)``:
``s`` samples, ``n`` features. The book's least-squares risk is normalised by the sample count,
:math:`h[\\mathbf w]=\\frac1{2s}\\|X\\mathbf w-\\mathbf y\\|^2`; functions whose closed form depends on
that choice take ``reduction="mean"`` (the book's convention) or ``reduction="sum"``
(:math:`\\frac12\\|X\\mathbf w-\\mathbf y\\|^2`), as in ``torch.nn.MSELoss``.
Tensors in, tensors out: dtype and device follow ``X`` (non-tensor input becomes float64).
"""

import math

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _design(X, y=...):
    X = _float("X", X)
    v.require_ndim("X", X, 2)
    if y is ...:
        return X
    y = _float("y", y, like=X)
    v.require_ndim("y", y, 1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must hold the same number of samples, "
                         f"got shapes {tuple(X.shape)} and {tuple(y.shape)}")
    return X, y


def _weights(w, X, name="w"):
    w = _float(name, w, like=X)
    if w.ndim == 0 or w.shape[-1] != X.shape[1]:
        raise ValueError(f"{name} must end in the feature dimension {X.shape[1]} of X, got shape {tuple(w.shape)}")
    return w


def _rtol(rtol, X):
    return max(X.shape) * torch.finfo(X.dtype).eps if rtol is None else v.require_positive_scalar("rtol", rtol, strict=False)


def _reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


# --- least squares ---------------------------------------------------------------------------------

def least_squares_risk(X, y, w) -> torch.Tensor:
    r"""Least-squares risk of the linear model :math:`\mathbf x\mapsto\mathbf w^\top\mathbf x`.

    .. math:: h[\mathbf w]=\frac1{2s}\|X\mathbf w-\mathbf y\|^2

    Book label: ``linear.lsq-gradient``. ``X`` : design matrix, shape ``(s, n)``; ``y`` : targets,
    shape ``(s,)``; ``w`` : weights, shape ``(..., n)`` (a batch of weight vectors is allowed).
    Returns :math:`h`, shape ``w.shape[:-1]``.

    >>> X, y = torch.eye(2, dtype=torch.float64), torch.tensor([1.0, 3.0], dtype=torch.float64)
    >>> float(least_squares_risk(X, y, [0.0, 0.0]))  # (1 + 9) / (2 * 2)
    2.5
    """
    X, y = _design(X, y)
    w = _weights(w, X)
    residual = w @ X.T - y  # (..., s)
    return (residual**2).sum(-1) / (2 * X.shape[0])


def least_squares_gradient(X, y, w) -> torch.Tensor:
    r"""Gradient of the least-squares risk.

    .. math:: \nabla h[\mathbf w]=\frac1s\big(X^\top X\mathbf w-X^\top\mathbf y\big)

    Book label: ``linear.lsq-gradient``. Arguments as in :func:`least_squares_risk`; returns shape ``w.shape``.

    >>> X = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], dtype=torch.float64)
    >>> y, w = torch.tensor([1.0, 0.0, 2.0], dtype=torch.float64), torch.tensor([0.3, -0.7], dtype=torch.float64)
    >>> w_ = w.clone().requires_grad_(True)
    >>> least_squares_risk(X, y, w_).backward()
    >>> bool(torch.allclose(least_squares_gradient(X, y, w), w_.grad, rtol=1e-12))
    True
    """
    X, y = _design(X, y)
    w = _weights(w, X)
    return (w @ (X.T @ X) - X.T @ y) / X.shape[0]


def least_squares_hessian(X) -> torch.Tensor:
    r"""Hessian of the least-squares risk, constant and positive semi-definite: the risk is convex.

    .. math:: \nabla^2 h=\frac1s X^\top X\succeq 0

    Book label: ``linear.lsq-gradient``. ``X`` : design matrix, shape ``(s, n)``. Returns shape ``(n, n)``.

    >>> float(least_squares_hessian(torch.tensor([[1.0, 0.0], [1.0, 2.0]], dtype=torch.float64))[1, 1])
    2.0
    """
    X = _design(X)
    return X.T @ X / X.shape[0]


# --- pseudo-inverse ---------------------------------------------------------------------------------

def pseudo_inverse(X, *, rtol: float | None = None) -> torch.Tensor:
    r"""Moore–Penrose pseudo-inverse from the singular value decomposition :math:`X=U\Sigma V^\top`.

    .. math:: X^+=V\Sigma^+U^\top,\qquad
              \Sigma^+_{ii}=\begin{cases}1/\sigma_i&\sigma_i>\text{tol}\\0&\text{otherwise}\end{cases}

    Book label: ``linear.moore-penrose``. ``X`` : matrix, shape ``(s, n)``; ``rtol`` : singular values below
    ``rtol * max(sigma)`` count as zero (default ``max(s, n) * eps``, as in ``numpy.linalg.pinv``).

    >>> X = torch.tensor([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]], dtype=torch.float64)  # rank 1
    >>> P = pseudo_inverse(X)
    >>> bool(torch.allclose(X @ P @ X, X)) and bool(torch.allclose(P @ X @ P, P))  # Penrose conditions
    True
    """
    X = _design(X)
    rtol = _rtol(rtol, X)
    U, sigma, Vh = torch.linalg.svd(X, full_matrices=False)
    keep = sigma > rtol * sigma.max()
    inverse = torch.where(keep, 1 / torch.where(keep, sigma, torch.ones_like(sigma)), torch.zeros_like(sigma))
    return Vh.T @ (inverse[:, None] * U.T)


def min_norm_solution(X, y) -> torch.Tensor:
    r"""The minimum-norm minimiser of the least-squares risk.

    .. math:: \mathbf w^*=X^+\mathbf y\in\arg\min_{\mathbf w}h[\mathbf w],\qquad
              \|\mathbf w^*\|\le\|\mathbf w\|\ \text{for every other minimiser}\ \mathbf w

    Book label: ``linear.moore-penrose``. ``X`` : shape ``(s, n)``; ``y`` : shape ``(s,)``. Returns shape ``(n,)``.

    >>> X = torch.tensor([[1.0, 1.0]], dtype=torch.float64)   # one equation w1 + w2 = 2
    >>> [round(w, 12) for w in min_norm_solution(X, [2.0]).tolist()]   # the point of that line closest to 0
    [1.0, 1.0]
    """
    X, y = _design(X, y)
    return pseudo_inverse(X) @ y


def ridge_pseudo_inverse(X, delta, *, rtol: float | None = None) -> torch.Tensor:
    r"""The ridge-regularised inverse :math:`(X^\top X+\delta I)^{-1}X^\top`; it tends to :math:`X^+` as δ → 0.

    .. math:: (X^\top X+\delta I)^{-1}X^\top=V\operatorname{diag}\Big(\frac{\sigma_i}{\sigma_i^2+\delta}\Big)U^\top
              \xrightarrow[\delta\to0^+]{}V\Sigma^+U^\top=X^+

    Book label: ``linear.moore-penrose``. ``X`` : shape ``(s, n)``; ``delta`` : ridge :math:`\delta>0`,
    a scalar or a 1-D tensor (then the result is batched, shape ``(len(delta), n, s)``); ``rtol`` : singular
    values below ``rtol * max(sigma)`` are rounding noise of exact zeros and are dropped (default as in
    :func:`pseudo_inverse`). The SVD form avoids forming :math:`X^\top X`, whose condition number is the
    square of that of :math:`X`.

    >>> X = torch.tensor([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    >>> direct = torch.linalg.solve(X.T @ X + 0.1 * torch.eye(2, dtype=torch.float64), X.T)
    >>> bool(torch.allclose(ridge_pseudo_inverse(X, 0.1), direct, rtol=1e-12))
    True
    """
    X = _design(X)
    delta = _float("delta", delta, like=X)
    v.require_positive("delta", delta)
    v.require_ndim("delta", delta, (0, 1))
    rtol = _rtol(rtol, X)
    U, sigma, Vh = torch.linalg.svd(X, full_matrices=False)
    sigma = torch.where(sigma > rtol * sigma.max(), sigma, torch.zeros_like(sigma))  # rank-r form
    factor = sigma / (sigma**2 + delta[..., None])  # (..., r)
    return (Vh.T * factor[..., None, :]) @ U.T


# --- ridge regression ---------------------------------------------------------------------------------

def ridge_solution(X, y, lam, *, reduction: str = "mean") -> torch.Tensor:
    r"""Closed-form minimiser of L2-regularised least squares; :math:`\lambda` depends on the data term's scaling.

    .. math:: \tfrac1{2s}\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2\ \Rightarrow\
              \mathbf w^*_\lambda=(X^\top X+s\lambda I)^{-1}X^\top\mathbf y\quad(\texttt{reduction="mean"}),

    .. math:: \tfrac12\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2\ \Rightarrow\
              \mathbf w^*_\lambda=(X^\top X+\lambda I)^{-1}X^\top\mathbf y\quad(\texttt{reduction="sum"}).

    Book label: ``linear.ridge``. ``X`` : shape ``(s, n)``; ``y`` : shape ``(s,)``; ``lam`` : penalty
    :math:`\lambda>0`, a scalar or 1-D tensor (batched result, shape ``(len(lam), n)``).

    >>> X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], dtype=torch.float64)
    >>> y = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    >>> bool(torch.allclose(ridge_solution(X, y, 0.2), ridge_solution(X, y, 0.6, reduction="sum")))  # s λ = 0.6
    True
    """
    X, y = _design(X, y)
    _reduction(reduction)
    lam = _float("lam", lam, like=X)
    v.require_positive("lam", lam)
    v.require_ndim("lam", lam, (0, 1))
    scale = X.shape[0] if reduction == "mean" else 1
    eye = torch.eye(X.shape[1], dtype=X.dtype, device=X.device)
    A = X.T @ X + scale * lam[..., None, None] * eye  # (..., n, n)
    return torch.linalg.solve(A, (X.T @ y).expand(A.shape[:-1]))


def shrinkage_factors(eigenvalues, lam) -> torch.Tensor:
    r"""How much ridge keeps of the unregularised solution along each eigen-direction of :math:`H=X^\top X`.

    .. math:: (\Lambda+\lambda I)^{-1}\Lambda=\operatorname{diag}\Big(\frac{\lambda_i}{\lambda_i+\lambda}\Big)

    Book label: ``linear.ridge-shrinkage``. ``eigenvalues`` : :math:`\lambda_i\ge0`, shape ``(n,)``;
    ``lam`` : penalty :math:`\lambda>0`, scalar or shape ``(k,)`` (result ``(k, n)``).

    >>> shrinkage_factors([9.0, 1.0, 0.0], 1.0).tolist()   # stiff kept, flat suppressed, null removed
    [0.9, 0.5, 0.0]
    """
    eigenvalues = _float("eigenvalues", eigenvalues)
    v.require_ndim("eigenvalues", eigenvalues, 1)
    v.require_positive("eigenvalues", eigenvalues, strict=False)
    lam = _float("lam", lam, like=eigenvalues)
    v.require_positive("lam", lam)
    v.require_ndim("lam", lam, (0, 1))
    return eigenvalues / (eigenvalues + lam[..., None])


def ridge_by_shrinkage(X, y, lam) -> torch.Tensor:
    r"""Ridge solution: least squares shrunk along the eigenvectors of :math:`H=X^\top X=Q\Lambda Q^\top`.

    .. math:: \mathbf w^*_\lambda=(H+\lambda I)^{-1}H\,\mathbf w^*_0
              =Q\,(\Lambda+\lambda I)^{-1}\Lambda\,Q^\top\mathbf w^*_0
              =Q\operatorname{diag}\Big(\frac{\lambda_i}{\lambda_i+\lambda}\Big)Q^\top\mathbf w^*_0,
              \qquad \mathbf w^*_0=H^{-1}X^\top\mathbf y

    Book label: ``linear.ridge-shrinkage``. The penalty is on the unnormalised data term
    :math:`\frac12\|X\mathbf w-\mathbf y\|^2+\frac\lambda2\|\mathbf w\|^2`
    (``reduction="sum"`` of :func:`ridge_solution`);
    ``X`` must have full column rank. ``lam`` : scalar or shape ``(k,)`` (result ``(k, n)``).

    >>> X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], dtype=torch.float64)
    >>> y = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64)
    >>> bool(torch.allclose(ridge_by_shrinkage(X, y, 0.7), ridge_solution(X, y, 0.7, reduction="sum")))
    True
    """
    X, y = _design(X, y)
    eigenvalues, Q = torch.linalg.eigh(X.T @ X)
    if eigenvalues.min() <= 1e-12 * eigenvalues.max():
        raise ValueError(f"X must have full column rank, got eigenvalues of XᵀX {eigenvalues.tolist()}")
    w0 = Q @ ((Q.T @ (X.T @ y)) / eigenvalues)  # H⁻¹Xᵀy in the eigenbasis
    return (shrinkage_factors(eigenvalues, lam) * (Q.T @ w0)) @ Q.T


# --- least mean squares (SGD) ------------------------------------------------------------------------

def lms_step(w, x, y, eta) -> torch.Tensor:
    r"""One LMS (Widrow–Hoff) update: a stochastic gradient step on one example's squared error.

    .. math:: \mathbf w_{t+1}=\mathbf w_t+\eta\,(y-\mathbf w_t^\top\mathbf x)\,\mathbf x
              =\mathbf w_t-\eta\nabla_{\mathbf w}\tfrac12(y-\mathbf w^\top\mathbf x)^2

    Book label: ``linear.lms-sgd``. ``w`` : weights, shape ``(..., n)``; ``x`` : one input per weight
    vector, shape ``(..., n)``; ``y`` : its target, shape ``(...)``; ``eta`` : step size :math:`\eta>0`.

    >>> lms_step([0.0, 0.0], [1.0, 2.0], 5.0, 0.1).tolist()   # residual 5
    [0.5, 1.0]
    """
    w = _float("w", w)
    x, y = _float("x", x, like=w), _float("y", y, like=w)
    if w.ndim == 0 or x.ndim == 0 or x.shape[-1] != w.shape[-1]:
        raise ValueError(f"w and x must end in the same dimension n, got shapes {tuple(w.shape)} and {tuple(x.shape)}")
    v.require_broadcast("y", y, v.broadcast_shapes(w=w, x=x)[:-1], to="the batch of w and x")
    eta = v.require_positive_scalar("eta", eta)
    residual = y - (w * x).sum(-1)
    return w + eta * residual[..., None] * x


def lms_sgd(X, y, *, eta, steps: int, w0=None, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Run LMS for ``steps`` updates on uniformly drawn examples; return the whole trajectory.

    .. math:: \mathbf w_{t+1}=\mathbf w_t+\eta\,(y_{i_t}-\mathbf w_t^\top\mathbf x_{i_t})\,\mathbf x_{i_t},
              \qquad i_t\overset{\text{iid}}{\sim}\mathcal U\{1,\dots,s\}

    Book label: ``linear.lms-sgd``. ``X`` : shape ``(s, n)``; ``y`` : shape ``(s,)``; ``eta`` : step size;
    ``steps`` : number of updates; ``w0`` : start (default 0); ``generator`` : draws the indices.
    Returns the iterates :math:`\mathbf w_0,\dots,\mathbf w_T`, shape ``(steps + 1, n)``.
    With :math:`\eta=1/\|\mathbf x_i\|^2` each step projects onto one equation (Kaczmarz's method).

    >>> X = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> path = lms_sgd(X, [2.0, -1.0], eta=1.0, steps=30, generator=torch.Generator().manual_seed(0))
    >>> path[-1].tolist()   # each update solves one equation exactly
    [2.0, -1.0]
    """
    X, y = _design(X, y)
    eta = v.require_positive_scalar("eta", eta)
    steps = v.require_int("steps", steps, minimum=0)
    v.require_generator("generator", generator)
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device) if w0 is None else _weights(w0, X, "w0").clone()
    v.require_ndim("w0", w, 1)
    index = torch.randint(X.shape[0], (steps,), generator=generator).to(X.device)
    path = [w]
    for i in index.tolist():
        w = w + eta * (y[i] - w @ X[i]) * X[i]
        path.append(w)
    return torch.stack(path)


# --- maximum likelihood --------------------------------------------------------------------------------

def gaussian_nll(X, y, w, sigma) -> torch.Tensor:
    r"""Negative log-likelihood of a linear model with i.i.d. Gaussian noise: a rescaled least-squares risk.

    .. math:: y_i=\mathbf w^\top\mathbf x_i+\varepsilon_i,\ \varepsilon_i\overset{iid}\sim\mathcal N(0,\sigma^2)
              \ \Rightarrow\
              -\log p(\mathbf y\mid X,\mathbf w)=\frac1{2\sigma^2}\|X\mathbf w-\mathbf y\|^2+\frac s2\log(2\pi\sigma^2)

    Book label: ``linear.gaussian-nll``. ``X`` : shape ``(s, n)``; ``y`` : shape ``(s,)``; ``w`` : shape
    ``(..., n)``; ``sigma`` : noise standard deviation :math:`\sigma>0`. Since it equals
    :math:`\frac{s}{\sigma^2}h[\mathbf w]` plus a constant, its minimiser is the least-squares one for every
    :math:`\sigma`.

    >>> X, y = torch.ones(1, 1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
    >>> round(float(gaussian_nll(X, y, [1.0], 1.0)), 6) == round(0.5 + 0.5 * math.log(2 * math.pi), 6)
    True
    """
    X, y = _design(X, y)
    w = _weights(w, X)
    sigma = v.require_scalar("sigma", sigma)
    v.require_positive("sigma", sigma)
    s = X.shape[0]
    return ((w @ X.T - y) ** 2).sum(-1) / (2 * sigma**2) + s / 2 * math.log(2 * math.pi * sigma**2)
