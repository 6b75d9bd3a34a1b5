"""Checks of ``edl.tricks.shrinkage`` (book labels ``tricks.l1-soft-threshold`` … ``tricks.early-stopping-l2``).

Independent routes: a grid search over 800,001 points per coordinate for the L1 minimiser, BFGS for the L2
one, gradient descent iterated step by step (and projected on numpy's eigenvectors), ``numpy.linalg.solve``
for the weight-decay solution, and the flat limit λ → 0 where both filters are linear in λ.
"""

import numpy as np
import scipy.optimize

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import formula
from edl.tricks import shrinkage as sh

LAMBDAS = np.logspace(-2, 2, 6)


@formula("tricks.l1-soft-threshold", reference="grid search over 800,001 points per coordinate in [−4, 4]")
def check_l1_soft_threshold(solve=sh.l1_solution, threshold=sh.soft_threshold) -> CheckResult:
    rng = np.random.default_rng(30)
    h, lam = rng.uniform(0.5, 3.0, size=6), 0.7
    theta_star = np.array([2.5, -0.2, 0.4, -3.0, 0.05, 1.1])
    grid = np.linspace(-4, 4, 800_001)
    found = np.array([grid[np.argmin(hi / 2 * (grid - ti) ** 2 + lam * np.abs(grid))] for hi, ti in zip(h, theta_star)])
    ours = to_numpy(solve(f64(theta_star), f64(h), lam))
    zeros_expected = int((np.abs(theta_star) <= lam / h).sum())
    b = np.array([-2.0, -0.3, 0.0, 0.9, 3.0])
    scalar = np.array([grid[np.argmin(0.5 * (grid - bi) ** 2 + 0.6 * np.abs(grid))] for bi in b])
    return all_of(check_close(ours, found, atol=2e-5, what="d = 6, h ~ U(0.5, 3), λ = 0.7 vs grid argmin"),
                  holds(int((ours == 0).sum()) == zeros_expected == int((np.abs(found) < 1e-9).sum()),
                        f"exactly {zeros_expected} coordinates are 0, those with |θ*ᵢ| ≤ λ/hᵢ",
                        f"{int((ours == 0).sum())} exact zeros, expected {zeros_expected}"),
                  check_close(threshold(f64(b), 0.6), scalar, atol=2e-5, what="soft threshold β = 0.6 vs grid"))


@formula("tricks.l2-diagonal", reference="scipy.optimize.minimize (BFGS) of the penalised diagonal quadratic")
def check_l2_diagonal(solve=sh.l2_solution) -> CheckResult:
    rng = np.random.default_rng(31)
    h, lam, theta_star = rng.uniform(0.5, 3.0, size=6), 0.7, rng.normal(size=6) * 2
    loss = lambda t: (h / 2 * (t - theta_star) ** 2 + lam / 2 * t ** 2).sum()  # noqa: E731
    bfgs = scipy.optimize.minimize(loss, np.zeros(6), jac=lambda t: h * (t - theta_star) + lam * t, method="BFGS",
                                   options={"gtol": 1e-12}).x
    ours = to_numpy(solve(f64(theta_star), f64(h), lam))
    return all_of(check_close(ours, bfgs, atol=1e-6, what="d = 6, λ = 0.7 vs BFGS"),
                  holds(bool((ours != 0).all()), "no coordinate is set to 0 (L2 only rescales)", "a coordinate became 0"))


def _problem(seed: int = 32):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    return Q, Q @ np.diag(LAMBDAS) @ Q.T, rng.normal(size=6)


@formula("tricks.early-stopping-trajectory", reference="gradient descent iterated 222 steps from w⁰ = 0")
def check_early_stopping_trajectory(trajectory=sh.gd_quadratic) -> CheckResult:
    Q, H, w_star = _problem()
    lr = 0.9 / LAMBDAS.max()
    w = np.zeros(6)
    iterates = [w]
    for _ in range(222):
        w = w - lr * H @ (w - w_star)
        iterates.append(w)
    closed = np.stack([to_numpy(trajectory(f64(H), f64(w_star), lr, t)) for t in (0, 1, 10, 222)])
    return check_close(closed, np.stack([iterates[t] for t in (0, 1, 10, 222)]), atol=1e-10,
                       what="t = 0, 1, 10, 222 (η = 0.9/λ_max, λ = logspace(-2, 2, 6))")


@formula("tricks.early-stopping-l2", reference="gradient descent in numpy's eigenbasis; numpy.linalg.solve(H + μI, Hw*)")
def check_early_stopping_l2(es=sh.early_stopping_factors, l2=sh.l2_factors, steps=sh.equivalent_steps) -> CheckResult:
    Q, H, w_star = _problem()
    mu, lr = 0.5, 0.9 / LAMBDAS.max()
    k = steps(lr, mu)
    w = np.zeros(6)
    for _ in range(k):
        w = w - lr * H @ (w - w_star)
    measured_es = (Q.T @ w) / (Q.T @ w_star)
    measured_l2 = (Q.T @ np.linalg.solve(H + mu * np.eye(6), H @ w_star)) / (Q.T @ w_star)
    e, r = to_numpy(es(f64(LAMBDAS), lr, k)), to_numpy(l2(f64(LAMBDAS), mu))
    flat = float(es(f64(1e-6), lr, k) / l2(f64(1e-6), mu))
    return all_of(holds(k == 222, "k = round(1/(ημ)) = 222 for η = 0.009, μ = 0.5", f"k = {k}, not 222"),
                  check_close(e, measured_es, atol=1e-10, what=f"early stopping {np.round(e, 3).tolist()}"),
                  check_close(r, measured_l2, atol=1e-10, what=f"weight decay {np.round(r, 3).tolist()}"),
                  check_close(flat, 1.0, atol=2e-3, what="flat limit λ = 10⁻⁶: ratio of the two factors"),
                  holds(abs(e[0] / r[0] - 1) < 0.06 and min(e[-2:].min(), r[-2:].min()) > 0.96 and abs(e[2] - r[2]) > 0.1,
                        "same for λ ≪ μ (6%) and λ ≫ μ (> 0.96), different at λ ≈ μ (0.549 vs 0.443)",
                        f"factors {np.round(e, 3).tolist()} vs {np.round(r, 3).tolist()}"))
