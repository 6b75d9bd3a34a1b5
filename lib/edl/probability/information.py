"""Information measures: entropy, cross-entropy, KL, total variation, Pinsker, Jensen-Shannon, Gibbs.

The second half of the appendix "Probability and information" (book labels ``bg.*``); the first
half is :mod:`edl.probability.basics`. Discrete distributions are probability vectors along the last
axis (batches allowed); :math:`0\\log 0 = 0`. Logarithms are natural (nats).
"""

import math

import torch

from edl.core import validate as v
from edl.probability.basics import _float, _mvn_args, normal_pdf


def _dist(name, p, like=None):
    p = _float(name, p, like=like)
    v.require_distribution(name, p)
    return p


def _pair(name_a, a, name_b, b):
    a = _dist(name_a, a)
    b = _dist(name_b, b, like=a)
    v.require_same_shape(name_a, a, name_b, b)
    return a, b


def _no_plus_inf(name, t):
    if (t == math.inf).any():
        raise ValueError(f"{name} must not be +inf, got {t.tolist() if t.numel() < 20 else t}")


def entropy(p) -> torch.Tensor:
    r"""Shannon entropy of a discrete distribution, in nats.

    .. math:: H(X) = -\sum_{i=1}^n P(x_i)\log P(x_i), \qquad 0 \le H \le \log n

    Book label: ``bg.entropy``. ``p`` : probabilities :math:`P(x_i)` (last axis sums to 1).

    >>> math.isclose(float(entropy([0.25] * 4)), math.log(4))  # the uniform maximum
    True
    """
    p = _dist("p", p)
    return -torch.xlogy(p, p).sum(-1)


def cross_entropy(p, q) -> torch.Tensor:
    r"""Cross-entropy of ``q`` relative to ``p``.

    .. math:: H(p, q) = -\sum_i p_i\log q_i = H(p) + \mathrm{KL}(p\,\|\,q) \ge H(p)

    Book label: ``bg.cross-entropy``. ``p`` : target distribution; ``q`` : model distribution.

    >>> p, q = [0.5, 0.5], [0.25, 0.75]
    >>> math.isclose(float(cross_entropy(p, q)), float(entropy(p) + kl_divergence(p, q)))
    True
    """
    p, q = _pair("p", p, "q", q)
    return -torch.xlogy(p, q).sum(-1)


def kl_divergence(q, p) -> torch.Tensor:
    r"""Kullback-Leibler divergence of ``q`` from ``p`` (+inf if ``q`` puts mass where ``p`` has none).

    .. math:: \mathrm{KL}(Q\,\|\,P) = \sum_i q_i\log\frac{q_i}{p_i} = \mathbb E_q\Big[\log\frac qp\Big] \ge 0,
              \quad = 0 \iff Q = P

    (the discrete form of :math:`\int q\log\frac qp`). Book label: ``bg.kl-divergence``.
    ``q`` : the distribution the expectation is under; ``p`` : the reference distribution.

    >>> math.isclose(float(kl_divergence([1.0, 0.0], [0.5, 0.5])), math.log(2))
    True
    """
    q, p = _pair("q", q, "p", p)
    return (torch.xlogy(q, q) - torch.xlogy(q, p)).sum(-1)


def total_variation(q, p) -> torch.Tensor:
    r"""Total variation distance between two discrete distributions.

    .. math:: \mathrm{TV}(Q, P) = \sup_A |Q(A) - P(A)| = \tfrac12\|q - p\|_1

    Book label: ``bg.total-variation``. ``q, p`` : distributions of the same shape.

    >>> float(total_variation([1.0, 0.0, 0.0], [0.0, 0.5, 0.5]))  # disjoint supports: TV = 1
    1.0
    """
    q, p = _pair("q", q, "p", p)
    return 0.5 * (q - p).abs().sum(-1)


