"""Figures and explorers of chapter 6, part A: attention as mixing, query–key rank, temperature and scaling,
masks, GELU and the cost of a layer."""

import math

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from scipy.spatial import ConvexHull

from edl.attention import context as cx
from edl.attention import mechanism as ma
from edl.attention import transformer as tf
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled

#: Five transformed tokens W x_t in the plane, for the mixing explorer.
POINTS = np.array([[0.0, 0.0], [3.0, 0.5], [2.2, 2.8], [0.4, 2.2], [1.4, 1.2]])


def mixing_weights(alpha: float) -> np.ndarray:
    """The explorer's row of A: (1 − α) · uniform + α · one-hot on token 2."""
    return (1 - alpha) * np.full(5, 0.2) + alpha * np.eye(5)[2]


@styled
def plot_mixing(alpha: float = 0.5) -> Figure:
    r"""An attention output :math:`y=\sum_ta_tWx_t` inside the convex hull of the transformed tokens, for the
    row :math:`a=(1-\alpha)\frac1T\mathbf 1+\alpha e_2`."""
    a = mixing_weights(alpha)
    y = ma.mix(torch.tensor(POINTS.T), torch.tensor(a[None]), torch.eye(2, dtype=torch.float64))[:, 0].numpy()
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1])
    hull = ConvexHull(POINTS)
    ax.add_patch(Polygon(POINTS[hull.vertices], closed=True, color="C0", alpha=0.12, label="convex hull"))
    ax.scatter(POINTS[:, 0], POINTS[:, 1], s=30 + 400 * a, color="C0", label="W x_t (size: weight)")
    for t, (px, py) in enumerate(POINTS):
        ax.annotate(f"t={t}", (px, py), textcoords="offset points", xytext=(6, 4), fontsize=9.5)
    ax.plot(*y, "*", color="C3", ms=14, label="y = Σ a_t W x_t")
    ax.set(xlim=(-0.6, 3.8), ylim=(-0.6, 3.4), title=f"α = {alpha:.1f}", aspect="equal")
    style.legend_outside(ax, "below", ncols=1)
    ax2.bar(range(5), a, color="C0")
    ax2.set(ylim=(0, 1.05), xlabel="token t", ylabel="weight a_t", title="one row of A", xticks=range(5))
    return fig


def mixing_explorer() -> Explorer:
    return Explorer(plot_mixing, [Control("alpha", [round(0.1 * i, 1) for i in range(11)], start=5,
                                          label="α (0: uniform, 1: one-hot)")],
                    title="Attention mixes: the output never leaves the convex hull of the values")


@styled
def plot_query_key_rank(q: int = 2, seed: int = 0) -> Figure:
    r"""The score matrix :math:`Q^\top K=X^\top U_Q^\top U_KX` for T = 9 tokens of width n = 6, and its
    singular values: exactly q of them are non-zero."""
    rng = np.random.default_rng(seed)
    X, UQ, UK = (torch.tensor(rng.normal(size=s)) for s in ((6, 9), (q, 6), (q, 6)))
    S = ma.query_key_scores(X, UQ, UK).numpy()
    sv = np.linalg.svd(S, compute_uv=False)
    fig = style.figure(3.3)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.2])
    lim = float(abs(S).max())
    im = ax.imshow(S, cmap="RdBu_r", norm=Normalize(-lim, lim))
    ax.set(title=f"QᵀK, q = {q}", xlabel="key t", ylabel="query s")
    style.colorbar(im, ax, label="q_s · k_t")
    floor, idx = 1e-18, np.arange(1, 10)
    ax2.semilogy(idx[sv > 0], sv[sv > 0], "o-", color="C0", label="singular values")
    if (sv == 0).any():   # a log axis cannot show 0: drawn on the bottom edge, and said so
        ax2.semilogy(idx[sv == 0], np.full((sv == 0).sum(), floor), "x", color="C0", label="exactly 0 (bottom edge)")
    ax2.axvline(q + 0.5, color="C3", ls="--", lw=1, label=f"rank bound q = {q}")
    ax2.set(xlabel="index", ylabel="singular value", ylim=(floor, 1e3), title="rank ≤ q")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


