"""Checks of ``edl.diffusion.elbo`` (book labels ``diffusion.posterior``, ``diffusion.posterior-mean-eps``,
``diffusion.elbo``, ``diffusion.reverse-model``, ``diffusion.kl-equal-variance``,
``diffusion.eps-parameterization``, ``diffusion.simple-loss``) and of the errata there.

Independent routes: exact Gaussian conditioning with numpy (the joint covariance of the chain), linear
regression on simulated pairs, sympy, ``torch.distributions`` KL divergences, the ELBO as one Gaussian
expectation over the whole chain (numpy log-determinant, no decomposition), a Monte Carlo ELBO over
2·10⁶ forward chains, and noise predictors actually trained by autograd.
"""

import math

import numpy as np
import sympy
import torch
from torch.distributions import MultivariateNormal, Normal, kl_divergence

from edl.core.checking import CheckResult, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.diffusion import elbo as el
from edl.diffusion import forward as fw


def _conditional(v_prev, cov, v_t):
    """Regression coefficient and residual variance of x_{t-1} on x_t for a bivariate Gaussian."""
    return cov / v_t, v_prev - cov**2 / v_t


# --- the posterior --------------------------------------------------------------------------------

@formula("diffusion.posterior", reference="exact conditioning of the joint of (x_{t-1}, x_t) given x_0 (numpy); regression on 10⁶ pairs")
def check_posterior(posterior=el.posterior) -> CheckResult:
    T = 100
    betas = fw.linear_schedule(T, 1e-4, 0.1)
    b = to_numpy(betas)
    abar = np.cumprod(1 - b)
    rng = np.random.default_rng(110)
    means, variances, exact_m, exact_v = [], [], [], []
    for t in range(2, T + 1):
        x0, xt = rng.normal(size=2)
        m, var = posterior(f64([x0]), f64([xt]), t, betas)
        k, resid = _conditional(1 - abar[t - 2], math.sqrt(1 - b[t - 1]) * (1 - abar[t - 2]), 1 - abar[t - 1])
        means.append(float(m[0]))
        variances.append(float(var))
        exact_m.append(math.sqrt(abar[t - 2]) * x0 + k * (xt - math.sqrt(abar[t - 1]) * x0))
        exact_v.append(resid)
    exact = check_close(means, exact_m, atol=1e-12, what=f"μ̃_t, t = 2..{T}, and exact conditioning") & \
        check_close(variances, exact_v, atol=1e-12, what="β̃_t and the conditional variance")
    t, x0 = 20, 0.8
    g = torch.Generator().manual_seed(111)
    prev = math.sqrt(abar[t - 2]) * x0 + math.sqrt(1 - abar[t - 2]) * torch.randn(1_000_000, generator=g, dtype=torch.float64)
    cur = math.sqrt(1 - b[t - 1]) * prev + math.sqrt(b[t - 1]) * torch.randn(1_000_000, generator=g, dtype=torch.float64)
    X = np.stack([np.ones(1_000_000), to_numpy(cur)], 1)
    coef, *_ = np.linalg.lstsq(X, to_numpy(prev), rcond=None)
    resid = float(np.var(to_numpy(prev) - X @ coef))
    m0, var0 = posterior(f64([x0]), f64([0.0]), t, betas)
    m1, _ = posterior(f64([x0]), f64([1.0]), t, betas)
    fitted = check_close([coef[0], coef[1], resid], [float(m0[0]), float(m1[0] - m0[0]), float(var0)], atol=1e-2,
                         what="t = 20: intercept, slope and residual variance of 10⁶ simulated pairs")
    return exact & fitted


@erratum("ch09-11:E49", wrong=r"\sigma_t^2=\frac{1-\alpha_t}{1-\bar\alpha_t}\,\beta_t",
         right=r"\tilde\beta_t=\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\,\beta_t",
         why="The wrong variance is β_t²/(1 − ᾱ_t), far too small except at the first step (about 5e-4 instead of "
             "0.05 halfway through a 100-step schedule): a reverse model fitted to it samples almost "
             "deterministically and its KL terms blow up.")