def pinsker_bound(kl) -> torch.Tensor:
    r"""Pinsker's upper bound on total variation in terms of KL divergence (in nats).

    .. math:: \mathrm{TV}(Q, P) \le \sqrt{\tfrac12\,\mathrm{KL}(Q\,\|\,P)}

    Book label: ``bg.pinsker``. ``kl`` : :math:`\mathrm{KL}(Q\|P) \ge 0`.

    >>> q, p = [0.6, 0.4], [0.5, 0.5]
    >>> bool(total_variation(q, p) <= pinsker_bound(kl_divergence(q, p)))
    True
    """
    kl = _float("kl", kl, finite=False)
    v.require_positive("kl", kl, strict=False)
    return torch.sqrt(kl / 2)


def js_divergence(p, q) -> torch.Tensor:
    r"""Jensen-Shannon divergence: the symmetrised KL to the midpoint mixture.

    .. math:: \mathrm{JS}(p, q) = \tfrac12\mathrm{KL}(p\,\|\,m) + \tfrac12\mathrm{KL}(q\,\|\,m)
              = H(m) - \tfrac12 H(p) - \tfrac12 H(q),\quad m = \tfrac{p+q}2,\quad 0 \le \mathrm{JS} \le \log 2

    Book label: ``bg.js-divergence``. ``p, q`` : distributions of the same shape.

    >>> math.isclose(float(js_divergence([1.0, 0.0], [0.0, 1.0])), math.log(2))  # disjoint supports
    True
    """
    p, q = _pair("p", p, "q", q)
    m = (p + q) / 2
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


def gaussian_kl(mu0, sigma2_0, mu1, sigma2_1) -> torch.Tensor:
    r"""KL divergence between univariate normals, in closed form.

    .. math:: \mathrm{KL}\big(\mathcal N(\mu_0,\sigma_0^2)\,\|\,\mathcal N(\mu_1,\sigma_1^2)\big)
              = \frac12\Big(\frac{\sigma_0^2}{\sigma_1^2} + \frac{(\mu_0-\mu_1)^2}{\sigma_1^2} - 1
              + \log\frac{\sigma_1^2}{\sigma_0^2}\Big)

    Book label: ``bg.gaussian-kl``. ``mu0, sigma2_0`` : mean and variance of the first;
    ``mu1, sigma2_1`` : of the second. Variances must be positive.

    >>> float(gaussian_kl(1.0, 1.0, 0.0, 1.0))  # equal variances: (Δμ)² / 2
    0.5
    """
    mu0 = _float("mu0", mu0)
    sigma2_0, mu1, sigma2_1 = (_float(n, x, like=mu0) for n, x in
                               (("sigma2_0", sigma2_0), ("mu1", mu1), ("sigma2_1", sigma2_1)))
    v.require_positive("sigma2_0", sigma2_0)
    v.require_positive("sigma2_1", sigma2_1)
    return 0.5 * (sigma2_0 / sigma2_1 + (mu0 - mu1) ** 2 / sigma2_1 - 1 + torch.log(sigma2_1 / sigma2_0))


def mvn_kl(mu0, Sigma0, mu1, Sigma1) -> torch.Tensor:
    r"""KL divergence between d-dimensional normals, in closed form.

    .. math:: \mathrm{KL}\big(\mathcal N(\mu_0,\Sigma_0)\,\|\,\mathcal N(\mu_1,\Sigma_1)\big) = \frac12\Big[
              \mathrm{tr}(\Sigma_1^{-1}\Sigma_0) + (\mu_1-\mu_0)^\top\Sigma_1^{-1}(\mu_1-\mu_0) - d
              + \log\frac{\det\Sigma_1}{\det\Sigma_0}\Big]

    Book label: ``bg.gaussian-kl``. ``mu0, mu1`` : means ``(d,)``; ``Sigma0, Sigma1`` : covariances ``(d, d)``.

    >>> math.isclose(float(mvn_kl([1.0], [[2.0]], [0.0], [[3.0]])), float(gaussian_kl(1.0, 2.0, 0.0, 3.0)))
    True
    """
    mu0, mu1, Sigma0 = _mvn_args(mu0, mu1, Sigma0, ("mu0", "mu1", "Sigma0"))
    mu0, mu1, Sigma1 = _mvn_args(mu0, mu1, Sigma1, ("mu0", "mu1", "Sigma1"))
    d, delta = mu0.shape[0], mu1 - mu0
    trace = torch.linalg.solve(Sigma1, Sigma0).diagonal().sum()
    maha = delta @ torch.linalg.solve(Sigma1, delta)
    return 0.5 * (trace + maha - d + torch.logdet(Sigma1) - torch.logdet(Sigma0))


