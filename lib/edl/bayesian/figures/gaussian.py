"""Figures and explorers of chapter 9, part 2: Gaussian conditioning, GP regression, Bayesian linear
regression as a GP, the NNGP kernel across depth and the non-Gaussianity at finite width."""

import functools

import matplotlib
import numpy as np
import scipy.stats
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.bayesian import gp
from edl.bayesian import nngp as ng
from edl.bayesian import regression as rg
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive_scalar

F64 = torch.float64


def gp_data():
    """Eight noisy observations of sin(x) on [−3, 3] (fixed draw)."""
    rng = np.random.default_rng(7)
    x = np.array([-2.7, -2.0, -1.6, -0.4, 0.3, 0.9, 2.2, 2.6])
    return x, np.sin(x) + 0.1 * rng.normal(size=len(x))


def gp_band(length_scale: float, noise: float = 0.01, grid=None):
    """The explorer's data: test grid, posterior mean and standard deviation of RBF-GP regression on :func:`gp_data`."""
    length_scale = require_positive_scalar("length_scale", length_scale)
    x, y = gp_data()
    grid = np.linspace(-4, 4, 201) if grid is None else np.asarray(grid, float)
    eps = 1 / (2 * length_scale**2)
    X, G = torch.as_tensor(x[:, None]), torch.as_tensor(grid[:, None])
    m, v = gp.gp_posterior(gp.rbf_kernel(X, X, eps), gp.rbf_kernel(X, G, eps), torch.ones(len(grid), dtype=F64),
                           torch.as_tensor(y), noise)
    return grid, m.numpy(), np.sqrt(np.clip(v.numpy(), 0, None))


@styled
def plot_gp_regression(length_scale: float = 1.0) -> Figure:
    r"""RBF-GP regression (noise variance 0.01) on eight points: the posterior mean, a ±2 sd band and three
    posterior draws."""
    grid, m, sd = gp_band(length_scale)
    x, y = gp_data()
    eps = 1 / (2 * length_scale**2)
    Xall = torch.as_tensor(np.concatenate([x, grid])[:, None])
    K = gp.rbf_kernel(Xall, Xall, eps)
    n = len(x)
    mean, cov = gp.condition_gaussian(torch.zeros(len(Xall), dtype=F64), K + 0.01 * torch.eye(len(Xall), dtype=F64) *
                                      torch.cat([torch.ones(n), torch.full((len(grid),), 1e-4)]).double(),
                                      list(range(n)), torch.as_tensor(y))
    draws = gp.sample_gp(mean, (cov + cov.T) / 2, 3, torch.Generator().manual_seed(0), jitter=1e-8).numpy()
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.fill_between(grid, m - 2 * sd, m + 2 * sd, color="C0", alpha=0.2, label="mean ± 2 sd")
    ax.plot(grid, m, color="C0", lw=2, label="posterior mean")
    for i, d in enumerate(draws):
        ax.plot(grid, d, color="C0", lw=0.7, alpha=0.7, label="posterior draws" if i == 0 else None)
    ax.plot(grid, np.sin(grid), "k:", lw=1, label="sin x")
    ax.plot(x, y, "o", color="C3", ms=5, label="data")
    ax.set(xlabel="x", ylabel="f(x)", ylim=(-3, 3), title=f"length scale ℓ = {length_scale:g}")
    style.mark_clipped(ax)
    style.legend_outside(ax)
    return fig


def gp_explorer() -> Explorer:
    values = [0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0]
    return Explorer(plot_gp_regression, [Control("length_scale", values, start=5, label="length scale ℓ")],
                    title="GP regression: the length scale sets how far one observation informs its neighbours")


@styled
def plot_blr_as_gp(n_points: int = 6) -> Figure:
    r"""Bayesian linear regression on features (1, x, x²): posterior sample functions from weight space,
    and the band of the same posterior computed in function space with the kernel :math:`\phi(x)^\top\phi(x')`."""
    n_points = require_int("n_points", n_points, minimum=1)
    rng = np.random.default_rng(1)
    x = rng.uniform(-2, 2, n_points)
    phi = lambda t: np.stack([np.ones_like(t), t, t**2], 1)                 # noqa: E731
    y = 0.5 - x + 0.3 * x**2 + 0.3 * rng.normal(size=n_points)
    grid = np.linspace(-3, 3, 121)
    m, C = rg.posterior_ridge(torch.as_tensor(phi(x)), torch.as_tensor(y), 0.09)
    mean, var_f, _ = rg.predictive(torch.as_tensor(phi(grid)), m, C, 0.09)
    Phi = torch.as_tensor(np.concatenate([phi(x), phi(grid)]))
    K = gp.linear_kernel(Phi, Phi)
    gm, gv = gp.gp_posterior(K[:n_points, :n_points], K[:n_points, n_points:], torch.diagonal(K)[n_points:],
                             torch.as_tensor(y), 0.09)
    w = m + torch.randn(20, 3, generator=torch.Generator().manual_seed(2), dtype=F64) @ torch.linalg.cholesky(C).T
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    for i, wi in enumerate(w.numpy()):
        label = "weight space: f = φ(x)ᵀw, w ~ posterior" if i == 0 else None
        ax.plot(grid, phi(grid) @ wi, color="C0", lw=0.6, alpha=0.5, label=label)
    ax.plot(grid, mean.numpy(), color="C0", lw=2, label="predictive mean")
    sd = np.sqrt(gv.clamp_min(0).numpy())
    ax.plot(grid, gm.numpy() + 2 * sd, "--", color="C1", lw=1.5, label="function space (GP): ± 2 sd")
    ax.plot(grid, gm.numpy() - 2 * sd, "--", color="C1", lw=1.5)
    ax.plot(x, y, "o", color="C3", ms=5, label=f"{n_points} observations")
    agree = bool(np.allclose(gv.numpy(), var_f.numpy(), atol=1e-10)) and \
        bool(np.allclose(gm.numpy(), mean.numpy(), atol=1e-10))
    ax.set(xlabel="x", ylabel="f(x)", ylim=(-4, 8),
           title="weight and function space agree to 1e-10" if agree else "weight and function space DISAGREE")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=2)
    return fig