def seed_posterior() -> CheckResult:
    def wrong(x0, xt, t, betas):
        mean, _ = el.posterior(x0, xt, t, betas)
        b, abar = betas[t - 1], fw.alpha_bar(betas)[t - 1]
        return mean, (1 - (1 - b)) / (1 - abar) * b
    return check_posterior(posterior=wrong)


@formula("diffusion.posterior-mean-eps", reference="sympy substitution of x_0(x_t, ε); numpy conditioning for every t")
def check_posterior_mean_eps(mean_from_eps=el.posterior_mean_from_eps) -> CheckResult:
    a_t, ab_prev, xt, e = sympy.symbols("alpha_t abar_prev x_t epsilon", positive=True)
    ab = a_t * ab_prev
    x0 = (xt - sympy.sqrt(1 - ab) * e) / sympy.sqrt(ab)
    mu = sympy.sqrt(ab_prev) * (1 - a_t) / (1 - ab) * x0 + sympy.sqrt(a_t) * (1 - ab_prev) / (1 - ab) * xt
    stated = (xt - (1 - a_t) / sympy.sqrt(1 - ab) * e) / sympy.sqrt(a_t)
    symbolic = sympy.simplify(sympy.radsimp(mu - stated)) == 0 or \
        all(abs(float((mu - stated).subs({a_t: p, ab_prev: q, xt: r, e: s}))) < 1e-12
            for p, q, r, s in ((0.9, 0.5, 1.3, 0.7), (0.99, 0.1, -0.4, 2.0), (0.6, 0.95, 0.2, -1.1)))
    T = 100
    betas = fw.linear_schedule(T, 1e-4, 0.1)
    b, abar = to_numpy(betas), np.cumprod(1 - to_numpy(betas))
    rng = np.random.default_rng(112)
    ours, exact = [], []
    for t in range(2, T + 1):
        x_t, eps = rng.normal(size=2)
        x_0 = (x_t - math.sqrt(1 - abar[t - 1]) * eps) / math.sqrt(abar[t - 1])
        k, _ = _conditional(1 - abar[t - 2], math.sqrt(1 - b[t - 1]) * (1 - abar[t - 2]), 1 - abar[t - 1])
        exact.append(math.sqrt(abar[t - 2]) * x_0 + k * (x_t - math.sqrt(abar[t - 1]) * x_0))
        ours.append(float(mean_from_eps(f64([x_t]), f64([eps]), t, betas)[0]))
    return holds(symbolic, "sympy: μ̃_t(x_t, x_0(x_t, ε)) − (x_t − β_t ε/√(1 − ᾱ_t))/√α_t simplifies to 0",
                 "sympy: the substitution does not give the stated mean") & \
        check_close(ours, exact, atol=1e-10, what=f"t = 2..{T}: mean from (x_t, ε) and exact conditioning")


@erratum("ch09-11:E50", wrong=r"\tilde\mu_t=\frac1{\sqrt{\alpha_t}}\Big(x_t-\frac{\sqrt{\beta_t}}{\sqrt{1-\bar\alpha_t}}\epsilon\Big)",
         right=r"\tilde\mu_t=\frac1{\sqrt{\alpha_t}}\Big(x_t-\frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\epsilon\Big)",
         why="√β_t is 10 to 100 times larger than β_t for typical schedules, so every reverse step would subtract "
             "far too much of the predicted noise and the samples would overshoot the data.")
def seed_posterior_mean_eps() -> CheckResult:
    def wrong(xt, eps, t, betas):
        b, abar = betas[t - 1], fw.alpha_bar(betas)[t - 1]
        return (xt - torch.sqrt(b) / torch.sqrt(1 - abar) * eps) / torch.sqrt(1 - b)
    return check_posterior_mean_eps(mean_from_eps=wrong)