# --- temperature and scaling -----------------------------------------------------------------------------

def _keys(d: int, T: int = 8, seed: int = 1):
    g = torch.Generator().manual_seed(seed + d)
    return torch.randn(T, d, generator=g, dtype=torch.float64), torch.randn(T, d, generator=g, dtype=torch.float64)


SCALES = [2.0**k for k in range(-3, 9)]
WIDTHS = (4, 64, 256)


def temperature_entropy_data(scale: float, d: int = 64) -> dict:
    """The explorer's data: for d = 4, 64, 256, the mean row entropy (nats) of softmax(c · QKᵀ/√d) for 8
    random queries and keys, at every slider multiplier c; and the attention matrix at ``scale`` for width ``d``."""
    curves = {}
    for width in WIDTHS:
        Q, K = _keys(width)
        curves[width] = [float(-(A * torch.log(A.clamp_min(1e-300))).sum(-1).mean())
                         for A in (ma.attention_weights(Q, K, beta=s / math.sqrt(width)) for s in SCALES)]
    Q, K = _keys(d)
    return {"entropy": curves, "A": ma.attention_weights(Q, K, beta=scale / math.sqrt(d)).numpy()}


@styled
def plot_attention_temperature(scale: float = 1.0, d: int = 64) -> Figure:
    r"""Attention weights :math:`\mathrm{softmax}(cQK^\top/\sqrt d)` at a logit multiplier c (an inverse
    temperature) for width d, and the mean row entropy against c for three widths."""
    data = temperature_entropy_data(scale, d)
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.3])
    im = ax.imshow(data["A"], cmap="viridis", norm=Normalize(0, 1))
    ax.set(title=f"d = {d}, c = {scale:g}", xlabel="key", ylabel="query")
    style.colorbar(im, ax, label="weight")
    for j, (width, h) in enumerate(data["entropy"].items()):
        ax2.semilogx(SCALES, h, "o-", ms=3, color=f"C{j}", lw=2.5 if width == d else 1.0, label=f"d = {width}")
        ax2.plot([scale], [h[SCALES.index(scale)]], "s", color=f"C{j}", ms=8 if width == d else 5)
    ax2.axhline(math.log(8), color="0.5", ls=":", lw=1, label="uniform: log 8")
    ax2.set(xlabel="logit multiplier c (1 = scaled by 1/√d)", ylabel="mean entropy (nats)", ylim=(-0.05, 2.2))
    style.legend_outside(ax2, "right")
    return fig


def temperature_explorer() -> Explorer:
    return Explorer(plot_attention_temperature, [Control("scale", SCALES, start=3, label="logit multiplier c"),
                                                 Control("d", list(WIDTHS), start=1, label="width d",
                                                         why_few="three widths, from small to large")],
                    title="Temperature: large logits make the softmax one-hot and its entropy zero")


@styled
def plot_scaling_histograms(n: int = 4000, seed: int = 0) -> Figure:
    r"""Logits :math:`q\cdot k` of standard normal q, k for d = 4, 64, 1024, before and after dividing by
    :math:`\sqrt d`: the raw spread grows like :math:`\sqrt d`, the scaled one stays 1."""
    g = torch.Generator().manual_seed(seed)
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2)
    for j, d in enumerate((4, 64, 1024)):
        q, k = torch.randn(n, d, generator=g, dtype=torch.float64), torch.randn(n, d, generator=g, dtype=torch.float64)
        raw, scaled = ma.dot_logits(q, k, scaled=False).numpy(), ma.dot_logits(q, k).numpy()
        for axis, values, edges in ((ax, raw, np.linspace(-120, 120, 61)), (ax2, scaled, np.linspace(-5, 5, 41))):
            density, _ = np.histogram(values, bins=edges, density=True)
            centres = (edges[1:] + edges[:-1]) / 2
            shown = density > 0
            axis.plot(centres[shown], density[shown], "o-", ms=3, color=f"C{j}",
                      label=f"d = {d} (std {values.std():.1f})")
    ax.set(yscale="log", ylim=(1e-5, 1), xlabel="q·k", title="raw: std √d")
    ax2.set(yscale="log", ylim=(1e-5, 1), xlabel="q·k/√d", title="scaled: std 1")
    style.mark_clipped(ax)
    style.mark_clipped(ax2)
    style.legend_outside(ax, "below", ncols=1)
    style.legend_outside(ax2, "below", ncols=1)
    return fig


