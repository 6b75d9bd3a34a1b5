"""Checks of ``edl.robustness.defenses`` (book labels ``adv.robust-training`` … ``adv.certified-defenses``)
and of the errata there.

Independent routes: PGD for the inner maximum and autograd at its maximiser (Danskin); an LP over
transport plans (``scipy.optimize.linprog``); ``numpy.linalg.svd`` of the autograd Jacobian and finite
differences; enumeration of output sign vectors; random points and corners of the input box; Monte Carlo
of the smoothed classifier within its standard error.
"""

import itertools
import math

import numpy as np
import scipy.optimize
import scipy.stats
import torch
import torch.nn.functional as F

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.robustness import defenses as df
from edl.robustness.pgd import pgd


def _gaussian_task(rng, n: int, d: int = 50):
    g = rng.normal(size=d)
    mu = 0.6 * 2 / math.sqrt(d) * g
    y = rng.choice([-1.0, 1.0], size=n)
    return y[:, None] * mu + rng.normal(size=(n, d)), y


@formula("adv.robust-training", reference="PGD-20 for the inner maximum, autograd at its maximiser (Danskin); trained standard vs robust")
def check_robust_training(robust_loss=df.robust_logistic_loss, train=df.train_linear_classifier) -> CheckResult:
    rng = np.random.default_rng(20)
    X, y = _gaussian_task(rng, 300, 10)
    w = f64(rng.normal(size=10)).requires_grad_(True)
    b = f64(0.2).requires_grad_(True)
    eps = 0.1
    per_point = lambda z: F.softplus(-f64(y) * (z @ w + b))  # noqa: E731
    X_adv = pgd(per_point, f64(X), eps, steps=20)
    inner = per_point(X_adv).mean()
    closed = robust_loss(w, b, f64(X), f64(y), eps)
    g_closed = torch.autograd.grad(closed, (w, b))
    g_danskin = torch.autograd.grad(inner, (w, b))
    parts = [check_close(float(closed.detach()), float(inner.detach()), rtol=1e-10, what="closed-form inner max vs PGD-20 (ℓ∞, ε = 0.1)"),
             check_close(torch.cat([g_closed[0], g_closed[1][None]]), torch.cat([g_danskin[0], g_danskin[1][None]]),
                         atol=1e-10, what="∇θ of the robust loss vs ∇θ ℓ at δ* (Danskin)")]
    Xtr, ytr = _gaussian_task(np.random.default_rng(21), 2000)
    Xte, yte = _gaussian_task(np.random.default_rng(21), 4000)
    acc = {}
    for name, e in (("standard", 0.0), ("robust", eps)):
        wt, bt = train(f64(Xtr), f64(ytr), e, steps=300, lr=0.5)
        m = yte * (Xte @ to_numpy(wt) + float(bt))
        acc[name] = (np.mean(m > 0), np.mean(m - eps * np.abs(to_numpy(wt)).sum() > 0))
    (c_s, r_s), (c_r, r_r) = acc["standard"], acc["robust"]
    parts.append(holds(r_r > r_s and c_r < c_s, f"trade-off (d = 50): clean {c_s:.3f} → {c_r:.3f}, robust {r_s:.3f} → {r_r:.3f}",
                       f"no trade-off: clean {c_s:.3f} → {c_r:.3f}, robust {r_s:.3f} → {r_r:.3f}"))
    # PGD-based training of a linear network on data in [0, 1]^10: the exact robust accuracy must rise
    Xb = np.clip(0.5 + 0.15 * X, 0, 1)
    robust_acc = []
    for e in (0.0, 0.05):
        net = torch.nn.Linear(10, 2).double()
        torch.nn.init.zeros_(net.weight), torch.nn.init.zeros_(net.bias)
        df.adversarial_training(net, f64(Xb), torch.as_tensor((y > 0).astype(np.int64)), e, epochs=30, lr=0.05, batch_size=100)
        w_, b_ = to_numpy(net.weight[1] - net.weight[0]), float((net.bias[1] - net.bias[0]).detach())
        robust_acc.append(np.mean(y * (Xb @ w_ + b_) - 0.05 * np.abs(w_).sum() > 0))
    parts.append(holds(robust_acc[1] > robust_acc[0], f"PGD adversarial training of a linear net: exact ℓ∞-robust accuracy "
                       f"{robust_acc[0]:.3f} → {robust_acc[1]:.3f}", f"PGD training did not help: {robust_acc[0]:.3f} → {robust_acc[1]:.3f}"))
    return all_of(*parts)


