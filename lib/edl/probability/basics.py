"""Probability background: moments, elementary identities, inequalities and common distributions.

The appendix "Probability and information" (book labels ``bg.*``). Every function takes tensors
or array-likes (converted to float64) and returns a tensor whose dtype and device follow the input.
Information measures (entropy, KL, TV, JS, Pinsker, Gibbs) live in :mod:`edl.probability.information`.
"""

import itertools
import math

import numpy as np
import torch

from edl.core import validate as v


def _float(name, value, like=None, *, finite=True):
    t = v.as_float_tensor(name, value, like=like)
    if finite:
        v.require_finite(name, t)
    return t


# --- moments -------------------------------------------------------------------------------------

def variance(x) -> torch.Tensor:
    r"""Population variance of the samples ``x`` (along the first axis).

    .. math:: \mathrm{Var}X = \mathbb E[(X-\mathbb EX)^2] = \mathbb E[X^2] - (\mathbb EX)^2

    Book label: ``bg.variance-covariance``. ``x`` : samples of :math:`X`, shape ``(n, ...)``;
    expectations are averages over the ``n`` samples. Returns Var X, shape ``x.shape[1:]``.

    >>> x = torch.tensor([1.0, 2.0, 4.0, 7.0], dtype=torch.float64)
    >>> bool(torch.isclose(variance(x), (x**2).mean() - x.mean()**2))
    True
    """
    x = _float("x", x)
    v.require_min_ndim("x", x, 1)
    return ((x - x.mean(0)) ** 2).mean(0)


def covariance(x, y) -> torch.Tensor:
    r"""Population (cross-)covariance of paired samples.

    .. math:: \mathrm{Cov}(X,Y) = \mathbb E[(X-\mathbb EX)(Y-\mathbb EY)^\top]
              = \mathbb E[XY^\top] - \mathbb EX\,\mathbb EY^\top

    Book label: ``bg.variance-covariance``. ``x`` : samples of :math:`X`, shape ``(n,)`` or ``(n, p)``;
    ``y`` : samples of :math:`Y`, shape ``(n,)`` or ``(n, q)``. Returns Cov(X, Y), shape
    ``x.shape[1:] + y.shape[1:]``.

    >>> x = torch.tensor([[1.0, 0.0], [2.0, 1.0], [4.0, 5.0]], dtype=torch.float64)
    >>> bool(torch.allclose(covariance(x, x), torch.cov(x.T, correction=0)))
    True
    """
    x, y = _float("x", x), _float("y", y)
    v.require_ndim("x", x, (1, 2))
    v.require_ndim("y", y, (1, 2))
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y must hold the same number of samples, "
                         f"got shapes {tuple(x.shape)} and {tuple(y.shape)}")
    n = x.shape[0]
    xc, yc = (x - x.mean(0)).reshape(n, -1), (y - y.mean(0)).reshape(n, -1)  # (n, p), (n, q)
    return (xc.T @ yc / n).reshape(x.shape[1:] + y.shape[1:])


def covariance_bilinear(a, b, c, d, cov) -> torch.Tensor:
    r"""Covariance of two linear combinations, by bilinearity.

    .. math:: \mathrm{Cov}(aX+bY,\,cW+dV) = ac\,\mathrm{Cov}(X,W) + ad\,\mathrm{Cov}(X,V)
              + bc\,\mathrm{Cov}(Y,W) + bd\,\mathrm{Cov}(Y,V)

    Book label: ``bg.variance-covariance``. ``a, b, c, d`` : scalar coefficients; ``cov`` : the 2x2
    cross-covariance ``[[Cov(X,W), Cov(X,V)], [Cov(Y,W), Cov(Y,V)]]`` of scalar variables.

    >>> C = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    >>> u, w = torch.tensor([1.0, -2.0], dtype=torch.float64), torch.tensor([0.5, 3.0], dtype=torch.float64)
    >>> bool(torch.isclose(covariance_bilinear(1.0, -2.0, 0.5, 3.0, C), u @ C @ w))
    True
    """
    cov = _float("cov", cov)
    if cov.shape != (2, 2):
        raise ValueError(f"cov must have shape (2, 2), got shape {tuple(cov.shape)}")
    a, b, c, d = (v.require_scalar(n, s) for n, s in zip("abcd", (a, b, c, d)))
    return a * c * cov[0, 0] + a * d * cov[0, 1] + b * c * cov[1, 0] + b * d * cov[1, 1]


