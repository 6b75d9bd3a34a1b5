r"""L1 against L2 on a diagonal quadratic, and early stopping as an implicit L2 penalty.

Chapter 8, "Tricks of the trade" (book labels ``tricks.l1-soft-threshold`` … ``tricks.early-stopping-l2``).
Near its minimiser :math:`\theta^*` the loss is the quadratic :math:`\frac12(\theta-\theta^*)^\top H(\theta-\theta^*)`;
with a diagonal :math:`H=\mathrm{diag}(h_i)` every penalty acts on each coordinate separately, and gradient
descent from :math:`w^0=0` acts on each eigen-direction separately.
"""

import torch

from edl.core import validate as v
from edl.tricks._common import positive, tensor


def _diagonal(theta_star, h, lam):
    theta_star = tensor("theta_star", theta_star, 1)
    h = tensor("h", h, 1, like=theta_star)
    v.require_shape("h", h, tuple(theta_star.shape), match="theta_star")
    v.require_positive("h", h)
    return theta_star, h, positive("lam", lam, strict=False)


def soft_threshold(b, beta: float) -> torch.Tensor:
    r"""The minimiser of :math:`\frac12(a-b)^2+\beta|a|`: shrink towards 0 by :math:`\beta`, and stop at 0.

    .. math:: a^*=\operatorname{sgn}(b)\max\{0,|b|-\beta\}

    Book label: ``tricks.l1-soft-threshold``. ``b`` : a number or a tensor; ``beta`` : :math:`\beta\ge0`.

    >>> soft_threshold([-3.0, -0.5, 0.2, 2.0], 1.0).tolist()
    [-2.0, -0.0, 0.0, 1.0]
    """
    b = tensor("b", b)
    beta = positive("beta", beta, strict=False)
    return torch.sign(b) * torch.clamp(b.abs() - beta, min=0.0)


def l1_solution(theta_star, h, lam: float) -> torch.Tensor:
    r"""The L1-regularised minimiser of a diagonal quadratic: a soft threshold per coordinate.

    .. math:: \min_\theta\sum_i\frac{h_i}2(\theta_i-\theta_i^*)^2+\lambda|\theta_i|\ \Rightarrow\
              \theta_i=\operatorname{sgn}(\theta_i^*)\max\Big\{0,|\theta_i^*|-\frac\lambda{h_i}\Big\}

    Book label: ``tricks.l1-soft-threshold``. ``theta_star`` : the unregularised minimiser; ``h`` : the
    curvatures :math:`h_i>0`; ``lam`` : :math:`\lambda\ge0`. Coordinates with :math:`|\theta_i^*|\le\lambda/h_i`
    become exactly 0 (sparsity); the others move by :math:`\lambda/h_i` towards 0.

    >>> l1_solution([2.0, 0.3, -1.0], [1.0, 1.0, 4.0], 0.5).tolist()
    [1.5, 0.0, -0.875]
    """
    theta_star, h, lam = _diagonal(theta_star, h, lam)
    return torch.sign(theta_star) * torch.clamp(theta_star.abs() - lam / h, min=0.0)


def l2_solution(theta_star, h, lam: float) -> torch.Tensor:
    r"""The L2-regularised minimiser of a diagonal quadratic: every coordinate rescaled, none set to 0.

    .. math:: \min_\theta\sum_i\frac{h_i}2(\theta_i-\theta_i^*)^2+\frac\lambda2\theta_i^2\ \Rightarrow\ \theta_i=\frac{h_i}{h_i+\lambda}\,\theta_i^*

    Book label: ``tricks.l2-diagonal``.

    >>> l2_solution([2.0, 0.3, -1.0], [1.0, 1.0, 4.0], 1.0).tolist()
    [1.0, 0.15, -0.8]
    """
    theta_star, h, lam = _diagonal(theta_star, h, lam)
    return h / (h + lam) * theta_star


