"""Figures and explorers of chapter 3's sections on stochastic gradients, momentum and adaptive methods."""

import math
from functools import cache

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from edl.optimization import adaptive as ad
from edl.optimization import momentum as mo
from edl.optimization import stochastic as st
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive

F64 = torch.float64


def _figure(ncols: int = 1, height: float = 3.6):
    fig = style.figure(height)
    return fig, (fig.subplots(1, ncols) if ncols > 1 else fig.add_subplot())


# --- the optimizer race ---------------------------------------------------------------------------

def _race_hessian(kappa: float, angle: float = 0.5) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag([1.0, kappa]) @ R.T / kappa  # eigenvalues 1/κ and 1: L = 1


@cache
def race_trajectories(lr: float, momentum: float, kappa: float, steps: int = 60) -> dict[str, np.ndarray]:
    """Iterates of GD, heavy ball, Nesterov and Adam on a rotated 2-D quadratic with L = 1, μ = 1/κ."""
    H = torch.as_tensor(_race_hessian(kappa))
    x0 = torch.tensor([-2.0, 1.5], dtype=F64)

    def grad(p):
        return H @ p

    paths = {}
    for name in ("gradient descent", "heavy ball", "Nesterov"):
        prev, x, path = x0, x0, [x0]
        for _ in range(steps):
            if name == "Nesterov":
                prev, x = x, mo.nesterov_step(x, prev, grad, lr, momentum)
            else:
                prev, x = x, mo.heavy_ball_step(x, prev, grad(x), lr, 0.0 if name == "gradient descent" else momentum)
            path.append(x)
        paths[name] = torch.stack(path).numpy()
    x, m, s, path = x0, torch.zeros(2, dtype=F64), torch.zeros(2, dtype=F64), [x0]
    for t in range(1, steps + 1):
        x, m, s, _ = ad.adam_step(x, grad(x), m, s, t, 0.1, (momentum, 0.999))
        path.append(x)
    paths["Adam (lr 0.1)"] = torch.stack(path).numpy()
    return paths


@styled
def plot_optimizer_race(lr: float = 1.0, momentum: float = 0.9, kappa: float = 100.0, steps: int = 60) -> Figure:
    """Trajectories of GD, heavy ball, Nesterov and Adam over the contours of a rotated ill-conditioned quadratic."""
    require_positive("lr", lr)
    require_positive("kappa", kappa)
    H = _race_hessian(kappa)
    paths = race_trajectories(float(lr), float(momentum), float(kappa), int(steps))
    fig, (ax, ax2) = _figure(2, height=4.2)
    g = np.linspace(-2.6, 2.6, 61)
    X, Y = np.meshgrid(g, g)
    Z = 0.5 * (H[0, 0] * X**2 + 2 * H[0, 1] * X * Y + H[1, 1] * Y**2)
    ax.contour(X, Y, Z, levels=np.geomspace(1e-3, Z.max(), 9), colors="0.75", linewidths=0.7)
    for (name, p), color in zip(paths.items(), ("C0", "C1", "C2", "C3")):
        ax.plot(p[:, 0], p[:, 1], "-", color=color, lw=1.0, label=name)
        loss = 0.5 * np.einsum("ti,ij,tj->t", p, H, p)
        ax2.semilogy(loss, color=color)
    ax.plot(0, 0, "k*", ms=8)
    ax.set(xlim=(-2.6, 2.6), ylim=(-2.6, 2.6), aspect="equal", title=f"κ = {kappa:g}, η = {lr:g}/L, β = {momentum:g}")
    ax2.set(xlabel="iteration", ylabel="$f(x_t) - f^*$", ylim=(1e-12, 1e3), title="loss")
    ax2.yaxis.set_minor_locator(NullLocator())  # minor log ticks dominate the render time
    style.mark_clipped(ax, "leaves the axes (clipped)")
    style.mark_clipped(ax2, "leaves the axes (clipped)")
    fig.legend(handles=[*ax.get_legend_handles_labels()[0][:4], *style.clip_keys([ax, ax2])[:1]],
               loc="outside lower center", ncols=3)
    return fig


