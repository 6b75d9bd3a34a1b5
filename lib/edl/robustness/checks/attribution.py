"""Checks of ``edl.robustness.attribution`` (book labels ``interp.sensitivity`` … ``interp.sage``).

Independent routes: central finite differences in float64; least-squares regression on 10⁵ Gaussian samples;
the log-loss gap of Bayes-optimal predictors computed from the pmf; Shapley values by averaging marginal
contributions over all n! orders; closed forms for linear models on a ±1 factorial design.
"""

import itertools
import math

import numpy as np
import torch

from edl.core.checking import CheckResult, all_of, check_close, f64, to_numpy
from edl.core.ledger import formula
from edl.robustness import attribution as ab


def _f(x):
    return torch.sin(x[..., 0]) * x[..., 1] + x[..., 2] ** 2 * torch.exp(0.3 * x[..., 0])


@formula("interp.sensitivity", reference="central finite differences in float64; the slope of the ceteris-paribus curve")
def check_sensitivity(grad=ab.sensitivity, curve=ab.ceteris_paribus) -> CheckResult:
    rng = np.random.default_rng(40)
    X = rng.normal(size=(5, 3))
    h = 1e-6
    fd = np.stack([(to_numpy(_f(f64(X + h * e))) - to_numpy(_f(f64(X - h * e)))) / (2 * h) for e in np.eye(3)], 1)
    x = X[0]
    slopes = [float(np.diff(to_numpy(curve(_f, f64(x), j, f64([x[j] - h, x[j] + h]))))[0] / (2 * h)) for j in range(3)]
    s = to_numpy(grad(_f, f64(X)))
    return all_of(check_close(s, fd, atol=1e-7, what="autograd vs central differences (5 points, 3 features)"),
                  check_close(slopes, s[0], atol=1e-7, what="ceteris-paribus slope at x_j vs s_j(x)"))


@formula("interp.missing-information", reference="least-squares regression of X_j on X₋ⱼ over 10⁵ Gaussian samples; independent case w_j(x_j − μ_j)")
def check_missing_information(delta=ab.missing_information) -> CheckResult:
    rng = np.random.default_rng(41)
    A = rng.normal(size=(4, 4))
    Sigma, mu, w, x = A @ A.T + 0.5 * np.eye(4), rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    S = rng.multivariate_normal(mu, Sigma, size=100_000)
    mc = []
    for j in range(4):
        rest = [i for i in range(4) if i != j]
        design = np.c_[np.ones(len(S)), S[:, rest]]
        coef = np.linalg.lstsq(design, S[:, j], rcond=None)[0]
        mc.append(w[j] * (x[j] - np.r_[1.0, x[rest]] @ coef))
    D = np.diag(np.diag(Sigma))
    return all_of(check_close(delta(f64(w), f64(mu), f64(Sigma), f64(x)), mc, atol=0.03, what="correlated: vs regression (10⁵ samples)"),
                  check_close(delta(f64(w), f64(mu), f64(D), f64(x)), w * (x - mu), atol=1e-12, what="independent: w_j(x_j − μ_j)"))


@formula("interp.conditional-mutual-information", reference="the log-loss gap of the Bayes-optimal predictors, computed from the pmf")
@np.errstate(invalid="ignore", divide="ignore")      # p(y | x) at the zero cells: masked by np.where
def check_conditional_mutual_information(cmi=ab.conditional_mutual_information) -> CheckResult:
    rng = np.random.default_rng(42)
    p = rng.dirichlet(np.ones(3 * 4 * 2)).reshape(3, 4, 2)
    p[0, 0] = 0.0
    p /= p.sum()
    log_loss_full = -np.sum(p * np.log(np.where(p > 0, p / p.sum(2, keepdims=True), 1.0)))
    gaps = []
    for j in (0, 1):
        p_rest_y = p.sum(j)                                          # p(x_rest, y)
        cond = p_rest_y / p_rest_y.sum(1, keepdims=True)             # p(y | x_rest)
        cond = cond[None] if j == 0 else cond[:, None]
        gaps.append(-np.sum(p * np.log(np.where(p > 0, np.broadcast_to(cond, p.shape), 1.0))) - log_loss_full)
    independent = np.einsum("i,j,k->ijk", [0.2, 0.3, 0.5], [0.1, 0.2, 0.3, 0.4], [0.6, 0.4])
    return all_of(check_close([float(cmi(f64(p), 0)), float(cmi(f64(p), 1))], gaps, atol=1e-12,
                              what="I(X_j; Y | X₋ⱼ) vs E[−log p(Y|X₋ⱼ)] − E[−log p(Y|X)], j = 1, 2"),
                  check_close(float(cmi(f64(independent), 0)), 0.0, atol=1e-12, what="Y independent of X: 0"))


