"""Figures of chapter 8, part B: dropout's ensemble and residual connections."""

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_probability
from edl.tricks import dropout, residual

KEEPS = tuple(round(0.1 * i, 1) for i in range(1, 11))


def dropout_layer(seed: int = 44):
    """The 8-unit softmax layer the dropout figures enumerate (input x, weights W)."""
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.normal(size=8)), torch.as_tensor(rng.normal(size=(3, 8)) * 1.5)


def dropout_means(keep: float) -> dict:
    """Arithmetic and geometric ensemble means over all 256 masks, and the weight-scaled network, at one keep probability."""
    keep = require_probability("keep", keep, open_low=True)
    x, W = dropout_layer()
    phi = torch.full((8,), keep, dtype=torch.float64)
    return {"arithmetic ensemble": dropout.ensemble_mean(x, W, phi, "softmax").numpy(),
            "geometric ensemble": dropout.ensemble_mean(x, W, phi, "softmax", "geometric").numpy(),
            "weight-scaled net": torch.softmax(dropout.weight_scaled(W, phi) @ x, 0).numpy()}


@styled
def plot_dropout_means(keep: float = 0.5) -> Figure:
    r"""Class probabilities of the exact dropout ensemble (all :math:`2^8` masks) against the weight-scaling rule."""
    means = dropout_means(keep)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    for j, (name, p) in enumerate(means.items()):
        ax.bar(np.arange(3) + (j - 1) * 0.27, p, width=0.26, label=name, color=f"C{j}")
    gap = np.abs(means["arithmetic ensemble"] - means["weight-scaled net"]).max()
    ax.set(xticks=range(3), xticklabels=["class 0", "class 1", "class 2"], ylim=(0, 1), ylabel="probability",
           title=f"keep φ = {keep:g}: weight scaling = geometric mean; off the arithmetic mean by {gap:.3f}")
    style.legend_outside(ax, "right")
    return fig


def dropout_explorer() -> Explorer:
    return Explorer(plot_dropout_means, [Control("keep", list(KEEPS), start=4, label="keep probability φ")],
                    title="Dropout's ensemble of 256 sub-networks against one weight-scaled network")


ALPHAS = (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0, 4.0)
SCALE = 0.5  # weight standard deviation × √d: a tanh stack this small loses its gradient


def gradient_profile(alpha: float, depth: int = 50, d: int = 32, seed: int = 0) -> dict:
    """Gradient norm by layer of a plain and a residual tanh stack (branch scale ``alpha``; W ~ N(0, 0.25/d))."""
    rng = np.random.default_rng(seed)
    Ws = torch.as_tensor(rng.normal(size=(depth, d, d)) * SCALE / math.sqrt(d))
    x = torch.as_tensor(rng.normal(size=d))
    plain = residual.gradient_norms(x, Ws, residual=False)
    res = residual.gradient_norms(x, Ws, residual=True, alpha=alpha)
    return {"plain": plain.numpy(), "residual": res.numpy()}


@styled
def plot_residual_gradients(alpha: float = 1.0) -> Figure:
    r"""How much gradient reaches each of 50 tanh layers, with and without skips, branch scale :math:`\alpha`."""
    prof = gradient_profile(alpha)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    layers = np.arange(len(prof["plain"]))
    ax.semilogy(layers, prof["plain"], label="plain: y = tanh(Wy)")
    ax.semilogy(layers, prof["residual"], label=f"residual: y = y + {alpha:g}·tanh(Wy)")
    ax.axhline(math.sqrt(32), color="0.5", ls=":", lw=1, label="identity: √32")
    ax.set(ylim=(1e-16, 1e8), xlabel="layer l", ylabel="‖∂(Σ y_50)/∂y_l‖",
           title="Gradient reaching each of 50 tanh layers, W ~ N(0, 0.25/d)")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=3)
    return fig


def residual_explorer() -> Explorer:
    return Explorer(plot_residual_gradients, [Control("alpha", list(ALPHAS), start=5, label="branch scale α")],
                    title="Residual scaling against the gradient norm by layer")


@styled
def plot_residual_growth(seed: int = 0) -> Figure:
    r""":math:`\mathbb E\|y_n\|^2/\|x\|^2` of linear residual stacks against depth: :math:`2^n` unscaled, :math:`\to e` with :math:`\alpha^2=1/n`."""
    ns = np.array([1, 2, 5, 10, 20, 50, 100])
    g = torch.Generator().manual_seed(seed)
    unscaled = [float(residual.residual_growth(32, int(n), 1.0, 20, generator=g).mean()) for n in ns]
    scaled = [float(residual.residual_growth(32, int(n), 1 / math.sqrt(n), 20, generator=g).mean()) for n in ns]
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.loglog(ns, unscaled, "o", label="α = 1 (measured)")
    ax.loglog(ns, 2.0 ** ns, color="C0", lw=1, label=r"$2^n$")
    ax.loglog(ns, scaled, "s", color="C1", label="α² = 1/n (measured)")
    ax.loglog(ns, [residual.expected_growth(int(n), 1.0) for n in ns], color="C1", lw=1, label=r"$(1+1/n)^n\to e$")
    ax.set(xlabel="depth n", ylabel="E‖y_n‖² / ‖x‖²", title="Residual branches scaled by 1/√n keep the signal bounded")
    style.legend_outside(ax, "right")
    return fig