# --- elementary identities ------------------------------------------------------------------------

def integrate_by_parts(f, g, a, b, *, num_nodes: int = 64) -> torch.Tensor:
    r"""Integral of :math:`f g'` computed as the right-hand side of integration by parts.

    .. math:: \int_a^b f\,g' = \big[f\,g\big]_a^b - \int_a^b f'\,g

    Book label: ``bg.integration-by-parts``. ``f, g`` : functions of a float64 tensor; ``a, b`` : limits.
    :math:`f'` comes from autograd and :math:`\int f'g` from ``num_nodes``-point Gauss-Legendre quadrature.

    >>> value = integrate_by_parts(lambda x: x, torch.exp, 0.0, 1.0)  # ∫₀¹ x eˣ dx = 1
    >>> math.isclose(float(value), 1.0, rel_tol=1e-12)
    True
    """
    v.require_callable("f", f)
    v.require_callable("g", g)
    a, b = v.require_scalar("a", a), v.require_scalar("b", b)
    num_nodes = v.require_int("num_nodes", num_nodes, minimum=1)
    nodes, weights = (torch.from_numpy(z) for z in np.polynomial.legendre.leggauss(num_nodes))
    x = ((b - a) / 2 * nodes + (a + b) / 2).requires_grad_(True)
    (df,) = torch.autograd.grad(f(x).sum(), x)  # f'(x) at the nodes
    ends = torch.tensor([a, b], dtype=torch.float64)
    boundary = f(ends) * g(ends)
    return (boundary[1] - boundary[0]) - (b - a) / 2 * (weights * df * g(x.detach())).sum()


def geometric_sum(a, r, n: int | None = None) -> torch.Tensor:
    r"""Finite geometric sum, or the infinite series when ``n`` is None.

    .. math:: \sum_{k=0}^n a r^k = a\,\frac{1-r^{n+1}}{1-r} \;\xrightarrow{n\to\infty}\; \frac{a}{1-r},\quad |r|<1

    Book label: ``bg.geometric-series``. ``a`` : first term; ``r`` : ratio; ``n`` : last power.

    >>> float(geometric_sum(2.0, 0.5, 3)) == sum(2.0 * 0.5**k for k in range(4))
    True
    """
    r = _float("r", r)
    a = _float("a", a, like=r)
    if n is None:
        if (r.abs() >= 1).any():
            raise ValueError(f"r must satisfy |r| < 1 for the infinite series, got {r.tolist()}")
        return a / (1 - r)
    n = v.require_int("n", n, minimum=0)
    one = r == 1
    return torch.where(one, a * (n + 1), a * (1 - r ** (n + 1)) / torch.where(one, 2.0, 1 - r))


def log1p_series(x, order: int = 1) -> torch.Tensor:
    r"""Taylor polynomial of :math:`\log(1+x)`; ``order=1`` is the approximation :math:`\log(1+x)\approx x`.

    .. math:: \log(1+x) = \sum_{k=1}^{\text{order}} \frac{(-1)^{k+1}x^k}{k} + O(x^{\text{order}+1}), \quad |x| \ll 1

    Book label: ``bg.log1p``. ``x`` : the small number, in (-1, 1]; ``order`` : highest power kept.

    >>> round((math.log1p(1e-3) - float(log1p_series(1e-3))) / 1e-6, 3)  # remainder ≈ -x²/2
    -0.5
    """
    x = _float("x", x)
    v.require_in_range("x", x, -1.0, 1.0)
    if (x == -1).any():
        raise ValueError(f"x must lie in (-1, 1], got {x.tolist()}")
    order = v.require_int("order", order, minimum=1)
    return sum((-1) ** (k + 1) * x**k / k for k in range(1, order + 1))