# --- the ELBO ---------------------------------------------------------------------------------------

CATALOGUE_MODEL = dict(x0=1.3, alphas=[0.9, 0.7, 0.5], a=[0.8, 0.6, 0.5], b=[0.2, -0.1, 0.05], s2=[0.1, 0.3, 0.4])


def exact_elbo(x0, alphas, a, b, s2, prior_mean=0.0, prior_var=1.0) -> float:
    """The ELBO as one Gaussian expectation over the whole chain: E_q log p_θ(x_{0:T}) + H(q(x_{1:T}|x_0)).

    q(x_{1:T}|x_0) is a T-dimensional Gaussian with Cov(x_s, x_t) = √(ᾱ_t/ᾱ_s)(1 − ᾱ_s), s ≤ t; each
    log p_θ factor is a Gaussian whose expected square is read off that mean and covariance.
    """
    alphas, a, b, s2 = (np.asarray(z, dtype=float) for z in (alphas, a, b, s2))
    T, abar = len(alphas), np.cumprod(alphas)
    mean = np.concatenate([[x0], np.sqrt(abar) * x0])
    cov = np.zeros((T + 1, T + 1))
    for s in range(1, T + 1):
        for t in range(s, T + 1):
            cov[s, t] = cov[t, s] = np.sqrt(abar[t - 1] / abar[s - 1]) * (1 - abar[s - 1])
    expected = -0.5 * (math.log(2 * math.pi * prior_var) + ((mean[T] - prior_mean) ** 2 + cov[T, T]) / prior_var)
    for t in range(1, T + 1):
        gap = mean[t - 1] - a[t - 1] * mean[t] - b[t - 1]
        sq = gap**2 + cov[t - 1, t - 1] + a[t - 1] ** 2 * cov[t, t] - 2 * a[t - 1] * cov[t - 1, t]
        expected += -0.5 * (math.log(2 * math.pi * s2[t - 1]) + sq / s2[t - 1])
    entropy = 0.5 * np.linalg.slogdet(2 * math.pi * math.e * cov[1:, 1:])[1]
    return float(expected + entropy)


def log_marginal(x0, a, b, s2, prior_mean=0.0, prior_var=1.0) -> float:
    """log p_θ(x_0) of the linear-Gaussian reverse model, by propagating its mean and variance down the chain."""
    m, v = prior_mean, prior_var
    for t in reversed(range(len(a))):
        m, v = a[t] * m + b[t], a[t] ** 2 * v + s2[t]
    return -0.5 * (math.log(2 * math.pi * v) + (x0 - m) ** 2 / v)


def _random_model(rng, T=3):
    return dict(x0=float(rng.normal()), alphas=rng.uniform(0.4, 0.95, T), a=rng.uniform(-1.2, 1.2, T),
                b=rng.normal(0, 0.3, T), s2=rng.uniform(0.05, 0.8, T))


def _true_reverse(v0, m0, alphas):
    """Reverse kernels of the forward chain started from N(m0, v0), as (a, b, s2), and the law of x_T."""
    abar = np.cumprod(alphas)
    m = np.concatenate([[m0], np.sqrt(abar) * m0])
    v = np.concatenate([[v0], abar * v0 + 1 - abar])
    k = np.sqrt(alphas) * v[:-1] / v[1:]
    return dict(a=k, b=m[:-1] - k * m[1:], s2=v[:-1] - k**2 * v[1:]), (m[-1], v[-1])