def gaussian_fit_kl(log_p, x, mu, sigma2, *, reverse: bool = False) -> torch.Tensor:
    r"""KL between a density ``p`` tabulated on a grid and the Gaussian :math:`q=\mathcal N(\mu,\sigma^2)`.

    .. math:: \text{forward: } \mathrm{KL}(p\,\|\,q) = \int p\log\frac pq \quad(\text{mass-covering}),\qquad
              \text{reverse: } \mathrm{KL}(q\,\|\,p) = \int q\log\frac qp \quad(\text{mode-seeking})

    Minimising over :math:`(\mu,\sigma^2)` gives the forward fit :math:`q_1^*` (which matches p's mean and
    variance) or the reverse fit :math:`q_2^*`. Book label: ``bg.forward-reverse-kl``.
    ``log_p`` : :math:`\log p` at the grid points ``x`` (1-D, increasing); ``mu, sigma2`` : the Gaussian;
    ``reverse`` : which direction. Integrals are trapezoidal sums on the grid.

    >>> x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    >>> log_p = torch.log(normal_pdf(x, 1.0, 2.0))
    >>> round(float(gaussian_fit_kl(log_p, x, 0.0, 1.0)), 6) == round(float(gaussian_kl(1.0, 2.0, 0.0, 1.0)), 6)
    True
    """
    x = _float("x", x)
    log_p = _float("log_p", log_p, like=x, finite=False)
    v.require_ndim("x", x, 1)
    v.require_same_shape("log_p", log_p, "x", x)
    if x.numel() < 2 or not (x.diff() > 0).all():
        raise ValueError(f"x must be an increasing grid of at least 2 points, got shape {tuple(x.shape)}")
    _no_plus_inf("log_p", log_p)
    mu, sigma2 = v.require_scalar("mu", mu), v.require_positive_scalar("sigma2", sigma2)
    reverse = v.require_bool("reverse", reverse)
    log_q = torch.log(normal_pdf(x, mu, sigma2))
    integrand = torch.exp(log_q) * (log_q - log_p) if reverse else torch.exp(log_p) * (log_p - log_q)
    return torch.trapezoid(torch.nan_to_num(integrand, nan=0.0), x)  # 0·log 0 = 0 where both vanish


def log_partition(log_psi) -> torch.Tensor:
    r"""Log normaliser :math:`\log Z = \log\sum_x\psi(x)` of an unnormalised distribution (last axis).

    Book label: ``bg.gibbs-variational-principle``. ``log_psi`` : :math:`\log\psi(x)`.

    >>> math.isclose(float(log_partition([0.0, 0.0, 0.0])), math.log(3))
    True
    """
    log_psi = _float("log_psi", log_psi, finite=False)
    v.require_min_ndim("log_psi", log_psi, 1)
    _no_plus_inf("log_psi", log_psi)
    return torch.logsumexp(log_psi, -1)


def gibbs_free_energy(q, log_psi) -> torch.Tensor:
    r"""The Gibbs variational functional (negative free energy) of ``q``; its maximum over q is log Z.

    .. math:: F(q) = \mathbb E_q\log\psi + H(q) \le \log Z,\qquad p = \psi/Z,\qquad
              \log Z - F(q) = \mathrm{KL}(q\,\|\,p) \ge 0,\ \text{equality at } q = p

    Book label: ``bg.gibbs-variational-principle``. ``q`` : a distribution; ``log_psi`` : :math:`\log\psi`,
    same shape.

    >>> log_psi = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)
    >>> p = torch.softmax(log_psi, -1)
    >>> bool(torch.isclose(gibbs_free_energy(p, log_psi), torch.log(torch.exp(log_psi).sum())))
    True
    """
    q = _dist("q", q)
    log_psi = _float("log_psi", log_psi, like=q, finite=False)
    v.require_same_shape("q", q, "log_psi", log_psi)
    _no_plus_inf("log_psi", log_psi)
    return torch.where(q > 0, q * log_psi, 0.0).sum(-1) + entropy(q)
