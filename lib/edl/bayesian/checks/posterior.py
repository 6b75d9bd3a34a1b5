"""Checks of ``edl.bayesian.posterior`` (book labels ``bayes.predictive`` … ``bayes.ensembling``) and of the
erratum there.

Independent routes: SciPy's Beta and normal densities and the Beta function, the exact Gaussian posterior of
Bayesian linear regression (NumPy), autograd, and Monte Carlo within its standard error.
"""

import numpy as np
import scipy.special
import scipy.stats
import torch

from edl.bayesian import posterior as po
from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds
from edl.core.ledger import erratum, formula


def blr_problem(n: int = 30, d: int = 3, eps: float = 0.5, sigma: float = 1.5, seed: int = 0):
    """A linear-Gaussian problem and its exact posterior N(mu, C), computed with NumPy in precision form."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + eps * rng.normal(size=n)
    C = np.linalg.inv(X.T @ X / eps**2 + np.eye(d) / sigma**2)
    return X, y, C @ X.T @ y / eps**2, C


@formula("bayes.bayes-rule", reference="Beta–Bernoulli conjugacy: scipy.stats.beta.pdf and the Beta function")
def check_bayes_rule(posterior=po.grid_posterior) -> CheckResult:
    a, b, n, k = 2.0, 3.0, 10, 7
    theta = np.linspace(0.0, 1.0, 2001)
    post, evidence = posterior(f64(theta), f64(scipy.stats.beta.pdf(theta, a, b)), f64(theta**k * (1 - theta) ** (n - k)))
    exact = scipy.special.beta(a + k, b + n - k) / scipy.special.beta(a, b)
    return all_of(check_close(post, scipy.stats.beta.pdf(theta, a + k, b + n - k), atol=1e-6,
                              what="grid posterior (2001 points) vs Beta(9, 6) pdf"),
                  check_close(float(evidence), exact, rtol=1e-6, what="evidence p(S) vs B(9, 6)/B(2, 3)"))


@formula("bayes.gaussian-prior-weight-decay", reference="scipy.stats.norm.logpdf, and autograd for the decay")
def check_prior_weight_decay(nll=po.gaussian_prior_nll) -> CheckResult:
    rng = np.random.default_rng(1)
    theta, sigmas = rng.normal(size=7), rng.uniform(0.3, 3.0, size=7)
    t = f64(theta).requires_grad_()
    value = nll(t, f64(sigmas))
    (grad,) = torch.autograd.grad(value, t)
    return all_of(check_close(float(nll(f64(theta), 0.7)), -scipy.stats.norm.logpdf(theta, 0, 0.7).sum(), atol=1e-12,
                              what="one σ = 0.7: -log p(θ) vs Σ norm.logpdf"),
                  check_close(float(value.detach()), -scipy.stats.norm.logpdf(theta, 0, sigmas).sum(), atol=1e-12,
                              what="one σ_i per coordinate vs Σ norm.logpdf"),
                  check_close(grad, theta / sigmas**2, atol=1e-12, what="gradient θ_i/σ_i² (weight decay)"))


@erratum("ch09-11:E11", wrong=r"\theta_i\sim\mathcal N(0,\sigma_i^2):\ -\log p(\theta)=\tfrac1{2\sigma^2}\|\theta\|^2",
         right=r"\theta_i\sim\mathcal N(0,\sigma_i^2):\ -\log p(\theta)=\sum_i\tfrac{\theta_i^2}{2\sigma_i^2}+\text{const}",
         why="With a different variance per weight the penalty must be per weight too; one shared σ regularises "
             "every weight equally and is not the negative log prior that was assumed.")
def seed_single_sigma() -> CheckResult:
    def one_sigma(theta, sigma):
        s = torch.as_tensor(sigma, dtype=torch.float64).mean()
        return (theta**2).sum(-1) / (2 * s**2) + 0.5 * theta.shape[-1] * torch.log(2 * torch.pi * s**2)
    return check_prior_weight_decay(nll=one_sigma)


@formula("bayes.gaussian-likelihood", reference="scipy.stats.norm.logpdf")
def check_gaussian_likelihood(nll=po.gaussian_nll) -> CheckResult:
    rng = np.random.default_rng(2)
    y, f = rng.normal(size=(3, 11)), rng.normal(size=(3, 11))
    return all_of(check_close(nll(f64(y), f64(f), 0.3), -scipy.stats.norm.logpdf(y, f, 0.3).sum(-1), atol=1e-10,
                              what="-log p(S|θ), ε = 0.3, 3 data sets of 11"),
                  check_close(nll(f64(y), f64(f), 2.0), -scipy.stats.norm.logpdf(y, f, 2.0).sum(-1), atol=1e-12,
                              what="ε = 2"))


@formula("bayes.posterior-energy", reference="the exact Gaussian posterior of a linear model (scipy multivariate_normal), autograd")
def check_posterior_energy(energy=po.posterior_energy, map_=po.map_linear) -> CheckResult:
    eps, sigma = 0.5, 1.5
    X, y, mu, C = blr_problem(eps=eps, sigma=sigma)
    rng = np.random.default_rng(3)
    thetas = rng.normal(size=(5, 3))
    E = np.array([float(energy(f64(y), f64(X @ t), f64(t), eps, sigma)) for t in thetas])
    logpost = scipy.stats.multivariate_normal(mu, C).logpdf(thetas)
    t = map_(f64(X), f64(y), eps, sigma).requires_grad_()
    (grad,) = torch.autograd.grad(energy(f64(y), f64(X) @ t, t, eps, sigma), t)
    return all_of(check_close(E - E[0], -(logpost - logpost[0]), atol=1e-9,
                              what="E(θ) − E(θ₀) vs −log p(θ|S) + log p(θ₀|S) at 5 points"),
                  check_close(t.detach(), mu, atol=1e-10, what="MAP (ridge, λ = ε²/σ²) vs the posterior mean"),
                  check_close(grad, np.zeros(3), atol=1e-9, what="∇E at the MAP (autograd)"))


@formula("bayes.predictive", reference="closed-form Bayesian linear regression, Monte Carlo over 10⁵ posterior draws")
def check_predictive(mean=po.predictive_mean) -> CheckResult:
    X, y, mu, C = blr_problem()
    x_star = np.array([0.5, -1.0, 2.0])
    g = torch.Generator().manual_seed(4)
    draws = f64(mu) + torch.randn(100_000, 3, generator=g, dtype=torch.float64) @ f64(np.linalg.cholesky(C)).T
    preds = draws @ f64(x_star)
    m = float(mean(preds[:, None])[0])
    se = float(preds.std()) / np.sqrt(len(preds))
    return all_of(check_monte_carlo(preds, float(x_star @ mu), what="x*ᵀθ over posterior draws vs x*ᵀμ_post"),
                  holds(abs(m - float(preds.mean())) < 1e-12 and abs(m - x_star @ mu) < 4 * se,
                        "predictive_mean is the draws' average, within 4 SE of x*ᵀμ_post",
                        f"predictive_mean gives {m:.6g}, the draws' average {float(preds.mean()):.6g}"))


@formula("bayes.ensembling", reference="the exact predictive mean of a Gaussian posterior, scipy.special.logsumexp")
def check_ensembling(weights=po.ensemble_weights, predict=po.ensemble_prediction) -> CheckResult:
    m, s = 0.7, 0.4
    grid = np.linspace(-5.0, 5.0, 2001)
    E = (grid - m) ** 2 / (2 * s**2) + 3.0                            # any constant cancels
    w = weights(f64(E))
    ref = np.exp(-E - scipy.special.logsumexp(-E))
    f = np.stack([grid**2, np.sin(grid)], 1)                          # two "inputs": f(θ)(x₁) = θ², f(θ)(x₂) = sin θ
    return all_of(check_close(w, ref, atol=1e-15, what="weights vs exp(−E − logsumexp(−E))"),
                  check_close(predict(f64(f), f64(E)), [m**2 + s**2, np.sin(m) * np.exp(-s**2 / 2)], atol=1e-6,
                              what="members on a 2001-point grid: E[θ²] = m² + s², E[sin θ] = sin m e^{−s²/2}"),
                  check_close(predict(f64(f), f64(E + 500.0)), predict(f64(f), f64(E)), atol=1e-15,
                              what="shifting every energy by 500 changes nothing"))