def race_explorer() -> Explorer:
    return Explorer(plot_optimizer_race,
                    [Control("lr", [0.1, 0.3, 0.5, 0.7, 1.0, 1.2, 1.4, 1.6, 1.8, 1.95], start=4, label="step η (×1/L)"),
                     Control("momentum", [0.5, 0.9], start=1, label="momentum β",
                             why_few="a third slider multiplies the frames: two momenta, moderate and the usual 0.9"),
                     Control("kappa", [10.0, 100.0], start=1, label="condition number κ",
                             why_few="a third slider multiplies the frames: two condition numbers a decade apart")],
                    title="Gradient descent, heavy ball, Nesterov and Adam on an ill-conditioned quadratic")


# --- the SGD noise floor --------------------------------------------------------------------------

FLOOR_LRS = (0.5, 0.9)  # step sizes of the explorer, in units of 1/L_max


@cache
def _noise_floor_runs(batch_size: int) -> np.ndarray:
    """Mean over 120 chains of ‖x_k − x*‖² for every explorer step size at once, shape (2, records)."""
    A, b = _floor_problem()
    L = float((A**2).sum(1).max())
    sq = st.sgd_least_squares(A, b, torch.zeros(5, dtype=F64), [lr / L for lr in FLOOR_LRS], 300, 120,
                              batch_size=batch_size, record_every=5, generator=torch.Generator().manual_seed(batch_size))
    return sq.mean(1).numpy()


@cache
def _predicted_floor(batch_size: int, lr: float) -> float:
    A, b = _floor_problem()
    return float(st.sgd_floor(A, b, lr / float((A**2).sum(1).max()), batch_size))


@cache
def _floor_problem():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(50, 5, generator=g, dtype=F64)
    b = A @ torch.randn(5, generator=g, dtype=F64) + torch.randn(50, generator=g, dtype=F64)
    return A, b


@styled
def plot_noise_floor(batch_size: int = 1, lr: float = 0.5) -> Figure:
    """Mean-square distance of constant-step minibatch SGD (300 chains) with the exact predicted floor."""
    batch_size = require_int("batch_size", batch_size, minimum=1)
    require_positive("lr", lr)
    if lr in FLOOR_LRS:
        curve = _noise_floor_runs(batch_size)[FLOOR_LRS.index(lr)]
    else:  # a step size outside the explorer's grid: simulate it alone
        A, b = _floor_problem()
        curve = st.sgd_least_squares(A, b, torch.zeros(5, dtype=F64), [lr / float((A**2).sum(1).max())], 300, 120,
                                     batch_size=batch_size, record_every=5,
                                     generator=torch.Generator().manual_seed(batch_size))[0].mean(0).numpy()
    floor = _predicted_floor(batch_size, float(lr))
    fig, ax = _figure()
    k = np.arange(len(curve)) * 5
    ax.semilogy(k, curve, "C0", label=f"SGD, batch r = {batch_size} (mean of 120 chains)")
    ax.axhline(floor, color="C3", ls="--", label=f"predicted floor {floor:.3g}")
    ax.axhline(_predicted_floor(1, float(lr)), color="0.6", ls=":", label="predicted floor at r = 1")
    ax.set(xlabel="iteration k", ylabel=r"$\mathbb{E}\|x_k - x^*\|^2$", ylim=(1e-3, 20),
           title=f"constant step η = {lr:g}/L: the floor falls like 1/r")
    ax.yaxis.set_minor_locator(NullLocator())
    style.mark_clipped(ax, "leaves the axes (clipped)")
    style.legend_outside(ax, "below")
    return fig


def noise_floor_explorer() -> Explorer:
    return Explorer(plot_noise_floor,
                    [Control("batch_size", [1, 2, 3, 4, 6, 8, 12, 16, 24, 32], label="batch size r"),
                     Control("lr", list(FLOOR_LRS), label="step η (×1/L_max)",
                             why_few="two step sizes show the floor's proportionality to η; every batch size "
                                     "simulates both at once")],
                    title="The noise floor of constant-step SGD against the batch size")


# --- static figures -------------------------------------------------------------------------------

