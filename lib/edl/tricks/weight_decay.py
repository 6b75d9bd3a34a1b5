r"""Weight decay: the L2 penalty, its gradient step, its per-layer form, what it does to each eigen-direction,
its optimal strength, the norm-ball constraint and ridge regression.

Chapter 8, "Tricks of the trade" (book labels ``tricks.l2-penalty`` … ``tricks.ridge``). Symbols:
:math:`\theta` parameters, :math:`\mu\ge0` the decay coefficient of the penalty :math:`\frac\mu2\|\theta\|^2`
(a penalty written :math:`\lambda\|w\|^2`, without the ½, is the same with :math:`\mu=2\lambda`),
:math:`\eta` the step size, :math:`H` the Hessian of the loss at its minimiser :math:`\theta^*`.
"""

from collections.abc import Callable

import torch

from edl.core import validate as v
from edl.tricks._common import positive, tensor


def l2_penalty(theta, mu: float) -> torch.Tensor:
    r"""The L2 penalty and the regularised risk it defines.

    .. math:: \mathcal R_\Omega(\theta)=\mathcal R(\theta)+\Omega_\mu(\theta),\qquad \Omega_\mu(\theta)=\frac\mu2\|\theta\|^2,
              \qquad \nabla\Omega_\mu=\mu\theta

    Book label: ``tricks.l2-penalty``. ``theta`` : the penalised weights (usually not the biases); ``mu`` : :math:`\mu\ge0`.

    >>> float(l2_penalty([3.0, 4.0], 0.1))
    1.25
    """
    theta = tensor("theta", theta)
    mu = positive("mu", mu, strict=False)
    return mu / 2 * (theta ** 2).sum()


def l2_penalty_grad(theta, mu: float) -> torch.Tensor:
    r"""The gradient :math:`\mu\theta` of :math:`\frac\mu2\|\theta\|^2`. Book label: ``tricks.l2-penalty``.

    >>> l2_penalty_grad([3.0, 4.0], 0.1).round(decimals=8).tolist()
    [0.3, 0.4]
    """
    theta = tensor("theta", theta)
    mu = positive("mu", mu, strict=False)
    return mu * theta


def weight_decay_step(theta, grad, lr: float, weight_decay: float) -> torch.Tensor:
    r"""One gradient step on the L2-penalised risk: a shrinkage followed by the plain step.

    .. math:: \theta_{k+1}=\theta_k-\eta\nabla\mathcal R(\theta_k)-\eta\mu\theta_k=(1-\eta\mu)\,\theta_k-\eta\nabla\mathcal R(\theta_k)

    Book label: ``tricks.wd-gd-update``. ``grad`` : :math:`\nabla\mathcal R(\theta_k)`; ``lr`` : :math:`\eta`;
    ``weight_decay`` : :math:`\mu`. Without a data term :math:`\theta_k=(1-\eta\mu)^k\theta_0\approx e^{-\eta\mu k}\theta_0`.

    >>> weight_decay_step([1.0, -2.0], [0.5, 0.5], 0.1, 0.1).tolist()
    [0.94, -2.03]
    """
    theta = tensor("theta", theta)
    grad = tensor("grad", grad, like=theta)
    v.require_shape("grad", grad, tuple(theta.shape), match="theta")
    lr, weight_decay = positive("lr", lr), positive("weight_decay", weight_decay, strict=False)
    return (1 - lr * weight_decay) * theta - lr * grad


def frobenius_penalty(weights, mus) -> torch.Tensor:
    r"""Weight decay with one coefficient per layer (biases excluded).

    .. math:: \Omega(\theta)=\frac12\sum_{l=1}^{L}\mu_l\|W^l\|_F^2,\qquad \frac{\partial\Omega}{\partial W^l}=\mu_lW^l

    Book label: ``tricks.wd-multilayer``. ``weights`` : the list of weight matrices :math:`W^l`; ``mus`` :
    their coefficients :math:`\mu_l\ge0`, one per matrix.

    >>> float(frobenius_penalty([torch.ones(2, 2), torch.ones(1, 3)], [0.5, 2.0]))
    4.0
    """
    weights = v.as_tensor_list("weights", weights)
    for i, W in enumerate(weights):
        v.require_ndim(f"weights[{i}]", W, 2)
    mus = tensor("mus", mus, 1, like=weights[0])
    v.require_positive("mus", mus, strict=False)
    if len(mus) != len(weights):
        raise ValueError(f"mus must hold one coefficient per matrix of weights ({len(weights)}), got {len(mus)}")
    return sum(mu * (W ** 2).sum() for mu, W in zip(mus, weights)) / 2


