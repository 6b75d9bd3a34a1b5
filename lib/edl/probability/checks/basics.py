"""Checks of ``edl.probability.basics`` (the appendix's ``bg.*`` moments, identities, inequalities and
distributions) and of the seeds' errata there.

Each check takes the formula under test as a keyword argument (default: the library function) and
compares it with an independent route: scipy, sympy, exact enumeration, quadrature, or Monte Carlo
within a stated number of standard errors. All randomness is seeded, and every verdict states
tolerances rather than achieved errors, so it prints the same everywhere. The errata at the end run
the same checks on the seeds' wrong versions, which must fail.
"""

import math
from fractions import Fraction

import numpy as np
import scipy.integrate
import scipy.stats
import sympy
import torch

from edl.core.checking import CheckResult, check_close, check_leq, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.probability.basics import (
    bernoulli_pmf, binomial_pmf, cauchy_schwarz_bound, covariance, covariance_bilinear, exponential_pdf,
    gaussian_mgf, geometric_sum, hoeffding_bound, holder_bound, integrate_by_parts, jensen_gap, leibniz_det,
    log1p_series, markov_bound, mvn_pdf, normal_pdf, poisson_pmf, square_of_sum, union_bound, variance,
)


MC_DRAWS = 200_000


def _mvn_samples(rng: np.random.Generator, mu, Sigma, n: int) -> np.ndarray:
    """Draws of N(mu, Sigma) via the Cholesky factor (unique, so the same on every LAPACK)."""
    return mu + rng.standard_normal((n, len(mu))) @ np.linalg.cholesky(Sigma).T


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    L = rng.normal(size=(d, d))
    return L @ L.T / d + 0.5 * np.eye(d)


# --- moments and identities -----------------------------------------------------------------------

@formula("bg.variance-covariance", reference="numpy.var/numpy.cov; uᵀΣv; Monte Carlo (4 SE)")
def check_variance_covariance(bilinear=covariance_bilinear) -> CheckResult:
    rng = np.random.default_rng(0)
    Sigma = _spd(rng, 4)  # joint covariance of (X, Y, W, V)
    z = _mvn_samples(rng, np.zeros(4), Sigma, MC_DRAWS)  # (n, 4), columns X, Y, W, V
    a, b, c, d = 0.7, -1.3, 2.0, 0.9
    u, w = np.array([a, b, 0, 0]), np.array([0, 0, c, d])
    small = z[:1000]
    value = bilinear(a, b, c, d, f64(Sigma[:2, 2:]))
    ours = torch.cat([variance(f64(small)), covariance(f64(small[:, :2]), f64(small[:, 2:])).ravel(), value.reshape(1)])
    exact = np.concatenate([small.var(0), np.cov(small.T, bias=True)[:2, 2:].ravel(), [u @ Sigma @ w]])
    return check_close(ours, exact, atol=1e-12, what="Var, Cov, bilinearity vs numpy, uᵀΣv") & \
        check_monte_carlo((z @ u) * (z @ w), float(value), what="bilinearity")


@formula("bg.integration-by-parts", reference="sympy.integrate of f·g' (exact)")
def check_integration_by_parts(by_parts=integrate_by_parts) -> CheckResult:
    x = sympy.Symbol("x")
    pairs = [(x**2 - 3 * x + 1, sympy.exp(-x / 2)), (2 * x**3 + x, sympy.exp(x) * (x - 1)),
             (sympy.sin(x), x**3 - 2 * x), (sympy.exp(x / 3), sympy.cos(2 * x))]
    a, b = -1, 2
    ours, exact = [], []
    for f, g in pairs:
        ours.append(float(by_parts(sympy.lambdify(x, f, "torch"), sympy.lambdify(x, g, "torch"), a, b)))
        exact.append(float(sympy.integrate(f * sympy.diff(g, x), (x, a, b))))
    return check_close(ours, exact, rtol=1e-10, what=f"[fg] − ∫f'g and exact ∫fg' on {len(pairs)} pairs")


