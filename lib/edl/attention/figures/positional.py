"""Figures and explorers of chapter 6, part B: sinusoidal encodings, their rotations and relative biases."""

import math

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.attention import positional as pe
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled


def growing_encoding(T: int, d: int, C: float = 1e4) -> np.ndarray:
    """The encoding with the sign of the exponent lost: ω_k = C^(k/d), one frequency per coordinate."""
    omega = C ** (np.arange(d) / d)
    t = np.arange(T)[:, None]
    return np.where(np.arange(d) % 2 == 0, np.sin(t * omega), np.cos(t * omega))


@styled
def plot_encodings(T: int = 64, d: int = 32) -> Figure:
    r"""The sinusoidal encoding (position × feature) and its Gram matrix :math:`EE^\top`, beside the same with
    growing, unpaired frequencies."""
    good, bad = pe.sinusoidal_encoding(T, d).numpy(), growing_encoding(T, d)
    fig = style.figure(5.4)
    axes = fig.subplots(2, 2)
    norm = Normalize(-1, 1)
    for col, (E, name) in enumerate(((good, "ω_j = C^(−2j/d), pairs"), (bad, "ω_k = C^(k/d), unpaired"))):
        im = axes[0, col].imshow(E, cmap="RdBu_r", norm=norm, aspect="auto")
        axes[0, col].set(title=name, xlabel="feature", ylabel="position t")
        G = E @ E.T / d
        im2 = axes[1, col].imshow(G, cmap="RdBu_r", norm=norm)
        axes[1, col].set(title="Gram EEᵀ/d", xlabel="position", ylabel="position")
    style.colorbar(im, axes[0], label="E[t, i]")
    style.colorbar(im2, axes[1], label="⟨E_s, E_t⟩/d")
    return fig


@styled
def plot_rotation(delta: int = 3, t: int = 5, d: int = 16) -> Figure:
    r"""Each sin/cos pair of :math:`E_t` as a point on the unit circle; moving to :math:`t+\Delta` turns pair j
    by the angle :math:`\Delta\omega_j`, the same for every t."""
    E = pe.sinusoidal_encoding(max(t, 11) + delta + 1, d).numpy()
    omega = pe.sinusoidal_frequencies(d).numpy()
    fig = style.figure(3.6)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.3])
    circle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(circle), np.sin(circle), color="0.8", lw=1)
    for j in range(4):
        c = f"C{j}"
        ax.plot(E[t, 2 * j + 1], E[t, 2 * j], "o", color=c, ms=6, label=f"pair {j}: ω = {omega[j]:.3g}")
        ax.annotate("", xy=(E[t + delta, 2 * j + 1], E[t + delta, 2 * j]), xytext=(E[t, 2 * j + 1], E[t, 2 * j]),
                    arrowprops=dict(arrowstyle="->", color=c, lw=1.5))
    ax.set(xlim=(-1.25, 1.25), ylim=(-1.25, 1.25), aspect="equal", xlabel="cos tω", ylabel="sin tω",
           title=f"t = {t} → t + Δ = {t + delta}")
    style.legend_outside(ax, "below", ncols=1)
    ts = np.arange(0, 12)
    inner = [float(E[s] @ E[s + delta]) for s in ts]
    ax2.plot(ts, inner, "o-", color="C0", label="⟨E_t, E_(t+Δ)⟩")
    ax2.axhline(float(np.cos(delta * omega).sum()), color="C3", ls="--", lw=1, label="Σ_j cos Δω_j")
    ax2.set(xlabel="t", ylim=(-d / 2 - 0.5, d / 2 + 0.5), title=f"Δ = {delta}: the same for every t")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def rotation_explorer() -> Explorer:
    return Explorer(plot_rotation, [Control("delta", list(range(0, 13)), start=3, label="offset Δ")],
                    title="A position offset rotates every sin/cos pair by Δω_j")


@styled
def plot_relative_bias(L: int = 12, seed: int = 0) -> Figure:
    r"""A relative bias :math:`B_{ij}=b_{i-j}` (clipped where the offset exceeds 4 in absolute value) is constant along diagonals; the
    position part of absolute sinusoidal scores :math:`(X+E)(X+E)^\top` depends on where the window sits."""
    rng = np.random.default_rng(seed)
    B = pe.relative_bias(list(range(L)), torch.tensor(rng.normal(size=9)), clip=4).numpy()
    E = pe.sinusoidal_encoding(L + 30, 8).numpy()
    X = rng.normal(size=(L, 8))
    scores = [(X + E[p:p + L]) @ (X + E[p:p + L]).T / math.sqrt(8) for p in (0, 30)]
    fig = style.figure(3.0)
    axes = fig.subplots(1, 3)
    lim = max(abs(B).max(), abs(scores[0]).max(), abs(scores[1]).max())
    norm = Normalize(-lim, lim)
    for ax, A, title in ((axes[0], B, "relative bias b_(i−j)"), (axes[1], scores[0], "absolute PE, window at 0"),
                         (axes[2], scores[1], "absolute PE, window at 30")):
        im = ax.imshow(A, cmap="RdBu_r", norm=norm)
        ax.set(title=title, xlabel="j", ylabel="i")
    style.colorbar(im, axes, label="score")
    return fig
