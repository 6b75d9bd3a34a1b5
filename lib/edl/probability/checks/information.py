"""Checks of ``edl.probability.information`` (the appendix's ``bg.*`` information measures).

Entropy, cross-entropy, KL, JS and total variation, Pinsker's inequality, forward and reverse KL fits,
Gaussian KL and the Gibbs variational principle. Each check takes the formula under test as a keyword
argument (default: the library function) and compares it with an independent route: scipy, torch's own
implementation, brute force over events, quadrature, or Monte Carlo within a stated number of standard
errors. All randomness is seeded, and every verdict states tolerances rather than achieved errors, so it
prints the same everywhere. The seeds state none of these formulas wrongly, so there are no errata here.
"""

import itertools
import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.spatial.distance
import scipy.special
import scipy.stats
import torch

from edl.core.checking import CheckResult, check_close, check_leq, check_monte_carlo, f64, to_numpy
from edl.core.ledger import formula
from edl.probability.checks.basics import MC_DRAWS, _mvn_samples, _spd
from edl.probability.information import (
    cross_entropy, entropy, gaussian_fit_kl, gaussian_kl, gibbs_free_energy, js_divergence, kl_divergence,
    log_partition, mvn_kl, pinsker_bound, total_variation,
)


def _dirichlet_pairs(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(k), size=n), rng.dirichlet(np.ones(k), size=n)


# --- information measures -------------------------------------------------------------------------

@formula("bg.kl-divergence", reference="scipy.stats.entropy(q, p); quad for the integral")
def check_kl_divergence(kl=kl_divergence) -> CheckResult:
    q, p = _dirichlet_pairs(12, 1000, 6)
    q[:100, 0] = 0
    q[:100] /= q[:100].sum(-1, keepdims=True)  # some zero-mass atoms: 0 log 0 = 0
    discrete = check_close(torch.cat([kl(f64(q), f64(p)), kl(f64(p), f64(p))]),
                           np.concatenate([scipy.stats.entropy(q, p, axis=-1), np.zeros(1000)]),
                           atol=1e-12, what="KL(Q‖P), KL(P‖P) vs scipy, 0")
    grid = np.linspace(-12, 12, 24_001)
    qd, pd = scipy.stats.norm.pdf(grid, 0.5, 1.3), scipy.stats.norm.pdf(grid, -0.2, 0.9)
    integral = scipy.integrate.quad(lambda y: scipy.stats.norm.pdf(y, 0.5, 1.3) * (
        scipy.stats.norm.logpdf(y, 0.5, 1.3) - scipy.stats.norm.logpdf(y, -0.2, 0.9)), -math.inf, math.inf)[0]
    continuous = check_close(float(kl(f64(qd / qd.sum()), f64(pd / pd.sum()))), integral, atol=1e-6,
                             what="Gaussians on a grid vs quad")
    return discrete & continuous


@formula("bg.entropy", reference="scipy.stats.entropy")
def check_entropy(H=entropy) -> CheckResult:
    p = np.random.default_rng(13).dirichlet(np.full(6, 0.5), size=1000)
    p[:100, :2] = 0
    p[:100] /= p[:100].sum(-1, keepdims=True)
    values = to_numpy(H(f64(p)))
    uniform = float(H(f64(np.full(6, 1 / 6))))
    agree = check_close(np.append(values, uniform), np.append(scipy.stats.entropy(p, axis=-1), math.log(6)),
                        atol=1e-12, what="H vs scipy, H(uniform) vs log 6")
    bounds = check_leq(np.concatenate([np.zeros(1000), values]), np.concatenate([values, np.full(1000, math.log(6))]),
                       what="0 ≤ H ≤ log 6")
    return agree & bounds


