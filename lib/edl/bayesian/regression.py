r"""Bayesian linear regression, in weight space and in function space (as a Gaussian process).

Chapter 9, part 2, "Bayesian linear regression" (book labels ``blr.least-squares-mle``,
``blr.posterior-ridge``, ``blr.general-prior``, ``blr.predictive``, ``gp.linear-kernel-equivalence``,
``gp.linear-layer-kernel``). Model: :math:`y=Xw+\varepsilon`, :math:`\varepsilon\sim\mathcal N(0,\sigma^2I_n)`,
with the inputs as the *rows* of ``X`` ``(n, d)``; ``sigma2`` is the noise variance :math:`\sigma^2`.
"""

import torch

from edl.bayesian import gp
from edl.core import validate as v


def _design(X, y, name="X"):
    X = v.as_float_tensor(name, X)
    v.require_ndim(name, X, 2)
    v.require_finite(name, X)
    y = v.as_float_tensor("y", y, like=X)
    v.require_ndim("y", y, 1)
    v.require_finite("y", y)
    v.require_shape("y", y, (X.shape[0],), match=name)
    return X, y


def least_squares(X, y) -> torch.Tensor:
    r"""The maximum-likelihood weights under Gaussian noise: the least-squares solution.

    .. math:: \arg\max_w\sum_i\log\mathcal N(y_i\mid x_i^\top w,\sigma^2)=\arg\min_w\tfrac1{2n\sigma^2}\|y-Xw\|^2=(X^\top X)^{-1}X^\top y

    Book label: ``blr.least-squares-mle``. ``X`` must have full column rank (:math:`n\ge d`); the noise
    level does not change the maximiser.

    >>> least_squares([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 3.0, 5.0]).tolist()
    [1.0, 2.0]
    """
    X, y = _design(X, y)
    if int(torch.linalg.matrix_rank(X)) < X.shape[1]:
        raise ValueError(f"X must have full column rank ({X.shape[1]}), got rank {int(torch.linalg.matrix_rank(X))}")
    return torch.linalg.solve(X.T @ X, X.T @ y)


def posterior_ridge(X, y, sigma2: float) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The posterior of the weights under a standard normal prior :math:`w\sim\mathcal N(0,I_d)`, by
    conditioning the joint Gaussian of :math:`(w,y)` (the push-through form, an :math:`n\times n` solve).

    .. math:: \mu_{w|y}=X^\top(XX^\top+\sigma^2I_n)^{-1}y=(X^\top X+\sigma^2I_d)^{-1}X^\top y,\qquad
              \Sigma_{w|y}=I-X^\top(XX^\top+\sigma^2I_n)^{-1}X=\sigma^2(X^\top X+\sigma^2I_d)^{-1}

    Book label: ``blr.posterior-ridge``. The mean is the ridge estimate with :math:`\lambda=\sigma^2`.

    >>> m, S = posterior_ridge([[1.0], [1.0]], [1.0, 3.0], 1.0)
    >>> [round(t, 6) for t in m.tolist()], [round(t, 6) for t in S.flatten().tolist()]
    ([1.333333], [0.333333])
    """
    X, y = _design(X, y)
    sigma2 = v.require_positive_scalar("sigma2", sigma2)
    S_yy = X @ X.T + sigma2 * torch.eye(X.shape[0], dtype=X.dtype, device=X.device)     # (n, n)
    G = torch.linalg.solve(S_yy, X).T                                                   # X^T S_yy^{-1}, (d, n)
    return G @ y, torch.eye(X.shape[1], dtype=X.dtype, device=X.device) - G @ X


def posterior_general(X, y, sigma2: float, Sigma) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The posterior of the weights under a general Gaussian prior :math:`w\sim\mathcal N(0,\Sigma)`
    (precision form, a :math:`d\times d` solve).

    .. math:: \Sigma_{post}^{-1}=\Sigma^{-1}+\sigma^{-2}X^\top X,\qquad\mu_{post}=\sigma^{-2}\,\Sigma_{post}\,X^\top y

    Book label: ``blr.general-prior``. The mean minimises :math:`\frac1{2\sigma^2}\|y-Xw\|^2+\frac12w^\top\Sigma^{-1}w`;
    :math:`\Sigma=\lambda^{-1}I` gives ridge regression. ``Sigma`` : ``(d, d)`` positive definite.

    >>> m, S = posterior_general([[1.0], [1.0]], [1.0, 3.0], 1.0, [[2.0]])
    >>> round(float(m), 6), round(float(S), 6)
    (1.6, 0.4)
    """
    X, y = _design(X, y)
    sigma2 = v.require_positive_scalar("sigma2", sigma2)
    Sigma = v.as_float_tensor("Sigma", Sigma, like=X)
    v.require_shape("Sigma", Sigma, (X.shape[1], X.shape[1]), match="X")
    v.require_covariance("Sigma", Sigma)
    precision = torch.linalg.inv(Sigma) + X.T @ X / sigma2
    cov = torch.linalg.inv(precision)
    cov = (cov + cov.T) / 2
    return cov @ (X.T @ y) / sigma2, cov


