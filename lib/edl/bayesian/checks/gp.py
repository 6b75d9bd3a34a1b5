"""Checks of ``edl.bayesian.gp`` (book labels ``gauss.marginal-conditional``, ``gp.definition``,
``gp.mean-covariance``, ``gp.example-kernels``, ``gp.kernel-regression``) and of the erratum there.

Independent routes: the precision-matrix form of Gaussian conditioning (NumPy), least-squares regression on
Monte Carlo samples, Kolmogorov–Smirnov tests, scikit-learn's ``rbf_kernel`` and
``GaussianProcessRegressor``, and NumPy eigenvalues and ranks.
"""

import functools

import numpy as np
import scipy.stats
import torch
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF
from sklearn.metrics.pairwise import rbf_kernel as sk_rbf

from edl.bayesian import gp
from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


def _spd(n: int, seed: int) -> np.ndarray:
    R = np.random.default_rng(seed).normal(size=(n, n))
    return R @ R.T + 0.5 * np.eye(n)


@formula("gauss.marginal-conditional", reference="the precision-matrix form (NumPy) and least squares on 2·10⁵ samples")
def check_conditional(condition=gp.condition_gaussian) -> CheckResult:
    S = _spd(5, 20)
    rng = np.random.default_rng(21)
    mu, xa = rng.normal(size=5), rng.normal(size=2)
    m, C = condition(f64(mu), f64(S), [0, 1], f64(xa))
    P = np.linalg.inv(S)
    P_BB = P[2:, 2:]
    m_ref = mu[2:] - np.linalg.solve(P_BB, P[2:, :2] @ (xa - mu[:2]))
    z = rng.multivariate_normal(mu, S, size=200_000)
    design = np.column_stack([np.ones(len(z)), z[:, :2]])
    coef, *_ = np.linalg.lstsq(design, z[:, 2:], rcond=None)
    resid = z[:, 2:] - design @ coef
    m0, _ = condition(f64(mu), f64(S), [0, 1], f64(mu[:2]))
    slope = to_numpy(condition(f64(mu), f64(S), [0, 1], f64(mu[:2] + [1.0, 0.0]))[0] - m0)
    slope2 = to_numpy(condition(f64(mu), f64(S), [0, 1], f64(mu[:2] + [0.0, 1.0]))[0] - m0)
    return all_of(check_close(m, m_ref, atol=1e-10, what="5-dim Gaussian given 2 coordinates: mean vs precision form"),
                  check_close(C, np.linalg.inv(P_BB), atol=1e-10, what="covariance (Schur complement) vs Λ_BB⁻¹"),
                  check_close(np.stack([slope, slope2]), coef[1:], atol=0.03 * np.abs(coef[1:]).max(),
                              what="regression slopes of X_B on X_A, 2·10⁵ samples"),
                  check_close(np.cov(resid.T), C, atol=0.02 * np.abs(S).max(), what="residual covariance"))


@functools.cache
def _gp_draws():
    x = np.linspace(-2, 2, 20)[:, None]
    K = sk_rbf(x, x, gamma=1.0)
    mean = np.sin(2 * x[:, 0])
    return x, K, mean, to_numpy(gp.sample_gp(f64(mean), f64(K), 5000, torch.Generator().manual_seed(22)))


@formula("gp.definition", reference="KS tests of projections αᵀf against N(αᵀμ, αᵀKα) (scipy.stats.kstest)")
def check_definition(sampler=gp.sample_gp) -> CheckResult:
    x, K, mean, _ = _gp_draws()
    f = to_numpy(sampler(f64(mean), f64(K), 5000, torch.Generator().manual_seed(23)))
    rng = np.random.default_rng(24)
    ps = []
    for alpha in [rng.normal(size=20) for _ in range(3)] + [np.eye(20)[7]]:
        ps.append(scipy.stats.kstest(f @ alpha, "norm", args=(alpha @ mean, np.sqrt(alpha @ K @ alpha))).pvalue)
    return holds(min(ps) > 1e-3, "RBF GP on 20 points, 5000 draws: αᵀf ~ N(αᵀμ, αᵀKα) for 4 directions (KS p > 1e-3)",
                 f"projections fail the KS test: p-values {[round(p, 4) for p in ps]}")


@formula("gp.mean-covariance", reference="Monte Carlo over 5000 draws of f: mean and covariance within 4 SE")
def check_mean_covariance(moments=gp.empirical_mean_covariance) -> CheckResult:
    x, K, mean, f = _gp_draws()
    mu_hat, K_hat = (to_numpy(t) for t in moments(f64(f)))
    n = len(f)
    se_mu = f.std(0) / np.sqrt(n)
    c = f - mean
    prods = c[:, :, None] * c[:, None, :]
    se_K = prods.std(0) / np.sqrt(n)
    if mu_hat.shape != mean.shape or K_hat.shape != K.shape:
        return holds(False, "", f"estimates have shapes {mu_hat.shape} and {K_hat.shape}, not functions of the "
                                f"{len(mean)} inputs {mean.shape} and {K.shape}")
    ok_mu = np.all(np.abs(mu_hat - mean) <= 4 * se_mu)
    ok_K = np.all(np.abs(K_hat - K) <= 4 * se_K + 4 * se_mu[:, None] * se_mu[None, :] * n ** 0.5 + 1e-12)
    return all_of(holds(ok_mu, "mean function μ(x_i) = E_f f(x_i): all 20 within 4 SE",
                        f"mean function off by up to {np.abs(mu_hat - mean).max():.3g}"),
                  holds(ok_K, "kernel E_f[f(x)f(y)] − μ(x)μ(y): all 400 entries within 4 SE",
                        f"kernel off by up to {np.abs(K_hat - K).max():.3g}"),
                  holds(np.linalg.eigvalsh(K_hat).min() > -1e-10, "estimated K is positive semi-definite",
                        "estimated K has a negative eigenvalue"))