def _by_orders(value, n: int) -> np.ndarray:
    """Shapley values as the average marginal contribution over all n! orders of the players."""
    phi = np.zeros(n)
    for order in itertools.permutations(range(n)):
        mask = torch.zeros(1, n, dtype=torch.bool)
        before = float(value(mask)[0])
        for j in order:
            mask[0, j] = True
            after = float(value(mask)[0])
            phi[j] += after - before
            before = after
    return phi / math.factorial(n)


@formula("interp.shap", reference="Shapley values over all n! orders; w_j(x_j − z̄_j) for a linear model; efficiency")
def check_shap(shap=ab.shap_values, shapley=ab.shapley_values) -> CheckResult:
    rng = np.random.default_rng(43)
    n = 6
    w, x = rng.normal(size=n), rng.normal(size=n)
    Z = rng.normal(size=(2000, n))
    linear = lambda z: z @ f64(w)  # noqa: E731
    nonlinear = lambda z: z @ f64(w) + 0.5 * z[..., 0] * z[..., 1]  # noqa: E731
    phi_lin = to_numpy(shap(linear, f64(x), f64(Z)))
    phi_nl = to_numpy(shap(nonlinear, f64(x), f64(Z)))
    total = float(nonlinear(f64(x)) - nonlinear(f64(Z)).mean())
    g4 = lambda z: z @ f64(w[:4]) + 0.5 * z[..., 0] * z[..., 1] + z[..., 0] * z[..., 1] * z[..., 2]  # noqa: E731
    game = ab.interventional_value(g4, f64(x[:4]), f64(Z[:300, :4]))
    interaction = phi_nl - phi_lin
    return all_of(check_close(phi_lin, w * (x - Z.mean(0)), atol=1e-10, what="linear, 64 coalitions, B = 2000: w_j(x_j − z̄_j)"),
                  check_close(phi_nl.sum(), total, atol=1e-10, what="with 0.5·x₁x₂: Σφ = f(x) − mean f(Z)"),
                  check_close(interaction[0], interaction[1], atol=0.05, what="interaction split about evenly between x₁, x₂"),
                  check_close(interaction[2:], np.zeros(4), atol=1e-10, what="and nothing to the other features"),
                  check_close(to_numpy(shapley(game, 4)), _by_orders(game, 4), atol=1e-12, what="n = 4, a three-way interaction: vs the 24 orders"))


@formula("interp.sage", reference="±1 factorial design (exact population moments): φ_j = w_j² Var X_j; efficiency Σφ = v(N)")
def check_sage(sage=ab.sage_values) -> CheckResult:
    n = 5
    rng = np.random.default_rng(44)
    w, scale = rng.normal(size=n), rng.uniform(0.5, 2.0, size=n)
    X = np.array(list(itertools.product((-1.0, 1.0), repeat=n))) * scale      # 32 points, exact moments
    f = lambda z: z @ f64(w)  # noqa: E731
    phi = to_numpy(sage(f, f64(X), f(f64(X)), f64(X)))
    g = lambda z: z @ f64(w) + z[..., 0] * z[..., 1]  # noqa: E731
    Y = to_numpy(g(f64(X))) + 0.3 * np.tile([1.0, -1.0], 16)
    phi_g = to_numpy(sage(g, f64(X), f64(Y), f64(X)))
    v_full = np.mean((Y - np.mean(to_numpy(g(f64(X))))) ** 2) - np.mean((Y - to_numpy(g(f64(X)))) ** 2)
    return all_of(check_close(phi, w**2 * scale**2, atol=1e-12, what="linear target, true model: w_j² Var X_j"),
                  check_close(phi_g.sum(), v_full, atol=1e-12, what="with an interaction and noise: Σφ = v(N)"))