def square_of_sum(a) -> torch.Tensor:
    r"""Expansion of the square of a sum (over the last axis of ``a``).

    .. math:: \Big(\sum_i a_i\Big)^2 = \sum_i a_i^2 + 2\sum_{i<j} a_i a_j

    Book label: ``bg.square-of-sum``. ``a`` : the terms :math:`a_i`. Returns the right-hand side.

    >>> float(square_of_sum([1.0, 2.0, 3.0]))
    36.0
    """
    a = _float("a", a)
    v.require_min_ndim("a", a, 1)
    pairs = a.unsqueeze(-1) * a.unsqueeze(-2)  # (..., n, n): a_i a_j
    return (a**2).sum(-1) + 2 * pairs.triu(1).sum((-2, -1))


def leibniz_det(A) -> torch.Tensor:
    r"""Determinant by the Leibniz formula (its definition), for square matrices up to 8x8.

    .. math:: \det A = \sum_{\sigma\in S_n}\operatorname{sgn}\sigma\prod_i A_{i\sigma(i)},\qquad
              \det A = \det A^\top,\quad \det AB = \det A\det B

    Book label: ``bg.determinants``. ``A`` : matrix or batch of matrices, shape ``(..., n, n)``.

    >>> float(leibniz_det([[1.0, 2.0], [3.0, 4.0]]))
    -2.0
    """
    A = _float("A", A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2] or A.shape[-1] > 8:
        raise ValueError(f"A must be a square matrix (or batch) of size at most 8, got shape {tuple(A.shape)}")
    n = A.shape[-1]
    perms = torch.tensor(list(itertools.permutations(range(n))), device=A.device)  # (n!, n)
    inversions = (perms.unsqueeze(-1) > perms.unsqueeze(-2)).triu(1).sum((-2, -1))
    sign = 1 - 2 * (inversions % 2)
    return (sign * A[..., torch.arange(n, device=A.device), perms].prod(-1)).sum(-1)


# --- inequalities ---------------------------------------------------------------------------------

def hoeffding_bound(n: int, t, ranges=None) -> torch.Tensor:
    r"""Hoeffding's upper bound on the upper tail of a mean of independent bounded variables.

    .. math:: P\Big(\frac1n\sum_{i=1}^n (Z_i-\mathbb EZ_i)\ge t\Big) \le
              \exp\Big(-\frac{2n^2t^2}{\sum_i (b_i-a_i)^2}\Big)
              \quad\overset{Z_i\in[0,1]}{=}\quad e^{-2nt^2}

    Book label: ``bg.hoeffding``. ``n`` : number of variables; ``t`` : deviation, >= 0;
    ``ranges`` : the widths :math:`b_i-a_i`, shape ``(n,)`` (default all 1).

    >>> bool(torch.isclose(hoeffding_bound(50, 0.1), torch.exp(torch.tensor(-2 * 50 * 0.01, dtype=torch.float64))))
    True
    """
    n = v.require_int("n", n, minimum=1)
    t = _float("t", t)
    v.require_positive("t", t, strict=False)
    ranges = torch.ones(n, dtype=t.dtype, device=t.device) if ranges is None else _float("ranges", ranges, like=t)
    if ranges.shape != (n,):
        raise ValueError(f"ranges must have shape ({n},), one width per variable, got shape {tuple(ranges.shape)}")
    v.require_positive("ranges", ranges)
    return torch.exp(-2 * n**2 * t**2 / (ranges**2).sum())


def union_bound(probs) -> torch.Tensor:
    r"""Boole's inequality: the sum of the events' probabilities (last axis) bounds that of their union.

    .. math:: P\Big(\bigcup_i A_i\Big) \le \sum_i P(A_i)

    Book label: ``bg.union-bound``. ``probs`` : the :math:`P(A_i)`, each in [0, 1].

    >>> float(union_bound([0.5, 0.25])) >= 0.5 + 0.25 - 0.125  # inclusion-exclusion for independent events
    True
    """
    probs = _float("probs", probs)
    v.require_min_ndim("probs", probs, 1)
    v.require_in_range("probs", probs, 0.0, 1.0)
    return probs.sum(-1)