@formula("diffusion.elbo", reference="a Monte Carlo ELBO over 2·10⁶ forward chains; the ELBO as one Gaussian expectation (numpy)")
def check_elbo(decomposition=el.elbo_linear_gaussian) -> CheckResult:
    model = CATALOGUE_MODEL
    terms = decomposition(**model)
    value = float(terms["elbo"])
    draws = el.elbo_samples_linear_gaussian(**model, n=2_000_000, generator=torch.Generator().manual_seed(113))
    mc, se = float(draws.mean()), float(draws.std() / math.sqrt(draws.numel()))
    monte_carlo = check_monte_carlo(draws, value, what=f"T = 3 model: MC ELBO {mc:.4f} ± {se:.4f}, decomposition {value:.4f}")
    rng = np.random.default_rng(114)
    models = [_random_model(rng) for _ in range(40)]
    ours = np.array([float(decomposition(**m)["elbo"]) for m in models])
    ref = np.array([exact_elbo(**m) for m in models])
    err = np.abs(ours - ref).max()
    above, below = int((ours > ref + 1e-9).sum()), int((ours < ref - 1e-9).sum())
    exact = holds(err <= 1e-10, "40 random linear-Gaussian models: decomposition = exact ELBO within 1e-10",
                  f"40 random models: off the exact ELBO by up to {err:.3g}, above it in {above} and below in {below}")
    reverse, (mT, vT) = _true_reverse(0.8, 0.5, np.array(model["alphas"]))
    x0s = [-1.0, 0.3, 2.2]
    gaps = [float(decomposition(x0, model["alphas"], **reverse, prior_mean=mT, prior_var=vT)["elbo"])
            - (-0.5 * (math.log(2 * math.pi * 0.8) + (x0 - 0.5) ** 2 / 0.8)) for x0 in x0s]
    tight = holds(max(abs(g) for g in gaps) <= 1e-10, "reverse model = the true posterior: ELBO = log q(x_0) (1e-10)",
                  f"with the true reverse kernels the ELBO misses log q(x_0) by {max(abs(g) for g in gaps):.3g}")
    bound = log_marginal(model["x0"], model["a"], model["b"], model["s2"])
    below_bound = holds(value < bound, f"ELBO {value:.4f} < log p_θ(x_0) = {bound:.4f}",
                        f"ELBO {value:.4f} ≥ log p_θ(x_0) = {bound:.4f}")
    return monte_carlo & exact & tight & below_bound


@erratum("ch09-11:E51", wrong=r"L_t=-D\big(q(x_{t-1}\mid x_t,x_0)\,\|\,p_\theta(x_{t-1}\mid x_t)\big)\ \text{for}\ 1\le t\le T-1",
         right=r"L_{t-1}=\mathbb E_{q(x_t|x_0)}\mathrm{KL}\big(q(x_{t-1}\mid x_t,x_0)\,\|\,p_\theta(x_{t-1}\mid x_t)\big),\ 2\le t\le T",
         why="The indices are off by one: the t = 1 term is the degenerate KL of a point mass (it belongs to the "
             "reconstruction term), and the last transition from x_T to x_{T−1} is missing, so the bound leaves out "
             "exactly the step that turns pure noise into signal.")
def seed_elbo_off_by_one() -> CheckResult:
    def wrong(*args, **kwargs):
        terms = el.elbo_linear_gaussian(*args, **kwargs)
        return {**terms, "elbo": terms["reconstruction"] - terms["prior"] - terms["denoising"][:-1].sum()}
    return check_elbo(decomposition=wrong)