@erratum("ch09-11:E18", wrong=r"\mu(x)=\mathbb E_x[f(x)],\quad k(x,y)=\mathbb E_{x,y}[f(x)f(y)]",
         right=r"\mu(x)=\mathbb E_f[f(x)],\quad k(x,y)=\mathbb E_f[f(x)f(y)]-\mu(x)\mu(y)",
         why="Averaging over the inputs instead of over the random function gives one number per draw, not a "
             "function of x: it cannot describe how f varies at a given input.")
def seed_expectation_over_inputs() -> CheckResult:
    def over_inputs(samples):
        f = torch.as_tensor(samples)
        mu = f.mean(1)                                                     # an average over x, one per draw
        return mu, f.T @ f / f.shape[1]
    return check_mean_covariance(moments=over_inputs)


@formula("gp.example-kernels", reference="sklearn rbf_kernel; NumPy eigenvalues and matrix_rank on 50 points")
def check_kernels(rbf=gp.rbf_kernel, linear=gp.linear_kernel) -> CheckResult:
    rng = np.random.default_rng(25)
    X = rng.normal(size=(50, 3))
    S = _spd(3, 26)
    K_lin, K_rbf = to_numpy(linear(f64(X), f64(X))), to_numpy(rbf(f64(X), f64(X), 1.0))
    return all_of(check_close(K_rbf, sk_rbf(X, X, gamma=1.0), atol=1e-14, what="RBF, ε = 1, vs sklearn rbf_kernel"),
                  check_close(linear(f64(X), f64(X[:4]), f64(S)), X @ S @ X[:4].T, atol=1e-12, what="xᵀΣy vs NumPy"),
                  holds(np.linalg.eigvalsh(K_lin).min() >= -1e-10 and np.linalg.eigvalsh(K_rbf).min() >= -1e-10,
                        "both Gram matrices positive semi-definite (min eigenvalue ≥ −1e-10)",
                        "a Gram matrix has a negative eigenvalue"),
                  holds(np.linalg.matrix_rank(K_lin) == 3 and np.linalg.matrix_rank(K_rbf) == 50,
                        "rank 3 = d for the linear kernel, 50 (full) for the RBF",
                        f"ranks {np.linalg.matrix_rank(K_lin)} and {np.linalg.matrix_rank(K_rbf)}, not 3 and 50"))


@formula("gp.kernel-regression", reference="sklearn GaussianProcessRegressor (fixed kernel); joint-Gaussian precision form")
def check_kernel_regression(posterior=gp.gp_posterior) -> CheckResult:
    rng = np.random.default_rng(27)
    x = np.sort(rng.uniform(-3, 3, 15))[:, None]
    y = np.sin(x[:, 0]) + 0.1 * rng.normal(size=15)
    xs = np.linspace(-3.5, 3.5, 9)[:, None]
    ell, noise = 0.8, 0.01
    K, Ks = sk_rbf(x, x, gamma=1 / (2 * ell**2)), sk_rbf(x, xs, gamma=1 / (2 * ell**2))
    m, var = (to_numpy(t) for t in posterior(f64(K), f64(Ks), f64(np.ones(9)), f64(y), noise))
    model = GaussianProcessRegressor(RBF(ell), alpha=noise, optimizer=None).fit(x, y)
    m_sk, sd_sk = model.predict(xs, return_std=True)
    # one test point at a time: the 16-dim joint, conditioned through its precision matrix
    joint_m, joint_v = [], []
    for j in range(9):
        J = np.block([[K + noise * np.eye(15), Ks[:, j:j + 1]], [Ks[:, j:j + 1].T, np.ones((1, 1))]])
        P = np.linalg.inv(J)
        joint_v.append(1 / P[-1, -1])
        joint_m.append(-P[-1, :15] @ y / P[-1, -1])
    K8 = K[::2, ::2]                                                       # 8 well-separated inputs
    m0, v0 = (to_numpy(t) for t in posterior(f64(K8), f64(K8), f64(np.ones(8)), f64(y[::2]), 0.0))
    return all_of(check_close(m, m_sk, atol=1e-8, what="RBF GP, n = 15: posterior mean vs sklearn"),
                  check_close(var, sd_sk**2, atol=1e-8, what="posterior variance vs sklearn"),
                  check_close(np.stack([m, var]), np.stack([joint_m, joint_v]), atol=1e-8,
                              what="mean and variance vs the precision form of the 16-dim joint"),
                  check_close(np.stack([m0, v0]), np.stack([y[::2], np.zeros(8)]), atol=1e-8,
                              what="noise-free: interpolates y with variance 0 at the training inputs"))