@formula("bg.cross-entropy", reference="scipy H(p) + KL(p‖q); torch.nn.functional.cross_entropy")
def check_cross_entropy(ce=cross_entropy) -> CheckResult:
    p, q = _dirichlet_pairs(14, 1000, 6)
    ours = ce(f64(p), f64(q))
    identity = check_close(ours, scipy.stats.entropy(p, axis=-1) + scipy.stats.entropy(p, q, axis=-1), atol=1e-12,
                           what="H(p,q) and H(p) + KL(p‖q)")
    torch_ce = torch.nn.functional.cross_entropy(torch.log(f64(q)), f64(p), reduction="none")
    return identity & check_close(ours, torch_ce, atol=1e-12, what="torch")


@formula("bg.forward-reverse-kl", reference="scipy.optimize.minimize; moment matching; the mode")
def check_forward_reverse_kl(objective=gaussian_fit_kl) -> CheckResult:
    x = np.linspace(-10, 10, 4001)
    log_p = f64(np.logaddexp(scipy.stats.norm.logpdf(x, -2, 0.5), scipy.stats.norm.logpdf(x, 2, 0.5)) - math.log(2))
    grid = f64(x)

    def fit(reverse: bool) -> np.ndarray:
        def loss(theta):
            return float(objective(log_p, grid, float(theta[0]), math.exp(2 * theta[1]), reverse=reverse))
        res = scipy.optimize.minimize(loss, [1.0, 0.0], method="Nelder-Mead",
                                      options={"xatol": 1e-6, "fatol": 1e-12, "maxiter": 2000})
        return np.array([res.x[0], math.exp(res.x[1])])  # (μ, σ)

    forward = check_close(fit(False), [0.0, math.sqrt(4.25)], atol=1e-3,
                          what="forward fit (μ, σ) vs moments (0, 2.062)")
    return forward & check_close(fit(True), [2.0, 0.5], atol=1e-3, what="reverse fit vs mode (2, 0.5)")


@formula("bg.total-variation", reference="brute force over all 256 events of 8 atoms")
def check_total_variation(tv=total_variation) -> CheckResult:
    q, p = _dirichlet_pairs(15, 100, 8)
    events = np.array(list(itertools.product([0, 1], repeat=8)), dtype=np.float64)  # (256, 8) indicators
    sup = np.abs((q - p) @ events.T).max(-1)  # sup_A |Q(A) − P(A)|
    return check_close(tv(f64(q), f64(p)), sup, atol=1e-12, what="½‖q−p‖₁ and sup over events")


