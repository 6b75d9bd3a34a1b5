"""Checks of ``edl.diffusion.score`` (book labels ``diffusion.score-noise``, ``diffusion.forward-sde``,
``diffusion.reverse-sde``).

Independent routes: torch autograd of Gaussian and mixture log densities, linear regression of the noise
on simulated noisy points, exact per-component Gaussian conditioning (numpy), scipy's ODE solver for the
moment equations, and Euler–Maruyama paths compared with closed-form moments within 4 standard errors.
"""

import math

import numpy as np
import scipy.integrate
import torch

from edl.core.checking import CheckResult, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import formula
from edl.diffusion import score as sc
from edl.diffusion.sampling import ring_means


def _autograd_score(logp, x):
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(logp(x).sum(), x)[0]


@formula("diffusion.score-noise", reference="autograd of Gaussian and mixture log densities; regression of ε on x_t; exact conditioning")
def check_score_noise(from_eps=sc.score_from_eps, tweedie=sc.tweedie_mean, score=sc.mixture_score) -> CheckResult:
    g = torch.Generator().manual_seed(120)
    abar, x0 = 0.3, torch.randn(1000, generator=g, dtype=torch.float64)
    e = torch.randn(1000, generator=g, dtype=torch.float64)
    xt = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * e
    grad = _autograd_score(lambda z: -(z - math.sqrt(abar) * x0) ** 2 / (2 * (1 - abar)), xt)
    conditional = check_close(from_eps(e, abar), grad, atol=1e-12, what="∇ log q(x_t|x_0) = −ε/√(1 − ᾱ) (autograd)")
    m, s2, n = 1.5, 0.4, 1_000_000
    x0 = m + math.sqrt(s2) * torch.randn(n, generator=g, dtype=torch.float64)
    e = torch.randn(n, generator=g, dtype=torch.float64)
    xt = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * e
    X = np.stack([np.ones(n), to_numpy(xt)], 1)
    fit, *_ = np.linalg.lstsq(X, to_numpy(e), rcond=None)
    marg_var = abar * s2 + 1 - abar
    grid = f64(np.linspace(-3, 3, 7))
    gauss_score = _autograd_score(lambda z: -(z - math.sqrt(abar) * m) ** 2 / (2 * marg_var), grid)
    implied = -math.sqrt(1 - abar) * gauss_score
    line = X[:7] * 0 + np.stack([np.ones(7), to_numpy(grid)], 1)
    regression = check_close(line @ fit, implied, atol=1e-2, what="Gaussian data: E[ε|x_t] by regression on 10⁶ draws and −√(1−ᾱ)∇log q_t")
    mu, sigma2 = to_numpy(ring_means()), 0.01
    pts = f64(np.random.default_rng(121).normal(size=(200, 2)) * 1.5)
    a, var = 0.4, 0.4 * sigma2 + 0.6
    def log_mix(z):
        d = ((z[:, None, :] - math.sqrt(a) * f64(mu)[None]) ** 2).sum(-1)
        return torch.logsumexp(-d / (2 * var), -1)
    mix = check_close(score(pts, math.sqrt(a) * f64(mu), var), _autograd_score(log_mix, pts), atol=1e-10,
                      what="8-Gaussian ring at ᾱ = 0.4: mixture score and autograd")
    P = to_numpy(pts)
    logits = -((P[:, None, :] - math.sqrt(a) * mu[None]) ** 2).sum(-1) / (2 * var)
    r = np.exp(logits - logits.max(1, keepdims=True))
    r /= r.sum(1, keepdims=True)
    k = sigma2 * math.sqrt(a) / var  # per component: E[x_0 | x_t, k] = μ_k + k (x_t − √ᾱ μ_k)
    exact = np.einsum("nk,nkd->nd", r, mu[None] + k * (P[:, None, :] - math.sqrt(a) * mu[None]))
    post = check_close(tweedie(pts, score(pts, math.sqrt(a) * f64(mu), var), a), exact, atol=1e-10,
                       what="Tweedie E[x_0|x_t] and exact per-component conditioning")
    return conditional & regression & mix & post


@formula("diffusion.forward-sde", reference="scipy.integrate.solve_ivp of the moment ODEs; Euler–Maruyama paths (Monte Carlo within 4 SE)")
def check_forward_sde(moments=sc.vp_moments, simulate=sc.vp_sde_forward) -> CheckResult:
    beta = lambda t: 0.1 + 19.9 * t  # noqa: E731
    m0, v0 = 1.5, 0.25
    sol = scipy.integrate.solve_ivp(lambda t, y: [-0.5 * beta(t) * y[0], -beta(t) * y[1] + beta(t)], (0, 1), [m0, v0],
                                    t_eval=[0.1, 0.5, 1.0], rtol=1e-11, atol=1e-13)
    B = np.array([sc.linear_beta(t, 0.1, 20.0)[1].item() for t in (0.1, 0.5, 1.0)])
    m, v = (to_numpy(z) for z in moments(f64(m0), f64(v0), f64(B)))
    ode = check_close(np.stack([m, v]), sol.y, atol=1e-8, what="m_t, v_t at t = 0.1, 0.5, 1 and the moment ODEs")
    g = torch.Generator().manual_seed(122)
    x0 = m0 + math.sqrt(v0) * torch.randn(20_000, generator=g, dtype=torch.float64)
    for t_end in (0.1, 1.0):
        x = simulate(x0, beta, round(1000 * t_end), g, t_end=t_end)  # Δt = 10⁻³
        mt, vt = (float(z) for z in moments(f64(m0), f64(v0), f64(sc.linear_beta(t_end, 0.1, 20.0)[1])))
        r = check_monte_carlo(x, mt, what=f"t = {t_end:g}: mean") & check_monte_carlo((x - mt) ** 2, vt, what="variance")
        ode = ode & r
    return ode


@formula("diffusion.reverse-sde", reference="reverse paths with the exact score of N(2, 0.5²): final mean and sd (±0.01)")
def check_reverse_sde(reverse=sc.vp_sde_reverse) -> CheckResult:
    beta = lambda t: 0.1 + 19.9 * t  # noqa: E731
    m0, s0 = 2.0, 0.5

    def moments(t):
        _, B = sc.linear_beta(t, 0.1, 20.0)
        return m0 * math.exp(-float(B) / 2), 1 + (s0**2 - 1) * math.exp(-float(B))

    def score(x, t):
        m, v = moments(t)
        return -(x - m) / v

    g = torch.Generator().manual_seed(123)
    mT, vT = moments(1.0)
    xT = mT + math.sqrt(vT) * torch.randn(30_000, generator=g, dtype=torch.float64)
    x = reverse(xT, score, beta, 1000, g)
    mean, sd = float(x.mean()), float(x.std())
    ok = abs(mean - m0) <= 0.01 and abs(sd - s0) <= 0.01
    return holds(ok, f"3·10⁴ paths, 1000 steps: final mean {mean:.3f}, sd {sd:.3f} (data: 2 and 0.5, ±0.01)",
                 f"final mean {mean:.3f}, sd {sd:.3f}, not within 0.01 of 2 and 0.5")
