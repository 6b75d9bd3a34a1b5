"""Checks of ``edl.theory.pacbayes`` (book labels ``pacbayes.*``) and of the errata there.

Independent routes: ``scipy.stats.entropy`` (KL divergences), exact binomial enumeration of
:math:`\\mathbb E_S e^{s\\,\\mathrm{kl}(\\hat E\\|E)}` (``scipy.stats.binom``), true risks in closed form,
``torch.distributions.kl_divergence`` and ``scipy.integrate.quad``, Gauss–Hermite quadrature
(``numpy.polynomial.hermite_e``) and closed-form gradients of a Gaussian-smoothed quadratic, checked by
Monte Carlo within its standard error.
"""

import math

import numpy as np
import scipy.integrate
import scipy.special
import scipy.stats
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.theory import pacbayes as pb


@formula("pacbayes.donsker-varadhan", reference="scipy.stats.entropy: the slack equals KL(Q‖Q*), zero at Q*")
def check_donsker_varadhan(gap=pb.donsker_varadhan_gap, tilt=pb.gibbs_tilt) -> CheckResult:
    rng = np.random.default_rng(0)
    slacks, identity = [], []
    for _ in range(200):
        p, q, phi = rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10)), rng.normal(size=10) * 2
        star = p * np.exp(phi) / np.sum(p * np.exp(phi))
        slacks.append(float(gap(f64(q), f64(p), f64(phi))))
        identity.append(scipy.stats.entropy(q, star))
    p, phi = rng.dirichlet(np.ones(10)), rng.normal(size=10)
    star = to_numpy(tilt(f64(p), f64(phi)))
    return all_of(check_close(slacks, identity, atol=1e-10, what="slack vs KL(Q‖Q*) on 200 Dirichlet pairs"),
                  check_leq(np.zeros(200), slacks, what="KL + log E_P e^φ − E_Q φ ≥ 0"),
                  check_close(star, p * np.exp(phi) / np.sum(p * np.exp(phi)), atol=1e-12, what="Q* ∝ P e^φ"),
                  check_close(float(gap(f64(star), f64(p), f64(phi))), 0.0, atol=1e-12, what="equality at Q*"))


def _kl_moment(s: int, risk: float) -> float:
    """ln E_S exp(s kl(Ê‖E)) for one classifier of error ``risk``, by exact binomial enumeration."""
    k = np.arange(s + 1)
    e = k / s
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(e > 0, e * np.log(e / risk), 0) + np.where(e < 1, (1 - e) * np.log((1 - e) / (1 - risk)), 0)
    return float(scipy.special.logsumexp(scipy.stats.binom.logpmf(k, s, risk) + s * kl))


def _implied_log_constant(bound, s, delta, form):
    """ln ξ for the log term ln(ξ/δ): read off the bound at KL = 0 by inverting its square root."""
    gap = float(bound(0.5, 0.0, s, delta, form=form)) - 0.5
    return math.log(delta) + (2 * s if form == "maurer" else s / 2) * gap**2