def cauchy_schwarz_bound(v_, u) -> torch.Tensor:
    r"""The Cauchy-Schwarz bound :math:`\|v\|_2\|u\|_2` on :math:`|v^\top u|` (last axis).

    .. math:: |v^\top u| \le \|v\|_2\,\|u\|_2, \quad\text{equality iff } u \parallel v

    Book label: ``bg.cauchy-schwarz``. ``v_`` : :math:`v`; ``u`` : :math:`u`, same shape.

    >>> float(cauchy_schwarz_bound([3.0, 4.0], [6.0, 8.0])) == 3 * 6 + 4 * 8
    True
    """
    v_, u = _float("v_", v_), _float("u", u)
    v.require_same_shape("v_", v_, "u", u)
    v.require_min_ndim("v_", v_, 1)
    return (v_**2).sum(-1).sqrt() * (u**2).sum(-1).sqrt()


def conjugate_exponent(p: float) -> float:
    r"""Hölder conjugate :math:`p^*` with :math:`1/p + 1/p^* = 1` (1 and ∞ are conjugate).

    >>> conjugate_exponent(3.0), conjugate_exponent(1.0)
    (1.5, inf)
    """
    p = float(p) if p == math.inf else v.require_scalar("p", p)
    if p < 1:
        raise ValueError(f"p must be at least 1, got {p!r}")
    return math.inf if p == 1 else 1.0 if p == math.inf else p / (p - 1)


def holder_bound(v_, u, p: float) -> torch.Tensor:
    r"""Hölder's bound :math:`\|v\|_p\|u\|_{p^*}` on :math:`|v^\top u| \le \|v\odot u\|_1` (last axis).

    .. math:: |v^\top u| \le \|v\odot u\|_1 \le \|v\|_p\,\|u\|_{p^*},\quad \frac1p+\frac1{p^*}=1,
              \quad\text{equality iff } |v_i|^p \propto |u_i|^{p^*}

    Book label: ``bg.holder``. ``v_, u`` : vectors of the same shape; ``p`` : exponent in [1, ∞].

    >>> float(holder_bound([1.0, -2.0], [3.0, 1.0], 1.0))  # ‖v‖₁ ‖u‖_∞
    9.0
    """
    v_, u = _float("v_", v_), _float("u", u)
    v.require_same_shape("v_", v_, "u", u)
    v.require_min_ndim("v_", v_, 1)
    q = conjugate_exponent(p)
    return torch.linalg.vector_norm(v_, ord=float(p), dim=-1) * torch.linalg.vector_norm(u, ord=q, dim=-1)


def jensen_gap(phi, x, weights=None) -> torch.Tensor:
    r"""Jensen gap of ``phi`` under the discrete distribution ``weights`` on the points ``x``.

    .. math:: \mathbb E\varphi(X) - \varphi(\mathbb EX) \;\ge\; 0 \quad\text{for convex } \varphi
              \qquad(\text{e.g. } \log\mathbb EX \ge \mathbb E\log X)

    Book label: ``bg.jensen``. ``phi`` : elementwise function; ``x`` : support points, shape ``(n,)``;
    ``weights`` : probabilities, shape ``(n,)`` (default uniform).

    >>> float(jensen_gap(lambda z: z**2, [0.0, 2.0]))  # E X² - (E X)² = Var X
    1.0
    """
    v.require_callable("phi", phi)
    x = _float("x", x)
    v.require_ndim("x", x, 1)
    w = torch.full_like(x, 1 / x.numel()) if weights is None else _float("weights", weights, like=x)
    v.require_same_shape("x", x, "weights", w)
    v.require_distribution("weights", w)
    return (w * phi(x)).sum() - phi((w * x).sum())


def markov_bound(mean, a) -> torch.Tensor:
    r"""Markov's bound :math:`\mathbb E[X]/a` on :math:`P(X \ge a)`, valid only for :math:`X \ge 0`.

    .. math:: X \ge 0,\ a > 0:\qquad P(X\ge a) \le \frac{\mathbb E[X]}{a}

    Book label: ``bg.markov``. ``mean`` : :math:`\mathbb E[X]` (>= 0 since X >= 0); ``a`` : threshold > 0.

    >>> float(markov_bound(1.0, 4.0)) >= math.exp(-4.0)  # Exponential(1): P(X >= 4) = e^{-4}
    True
    """
    mean = _float("mean", mean)
    a = _float("a", a, like=mean)
    v.require_positive("mean", mean, strict=False)
    v.require_positive("a", a)
    return mean / a