@functools.cache
def _depth_curves():
    c = np.linspace(-0.95, 0.95, 9)
    X = np.stack([np.array([1.0, 0.0]) * np.sqrt(2)] + [np.array([ci, np.sqrt(1 - ci**2)]) * np.sqrt(2) for ci in c])
    curves = {}
    for act in ("relu", "tanh"):
        Ks = ng.nngp_kernel(torch.as_tensor(X), 8, 2.0 if act == "relu" else 1.5, 0.05, act)
        curves[act] = np.array([(K[0, 1:] / torch.sqrt(K[0, 0] * torch.diagonal(K)[1:])).numpy() for K in Ks])
    return c, curves


@styled
def plot_nngp_depth() -> Figure:
    r"""Correlation :math:`K^l(x,x')/\sqrt{K^l(x,x)K^l(x',x')}` of two inputs against depth, for ReLU
    (σ_w² = 2) and tanh (σ_w² = 1.5), σ_b² = 0.05, starting from nine input correlations."""
    c, curves = _depth_curves()
    cmap, norm = matplotlib.colormaps["coolwarm"], Normalize(-1, 1)
    fig = style.figure(3.2)
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (act, rho) in zip(axes, curves.items()):
        for j in range(len(c)):
            ax.plot(np.arange(rho.shape[0]), rho[:, j], "o-", ms=3, lw=1, color=cmap(norm(c[j])))
        ax.set(title=act, xlabel="layer l", ylim=(-1.05, 1.05))
    axes[0].set_ylabel("correlation of K^l")
    style.colorbar(ScalarMappable(norm, cmap), list(axes), label="input correlation")
    return fig


WIDTHS = [1, 2, 3, 5, 8, 12, 20, 35, 60, 100]


@functools.cache
def finite_width_data(m: int, n: int = 50_000):
    """The explorer's data: ``n`` draws of the second-layer pre-activation at width ``m`` and their excess kurtosis."""
    z = ng.second_layer_samples(m, n, torch.Generator().manual_seed(m)).numpy()
    return z, float(scipy.stats.kurtosis(z))


@styled
def plot_finite_width(m: int = 5) -> Figure:
    r"""The law of :math:`z_2=\frac1{\sqrt m}\sum_jw_j\mathrm{relu}(z_{1j})` at width ``m``: histogram on a log
    scale against the Gaussian of the same variance, and a normal quantile plot."""
    m = require_int("m", m, minimum=1)
    z, kurt = finite_width_data(m)
    sd = np.sqrt(0.5)
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2)
    bins = np.linspace(-5, 5, 61)
    hist, edges = np.histogram(z, bins=bins, density=True)
    centers = (edges[1:] + edges[:-1]) / 2
    ax.semilogy(centers[hist > 0], hist[hist > 0], "o", ms=3, color="C0", label=f"width m = {m}")
    ax.semilogy(centers, scipy.stats.norm.pdf(centers, 0, sd), "k", lw=1.2, label="N(0, ½)")
    ax.set(xlabel="z₂", ylabel="density", ylim=(1e-5, 3), title=f"excess kurtosis {kurt:.2f} (15/m = {15 / m:.2f})")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=2)
    q = np.sort(z)[::50]
    p = (np.arange(len(q)) * 50 + 0.5) / len(z)
    ax2.plot(scipy.stats.norm.ppf(p, 0, sd), q, ".", ms=2, color="C0")
    ax2.plot([-3, 3], [-3, 3], "k", lw=1)
    ax2.set(xlim=(-3.5, 3.5), ylim=(-7, 7), xlabel="Gaussian quantile", ylabel="sample quantile", title="quantile plot")
    style.mark_clipped(ax2)
    return fig


def finite_width_explorer() -> Explorer:
    return Explorer(plot_finite_width, [Control("m", WIDTHS, start=3, label="hidden width m")],
                    title="Finite width: the second layer is a Gaussian scale mixture, Gaussian only as m → ∞")


@styled
def plot_kernel_convergence(errors: dict) -> Figure:
    r"""Relative errors of empirical kernels against their size parameter (width or number of networks), log–log,
    with a :math:`x^{-1/2}` guide. ``errors`` : label → (sizes, errors)."""
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    for i, (label, (sizes, errs)) in enumerate(errors.items()):
        sizes, errs = np.asarray(sizes, float), np.asarray(errs, float)
        ax.loglog(sizes, errs, "o-", color=f"C{i}", ms=4, label=label)
        ax.loglog(sizes, errs[0] * np.sqrt(sizes[0] / sizes), ":", color=f"C{i}", lw=1)
    ax.set(xlabel="width m  /  number of networks B", ylabel="relative error", title="Dotted: slope −½")
    style.legend_outside(ax)
    return fig
