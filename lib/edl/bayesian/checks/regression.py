"""Checks of ``edl.bayesian.regression`` (book labels ``blr.*``, ``gp.linear-kernel-equivalence``,
``gp.linear-layer-kernel``) and of the erratum there.

Independent routes: ``numpy.linalg.lstsq``, ``scipy.optimize.minimize`` of the negative log likelihood,
scikit-learn's ``Ridge``, the Woodbury (d × d) form in NumPy, Gaussian conditioning of the joint law of
:math:`(w,y)`, GP regression with the linear kernel, and Monte Carlo within its standard error.
"""

import numpy as np
import scipy.optimize
import torch
from sklearn.linear_model import Ridge

from edl.bayesian import gp
from edl.bayesian import regression as rg
from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


def _data(n: int = 30, d: int = 5, sigma2: float = 0.3, seed: int = 30):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ rng.normal(size=d) + np.sqrt(sigma2) * rng.normal(size=n)


@formula("blr.least-squares-mle", reference="numpy.linalg.lstsq and scipy.optimize.minimize of the Gaussian NLL")
def check_least_squares(solve=rg.least_squares) -> CheckResult:
    X, y = _data()
    sigma2 = 0.3

    def nll(w):
        r = y - X @ w
        return 0.5 * r @ r / sigma2 + 0.5 * len(y) * np.log(2 * np.pi * sigma2)
    opt = scipy.optimize.minimize(nll, np.zeros(5), jac=lambda w: -X.T @ (y - X @ w) / sigma2, method="BFGS",
                                  options={"gtol": 1e-10})
    w = solve(f64(X), f64(y))
    return all_of(check_close(w, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10, what="n = 30, d = 5: vs numpy lstsq"),
                  check_close(w, opt.x, atol=1e-6, what="vs the minimiser of the Gaussian NLL (BFGS)"))


def _condition_joint(X, y, sigma2, Sigma):
    """The posterior of w by conditioning the joint Gaussian (w, y) on y, with gauss.marginal-conditional."""
    n, d = X.shape
    J = np.block([[Sigma, Sigma @ X.T], [X @ Sigma, X @ Sigma @ X.T + sigma2 * np.eye(n)]])
    return gp.condition_gaussian(f64(np.zeros(n + d)), f64(J), list(range(d, d + n)), f64(y))


@formula("blr.posterior-ridge", reference="the Woodbury form (NumPy), sklearn Ridge(α = σ²), conditioning the joint (w, y)")
def check_posterior_ridge(post=rg.posterior_ridge) -> CheckResult:
    X, y = _data()
    sigma2 = 0.3
    m, C = post(f64(X), f64(y), sigma2)
    woodbury = np.linalg.inv(X.T @ X + sigma2 * np.eye(5))
    mj, Cj = _condition_joint(X, y, sigma2, np.eye(5))
    ridge = Ridge(alpha=sigma2, fit_intercept=False, solver="cholesky", tol=1e-12).fit(X, y).coef_
    return all_of(check_close(m, woodbury @ X.T @ y, atol=1e-10, what="n = 30, d = 5: mean, push-through vs Woodbury"),
                  check_close(C, sigma2 * woodbury, atol=1e-10, what="covariance vs σ²(XᵀX + σ²I)⁻¹"),
                  check_close(m, ridge, atol=1e-10, what="mean vs sklearn Ridge(α = σ²)"),
                  check_close(torch.cat([m, C.flatten()]), torch.cat([mj, Cj.flatten()]), atol=1e-10,
                              what="mean and covariance vs conditioning the joint (w, y)"))


@formula("blr.general-prior", reference="conditioning the joint Gaussian (w, y) with prior N(0, Σ)")
def check_general_prior(post=rg.posterior_general) -> CheckResult:
    X, y = _data()
    sigma2 = 0.3
    R = np.random.default_rng(31).normal(size=(5, 5))
    Sigma = R @ R.T / 5 + 0.2 * np.eye(5)
    m, C = post(f64(X), f64(y), sigma2, f64(Sigma))
    mj, Cj = _condition_joint(X, y, sigma2, Sigma)
    lam = 2.5
    m_ridge, _ = post(f64(X), f64(y), sigma2, f64(np.eye(5) / lam))
    return all_of(check_close(m, mj, atol=1e-10, what="anisotropic Σ: mean vs conditioning the joint"),
                  check_close(C, Cj, atol=1e-10, what="covariance vs conditioning the joint"),
                  check_close(m_ridge, np.linalg.solve(X.T @ X + sigma2 * lam * np.eye(5), X.T @ y), atol=1e-10,
                              what="Σ = I/λ: ridge with penalty σ²λ"))


@erratum("ch09-11:E19", wrong=r"\mu_{post}=\Sigma_{post}^{-1}\tfrac1{\sigma^2}Xy", right=r"\mu_{post}=\Sigma_{post}\tfrac1{\sigma^2}Xy",
         why="Multiplying by the precision instead of the covariance inflates the mean by roughly the square of the "
             "data precision: with 30 points the 'posterior mean' is off by orders of magnitude.")