def consistency_form(x0, alphas, a, b, s2, prior_mean=0.0, prior_var=1.0) -> dict:
    """The 'consistency' decomposition: reconstruction − E KL(q(x_T|x_{T-1}) ‖ p(x_T))
    − Σ_{t=1}^{T-1} E_{q(x_{t-1}, x_{t+1}|x_0)} KL(q(x_t|x_{t-1}) ‖ p_θ(x_t|x_{t+1})), in closed form (1-D)."""
    alphas, a, b, s2 = (np.asarray(z, dtype=float) for z in (alphas, a, b, s2))
    T, abar = len(alphas), np.concatenate([[1.0], np.cumprod(alphas)])
    m, v = np.sqrt(abar) * x0, 1 - abar                      # q(x_t | x_0), t = 0..T
    recon = -0.5 * math.log(2 * math.pi * s2[0]) - ((x0 - a[0] * m[1] - b[0]) ** 2 + a[0] ** 2 * v[1]) / (2 * s2[0])

    def kl(vq, sq_gap, vp):  # E KL(N(μ_q, vq) ‖ N(μ_p, vp)) with E(μ_q − μ_p)² = sq_gap
        return 0.5 * (math.log(vp / vq) + (vq + sq_gap) / vp - 1)

    last = alphas[T - 1]
    prior = kl(1 - last, (math.sqrt(last) * m[T - 1] - prior_mean) ** 2 + last * v[T - 1], prior_var)
    total = 0.0
    for t in range(1, T):                                      # x_{t-1} and x_{t+1}, jointly from q
        c = math.sqrt(alphas[t - 1] * alphas[t]) * v[t - 1]    # Cov(x_{t-1}, x_{t+1})
        gap = math.sqrt(alphas[t - 1]) * m[t - 1] - a[t] * m[t + 1] - b[t]
        sq = gap**2 + alphas[t - 1] * v[t - 1] + a[t] ** 2 * v[t + 1] - 2 * math.sqrt(alphas[t - 1]) * a[t] * c
        total += kl(1 - alphas[t - 1], sq, s2[t])
    return {"reconstruction": recon, "prior": prior, "elbo": recon - prior - total}


@erratum("ch09-11:E52", wrong=r"\mathbb E\log p_\theta(x_0|x_1)-\mathbb E\,\mathrm{KL}(q(x_T|x_{T-1})\|p(x_T))"
                              r"-\sum_{t=1}^{T-1}\mathbb E_{q(x_{t-1},x_{t+1}|x_0)}\mathrm{KL}(q(x_t|x_{t-1})\|p_\theta(x_t|x_{t+1}))",
         right=r"\mathbb E\log p_\theta(x_0|x_1)-\mathrm{KL}(q(x_T|x_0)\|p(x_T))"
               r"-\sum_{t=2}^T\mathbb E_{q(x_t|x_0)}\mathrm{KL}(q(x_{t-1}|x_t,x_0)\|p_\theta(x_{t-1}|x_t))",
         why="The 'consistency' form scores x_t drawn from q(x_t | x_{t-1}) as if it were independent of x_{t+1}, "
             "which it is not: it is not the ELBO (−2.630 against −2.1976 on the book's example) and lies above it "
             "for some models and below it for others, so it is not even a bound.")
def seed_elbo_consistency() -> CheckResult:
    return check_elbo(decomposition=consistency_form)


@formula("diffusion.reverse-model", reference="exact Gaussian conditioning of (x_{t-1}, x_t) with numpy, for Gaussian and point-mass data")
def check_reverse_model(variance=el.reverse_variance) -> CheckResult:
    betas = fw.linear_schedule(200, 1e-4, 0.05)
    b = to_numpy(betas)
    abar = np.concatenate([[1.0], np.cumprod(1 - b)])
    out = None
    for v0, name in ((1.0, "x_0 ~ N(0, 1): β_t"), (0.0, "x_0 a point mass: β̃_t"), (0.3, "x_0 ~ N(0, 0.3)")):
        vt = abar * v0 + 1 - abar
        exact = [_conditional(vt[t - 1], math.sqrt(1 - b[t - 1]) * vt[t - 1], vt[t])[1] for t in range(2, 201)]
        r = check_close(to_numpy(variance(v0, betas))[1:], exact, atol=1e-12, what=f"Var(x_t-1|x_t), {name}")
        out = r if out is None else out & r
    named = check_close(variance(1.0, betas), betas, atol=1e-12, what="= β_t") & \
        check_close(variance(0.0, betas)[1:], el.posterior_coefficients(betas)[2][1:], atol=1e-12, what="= β̃_t")
    return out & named


# --- KL, ε-parameterisation and the simple loss ---------------------------------------------------

