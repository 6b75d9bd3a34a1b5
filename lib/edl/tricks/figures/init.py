"""Figures of chapter 8, part A: initialisation and weight decay."""

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive_scalar
from edl.tricks import init, shrinkage, weight_decay

#: Weight variances c/n offered by the initialisation explorer (c = 1/3: nn.Linear's default, 1: LeCun, 2: He).
GAINS = (0.25, 1 / 3, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0)


def depth_profile(gain: float, depth: int = 20, width: int = 128, seed: int = 0) -> dict:
    """The signal's second moment by layer (relative to the input) for Var(w) = gain/n, per activation."""
    gain = require_positive_scalar("gain", gain)
    depth, width = require_int("depth", depth, minimum=1), require_int("width", width, minimum=2)
    g = torch.Generator().manual_seed(seed)
    W = torch.randn(depth, width, width, generator=g, dtype=torch.float64) * math.sqrt(gain / width)
    x = torch.randn(256, width, generator=g, dtype=torch.float64)
    return {a: init.second_moments(x, W, a).numpy() for a in init.ACTIVATIONS}


@styled
def plot_init_depth(gain: float = 1.0) -> Figure:
    r"""Second moment of the signal through 20 layers of width 128 for weights of variance :math:`c/n`."""
    prof = depth_profile(gain)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    layers = np.arange(len(prof["linear"]))
    for a, color in zip(init.ACTIVATIONS, ("C0", "C1", "C2")):
        ax.semilogy(layers, prof[a], "o-", ms=3, color=color, label=a)
    ax.axhline(1.0, color="0.5", ls=":", lw=1)
    ax.set(ylim=(1e-12, 1e12), xlabel="layer l", ylabel="E‖x_l‖² / E‖x_0‖²",
           title=f"Var(w) = {gain:.3g}/n   (1/3: nn.Linear default, 1: LeCun, 2: He)")
    style.mark_clipped(ax)
    style.legend_outside(ax, "right")
    return fig


def init_depth_explorer() -> Explorer:
    return Explorer(plot_init_depth, [Control("gain", list(GAINS), start=4, label="c in Var(w) = c/n",
                                              labels=[f"{c:.3g}" for c in GAINS])],
                    title="Initialisation scale against depth: which c keeps the signal for each activation?")


@styled
def plot_uniform_vs_normal(sigma: float = 1.0) -> Figure:
    r"""Histograms of :math:`\mathcal N(0,\sigma^2)` and :math:`\mathcal U[-\sqrt3\sigma,\sqrt3\sigma]` draws: equal variance."""
    g = torch.Generator().manual_seed(0)
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    bins = np.linspace(-4 * sigma, 4 * sigma, 81)
    for dist, color in (("normal", "C0"), ("uniform", "C1")):
        w = init.sample_weights((200_000,), sigma, dist, generator=g).numpy()
        ax.hist(w, bins=bins, density=True, alpha=0.55, color=color, label=f"{dist}: variance {w.var():.3f}")
    a = float(init.uniform_bound(sigma))
    ax.axvline(-a, color="C1", ls="--", lw=1)
    ax.axvline(a, color="C1", ls="--", lw=1, label="±√3σ")
    ax.set(xlabel="weight", ylabel="density", title=f"σ = {sigma:g}: same variance, different shapes")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_shrinkage(lam: float = 0.7) -> Figure:
    r"""L1 (soft threshold) against L2 (rescaling) on one coordinate with curvature :math:`h=1`."""
    b = torch.linspace(-3, 3, 601, dtype=torch.float64)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.plot(b, b, color="0.6", ls=":", label="no penalty")
    ax.plot(b, shrinkage.l1_solution(b, torch.ones_like(b), lam), label=f"L1: soft threshold at λ = {lam:g}")
    ax.plot(b, shrinkage.l2_solution(b, torch.ones_like(b), lam), label="L2: b·h/(h + λ)")
    ax.set(xlabel="unregularised minimiser θ*", ylabel="regularised minimiser θ", title="L1 sets small weights to 0; L2 only shrinks")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_snr_risk(sigmas=(0.5, 1.0, 2.0), u: float = 1.0, seed: int = 0) -> Figure:
    r"""Bayes risk of ridge regression against :math:`\mu` (:math:`s=30`, :math:`d=20`), minimum at :math:`\sigma^2/u^2`."""
    X = torch.as_tensor(np.random.default_rng(seed).normal(size=(30, 20)))
    mu = torch.logspace(-2.5, 2.5, 201, dtype=torch.float64)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    for j, s in enumerate(sigmas):
        r = weight_decay.ridge_bayes_risk(X, mu, u, s).numpy()
        best = weight_decay.optimal_weight_decay(s, u)
        ax.loglog(mu, r, color=f"C{j}", label=f"σ = {s:g}")
        ax.loglog([best], [float(weight_decay.ridge_bayes_risk(X, best, u, s))], "o", color=f"C{j}",
                  label=f"σ²/u² = {best:g}")
    ax.set(xlabel="weight decay μ", ylabel="E‖ŵ_μ − w*‖²", title="The best decay is the inverse signal-to-noise ratio")
    style.legend_outside(ax, "right")
    return fig


#: Stopping times offered by the early-stopping explorer (η = 0.009).
STOPS = (5, 10, 22, 50, 111, 222, 500, 1111, 2222, 5000)


@styled
def plot_early_stopping(k: int = 222, lr: float = 0.009) -> Figure:
    r"""Filter factors of early stopping after :math:`k` steps and of weight decay :math:`\mu=1/(\eta k)`."""
    lam = torch.logspace(-3, 3, 301, dtype=torch.float64)
    mu = 1.0 / (lr * k)
    stable = lam[lam <= 1 / lr]                                   # ηλ ≤ 1: no overshoot (η = 0.9/λ_max in the text)
    es = shrinkage.early_stopping_factors(stable, lr, k)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.semilogx(stable, es, label=f"early stopping: 1 − (1 − ηλ)^k, k = {k}")
    ax.semilogx(lam, shrinkage.l2_factors(lam, mu), "--", label=f"weight decay: λ/(λ + μ), μ = 1/(ηk) = {mu:.3g}")
    ax.axvline(mu, color="0.5", ls=":", lw=1)
    ax.set(ylim=(0, 1.05), xlabel="curvature λ of an eigen-direction", ylabel="fraction of w* fitted",
           title="Early stopping ≈ weight decay: equal in both limits, not in between")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=1)
    return fig


def early_stopping_explorer() -> Explorer:
    return Explorer(plot_early_stopping, [Control("k", list(STOPS), start=5, label="steps k")],
                    title="Stopping after k steps acts like weight decay μ = 1/(ηk)")
