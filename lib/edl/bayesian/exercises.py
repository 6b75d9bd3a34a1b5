"""Exercises of chapter 9, part 2 (Bayesian inference, MCMC, Gaussian processes, the NNGP); each reference is an
independent route (the precision form of a Gaussian, scikit-learn, a discrete Lyapunov equation, SciPy densities
and quadrature, or the explorers' own data)."""

import numpy as np
import scipy.linalg
import scipy.stats
from sklearn.linear_model import Ridge

from edl.core.exercises import exercise


@exercise("ch09.ex.gaussian-conditional", function="gaussian_conditional", kind="implement",
          title="Conditioning a bivariate Gaussian",
          cases=[([0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], 2.0), ([1.0, -1.0], [[2.0, -0.6], [-0.6, 0.5]], 0.0),
                 ([0.0, 3.0], [[4.0, 0.0], [0.0, 9.0]], 5.0),                     # independent: nothing to learn
                 ([0.5, 0.5], [[1.0, 0.99], [0.99, 1.0]], -1.0)],
          atol=1e-10, rtol=1e-10,
          hint="mean μ₂ + Σ₂₁Σ₁₁⁻¹(x₁ − μ₁), variance Σ₂₂ − Σ₂₁²/Σ₁₁; return them as a pair")
def _gaussian_conditional(mu, Sigma, x1):
    # Independent route: the precision matrix Λ = Σ⁻¹ gives Var = 1/Λ₂₂ and mean μ₂ − Λ₂₁(x₁ − μ₁)/Λ₂₂.
    P = np.linalg.inv(np.asarray(Sigma, float))
    return np.array([mu[1] - P[1, 0] * (x1 - mu[0]) / P[1, 1], 1 / P[1, 1]])


@exercise("ch09.ex.ridge-posterior", function="ridge_posterior_mean", kind="implement",
          title="The posterior mean of Bayesian linear regression",
          cases=[([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 3.0], 0.5),
                 ([[1.0], [2.0], [3.0]], [2.0, 4.1, 5.9], 1.0),
                 ([[1.0, 2.0, 0.5], [0.0, 1.0, -1.0]], [1.0, 0.0], 0.1),           # fewer points than weights
                 ([[1.0, 0.0]], [0.0], 2.0)],                                       # y = 0: the prior mean 0
          atol=1e-9, rtol=1e-9,
          hint="prior w ~ N(0, I), noise variance σ²: μ = (XᵀX + σ²I)⁻¹Xᵀy")
def _ridge_posterior_mean(X, y, sigma2):
    # Independent route: scikit-learn's ridge regression with penalty α = σ² and no intercept.
    model = Ridge(alpha=sigma2, fit_intercept=False, solver="cholesky")
    return model.fit(np.asarray(X, float), np.asarray(y, float)).coef_


@exercise("ch09.ex.ula-variance", function="ula_variance", kind="derive",
          title="The stationary variance of the unadjusted Langevin algorithm",
          tight=[(1e-6,), (1.0,)],                   # η → 0 recovers the target's variance 1; η = 1 doubles it
          cases=[(0.1,), (0.5,), (1.5,), (0.01,)], atol=1e-10, rtol=1e-10,
          hint="x_{t+1} = (1 − η)x_t + √(2η) ξ_t: at stationarity Var x = (1 − η)² Var x + 2η")
def _ula_variance(eta):
    # Independent route: the discrete Lyapunov equation v = a v a + q with a = 1 − η, q = 2η.
    return float(scipy.linalg.solve_discrete_lyapunov(np.array([[1 - eta]]), np.array([[2 * eta]]))[0, 0])


ACCEPTANCE = {
    "a": "high: above 0.8",
    "b": "intermediate: between 0.2 and 0.8",
    "c": "low: below 0.2",
}