@formula("diffusion.kl-equal-variance", reference="torch.distributions.kl_divergence of multivariate normals")
def check_kl_equal_variance(kl=el.kl_equal_variance, constant=el.kl_constant, general=el.gaussian_kl) -> CheckResult:
    g = torch.Generator().manual_seed(115)
    mq, mp = torch.randn(50, 8, generator=g, dtype=torch.float64), torch.randn(50, 8, generator=g, dtype=torch.float64)
    var = torch.rand(50, generator=g, dtype=torch.float64) + 0.05
    eye = torch.eye(8, dtype=torch.float64)
    ref = kl_divergence(MultivariateNormal(mq, var[:, None, None] * eye), MultivariateNormal(mp, var[:, None, None] * eye))
    same = check_close(kl(mq, mp, var), ref, rtol=1e-10, what="‖μ_q − μ_p‖²/(2σ²), d = 8, 50 pairs")
    tilde, beta = el.posterior_coefficients(fw.linear_schedule(100, 1e-4, 0.1))[2][1:], fw.linear_schedule(100, 1e-4, 0.1)[1:]
    ref2 = kl_divergence(MultivariateNormal(mq[:49], tilde[:49, None, None] * eye), MultivariateNormal(mp[:49], beta[:49, None, None] * eye))
    ours2 = kl(mq[:49], mp[:49], beta[:49]) + constant(tilde[:49], beta[:49], 8)
    with_c = check_close(ours2, ref2, rtol=1e-10, what="σ_t² = β_t ≠ β̃_t: mean term + C_t")
    zero = check_close(constant(tilde, tilde, 8), torch.zeros_like(tilde), atol=1e-15, what="C_t = 0 at σ_t² = β̃_t")
    vq, vp = torch.rand(50, generator=g, dtype=torch.float64) + 0.1, torch.rand(50, generator=g, dtype=torch.float64) + 0.1
    ref3 = kl_divergence(Normal(mq[:, 0], vq.sqrt()), Normal(mp[:, 0], vp.sqrt()))
    unequal = check_close(general(mq[:, 0], vq, mp[:, 0], vp), ref3, rtol=1e-10, what="general 1-D Gaussian KL")
    return same & with_c & zero & unequal


@formula("diffusion.eps-parameterization", reference="torch.distributions.kl_divergence between posterior and model steps")
def check_eps_parameterization(weight=el.eps_weight, mean=el.posterior_mean_from_eps) -> CheckResult:
    T = 100
    betas = fw.linear_schedule(T, 1e-4, 0.1)
    abar = fw.alpha_bar(betas)
    tilde = el.posterior_coefficients(betas)[2]
    g = torch.Generator().manual_seed(116)
    out = None
    tilde_2 = torch.cat([betas[:1], tilde[1:]])  # β̃_1 = 0 (t = 1 is the reconstruction term): unused below
    for sigma2, name in ((tilde_2, "σ_t² = β̃_t"), (betas, "σ_t² = β_t")):
        phi = weight(betas, sigma2)
        ours, ref = [], []
        for t in range(2, T + 1):
            x0, e, e_theta = (torch.randn(8, generator=g, dtype=torch.float64) for _ in range(3))
            xt = torch.sqrt(abar[t - 1]) * x0 + torch.sqrt(1 - abar[t - 1]) * e
            mu_q, _ = el.posterior(x0, xt, t, betas)
            mu_p = mean(xt, e_theta, t, betas)
            ref.append(kl_divergence(Normal(mu_q, torch.sqrt(tilde[t - 1])), Normal(mu_p, torch.sqrt(sigma2[t - 1]))).sum())
            ours.append(phi[t - 1] * ((e - e_theta) ** 2).sum() + el.kl_constant(tilde[t - 1], sigma2[t - 1], 8))
        r = check_close(torch.stack(ours), torch.stack(ref), rtol=1e-9, what=f"{name}: φ_t‖ε − ε_θ‖² + C_t and the KL, t = 2..{T}")
        out = r if out is None else out & r
    return out


