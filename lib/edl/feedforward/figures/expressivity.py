"""Figures and explorers of chapter 2, part B: approximation, ReLU regions, the linear autoencoder."""

import functools
import math

import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, NullLocator

from edl.feedforward import approximation as ap
from edl.feedforward import linear_autoencoder as ae
from edl.feedforward import relu_regions as rr
from edl.core.device import single_threaded
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int

WINDOW = 4.0  # the plane is drawn on [-WINDOW, WINDOW]²


# --- ReLU regions -----------------------------------------------------------------------------------

@functools.cache
def _region_data(width: int, depth: int, seed: int, resolution: int):
    """Pattern ids on the grid (small integers), and the layer-1 lines, for a random net; cached per slider position."""
    layers = rr.random_relu_net(2, [width] * depth, generator=torch.Generator().manual_seed(seed))
    x = rr.grid_points(-WINDOW, WINDOW, resolution)
    with single_threaded():
        patterns = rr.deep_activation_patterns(layers, x)  # (N, width * depth)
        _, ids = torch.unique(rr.pattern_codes(patterns), return_inverse=True)
    W1, b1 = layers[0]
    exact_one_layer = rr.count_regions_plane(W1, b1)
    return ids.reshape(resolution, resolution).numpy(), int(ids.max()) + 1, W1.numpy(), b1.numpy(), exact_one_layer


@styled
def plot_relu_regions(width: int = 4, depth: int = 1, seed: int = 0, resolution: int = 200) -> Figure:
    """Linear regions of a random ReLU net on the plane, coloured by activation pattern, with counts and bounds."""
    width, depth = require_int("width", width, minimum=1), require_int("depth", depth, minimum=1)
    ids, grid_count, W1, b1, exact1 = _region_data(width, depth, seed, require_int("resolution", resolution, minimum=10))
    colours = np.random.default_rng(1).uniform(0.25, 1.0, size=(max(grid_count, 1), 3))
    fig = style.figure(3.8)
    ax, side = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    side.axis("off")
    style.categorical(ax.imshow(ids, origin="lower", extent=(-WINDOW, WINDOW, -WINDOW, WINDOW),
                                cmap=ListedColormap(colours), interpolation="nearest", vmin=-0.5, vmax=grid_count - 0.5))
    for (a, c), b in zip(W1, b1):  # layer-1 lines a x + c y + b = 0, through the point nearest the origin
        p0 = -b * np.array([a, c]) / (a * a + c * c)
        ax.axline(tuple(p0), tuple(p0 + np.array([-c, a])), color="k", lw=0.8)
    ax.set(xlim=(-WINDOW, WINDOW), ylim=(-WINDOW, WINDOW), aspect="equal", xlabel="$x_1$", ylabel="$x_2$")
    if depth == 1:
        text = (f"exact (Euler): {exact1} regions in the plane\nZaslavsky bound $\\sum_{{i\\leq 2}}\\binom{{m}}{{i}}$ = "
                f"{rr.zaslavsky_bound(width, 2)}\ngrid count in window: {grid_count} (a lower bound)")
    else:
        text = (f"grid count in window: {grid_count}\n(a lower bound on the exact count)\nupper bound "
                f"$\\prod_l\\sum_{{j\\leq2}}\\binom{{m}}{{j}}$ = {rr.deep_relu_upper_bound(width, 2, depth):,}\n"
                f"lines: first layer only")
    side.text(0.0, 0.5, text, va="center", transform=side.transAxes)
    fig.suptitle(f"width {width}, depth {depth}: one colour per activation pattern (colours name regions)")
    return fig


def relu_regions_explorer() -> Explorer:
    return Explorer(plot_relu_regions, [Control("width", list(range(1, 11)), start=3, label="width m"),
                                        Control("depth", [1, 2, 3], start=0, label="hidden layers L",
                                                why_few="one, two and three layers show the growth; deeper "
                                                        "nets split the window below the grid's resolution")],
                    title="Linear regions of a random ReLU net on the plane")


