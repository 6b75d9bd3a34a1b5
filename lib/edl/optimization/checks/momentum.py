"""Checks of ``edl.optimization.momentum`` (book labels ``momentum.*``) and of the seeds' erratum there.

Heavy ball, Nesterov's method and the optimality of acceleration. Each check takes the formula under test
as a keyword argument (default: the library function) and compares it with a route that does not share
its code: ``torch.optim.SGD`` run step for step, numpy eigenvalues of the iteration matrix, the proven
bound along a run, closed-form iteration counts and fitted log-log slopes. All randomness is seeded;
verdicts state tolerances and 3-significant-digit numbers, so they print the same everywhere.
"""

import math

import numpy as np
import scipy.optimize
import torch

from edl.optimization import momentum as mo
from edl.optimization.checks.stochastic import _quadratic, _ratio_leq, _torch_trajectory
from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


# --- momentum -------------------------------------------------------------------------------------

@formula("momentum.heavy-ball", reference="torch.optim.SGD(momentum); numpy eigenvalues of the 2x2 iteration")
def check_heavy_ball(step=mo.heavy_ball_step, matrix=mo.momentum_matrix) -> CheckResult:
    H, x0 = _quadratic(15)
    lr, beta = 0.05, 0.8
    prev, x, ours = f64(x0), f64(x0), []
    for _ in range(50):
        prev, x = x, step(x, prev, f64(H) @ x, lr, beta)
        ours.append(x)
    ref = _torch_trajectory(lambda p: torch.optim.SGD(p, lr=lr, momentum=beta), H, x0, 50)
    cls = _torch_trajectory(lambda p: mo.SGD(p, lr=lr, momentum=beta), H, x0, 50)
    same = check_close(torch.stack(ours), ref, atol=1e-12, what="50 steps (two-point form) and torch SGD(momentum)") & \
        check_close(cls, ref, atol=1e-12, what="edl.optimization.momentum.SGD and torch")
    lr_opt, beta_opt, rate = mo.heavy_ball_optimal(1.0, 100.0)
    lam = np.linspace(1.0, 100.0, 2001)
    radius = max(np.abs(np.linalg.eigvals(np.array([[1 + beta_opt - lr_opt * l, -beta_opt], [1.0, 0.0]]))).max()
                 for l in lam)
    spectral = check_close([rate, radius], [9 / 11, 9 / 11], atol=1e-6,
                           what="κ = 100: predicted rate, max spectral radius over [μ, L], and 9/11")
    # the 2×2 iteration matrix against 30 steps of the update rules themselves on e ↦ λe²/2 (heavy ball and Nesterov)
    by_matrix, by_step = [], []
    for lookahead, rule in ((False, lambda e, p, lam: mo.heavy_ball_step(e, p, lam * e, 0.05, 0.8)),
                            (True, lambda e, p, lam: mo.nesterov_step(e, p, lambda z: lam * z, 0.05, 0.8))):
        lams = f64([0.5, 3.0, 20.0, 39.0])
        M = matrix(lams, 0.05, 0.8, lookahead=lookahead)  # (4, 2, 2)
        state, prev, cur = f64(np.stack([[1.0, 0.7]] * 4)), f64([0.7] * 4), f64([1.0] * 4)
        for _ in range(30):
            state = (M @ state[..., None])[..., 0]
            prev, cur = cur, rule(cur, prev, lams)
            by_matrix.append(state[:, 0])
            by_step.append(cur)
    matrices = check_close(torch.stack(by_matrix), torch.stack(by_step), rtol=1e-10, atol=1e-12,
                           what="30 steps by the 2×2 iteration matrix and by the heavy-ball and Nesterov steps (4 curvatures)")
    return same & spectral & matrices


def _nesterov_radius(beta: float, lr: float, lam: np.ndarray) -> float:
    """max over λ of the spectral radius (numpy eigenvalues) of Nesterov's iteration on ½λe², written from the update:
    y = e_t + β(e_t − e_{t−1}), e_{t+1} = (1 − ηλ)y."""
    c = 1 - lr * lam
    M = np.stack([np.stack([(1 + beta) * c, -beta * c], -1), np.stack([np.ones_like(c), np.zeros_like(c)], -1)], -2)
    return float(np.abs(np.linalg.eigvals(M)).max())


def _nesterov_run_in_torch(lam: np.ndarray, x0: np.ndarray, lr: float, beta: float) -> CheckResult:
    """The 300-step run on ½Σλᵢxᵢ² with settings the library's step refuses, by torch.optim.SGD(nesterov=True).

    The verdict is what the run does (it diverges or it does not), not that the library refuses the settings.
    """
    x = torch.nn.Parameter(f64(x0))
    opt = torch.optim.SGD([x], lr=lr, momentum=beta, nesterov=True)
    lam_t, first = f64(lam), 0.5 * float((lam * x0**2).sum())
    for k in range(1, 301):
        opt.zero_grad()
        x.grad = lam_t * x.detach()
        opt.step()
        gap = 0.5 * float((lam_t * x.detach() ** 2).sum())
        if not math.isfinite(gap) or gap > 1e100:
            return CheckResult(False, f"β = {beta:.3g}: torch's Nesterov SGD with these settings diverges "
                                      f"(f > 1e100 by step {k}, from f(x₀) = {first:.3g})", float("inf"))
    return CheckResult(True, f"β = {beta:.3g}: torch's Nesterov SGD with these settings ends at f = {gap:.3g} after 300 steps")