@styled
def plot_minibatch_variance(sizes=(1, 2, 4, 8, 16, 32), draws: int = 5_000, seed: int = 0) -> Figure:
    """Measured minibatch-gradient variance against r on log-log axes, with V/r and the finite-population form.

    Uses the first 40 examples of the book's least-squares problem, gradients at x = 0.
    """
    A, b = _floor_problem()
    g = st.least_squares_gradients(A[:40], b[:40], torch.zeros(5, dtype=F64))
    full, V = g.mean(0), st.gradient_variance(g)
    gen = torch.Generator().manual_seed(seed)
    sizes = np.array(sizes)
    rep = [float(((st.minibatch_gradients(g, int(r), draws, generator=gen) - full) ** 2).sum(-1).mean()) for r in sizes]
    norep = [float(((st.minibatch_gradients(g, int(r), draws, replace=False, generator=gen) - full) ** 2).sum(-1).mean())
             for r in sizes]
    slope = np.polyfit(np.log(sizes), np.log(rep), 1)[0]
    fig, ax = _figure()
    ax.loglog(sizes, rep, "o", color="C0", label=f"with replacement (fitted slope {slope:.2f})")
    ax.loglog(sizes, [float(st.minibatch_variance(V, 40, int(r))) for r in sizes], "C0-", label="$V/r$")
    ax.loglog(sizes, norep, "s", color="C1", label="without replacement")
    ax.loglog(sizes, [float(st.minibatch_variance(V, 40, int(r), replace=False)) for r in sizes], "C1--",
              label=r"$\frac{V}{r}\,\frac{n-r}{n-1}$")
    ax.set(xlabel="batch size r", ylabel=r"$\mathbb{E}\|g_r - \nabla f\|^2$", title=f"n = 40 examples, {draws:,} draws per r")
    style.legend_outside(ax)
    return fig


@styled
def plot_acceleration(kappas=(10, 31.6, 100, 316, 1000), tol: float = 1e-3) -> Figure:
    """Iterations to shrink ‖x − x*‖ by ``tol`` on diag(1, κ): GD ∝ κ, heavy ball and Nesterov ∝ √κ."""
    k = np.array(kappas, dtype=float)
    lam = torch.as_tensor(np.stack([np.ones_like(k), k], -1))
    q = (np.sqrt(k) - 1) / (np.sqrt(k) + 1)
    hb = [mo.heavy_ball_optimal(1.0, float(x)) for x in k]
    counts = {
        "gradient descent (η = 1/L)": mo.iterations_to_tolerance(lam, [1.0, 1.0], torch.as_tensor(1 / k), 0.0,
                                                                 lookahead=False, tol=tol),
        "heavy ball (Polyak's tuning)": mo.iterations_to_tolerance(lam, [1.0, 1.0], [h[0] for h in hb], [h[1] for h in hb],
                                                                   lookahead=False, tol=tol),
        "Nesterov (η = 1/L)": mo.iterations_to_tolerance(lam, [1.0, 1.0], torch.as_tensor(1 / k), torch.as_tensor(q),
                                                         lookahead=True, tol=tol),
    }
    fig, ax = _figure()
    for (name, c), color in zip(counts.items(), ("C0", "C1", "C2")):
        c = c.numpy()
        slope = np.polyfit(np.log(k), np.log(c), 1)[0]
        ax.loglog(k, c, "o-", color=color, label=f"{name}: slope {slope:.2f}")
    ax.set(xlabel="condition number κ", ylabel="iterations", title=r"iterations to reach $\|x_t\| \leq 10^{-3}\|x_0\|$")
    ax.legend(loc="upper left")
    return fig


@styled
def plot_adagrad_rotation(kappas=(1, 10, 100, 1000), d: int = 10, seed: int = 18) -> Figure:
    """AdaGrad's best-step iteration counts against κ for an axis-aligned and a rotated Hessian."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    spectra = [np.logspace(0, np.log10(k), d) for k in kappas]
    x0 = torch.as_tensor(rng.normal(size=d))
    fig, ax = _figure()
    for rotated, color in ((False, "C0"), (True, "C3")):
        H = torch.as_tensor(np.stack([(Q @ np.diag(s) @ Q.T) if rotated else np.diag(s) for s in spectra]))
        counts = ad.adagrad_iterations(H, x0, torch.logspace(-2, 1, 13, dtype=F64), tol=1e-8, max_iter=5000)
        ax.loglog(kappas, counts.numpy(), "o-", color=color,
                  label="rotated Hessian $QDQ^\\top$" if rotated else "axis-aligned Hessian $D$")
    ax.set(xlabel="condition number κ", ylabel="iterations (best step size)",
           title="AdaGrad removes only axis-aligned ill-conditioning")
    ax.legend(loc="upper left")
    return fig


@styled
def plot_adam_counterexample(num_steps: int = 30_000) -> Figure:
    """Iterates of Adam (β₂ = 0.1 and 0.99) and AMSGrad on Reddi et al.'s online problem; the optimum is x = −1."""
    fig, ax = _figure()
    for label, kw, color in (("Adam, β₂ = 0.1", dict(beta2=0.1), "C3"), ("AMSGrad, β₂ = 0.1", dict(beta2=0.1, amsgrad=True), "C0"),
                             ("Adam, β₂ = 0.99", dict(beta2=0.99), "C2")):
        path = ad.adam_online_counterexample(num_steps=num_steps, return_path=True, **kw)
        ax.semilogx(np.arange(1, num_steps + 1), path, color=color, label=f"{label}: ends at {path[-1]:+.3f}")
    ax.axhline(-1, color="k", ls=":", lw=1)
    ax.set(xlabel="step t", ylabel="$x_t$", ylim=(-1.1, 1.1), title="online problem $f_t = 3x$ (t mod 3 = 1), $-x$ otherwise")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below")
    return fig


