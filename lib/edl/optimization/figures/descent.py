"""Figures and explorers of chapter 3, part A: backpropagation, vanishing gradients, gradient descent rates."""

import functools
import time

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from edl.optimization import backprop as bp
from edl.optimization import descent as gd
from edl.core.device import single_threaded
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_in_range, require_int, require_positive


def _f64(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


# --- gradient descent on a 2-D quadratic ------------------------------------------------------------

@styled
def plot_gd_quadratic(eta: float = 1.0, kappa: float = 10.0, steps: int = 40) -> Figure:
    r"""GD on :math:`f=\tfrac12(x^2/\kappa+y^2)` (:math:`\lambda_{\max}=1`): iterates over the contours, and
    :math:`\|\mathbf x_t\|` against the theorem's bound :math:`\rho(\eta)^t\|\mathbf x_0\|`.

    ``eta`` : step size in units of :math:`1/\lambda_{\max}`; beyond 2 the iterates diverge: the axes stay
    on the contour window and the norm's range, and where an iterate or a curve leaves them it is marked.
    """
    require_positive("eta", eta)
    require_in_range("kappa", kappa, 1.0, 1e6)
    steps = require_int("steps", steps, minimum=1)
    lam = np.array([1 / kappa, 1.0])
    x0 = np.array([2.0, 1.0])
    xs = gd.gd_quadratic(_f64(lam), _f64(x0), eta, steps).numpy()  # (steps + 1, 2), closed form: no overflow
    rho = float(gd.gd_spectral_radius(_f64(lam), eta))
    fig = style.figure(4.2)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.1])
    g = np.linspace(-2.6, 2.6, 81)
    X, Y = np.meshgrid(g, g)
    ax.contour(X, Y, 0.5 * (lam[0] * X**2 + lam[1] * Y**2), levels=12, colors="0.75", linewidths=0.7)
    ax.plot(xs[:, 0], xs[:, 1], "o-", color="C0", ms=3, lw=1, label="iterates $\\mathbf{x}_t$")
    ax.plot([0], [0], "k*", ms=8, label="minimum")
    ax.set(xlim=(-2.6, 2.6), ylim=(-2.6, 2.6), aspect="equal", xlabel="$x$ (curvature $1/\\kappa$)",
           ylabel="$y$ (curvature 1)", title=f"η = {eta:g}/λ_max, κ = {kappa:g}")
    style.mark_clipped(ax, "leaves the window (clipped)")
    style.legend_outside(ax, "below", ncols=1)
    t = np.arange(steps + 1)
    norm = np.linalg.norm(xs, axis=1)
    with np.errstate(over="ignore", under="ignore"):
        bound = rho**t * norm[0]
        best = ((kappa - 1) / (kappa + 1)) ** t * norm[0]
    ax2.semilogy(t, norm, "C0", lw=2, label=r"measured $\|\mathbf{x}_t\|$")
    ax2.semilogy(t, bound, "k--", label=rf"bound $\rho(\eta)^t\|\mathbf{{x}}_0\|$, ρ = {rho:.3f}")
    ax2.semilogy(t, best, "C2:", label=r"best fixed step: $(\frac{\kappa-1}{\kappa+1})^t$")
    verdict = "diverges" if rho > 1 else "neutral (no convergence)" if rho == 1 else "converges"
    ax2.set(ylim=(1e-8, 1e4), xlabel="step $t$", title=f"η {'<' if eta < 2 else '≥'} 2/λ_max: {verdict}")
    style.mark_clipped(ax2, "leaves the axes (clipped)")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def gd_quadratic_explorer() -> Explorer:
    return Explorer(plot_gd_quadratic,
                    [Control("eta", [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 1.9, 2.0, 2.2], start=3, label="step η·λ_max"),
                     Control("kappa", [3.0, 20.0], start=1, label="condition number κ",
                             why_few="a mild and an ill-conditioned problem show the contrast; more would multiply "
                                     "the frames, not the insight")],
                    title="Gradient descent on a 2-D quadratic: step size against the stability limit 2/λ_max")