@erratum("ch09-11:E71", wrong=r"\min_f\mathbb E\big[\max_{S\in\mathcal S}L(f(x+\delta),y)\big]",
         right=r"\min_\theta\mathbb E\big[\max_{\delta\in\mathcal S}L(f_\theta(x+\delta),y)\big]",
         why="Maximising over the set instead of the perturbation leaves δ untouched (δ = 0), so the objective is the "
             "clean loss and the training is standard training.")
def seed_max_over_set() -> CheckResult:
    def clean_loss(w, b, X, y, eps, p=math.inf):
        return df.robust_logistic_loss(w, b, X, y, 0.0, p)
    return check_robust_training(robust_loss=clean_loss, train=lambda X, y, e, **kw: df.train_linear_classifier(X, y, 0.0, **kw))


def _hinge(t):
    return np.maximum(0.0, 1.0 - t) + 0.3 * np.abs(t - 0.5)


@formula("adv.dro", reference="an LP over transport plans with displacement ≤ ε (scipy linprog); the per-point max at kinks")
def check_dro(worst=df.dro_worst_case) -> CheckResult:
    rng = np.random.default_rng(22)
    x = rng.uniform(-1.5, 2.0, size=20)
    eps = 0.3
    grid = np.unique(np.r_[np.linspace(-3, 4, 701), x - eps, x + eps])     # the interval ends are candidates
    n, m = len(x), len(grid)
    L = _hinge(grid)
    allowed = np.abs(grid[None] - x[:, None]) <= eps + 1e-12
    # variables π[i, g] ≥ 0 (row-major), Σ_g π[i, g] = 1/n, π = 0 where the move exceeds ε; maximise Σ π L
    A_eq = np.kron(np.eye(n), np.ones(m))
    res = scipy.optimize.linprog(-np.tile(L, n), A_eq=A_eq, b_eq=np.full(n, 1 / n),
                                 bounds=[(0, None) if a else (0, 0) for a in allowed.ravel()], method="highs")
    lib = float(worst(lambda t: f64(_hinge(to_numpy(t))), f64(x), eps, f64(grid)))
    kinks = np.array([1.0, 0.5])
    exact = np.mean([max(_hinge(np.r_[xi - eps, xi + eps, kinks[np.abs(kinks - xi) <= eps]])) for xi in x])
    return all_of(check_close(lib, -res.fun, atol=1e-8, what="vs the LP over transport plans (20 points, 741 grid points)"),
                  check_close(lib, exact, atol=1e-8, what="vs the per-point max over interval ends and kinks"),
                  check_close(float(worst(lambda t: f64(_hinge(to_numpy(t))), f64(x), 0.0, f64(np.r_[grid, x]))),
                              np.mean(_hinge(x)), atol=1e-12, what="ε = 0: the empirical risk"))


def _net(seed=23, dims=(6, 16, 16, 4), act=torch.tanh):
    g = torch.Generator().manual_seed(seed)
    Ws = [torch.randn(o, i, generator=g, dtype=torch.float64) / math.sqrt(i) for i, o in zip(dims[:-1], dims[1:])]
    bs = [0.1 * torch.randn(o, generator=g, dtype=torch.float64) for o in dims[1:]]

    def f(x):
        for i, (W, b) in enumerate(zip(Ws, bs)):
            x = x @ W.T + b
            if i < len(Ws) - 1:
                x = act(x)
        return x
    return f, Ws, bs