@formula("bg.geometric-series", reference="exact rational partial sums; sympy.summation to ∞")
def check_geometric_series(gsum=geometric_sum) -> CheckResult:
    ratios = [Fraction(1, 2), Fraction(-2, 3), Fraction(3), Fraction(1)]
    ours, exact = [], []
    for a in (3, -2):
        for n in (0, 5, 20):
            ours += to_numpy(gsum(float(a), f64([float(r) for r in ratios]), n)).tolist()
            exact += [float(sum(a * r**k for k in range(n + 1))) for r in ratios]
    finite = check_close(ours, exact, rtol=1e-12, what="finite sums vs exact fractions")
    k = sympy.Symbol("k", integer=True)
    ratios = [sympy.Rational(1, 2), sympy.Rational(-2, 3), sympy.Rational(9, 10)]
    series = check_close(gsum(3.0, f64([float(r) for r in ratios])),
                         [float(sympy.summation(3 * r**k, (k, 0, sympy.oo))) for r in ratios],
                         rtol=1e-12, what="series vs sympy")
    return finite & series


@formula("bg.log1p", reference="numpy.log1p; alternating-series remainder bound")
def check_log1p(series=log1p_series) -> CheckResult:
    x = 10.0 ** -np.arange(1, 7)
    ratio = (np.log1p(x) - to_numpy(series(f64(x), 1))) / x**2  # → −1/2, off by about x/3
    limit = check_leq(np.abs(ratio + 0.5), x / 2, what="(log1p x − x)/x² → −½")
    xs = np.array([-0.5, -0.3, -0.1, 0.1, 0.3, 0.5])
    errs, caps = [], []
    for order in range(1, 5):
        errs.append(np.abs(np.log1p(xs) - to_numpy(series(f64(xs), order))))
        caps.append(np.abs(xs) ** (order + 1) / (order + 1) / (1 - np.abs(xs)))
    remainder = check_leq(np.concatenate(errs), np.concatenate(caps), what="|remainder| ≤ |x|ᵏ⁺¹/(k+1)(1−|x|)")
    return limit & remainder


@formula("bg.square-of-sum", reference="sympy.expand; direct float64 square")
def check_square_of_sum(expansion=square_of_sum) -> CheckResult:
    a = sympy.symbols("a1:6")
    rhs = sum(ai**2 for ai in a) + 2 * sum(a[i] * a[j] for i in range(5) for j in range(i + 1, 5))
    symbolic = holds(sympy.expand(sum(a) ** 2 - rhs) == 0, "sympy.expand confirms n = 5",
                      "sympy.expand finds the identity false")
    values = np.random.default_rng(3).normal(size=(1000, 5))
    numeric = check_close(expansion(f64(values)), values.sum(-1) ** 2, rtol=1e-12, atol=1e-12,
                          what="expansion and (Σa)²")
    return symbolic & numeric


@formula("bg.determinants", reference="numpy.linalg.det (LU factorisation)")
def check_determinants(det=leibniz_det) -> CheckResult:
    rng = np.random.default_rng(4)
    A, B = rng.normal(size=(2, 20, 6, 6))
    ours = torch.cat([det(f64(A)), det(f64(A.transpose(0, 2, 1))), det(f64(A @ B))])
    dA, dB = np.linalg.det(A), np.linalg.det(B)
    return check_close(ours, np.concatenate([dA, dA, dA * dB]), rtol=1e-10, atol=1e-12,
                       what="det A, det Aᵀ, det AB (Leibniz) vs det A, det A, det A·det B (LU)")


# --- inequalities ---------------------------------------------------------------------------------