def _train_linear(wrt: str, steps: int = 300):
    """Fit ε_θ(x, t) = w_t x + c_t to Gaussian data N(0.7, 0.5) with L_simple; the update follows the gradient in ``wrt``."""
    T, m, s2 = 10, 0.7, 0.5
    abar = fw.alpha_bar(fw.linear_schedule(T, 0.05, 0.5))
    g = torch.Generator().manual_seed(117)
    w, c = torch.zeros(T, dtype=torch.float64, requires_grad=True), torch.zeros(T, dtype=torch.float64, requires_grad=True)
    model = lambda x, t: w[t - 1, None] * x + c[t - 1, None]  # noqa: E731
    opt = torch.optim.Adam([w, c], lr=0.05)
    for _ in range(steps):
        x0 = m + math.sqrt(s2) * torch.randn(512, 1, generator=g, dtype=torch.float64)
        t = torch.randint(1, T + 1, (512,), generator=g)
        noise = torch.randn(512, 1, generator=g, dtype=torch.float64).requires_grad_(wrt == "eps")
        loss = el.simple_loss(model, x0, t, noise, abar)
        grads = torch.autograd.grad(loss, [w, c] if wrt == "theta" else [noise])
        if wrt == "theta":
            w.grad, c.grad = grads
            opt.step()
    x0 = m + math.sqrt(s2) * torch.randn(200_000, 1, generator=g, dtype=torch.float64)
    t = torch.randint(1, T + 1, (200_000,), generator=g)
    noise = torch.randn(200_000, 1, generator=g, dtype=torch.float64)
    with torch.no_grad():
        final = float(el.simple_loss(model, x0, t, noise, abar))
    return final, float(el.gaussian_min_simple_loss(abar, s2).mean())


@formula("diffusion.simple-loss", reference="Monte Carlo loss of ε* (4 SE); a linear ε_θ trained by autograd")
def check_simple_loss(gradient_in: str = "theta") -> CheckResult:
    m, s2 = 0.7, 0.5
    g = torch.Generator().manual_seed(118)
    out = None
    for abar in (0.9, 0.5, 0.05):
        x0 = m + math.sqrt(s2) * torch.randn(400_000, generator=g, dtype=torch.float64)
        e = torch.randn(400_000, generator=g, dtype=torch.float64)
        xt = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * e
        best = el.gaussian_optimal_eps(xt, abar, m, s2)
        sq = (e - best) ** 2
        r = check_monte_carlo(sq, float(el.gaussian_min_simple_loss(abar, s2)), what=f"ᾱ = {abar:g}: loss of ε*")
        worse = min(float(((e - (1 + d) * best - c) ** 2 - sq).mean()) for d, c in ((0.05, 0), (-0.05, 0), (0, 0.05)))
        r = r & holds(worse > 0, "perturbed predictors do worse", f"a perturbed predictor does better by {-worse:.3g}")
        out = r if out is None else out & r
    trained, floor = _train_linear(gradient_in)
    fit = holds(trained <= floor * 1.02, f"linear ε_θ trained 300 Adam steps in θ: loss {trained:.3f}, minimum {floor:.3f}",
                f"after 300 steps along the gradient in {gradient_in}: loss {trained:.3f}, above the minimum {floor:.3f} "
                "by more than 2%: the parameters did not learn")
    return out & fit


@erratum("ch09-11:E53", wrong=r"\text{gradient step on }\nabla_\epsilon\|\epsilon-\epsilon_\theta(x_t,t)\|^2",
         right=r"\text{gradient step on }\nabla_\theta\|\epsilon-\epsilon_\theta(x_t,t)\|^2",
         why="The noise ε is data, redrawn at every step; a gradient in ε changes nothing that is kept, so the "
             "network's parameters never move and the loss stays where it started.")
def seed_simple_loss() -> CheckResult:
    return check_simple_loss(gradient_in="eps")