# --- masks -----------------------------------------------------------------------------------------------

@styled
def plot_causal_masks(L: int = 6, seed: int = 0) -> Figure:
    r"""Attention weights with the additive causal mask (:math:`-\infty` above the diagonal) and with a 0/1
    mask multiplied into the logits: the second puts weight on the future."""
    rng = np.random.default_rng(seed)
    Q, K = torch.tensor(rng.normal(size=(L, 8))), torch.tensor(rng.normal(size=(L, 8)))
    additive = ma.attention_weights(Q, K, mask=ma.causal_mask(L)).numpy()
    M = torch.ones(L, L, dtype=torch.float64).tril()
    multiplicative = torch.softmax(Q @ K.T * M / math.sqrt(8), -1).numpy()
    fig = style.figure(3.3)
    axes = fig.subplots(1, 2)
    norm = Normalize(0, 1)
    leak = np.triu(multiplicative, 1).sum(1)[0]
    for ax, A, title in ((axes[0], additive, "additive −∞ mask"),
                         (axes[1], multiplicative, f"0/1 mask × logits: {leak:.0%} of row 0 on the future")):
        im = ax.imshow(A, cmap="viridis", norm=norm)
        ax.set(title=title, xlabel="key j", ylabel="query i")
    style.colorbar(im, axes, label="weight")
    return fig


@styled
def plot_gelu() -> Figure:
    r"""GELU :math:`z\Phi(z)` beside the ReLU and the mirrored :math:`z\Pr(z\le Z)=z(1-\Phi(z))`, and the
    error of the tanh approximation."""
    z = torch.linspace(-4, 4, 801, dtype=torch.float64)
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1])
    ax.plot(z, torch.relu(z), color="0.6", lw=2.5, label="ReLU")
    ax.plot(z, tf.gelu(z), color="C0", label="GELU z Φ(z)")
    ax.plot(z, z * (1 - 0.5 * (1 + torch.erf(z / math.sqrt(2)))), "--", color="C3", label="z Pr(z ≤ Z) (wrong)")
    ax.set(xlabel="z", ylim=(-4.2, 4.2), title="activations")
    style.legend_outside(ax, "below", ncols=2)
    err = (tf.gelu(z) - tf.gelu_tanh(z)).abs().numpy()
    keep = err > 0
    ax2.semilogy(z.numpy()[keep], err[keep], color="C2")
    ax2.set(xlabel="z", ylim=(1e-12, 1e-3), title="|GELU − tanh form|")
    style.mark_clipped(ax2, legend=True)
    return fig


@styled
def plot_complexity(d: int = 64) -> Figure:
    r"""FLOPs of one layer against the sequence length n at width d: attention grows like :math:`n^2`, a
    recurrent or convolutional layer like n; attention is the cheaper one while :math:`n<d`."""
    ns = np.unique(np.geomspace(4, 4096, 25).astype(int))
    fig = style.figure(3.3)
    ax, ax2 = fig.subplots(1, 2)
    for j, kind in enumerate(cx.LAYER_KINDS):
        ax.loglog(ns, [cx.layer_flops(kind, int(n), d) for n in ns], color=f"C{j}", label=kind)
        ax2.loglog(ns, [max(cx.max_path_length(kind, int(n)), 0.5) for n in ns], color=f"C{j}", label=kind)
    ax.axvline(d, color="0.5", ls=":", lw=1)
    ax.set(xlabel="sequence length n", ylabel="FLOPs per layer", title=f"cost, d = {d}, k = 3 (dotted: n = d)")
    ax2.set(xlabel="sequence length n", ylabel="max path length", title="path between positions", ylim=(0.5, 1e4))
    style.legend_outside(ax2, "right")
    return fig
