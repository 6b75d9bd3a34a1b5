"""Checks of ``edl.tricks.weight_decay`` (book labels ``tricks.l2-penalty`` … ``tricks.ridge``) and of the errata
there.

Independent routes: autograd of the penalties, ``torch.optim.SGD``/``Adam``/``AdamW`` with ``weight_decay``
(and param groups), ``numpy.linalg.solve`` and BFGS for the shrunk minimiser, Monte Carlo over draws of the
teacher and the noise for the Bayes risk, SLSQP for the projection, ``scipy.linalg.lstsq`` and
scikit-learn's ``Ridge``.
"""

import math

import numpy as np
import scipy.linalg
import scipy.optimize
import scipy.stats
import torch
from sklearn.linear_model import Ridge
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.tricks import weight_decay as wd


@formula("tricks.l2-penalty", reference="torch.autograd.grad of μ/2‖θ‖² and of λ‖w‖²")
def check_l2_penalty(penalty=wd.l2_penalty, penalty_grad=wd.l2_penalty_grad) -> CheckResult:
    theta = f64(np.random.default_rng(20).normal(size=7)).requires_grad_(True)
    value = penalty(theta, 0.3)
    (auto,) = torch.autograd.grad(value, theta)
    lam = 0.15
    (auto_lam,) = torch.autograd.grad(lam * (theta ** 2).sum(), theta)
    t = theta.detach()
    return all_of(check_close(value, 0.15 * float((t ** 2).sum()), rtol=1e-12, what="μ/2‖θ‖² at μ = 0.3"),
                  check_close(penalty_grad(t, 0.3), auto, atol=1e-12, what="μθ vs autograd"),
                  check_close(penalty_grad(t, 2 * lam), auto_lam, atol=1e-12,
                              what="λ‖w‖² (no ½) has gradient 2λw = μθ with μ = 2λ"))


def _quadratic_target():
    return f64([1.0, -2.0, 0.5, 3.0])


@formula("tricks.wd-gd-update", reference="torch.optim.SGD(weight_decay) and SGD on the penalised loss; Adam vs AdamW")
def check_wd_gd_update(step=wd.weight_decay_step) -> CheckResult:
    target, lr, mu = _quadratic_target(), 0.1, 0.1
    w_ref = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    w_pen = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    opt_ref = torch.optim.SGD([w_ref], lr=lr, weight_decay=mu)
    opt_pen = torch.optim.SGD([w_pen], lr=lr)
    ours = torch.zeros(4, dtype=torch.float64)
    for _ in range(10):
        opt_ref.zero_grad(), opt_pen.zero_grad()
        ((w_ref - target) ** 2).sum().backward()
        (((w_pen - target) ** 2).sum() + 0.05 * (w_pen ** 2).sum()).backward()     # λ‖w‖² with λ = μ/2
        opt_ref.step(), opt_pen.step()
        ours = step(ours, 2 * (ours - target), lr, mu)
    finals = {}
    for name in ("adam", "adam+l2", "adamw"):
        w = torch.zeros(4, dtype=torch.float64, requires_grad=True)
        opt = {"adam": lambda p: torch.optim.Adam(p, lr=lr, weight_decay=mu),
               "adam+l2": lambda p: torch.optim.Adam(p, lr=lr), "adamw": lambda p: torch.optim.AdamW(p, lr=lr, weight_decay=mu)}[name]([w])
        for _ in range(10):
            opt.zero_grad()
            loss = ((w - target) ** 2).sum() + (mu / 2 * (w ** 2).sum() if name == "adam+l2" else 0)
            loss.backward()
            opt.step()
        finals[name] = w.detach()
    gap = float((finals["adam"] - finals["adamw"]).abs().max())
    decay = step(f64([1.0]), f64([0.0]), 1e-3, 1.0)
    for _ in range(999):
        decay = step(decay, f64([0.0]), 1e-3, 1.0)
    return all_of(check_close(ours, w_ref.detach(), atol=1e-12, what="10 steps vs SGD(lr 0.1, weight_decay 0.1)"),
                  check_close(ours, w_pen.detach(), atol=1e-12, what="vs SGD on loss + 0.05‖w‖²"),
                  check_close(finals["adam"], finals["adam+l2"], atol=1e-12, what="Adam(weight_decay) vs Adam on the L2 loss"),
                  holds(gap > 0.01, f"but AdamW differs from Adam(weight_decay) by {gap:.2f}",
                        f"AdamW and Adam(weight_decay) agree to {gap:.2g}"),
                  check_close(decay[0], math.exp(-1.0), rtol=1e-3, what="no data term, ημ = 10⁻³, 1000 steps vs e^(−ημk)"))


