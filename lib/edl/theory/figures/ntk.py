"""Figures and explorers of chapter 9, part 1: the empirical NTK against its infinite-width limit, the linearised
network, and how far the kernel moves in the lazy, catapult and mean-field regimes."""

import functools

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.theory import ntk

ANGLES = np.linspace(0, 2 * np.pi, 33)[:-1]


@functools.lru_cache(maxsize=None)
def ntk_width_data(m: int) -> tuple[np.ndarray, np.ndarray, float]:
    """The explorer's data: the empirical ReLU NTK at initialisation (seed 0) of width ``m`` on 32 unit inputs around
    the circle, the infinite-width kernel, and their relative Frobenius distance (rounded to 3 decimals)."""
    X = torch.tensor(np.stack([np.cos(ANGLES), np.sin(ANGLES)], 1))
    theta = ntk.init_two_layer(int(m), 2, generator=torch.Generator().manual_seed(0))
    K = ntk.empirical_ntk(theta, X, activation="relu").numpy()
    K_inf = ntk.relu_ntk_infinite(X).numpy()
    return K, K_inf, round(float(np.linalg.norm(K - K_inf) / np.linalg.norm(K_inf)), 3)


@styled
def plot_ntk_width(m: int = 64) -> Figure:
    r"""The empirical NTK of a width-``m`` ReLU network on inputs around the unit circle, beside the analytic
    :math:`k_\infty` (same colour scale), and one row of each: at small width the kernel is random, at large width
    it is the deterministic limit."""
    K, K_inf, err = ntk_width_data(int(m))
    fig = style.figure(3.4)
    a1, a2, a3 = fig.subplots(1, 3, width_ratios=[1, 1, 1.3])
    lo, hi = 0.0, 0.35
    for ax, mat, name in ((a1, K, f"empirical, m = {m}"), (a2, K_inf, "infinite width k∞")):
        im = ax.imshow(mat, vmin=lo, vmax=hi, cmap="viridis")
        ax.set(title=name, xticks=[], yticks=[], xlabel="input j around the circle")
        style.colorbar(im, ax, label="k(xᵢ, xⱼ)", location="bottom", shrink=0.9, aspect=12)
    deg = np.degrees(ANGLES)
    a3.plot(deg, K_inf[0], color="0.2", lw=2.4, label="k∞(x₀, ·)")
    a3.plot(deg, K[0], color="C1", label=f"m = {m}")
    a3.set(xlabel="angle of input j (°), i = 0", ylim=(-0.05, 0.6), title=f"relative error {err:.3f}")
    style.mark_clipped(a3, legend=True)
    style.legend_outside(a3, "below", ncols=1)
    return fig


def ntk_width_explorer() -> Explorer:
    widths = [4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096]
    return Explorer(plot_ntk_width, [Control("m", widths, start=4, label="width m")],
                    title="The empirical NTK at initialisation becomes deterministic as the width grows")