def eigen_shrinkage(H, theta_star, mu: float) -> torch.Tensor:
    r"""The minimiser of the quadratic model plus weight decay, direction by direction.

    .. math:: \theta^*_\mu=(H+\mu I)^{-1}H\theta^*=Q\,\mathrm{diag}\Big(\frac{\lambda_i}{\lambda_i+\mu}\Big)Q^\top\theta^*,
              \qquad H=Q\Lambda Q^\top

    Book label: ``tricks.wd-eigen-shrinkage``. ``H`` : the symmetric positive semi-definite Hessian (the
    columns of :math:`Q` are its eigenvectors); ``theta_star`` : the unregularised minimiser; ``mu`` :
    :math:`\mu\ge0`. Steep directions (:math:`\lambda_i\gg\mu`) are kept, flat ones are shrunk towards 0.

    >>> eigen_shrinkage([[4.0, 0.0], [0.0, 0.25]], [1.0, 1.0], 1.0).tolist()
    [0.8, 0.2]
    """
    H = tensor("H", H, 2)
    v.require_covariance("H", H, strict=False)
    theta_star = tensor("theta_star", theta_star, 1, like=H)
    v.require_shape("theta_star", theta_star, (H.shape[0],), match="H")
    mu = positive("mu", mu, strict=False)
    lam, Q = torch.linalg.eigh(H)
    lam = lam.clamp(min=0)                            # rounding can leave -1e-17 on a singular H
    if mu == 0 and (lam == 0).any():
        raise ValueError("mu must be positive when H is singular (the minimiser is then not unique), got 0")
    return Q @ (lam / (lam + mu) * (Q.T @ theta_star))


def ridge_bayes_risk(X, mu, u: float, sigma: float) -> torch.Tensor:
    r"""The expected error :math:`\mathbb E\|\hat w_\mu-w^*\|^2` of ridge regression when :math:`w^*\sim\mathcal N(0,u^2I)`
    and the noise is :math:`\mathcal N(0,\sigma^2I)`.

    .. math:: \hat w_\mu=\arg\min_w\tfrac12\|y-Xw\|^2+\tfrac\mu2\|w\|^2,\qquad
              \mathbb E\|\hat w_\mu-w^*\|^2=\sum_i\frac{\mu^2u^2+\sigma^2d_i}{(d_i+\mu)^2}

    with :math:`d_i` the eigenvalues of :math:`X^\top X`. Each term has derivative
    :math:`2d_i(u^2\mu-\sigma^2)/(d_i+\mu)^3` in :math:`\mu`, so every one is smallest at
    :math:`\mu=\sigma^2/u^2` (:func:`optimal_weight_decay`). Book label: ``tricks.wd-snr``. ``mu`` : one
    value or a 1-D grid.

    >>> [round(r, 6) for r in ridge_bayes_risk(torch.eye(2).double(), [1.0, 4.0], 1.0, 2.0).tolist()]
    [2.5, 1.6]
    """
    X = tensor("X", X, 2)
    mu = tensor("mu", mu, (0, 1), like=X)
    v.require_positive("mu", mu, strict=False)
    u, sigma = positive("u", u), positive("sigma", sigma)
    d = torch.linalg.eigvalsh(X.T @ X).clamp(min=0)                          # (p,)
    m = mu.reshape(-1, 1)                                                      # (grid, 1)
    risk = ((m ** 2 * u ** 2 + sigma ** 2 * d) / (d + m) ** 2).sum(-1)
    return risk.reshape(mu.shape)