@styled
def plot_svrg(svrg=None, sgd=None, epochs: int = 15) -> Figure:
    """Distance to the optimum per epoch for SVRG and for plain SGD with the same gradient budget.

    ``svrg``, ``sgd`` : results of :func:`edl.optimization.stochastic.svrg_least_squares` (chains, epochs + 1) on
    least squares with n = 100 examples; computed here (η = 0.25/L_max, 4 seeds) when not given.
    """
    if svrg is None or sgd is None:
        g = torch.Generator().manual_seed(3)
        A = torch.randn(100, 10, generator=g, dtype=F64)
        b = A @ torch.randn(10, generator=g, dtype=F64) + 0.5 * torch.randn(100, generator=g, dtype=F64)
        eta = 0.25 / float((A**2).sum(1).max())
        svrg = st.svrg_least_squares(A, b, torch.zeros(10, dtype=F64), eta, epochs, 4,
                                     generator=torch.Generator().manual_seed(12))
        sgd = st.svrg_least_squares(A, b, torch.zeros(10, dtype=F64), eta, epochs, 4, variance_reduced=False,
                                    generator=torch.Generator().manual_seed(12))
    epochs = svrg.shape[-1] - 1
    fig, ax = _figure()
    budget = np.arange(epochs + 1) * 500 / 100  # gradient evaluations per epoch: n + 2m = 5n
    for runs, name, color in ((svrg, "SVRG", "C0"), (sgd, "SGD, same budget", "C3")):
        for j, r in enumerate(runs.numpy()):
            ax.semilogy(budget, r, color=color, alpha=0.8, label=name if j == 0 else None)
    ax.set(xlabel="gradient evaluations / n", ylabel=r"$\|x - x^*\|$", title="least squares, n = 100, 4 seeds")
    style.mark_clipped(ax)
    ax.legend(loc="lower left")
    return fig


@styled
def plot_muon_spectrum(seed: int = 0) -> Figure:
    """Singular values of a gradient, of the SGD step (its scaled copy) and of Muon's orthogonalised steps."""
    g = torch.Generator().manual_seed(seed)
    G = torch.randn(32, 16, generator=g, dtype=F64) @ torch.diag(torch.logspace(0, -2, 16, dtype=F64))
    fig, ax = _figure()
    for M, name, fmt in ((G / torch.linalg.matrix_norm(G, 2), "gradient G (scaled to ‖G‖₂ = 1)", "C0o-"),
                           (ad.newton_schulz(G), "Newton–Schulz, 5 steps", "C1s-"),
                           (ad.polar_factor(G), r"exact $UV^\top$", "C3--")):
        ax.semilogy(torch.linalg.svdvals(M).numpy(), fmt, ms=4, label=name)
    ax.set(xlabel="index", ylabel="singular value", title="orthogonalisation lifts the small singular directions")
    ax.legend(loc="lower left")
    return fig