@formula("momentum.nesterov", reference="numpy eigenvalues of the 2×2 iteration, minimised over β (scipy); "
                                        "torch.optim.SGD(nesterov=True); the bound along a 300-step run")
def check_nesterov(parameters=mo.nesterov_parameters, bound=mo.nesterov_bound) -> CheckResult:
    rng = np.random.default_rng(16)
    lam = np.logspace(0, 2, 50)
    x0 = rng.normal(size=50)
    mu, L = 1.0, 100.0
    lr, beta = parameters(mu, L)
    kappa = L / mu
    prev, x, gaps, lam_t = f64(x0), f64(x0), [0.5 * float((lam * x0**2).sum())], f64(lam)
    for k in range(1, 301):
        try:
            prev, x = x, mo.nesterov_step(x, prev, lambda p: lam_t * p, lr, beta)
        except ValueError:  # the library's step refuses these settings; run them through torch's Nesterov SGD instead
            return _nesterov_run_in_torch(lam, x0, lr, beta)
        gaps.append(0.5 * float((lam_t * x**2).sum()))
        if not math.isfinite(gaps[-1]) or gaps[-1] > 1e100:
            return CheckResult(False, f"β = {beta:.3g}: the iterates diverge (f > 1e100 by step {k})", float("inf"))
    under = _ratio_leq(gaps, bound(f64(np.arange(301)), mu, L, float((x0**2).sum())),
                       what=f"(f(x_k) − f*)/[L(1 − 1/√κ)^k‖x₀ − x*‖²], κ = {kappa:.3g}, k ≤ 300")
    # the worst-case rate over [μ, L] as a function of β, at η = 1/L: minimised by β = (√κ−1)/(√κ+1), where it is the
    # bound's 1 − 1/√κ (a double root at λ = μ)
    spectrum = np.linspace(mu, L, 201)
    grid = np.linspace(0.0, 0.98, 99)
    coarse = grid[np.argmin([_nesterov_radius(b, 1 / L, spectrum) for b in grid])]
    best = scipy.optimize.minimize_scalar(lambda b: _nesterov_radius(b, 1 / L, spectrum), method="bounded",
                                          bounds=(coarse - 0.01, coarse + 0.01), options={"xatol": 1e-10})
    factor = float(bound(1.0, mu, L, 1.0) / bound(0.0, mu, L, 1.0))
    tuned = check_close([beta, lr], [best.x, 1 / L], atol=1e-6,
                        what=f"κ = 100: (β, η) and the β minimising the worst spectral radius ({best.x:.6f}), η = 1/L") & \
        check_close(factor, best.fun, atol=1e-4, what=f"the bound's factor per step and that minimal radius ({best.fun:.4f})")
    H, y0 = _quadratic(17)
    ref = _torch_trajectory(lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True), H, y0, 50)
    cls = _torch_trajectory(lambda p: mo.SGD(p, lr=0.05, momentum=0.8, nesterov=True), H, y0, 50)
    same = check_close(cls, ref, atol=1e-12, what="edl.optimization.momentum.SGD(nesterov=True) and torch, 50 steps")
    return under & tuned & same


@formula("momentum.acceleration-optimality", reference="closed-form GD count; fitted log-log slopes")
def check_acceleration(count=mo.iterations_to_tolerance) -> CheckResult:
    kappa = np.logspace(1, 3, 5)
    lam = f64(np.stack([np.ones(5), kappa], -1))
    gd = to_numpy(count(lam, [1.0, 1.0], f64(1 / kappa), 0.0, lookahead=False, tol=1e-3))
    q = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
    nes = to_numpy(count(lam, [1.0, 1.0], f64(1 / kappa), f64(q), lookahead=True, tol=1e-3))
    # GD with η = 1/κ: the stiff coordinate vanishes in one step, the other decays as (1 − 1/κ)^t
    closed = np.maximum(1, np.ceil(np.log(1e-3 * math.sqrt(2)) / np.log(1 - 1 / kappa)))
    exact = check_close(gd, closed, atol=0.5, what="GD counts and the closed form")
    s_gd = np.polyfit(np.log(kappa), np.log(gd), 1)[0]
    s_nes = np.polyfit(np.log(kappa), np.log(nes), 1)[0]
    slopes = holds(abs(s_gd - 1) <= 0.1 and abs(s_nes - 0.5) <= 0.1,
                    f"log-log slopes over κ = 10..1000: GD {s_gd:.2f} (1 ± 0.1), Nesterov {s_nes:.2f} (0.5 ± 0.1)",
                    f"log-log slopes: GD {s_gd:.2f}, Nesterov {s_nes:.2f}, not within 0.1 of 1 and 0.5")
    return exact & slopes


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

@erratum("ch01-03:E45", wrong=r"\kappa=L/\pi,\ \beta=L/\pi", right=r"\kappa=L/\mu,\ \beta=\frac{\sqrt\kappa-1}{\sqrt\kappa+1}",
         why="Read literally, β = L/π exceeds 1 for any L > π (31.8 for L = 100), so the momentum amplifies instead of "
             "damping and Nesterov's iterates diverge within a few dozen steps.")
def seed_nesterov() -> CheckResult:
    return check_nesterov(parameters=lambda mu, L: (1 / L, L / math.pi))