@formula("bg.hoeffding", reference="exact binomial tails (scipy.stats.binom.sf); Chernoff rate")
def check_hoeffding(bound=hoeffding_bound) -> CheckResult:
    n, t = 100, np.array([0.05, 0.10, 0.15])
    tails = [scipy.stats.binom.sf(np.ceil(np.round(n * (0.3 + t), 9)) - 1, n, 0.3),  # Z_i ~ Bernoulli(0.3)
             scipy.stats.binom.sf(np.ceil(np.round(n * (1 + 2 * t) / 2, 9)) - 1, n, 0.5)]  # Z_i = ±1
    bounds = [to_numpy(bound(n, f64(t))), to_numpy(bound(n, f64(2 * t), f64(np.full(n, 2.0))))]
    tail = check_leq(np.concatenate(tails), np.concatenate(bounds), what="tail ≤ bound")
    # exponential scale: −log(bound)/n is the exact tails' Chernoff rate KL(½+s ‖ ½) = 2s² + O(s⁴) to first order in
    # small s, both for Z ∈ [0, 1] (deviation s) and for Z = ±1 (range 2, deviation 2s): this pins the constant 2 and
    # the n and (b − a)² scaling, where the bound is tight
    s, m = 0.01, 1000
    chernoff = (0.5 + s) * math.log(1 + 2 * s) + (0.5 - s) * math.log(1 - 2 * s)
    rates = [-math.log(float(bound(m, s))) / m, -math.log(float(bound(m, 2 * s, f64(np.full(m, 2.0))))) / m]
    rate = check_close(rates, [chernoff, chernoff], rtol=1e-3,
                       what="−log(bound)/n and the Chernoff rate KL(½+s ‖ ½), s = 0.01, n = 1000, Z ∈ [0, 1] and ±1")
    return tail & rate


@formula("bg.union-bound", reference="exact counting on a 1000-point uniform space")
def check_union_bound(bound=union_bound) -> CheckResult:
    rng = np.random.default_rng(6)
    density = rng.uniform(0.05, 0.4, size=(200, 5, 1))
    events = rng.random((200, 5, 1000)) < density  # 200 trials of 5 events on 1000 equally likely points
    union = events.any(1).mean(-1)
    overlapping = check_leq(union, to_numpy(bound(f64(events.mean(-1)))), what="P(∪A) ≤ ΣP(A)")
    parts = np.arange(1000) % 5 == np.arange(5)[:, None]  # a partition: disjoint events
    disjoint = check_close(bound(f64(parts.mean(-1))), 1.0, atol=1e-12, what="disjoint case and P(Ω)")
    return overlapping & disjoint


@formula("bg.cauchy-schwarz", reference="numpy dot products, float64")
def check_cauchy_schwarz(bound=cauchy_schwarz_bound) -> CheckResult:
    v, u = np.random.default_rng(7).normal(size=(2, 10_000, 5))
    pairs = check_leq(np.abs((v * u).sum(-1)), to_numpy(bound(f64(v), f64(u))), what="|vᵀu| ≤ ‖v‖‖u‖")
    equal = check_close(bound(f64(v), f64(-2.5 * v)), np.abs((v * -2.5 * v).sum(-1)), rtol=1e-12,
                        what="u = cv: both sides")
    return pairs & equal


@formula("bg.holder", reference="numpy |vᵀu| and ‖v⊙u‖₁; equality vectors")
def check_holder(bound=holder_bound) -> CheckResult:
    v, u = np.random.default_rng(8).normal(size=(2, 1000, 6))
    lhs, rhs, tight, l1 = [], [], [], []
    for p in (1.0, 1.5, 3.0, math.inf):
        lhs.append(np.abs(v * u).sum(-1))
        rhs.append(to_numpy(bound(f64(v), f64(u), p)))
        if p == math.inf:  # equality: u concentrated where |v| is largest
            e = np.eye(6)[np.abs(v).argmax(-1)] * np.sign(v)
        else:
            e = np.sign(v) * np.abs(v) ** (p - 1)
        tight.append(to_numpy(bound(f64(v), f64(e), p)))
        l1.append((v * e).sum(-1))  # vᵀe itself: the equality vector is aligned with v
    inner = np.abs((v * u).sum(-1))
    chain = check_leq(np.concatenate([np.tile(inner, 4), np.concatenate(lhs)]), np.concatenate(rhs + rhs),
                      what="|vᵀu| and ‖v⊙u‖₁ ≤ ‖v‖ₚ‖u‖ₚ* (p = 1, 1.5, 3, ∞)")
    return chain & check_close(np.concatenate(tight), np.concatenate(l1), rtol=1e-10,
                               what="equality cases vᵀu = ‖v‖ₚ‖u‖ₚ* (u = sign(v)|v|^(p−1); at ∞ a signed basis vector)")