# --- distributions --------------------------------------------------------------------------------

def normal_pdf(x, mu=0.0, sigma2=1.0) -> torch.Tensor:
    r"""Density of the univariate normal :math:`\mathcal N(\mu, \sigma^2)`.

    .. math:: p(x\mid\mu,\sigma^2) = \frac{1}{\sqrt{2\pi\sigma^2}}\,e^{-(x-\mu)^2/(2\sigma^2)}

    Book label: ``bg.normal-pdf``. ``x`` : points; ``mu`` : mean μ; ``sigma2`` : variance σ² > 0.

    >>> round(float(normal_pdf(0.0)), 12) == round(1 / math.sqrt(2 * math.pi), 12)
    True
    """
    x = _float("x", x, finite=False)
    mu, sigma2 = _float("mu", mu, like=x), _float("sigma2", sigma2, like=x)
    v.require_positive("sigma2", sigma2)
    return torch.exp(-((x - mu) ** 2) / (2 * sigma2)) / torch.sqrt(2 * math.pi * sigma2)


def mvn_pdf(x, mu, Sigma) -> torch.Tensor:
    r"""Density of the multivariate normal :math:`\mathcal N(\mu, \Sigma)` in :math:`d` dimensions.

    .. math:: p(x\mid\mu,\Sigma) = (2\pi)^{-d/2}\det(\Sigma)^{-1/2}
              \exp\big(-\tfrac12 (x-\mu)^\top\Sigma^{-1}(x-\mu)\big)

    Book label: ``bg.mvn-pdf``. ``x`` : points, shape ``(..., d)``; ``mu`` : mean, shape ``(d,)``;
    ``Sigma`` : covariance, symmetric positive definite ``(d, d)``.

    >>> I = torch.eye(2, dtype=torch.float64)
    >>> bool(torch.isclose(mvn_pdf([0.3, -1.0], [0.0, 0.0], I), normal_pdf(0.3) * normal_pdf(-1.0)))
    True
    """
    x, mu, Sigma = _mvn_args(x, mu, Sigma)
    d = mu.shape[0]
    diff = (x - mu).unsqueeze(-1)  # (..., d, 1)
    maha = (diff * torch.linalg.solve(Sigma, diff)).sum((-2, -1))  # (x-μ)ᵀ Σ⁻¹ (x-μ)
    return (2 * math.pi) ** (-d / 2) * torch.linalg.det(Sigma) ** -0.5 * torch.exp(-maha / 2)


def _mvn_args(x, mu, Sigma, names=("x", "mu", "Sigma")):
    nx, nmu, nS = names
    x = _float(nx, x)
    mu, Sigma = _float(nmu, mu, like=x), _float(nS, Sigma, like=x)
    v.require_min_ndim(nx, x, 1)
    v.require_ndim(nmu, mu, 1)
    v.require_covariance(nS, Sigma)
    for name, t in ((nS, Sigma), (nx, x)):
        if t.shape[-1] != mu.shape[0]:
            raise ValueError(f"{name} must agree with {nmu} in d = {mu.shape[0]} ({nx} (..., d), {nmu} (d,), "
                             f"{nS} (d, d)), got shapes {tuple(x.shape)}, {tuple(mu.shape)} and {tuple(Sigma.shape)}")
    return x, mu, Sigma


def gaussian_mgf(t, mu, Sigma) -> torch.Tensor:
    r"""Moment generating function of :math:`X\sim\mathcal N(\mu,\Sigma)`.

    .. math:: M_X(t) = \mathbb E\big[e^{t^\top X}\big] = \exp\big(t^\top\mu + \tfrac12 t^\top\Sigma t\big)

    Book label: ``bg.gaussian-mgf``. ``t`` : argument, shape ``(..., d)``; ``mu`` : mean ``(d,)``;
    ``Sigma`` : covariance ``(d, d)``.

    >>> math.isclose(float(gaussian_mgf([1.0], [0.0], [[1.0]])), math.exp(0.5))  # E e^Z = e^{1/2}
    True
    """
    t, mu, Sigma = _mvn_args(t, mu, Sigma, ("t", "mu", "Sigma"))
    return torch.exp(t @ mu + 0.5 * ((t @ Sigma) * t).sum(-1))