@erratum("ch04-08:ERR-44", wrong=r"-\nabla\Big[\sum_il(f(x_i),y_i)\Big]-2C\mathbf w", right=r"-\nabla\Big[\sum_il(f(x_i),y_i)\Big]-2\lambda\mathbf w",
         why="The penalty is λ‖w‖²; a constant C that is not the penalty's coefficient decays the weights at a rate "
             "unrelated to the regularisation that was chosen.")
def seed_decay_constant() -> CheckResult:
    return check_wd_gd_update(step=lambda theta, grad, lr, weight_decay: theta - lr * (grad + 2 * 1.0 * theta))


@formula("tricks.wd-multilayer", reference="torch.autograd.grad on a 3-layer MLP; SGD param groups with weight_decay μ_l")
def check_wd_multilayer(penalty=wd.frobenius_penalty) -> CheckResult:
    g = torch.Generator().manual_seed(21)
    net = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64))
    Ws = [net[0].weight, net[2].weight, net[4].weight]
    mus = [0.1, 0.5, 2.0]
    value = penalty(Ws, mus)
    grads = torch.autograd.grad(value, list(net.parameters()), allow_unused=True)
    by_param = dict(zip([id(p) for p in net.parameters()], grads))
    weight_ok = all_of(*[check_close(by_param[id(W)], mu * W.detach(), atol=1e-12, what=f"∂Ω/∂W{l + 1} vs μ{l + 1}W{l + 1}")
                         for l, (W, mu) in enumerate(zip(Ws, mus))])
    biases = [net[i].bias for i in (0, 2, 4)]
    untouched = all(by_param[id(b)] is None or float(by_param[id(b)].abs().max()) == 0 for b in biases)
    before = [W.detach().clone() for W in Ws]
    opt = torch.optim.SGD([{"params": [W], "weight_decay": mu} for W, mu in zip(Ws, mus)], lr=0.1)
    opt.zero_grad()
    for W in Ws:
        W.grad = torch.zeros_like(W)
    opt.step()
    stepped = all_of(*[check_close(W.detach(), b - 0.1 * mu * b, atol=1e-12, what=f"SGD group {l + 1}")
                       for l, (W, b, mu) in enumerate(zip(Ws, before, mus))])
    return all_of(weight_ok, holds(untouched, "biases are not penalised", "a bias receives a penalty gradient"), stepped)


def _hessian(seed: int = 22):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    lam = np.logspace(-2, 2, 6)
    return Q, lam, Q @ np.diag(lam) @ Q.T, rng.normal(size=6)


@formula("tricks.wd-eigen-shrinkage", reference="numpy.linalg.solve(H + μI, Hθ*) and BFGS on the penalised quadratic")
def check_wd_eigen_shrinkage(shrink=wd.eigen_shrinkage) -> CheckResult:
    Q, lam, H, theta_star = _hessian()
    mu = 0.5
    ours = to_numpy(shrink(f64(H), f64(theta_star), mu))
    solved = np.linalg.solve(H + mu * np.eye(6), H @ theta_star)
    loss = lambda t: 0.5 * (t - theta_star) @ H @ (t - theta_star) + mu / 2 * t @ t  # noqa: E731
    bfgs = scipy.optimize.minimize(loss, np.zeros(6), jac=lambda t: H @ (t - theta_star) + mu * t, method="BFGS",
                                   options={"gtol": 1e-12}).x
    factors = (Q.T @ ours) / (Q.T @ theta_star)
    return all_of(check_close(ours, solved, atol=1e-10, what="d = 6, λ = logspace(-2, 2), μ = 0.5: vs solve"),
                  check_close(ours, bfgs, atol=1e-6, what="vs BFGS"),
                  check_close(factors, lam / (lam + mu), atol=1e-8,
                              what=f"factors per eigen-direction {np.round(lam / (lam + mu), 3).tolist()}"))