@styled
def plot_zaslavsky_counts(cases, exact, bound, central_exact, central) -> Figure:
    """Exact region counts (LP) against Zaslavsky's formula and, without biases, Cover's count."""
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    pos = np.arange(len(cases))
    ax.bar(pos - 0.2, exact, 0.4, label="exact (LP), with biases", color="C0")
    ax.bar(pos + 0.2, central_exact, 0.4, label="exact (LP), no biases", color="C1")
    ax.plot(pos - 0.2, bound, "k_", ms=18, mew=2, label=r"$\sum_{i\leq n}\binom{m}{i}$")
    ax.plot(pos + 0.2, central, "_", color="C3", ms=18, mew=2, label=r"Cover $C(m,n)$")
    ax.plot(pos, [2**m for _, m in cases], "x", color="0.4", label="$2^m$ patterns")
    for x, e, c in zip(pos, exact, central_exact):
        ax.annotate(f"{e}", (x - 0.2, e), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom")
        ax.annotate(f"{c}", (x + 0.2, c), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom")
    ax.set_xticks(pos, [f"n={n}, m={m}" for n, m in cases])
    ax.set(ylabel="regions (log scale)", yscale="log", title="Activation regions of one ReLU layer")
    top = max(2**m for _, m in cases)
    ticks = [t for t in (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096) if t <= 2 * top]
    ax.set_yticks(ticks, [str(t) for t in ticks])  # powers of two, written out: no 2×10¹ ticks
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylim(min(ticks[0], 0.8 * min(central_exact)), 2 * top)
    style.legend_outside(ax)
    return fig


@styled
def plot_montufar(m: int = 3, max_depth: int = 3) -> Figure:
    """Composed zig-zag maps and the piece counts of deep vs shallow nets with equal numbers of units."""
    x = torch.linspace(0, 1, 20001, dtype=torch.float64)
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    z = x
    for L in range(1, max_depth + 1):
        z = rr.zigzag_layer(z, m)
        left.plot(x, z + 1.2 * (L - 1), lw=0.8, label=f"{L} layer{'s' if L > 1 else ''}")
    left.set(xlabel="$x$", yticks=[], title=f"composed zig-zags, width {m}")
    style.legend_outside(left, "below", ncols=3)
    depths = np.arange(1, max_depth + 2)
    deep = [rr.montufar_lower_bound(m, 1, int(L)) for L in depths]
    shallow = [m * int(L) + 1 for L in depths]
    right.semilogy(depths * m, deep, "o-", label="deep: $(m+1)m^{L-1}$")
    right.semilogy(depths * m, shallow, "s--", label="one layer: $mL+1$")
    right.set(xlabel="hidden units $mL$", ylabel="linear pieces on [0, 1]", title="deep vs shallow, equal units")
    right.legend(loc="upper left")
    return fig


@styled
def plot_hinge(seed: int = 0, pieces: int = 6) -> Figure:
    """A random CPWL function, its ReLU components c_i(x - x_i)+, and their sum."""
    rng = np.random.default_rng(seed)
    inner = (np.arange(1, pieces) + rng.uniform(-0.25, 0.25, pieces - 1)) / pieces  # jittered grid: no two knots close
    knots = np.concatenate([[0.0], inner, [1.0]])
    values = rng.normal(size=pieces + 1)
    a, b, c = rr.hinge_coefficients(torch.as_tensor(knots), torch.as_tensor(values))
    x = torch.linspace(0, 1, 1001, dtype=torch.float64)
    fig = style.figure(3.6)
    top, bottom = fig.subplots(1, 2)
    top.plot(knots, values, "ko", ms=4, label="knots")
    top.plot(x, rr.hinge_evaluate(x, a, b, c, torch.as_tensor(knots[1:-1])), "C0", label="$ax+b+\\sum c_i(x-x_i)_+$")
    top.set(xlabel="$x$", title=f"{pieces} pieces = {pieces - 1} ReLUs + a line")
    style.legend_outside(top, "below", ncols=1)
    bottom.plot(x, a * x + b, "k--", lw=1, label="$ax+b$")
    for ci, xi in zip(c.tolist(), knots[1:-1]):
        bottom.plot(x, ci * torch.relu(x - xi), lw=1)
    bottom.set(xlabel="$x$", title="the hinges $c_i(x-x_i)_+$")
    style.legend_outside(bottom, "below", ncols=1)
    return fig


# --- approximation ----------------------------------------------------------------------------------

def barron_mse(d: int, widths, repeats: int = 10, points: int = 500, seed: int = 0) -> np.ndarray:
    """Mean squared error of Maurey's sampled cosine net for e^{-‖x‖²/2}, x ~ N(0, 1.5²/d I), at each width."""
    x = torch.randn(points, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 1.5 / math.sqrt(d)
    g = torch.Generator().manual_seed(seed + 1)
    with single_threaded():
        return np.array([float(ap.maurey_cosine_mse(x, int(m), repeats, generator=g).mean()) for m in widths])


@styled
def plot_barron_rate(widths=(10, 30, 100, 300, 1000), errors: dict | None = None) -> Figure:
    """Barron/Maurey: squared error against width on log-log axes, one line per input dimension, with fitted slopes.

    ``errors`` maps each input dimension d to its errors at ``widths`` (computed with :func:`barron_mse`
    for d = 2, 20, 200 if omitted).
    """
    errors = errors if errors is not None else {d: barron_mse(d, widths) for d in (2, 20, 200)}
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    m = np.array(widths, dtype=float)
    for d, mse in errors.items():
        ax.loglog(m, mse, "o-", ms=4, label=f"d = {d}: slope {ap.fitted_slope(m, mse):.2f}")
    ax.loglog(m, 0.5 / m, "k--", lw=1, label=r"$\frac{1}{2m}$ (Var $\leq 1/2$)")
    ax.set(xlabel="width $m$", ylabel=r"$\int (f-g_m)^2\,d\mu$", title=r"$f=e^{-\|x\|^2/2}$: error $\propto 1/m$ in every dimension")
    style.legend_outside(ax)
    return fig


@functools.cache
def _fit_errors(d: int, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    widths = np.array([4, 16, 64, 200])
    g = torch.Generator().manual_seed(d)
    x = torch.randn(500, d, generator=g, dtype=torch.float64) * 1.5 / math.sqrt(d)
    x_test = torch.randn(300, d, generator=g, dtype=torch.float64) * 1.5 / math.sqrt(d)
    f, f_test = torch.exp(-(x**2).sum(1) / 2), torch.exp(-(x_test**2).sum(1) / 2)
    scale = 1.0 if activation == "cos" else 2.0 / 1.5  # cos: ω ~ N(0, I), Barron's distribution for this f
    fits = []
    with single_threaded():
        for m in widths:
            pred = ap.random_feature_fit(x, f, int(m), activation, x_test=x_test, weight_scale=scale,
                                         bias_range=2.0, generator=torch.Generator().manual_seed(int(m)))
            fits.append(float(((pred - f_test) ** 2).mean()))
        return widths, np.array(fits), barron_mse(d, widths, repeats=5, points=300)


@styled
def plot_approximation_error(d: int = 2, activation: str = "tanh") -> Figure:
    """Test MSE of least-squares random-feature nets against width, beside Maurey's sampled cosine net."""
    widths, fits, maurey = _fit_errors(require_int("d", d, minimum=1), activation)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.loglog(widths, maurey, "o-", color="0.4", label=f"Maurey, sampled cos units\n(slope {ap.fitted_slope(widths, maurey):.2f})")
    ax.loglog(widths, fits, "s-", color="C3" if activation == "square" else "C0",
              label=f"least squares, {activation} units")
    ax.loglog(widths, 0.5 / widths, "k--", lw=1, label="1/(2m)")
    ax.set(xlabel="width m", ylabel="test MSE", ylim=(1e-9, 1),
           title=f"exp(-|x|²/2) in d = {d}" + (": a quadratic span cannot approximate it" if activation == "square" else ""))
    _plain_log_ticks(ax)  # plain-text tick labels: mathtext ones triple the cost of a frame
    style.mark_clipped(ax)
    style.legend_outside(ax)
    return fig


def _plain_log_ticks(ax) -> None:
    fmt = FuncFormatter(lambda value, _: f"{value:g}")
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(fmt)
        axis.set_minor_formatter(NullFormatter())


def approximation_explorer() -> Explorer:
    return Explorer(plot_approximation_error,
                    [Control("d", [1, 2, 3, 4, 6, 8, 12, 16, 24, 32], start=1, label="input dimension d"),
                     Control("activation", ["cos", "tanh", "relu", "square"], start=1, label="activation",
                             why_few="the four activations the text compares")],
                    title="Approximation error against width")


@styled
def plot_uat_fits(m: int = 40) -> Figure:
    """Least-squares fits of sin 3x + abs(x) with m random tanh units and m random squared units."""
    x = torch.linspace(-1, 1, 1001, dtype=torch.float64)[:, None]
    y = torch.sin(3 * x[:, 0]) + x[:, 0].abs()
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(x[:, 0], y, "k", lw=2, label="$\\sin 3x+|x|$")
    for act, fmt in (("tanh", "C0--"), ("square", "C3:")):
        g = ap.random_feature_fit(x, y, m, act, generator=torch.Generator().manual_seed(m))
        ax.plot(x[:, 0], g, fmt, lw=1.5, label=f"{m} {act} units: sup error {float(ap.sup_error(y, g)):.3f}")
    ax.set(xlabel="$x$", title="Non-polynomial vs polynomial activation")
    style.legend_outside(ax, "below", ncols=1)
    return fig


# --- linear autoencoder -----------------------------------------------------------------------------

@styled
def plot_ae_landscape(X, C, D, curves, every: int = 5, labels=None) -> Figure:
    """Left: the objective along (C, D) → (−C, −D). Right: GD loss gaps of several starts (log scale)."""
    t = torch.linspace(0, 1, 201, dtype=torch.float64)
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    left.plot(t, ae.landscape_slice(C, D, X, t), "C0")
    left.set(xlabel="$t$", ylabel=r"$f((1-2t)C,(1-2t)D)$", title="a bump: not convex")
    opt = float(ae.pca_optimal_loss(X, C.shape[0]))
    curves = np.asarray(curves)
    steps = np.arange(curves.shape[0]) * every
    for j in range(curves.shape[1]):
        label = labels[j] if labels is not None else None
        right.semilogy(steps, curves[:, j] / opt - 1, lw=1.6 if label else 0.8,
                       label=label, color=None if label else "0.6")
    right.plot([], [], color="0.6", lw=0.8, label="random starts")
    right.set(xlabel="GD step", ylabel="loss / optimum − 1", title="GD: random and saddle starts",
              ylim=(1e-16, None))
    style.mark_clipped(right, "at the optimum to rounding (≤ 0\nor < $10^{-16}$): at the edge (clipped)")
    style.legend_outside(right, "below", ncols=1)
    return fig


def ae_loss_curves(X, k: int, starts, lr: float = 0.15, steps: int = 1000, every: int = 5) -> np.ndarray:
    """Loss every ``every`` GD steps from each start (C, D) in ``starts`` (batched), shape (steps // every, runs)."""
    C = torch.stack([c for c, _ in starts])
    D = torch.stack([d for _, d in starts])
    S = X @ X.T / X.shape[1]
    curves = []
    with single_threaded():
        for step in range(steps):
            if step % every == 0:
                curves.append(ae.ae_loss(C, D, X).numpy())
            E = D @ C @ S - S
            C, D = C - lr * D.transpose(-2, -1) @ E, D - lr * E @ C.transpose(-2, -1)
    return np.array(curves)