def predictive(x_star, mean, cov, sigma2: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""The posterior predictive of Bayesian linear regression at test inputs.

    .. math:: f_*\mid x_*,y\sim\mathcal N(x_*^\top\mu_{post},\,x_*^\top\Sigma_{post}x_*),\qquad
              y_*\mid x_*,y\sim\mathcal N(x_*^\top\mu_{post},\,x_*^\top\Sigma_{post}x_*+\sigma^2)

    Book label: ``blr.predictive``. ``x_star`` : ``(m, d)``; ``mean``, ``cov`` : the weight posterior.
    Returns the predictive mean, the variance of :math:`f_*` and that of :math:`y_*`, each ``(m,)``.

    >>> [round(float(t), 6) for t in predictive([[2.0]], [1.5], [[0.25]], 1.0)]
    [3.0, 1.0, 2.0]
    """
    x_star = v.as_float_tensor("x_star", x_star)
    v.require_ndim("x_star", x_star, 2)
    v.require_finite("x_star", x_star)
    mean = v.as_float_tensor("mean", mean, like=x_star)
    v.require_shape("mean", mean, (x_star.shape[1],), match="x_star")
    v.require_finite("mean", mean)
    cov = v.as_float_tensor("cov", cov, like=x_star)
    v.require_shape("cov", cov, (x_star.shape[1], x_star.shape[1]), match="x_star")
    v.require_covariance("cov", cov, strict=False)
    sigma2 = v.require_positive_scalar("sigma2", sigma2, strict=False)
    var_f = ((x_star @ cov) * x_star).sum(-1)
    return x_star @ mean, var_f, var_f + sigma2


def function_space_posterior(Phi, y, sigma2: float, Sigma=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Bayesian linear regression seen as a GP: the posterior of :math:`f=\Phi w` at the training inputs,
    computed with the kernel :math:`k(x,x')=\phi(x)^\top\Sigma\phi(x')` only.

    .. math:: \mu_{f|y}=K(K+\sigma^2I)^{-1}y=\Phi\mu_{w|y},\qquad\Sigma_{f|y}=K-K(K+\sigma^2I)^{-1}K,\qquad K=\Phi\Sigma\Phi^\top

    Book label: ``gp.linear-kernel-equivalence``. ``Phi`` : ``(n, p)`` features; ``Sigma`` : prior
    covariance of :math:`w` (identity by default). Returns the mean ``(n,)`` and covariance ``(n, n)``.

    >>> m, S = function_space_posterior([[1.0], [1.0]], [1.0, 3.0], 1.0)
    >>> [round(t, 6) for t in m.tolist()], round(float(S[0, 1]), 6)
    ([1.333333, 1.333333], 0.333333)
    """
    Phi, y = _design(Phi, y, "Phi")
    sigma2 = v.require_positive_scalar("sigma2", sigma2)
    K = gp.linear_kernel(Phi, Phi, Sigma)
    K = (K + K.T) / 2
    return gp.gp_posterior(K, K, torch.diagonal(K), y, sigma2)[0], \
        K - K @ torch.linalg.solve(K + sigma2 * torch.eye(len(y), dtype=K.dtype, device=K.device), K)


def linear_layer_kernel(X, sigma2: float) -> torch.Tensor:
    r"""The covariance of the outputs of a random linear unit :math:`y_i=w^\top x_i`, :math:`w\sim\mathcal N(0,\frac{\sigma^2}dI_d)`.

    .. math:: \mathbb E[y_iy_j]=\frac{\sigma^2}d\,x_i^\top x_j

    Book label: ``gp.linear-layer-kernel``. ``X`` : ``(n, d)`` inputs as rows (:math:`d` is the fan-in the
    weight variance is scaled by). Returns ``(n, n)``.

    >>> linear_layer_kernel([[1.0, 1.0], [2.0, 0.0]], 2.0).tolist()
    [[2.0, 2.0], [2.0, 4.0]]
    """
    X = v.as_float_tensor("X", X)
    v.require_ndim("X", X, 2)
    v.require_finite("X", X)
    sigma2 = v.require_positive_scalar("sigma2", sigma2)
    return sigma2 / X.shape[1] * gp.linear_kernel(X, X)