@formula("bg.jensen", reference="log-normal closed form σ²/2 (Gauss-Hermite); random discrete laws")
def check_jensen(gap=jensen_gap) -> CheckResult:
    rng = np.random.default_rng(9)
    points, weights = np.exp(rng.normal(size=(300, 5))), rng.dirichlet(np.ones(5), size=300)
    gaps = [float(gap(phi, f64(x), f64(w))) for phi in (torch.exp, torch.square, lambda z: -torch.log(z))
            for x, w in zip(points, weights)]
    convex = check_leq(np.zeros(len(gaps)), gaps, what="Eφ(X) − φ(EX) ≥ 0 for exp, x², −log")
    z, w = np.polynomial.hermite_e.hermegauss(60)  # X = exp(μ + σZ), Z ~ N(0, 1)
    mu, sigma = 0.3, 0.8
    lognormal = check_close(float(gap(lambda s: -torch.log(s), f64(np.exp(mu + sigma * z)), f64(w / w.sum()))),
                            sigma**2 / 2, rtol=1e-10, what="log EX − E log X and σ²/2")
    return convex & lognormal


_MARKOV_LAWS = {"Exponential(1)": scipy.stats.expon(), "half-normal": scipy.stats.halfnorm(),
                "Uniform(0,2)": scipy.stats.uniform(0, 2), "Poisson(3)": scipy.stats.poisson(3),
                "N(0,1)": scipy.stats.norm(), "Uniform(-1,1)": scipy.stats.uniform(-1, 2)}


def _nonnegative(law) -> bool:
    """Markov's hypothesis X ≥ 0."""
    return law.support()[0] >= 0


@formula("bg.markov", reference="exact tails from scipy.stats (sf + pmf); equality for the two-point laws X ∈ {0, a}")
def check_markov(bound=markov_bound, admits=_nonnegative) -> CheckResult:
    a = np.linspace(0.25, 5.0, 20)
    laws = [law for law in _MARKOV_LAWS.values() if admits(law)]
    tails = [law.sf(a) + (law.pmf(a) if hasattr(law, "pmf") else 0.0) for law in laws]  # P(X ≥ a)
    bounds = [to_numpy(bound(law.mean(), f64(a))) for law in laws]
    holds_ = check_leq(np.concatenate(tails), np.concatenate(bounds),
                       what=f"P(X ≥ a) ≤ E[X]/a for {len(laws)} admitted laws")
    # equality: X = a with probability p, else 0, so P(X ≥ a) = p = E[X]/a
    cases = [(a2, p) for a2 in (2, 3, 5) for p in (0.1, 0.3, 0.7)]
    two = [scipy.stats.rv_discrete(values=([0, a2], [1 - p, p])) for a2, p in cases]
    tight = check_close([float(bound(law.mean(), float(a2))) for law, (a2, _) in zip(two, cases)],
                        [law.sf(a2) + law.pmf(a2) for law, (a2, _) in zip(two, cases)], rtol=1e-12,
                        what="E[X]/a and P(X ≥ a) for X ∈ {0, a}, a = 2, 3, 5 (equality)")
    return holds_ & tight


# --- distributions --------------------------------------------------------------------------------

@formula("bg.gaussian-mgf", reference="Monte Carlo (4 SE) in d = 3; scipy.integrate.quad in d = 1")
def check_gaussian_mgf(mgf=gaussian_mgf) -> CheckResult:
    rng = np.random.default_rng(10)
    mu, Sigma = rng.normal(size=3), _spd(rng, 3)
    t = rng.normal(size=3)
    t *= 0.5 / np.linalg.norm(t)
    x = _mvn_samples(rng, mu, Sigma, MC_DRAWS)
    sample = check_monte_carlo(np.exp(x @ t), float(mgf(f64(t), f64(mu), f64(Sigma))), what="E e^{tᵀX}")
    ts, m, s2 = np.array([-1.0, -0.3, 0.5, 1.2]), 0.4, 1.7
    quad = [scipy.integrate.quad(lambda y, s=s: math.exp(s * y + scipy.stats.norm.logpdf(y, m, math.sqrt(s2))),
                                 m - 40, m + 40, epsabs=0, epsrel=1e-13, limit=200)[0] for s in ts]
    return sample & check_close(mgf(f64(ts[:, None]), f64([m]), f64([[s2]])), quad, rtol=1e-10, what="1-D vs quad")