@functools.lru_cache(maxsize=None)
def _line_setup(m: int):
    X = torch.tensor(np.stack([np.linspace(-3, 3, 121), np.full(121, 0.5)], 1))
    theta = ntk.init_two_layer(m, 2, generator=torch.Generator().manual_seed(1))
    u = torch.randn(theta.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    return X, theta, u / u.norm()


@styled
def plot_linearization(t: float = 2.0) -> Figure:
    r"""A tanh network moved from :math:`\theta_0` by :math:`\vartheta=t\,u` (``u`` a random unit direction, so
    :math:`\|\vartheta\|=t`) against its linearisation :math:`f_0+\vartheta\cdot\nabla f_0`, along a line of inputs,
    for a narrow and a wide network."""
    fig = style.figure(3.4)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, m in zip(axes, (8, 2048)):
        X, theta, u = _line_setup(m)
        f0 = ntk.two_layer(theta, X).numpy()
        moved = ntk.two_layer(theta + t * u, X).numpy()
        lin = ntk.linearized(theta, t * u, X).numpy()
        ax.plot(X[:, 0], f0, color="0.6", lw=1.2, label="f(θ₀)")
        ax.plot(X[:, 0], moved, color="C0", label="f(θ₀ + ϑ)")
        ax.plot(X[:, 0], lin, color="C3", ls="--", label="linearised h(ϑ)")
        gap = float(np.abs(moved - lin).max())
        ax.set(title=f"m = {m}: max gap {gap:.3f}", xlabel="input x₁ (x₂ = 0.5)", ylim=(-4, 4))
        style.mark_clipped(ax, legend=False)
    axes[0].set_ylabel("output")
    handles = [line for line in axes[1].lines if not line.get_label().startswith("_") and line.get_gid() is None]
    keys = style.clip_keys(axes)[:1]
    style.legend_outside(axes[1], "right", handles=handles + keys)
    return fig


def linearization_explorer() -> Explorer:
    ts = [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0]
    return Explorer(plot_linearization, [Control("t", ts, start=2, label="size of the move t = ‖ϑ‖")],
                    title="Linearisation: a wide network stays close to its tangent model for far larger moves")


@styled
def plot_kernel_rates(widths, rates: dict, *, ylabel: str = "relative kernel change ‖K_T − K₀‖/‖K₀‖",
                      guide: float | None = -1.0, title: str = "") -> Figure:
    """Log–log plot of quantities against the width (``rates``: label → values per width), with a slope guide."""
    widths = np.asarray(widths, float)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    for i, (label, values) in enumerate(rates.items()):
        ax.plot(widths, np.asarray(values, float), "o-", color=f"C{i}", label=label)
    if guide is not None:
        first = np.asarray(next(iter(rates.values())), float)[0]
        ax.plot(widths, first * (widths / widths[0]) ** guide, color="0.5", ls=":", label=f"slope {guide:g}")
    ax.set(xscale="log", yscale="log", xlabel="width m", ylabel=ylabel, title=title)
    style.legend_outside(ax, "right")
    return fig


def spectral_bias_data(t: float) -> tuple[np.ndarray, np.ndarray]:
    """The explorer's data: eigenvalues of the tanh NTK (m = 512) on 20 inputs and the residual left along each
    eigenvector at time ``t`` of the constant-kernel flow, the absolute value of uₖ·(y − f(t))."""
    from edl.theory import lazy
    X, y = lazy.kernel_data(20, 5)
    theta = ntk.init_two_layer(512, 5, generator=torch.Generator().manual_seed(0))
    K, f0 = ntk.empirical_ntk(theta, X), ntk.two_layer(theta, X)
    lam, U = torch.linalg.eigh(K)
    f = ntk.linear_ode_solution(K, y, f0, float(t))
    return lam.numpy()[::-1].copy(), (U.T @ (y - f)).abs().numpy()[::-1].copy()


@styled
def plot_spectral_bias(t: float = 1.0) -> Figure:
    r"""Residual of the constant-kernel flow along each eigenvector of the NTK at time :math:`t`: mode :math:`k` decays
    like :math:`e^{-\lambda_kt}`, so the top modes are fitted first (spectral bias)."""
    lam, res = spectral_bias_data(t)
    _, res0 = spectral_bias_data(0.0)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    k = np.arange(1, len(lam) + 1)
    ax.bar(k - 0.2, res0, width=0.4, color="0.7", label="at t = 0")
    ax.bar(k + 0.2, np.maximum(res, 1e-12), width=0.4, color="C0", label=f"at t = {t:g}")
    ax.plot(k, res0 * np.exp(-lam * t), "_", color="C3", ms=12, mew=2, label="exp(−λₖ t) × start")
    ax.set_xticks(k[::2])
    ax.set(yscale="log", ylim=(1e-6, 10), xlabel="eigenvector k (by decreasing λₖ)", ylabel="|residual along uₖ|",
           title="Spectral bias: large-eigenvalue modes are fitted first")
    style.mark_clipped(ax, legend=True)
    style.legend_outside(ax, "right")
    return fig


def spectral_bias_explorer() -> Explorer:
    ts = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]
    return Explorer(plot_spectral_bias, [Control("t", ts, start=3, label="training time t")],
                    title="Gradient flow with a constant NTK: each eigenmode of the residual decays at its own rate")