@formula("adv.operator-norm", reference="numpy.linalg.svd of the autograd Jacobian; finite-difference ratios along random and top directions")
def check_operator_norm(norm=df.jacobian_spectral_norm) -> CheckResult:
    f, _, _ = _net()
    rng = np.random.default_rng(24)
    parts = []
    worst_ratio, top_ratio = 0.0, []
    for _ in range(3):
        x = f64(rng.normal(size=6))
        J = to_numpy(torch.autograd.functional.jacobian(f, x))
        U, S, Vt = np.linalg.svd(J)
        sigma = float(norm(f, x))
        parts.append(check_close(sigma, S[0], rtol=1e-8, what="σ_max vs SVD"))
        for _ in range(20):
            d = 1e-6 * rng.normal(size=6)
            worst_ratio = max(worst_ratio, np.linalg.norm(to_numpy(f(x + f64(d)) - f(x))) / np.linalg.norm(d) / S[0])
        h = 1e-6
        top_ratio.append(np.linalg.norm(to_numpy(f(x + h * f64(Vt[0])) - f(x - h * f64(Vt[0])))) / (2 * h) / S[0])
    ok = all(p.passed for p in parts)
    return all_of(holds(ok, "power iteration (50 its) vs SVD of the Jacobian at 3 points within rtol 1e-08",
                        "; ".join(p.detail for p in parts if not p.passed)),
                  holds(worst_ratio <= 1 + 1e-3, "‖f(x+Δ) − f(x)‖/‖Δ‖ ≤ σ_max(1 + 10⁻³) for 60 random Δ (‖Δ‖ ≈ 10⁻⁶)",
                        f"a ratio {worst_ratio:.4g}·σ_max"),
                  check_close(top_ratio, [1.0] * 3, atol=1e-6, what="along the top singular vector the ratio is σ_max"))


@erratum("ch09-11:E72", wrong=r"\frac{\|f(x+\Delta x)\|_2}{\|\Delta x\|_2}\approx\frac{\|f(x)\Delta x\|_2}{\|\Delta x\|_2}\le\sigma(f(x))",
         right=r"\frac{\|f(x+\Delta)-f(x)\|_2}{\|\Delta\|_2}\approx\frac{\|J_f(x)\Delta\|_2}{\|\Delta\|_2}\le\sigma_{\max}(J_f(x))",
         why="Read literally, the 'operator' is the output vector f(x) itself, whose only singular value is its length: "
             "it measures how large the output is, not how fast it changes.")
def seed_output_for_jacobian() -> CheckResult:
    return check_operator_norm(norm=lambda f, x: f(x).norm())


@formula("adv.spectral-norm-bound", reference="SVD of autograd Jacobians at 500 inputs; equality for tanh at 0 with W² = W¹ᵀ")
def check_spectral_norm_bound(bound=df.spectral_norm_bound) -> CheckResult:
    parts = []
    for act, name in ((torch.tanh, "tanh"), (torch.relu, "ReLU")):
        f, Ws, _ = _net(25, act=act)
        X = f64(np.random.default_rng(26).normal(size=(500, 6)))
        J = torch.func.vmap(torch.func.jacrev(f))(X)
        local = to_numpy(torch.linalg.matrix_norm(J, 2))
        B = float(bound(Ws))
        parts.append(holds((local <= B * (1 + 1e-12)).all(), f"{name}: σ_max(J) ≤ Π‖W‖₂ at 500 inputs, largest ratio "
                           f"{local.max() / B:.2f}", f"{name}: the bound fails, ratio {local.max() / B:.3g}"))
    W1 = f64(np.random.default_rng(27).normal(size=(5, 4)))
    tight = lambda x: torch.tanh(x @ W1.T) @ W1  # noqa: E731    J(0) = W¹ᵀW¹, σ = σ₁(W¹)² = ‖W¹ᵀ‖‖W¹‖
    sigma = np.linalg.svd(to_numpy(torch.autograd.functional.jacobian(tight, f64(np.zeros(4)))), compute_uv=False)[0]
    parts.append(check_close(float(bound([W1, W1.T])), sigma, rtol=1e-10, what="equality: tanh at 0 with W² = W¹ᵀ"))
    return all_of(*parts)