@erratum("ch04-08:ERR-41", wrong=r"(\Lambda+I)^{-1}=\mathrm{diag}\Big(\frac{\lambda_i}{\lambda_i+\mu}\Big)",
         right=r"(\Lambda+\mu I)^{-1}\Lambda=\mathrm{diag}\Big(\frac{\lambda_i}{\lambda_i+\mu}\Big)",
         why="Read literally, (Λ + I)⁻¹ applies the decay μ = 1 whatever μ was chosen, and omits the factor Λ: "
             "the shrunk weights are wrong for every μ ≠ 1.")
def seed_shrinkage_identity() -> CheckResult:
    def wrong(H, theta_star, mu):
        lam, Q = torch.linalg.eigh(H)
        return Q @ ((Q.T @ theta_star) / (lam + 1))
    return check_wd_eigen_shrinkage(shrink=wrong)


@erratum("ch04-08:ERR-42", wrong=r"H=Q^\top\Lambda Q\ \Rightarrow\ \theta^*_\mu=Q\,\mathrm{diag}\Big(\frac{\lambda_i}{\lambda_i+\mu}\Big)Q^\top\theta^*",
         right=r"H=Q\Lambda Q^\top\ \Rightarrow\ \theta^*_\mu=Q\,\mathrm{diag}\Big(\frac{\lambda_i}{\lambda_i+\mu}\Big)Q^\top\theta^*",
         why="The transposes must match the decomposition: with the eigenvectors as the columns of Q (as numpy and "
             "torch return them), Qᵀ diag(·) Q θ* rotates the weights the wrong way.")
def seed_shrinkage_transposes() -> CheckResult:
    def wrong(H, theta_star, mu):
        lam, Q = torch.linalg.eigh(H)
        return Q.T @ (lam / (lam + mu) * (Q @ theta_star))
    return check_wd_eigen_shrinkage(shrink=wrong)


@formula("tricks.wd-snr", reference="Monte Carlo over 2000 teachers w* and noises; scipy minimize_scalar")
def check_wd_snr(risk=wd.ridge_bayes_risk, optimum=wd.optimal_weight_decay) -> CheckResult:
    rng = np.random.default_rng(23)
    s, d, u, sigma, draws = 30, 20, 1.0, 2.0, 2000
    X = rng.normal(size=(s, d))
    grid = np.logspace(-1, 2, 61)
    evals, V = np.linalg.eigh(X.T @ X)
    w_star = u * rng.normal(size=(draws, d))
    y = w_star @ X.T + sigma * rng.normal(size=(draws, s))
    b = (y @ X) @ V                                                      # Xᵀy in the eigenbasis, (draws, d)
    w_hat = (b[:, None, :] / (evals + grid[:, None])[None]) @ V.T         # (draws, grid, d)
    err = ((w_hat - w_star[:, None, :]) ** 2).sum(-1)                     # (draws, grid)
    mc = err.mean(0)
    formula_risk = to_numpy(risk(f64(X), f64(grid), u, sigma))
    best = float(grid[np.argmin(mc)])
    closed = scipy.optimize.minimize_scalar(lambda m: float(risk(f64(X), m, u, sigma)), bounds=(0.01, 100),
                                            method="bounded", options={"xatol": 1e-9}).x
    i4 = int(np.argmin(abs(grid - 4.0)))
    return all_of(check_monte_carlo(err[:, i4], float(formula_risk[i4]), what="risk at μ = 4"),
                  check_monte_carlo(err[:, 0], float(formula_risk[0]), what="risk at μ = 0.1"),
                  holds(abs(math.log(best / optimum(sigma, u))) <= math.log(grid[1] / grid[0]) + 1e-9,
                        f"argmin of the Monte Carlo risk on the grid: μ = {best:.3g} (σ²/u² = 4)",
                        f"Monte Carlo argmin μ = {best:.3g}, not σ²/u² = {optimum(sigma, u):.3g}"),
                  check_close(closed, optimum(sigma, u), rtol=1e-6, what="minimiser of the risk formula vs σ²/u²"),
                  check_close(optimum(0.5, 2.0), 0.0625, rtol=1e-12, what="σ = 0.5, u = 2: μ* = 1/16"))