@formula("bg.pinsker", reference="numpy TV and scipy.special.rel_entr; Gaussian TV on a fine grid")
def check_pinsker(bound=pinsker_bound) -> CheckResult:
    q, p = _dirichlet_pairs(16, 10_000, 5)
    tv, kl = 0.5 * np.abs(q - p).sum(-1), scipy.special.rel_entr(q, p).sum(-1)
    gauss_tv, gauss_kl, y = [], [], np.linspace(-30, 30, 600_001)
    for m0, s0, m1, s1 in ((0, 1, 1, 1), (0, 1, 0, 2), (0.5, 0.7, -1, 1.5)):
        gap = np.abs(scipy.stats.norm.pdf(y, m0, s0) - scipy.stats.norm.pdf(y, m1, s1))
        gauss_tv.append(0.5 * np.trapezoid(gap, y))
        gauss_kl.append(math.log(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - 0.5)
    bound_holds = check_leq(np.concatenate([tv, gauss_tv]), to_numpy(bound(f64(np.concatenate([kl, gauss_kl])))),
                            what="TV ≤ √(KL/2) (Dirichlet, Gaussian pairs)")
    eps = 0.01  # Bernoulli(½ + ε) vs Bernoulli(½): the constant ½ is sharp
    kl_eps = (0.5 + eps) * math.log(1 + 2 * eps) + (0.5 - eps) * math.log(1 - 2 * eps)
    return bound_holds & check_close(eps / float(bound(kl_eps)), 1.0, rtol=1e-3, what="sharp constant: TV/bound vs 1")


@formula("bg.js-divergence", reference="scipy.spatial.distance.jensenshannon²; scipy entropies")
def check_js_divergence(js=js_divergence) -> CheckResult:
    p, q = _dirichlet_pairs(17, 1000, 6)
    ours = js(f64(p), f64(q))
    squared = scipy.spatial.distance.jensenshannon(p, q, axis=-1) ** 2
    m = (p + q) / 2
    ent = scipy.stats.entropy(m, axis=-1) - scipy.stats.entropy(p, axis=-1) / 2 - scipy.stats.entropy(q, axis=-1) / 2
    disjoint = js(f64([0.5, 0.5, 0, 0]), f64([0, 0, 0.3, 0.7]))
    return check_close(torch.cat([ours, ours, disjoint.reshape(1)]), np.concatenate([squared, ent, [math.log(2)]]),
                       atol=1e-12, what="JS vs scipy jensenshannon², H(m) − ½H(p) − ½H(q); disjoint vs log 2")


@formula("bg.gaussian-kl", reference="quad (1-D); torch.distributions.kl_divergence; Monte Carlo")
def check_gaussian_kl(kl1=gaussian_kl, kl_d=mvn_kl) -> CheckResult:
    pairs = ((0.0, 1.0, 1.0, 1.0), (0.3, 0.5, -1.0, 2.0), (2.0, 3.0, 0.0, 0.4))
    quad = [scipy.integrate.quad(lambda y, a=a, b=b, c=c, d=d: scipy.stats.norm.pdf(y, a, math.sqrt(b)) * (
        scipy.stats.norm.logpdf(y, a, math.sqrt(b)) - scipy.stats.norm.logpdf(y, c, math.sqrt(d))),
        -math.inf, math.inf, epsabs=0, epsrel=1e-12)[0] for a, b, c, d in pairs]
    one = kl1(*(f64([row[i] for row in pairs]) for i in range(4)))
    rng = np.random.default_rng(18)
    mu0, mu1, S0, S1 = rng.normal(size=4), rng.normal(size=4), _spd(rng, 4), _spd(rng, 4)
    ours = float(kl_d(f64(mu0), f64(S0), f64(mu1), f64(S1)))
    mvn = torch.distributions.MultivariateNormal
    reference = torch.distributions.kl_divergence(mvn(f64(mu0), f64(S0)), mvn(f64(mu1), f64(S1)))
    closed = check_close(np.append(to_numpy(one), ours), np.append(quad, float(reference)), atol=1e-10,
                         what="1-D vs quad, d = 4 vs torch")
    x = _mvn_samples(rng, mu0, S0, MC_DRAWS)
    log_ratio = scipy.stats.multivariate_normal(mu0, S0).logpdf(x) - scipy.stats.multivariate_normal(mu1, S1).logpdf(x)
    return closed & check_monte_carlo(log_ratio, ours, what="d = 4: E log(q/p)")


@formula("bg.gibbs-variational-principle", reference="scipy.special.logsumexp; scipy.stats.entropy")
def check_gibbs_variational_principle(F=gibbs_free_energy) -> CheckResult:
    rng = np.random.default_rng(19)
    log_psi = rng.normal(size=6) * 2
    log_Z = scipy.special.logsumexp(log_psi)
    p = np.exp(log_psi - log_Z)
    at_p = check_close(torch.stack([F(f64(p), f64(log_psi)), log_partition(f64(log_psi))]), [log_Z, log_Z], atol=1e-12,
                       what="F(p), log Z and logsumexp")
    q = rng.dirichlet(np.ones(6), size=1000)
    gap = check_close(log_Z - to_numpy(F(f64(q), f64(np.broadcast_to(log_psi, q.shape)))), scipy.stats.entropy(q, p, axis=-1),
                      atol=1e-12, what="log Z − F(q) and KL(q‖p)")
    return at_p & gap