@exercise("ch09.ex.hmc-acceptance", function="hmc_acceptance_prediction", kind="predict",
          title="How often does HMC accept?", choices=ACCEPTANCE,
          cases=[("leapfrog", 0.3), ("euler", 0.3), ("euler", 0.05), ("leapfrog", 0.8), ("euler", 0.2), ("euler", 1.0)],
          hint="leapfrog's energy error stays O(η²) along a trajectory; Euler's grows like (1 + η²λ)^{L/2}",
          explanation="Leapfrog is symplectic: its energy error oscillates with amplitude O(η²) instead of growing, so "
                      "even at η·√λ_max = 0.8 most proposals are accepted. Explicit Euler multiplies the energy by about "
                      "1 + η²λ per step; over 5–24 steps that is harmless only for tiny steps (0.05), keeps only about "
                      "a quarter of the proposals at 0.2 and almost none from 0.3 on.")
def _hmc_acceptance(integrator, eta):
    # Independent route: the acceptance the explorer measured.
    from edl.bayesian.figures.mcmc import HMC_ETAS, hmc_acceptance_curve
    rate = hmc_acceptance_curve(integrator)[HMC_ETAS.index(eta)]
    return "a" if rate > 0.8 else "b" if rate >= 0.2 else "c"


MH_BUGGY = '''\
import math

def mh_log_accept(x, x_new):
    "log acceptance probability of x → x_new for the target Gamma(3, 1), p(x) ∝ x² e^{-x}, when x_new = x·e^{0.5 ξ}."
    log_p = lambda z: 2 * math.log(z) - z
    return min(0.0, log_p(x_new) - log_p(x))
'''


@exercise("ch09.ex.mh-hastings-debug", function="mh_log_accept", kind="debug",
          title="A Metropolis step that forgets its proposal", buggy=MH_BUGGY,
          cases=[(1.0, 2.0), (3.0, 1.5), (2.0, 2.0), (0.5, 4.0), (4.0, 3.5)], atol=1e-10, rtol=1e-10,
          hint="is the log-normal proposal symmetric? compare q(x_new | x) with q(x | x_new)",
          explanation="The multiplicative proposal x' = x e^{0.5ξ} is log-normal around x, and q(x'|x)/q(x|x') = x/x': it "
                      "proposes small steps from small x. Without the Hastings factor x'/x the chain samples p(x)/x, "
                      "which is Gamma(2, 1) here: its mean is 2, not 3.")
def _mh_log_accept(x, x_new):
    # Independent route: the densities of scipy.stats.gamma and scipy.stats.lognorm.
    ratio = (scipy.stats.gamma.logpdf(x_new, 3) + scipy.stats.lognorm.logpdf(x, 0.5, scale=x_new)
             - scipy.stats.gamma.logpdf(x, 3) - scipy.stats.lognorm.logpdf(x_new, 0.5, scale=x))
    return min(0.0, float(ratio))


@exercise("ch09.ex.relu-kernel", function="relu_kernel", kind="derive",
          title="The ReLU kernel at correlation ρ",
          tight=[(1.0,), (-1.0,), (0.0,)],           # ρ = 1: E relu² = ½; ρ = −1: never both positive; ρ = 0: (E relu)²
          cases=[(0.5,), (-0.5,), (0.9,), (-0.2,)], atol=1e-8, rtol=1e-7,
          hint="write v = ρu + √(1−ρ²)w, integrate over the wedge where u > 0 and v > 0 in polar coordinates")
def _relu_kernel(rho):
    # Independent route: two-dimensional quadrature over the quadrant where both units are active.
    from edl.bayesian.checks.nngp import _relu_pair_quad
    return _relu_pair_quad(1.0, rho, 1.0)


@exercise("ch09.ex.finite-width-kurtosis", function="kurtosis_at_width", kind="explore",
          title="How far from Gaussian is a finite-width layer?",
          explorer="edl.bayesian.figures.gaussian.finite_width_explorer",
          cases=[(1,), (5,), (12,), (20,), (60,)], atol=0.06, rtol=0.1,
          hint="read the excess kurtosis in the title of the left panel at a few widths; how does it scale with m?")
def _kurtosis_at_width(m):
    from edl.bayesian.figures.gaussian import finite_width_data   # the explorer's own data
    return finite_width_data(m)[1]