def optimal_weight_decay(sigma: float, u: float) -> float:
    r"""The weight decay that minimises the Bayes risk: the inverse signal-to-noise ratio.

    .. math:: \mu^*=\frac{\sigma^2}{u^2}

    (the posterior mean of :math:`w^*` given :math:`y`). With the loss normalised as :math:`\frac1{2s}\|y-Xw\|^2`
    the same optimum reads :math:`\sigma^2/(s\,u^2)`. Book label: ``tricks.wd-snr``.

    >>> optimal_weight_decay(2.0, 1.0)
    4.0
    """
    sigma, u = positive("sigma", sigma), positive("u", u)
    return sigma ** 2 / u ** 2


def project_ball(v_, r: float) -> torch.Tensor:
    r"""Euclidean projection onto the ball :math:`\|\theta\|\le r`.

    .. math:: \Pi_r(v)=\min\Big\{1,\frac r{\|v\|}\Big\}\,v

    Book label: ``tricks.norm-constraint``. ``v_`` : a vector, or a batch of vectors along the last axis.

    >>> project_ball([3.0, 4.0], 1.0).round(decimals=8).tolist(), project_ball([0.3, 0.4], 1.0).tolist()
    ([0.6, 0.8], [0.3, 0.4])
    """
    x = tensor("v_", v_, (1, 2))
    r = positive("r", r)
    norm = torch.linalg.vector_norm(x, dim=-1, keepdim=True)
    return x * torch.clamp(r / norm.clamp(min=torch.finfo(x.dtype).tiny), max=1.0)


def projected_gd(grad: Callable, theta0, lr: float, r: float, steps: int) -> torch.Tensor:
    r"""Projected gradient descent for :math:`\min_{\|\theta\|\le r}\mathcal R(\theta)`; returns every iterate.

    .. math:: \theta_{k+1}=\Pi_r\big[\theta_k-\eta\nabla\mathcal R(\theta_k)\big]

    Book label: ``tricks.norm-constraint``. ``grad`` : :math:`\theta\mapsto\nabla\mathcal R(\theta)`;
    ``theta0`` : the start (inside the ball). Returns ``(steps + 1, d)``. Inside the ball the iterates are
    those of plain gradient descent; the constraint bites only once they reach the sphere.

    >>> path = projected_gd(lambda t: 2 * (t - torch.tensor([3.0, 0.0]).double()), [0.0, 0.0], 0.25, 1.0, 3)
    >>> path[:, 0].tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    v.require_callable("grad", grad)
    theta = tensor("theta0", theta0, 1)
    lr, r = positive("lr", lr), positive("r", r)
    steps = v.require_int("steps", steps, minimum=1)
    if float(torch.linalg.vector_norm(theta)) > r:
        raise ValueError(f"theta0 must lie in the ball of radius r = {r}, got norm {float(torch.linalg.vector_norm(theta)):.4g}")
    path = [theta]
    for _ in range(steps):
        g = tensor("grad(theta)", grad(theta), like=theta)
        v.require_shape("grad(theta)", g, tuple(theta.shape), match="theta0")
        theta = project_ball(theta - lr * g, r)
        path.append(theta)
    return torch.stack(path)


def ridge(X, y, mu: float) -> torch.Tensor:
    r"""Ridge regression: least squares with an L2 penalty, in closed form.

    .. math:: \theta=(X^\top X+\mu I)^{-1}X^\top y

    Book label: ``tricks.ridge``. ``X`` : ``(s, d)``; ``y`` : ``(s,)``; ``mu`` : :math:`\mu>0` (then the
    matrix is invertible for every :math:`X`). It is also the MAP estimate under a Gaussian prior.

    >>> ridge([[1.0], [1.0]], [1.0, 3.0], 2.0).tolist()
    [1.0]
    """
    X = tensor("X", X, 2)
    y = tensor("y", y, 1, like=X)
    v.require_shape("y", y, (X.shape[0],), match="X")
    mu = positive("mu", mu)
    A = X.T @ X + mu * torch.eye(X.shape[1], dtype=X.dtype, device=X.device)
    return torch.linalg.solve(A, X.T @ y)