@formula("adv.advtrain-opnorm", reference="numpy.linalg.svd; enumeration over output signs t of max ‖Wᵀt‖₁; PGD on ‖f(x+δ) − f(x)‖")
def check_advtrain_opnorm(norm=df.operator_norm) -> CheckResult:
    rng = np.random.default_rng(28)
    W = rng.normal(size=(4, 10))
    signs_out = np.array(list(itertools.product((-1, 1), repeat=4)))
    inf_to_1 = np.max(np.abs(signs_out @ W).sum(1))            # ‖W‖_{∞→1} = max_t ‖Wᵀt‖₁ = max_{s,t} tᵀWs
    one_to_q = [np.max(np.linalg.norm(W, q, axis=0)) for q in (1, 2, math.inf)]
    eps = 0.05
    f, _, _ = _net(29)
    x = f64(rng.normal(size=6))
    fx = f(x[None]).detach()
    delta = pgd(lambda z: (f(z) - fx).norm(dim=-1), x[None], eps, norm="2", steps=100, alpha=eps / 10,
                random_start=True, generator=torch.Generator().manual_seed(0)) - x[None]
    J = to_numpy(torch.autograd.functional.jacobian(f, x))
    change = float((f(x[None] + delta) - fx).norm())
    return all_of(check_close(float(norm(f64(W), 2, 2)), np.linalg.svd(W, compute_uv=False)[0], rtol=1e-10,
                              what="‖W‖₂→₂ vs the top singular value"),
                  check_close(float(norm(f64(W), math.inf, 1)), inf_to_1, rtol=1e-12, what="‖W‖∞→1 vs 16 output sign vectors"),
                  check_close([float(norm(f64(W), 1, q)) for q in (1, 2, math.inf)], one_to_q, rtol=1e-12,
                              what="‖W‖₁→q vs the largest column norm"),
                  check_close(change / eps, np.linalg.svd(J, compute_uv=False)[0], rtol=0.02,
                              what="tanh net, ε = 0.05: max ‖f(x+δ) − f(x)‖/ε (PGD) vs σ_max(J)"))


@formula("adv.certified-defenses", reference="10⁵ random points and every corner of the box; Monte Carlo of the smoothed classifier")
def check_certified_defenses(bounds=df.ibp_bounds, radius=df.smoothing_radius) -> CheckResult:
    _, Ws, bs = _net(30, dims=(4, 8, 8, 3), act=torch.relu)
    rng = np.random.default_rng(31)
    c, r = rng.normal(size=4), 0.2
    B = bounds(Ws, bs, f64(c - r), f64(c + r))
    pts = f64(c + r * rng.uniform(-1, 1, size=(100_000, 4)))
    h, inside = pts, True
    for i, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W.T + b
        inside &= bool(((h >= B[i][0]) & (h <= B[i][1])).all())
        h = torch.relu(h)
    corners = f64(c + r * np.array(list(itertools.product((-1, 1), repeat=4))))
    first = corners @ Ws[0].T + bs[0]
    w, b0, x, sigma = rng.normal(size=5), 0.4, rng.normal(size=5), 0.5
    dist = abs(w @ x + b0) / np.linalg.norm(w)
    p_a = scipy.stats.norm.cdf(dist / sigma)
    noise = np.random.default_rng(32).normal(scale=sigma, size=(100_000, 5))
    same = np.mean(np.sign((x + noise) @ w + b0) == np.sign(w @ x + b0))
    return all_of(holds(inside, "IBP: 10⁵ random points of the box stay inside every layer's bounds",
                        "a point of the box leaves the IBP bounds"),
                  check_close(torch.stack([B[0][0], B[0][1]]), torch.stack([first.amin(0), first.amax(0)]), atol=1e-12,
                              what="one layer: bounds = extremes over the 16 corners"),
                  check_close(float(radius(p_a, 1 - p_a, sigma)), dist, rtol=1e-10,
                              what="linear f: R with exact p_A equals the distance to the boundary"),
                  check_close(float(radius(same, 1 - same, sigma)), dist, rtol=0.05,
                              what="with p_A from 10⁵ noise draws"))