def seed_precision_for_covariance() -> CheckResult:
    def wrong(X, y, sigma2, Sigma):
        precision = torch.linalg.inv(Sigma) + X.T @ X / sigma2
        return precision @ (X.T @ y) / sigma2, torch.linalg.inv(precision)
    return check_general_prior(post=wrong)


@formula("blr.predictive", reference="10⁵ posterior draws plus noise (within 4 SE); GP regression with k = xᵀΣx'")
def check_predictive(predict=rg.predictive) -> CheckResult:
    X, y = _data()
    sigma2 = 0.3
    Sigma = np.diag([1.0, 2.0, 0.5, 1.0, 3.0])
    m, C = rg.posterior_general(f64(X), f64(y), sigma2, f64(Sigma))
    xs = np.random.default_rng(32).normal(size=(4, 5)) * 2
    mean, var_f, var_y = (to_numpy(t) for t in predict(f64(xs), m, C, sigma2))
    g = torch.Generator().manual_seed(33)
    w = m + torch.randn(100_000, 5, generator=g, dtype=F64) @ torch.linalg.cholesky(C).T
    ys = (w @ f64(xs).T + np.sqrt(sigma2) * torch.randn(100_000, 4, generator=g, dtype=F64)).numpy()
    se_m = ys.std(0) / np.sqrt(len(ys))
    dev = (ys - mean) ** 2
    se_v = dev.std(0) / np.sqrt(len(ys))
    K = X @ Sigma @ X.T
    gm, gv = gp.gp_posterior(f64(K), f64(X @ Sigma @ xs.T), f64(np.einsum("ij,jk,ik->i", xs, Sigma, xs)), f64(y), sigma2)
    return all_of(holds(np.all(np.abs(ys.mean(0) - mean) < 4 * se_m) and np.all(np.abs(dev.mean(0) - var_y) < 4 * se_v),
                        "4 test inputs, 10⁵ draws of w and noise: mean and variance of y* within 4 SE",
                        f"Monte Carlo mean {ys.mean(0).round(3)} / variance {dev.mean(0).round(3)} vs {mean.round(3)} / {var_y.round(3)}"),
                  check_close(np.stack([mean, var_f]), np.stack([to_numpy(gm), to_numpy(gv)]), atol=1e-10,
                              what="mean and Var f* vs GP regression with k(x, x') = xᵀΣx'"),
                  check_close(var_y - var_f, np.full(4, sigma2), atol=1e-12, what="Var y* − Var f* = σ²"))


@formula("gp.linear-kernel-equivalence", reference="the weight-space posterior in NumPy: X(XᵀX + σ²I)⁻¹Xᵀy and its covariance")
def check_linear_kernel_equivalence(post=rg.function_space_posterior) -> CheckResult:
    X, y = _data()
    sigma2 = 0.3
    m, C = post(f64(X), f64(y), sigma2)
    W = np.linalg.inv(X.T @ X + sigma2 * np.eye(5))
    S = np.diag([2.0, 1.0, 0.5, 0.25, 4.0])
    ms, _ = post(f64(X), f64(y), sigma2, f64(S))
    return all_of(check_close(m, X @ W @ X.T @ y, atol=1e-10, what="n = 30, 5 features, Σ = I: K(K+σ²I)⁻¹y vs Φμ_w"),
                  check_close(C, sigma2 * X @ W @ X.T, atol=1e-10, what="covariance vs ΦΣ_wΦᵀ"),
                  check_close(ms, X @ np.linalg.solve(X.T @ X + sigma2 * np.linalg.inv(S), X.T @ y), atol=1e-10,
                              what="Σ = diag(2, 1, .5, .25, 4): vs the weight-space mean"))


@formula("gp.linear-layer-kernel", reference="Monte Carlo over 10⁵ draws of w, within 4 SE")
def check_linear_layer_kernel(kernel=rg.linear_layer_kernel) -> CheckResult:
    rng = np.random.default_rng(34)
    X = rng.normal(size=(4, 6))
    sigma2 = 1.7
    g = torch.Generator().manual_seed(35)
    w = torch.randn(100_000, 6, generator=g, dtype=F64) * np.sqrt(sigma2 / 6)
    out = (w @ f64(X).T).numpy()                                           # (draws, 4)
    prods = out[:, :, None] * out[:, None, :]
    K = to_numpy(kernel(f64(X), sigma2))
    z = np.abs(prods.mean(0) - K) / (prods.std(0) / np.sqrt(len(out)))
    return holds(z.max() < 4, "4 inputs in R⁶, σ² = 1.7: all 16 entries of E[y_i y_j] within 4 SE of (σ²/d) x_iᵀx_j",
                 f"empirical Gram differs by up to {z.max():.1f} SE")