@formula("bg.normal-pdf", reference="scipy.stats.norm.pdf")
def check_normal_pdf(pdf=normal_pdf) -> CheckResult:
    x = np.linspace(-6, 6, 121)
    ours, ref = [], []
    for mu, sigma2 in ((0.0, 1.0), (1.5, 0.2), (-2.0, 4.0)):
        ours.append(to_numpy(pdf(f64(x), mu, sigma2)))
        ref.append(scipy.stats.norm.pdf(x, mu, math.sqrt(sigma2)))
    return check_close(np.concatenate(ours), np.concatenate(ref), rtol=1e-13, what="pdf and scipy.stats.norm")


@formula("bg.mvn-pdf", reference="scipy.stats.multivariate_normal.pdf; quad in d = 1")
def check_mvn_pdf(pdf=mvn_pdf) -> CheckResult:
    rng = np.random.default_rng(11)
    ours, ref = [], []
    for d in (1, 2, 3):
        mu, Sigma = rng.normal(size=d), _spd(rng, d)
        x = rng.normal(size=(50, d)) * 1.5 + mu
        ours.append(to_numpy(pdf(f64(x), f64(mu), f64(Sigma))))
        ref.append(scipy.stats.multivariate_normal(mu, Sigma).pdf(x).reshape(50))
    scipy_ok = check_close(np.concatenate(ours), np.concatenate(ref), rtol=1e-12, what="d = 1, 2, 3 and scipy")
    mass = scipy.integrate.quad(lambda y: float(pdf(f64([y]), f64([0.5]), f64([[2.0]]))), -math.inf, math.inf)[0]
    return scipy_ok & check_close(mass, 1.0, atol=1e-8, what="∫p and 1 (d = 1)")


@formula("bg.exponential-pdf", reference="scipy.stats.expon(scale=1/λ).pdf")
def check_exponential_pdf(pdf=exponential_pdf) -> CheckResult:
    x = np.linspace(-2, 10, 121)
    ours = np.concatenate([to_numpy(pdf(f64(x), lam)) for lam in (0.5, 1.0, 3.0)])
    ref = np.concatenate([scipy.stats.expon(scale=1 / lam).pdf(x) for lam in (0.5, 1.0, 3.0)])
    return check_close(ours, ref, rtol=1e-13, what="pdf and scipy.stats.expon")


@formula("bg.bernoulli-pmf", reference="scipy.stats.bernoulli.pmf")
def check_bernoulli_pmf(pmf=bernoulli_pmf) -> CheckResult:
    p = np.linspace(0, 1, 11)
    ours = np.concatenate([to_numpy(pmf(float(x), f64(p))) for x in (0, 1)])
    ref = np.concatenate([scipy.stats.bernoulli.pmf(x, p) for x in (0, 1)])
    return check_close(ours, ref, rtol=1e-14, what="pmf and scipy.stats.bernoulli")


@formula("bg.binomial-pmf", reference="scipy.stats.binom.pmf")
def check_binomial_pmf(pmf=binomial_pmf) -> CheckResult:
    ours, ref, sums = [], [], []
    for n in (1, 10, 60):
        x = np.arange(n + 1)
        for p in (0.0, 0.3, 0.85, 1.0):
            ours.append(to_numpy(pmf(f64(x), n, p)))
            ref.append(scipy.stats.binom.pmf(x, n, p))
            sums.append(ours[-1].sum())
    return check_close(np.concatenate(ours), np.concatenate(ref), rtol=1e-12, what="pmf and scipy.stats.binom") & \
        check_close(sums, np.ones(len(sums)), atol=1e-12, what="Σₓ p")


@formula("bg.poisson-pmf", reference="scipy.stats.poisson.pmf")
def check_poisson_pmf(pmf=poisson_pmf) -> CheckResult:
    lam = np.array([0.5, 3.0, 10.0])
    x = np.arange(41)[:, None]
    agree = check_close(pmf(f64(x), f64(lam)), scipy.stats.poisson.pmf(x, lam), rtol=1e-12,
                        what="pmf and scipy.stats.poisson")
    total = to_numpy(pmf(f64(np.arange(201)[:, None]), f64(lam))).sum(0)
    return agree & check_close(total, np.ones(3), atol=1e-12, what="Σₓ p")


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