@styled
def plot_step_size_rate(kappa: float = 100.0) -> Figure:
    r"""The contraction factor :math:`\rho(\eta)=\max_i|1-\eta\lambda_i|` on a quadratic with spectrum in [1, κ]."""
    require_in_range("kappa", kappa, 1.0, 1e6)
    lam = torch.logspace(0, np.log10(kappa), 50, dtype=torch.float64)
    eta = torch.linspace(1e-4, 2.2 / kappa, 1000, dtype=torch.float64)
    rho = gd.gd_spectral_radius(lam, eta).numpy()
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.plot(eta, rho, lw=2, label=r"$\rho(\eta)$")
    ax.axhline(1, color="0.5", lw=0.8)
    star = float(gd.optimal_step(1.0, kappa))
    ax.axvline(star, color="C2", ls=":", label=rf"$\eta^*=2/(\lambda_{{\max}}+\lambda_{{\min}})$ = {star:.4f}")
    ax.axvline(2 / kappa, color="C3", ls="--", label=r"stability limit $2/\lambda_{\max}$")
    ax.plot([star], [float(gd.optimal_contraction(kappa))], "o", color="C2",
            label=rf"$\rho(\eta^*)=(\kappa-1)/(\kappa+1)$ = {float(gd.optimal_contraction(kappa)):.4f}")
    low = float(gd.optimal_contraction(kappa))
    ax.set(xlabel=r"step size $\eta$", ylabel=r"$\rho(\eta)$", ylim=(max(0.0, low - 0.6 * (1 - low)), 1.15),
           title=f"spectrum in [1, {kappa:g}]")
    style.mark_clipped(ax, r"$\rho$ leaves the axes (clipped)")
    style.legend_outside(ax, "below", ncols=1)
    return fig


@styled
def plot_stability_sweep(kappas, thresholds, optimal_measured) -> Figure:
    """Headline: measured divergence threshold ·λ_max (should be 2) and measured contraction at η* against (κ−1)/(κ+1)."""
    kappas = np.asarray(kappas, dtype=float)
    fig = style.figure(3.8)
    ax, ax2 = fig.subplots(1, 2)
    ax.semilogx(kappas, np.asarray(thresholds), "o", ms=4, label=r"measured threshold $\times\lambda_{\max}$")
    ax.axhline(2, color="k", ls="--", label="theory: 2")
    ax.set(xlabel=r"$\kappa$", ylim=(1.9, 2.1), title="largest step that still shrinks")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=1)
    ax2.semilogx(kappas, 1 - np.asarray(optimal_measured), "o", ms=4, label=r"measured $1-\rho$ at $\eta^*$")
    ax2.semilogx(kappas, 1 - (kappas - 1) / (kappas + 1), "k--", label=r"$1-\frac{\kappa-1}{\kappa+1}=\frac{2}{\kappa+1}$")
    ax2.set(xscale="log", yscale="log", xlabel=r"$\kappa$", title="rate at the optimal step")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


# --- backprop and autodiff ---------------------------------------------------------------------------

@single_threaded()
def time_jacobians(sizes=(1, 4, 16, 64, 256), hidden: int = 64, repeats: int = 3) -> dict:
    """Median wall time of forward- and reverse-mode Jacobian assembly for f: ℝᴺ → ℝ¹ and f: ℝ¹ → ℝᴹ."""
    times = {"N": [], "M": []}
    for axis in ("N", "M"):
        for n in sizes:
            widths = [n, hidden, hidden, 1] if axis == "N" else [1, hidden, hidden, n]
            W, b = bp.init_mlp(widths, seed=n)
            x = torch.ones(widths[0], dtype=torch.float64)

            def f(z, W=W, b=b):
                return bp.mlp_forward(z, W, b)[1][-1]
            row = []
            for mode in (bp.jacobian_forward_mode, bp.jacobian_reverse_mode):
                runs = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    mode(f, x)
                    runs.append(time.perf_counter() - start)
                row.append(float(np.median(runs)))
            times[axis].append(row)
    return {"sizes": list(sizes), "N": np.array(times["N"]), "M": np.array(times["M"])}


