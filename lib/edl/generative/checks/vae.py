"""Checks of ``edl.generative.vae`` (book labels ``vae.*``, ``gencls.gaussian-logistic``) and of the errata there.

Independent routes: Monte Carlo within 4 standard errors, ``torch.distributions`` (KL divergences, log
densities), scipy's multivariate normal, closed-form Gaussian expectations, sympy through the Gaussian
moment generating function, Gauss–Hermite quadrature, ``scipy.optimize.minimize``, and a Newton fit of
logistic regression on simulated classes.
"""

import math

import numpy as np
import scipy.optimize
import scipy.stats
import sympy as sp
import torch
from torch.distributions import Normal, kl_divergence

from edl.core.checking import CheckResult, all_of, check_close, check_leq, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.generative.checks import one_thread
from edl.generative import vae as va

X0, S2 = 1.3, 0.25  # the conjugate model of the text: p(z) = N(0, 1), p(x|z) = N(z, 0.25), x = 1.3


def _eps(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


@formula("vae.model", reference="empirical covariance of 10⁶ draws through a linear decoder")
@one_thread
def check_model(sample=va.vae_sample) -> CheckResult:
    W = np.array([[1.0, 0.5], [-0.3, 0.8], [0.6, -0.2]])
    x = to_numpy(sample(lambda z: z @ f64(W).T, 1_000_000, 2, 0.4, torch.Generator().manual_seed(120)))
    return check_close(np.cov(x.T), W @ W.T + 0.16 * np.eye(3), atol=0.02, what="linear decoder: covariance WWᵀ + σ²I") & \
        check_close(x.mean(0), np.zeros(3), atol=0.01, what="mean 0")


@formula("vae.elbo", reference="log N(x; 0, 1 + s²); Monte Carlo of log p(x, z) − log q(z) (4 SE)")
@one_thread
def check_elbo(elbo=va.conjugate_elbo, evidence=va.conjugate_log_evidence) -> CheckResult:
    m, lv = np.meshgrid(np.linspace(-1, 3, 50), np.linspace(-4, 1, 50))
    L = to_numpy(elbo(X0, f64(m), f64(np.exp(lv)), S2))
    logp = scipy.stats.norm.logpdf(X0, 0, math.sqrt(1 + S2))
    z = 0.4 + math.sqrt(0.3) * to_numpy(_eps(121, 200_000))
    draws = scipy.stats.norm.logpdf(z) + scipy.stats.norm.logpdf(X0, z, math.sqrt(S2)) - \
        scipy.stats.norm.logpdf(z, 0.4, math.sqrt(0.3))
    return all_of(check_leq(L, np.full_like(L, logp), what="ELBO ≤ log p(x) on a 50 × 50 grid of q"),
                  check_close(float(elbo(X0, X0 / (1 + S2), S2 / (1 + S2), S2)), logp, atol=1e-12,
                              what="at q = p(z|x) = N(1.04, 0.2) it equals log p(x) (tight)"),
                  check_close(float(evidence(X0, S2)), logp, atol=1e-12, what="log p(x) and scipy"),
                  check_monte_carlo(draws, float(elbo(X0, 0.4, 0.3, S2)), what="q = N(0.4, 0.3)"))


@formula("vae.elbo-gap", reference="torch.distributions.kl_divergence to the exact posterior on a 50 × 50 grid")
@one_thread
def check_elbo_gap(posterior=va.conjugate_posterior) -> CheckResult:
    pm, pv = (float(t) for t in posterior(X0, S2))
    m, lv = np.meshgrid(np.linspace(-1, 3, 50), np.linspace(-4, 1, 50))
    gap = va.conjugate_log_evidence(X0, S2) - va.conjugate_elbo(X0, f64(m), f64(np.exp(lv)), S2)
    kl = kl_divergence(Normal(f64(m), f64(np.exp(lv / 2))), Normal(f64(pm), f64(math.sqrt(pv))))
    z = 0.4 + math.sqrt(0.3) * to_numpy(_eps(122, 200_000))
    log_ratio = scipy.stats.norm.logpdf(z, 0.4, math.sqrt(0.3)) - scipy.stats.norm.logpdf(z, pm, math.sqrt(pv))
    gap1 = float(va.conjugate_log_evidence(X0, S2) - va.conjugate_elbo(X0, 0.4, 0.3, S2))
    return all_of(check_close(gap, kl, atol=1e-12, what="log p(x) − ELBO = KL(q ‖ p(z|x)) on 2500 q"),
                  check_close(float(va.conjugate_log_evidence(X0, S2) - va.conjugate_elbo(X0, pm, pv, S2)), 0.0,
                              atol=1e-12, what="gap at the posterior N(1.04, 0.2)"),
                  check_monte_carlo(log_ratio, gap1, what="the gap as E_q log q/p(z|x)"))


@formula("vae.gaussian-kl-prior", reference="torch.distributions.kl_divergence; Monte Carlo (4 SE)")
@one_thread
def check_kl_prior(kl=va.kl_to_standard_normal) -> CheckResult:
    rng = np.random.default_rng(123)
    mu, s2 = rng.normal(size=(20, 4)), rng.uniform(0.1, 3, size=(20, 4))
    ref = kl_divergence(Normal(f64(mu), f64(np.sqrt(s2))), Normal(0.0, 1.0)).sum(-1)
    z = mu[0] + np.sqrt(s2[0]) * rng.normal(size=(200_000, 4))
    draws = (scipy.stats.norm.logpdf(z, mu[0], np.sqrt(s2[0])) - scipy.stats.norm.logpdf(z)).sum(1)
    return check_close(kl(f64(mu), f64(s2)), ref, atol=1e-12, what="20 diagonal Gaussians in 4-D") & \
        check_monte_carlo(draws, float(kl(f64(mu[0]), f64(s2[0]))), what="one of them") & \
        check_close(float(kl(f64(np.zeros(3)), f64(np.ones(3)))), 0.0, atol=1e-15, what="zero at the prior (tight)")


@formula("vae.gaussian-decoder", reference="scipy.stats.multivariate_normal.logpdf")
@one_thread
def check_decoder(loglik=va.gaussian_decoder_log_lik) -> CheckResult:
    rng = np.random.default_rng(124)
    x, mean = rng.normal(size=(10, 6)), rng.normal(size=(10, 6))
    ref = [scipy.stats.multivariate_normal(mean[i], 0.3 * np.eye(6)).logpdf(x[i]) for i in range(10)]
    return check_close(loglik(f64(x), f64(mean), 0.3), ref, atol=1e-10, what="10 points in 6-D, σ² = 0.3")


@formula("vae.mc-estimator", reference="exact E‖x − Az‖² for a linear decoder; Monte Carlo (4 SE)")
@one_thread
def check_mc_estimator(estimate=va.mc_reconstruction) -> CheckResult:
    rng = np.random.default_rng(125)
    A, x = rng.normal(size=(5, 3)), rng.normal(size=5)
    mu, sigma = rng.normal(size=3), rng.uniform(0.3, 1.2, size=3)
    exact = -(np.sum((x - A @ mu) ** 2) + np.trace(A.T @ A @ np.diag(sigma**2))) / (2 * 0.5) - 2.5 * math.log(math.pi)
    dec = lambda z: z @ f64(A).T  # noqa: E731
    batches = to_numpy(estimate(f64(x), dec, f64(mu), f64(sigma), 0.5, _eps(125, 200, 500, 3)))  # 200 estimates, K = 500
    singles = to_numpy(estimate(f64(x), dec, f64(mu), f64(sigma), 0.5, _eps(126, 2000, 1, 3)))
    return check_monte_carlo(batches, exact, what="200 estimates with K = 500") & \
        check_monte_carlo(singles, exact, what="mean of 2000 single-sample estimates (unbiased)") & \
        holds(batches.var() < singles.var() / 100, "K = 500 shrinks the variance by over 100×",
              "averaging K samples does not reduce the variance")


@erratum("ch09-11:E34", wrong=r"\frac{\mathbb E_q[\log p_\theta(x|z)]}{-\frac1{2\sigma^2K}\sum_k\|x-\mu_\theta(z_k)\|^2-\dots}",
         right=r"\mathbb E_q[\log p_\theta(x|z)]\approx-\frac1{2\sigma^2K}\sum_k\|x-\mu_\theta(z_k)\|^2-\frac d2\log(2\pi\sigma^2)",
         why="Typeset as a fraction, the estimator becomes the ratio of the expectation to its estimate: a number "
             "near 1, not the reconstruction term the ELBO needs.")
def seed_mc_fraction() -> CheckResult:
    def wrong(x, dec, mu, sigma, s2, eps):
        return -3.0 / va.mc_reconstruction(x, dec, mu, sigma, s2, eps)   # "expectation over estimate", ≈ −3/value
    return check_mc_estimator(estimate=wrong)


def _sin_problem():
    a, mu, sigma = np.array([0.7, -0.4, 1.1]), np.array([0.2, 0.5, -0.3]), np.array([0.6, 1.0, 0.4])
    damp = math.exp(-0.5 * np.sum(a**2 * sigma**2))
    grad_mu = a * math.cos(a @ mu) * damp
    grad_sigma = -math.sin(a @ mu) * damp * a**2 * sigma
    return a, mu, sigma, grad_mu, grad_sigma


@formula("vae.reparameterization", reference="analytic gradients of E sin(aᵀz) = sin(aᵀμ)e^{−½Σaᵢ²σᵢ²}; Monte Carlo (4 SE)")
@one_thread
def check_reparameterization(reparam=va.reparam_gradient, score=va.score_function_gradient) -> CheckResult:
    a, mu, sigma, gmu, gsig = _sin_problem()
    f = lambda z: torch.sin(z @ f64(a))  # noqa: E731
    eps = _eps(127, 100_000, 3)
    z = va.reparameterize(f64(mu), f64(sigma), eps)
    rm, rs = (to_numpy(t) for t in reparam(f, f64(mu), f64(sigma), eps))
    sm, ss = (to_numpy(t) for t in score(f, f64(mu), f64(sigma), eps[:3000]))
    parts = [check_close(to_numpy(z).mean(0), mu, atol=0.02, what="z = μ + σ ⊙ ε has mean μ")]
    parts += [check_monte_carlo(rm[:, i], gmu[i], what=f"∂/∂μ{i + 1}, reparameterised") for i in range(3)]
    parts += [check_monte_carlo(rs[:, i], gsig[i], what=f"∂/∂σ{i + 1}, reparameterised") for i in range(3)]
    parts += [check_monte_carlo(sm[:, i], gmu[i], what=f"∂/∂μ{i + 1}, score function") for i in range(3)]
    ratio = (sm.var(0) / rm.var(0)).min()
    parts.append(holds(ratio > 10, "score-function variance is over 10× the reparameterised one in every coordinate",
                       f"variance ratio only {ratio:.3g}"))
    return all_of(*parts)


@formula("vae.bonnet", reference="E∇f for f = exp(aᵀz) in closed form; sympy through the Gaussian MGF for ‖z‖⁴")
@one_thread
def check_bonnet(bonnet=va.bonnet_gradient) -> CheckResult:
    a, mu = np.array([0.3, -0.5]), np.array([0.4, 0.1])
    Sigma = np.array([[1.0, 0.3], [0.3, 0.5]])
    exact = a * math.exp(a @ mu + 0.5 * a @ Sigma @ a)
    g = to_numpy(bonnet(lambda z: torch.exp(z @ f64(a))[:, None] * f64(a), f64(mu), f64(Sigma), _eps(128, 200_000, 2)))
    parts = [check_monte_carlo(g[:, i], exact[i], what=f"f = exp(aᵀz): E∂f/∂z{i + 1}") for i in range(2)]
    # sympy: E f(z) for a polynomial f from derivatives of the MGF exp(tᵀμ + ½tᵀΣt); d/dμ of it against E∇f
    t1, t2, m1, m2 = sp.symbols("t1 t2 m1 m2")
    S = sp.Matrix([[1, sp.Rational(3, 10)], [sp.Rational(3, 10), sp.Rational(1, 2)]])
    t = sp.Matrix([t1, t2])
    M = sp.exp((t.T * sp.Matrix([m1, m2]))[0] + (t.T * S * t)[0] / 2)

    def expect(poly):
        p = sp.Poly(sp.expand(poly), *sp.symbols("z1 z2"))
        return sum(c * sp.diff(M, t1, i, t2, j).subs({t1: 0, t2: 0}) for (i, j), c in p.terms())

    z1, z2 = sp.symbols("z1 z2")
    f = (z1**2 + z2**2) ** 2
    lhs = [sp.diff(expect(f), m) for m in (m1, m2)]
    rhs = [expect(sp.diff(f, z)) for z in (z1, z2)]
    same = all(sp.simplify(l_ - r_) == 0 for l_, r_ in zip(lhs, rhs))
    parts.append(holds(same, "f = ‖z‖⁴ in 2-D: d/dμ E f = E ∇f symbolically (sympy)", "sympy finds d/dμ E f ≠ E ∇f"))
    vals = {m1: 0.4, m2: 0.1}
    gq = to_numpy(bonnet(lambda z: 4 * (z**2).sum(-1, keepdim=True) * z, f64(mu), f64(Sigma), _eps(129, 200_000, 2)))
    parts += [check_monte_carlo(gq[:, i], float(rhs[i].subs(vals)), what=f"f = ‖z‖⁴: E∂f/∂z{i + 1}") for i in range(2)]
    return all_of(*parts)


@formula("vae.price", reference="central differences of E exp(aᵀz) in Σ; E z₁²z₂² = Σ₁₁Σ₂₂ + 2Σ₁₂² exactly")
@one_thread
def check_price(price=va.price_gradient) -> CheckResult:
    a, mu = np.array([0.3, -0.5]), np.array([0.4, 0.1])
    Sigma = np.array([[1.0, 0.3], [0.3, 0.5]])

    def Ef(S):
        return math.exp(a @ mu + 0.5 * a @ S @ a)

    h = 1e-6
    fd = np.array([[(Ef(Sigma + h * np.outer(e, f)) - Ef(Sigma - h * np.outer(e, f))) / (2 * h)
                    for f in np.eye(2)] for e in np.eye(2)])  # Σ_ij and Σ_ji as separate variables
    P = to_numpy(price(lambda z: torch.exp(z @ f64(a))[:, None, None] * f64(np.outer(a, a)), f64(mu), f64(Sigma),
                       _eps(130, 200_000, 2)))
    parts = [check_monte_carlo(P[:, i, j], fd[i, j], what=f"exp(aᵀz): ∂E f/∂Σ{i + 1}{j + 1}") for i in range(2) for j in range(i, 2)]
    # f = z₁²z₂², μ = 0: symmetric perturbation of Σ₁₂ changes E f at rate 4Σ₁₂ = E ∂₁∂₂f = 2·(Price)₁₂
    S0 = np.array([[1.0, 0.6], [0.6, 2.0]])

    def hess(z):
        H = torch.zeros(len(z), 2, 2, dtype=z.dtype)
        H[:, 0, 0], H[:, 1, 1] = 2 * z[:, 1] ** 2, 2 * z[:, 0] ** 2
        H[:, 0, 1] = H[:, 1, 0] = 4 * z[:, 0] * z[:, 1]
        return H

    P2 = to_numpy(price(hess, f64([0.0, 0.0]), f64(S0), _eps(131, 200_000, 2)))
    parts.append(check_monte_carlo(2 * P2[:, 0, 1], 4 * 0.6, what="z₁²z₂²: symmetric derivative 4Σ₁₂ = 2·(½E∂₁∂₂f)"))
    parts.append(check_monte_carlo(P2[:, 0, 0], 2.0, what="z₁²z₂²: ∂E f/∂Σ₁₁ = Σ₂₂"))
    return all_of(*parts)


@formula("vae.encoder-amortized", reference="scipy.stats.multivariate_normal.logpdf with covariance diag(σ²)")
@one_thread
def check_encoder(log_q=va.encoder_log_q, covariance=lambda s: np.diag(s**2)) -> CheckResult:
    rng = np.random.default_rng(132)
    mu, ls = rng.normal(size=(8, 3)), rng.normal(size=(8, 3)) * 0.5
    z = mu + np.exp(ls) * rng.normal(size=(8, 3))
    ref = [scipy.stats.multivariate_normal(mu[i], covariance(np.exp(ls[i]))).logpdf(z[i]) for i in range(8)]
    return check_close(log_q(f64(z), f64(mu), f64(ls)), ref, atol=1e-10, what="log q(z|x) = log p(ε) − Σ log σ_j, 8 encoders")


@erratum("ch09-11:E35", wrong=r"q_\phi(z|x)=\mathcal N(z;\mu,\mathrm{diag}(\sigma))",
         right=r"q_\phi(z|x)=\mathcal N(z;\mu,\mathrm{diag}(\sigma^2))",
         why="σ comes out of the network as exp(log σ), a standard deviation; used as a variance it makes every "
             "encoder's density wrong except where σ = 1.")
def seed_encoder_sigma() -> CheckResult:
    return check_encoder(covariance=np.diag)


def _lg_exact(x, th, m, v, s2):
    # ELBO = −½z² − ½(x − θz)²/s² + const, expected under q = N(m, v), + entropy ½ log v
    return np.array([((x - th * m) * m - th * v) / s2, -m + th * (x - th * m) / s2, 0.5 * (-v - th**2 * v / s2 + 1)])


@formula("vae.gradients-theta-phi", reference="closed-form ∇ of the linear-Gaussian ELBO; Monte Carlo (4 SE)")
@one_thread
def check_gradients_theta_phi(grads=va.linear_gaussian_gradients, phi_gradient=None) -> CheckResult:
    x, th, m, v, s2 = 1.2, 0.8, 0.3, 0.5, 0.4
    exact = _lg_exact(x, th, m, v, s2)
    eps = _eps(133, 20_000)
    gt, gm, gl = (to_numpy(t) for t in grads(x, th, m, math.log(v), s2, eps))
    if phi_gradient is not None:
        gm = phi_gradient(x, th, m, v, s2, to_numpy(eps))
    parts = [check_monte_carlo(gt, exact[0], what="∂L/∂θ"), check_monte_carlo(gm, exact[1], what="∂L/∂m"),
             check_monte_carlo(gl, exact[2], what="∂L/∂log v")]
    # ignoring that the sampling depends on φ: E_q[∇_m(log p − log q)] with z held fixed is E[(z − m)/v] = 0
    z = m + math.sqrt(v) * to_numpy(eps)
    naive = (z - m) / v
    parts.append(holds(abs(naive.mean()) < 0.05 < abs(exact[1]),
                       f"naive E_q[∇_m(log p − log q)] ≈ {naive.mean():.2f} misses ∂L/∂m = {exact[1]:.4f}",
                       "the naive gradient agrees with the true one"))
    return all_of(*parts)


@erratum("ch09-11:E36", wrong=r"\nabla_\phi\mathcal L\ne\mathbb E_{q_\phi}\{\nabla_\theta(\log p_\theta-\log q_\phi)\}",
         right=r"\nabla_\phi\mathcal L\ne\mathbb E_{q_\phi}\{\nabla_\phi(\log p_\theta-\log q_\phi)\}",
         why="With ∇_θ inside, the expression is the decoder's gradient, not the encoder's: it has the wrong "
             "size and value for φ.")
def seed_gradient_variable() -> CheckResult:
    def wrong(x, th, m, v, s2, eps):
        z = m + math.sqrt(v) * eps
        return (x - th * z) * z / s2          # ∇_θ of log p_θ(x, z), reported as the gradient in m
    return check_gradients_theta_phi(phi_gradient=wrong)


@formula("vae.sgvb", reference="closed-form ELBO; mean of 10⁵ single-sample estimates (4 SE)")
@one_thread
def check_sgvb(estimate=va.sgvb_estimate) -> CheckResult:
    draws = to_numpy(estimate(X0, 0.4, 0.3, S2, _eps(134, 100_000)))
    at_post = to_numpy(estimate(X0, X0 / (1 + S2), S2 / (1 + S2), S2, _eps(135, 100)))
    return check_monte_carlo(draws, float(va.conjugate_elbo(X0, 0.4, 0.3, S2)), what="q = N(0.4, 0.3)") & \
        check_close(at_post, np.full(100, scipy.stats.norm.logpdf(X0, 0, math.sqrt(1 + S2))), atol=1e-12,
                    what="at the posterior every single-sample estimate equals log p(x) (zero variance)")


@formula("vae.beta-vae", reference="scipy.optimize.minimize of −L_β over (m, log v)")
@one_thread
def check_beta_vae(optimum=va.beta_vae_optimum, objective=va.beta_vae_objective) -> CheckResult:
    parts = []
    for beta in (0.5, 1.0, 4.0):
        res = scipy.optimize.minimize(lambda p: -float(objective(X0, p[0], math.exp(p[1]), S2, beta)), [0.0, 0.0],
                                      method="BFGS", options={"gtol": 1e-10})
        m, v = (float(t) for t in optimum(X0, S2, beta))
        parts.append(check_close([m, v], [res.x[0], math.exp(res.x[1])], atol=1e-6, what=f"β = {beta}: maximiser"))
    parts.append(check_close(float(objective(X0, 0.4, 0.3, S2, 1.0)), float(va.conjugate_elbo(X0, 0.4, 0.3, S2)),
                             atol=1e-14, what="β = 1 is the ELBO"))
    m, v = (float(t) for t in optimum(X0, S2, 1e6))
    parts.append(check_close([m, v], [0.0, 1.0], atol=1e-5, what="β → ∞: q → the prior N(0, 1)"))
    return all_of(*parts)


HVAE = dict(a=0.9, s1=0.5, b=1.2, s0=0.3, c=0.6, t1=0.4, d=0.7, t2=0.6)


def _hvae_exact_terms(x, p, nodes=12):
    g, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / math.sqrt(2 * math.pi)
    e1, e2 = np.meshgrid(g, g, indexing="ij")
    W = np.outer(w, w)
    z1 = p["c"] * x + math.sqrt(p["t1"]) * e1
    z2 = p["d"] * z1 + math.sqrt(p["t2"]) * e2
    ln = scipy.stats.norm.logpdf
    terms = [ln(x, p["b"] * z1, math.sqrt(p["s0"])),
             ln(z1, p["a"] * z2, math.sqrt(p["s1"])) - ln(z1, p["c"] * x, math.sqrt(p["t1"])),
             ln(z2) - ln(z2, p["d"] * z1, math.sqrt(p["t2"]))]
    return np.array([np.sum(W * t) for t in terms])


@formula("vae.hierarchical", reference="Gauss–Hermite quadrature of each term; exact Gaussian log p(x); Monte Carlo (4 SE)")
@one_thread
def check_hierarchical(samples=va.hvae_elbo_samples) -> CheckResult:
    x = 0.8
    exact = _hvae_exact_terms(x, HVAE)
    draws = to_numpy(samples(x, _eps(136, 200_000, 2), **HVAE))
    p = HVAE
    logp = scipy.stats.norm.logpdf(x, 0, math.sqrt(p["b"] ** 2 * (p["a"] ** 2 + p["s1"]) + p["s0"]))
    parts = [check_monte_carlo(draws[:, i], exact[i], what=f"term {i + 1}") for i in range(3)]
    parts.append(check_monte_carlo(draws.sum(1), exact.sum(), what="the ELBO"))
    parts.append(holds(exact.sum() < logp, f"ELBO {exact.sum():.4f} ≤ log p(x) = {logp:.4f}", "the ELBO exceeds log p(x)"))
    return all_of(*parts)


@erratum("ch09-11:E37", wrong=r"q_\phi(z|x)=q_\phi(z_L|x)\prod_{i=1}^{L-1}q_\phi(z_i|z_{i+1})\ \text{with the bottom-up ELBO}",
         right=r"q_\phi(z|x)=q_\phi(z_1|x)\prod_{i=2}^{L}q_\phi(z_i|z_{i-1})",
         why="The ELBO's ratios divide by the bottom-up factors; drawing the latents top-down instead averages "
             "them under a different distribution, and the result is no longer the ELBO of either model.")
def seed_hvae_top_down() -> CheckResult:
    def wrong(x, eps, a, s1, b, s0, c, t1, d, t2):
        # top-down draw: z₂ ~ q(z₂|x) = N(cd·x, t2), then z₁ ~ q(z₁|z₂) = N(z₂/d, t1); the terms stay bottom-up
        z2 = c * d * x + math.sqrt(t2) * eps[:, 1]
        z1 = z2 / d + math.sqrt(t1) * eps[:, 0]
        ln = lambda y, mean, var: -0.5 * (y - mean) ** 2 / var - 0.5 * math.log(2 * math.pi * var)  # noqa: E731
        return torch.stack([ln(x, b * z1, s0), ln(z1, a * z2, s1) - ln(z1, c * x, t1), ln(z2, 0.0, 1.0) - ln(z2, d * z1, t2)], 1)
    return check_hierarchical(samples=wrong)


def _newton_logistic(X, y, iters=12):
    A = np.c_[X, np.ones(len(X))]
    w = np.zeros(A.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-A @ w))
        w += np.linalg.solve(A.T @ (A * (p * (1 - p))[:, None]), A.T @ (y - p))
    return w


