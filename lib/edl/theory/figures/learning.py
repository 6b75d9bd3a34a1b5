"""Figures and explorers of chapter 9, part 1: risk decomposition, VC bounds, double descent, implicit bias."""

import functools
import math

import numpy as np
import scipy.stats
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.theory import learning as lr


@styled
def plot_risk_decomposition(n: int = 30, degrees=range(0, 9), seeds: int = 10) -> Figure:
    r"""Median estimation and approximation error of least-squares polynomials of each degree on ``n`` samples of
    :math:`\sin3x+\varepsilon`, stacked to the excess risk."""
    est, app = [], []
    for k in degrees:
        terms = np.array([lr.risk_decomposition(*lr.polynomial_risks(k, n, generator=torch.Generator().manual_seed(s)))
                          .numpy() for s in range(seeds)])
        est.append(np.median(terms[:, 1]))
        app.append(np.median(terms[:, 2]))
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    deg = list(degrees)
    ax.bar(deg, app, color="C0", label="approximation  R(f*_H) − R(f*)")
    ax.bar(deg, est, bottom=app, color="C1", label="estimation  R(f̂_H) − R(f*_H)")
    ax.set(yscale="log", xlabel="polynomial degree (size of the class H)", ylabel="excess risk (log scale)",
           title=f"Excess risk = approximation + estimation (n = {n}, median of {seeds} samples)")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_vc_bounds(epsilon: float = 0.05) -> Figure:
    r"""The probability of a uniform deviation larger than :math:`\epsilon` for thresholds: the exact Kolmogorov tail,
    the DKW bound :math:`2e^{-2s\epsilon^2}` and the VC inequality :math:`8(s+1)e^{-s\epsilon^2/32}`, against :math:`s`."""
    s = np.geomspace(100, 1e6, 200)
    vc = lr.vc_inequality_bound(torch.tensor(s), epsilon, torch.tensor(s + 1)).numpy()
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(s, vc, color="C3", label="VC inequality 8 S(s) e^{−sε²/32}")
    ax.plot(s, 2 * np.exp(-2 * s * epsilon**2), color="C1", label="DKW 2 e^{−2sε²}")
    s_ks = np.geomspace(100, 1e6, 25)
    ks = np.array([scipy.stats.kstwo.sf(epsilon, int(k)) for k in s_ks])
    ax.plot(s_ks, ks, color="C0", lw=2.4, label="exact tail P(D_s > ε)")
    ax.axhline(1.0, color="0.5", ls=":", lw=1, label="probability 1")
    ax.set(xscale="log", yscale="log", ylim=(1e-12, 1e5), xlabel="sample size s",
           ylabel=f"P(sup |E − Ê| > {epsilon})", title="Thresholds on [0, 1]: the VC bound is vacuous until s ≈ 1.8·10⁵")
    style.mark_clipped(ax, legend=False)
    style.legend_outside(ax, "right")
    return fig


@functools.lru_cache(maxsize=None)
def double_descent_data(ridge: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ridge explorer's data: feature counts, min-norm and ridge test MSE (n = 40, d = 10, 3 seeds)."""
    ps = np.array([4, 8, 16, 24, 32, 36, 40, 44, 48, 64, 100, 200, 400])
    plain = lr.double_descent(ps.tolist(), n=40, d=10, seeds=3, n_test=500).numpy()
    ridged = plain if ridge == 0 else lr.double_descent(ps.tolist(), n=40, d=10, seeds=3, n_test=500, ridge=ridge).numpy()
    return ps, plain, ridged


@styled
def plot_double_descent(ps, errors, n: int, *, label: str = "min-norm fit") -> Figure:
    """Test MSE against the number of random features ``ps``, with the interpolation threshold p = n marked."""
    ps, errors = np.asarray(ps, float), np.asarray(errors, float)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(ps / n, errors, "o-", color="C0", label=label)
    under = errors[ps < n]
    ax.axhline(under.min(), color="C2", ls="--", lw=1.2, label=f"best p < n: {under.min():.3f}")
    ax.axvline(1.0, color="C3", ls=":", lw=1.2, label="interpolation threshold p = n")
    ax.set(xscale="log", yscale="log", xlabel="features per training example p / n", ylabel="test MSE (log scale)",
           title=f"Double descent with random ReLU features (n = {n})")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_double_descent_ridge(ridge: float = 0.0) -> Figure:
    """The explorer's frame: min-norm double descent (grey) and the ridge-regularised curve for ``ridge``."""
    ps, plain, ridged = double_descent_data(float(ridge))
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(ps / 40, plain, "o-", color="0.6", label="min-norm (λ = 0)")
    ax.plot(ps / 40, ridged, "s-", color="C0", label=f"ridge λ = {ridge:g}")
    ax.axvline(1.0, color="C3", ls=":", lw=1.2, label="p = n")
    ax.set(xscale="log", yscale="log", ylim=(0.01, 200), xlabel="p / n", ylabel="test MSE (log scale)",
           title="Ridge regularisation flattens the peak at p = n (n = 40, d = 10)")
    style.mark_clipped(ax, legend=True)
    style.legend_outside(ax, "right")
    return fig


def double_descent_explorer() -> Explorer:
    ridges = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0]
    return Explorer(plot_double_descent_ridge, [Control("ridge", ridges, label="ridge λ")],
                    title="Double descent: move the ridge penalty and watch the peak at p = n")


def implicit_bias_path(angle: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The explorer's data: GD iterates on x·w = 2 (x = (1, 2)) from w₀ on the circle of radius 2 at ``angle`` degrees,
    the limit X⁺y + (I − X⁺X)w₀ and the minimum-norm solution."""
    X, y = torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64)
    w0 = 2.0 * torch.tensor([math.cos(math.radians(angle)), math.sin(math.radians(angle))], dtype=torch.float64)
    path = [w0]
    for _ in range(12):
        path.append(lr.gd_least_squares(X, y, path[-1], lr=0.1, steps=1))
    return np.array([p.numpy() for p in path]), lr.min_norm_limit(X, y, w0).numpy(), lr.min_norm_fit(X, y).numpy()


@styled
def plot_implicit_bias(angle: float = 0.0) -> Figure:
    """Gradient descent on one equation in two unknowns: it walks along x and lands on the point of the solution line
    closest to its start; from the origin, that is the minimum-norm solution."""
    path, limit, best = implicit_bias_path(angle)
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    t = np.array([-0.45, 2.45])
    ax.plot(2 - 2 * t, t, color="0.4", label="solutions  w₁ + 2w₂ = 2")
    ax.plot(path[:, 0], path[:, 1], "o-", color="C0", ms=3, label="GD iterates from w₀")
    ax.plot(*limit, "s", color="C1", ms=8, label="limit X⁺y + (I − X⁺X)w₀")
    ax.plot(*best, "*", color="C3", ms=12, label="minimum norm X⁺y")
    ax.add_patch(Circle((0, 0), np.linalg.norm(best), fill=False, ls=":", color="C3"))
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xlabel="w₁", ylabel="w₂",
           title=f"GD stays in w₀ + span{{x}}: start at {angle:g}°")
    style.mark_clipped(ax, legend=True)
    style.legend_outside(ax, "right")
    return fig


def implicit_bias_explorer() -> Explorer:
    return Explorer(plot_implicit_bias, [Control("angle", list(range(0, 360, 36)), label="start w₀ at angle (°)")],
                    title="Implicit bias: gradient descent finds the interpolant nearest its start")