def _gibbs_violations(bound, s=200, datasets=2000, delta=0.05, noise=0.1, beta=1.0):
    grid = np.linspace(0, 1, 101)
    rng = np.random.default_rng(1)
    x = rng.random((datasets, s))
    y = (x <= 0.5) ^ (rng.random((datasets, s)) < noise)
    emp = ((x[:, None, :] <= grid[None, :, None]) != y[:, None, :]).mean(2)              # (data, 101)
    risk = noise + (1 - 2 * noise) * np.abs(grid - 0.5)
    logq = -beta * s * emp
    q = np.exp(logq - logq.max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    kl = np.sum(np.where(q > 0, q * np.log(np.maximum(q, 1e-300) * 101), 0), axis=1)
    b = to_numpy(bound(f64((q * emp).sum(1)), f64(kl), s, delta))
    return float(np.mean((q * risk).sum(1) > b)), float(np.mean(b - (q * risk).sum(1)))


@formula("pacbayes.mcallester-bound", reference="exact binomial moment E e^{s kl(Ê‖E)} ≤ 2√s; Gibbs posteriors on 2,000 samples")
def check_mcallester(bound=pb.mcallester_bound) -> CheckResult:
    rows, ratios = [], []
    for s in (30, 100, 1000):
        for risk in (0.5, 0.1):
            moment = _kl_moment(s, risk)
            for form in ("mcallester", "maurer"):
                xi = _implied_log_constant(bound, s, 0.05, form)
                rows.append((moment, xi))
                ratios.append(math.exp(min(xi - moment, 50.0)))
    moment, xi = (np.array(c) for c in zip(*rows))
    freq, slack = _gibbs_violations(bound)
    return all_of(check_leq(moment, xi, what="ln E e^{s kl} ≤ ln ξ of the log term ln(ξ/δ), s = 30, 100, 1000"),
                  holds(max(ratios) < 2.5, f"constant / exact moment ≤ {max(ratios):.2f} (the log term is tight)",
                        f"the constant exceeds the exact moment {max(ratios):.3g}-fold"),
                  holds(freq <= 0.05, f"Gibbs posteriors (s = 200): bound violated on {freq:.3f} ≤ δ of 2,000 samples",
                        f"bound violated on {freq:.3f} > δ = 0.05 of samples"))


@erratum("ch09-11:E05", wrong=r"\ln\frac12\sqrt{\frac s\delta}",
         right=r"\ln\frac{2\sqrt s}{\delta}",
         why="The log term carries the moment E e^{s kl(Ê‖E)}, which grows like √s; ½√(s/δ) falls far below it, so the "
             "'bound' is smaller than the theorem allows and no longer holds with probability 1 − δ.")
def seed_log_term() -> CheckResult:
    def wrong(emp, kl, s, delta, form="mcallester"):
        s = f64(s)
        c = f64(kl) + torch.log(0.5 * torch.sqrt(s / delta))
        return f64(emp) + (torch.sqrt(2 * c / s) if form == "mcallester" else torch.sqrt(c / (2 * s)))
    return check_mcallester(bound=wrong)


@erratum("ch09-11:E06", wrong=r"\text{with probability}\ \ge\epsilon", right=r"\text{with probability}\ \ge1-\delta",
         why="Read as 'holds with probability at least δ', one plugs the confidence (0.95) in for δ: the log term shrinks "
             "from ln(2√s/0.05) to ln(2√s/0.95) and the bound drops below what the theorem guarantees.")
def seed_confidence_for_delta() -> CheckResult:
    return check_mcallester(bound=lambda emp, kl, s, delta, form="mcallester": pb.mcallester_bound(emp, kl, s, 1 - delta, form=form))


@formula("pacbayes.gaussian-kl", reference="torch.distributions.kl_divergence; quad of q log(q/p) per coordinate")
def check_gaussian_kl(kl=pb.gaussian_kl_diag) -> CheckResult:
    rng = np.random.default_rng(2)
    theta, sigma, lam, theta0 = rng.normal(size=5), rng.uniform(0.2, 2.0, 5), 1.7, rng.normal(size=5)
    N = torch.distributions.Normal
    ref = float(torch.distributions.kl_divergence(N(f64(theta), f64(sigma)), N(f64(theta0), f64(np.full(5, lam)))).sum())
    quad = sum(scipy.integrate.quad(lambda t, m=m, sd=sd: scipy.stats.norm.pdf(t, m, sd) * (
        scipy.stats.norm.logpdf(t, m, sd) - scipy.stats.norm.logpdf(t, m0, lam)), m - 12 * sd, m + 12 * sd,
        epsabs=1e-12)[0] for m, sd, m0 in zip(theta, sigma, theta0))
    zero = float(kl(f64(np.zeros(5)), f64(np.full(5, lam)), lam))
    return all_of(check_close(float(kl(f64(theta), f64(sigma), lam, f64(theta0))), ref, atol=1e-10,
                              what="d = 5 vs torch kl_divergence"),
                  check_close(float(kl(f64(theta), f64(sigma), lam, f64(theta0))), quad, atol=1e-8, what="vs quad"),
                  check_close(zero, 0.0, atol=1e-12, what="Q = P gives 0"))


@erratum("ch09-11:E07", wrong=r"\sum_i\Big[\log\frac\lambda{\sigma_i^2}+\frac{\sigma_i^2+\theta_i^2}{2\lambda^2}-\frac12\Big]",
         right=r"\sum_i\Big[\ln\frac\lambda{\sigma_i}+\frac{\sigma_i^2+\theta_i^2}{2\lambda^2}-\frac12\Big]\ (\lambda\text{ a standard deviation})",
         why="Mixing the variance and standard-deviation conventions doubles the log term's dependence on σ: the KL is "
             "wrong even for Q = P, so the bound penalises a posterior that has not moved at all.")
def seed_kl_conventions() -> CheckResult:
    def wrong(theta, sigma, lam, theta0=0.0):
        theta, sigma, theta0 = f64(theta), f64(sigma), f64(theta0)
        return (math.log(lam) - 2 * torch.log(sigma) + (sigma**2 + (theta - theta0) ** 2) / (2 * lam**2) - 0.5).sum(-1)
    return check_gaussian_kl(kl=wrong)


def _clipped_loss(t):
    return np.clip(np.minimum(5 * (t + 1) ** 2, 0.2 * (t - 1) ** 2), 0, 1)


@formula("pacbayes.objective", reference="Gauss–Hermite E_Q of a sharp and a flat minimum; torch KL; grid search")
def check_objective(objective=pb.pac_bayes_objective) -> CheckResult:
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    weights = weights / weights.sum()
    thetas, sigmas = np.linspace(-2, 2, 161), np.geomspace(0.01, 1.0, 60)
    T, S = np.meshgrid(thetas, sigmas, indexing="ij")
    emp = (_clipped_loss(T[..., None] + S[..., None] * nodes) * weights).sum(-1)
    N = torch.distributions.Normal
    kl = to_numpy(torch.distributions.kl_divergence(N(f64(T), f64(S)), N(f64(0.0), f64(2.0))))
    values = to_numpy(objective(f64(emp), f64(kl), 1000, 0.05))
    i, j = np.unravel_index(values.argmin(), values.shape)
    sharp = values[thetas < 0].min()
    return all_of(check_close(values, to_numpy(pb.mcallester_bound(f64(emp), f64(kl), 1000, 0.05)), atol=1e-12,
                              what="objective vs McAllester's bound"),
                  holds(0.8 < thetas[i] < 1.2, f"minimised at θ = {thetas[i]:.2f}, σ = {sigmas[j]:.2f}: the flat minimum",
                        f"minimised at θ = {thetas[i]:.2f}, not at the flat minimum θ = 1"),
                  holds(values.min() < sharp - 0.01, f"objective {values.min():.3f} (flat) < {sharp:.3f} (sharp)",
                        f"flat {values.min():.3f} vs sharp {sharp:.3f}"))


def _gibbs_error_closed_form(X, y, theta, sigma):
    """E_Q 0-1 error of sign(θ̃·x), θ̃ ~ N(θ, diag σ²): the margin is Gaussian, so each term is a Φ."""
    return float(np.mean(scipy.stats.norm.cdf(-y * (X @ theta) / np.sqrt((X**2) @ sigma**2))))


@formula("pacbayes.reparam-training", reference="closed-form gradients of a smoothed quadratic (Monte Carlo); Gibbs error by Φ")
def check_reparam(sample=pb.perturb) -> CheckResult:
    rng = np.random.default_rng(3)
    A = rng.normal(size=(5, 5))
    H, a = A @ A.T / 5 + np.eye(5), rng.normal(size=5)
    theta = torch.tensor(rng.normal(size=5), requires_grad=True)
    rho = torch.tensor(np.log(rng.uniform(0.3, 1.0, 5)), requires_grad=True)
    eta = torch.randn(40_000, 5, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    d = sample(theta, rho, eta) - f64(a)
    loss = 0.5 * ((d @ f64(H)) * d).sum(1)                                   # per-sample Ê(θ̃)
    g_theta = torch.autograd.grad(loss.sum(), theta, retain_graph=True)[0]    # summed single-sample gradients
    per_sample = (d @ f64(H)).detach()                                        # ∇Ê(θ̃) for each draw
    sigma = np.exp(to_numpy(rho))
    want_theta, want_sigma = H @ (to_numpy(theta) - a), np.diag(H) * sigma
    def worst_z(draws, want):
        draws = to_numpy(draws)
        se = draws.std(0, ddof=1) / math.sqrt(len(draws))
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.max(np.where(se > 0, np.abs(draws.mean(0) - want) / se, np.inf)))
    z_theta, z_sigma = worst_z(per_sample, want_theta), worst_z(per_sample * eta, want_sigma)
    return all_of(check_close(to_numpy(g_theta) / len(eta), to_numpy(per_sample.mean(0)), atol=1e-10,
                              what="autograd through θ̃ vs mean of per-draw gradients"),
                  holds(z_theta < 4, "∇_θ: all 5 coordinates within 4 SE of H(θ − a) (40,000 draws)",
                        f"∇_θ: a coordinate lies {z_theta:.3g} SE from H(θ − a)"),
                  holds(z_sigma < 4, "∂_σ: all 5 coordinates within 4 SE of diag(H) σ",
                        f"∂_σ: a coordinate lies {z_sigma:.3g} SE from diag(H) σ"),
                  _check_training())


def _check_training() -> CheckResult:
    g = torch.Generator().manual_seed(5)
    X = torch.randn(400, 5, generator=g, dtype=torch.float64)
    y = torch.sign(X @ torch.ones(5, dtype=torch.float64))
    out = pb.train_pac_bayes(X, y, steps=100, batch=64, lr=0.2)
    sigma = torch.exp(out["rho"])
    exact = _gibbs_error_closed_form(to_numpy(X), to_numpy(y), to_numpy(out["theta"]), to_numpy(sigma))
    mc = float(pb.stochastic_error(X, y, out["theta"], out["rho"], samples=4000, generator=torch.Generator().manual_seed(6)))
    start_kl = float(pb.gaussian_kl_diag(f64(np.zeros(5)), f64(np.full(5, 0.5)), 1.0))
    before = float(pb.mcallester_bound(0.5, start_kl, 400, 0.05))                 # θ = 0: Gibbs error ½
    after = float(pb.mcallester_bound(exact, out["kl"], 400, 0.05))
    return all_of(check_close(mc, exact, atol=4 * math.sqrt(exact * (1 - exact) / 4000) + 2e-3,
                              what="Gibbs error: 4,000 draws vs Φ closed form"),
                  holds(after < before - 0.1, f"100 SGD steps lower the bound from {before:.3f} to {after:.3f}",
                        f"training moved the bound from {before:.3f} to {after:.3f}"))


@erratum("ch09-11:E08", wrong=r"\tilde\theta=\theta+\mathrm{diag}(\sigma_i),\ \eta\sim\mathcal N(0,I)",
         right=r"\tilde\theta=\theta+\mathrm{diag}(\sigma_i)\,\eta",
         why="Without η the 'sample' is the fixed point θ + σ: there is no noise to average over, the gradient in θ is "
             "taken at the wrong place, and σ is pushed like a second mean instead of a width.")
def seed_missing_eta() -> CheckResult:
    return check_reparam(sample=lambda theta, rho, eta: theta + torch.exp(rho) + 0 * eta)