@formula("tricks.norm-constraint", reference="scipy SLSQP projection onto ‖x‖ ≤ r; plain gradient descent")
def check_norm_constraint(project=wd.project_ball, pgd=wd.projected_gd) -> CheckResult:
    rng = np.random.default_rng(24)
    vs = [rng.normal(size=4) * s for s in (0.2, 1.0, 3.0)]
    r = 1.5
    slsqp = [scipy.optimize.minimize(lambda x, z=z: ((x - z) ** 2).sum(), np.zeros(4), method="SLSQP",
                                     constraints=[{"type": "ineq", "fun": lambda x: r * r - x @ x}],
                                     options={"ftol": 1e-14}).x for z in vs]
    target = f64([3.0, 4.0])
    grad = lambda t: 2 * (t - target)  # noqa: E731
    path = pgd(grad, [0.0, 0.0], 0.05, 2.0, 60)
    plain = [torch.zeros(2, dtype=torch.float64)]
    for _ in range(60):
        plain.append(plain[-1] - 0.05 * grad(plain[-1]))
    plain = torch.stack(plain)
    inside = int((torch.linalg.vector_norm(plain, dim=1) <= 2.0).sum())
    norms = torch.linalg.vector_norm(path, dim=1)
    return all_of(check_close(torch.stack([project(f64(z), r) for z in vs]), np.array(slsqp), atol=1e-6,
                              what="Π_r(v) vs SLSQP, ‖v‖ inside and outside r"),
                  check_close(path[:inside], plain[:inside], atol=1e-12, what=f"first {inside} iterates = plain GD"),
                  holds(float(norms.max()) <= 2.0 + 1e-12, "never outside the ball", f"max norm {float(norms.max()):.4g}"),
                  check_close(path[-1], f64([1.2, 1.6]), atol=1e-9, what="limit r·t/‖t‖ = (1.2, 1.6)"))


@formula("tricks.ridge", reference="scipy.linalg.lstsq on [X; √μ I], [y; 0]; sklearn Ridge(fit_intercept=False)")
def check_ridge(fit=wd.ridge) -> CheckResult:
    rng = np.random.default_rng(25)
    X, y, mu = rng.normal(size=(40, 6)), rng.normal(size=40), 0.7
    aug = scipy.linalg.lstsq(np.vstack([X, math.sqrt(mu) * np.eye(6)]), np.concatenate([y, np.zeros(6)]))[0]
    sk = Ridge(alpha=mu, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    wide = rng.normal(size=(3, 8))
    return all_of(check_close(fit(f64(X), f64(y), mu), aug, atol=1e-10, what="s = 40, d = 6, μ = 0.7 vs lstsq"),
                  check_close(fit(f64(X), f64(y), mu), sk, atol=1e-10, what="vs sklearn Ridge"),
                  check_close(fit(f64(wide), f64(y[:3]), mu), scipy.linalg.lstsq(
                      np.vstack([wide, math.sqrt(mu) * np.eye(8)]), np.concatenate([y[:3], np.zeros(8)]))[0], atol=1e-10,
                      what="s = 3 < d = 8 (XᵀX singular)"))
