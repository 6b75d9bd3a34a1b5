"""Figures and explorers of chapter 1's sections on Hopfield networks and Willshaw's associative memory."""

import functools
import math

import numpy as np
import torch
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from scipy import stats

from edl.connectionism import hopfield as hop
from edl.connectionism import spurious as sp
from edl.connectionism import willshaw as will
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_in_range, require_int

GRAY = "gray_r"  # +1 black, -1 white
STATES = {"+1": "black", "−1": "white"}  # the key of every ±1 picture


# --- pictures made in code -----------------------------------------------------------------------

def picture(name: str = "H", size: int = 16) -> torch.Tensor:
    """A ±1 picture of a letter or shape drawn on a ``size`` x ``size`` grid (+1 = ink), flattened.

    >>> picture("H", 10).shape
    torch.Size([100])
    """
    size = require_int("size", size, minimum=6)
    img = -np.ones((size, size))
    a, b = size // 8, size - 1 - size // 8  # margins
    t = max(1, size // 8)  # stroke width
    mid = size // 2
    if name == "H":
        img[a:b + 1, a:a + t] = img[a:b + 1, b - t + 1:b + 1] = 1
        img[mid - t // 2 - 1:mid + (t + 1) // 2, a:b + 1] = 1
    elif name == "T":
        img[a:a + t, a:b + 1] = 1
        img[a:b + 1, mid - t // 2 - 1:mid + (t + 1) // 2] = 1
    elif name == "L":
        img[a:b + 1, a:a + t] = 1
        img[b - t + 1:b + 1, a:b + 1] = 1
    elif name == "X":
        for i in range(a, b + 1):
            for d in range(t):
                img[i, min(b, i + d)] = img[i, max(a, a + b - i - d)] = 1
    elif name == "O":
        yy, xx = np.mgrid[:size, :size]
        r = np.hypot(yy - (size - 1) / 2, xx - (size - 1) / 2)
        img[(r <= (b - a) / 2) & (r > (b - a) / 2 - t - 0.5)] = 1
    elif name == "E":
        img[a:b + 1, a:a + t] = 1
        for row in (a, mid - t // 2 - 1, b - t + 1):
            img[row:row + t, a:b + 1] = 1
    else:
        raise ValueError(f"name must be one of 'H', 'T', 'L', 'X', 'O', 'E', got {name!r}")
    return torch.from_numpy(img.ravel()).float()


def _show(ax, x, size: int, title: str = ""):
    style.categorical(ax.imshow(np.asarray(x, dtype=float).reshape(size, size), cmap=GRAY, vmin=-1, vmax=1))
    ax.set(xticks=[], yticks=[], title=title)


def _state_key(ax):
    """The key of the ±1 pictures, below ``ax``."""
    return style.key(ax, {f"unit {label}": c for label, c in STATES.items()})


# --- energy and dynamics -------------------------------------------------------------------------

ENERGY_VARIANTS = {
    "correct": r"$E=-\frac{1}{2}\sum w_{ij}x_ix_j-\sum b_ix_i$",
    "bias sign flipped": r"$E=-\frac{1}{2}\sum w_{ij}x_ix_j+\sum b_ix_i$",
    "without the ½": r"$E=-\sum w_{ij}x_ix_j-\sum b_ix_i$",
}


def _variant_energy(variant: str, W, x, b):
    base = hop.energy(W, x)  # -1/2 sum w x x
    if variant == "correct":
        return base - (b * x).sum(-1)
    if variant == "bias sign flipped":
        return base + (b * x).sum(-1)
    if variant == "without the ½":
        return 2 * base - (b * x).sum(-1)
    raise ValueError(f"variant must be one of {list(ENERGY_VARIANTS)}, got {variant!r}")


@styled
def plot_energy_trace(variant: str = "correct", n: int = 30, seed: int = 0) -> Figure:
    """An energy along asynchronous updates x_i <- sign(sum_j w_ij x_j + b_i) of one random net with biases."""
    n = require_int("n", n, minimum=2)
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(n, n, generator=g, dtype=torch.float64)
    W = (A + A.T) / 2
    W.fill_diagonal_(0)
    b = 2 * torch.randn(n, generator=g, dtype=torch.float64)
    x = hop.sign(torch.randn(n, generator=g, dtype=torch.float64))
    states = [x]
    for _ in range(3):
        for i in torch.randperm(n, generator=g).tolist():
            states.append(hop.update_unit(W, states[-1], i, b))
    E = _variant_energy(variant, W, torch.stack(states), b).numpy()
    up = np.flatnonzero(np.diff(E) > 1e-12) + 1
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(E, "-", color="C0", lw=1.5, label="energy after each update")
    ax.plot(up, E[up], "o", color="C3", ms=5, label=f"{len(up)} updates that raise it")
    ax.set(xlabel="asynchronous update (3 sweeps)", ylabel="energy", title=f"{variant}: {ENERGY_VARIANTS[variant]}")
    style.legend_outside(ax, "below")
    return fig


def energy_explorer() -> Explorer:
    return Explorer(plot_energy_trace, [Control("variant", list(ENERGY_VARIANTS), label="energy",
                                                why_few="the three candidate energies of the text")],
                    title="Only the correct energy decreases monotonically under the update rule")


@styled
def plot_async_vs_sync(n: int = 24, seed: int = 3) -> Figure:
    """State bitmaps over time of asynchronous sweeps and synchronous steps from the same start, same symmetric W.

    The synchronous energy E may rise; the two-step function −½ x(t)ᵀ W x(t−1) never does."""
    n = require_int("n", n, minimum=2)
    g = torch.Generator().manual_seed(seed)
    A = torch.randn(n, n, generator=g, dtype=torch.float64)
    W = (A + A.T) / 2
    W.fill_diagonal_(0)
    x0 = hop.sign(torch.randn(n, generator=g, dtype=torch.float64))
    steps = 12
    sync = [x0]
    for _ in range(steps):
        sync.append(hop.sync_step(W, sync[-1]))
    asy = [x0]
    orders = torch.stack([torch.randperm(n, generator=g) for _ in range(steps)])
    for k in range(steps):
        asy.append(hop.run_async(W, asy[-1].unsqueeze(0), orders=orders[k:k + 1])[0][0])
    fig = style.figure(3.8)
    axes = fig.subplots(1, 3, width_ratios=[1, 1, 1.5])
    for ax, traj, name, unit in ((axes[0], asy, "asynchronous", "sweep (n updates)"),
                                 (axes[1], sync, "synchronous", "step (all units at once)")):
        style.categorical(ax.imshow(torch.stack(traj).numpy().T, cmap=GRAY, vmin=-1, vmax=1, aspect="auto"))
        ax.set(xlabel=unit, ylabel="unit", title=name, yticks=[])
    S = torch.stack(sync)
    two_step = [float(-(S[t] @ W @ S[t - 1])) / 2 for t in range(1, len(S))]  # −½ x(t)ᵀ W x(t−1)
    axes[2].plot([float(hop.energy(W, s)) for s in asy], "o-", label="async: $E$ after each sweep")
    axes[2].plot([float(hop.energy(W, s)) for s in sync], "s--", label="sync: $E$ after each step")
    axes[2].plot(range(1, len(S)), two_step, "^-", color="C2",
                 label="sync: $-\\frac{1}{2}\\mathbf{x}(t)^\\top W\\mathbf{x}(t-1)$")
    axes[2].set(xlabel="sweep or step", ylabel="energy", title="what decreases")
    style.legend_outside(axes[2], "below", ncols=1)
    _state_key(axes[0])
    return fig


# --- Hebbian storage and one pattern -------------------------------------------------------------

@styled
def plot_hebbian_weights(names: str = "HTLXE", size: int = 10) -> Figure:
    """Hebbian weight matrices of 1, 2 and 5 stored pictures, beside the pictures, on one colour scale."""
    pics = torch.stack([picture(c, size) for c in names])
    counts = (1, 2, len(names))
    weights = [hop.hebbian_weights(pics[:s]).numpy() for s in counts]
    lim = max(np.abs(W).max() for W in weights)
    fig = style.figure(4.2)
    grid = fig.add_gridspec(2, len(names), height_ratios=[1, 2.4])
    for k, c in enumerate(names):
        _show(fig.add_subplot(grid[0, k]), pics[k], size, c)
    sub = grid[1, :].subgridspec(1, 3)
    axes = [fig.add_subplot(sub[0, k]) for k in range(3)]
    norm = Normalize(-lim, lim)  # one scale, one colour bar
    for ax, s, W in zip(axes, counts, weights):
        im = ax.imshow(W, cmap="RdBu_r", norm=norm)
        ax.set(xticks=[], yticks=[], title=f"W for {s} picture{'s' if s > 1 else ''}")
    style.colorbar(im, axes, "weight $w_{ij}$")
    return fig


@styled
def plot_one_step(k: int = 30, name: str = "H", size: int = 16, seed: int = 0) -> Figure:
    """A stored picture (s = 1) with k bits flipped, and its reconstruction after one synchronous step."""
    x = picture(name, size)
    n = x.numel()
    k = require_int("k", k, minimum=0)
    if k > n:
        raise ValueError(f"k must be at most n = {n}, got {k}")
    flips = torch.randperm(n, generator=torch.Generator().manual_seed(seed))[:k]
    probe = x.clone()
    probe[flips] *= -1
    out = hop.sync_step(hop.hebbian_weights(x.unsqueeze(0), normalize=False), probe)
    m = float(hop.overlap(out, x))
    fig = style.figure(3.0)
    axes = fig.subplots(1, 3)
    _show(axes[0], x, size, "stored")
    _show(axes[1], probe, size, f"{k} of {n} bits flipped")
    _show(axes[2], out, size, f"one step: overlap {m:+.2f}")
    _state_key(axes[1])
    return fig


def one_step_explorer() -> Explorer:
    ks = [0, 20, 40, 80, 120, 127, 128, 129, 136, 170, 210, 256]
    return Explorer(plot_one_step, [Control("k", ks, start=2, label="flipped bits k")],
                    title="One stored picture: recall below n/2 flips, its negative above")


# --- capacity ------------------------------------------------------------------------------------

@styled
def plot_capacity(alphas, m_async, m_sync=None, *, n: int, alpha_hist: float = 0.138, seed: int = 0) -> Figure:
    """Retrieval overlap against the load (left) and the crosstalk histogram at ``alpha_hist`` (right)."""
    alphas, m_async = np.asarray(alphas, dtype=float), np.asarray(m_async, dtype=float)
    require_in_range("alpha_hist", alpha_hist, 0.0, 1.0, closed=False)
    fig = style.figure(4.0)
    left, right = fig.subplots(1, 2)
    left.plot(alphas, m_async, "o-", label="asynchronous")
    if m_sync is not None:
        left.plot(alphas, np.asarray(m_sync, dtype=float), "s--", label="synchronous")
    left.axvline(hop.HEBBIAN_CAPACITY, color="0.5", ls=":", label=r"$\alpha_c\approx0.138$")
    left.set(xlabel=r"load $\alpha=s/n$", ylabel="overlap $m$ after recall", title=f"n = {n}", ylim=(0, 1.05))
    style.mark_clipped(left, "negative overlap, drawn at 0 (clipped)")
    style.legend_outside(left, "below", ncols=1)
    s = max(2, round(alpha_hist * n))
    X = hop.random_patterns(s, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    aligned = hop.aligned_fields(X).numpy().ravel()
    right.hist(aligned, bins=60, density=True, color="C0", alpha=0.6, label=r"$x_i^\mu h_i(\mathbf{x}^\mu)$")
    grid = np.linspace(aligned.min(), aligned.max(), 200)
    right.plot(grid, stats.norm.pdf(grid, (n - 1) / n, math.sqrt(alpha_hist)), "k", label=r"$N(1,\alpha)$")
    right.axvline(0, color="C3", ls=":")
    frac = float((aligned <= 0).mean())
    right.set(xlabel="aligned field", title=f"α = {alpha_hist:g}: {100 * frac:.2f}% unstable,\n"
              f"Φ(−1/√α) = {100 * float(hop.unstable_probability(alpha_hist)):.2f}%")
    style.legend_outside(right, "below", ncols=1)
    return fig


@styled
def plot_perfect_recall(sizes=(250, 1000, 2000), trials: int = 25, seed: int = 0) -> Figure:
    """P(a given pattern is an exact fixed point) against s / (n / 2 ln n): measured and Gaussian prediction."""
    trials = require_int("trials", trials, minimum=1)
    g = torch.Generator().manual_seed(seed)
    c = np.linspace(0.25, 2.5, 8)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    for k, n in enumerate(sizes):
        t = hop.perfect_recall_threshold(n)
        s = np.maximum(2, np.round(c * t)).astype(int)
        measured = [float(hop.pattern_stable(hop.random_patterns(int(si), n, trials=trials, generator=g))
                          .float().mean()) for si in s]
        fine = np.linspace(0.2, 2.6, 100)
        ax.plot(fine, hop.perfect_recall_probability(torch.as_tensor(fine * t), n).numpy(), color=f"C{k}", lw=1)
        ax.plot(s / t, measured, "o", color=f"C{k}", label=f"n = {n}")
    ax.axvline(1, color="0.5", ls=":", label=r"$s=n/(2\ln n)$")
    ax.set(xlabel=r"$s\,/\,(n/2\ln n)$", ylabel="P(pattern exactly stable)",
           title=f"dots: {trials} pattern sets each; lines: $(1-\\Phi(-\\sqrt{{n/s}}))^n$")
    style.legend_outside(ax)
    return fig


@styled
def plot_learned_vs_hebbian(alphas, hebbian, learned, *, n: int) -> Figure:
    """Unstable-bit fraction at the stored patterns: Hebbian (measured, theory) and perceptron-rule weights."""
    alphas = np.asarray(alphas, dtype=float)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    fine = np.linspace(0.02, alphas.max() * 1.05, 200)
    ax.plot(fine, hop.unstable_probability(torch.as_tensor(fine)).numpy(), "k", lw=1, label=r"$\Phi(-1/\sqrt{\alpha})$")
    ax.plot(alphas, hebbian, "o", color="C0", label="Hebbian weights")
    ax.plot(alphas, learned, "s", color="C2", label="perceptron-rule weights")
    ax.axvline(hop.HEBBIAN_CAPACITY, color="0.5", ls=":")
    ax.set(xlabel=r"load $\alpha=s/n$", ylabel="fraction of unstable bits", title=f"n = {n}")
    style.legend_outside(ax)
    return fig


# --- the recall explorer -------------------------------------------------------------------------

RECALL_ALPHAS = (0.02, 0.05, 0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.22, 0.26)
RECALL_NOISE = (0.0, 0.1, 0.2, 0.35)  # the exercise ch01.ex.hopfield-recall-load asks about each
RECALL_N = 256


@functools.cache
def _recall_data(trials: int = 6) -> tuple[dict, dict]:
    """All dynamics of the recall explorer in one batched asynchronous run (n = 256).

    For every load and corruption level: ``trials`` random pattern sets probed with a corrupted copy of
    their first pattern (the overlap curve), and the picture "H" stored with random patterns (the example).
    """
    g = torch.Generator().manual_seed(11)
    configs = [(a, z) for a in RECALL_ALPHAS for z in RECALL_NOISE]
    thetas, starts, targets = [], [], []
    for alpha, noise in configs:
        s = max(1, round(alpha * RECALL_N))
        sets = hop.random_patterns(s, RECALL_N, trials=trials + 1, generator=g)  # (trials + 1, s, n)
        sets[-1, 0] = picture("H", 16)  # the last set holds the picture as its first pattern
        thetas.append(hop.hebbian_weights(sets, normalize=False))
        starts.append(hop.corrupt(sets[:, 0], noise, generator=g))
        targets.append(sets[:, 0])
    theta = torch.cat(thetas)  # (configs * (trials + 1), n, n)
    final, _ = hop.run_async(theta, torch.cat(starts), generator=g)
    m = hop.overlap(final, torch.cat(targets)).reshape(len(configs), trials + 1)
    start = torch.cat(starts).reshape(len(configs), trials + 1, -1)
    final = final.reshape(len(configs), trials + 1, -1)
    curves = {z: [float(m[configs.index((a, z)), :trials].mean()) for a in RECALL_ALPHAS] for z in RECALL_NOISE}
    examples = {c: (start[k, -1], final[k, -1]) for k, c in enumerate(configs)}
    return curves, examples


@styled
def plot_recall(alpha: float = 0.10, noise: float = 0.2) -> Figure:
    """A stored picture recalled from a corrupted copy at load alpha, and the overlap curve m(alpha)."""
    require_in_range("alpha", alpha, 0.0, 1.0, closed=False)
    require_in_range("noise", noise, 0.0, 0.5)
    x = picture("H", 16)
    curves, examples = _recall_data()
    if (alpha, noise) in examples:
        probe, final = examples[(alpha, noise)]
    else:  # off the explorer's grid: run this one example now
        g = torch.Generator().manual_seed(12)
        X = torch.cat([x.unsqueeze(0), hop.random_patterns(max(1, round(alpha * RECALL_N)) - 1, RECALL_N, generator=g)])
        probe = hop.corrupt(x, noise, generator=g)
        final = hop.run_async(hop.hebbian_weights(X, normalize=False), probe.unsqueeze(0), generator=g)[0][0]
    fig = style.figure(3.2)
    axes = fig.subplots(1, 4, width_ratios=[1, 1, 1, 1.9])
    s = max(1, round(alpha * RECALL_N))
    _show(axes[0], x, 16, f"stored\n(+{s - 1} random)")
    _show(axes[1], probe, 16, f"probe:\n{round(100 * noise)}% flipped")
    _show(axes[2], final, 16, f"recalled:\nm = {float(hop.overlap(final, x)):.2f}")
    ax = axes[3]
    if noise in curves:
        ax.plot(RECALL_ALPHAS, curves[noise], "o-", ms=4, label="mean overlap")
    ax.axvline(alpha, color="C3", lw=2, alpha=0.6, label=f"α = {alpha:g}")
    ax.axvline(hop.HEBBIAN_CAPACITY, color="0.5", ls=":", label=r"$\alpha_c$")
    ax.set(xlabel=r"load $\alpha=s/n$", ylim=(0, 1.05), title="overlap m, random patterns")
    style.mark_clipped(ax, "negative: drawn at 0 (clipped)")
    style.legend_outside(ax, "below", ncols=2)
    _state_key(axes[1])
    return fig


def recall_explorer() -> Explorer:
    return Explorer(plot_recall, [Control("alpha", list(RECALL_ALPHAS), start=3, label="load α"),
                                  Control("noise", list(RECALL_NOISE), start=2, label="corruption",
                                          labels=[f"{round(100 * z)}%" for z in RECALL_NOISE],
                                          why_few="four corruption levels, from recall to failure, are the ones "
                                                  "the exercise asks about; ten would take the page over budget")],
                    title="Associative recall in a Hebbian Hopfield net (n = 256)")


# --- Willshaw ------------------------------------------------------------------------------------

WILLSHAW_S = (25, 50, 100, 200, 350, 500, 709, 1000, 1400, 2000)
RED = ListedColormap(["white", "black", "red"])


@functools.cache
def _willshaw_data():
    g = torch.Generator().manual_seed(13)
    x = will.sparse_patterns(max(WILLSHAW_S), 256, 8, generator=g)
    y = will.sparse_patterns(max(WILLSHAW_S), 256, 8, generator=g)
    spurious = {}
    for s in WILLSHAW_S:
        theta = will.memory_matrix(x[:s], y[:s])
        spurious[s] = (float((will.retrieve(theta, x[:s]) - y[:s]).sum(-1).mean()), float(theta.mean()))
    return x, y, spurious


@styled
def plot_willshaw(s: int = 500) -> Figure:
    """Willshaw memory (n = 256, r = 8) after s pairs: the matrix, one retrieval, and spurious ones against s."""
    s = require_int("s", s, minimum=1)
    x, y, spurious = _willshaw_data()
    if s > x.shape[0]:
        raise ValueError(f"s must be at most {x.shape[0]}, got {s}")
    theta = will.memory_matrix(x[:s], y[:s])
    out = will.retrieve(theta, x[:1])[0]
    fig = style.figure(3.6)
    axes = fig.subplots(1, 3, width_ratios=[1, 1, 1.6])
    style.categorical(axes[0].imshow(theta[:64, :64].numpy(), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"))
    axes[0].set(xticks=[], yticks=[], title=f"Θ, 64×64 corner:\n{100 * float(theta.mean()):.0f}% on (black)")
    code = (y[0] + (out - y[0]) * 2).numpy().reshape(16, 16)  # 0 off, 1 stored one, 2 spurious one
    style.categorical(axes[1].imshow(code, cmap=RED, vmin=0, vmax=2, interpolation="nearest"))
    axes[1].set(xticks=[], yticks=[], title=f"recall of pair 1:\n{int((out - y[0]).sum())} spurious ones")
    ss = np.array(WILLSHAW_S)
    measured = np.array([spurious[k][0] for k in WILLSHAW_S])
    ax = axes[2]
    ax.semilogy(ss, measured, "o-", label="measured")
    ax.semilogy(ss, [float(will.spurious_estimate(256, 8, spurious[k][1])) for k in WILLSHAW_S], "s--",
                label="$(n-r)p_1^r$")
    ax.axvline(s, color="C3", lw=2, alpha=0.6, label=f"s = {s}")
    ax.set(xlabel="stored pairs s", title="spurious ones per recall", ylim=(1e-3, 1e3), xlim=(0, 2100))
    style.mark_clipped(ax, "below $10^{-3}$ or none: at the edge (clipped)")
    style.legend_outside(ax, "below", ncols=2)
    style.key(axes[1], {"off": "white", "stored one": "black", "spurious one": "red"}, ncols=1)
    return fig


def willshaw_explorer() -> Explorer:
    return Explorer(plot_willshaw, [Control("s", list(WILLSHAW_S), start=5, label="stored pairs s")],
                    title="Willshaw's memory fills up: recall keeps every stored one and gains spurious ones")


@styled
def plot_willshaw_capacity(n: int = 256, r: int = 8) -> Figure:
    """Fill fraction and bits per synapse s log2 C(n,r)/n^2 against s, with the ln 2 asymptote; spurious ones (log)."""
    s = np.linspace(1, 1.6 * will.half_fill_load(n, r), 200)
    p1 = will.fill_probability(torch.as_tensor(s), n, r).numpy()
    fig = style.figure(3.6)
    left, right = fig.subplots(1, 2)
    left.plot(s, p1, label="fill fraction $p_1$")
    left.plot(s, will.bits_per_synapse(torch.as_tensor(s), n, r).numpy(), label="bits per synapse\n(if recall were exact)")
    left.axhline(math.log(2), color="0.5", ls="--", label=r"$\ln 2$ ($n\to\infty$ limit)")
    right.semilogy(s, (n - r) * p1**r, "C2", label="$(n-r)p_1^r$")
    for ax in (left, right):
        ax.axvline(will.half_fill_load(n, r), color="C3", ls=":", label=r"half full, $s_{1/2}$")
        ax.set(xlabel="stored pairs s")
    left.set(ylim=(0, 1.05), title=f"n = {n}, r = {r}")
    style.mark_clipped(left, "above 1: at the edge (clipped)")
    right.set(title="spurious ones per recall", ylim=(1e-3, 1e2))
    style.mark_clipped(right, "below $10^{-3}$: at the edge (clipped)")
    style.legend_outside(left, "below", ncols=2)
    style.legend_outside(right, "below", ncols=1)
    return fig


# --- spurious states and basins --------------------------------------------------------------------

BASIN_RHO = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


@functools.cache
def basin_data(n: int = 200, loads=(0.02, 0.05, 0.1, 0.14), trials: int = 12, seed: int = 14):
    """Exact-recall probability against corruption for each load (``trials`` pattern sets, 2 probes each)."""
    g = torch.Generator().manual_seed(seed)
    return {a: sp.recall_probability(hop.random_patterns(max(1, round(a * n)), n, trials=trials, generator=g),
                                     list(BASIN_RHO), probes=2, generator=g).numpy() for a in loads}


@functools.cache
def end_state_counts(n: int = 100, sizes=(3, 6, 12), starts: int = 1000, seed: int = 15):
    """Where asynchronous dynamics from random states end, for s stored patterns: counts per class."""
    g = torch.Generator().manual_seed(seed)
    counts = {}
    for s in sizes:
        X = hop.random_patterns(s, n, generator=g)
        final, _ = hop.run_async(hop.hebbian_weights(X, normalize=False),
                                 hop.sign(torch.randn(starts, n, generator=g)), generator=g)
        names = sp.classify_states(final, X)
        counts[s] = {c: names.count(c) for c in ("pattern", "negative", "mixture", "other")}
    return counts


@styled
def plot_basins(n: int = 200) -> Figure:
    """Left: P(exact recall) against the corrupted fraction for several loads. Right: where random starts end."""
    data = basin_data(n)
    counts = end_state_counts()
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    for k, (alpha, p) in enumerate(data.items()):
        left.plot(BASIN_RHO, p, "o-", ms=4, color=f"C{k}", label=f"α = {alpha:g}")
    left.set(xlabel="fraction of bits flipped in the probe", ylabel="P(recall ends exactly at the pattern)",
             ylim=(-0.03, 1.03), title=f"basins shrink as the load grows (n = {n})")
    style.legend_outside(left, "below", ncols=2)
    sizes = list(counts)
    bottom = np.zeros(len(sizes))
    for c, colour in zip(("pattern", "negative", "mixture", "other"), ("C0", "C9", "C1", "0.6")):
        share = np.array([counts[s][c] for s in sizes]) / sum(counts[sizes[0]].values())
        right.bar([str(s) for s in sizes], share, bottom=bottom, color=colour, label=c)
        bottom += share
    right.set(xlabel="stored patterns s (n = 100)", ylabel="share of random starts", ylim=(0, 1),
              title="where random starts end")
    style.legend_outside(right, "below", ncols=2)
    return fig