def _seed_bilinear(a, b, c, d, cov):
    """002 L9: the bd·Cov(Y, V) term is missing."""
    cov = torch.as_tensor(cov)
    return a * c * cov[0, 0] + a * d * cov[0, 1] + b * c * cov[1, 0]


def _seed_hoeffding(n, t, ranges=None):
    """002 L15: n instead of n² in the exponent."""
    t = torch.as_tensor(t, dtype=torch.float64)
    ranges = torch.ones(n, dtype=torch.float64) if ranges is None else torch.as_tensor(ranges)
    return torch.exp(-2 * n * t**2 / (ranges**2).sum())


def _seed_mvn_pdf(x, mu, Sigma):
    """002 L39: normaliser (1/2)/(2π)^{1/2} instead of (2π)^{-d/2}."""
    diff = (torch.as_tensor(x) - torch.as_tensor(mu)).unsqueeze(-1)
    Sigma = torch.as_tensor(Sigma)
    maha = (diff * torch.linalg.solve(Sigma, diff)).sum((-2, -1))
    return 0.5 / (2 * math.pi) ** 0.5 * torch.linalg.det(Sigma) ** -0.5 * torch.exp(-maha / 2)


def _seed_poisson(x, lam):
    """002 L47: denominator 1 + 1 instead of x!."""
    x, lam = torch.as_tensor(x), torch.as_tensor(lam)
    return lam**x * torch.exp(-lam) / (1 + 1)


@erratum("ch09-11:E22", wrong=r"ac\,Cov(X,W)+ad\,Cov(X,V)+bc\,Cov(Y,W)",
         right=r"ac\,Cov(X,W)+ad\,Cov(X,V)+bc\,Cov(Y,W)+bd\,Cov(Y,V)",
         why="Dropping bd·Cov(Y, V) gets the covariance wrong whenever Y and V are correlated; with W = X and V = Y it "
             "even gives Var(aX + bY) without the b²Var(Y) term.")
def seed_covariance_bilinear() -> CheckResult:
    return check_variance_covariance(bilinear=_seed_bilinear)


@erratum("ch09-11:E23", wrong=r"\exp(-2nt^2/\sum_i(b_i-a_i)^2)", right=r"\exp(-2n^2t^2/\sum_i(b_i-a_i)^2)",
         why="With n in place of n², the bound for n variables in [0, 1] is exp(−2t²), which does not improve with "
             "more samples, so it can never show that an average concentrates.")
def seed_hoeffding() -> CheckResult:
    return check_hoeffding(bound=_seed_hoeffding)


@erratum("ch09-11:E24", wrong=r"P(X\ge a)\le E[X]/a", right=r"X\ge 0,\ a>0:\ P(X\ge a)\le E[X]/a",
         why="Without X ≥ 0 the inequality is false: for a standard normal E[X]/a = 0, yet P(X ≥ 1) ≈ 0.16, so applied "
             "to signed quantities it gives bounds that do not hold.")
def seed_markov() -> CheckResult:
    return check_markov(admits=lambda law: True)  # the seed states no hypothesis, so N(0, 1) is admitted


@erratum("ch09-11:E25", wrong=r"\frac{1/2}{(2\pi)^{1/2}}\det(\Sigma)^{-1/2}e^{-\frac12(x-\mu)^\top\Sigma^{-1}(x-\mu)}",
         right=r"(2\pi)^{-d/2}\det(\Sigma)^{-1/2}e^{-\frac12(x-\mu)^\top\Sigma^{-1}(x-\mu)}",
         why="The constant is half the right one for d = 1 and ignores d otherwise, so the density does not integrate "
             "to 1 and every log-likelihood is off by a d-dependent constant.")
def seed_mvn_pdf() -> CheckResult:
    return check_mvn_pdf(pdf=_seed_mvn_pdf)


@erratum("ch09-11:E26", wrong=r"\lambda^x e^{-\lambda}/(1+1)", right=r"\lambda^x e^{-\lambda}/x!",
         why="Dividing by 2 instead of x! leaves λˣ unchecked: for λ ≥ 1 the probabilities do not decay with x and sum "
             "to infinity, so likelihoods and expectations computed from it are meaningless.")
def seed_poisson_pmf() -> CheckResult:
    return check_poisson_pmf(pmf=_seed_poisson)
