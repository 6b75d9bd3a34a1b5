"""Averages of many variables: the law of large numbers, the central limit theorem, and the two lemmas
behind the proofs of Hoeffding's and Pinsker's inequalities.

Appendix A, sections "The law of large numbers and the central limit theorem" and "Two proofs".
Tensors in, tensors out (float64 unless a floating tensor is given).
"""

import math

import torch
from scipy import stats

from edl.core import validate as v
from edl.probability.basics import _float

BERRY_ESSEEN_C = 0.4748  # Shevtsova (2011): sup|F_n − Φ| ≤ C ρ / (σ³ √n) for i.i.d. summands


def chebyshev_mean_bound(variance, n: int, t) -> torch.Tensor:
    r"""Chebyshev's bound on a deviation of the mean of ``n`` i.i.d. variables: the weak law of large numbers.

    .. math:: P\big(|\bar X_n-\mu|\ge t\big)\le\frac{\operatorname{Var}\bar X_n}{t^2}=\frac{\sigma^2}{n\,t^2}
              \xrightarrow[n\to\infty]{}0

    ``variance`` : :math:`\sigma^2\ge0`; ``n`` : number of variables; ``t`` : deviation, > 0.

    >>> round(float(chebyshev_mean_bound(0.25, 100, 0.1)), 6)
    0.25
    """
    var = _float("variance", variance)
    v.require_positive("variance", var, strict=False)
    n = v.require_int("n", n, minimum=1)
    t = _float("t", t, like=var)
    v.require_positive("t", t)
    return var / (n * t**2)


def clt_distance(n: int, p: float) -> float:
    r"""Kolmogorov distance between the standardised Binomial(n, p) and the standard normal.

    .. math:: \sup_z\Big|P\Big(\frac{S_n-np}{\sqrt{np(1-p)}}\le z\Big)-\Phi(z)\Big|
              \;\le\;\frac{C\,(p^2+(1-p)^2)}{\sqrt{np(1-p)}}\quad\text{(Berry–Esseen)}

    ``n`` : number of Bernoulli(p) summands; ``p`` : success probability in (0, 1). Exact: the binomial
    distribution function is a step function and :math:`\Phi` is increasing, so the supremum is attained
    at a jump, on its left or right side. The central limit theorem says it tends to 0.

    >>> round(clt_distance(100, 0.5), 4)
    0.0398
    """
    n = v.require_int("n", n, minimum=1)
    p = v.require_scalar("p", p)
    v.require_in_range("p", p, 0.0, 1.0, closed=False)
    k = torch.arange(n + 1, dtype=torch.float64)
    sd = math.sqrt(n * p * (1 - p))
    z = ((k - n * p) / sd).numpy()
    right = stats.binom.cdf(k.numpy(), n, p)  # F at the jump, right-continuous
    left = right - stats.binom.pmf(k.numpy(), n, p)  # just before the jump
    phi = stats.norm.cdf(z)
    return float(max(abs(right - phi).max(), abs(left - phi).max()))


def berry_esseen_bound(n: int, p: float) -> float:
    r"""The Berry–Esseen bound for the standardised Binomial(n, p): :math:`C\rho/(\sigma^3\sqrt n)`.

    .. math:: \frac{\rho}{\sigma^3}=\frac{\mathbb E|X-p|^3}{(p(1-p))^{3/2}}=\frac{p^2+(1-p)^2}{\sqrt{p(1-p)}}

    >>> round(berry_esseen_bound(100, 0.5), 4)
    0.0475
    """
    n = v.require_int("n", n, minimum=1)
    p = v.require_scalar("p", p)
    v.require_in_range("p", p, 0.0, 1.0, closed=False)
    return BERRY_ESSEEN_C * (p**2 + (1 - p) ** 2) / math.sqrt(p * (1 - p)) / math.sqrt(n)


def centered_bernoulli_log_mgf(lam, p) -> torch.Tensor:
    r"""Log moment generating function of a centred Bernoulli variable :math:`X-p`, :math:`X\sim\mathrm{Ber}(p)`.

    .. math:: \psi(\lambda)=\log\mathbb E\,e^{\lambda(X-p)}=-\lambda p+\log\big(1-p+p\,e^\lambda\big)
              \;\le\;\frac{\lambda^2}{8}\quad\text{(Hoeffding's lemma on }[0,1])

    ``lam`` : :math:`\lambda`, any real; ``p`` : in [0, 1]. Computed with ``logaddexp`` so large
    :math:`|\lambda|` neither overflows nor loses the answer.

    >>> round(float(centered_bernoulli_log_mgf(0.01, 0.5)) / (0.01**2 / 8), 4)  # the lemma is tight here
    1.0
    """
    lam = _float("lam", lam)
    p = _float("p", p, like=lam)
    v.require_in_range("p", p, 0.0, 1.0)
    # log(1 − p + p e^λ) = logaddexp(log(1 − p), log p + λ), with log 0 = −inf at p = 0 or 1
    return -lam * p + torch.logaddexp(torch.log1p(-p), torch.log(p) + lam)


def bernoulli_kl(q, p) -> torch.Tensor:
    r"""KL divergence between two coins, the case to which the proof of Pinsker's inequality reduces.

    .. math:: \mathrm{KL}(\mathrm{Ber}(q)\,\Vert\,\mathrm{Ber}(p))=q\log\frac qp+(1-q)\log\frac{1-q}{1-p}
              \;\ge\;2(q-p)^2

    ``q``, ``p`` : in [0, 1], broadcast together (infinite where ``q`` puts mass where ``p`` has none).

    >>> round(float(bernoulli_kl(0.5, 0.25)), 6)
    0.143841
    """
    q = _float("q", q)
    p = _float("p", p, like=q)
    v.require_in_range("q", q, 0.0, 1.0)
    v.require_in_range("p", p, 0.0, 1.0)
    return torch.xlogy(q, q) - torch.xlogy(q, p) + torch.xlogy(1 - q, 1 - q) - torch.xlogy(1 - q, 1 - p)