def exponential_pdf(x, lam) -> torch.Tensor:
    r"""Density of the exponential distribution with rate λ (zero for :math:`x<0`).

    .. math:: p(x\mid\lambda) = \lambda e^{-\lambda x},\quad x\ge0

    Book label: ``bg.exponential-pdf``. ``x`` : points; ``lam`` : rate λ > 0.

    >>> float(exponential_pdf([-1.0, 0.0], 2.0).sum())
    2.0
    """
    x = _float("x", x, finite=False)
    lam = _float("lam", lam, like=x)
    v.require_positive("lam", lam)
    return torch.where(x >= 0, lam * torch.exp(-lam * x.clamp(min=0)), 0.0)


def bernoulli_pmf(x, p) -> torch.Tensor:
    r"""Probability mass function of a Bernoulli variable.

    .. math:: p(x\mid p) = p^x(1-p)^{1-x},\quad x\in\{0,1\}

    Book label: ``bg.bernoulli-pmf``. ``x`` : outcomes 0 or 1; ``p`` : success probability in [0, 1].

    >>> bernoulli_pmf([0.0, 1.0], 0.25).tolist()
    [0.75, 0.25]
    """
    x = _float("x", x)
    p = _float("p", p, like=x)
    if not ((x == 0) | (x == 1)).all():
        raise ValueError(f"x must be 0 or 1, got {x.tolist() if x.numel() < 20 else x}")
    v.require_in_range("p", p, 0.0, 1.0)
    return p**x * (1 - p) ** (1 - x)


def binomial_pmf(x, n: int, p) -> torch.Tensor:
    r"""Probability of :math:`x` successes in :math:`n` independent Bernoulli(:math:`p`) trials.

    .. math:: p(x\mid n,p) = \binom nx p^x(1-p)^{n-x}

    Book label: ``bg.binomial-pmf``. ``x`` : counts in 0..n; ``n`` : trials >= 1; ``p`` : in [0, 1].
    (Computed in log space so that large ``n`` does not overflow.)

    >>> math.isclose(float(binomial_pmf(2, 4, 0.5)), 6 / 16, rel_tol=1e-12)
    True
    """
    x = _float("x", x)
    n = v.require_int("n", n, minimum=1)
    p = _float("p", p, like=x)
    v.require_integer_valued("x", x, minimum=0)
    if (x > n).any():
        raise ValueError(f"x must not exceed n={n}, got {x.tolist() if x.numel() < 20 else x}")
    v.require_in_range("p", p, 0.0, 1.0)
    log_choose = math.lgamma(n + 1) - torch.lgamma(x + 1) - torch.lgamma(n - x + 1)
    return torch.exp(log_choose + torch.xlogy(x, p) + torch.xlogy(n - x, 1 - p))


def poisson_pmf(x, lam) -> torch.Tensor:
    r"""Probability mass function of the Poisson distribution with rate λ.

    .. math:: p(x\mid\lambda) = \frac{\lambda^x e^{-\lambda}}{x!},\quad x\in\mathbb N

    Book label: ``bg.poisson-pmf``. ``x`` : counts 0, 1, 2, ...; ``lam`` : rate λ > 0.
    (Computed in log space, :math:`\log x! = \log\Gamma(x+1)`.)

    >>> math.isclose(float(poisson_pmf(2, 3.0)), 3.0**2 * math.exp(-3.0) / 2, rel_tol=1e-12)
    True
    """
    x = _float("x", x)
    lam = _float("lam", lam, like=x)
    v.require_integer_valued("x", x, minimum=0)
    v.require_positive("lam", lam)
    return torch.exp(torch.xlogy(x, lam) - lam - torch.lgamma(x + 1))