@styled
def plot_autodiff_cost(timings: dict) -> Figure:
    """Measured time of forward vs reverse mode against the number of inputs N (M = 1) and of outputs M (N = 1)."""
    sizes = np.asarray(timings["sizes"])
    fig = style.figure(3.6)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, axis, label in zip(axes, ("N", "M"), ("inputs N (one output)", "outputs M (one input)")):
        t = timings[axis] * 1e3
        ax.loglog(sizes, t[:, 0], "o-", label="forward mode (JVP per input)")
        ax.loglog(sizes, t[:, 1], "s-", label="reverse mode (VJP per output)")
        ax.set(xlabel=label, title=f"Jacobian of f: varying {axis}")
    axes[0].set_ylabel("wall time (ms, median)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    return fig


@single_threaded()
@styled
def plot_delta_norms(gain: float = 1.0, act: str = "tanh", depth: int = 12, width: int = 32) -> Figure:
    r"""Per-layer :math:`\|\boldsymbol\delta^l\|` of the δ-recursion for a deep MLP with weight gain g."""
    require_positive("gain", gain)
    W, b = bp.init_mlp([width] * (depth + 1), gain=gain, seed=0)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(width, generator=g, dtype=torch.float64)
    y = torch.randn(width, generator=g, dtype=torch.float64)
    _, _, deltas = bp.backprop(x, y, W, b, act)
    norms = np.array([float(d.norm()) for d in deltas])
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.bar(np.arange(1, depth + 1), norms, color="C0", label=r"$\|\delta^l\|$")
    ax.set(yscale="log", ylim=(1e-12, 1e6), xlabel="layer $l$", ylabel=r"$\|\delta^l\|$",
           title=f"{act}, gain g = {gain:g}: ‖δ¹‖/‖δᴸ‖ = {norms[0] / norms[-1]:.3g}")
    style.mark_clipped(ax, "bar beyond the axes (clipped)")
    style.legend_outside(ax)
    return fig


def delta_norms_explorer() -> Explorer:
    return Explorer(plot_delta_norms, [Control("gain", [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0], start=3,
                                               label="weight gain g"),
                                       Control("act", ["tanh", "sigmoid", "relu"], label="activation",
                                               why_few="the three activations of the text")],
                    title="Backpropagated errors ‖δˡ‖ layer by layer")


@functools.cache
@single_threaded()
def _depth_curves(act: str, gain: float, depth: int = 50, width: int = 32):
    W, b = bp.init_mlp([width] * (depth + 1), gain=gain, bias_scale=0.0, seed=7)
    x = torch.randn(width, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    jac = bp.layer_jacobians(x, W, b, act)
    measured, J = [], torch.eye(width, dtype=torch.float64)
    for Jl in jac:
        J = Jl @ J
        measured.append(float(torch.linalg.matrix_norm(J, 2)))
    upper = np.cumprod([bp.activation(act).kappa * float(torch.linalg.matrix_norm(w, 2)) for w in W])
    return np.array(measured), upper


@styled
def plot_jacobian_depth(act: str = "tanh", gain: float = 1.0) -> Figure:
    r""":math:`\|\partial\mathbf x^l/\partial\mathbf x^0\|_2` against depth l, under the bound :math:`\prod\kappa\|W^l\|_2`."""
    measured, upper = _depth_curves(act, float(gain))
    depth = np.arange(1, len(measured) + 1)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.semilogy(depth, measured, "C0", lw=2, label=r"measured $\|\prod_l \mathrm{diag}(\varphi')W^l\|_2$")
    ax.semilogy(depth, upper, "k--", label=r"bound $\prod_l\kappa\|W^l\|_2$")
    ax.set(xlabel="depth $l$", ylim=(1e-20, 1e20), title=f"{act}, $W\\sim\\mathcal{{N}}(0, g^2/32)$, g = {gain:g}")
    style.mark_clipped(ax, "leaves the axes (clipped)")
    style.legend_outside(ax, "below", ncols=2)
    return fig


def jacobian_depth_explorer() -> Explorer:
    return Explorer(plot_jacobian_depth, [Control("act", ["tanh", "sigmoid", "relu"], label="activation",
                                                  why_few="the three activations of the text"),
                                          Control("gain", [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0], start=9,
                                                  label="weight gain g")],
                    title="Vanishing and exploding gradients: the product of Jacobians against its norm bound")


@styled
def plot_phi_prime_counterexample(depth: int = 30) -> Figure:
    """φ′ ≤ 1 with large weights explodes; φ′ > 1 with small weights vanishes."""
    depth = require_int("depth", depth, minimum=1)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    for slope, scale, fmt in ((0.9, 2.0, "C3"), (1.1, 0.5, "C0")):
        W = [scale * torch.eye(4, dtype=torch.float64)] * depth
        jac = bp.layer_jacobians(torch.ones(4, dtype=torch.float64), W, [torch.zeros(4, dtype=torch.float64)] * depth,
                                 bp.activation("linear", slope))
        J, norms = torch.eye(4, dtype=torch.float64), []
        for Jl in jac:
            J = Jl @ J
            norms.append(float(torch.linalg.matrix_norm(J, 2)))
        ax.semilogy(np.arange(1, depth + 1), norms, fmt, lw=2,
                    label=f"φ′ = {slope}, W = {scale}I: ‖J‖ = {slope * scale:g}^l → {norms[-1]:.3g}")
    ax.axhline(1, color="0.5", lw=0.8)
    ax.set(xlabel="depth $l$", ylabel=r"$\|\partial x^l/\partial x^0\|_2$", title="φ′ alone does not decide")
    style.legend_outside(ax, "below", ncols=1)
    return fig


# --- function classes and rates ---------------------------------------------------------------------------

@styled
def plot_pl_example() -> Figure:
    r""":math:`f=x^2+3\sin^2x` (non-convex: f″ < 0 in places) and its PL ratio :math:`\tfrac12f'^2/f\ge1/32`."""
    x = torch.linspace(-8, 8, 4001, dtype=torch.float64)
    x = x[x.abs() > 1e-9]
    f, g = gd.pl_example(x), gd.pl_example_grad(x)
    fig = style.figure(3.6)
    ax, ax2 = fig.subplots(1, 2)
    ax.plot(x, f, lw=2)
    ax.plot(x, x**2, "0.6", ls=":", label="$x^2$")
    ax.set(xlabel="$x$", title=r"$f(x)=x^2+3\sin^2x$")
    ax.legend(loc="upper center")
    ratio = gd.pl_ratio(g**2, f)
    ax2.semilogy(x, ratio, lw=1.5)
    ax2.axhline(1 / 32, color="C3", ls="--", label="μ = 1/32")
    ax2.axhline(float(ratio.min()), color="C2", ls=":", label=f"min = {float(ratio.min()):.4f}")
    ax2.set(xlabel="$x$", title=r"$\frac{1}{2} f'(x)^2/(f(x)-f^*)$")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def max_rate_ratios(curves: dict) -> dict:
    """Largest measured/bound ratio of each curve set (from t = 1 on, while the bound is representable)."""
    out = {}
    for name, (t, measured, bound) in curves.items():
        keep = (np.asarray(t) > 0)[:, None] & (np.asarray(bound) > 1e-250)
        out[name] = float(np.nanmax((np.asarray(measured) / np.where(keep, bound, 1.0))[keep]))
    return out


@styled
def plot_rates(curves: dict) -> Figure:
    """Measured curves under the proven bounds; ``curves[name] = (t, measured (T, runs), bound (T, runs))``."""
    fig = style.figure(6.4)
    axes = fig.subplots(2, 2).ravel()
    for ax, (name, (t, measured, bound)) in zip(axes, curves.items()):
        t, measured, bound = np.asarray(t), np.asarray(measured), np.asarray(bound)
        keep = (t > 0)[:, None] & (bound > 1e-250)
        ratio = float(np.nanmax((measured / np.where(keep, bound, 1.0))[keep]))
        ax.plot(t, measured, color="C0", lw=0.8, alpha=0.5)
        ax.plot(t, bound, color="k", ls="--", lw=0.8, alpha=0.5)
        loglog = name.startswith(("convex", "non-convex"))
        positive = measured[np.isfinite(measured) & (measured > 0)]
        ax.set(xscale="log" if loglog else "linear", yscale="log", xlabel="$t$",
               ylim=(max(1e-20, 0.3 * float(positive.min())), None),
               title=f"{name}\nmax measured/bound = {ratio:.3f}")
        style.mark_clipped(ax, "below $10^{-20}$ (clipped)")
    handles = [Line2D([], [], color="C0", label="measured (each run)"), Line2D([], [], color="k", ls="--", label="proven bound")]
    fig.legend(handles=handles + style.clip_keys(axes)[:1], loc="outside lower center", ncols=3)
    return fig


# --- a PL function on which the PL rate is nearly tight ------------------------------------------------------

PL_TIGHT_MU = 0.02  # 2c² with c = 0.1: the PL constant of pl_tight, attained at its minimum x = 0


def pl_tight(x: torch.Tensor) -> torch.Tensor:
    r""":math:`f(x)=g(x)^2` with :math:`g(x)=1.1x-\sin x`: non-convex (f″ < 0 near x = 3π/2), with
    :math:`\tfrac12f'^2/f=2g'(x)^2=2(1.1-\cos x)^2\ge0.02`, equality at the minimum, where also f″(0) = 0.02."""
    return (1.1 * x - torch.sin(x)) ** 2


def pl_tight_grad(x: torch.Tensor) -> torch.Tensor:
    return 2 * (1.1 * x - torch.sin(x)) * (1.1 - torch.cos(x))


def pl_tight_smoothness(radius: float) -> float:
    """The largest absolute curvature of :func:`pl_tight` on [−radius, radius], on a fine grid (GD started
    within radius of 0 stays there)."""
    x = torch.linspace(-radius, radius, 200_001, dtype=torch.float64)
    g, dg = 1.1 * x - torch.sin(x), 1.1 - torch.cos(x)
    return float((2 * dg**2 + 2 * g * torch.sin(x)).abs().max())


@single_threaded()
def rate_curves(runs: int = 16, seed: int = 0) -> dict:
    """Gradient descent run on four problem classes, batched over ``runs`` random starts (or problems),
    with each theorem's bound: ``{name: (t, measured (T, runs), bound (T, runs))}``."""
    rng = np.random.default_rng(seed)
    curves = {}
    # convex: the Huber functions on which GD with η = 1/L is worst (Drori–Teboulle): run k is quadratic with
    # curvature L = 1 on |x| ≤ R/(2T_k + 1) and linear outside; at its horizon T_k the gap is L R²/(4T_k + 2)
    horizons = torch.unique(torch.logspace(0, 3, runs, dtype=torch.float64).round())
    delta = 1.0 / (2 * horizons + 1)  # R = 1, L = 1

    def huber_grad(v):
        return torch.clamp(v, -delta, delta)
    hx = gd.gradient_descent(huber_grad, torch.ones_like(horizons), 1.0, 1000)[1:]  # (1000, runs)
    t = torch.arange(1, 1001, dtype=torch.float64)[:, None]
    gap = torch.where(hx.abs() <= delta, hx**2 / 2, delta * (hx.abs() - delta / 2))
    gap = torch.where(t <= horizons, gap, torch.nan)  # each run is drawn up to its own horizon
    curves["convex: worst-case Huber, O(1/t)"] = (t[:, 0], gap, gd.convex_rate_bound(torch.ones_like(horizons), 1.0, t))
    # strongly convex: quadratics with κ from 2 to 1000, η = 2/(L + μ), distance contraction (κ−1)/(κ+1)
    kappas = torch.logspace(np.log10(2), 3, runs, dtype=torch.float64)
    lam = kappas[:, None] ** torch.linspace(0, 1, 8, dtype=torch.float64)  # (runs, 8): spectrum 1 … κ
    x0q = _f64(rng.normal(size=(runs, 8)))
    eta = 2 / (lam.amax(-1) + lam.amin(-1))
    qs = gd.gd_quadratic(lam, x0q, eta, 300)
    tq = torch.arange(301, dtype=torch.float64)[:, None]
    dist = qs.norm(dim=-1)
    curves["strongly convex: κ ∈ [2, 1000], η*"] = (tq[:, 0], dist, gd.optimal_contraction(kappas) ** tq * dist[0])
    # PL, non-convex, and not Newton at the minimum: f = g², g(x) = 1.1x − sin x, whose PL ratio ½f′²/f = 2g′²
    # is smallest (μ = 0.02) exactly at the minimum, where f″ = μ too; η = 0.2/L with the general-step factor
    z0 = torch.linspace(-4, 4, runs + 1, dtype=torch.float64)
    z0 = z0[z0 != 0][:runs]
    mu_pl, L_pl, eta_pl = PL_TIGHT_MU, pl_tight_smoothness(4.0), 0.2 / pl_tight_smoothness(4.0)
    zs = gd.gradient_descent(pl_tight_grad, z0, eta_pl, 6000)
    tp = torch.arange(6001, dtype=torch.float64)[:, None]
    curves["PL: (1.1x − sin x)², η = 0.2/L"] = (tp[:, 0], pl_tight(zs),
                                                 pl_tight(z0) * gd.pl_step_factor(mu_pl, L_pl, eta_pl) ** tp)
    # non-convex: robust regression Σ log(1 + r²), min gradient norm²
    A, b = _f64(rng.normal(size=(30, 5))), _f64(rng.normal(size=30) * 2)
    Lr = 2 * float(torch.linalg.eigvalsh(A.T @ A).max())

    def grad(v):
        r = v @ A.T - b
        return (2 * r / (1 + r**2)) @ A
    v0 = _f64(rng.normal(size=(runs, 5)) * 3)
    vs = gd.gradient_descent(grad, v0, 1 / Lr, 1000)
    best = torch.cummin((grad(vs) ** 2).sum(-1), 0).values
    tn = torch.arange(1001, dtype=torch.float64)[:, None]
    f0 = torch.log1p((v0 @ A.T - b) ** 2).sum(-1)
    curves["non-convex: min ‖∇f‖², O(1/t)"] = (tn[1:, 0], best[1:], gd.nonconvex_gradnorm_bound(f0, 1 / Lr, tn)[1:])
    return {k: tuple(np.asarray(a) for a in val) for k, val in curves.items()}