def worst_case_quadratic(kappa: float = 100.0, n: int = 1000, mu: float = 1.0):
    r"""Nesterov's worst-case strongly convex quadratic (2004, §2.1.4), truncated to ``n`` coordinates:

    .. math:: f(\mathbf x)=\frac{\mu(\kappa-1)}8\big(\mathbf x^\top A\mathbf x-2x_1\big)+\frac\mu2\|\mathbf x\|^2,
              \quad A=\operatorname{tridiag}(-1,2,-1),

    with :math:`\mu I\preceq\nabla^2f\preceq\kappa\mu I`. Returns ``(H, c, x_star)`` with f = ½xᵀHx − cᵀx.
    From x₀ = 0 a method whose iterates stay in the span of the gradients seen so far has x_k supported on
    the first k coordinates, so :math:`\|\mathbf x_k-\mathbf x^*\|^2\ge\sum_{i>k}(x^*_i)^2\approx q^{2k}\|\mathbf x^*\|^2`,
    :math:`q=\frac{\sqrt\kappa-1}{\sqrt\kappa+1}`.
    """
    require_positive("kappa", kappa)
    n = require_int("n", n, minimum=2)
    A = 2 * torch.eye(n, dtype=F64) - torch.diag(torch.ones(n - 1, dtype=F64), 1) - torch.diag(torch.ones(n - 1, dtype=F64), -1)
    H = mu * (kappa - 1) / 4 * A + mu * torch.eye(n, dtype=F64)
    c = torch.zeros(n, dtype=F64)
    c[0] = mu * (kappa - 1) / 4
    return H, c, torch.linalg.solve(H, c)


@cache
def worst_case_runs(kappa: float = 100.0, steps: int = 200, n: int = 400) -> dict:
    """Squared distances to x* of gradient descent (η = 1/L) and Nesterov (η = 1/L, β = (√κ−1)/(√κ+1)) on
    :func:`worst_case_quadratic`, with the Krylov lower bound Σ_{i>k} (x*_i)² shared by every such method."""
    H, c, x_star = worst_case_quadratic(kappa, n)
    L = float(H[0, 0]) + (kappa - 1) / 4 * (2 - 2 * math.cos(n * math.pi / (n + 1))) - 2 * (kappa - 1) / 4  # λ_max
    beta = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)

    a, m = (kappa - 1) / 4, float(H[0, 0]) - 2 * (kappa - 1) / 4  # H = a·tridiag(−1, 2, −1) + m·I

    def grad(x):  # H x − c by the three diagonals: O(n) per step instead of a dense product
        Hx = (2 * a + m) * x
        Hx[1:] -= a * x[:-1]
        Hx[:-1] -= a * x[1:]
        return Hx - c
    out = {"gradient descent": [], "Nesterov": []}
    for name in out:
        prev = x = torch.zeros(n, dtype=F64)
        for _ in range(steps + 1):
            out[name].append(float(((x - x_star) ** 2).sum()))
            if name == "Nesterov":
                prev, x = x, mo.nesterov_step(x, prev, grad, 1 / L, beta)
            else:
                prev, x = x, x - grad(x) / L
    tail = torch.flip(torch.cumsum(torch.flip(x_star**2, [0]), 0), [0])  # Σ_{i≥k} x*_i², k = 0 … n−1
    lower = [float(tail[k]) for k in range(steps + 1)]  # x_k lives on coordinates 0 … k−1
    return {**{k: np.array(v) for k, v in out.items()}, "lower": np.array(lower), "L": L, "beta": beta}


@styled
def plot_worst_case_acceleration(kappa: float = 100.0, steps: int = 200) -> Figure:
    """Gradient descent and Nesterov on Nesterov's worst-case quadratic, between the lower bound for every
    gradient-span method and Nesterov's upper bound (converted to distances by strong convexity)."""
    runs = worst_case_runs(float(kappa), int(steps))
    k = np.arange(steps + 1)
    d0 = runs["gradient descent"][0]
    upper = 2 * runs["L"] * (1 - 1 / math.sqrt(kappa)) ** k * d0  # f − f* ≤ L(1 − 1/√κ)^k d0, and f − f* ≥ (μ/2)d
    fig, ax = _figure()
    ax.semilogy(k, runs["gradient descent"], "C0", label="gradient descent, η = 1/L")
    ax.semilogy(k, runs["Nesterov"], "C2", label="Nesterov, η = 1/L, β = (√κ−1)/(√κ+1)")
    ax.semilogy(k, upper, "C2--", lw=1, label=r"Nesterov's guarantee $\frac{2L}{\mu}(1-\frac{1}{\sqrt{\kappa}})^k\|x_0-x^*\|^2$")
    ax.semilogy(k, runs["lower"], "k:", label=r"lower bound for every method: $\sum_{i>k}(x^*_i)^2$")
    ax.set(xlabel="iteration k", ylabel=r"$\|x_k-x^*\|^2$", ylim=(1e-24, 1e4),
           title=f"Nesterov's worst-case quadratic, κ = {kappa:g}, n = 400")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=2)
    return fig