@formula("gencls.gaussian-logistic", reference="Bayes' rule with scipy densities; Newton logistic regression on 5·10⁴ draws")
@one_thread
def check_gaussian_logistic(params=va.gaussian_logistic) -> CheckResult:
    rng = np.random.default_rng(137)
    mu0, mu1 = rng.normal(size=4), rng.normal(size=4)
    x = rng.normal(size=(100, 4)) * 2
    parts = []
    for Sigma, pi1, name in ((np.eye(4), 0.5, "Σ = I, equal priors"),
                             (np.cov(rng.normal(size=(4, 20))) + 0.5 * np.eye(4), 0.3, "shared Σ, π₁ = 0.3")):
        w, b = (to_numpy(t) for t in params(f64(mu0), f64(mu1), f64(Sigma), pi1))
        p1 = pi1 * scipy.stats.multivariate_normal(mu1, Sigma).pdf(x)
        p0 = (1 - pi1) * scipy.stats.multivariate_normal(mu0, Sigma).pdf(x)
        parts.append(check_close(1 / (1 + np.exp(-(x @ w + b))), p1 / (p0 + p1), atol=1e-12, what=f"{name}: σ(wᵀx + b) = Bayes"))
    y = rng.random(50_000) < 0.5
    X = np.where(y[:, None], mu1, mu0) + rng.normal(size=(50_000, 4))
    fit = _newton_logistic(X, y.astype(float))
    w, b = (to_numpy(t) for t in params(f64(mu0), f64(mu1), f64(np.eye(4)), 0.5))
    parts.append(check_close(fit, np.r_[w, b], atol=0.05, what="logistic regression on 5·10⁴ draws recovers (w, b)"))
    return all_of(*parts)


@erratum("ch09-11:E38", wrong=r"\exp\big(-(\mu_1-\mu_0)x+\tfrac12\|\mu_0\|^2-\|\mu_1\|^2\big)",
         right=r"\exp\big(-(\mu_1-\mu_0)^\top x+\tfrac12\|\mu_0\|^2-\tfrac12\|\mu_1\|^2\big)",
         why="Without the ½ on ‖μ₁‖² the bias is off by ½‖μ₁‖²: the posterior is shifted towards class 0 "
             "everywhere, and the decision boundary moves.")
def seed_gencls_half() -> CheckResult:
    def wrong(mu0, mu1, Sigma, pi1):
        w, b = va.gaussian_logistic(mu0, mu1, Sigma, pi1)
        return w, b - 0.5 * (mu1 @ torch.linalg.solve(Sigma, mu1))
    return check_gaussian_logistic(params=wrong)