def gd_quadratic(H, w_star, lr: float, t: int) -> torch.Tensor:
    r"""Gradient descent from :math:`w^0=0` on :math:`\frac12(w-w^*)^\top H(w-w^*)`, after :math:`t` steps, in closed form.

    .. math:: w^t-w^*=(I-\eta H)(w^{t-1}-w^*)\ \Rightarrow\ Q^\top w^t=\big[I-(I-\eta\Lambda)^t\big]Q^\top w^*,\qquad H=Q\Lambda Q^\top

    Book label: ``tricks.early-stopping-trajectory``. ``H`` : symmetric positive semi-definite; ``lr`` :
    :math:`\eta`; ``t`` : the number of steps (0 gives the start). Directions of high curvature are fitted
    first; stopping early leaves the flat ones near 0.

    >>> gd_quadratic([[1.0, 0.0], [0.0, 0.1]], [1.0, 1.0], 0.5, 2).round(decimals=8).tolist()
    [0.75, 0.0975]
    """
    H = tensor("H", H, 2)
    v.require_covariance("H", H, strict=False)
    w_star = tensor("w_star", w_star, 1, like=H)
    v.require_shape("w_star", w_star, (H.shape[0],), match="H")
    lr = positive("lr", lr)
    t = v.require_int("t", t, minimum=0)
    lam, Q = torch.linalg.eigh(H)
    return Q @ ((1 - (1 - lr * lam) ** t) * (Q.T @ w_star))


def early_stopping_factors(lam, lr: float, k: int) -> torch.Tensor:
    r"""How much of each eigen-direction of :math:`w^*` gradient descent has fitted after :math:`k` steps from 0.

    .. math:: 1-(1-\eta\lambda_i)^k

    Book label: ``tricks.early-stopping-l2``. ``lam`` : eigenvalues :math:`\lambda_i\ge0` of :math:`H`.

    >>> [round(f, 6) for f in early_stopping_factors([0.01, 1.0], 0.1, 10).tolist()]
    [0.009955, 0.651322]
    """
    lam = tensor("lam", lam, (0, 1))
    v.require_positive("lam", lam, strict=False)
    lr = positive("lr", lr)
    k = v.require_int("k", k, minimum=0)
    return 1 - (1 - lr * lam) ** k


def l2_factors(lam, mu: float) -> torch.Tensor:
    r"""How much of each eigen-direction of :math:`w^*` weight decay :math:`\mu` keeps, to compare with early stopping.

    .. math:: Q^\top w_\mu=\big[I-\mu(\Lambda+\mu I)^{-1}\big]Q^\top w^*,\qquad 1-\frac{\mu}{\lambda_i+\mu}=\frac{\lambda_i}{\lambda_i+\mu};
              \qquad (1-\eta\lambda_i)^k\approx e^{-\eta\lambda_ik}\approx\frac{\mu}{\lambda_i+\mu}\ \text{when}\ k=\frac1{\eta\mu}

    for :math:`\lambda_i\ll\mu` (both :math:`\approx\lambda_i/\mu`) and :math:`\lambda_i\gg\mu` (both
    :math:`\approx1`). Book label: ``tricks.early-stopping-l2``.

    >>> [round(f, 6) for f in l2_factors([0.01, 1.0], 1.0).tolist()]
    [0.009901, 0.5]
    """
    lam = tensor("lam", lam, (0, 1))
    v.require_positive("lam", lam, strict=False)
    mu = positive("mu", mu)
    return lam / (lam + mu)


def equivalent_steps(lr: float, mu: float) -> int:
    r"""The number of steps that matches weight decay :math:`\mu`: :math:`k=\mathrm{round}\big(1/(\eta\mu)\big)`.
    Book label: ``tricks.early-stopping-l2``.

    >>> equivalent_steps(0.009, 0.5)
    222
    """
    lr, mu = positive("lr", lr), positive("mu", mu)
    return max(1, round(1.0 / (lr * mu)))
