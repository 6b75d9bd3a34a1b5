"""Figures and explorers of chapter 1, part A: threshold units, the perceptron, Novikoff and Cover."""

import functools
import itertools

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.connectionism import cover
from edl.connectionism import perceptron as pc
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive


@styled
def plot_mcp_truth_table(sigma=(1, 1, -1), theta: int = 1) -> Figure:
    """Truth table of a McCulloch–Pitts neuron: the signed count of each input against the threshold."""
    sigma = [int(s) for s in sigma]
    theta = require_int("theta", theta)
    n = len(sigma)
    inputs = torch.tensor(list(itertools.product([0, 1], repeat=n)), dtype=torch.float64)
    counts = (inputs * torch.tensor(sigma, dtype=torch.float64)).sum(1).numpy()
    fires = pc.mcp_neuron(inputs, sigma, theta).numpy()
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.vlines(range(len(inputs)), counts.min() - 0.5, counts, color="0.85", lw=1)
    ax.scatter(np.flatnonzero(fires > 0), counts[fires > 0], s=90, c="C2", zorder=3, label="fires: a minterm of the DNF")
    ax.scatter(np.flatnonzero(fires <= 0), counts[fires <= 0], s=90, c="0.6", zorder=3, label="silent")
    ax.axhline(theta - 0.5, color="C3", ls="--", label=rf"threshold $\theta$ = {theta}")
    ax.set_xticks(range(len(inputs)), ["".join(str(int(b)) for b in row) for row in inputs])
    ax.set(xlabel="input $x_1\\dots x_n$", ylim=(counts.min() - 0.5, counts.max() + 0.5),
           ylabel=r"$\sum_i\sigma_ix_i$", title=rf"McCulloch–Pitts unit, $\sigma$ = {tuple(sigma)}")
    style.legend_outside(ax)
    return fig


@styled
def plot_perceptron_2d(n_points: int = 30, gamma: float = 0.3, seed: int = 2) -> Figure:
    """The perceptron in the plane: the weight vector after each mistake turns towards the planted separator."""
    x, y, w_star = pc.planted_margin_data(1, n_points, 2, gamma, generator=torch.Generator().manual_seed(seed))
    ws, used = pc.perceptron_trajectory(x[0], y[0])
    x, y, w_star, ws = x[0].numpy(), y[0].numpy(), w_star[0].numpy(), ws.numpy()
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    ax.scatter(*x[y > 0].T, c="C0", s=18, label="$y=+1$")
    ax.scatter(*x[y < 0].T, c="C1", s=18, marker="s", label="$y=-1$")
    lim = np.abs(x).max() * 1.1
    for k, w in enumerate(ws[1:], 1):
        u = w / np.linalg.norm(w) * lim * 0.8
        ax.annotate("", xy=u, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color=str(0.8 - 0.6 * k / len(ws))))
    u = w_star * lim * 0.8
    ax.annotate("", xy=u, xytext=(0, 0), arrowprops=dict(arrowstyle="->", color="C3", lw=2))
    ax.axline((0, 0), (-w_star[1], w_star[0]), color="C3", ls="--", lw=1, label="planted boundary")
    ax.plot([], [], color="0.4", label=f"$\\mathbf{{w}}_t$ after each of\n{len(used)} mistakes (darker: later)")
    ax.plot([], [], color="C3", lw=2, label="$\\mathbf{w}^*$")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", title="perceptron weights turn towards $\\mathbf{w}^*$")
    style.legend_outside(ax)
    return fig


@styled
def plot_novikoff_ingredients(n: int = 20, s: int = 500, gamma: float = 0.1, seed: int = 6) -> Figure:
    """Along one run: w_t·w* above tγ, and ‖w_t‖ below R√t, the two halves of Novikoff's proof."""
    x, y, w_star = pc.planted_margin_data(1, s, n, gamma, generator=torch.Generator().manual_seed(seed))
    g, R = (float(q) for q in pc.novikoff_quantities(x[0], y[0], w_star[0]))
    ws, _ = pc.perceptron_trajectory(x[0], y[0])
    t = torch.arange(len(ws), dtype=torch.float64)
    fig = style.figure(3.6)
    left, right = fig.subplots(1, 2)
    left.plot(t, (ws @ w_star[0]).numpy(), "C0", label=r"$\mathbf{w}_t\cdot\mathbf{w}^*$")
    left.plot(t, t * g, "k--", label=rf"$t\gamma$ ($\gamma$ = {g:.3f})")
    right.plot(t, ws.norm(dim=1).numpy(), "C1", label=r"$\|\mathbf{w}_t\|$")
    right.plot(t, pc.norm_growth_bound(t, R).numpy(), "k--", label=rf"$R\sqrt{{t}}$ (R = {R:.2f})")
    for ax in (left, right):
        ax.set(xlabel="mistakes $t$")
        ax.legend(loc="upper left")
    left.set_title("grows at least linearly")
    right.set_title("grows at most like $\\sqrt{t}$")
    fig.suptitle(f"one perceptron run, n = {n}, s = {s}: {len(ws) - 1} mistakes, bound (R/γ)² = {(R / g)**2:.0f}")
    return fig


@functools.cache
def _novikoff_runs(gamma: float, n: int, datasets: int, s: int, seed: int):
    x, y, w_star = pc.planted_margin_data(datasets, s, n, gamma, generator=torch.Generator().manual_seed(seed))
    g, R = pc.novikoff_quantities(x, y, w_star)
    run = pc.perceptron_train(x, y)
    return run.mistakes.numpy(), pc.novikoff_mistake_bound(g, R).numpy()


@styled
def plot_novikoff_mistakes(gamma: float = 0.2, n: int = 10, datasets: int = 60, s: int = 60,
                           seed: int = 0) -> Figure:
    """Mistakes of the perceptron on many planted-margin data sets, as a fraction of their bounds (R/γ)²."""
    require_positive("gamma", gamma)
    mistakes, bound = _novikoff_runs(float(gamma), require_int("n", n, minimum=1), datasets, s, seed)
    ratio = mistakes / bound
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.plot(bound, ratio, "o", ms=4, alpha=0.6, label=f"{datasets} data sets\nof {s} points")
    ax.axhline(1.0, color="k", ls="--", label="Novikoff:\nmistakes = $(R/\\gamma)^2$")
    ax.set(xlabel="bound $(R/\\gamma)^2$ of each data set", ylabel="mistakes / $(R/\\gamma)^2$", ylim=(1e-4, 2),
           xscale="log", yscale="log", xlim=(10, 1e6),
           title=f"planted margin {gamma:g}, n = {n}: mistakes {mistakes.min()}–{mistakes.max()}, "
                 f"largest ratio {ratio.max():.3f}")
    style.mark_clipped(ax)
    style.legend_outside(ax)
    return fig


def novikoff_explorer() -> Explorer:
    return Explorer(plot_novikoff_mistakes,
                    [Control("gamma", [0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5], start=6,
                             label="planted margin γ"),
                     Control("n", [2, 10, 50], start=1, label="dimension n",
                             why_few="three dimensions, a decade or so apart, show the trend; ten would triple "
                                     "the frames for little more")],
                    title="Novikoff: perceptron mistakes never exceed (R/γ)²")


@styled
def plot_max_margin(seed: int = 4) -> Figure:
    """The maximum-margin separator with its margin band, beside the perceptron's separator."""
    rng = np.random.default_rng(seed)
    normal = rng.normal(size=2)
    normal /= np.linalg.norm(normal)
    x = rng.uniform(-2, 2, size=(200, 2))
    x = x[np.abs(x @ normal - 0.3) >= 0.2][:40]
    y = np.sign(x @ normal - 0.3)
    w, b, gamma = pc.max_margin_classifier(torch.from_numpy(x), torch.from_numpy(y))
    w, b, gamma = w.numpy(), float(b), float(gamma)
    run = pc.perceptron_train(pc.augment(torch.from_numpy(x)), torch.from_numpy(y))
    wp, bp = run.w[:2].numpy(), float(run.w[2])
    gp = float(pc.set_margin(torch.from_numpy(x), torch.from_numpy(y), run.w[:2], run.w[2]))
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    xs = np.linspace(-2.2, 2.2, 2)

    def line(w, b, c=0.0):  # points with w·x + b = c, as y(x) (w has a nonzero second entry here)
        return (c - b - w[0] * xs) / w[1]

    ax.fill_between(xs, line(w, b, -1), line(w, b, 1), color="C2", alpha=0.15, label="margin band")
    ax.axline((xs[0], line(w, b)[0]), (xs[1], line(w, b)[1]), color="C2", lw=2, label=f"maximum margin, γ* = {gamma:.3f}")
    ax.axline((xs[0], line(wp, bp)[0]), (xs[1], line(wp, bp)[1]), color="C3", ls="--", label=f"perceptron, γ = {gp:.3f}")
    support = np.abs(y * (x @ w + b) - 1) < 1e-6
    ax.scatter(*x[y > 0].T, c="C0", s=16)
    ax.scatter(*x[y < 0].T, c="C1", s=16, marker="s")
    ax.scatter(*x[support].T, s=90, facecolors="none", edgecolors="k", label="support vectors")
    ax.set(xlim=(-2.2, 2.2), ylim=(-2.2, 2.2), aspect="equal")
    style.legend_outside(ax)
    return fig


@styled
def plot_dichotomies(seed: int = 3) -> Figure:
    """All 8 labellings of 3 points in the plane: homogeneous lines realise C(3, 2) = 6 of them."""
    x = torch.randn(3, 2, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    labels, ok = cover.separable_dichotomies(x)
    fig = style.figure(4.0)
    axes = fig.subplots(2, 4)
    lim = float(x.abs().max()) * 1.3
    for ax, lab, good in zip(axes.flat, labels, ok):
        colors = ["C0" if v > 0 else "C1" for v in lab]
        ax.scatter(*x.numpy().T, c=colors, s=40, alpha=1.0 if good else 0.3)
        ax.plot([0], [0], "k+", ms=6)
        if good:  # a separating line through 0, found by the perceptron
            run = pc.perceptron_train(x, lab)
            w = run.w.numpy()
            ax.axline((0, 0), (-w[1], w[0]), color="k", lw=0.8)
        ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xticks=[], yticks=[], aspect="equal")
        ax.set_title("realisable" if good else "impossible", color="k" if good else "C3")
    fig.suptitle(f"3 points in $\\mathbb{{R}}^2$, lines through 0: {int(ok.sum())} of 8 labellings"
                 f" (C(3,2) = {cover.cover_count(3, 2)}); blue +1, orange −1")
    return fig


@functools.cache
def _phase_mc(n: int, trials: int, seed: int):
    s = sorted({max(1, round(a * n)) for a in np.arange(0.5, 4.01, 0.5)})
    freq = cover.random_separability(s, n, trials, generator=torch.Generator().manual_seed(seed))
    return np.array(s) / n, freq.numpy()


@styled
def plot_phase_transition(n: int = 10, trials: int = 100, seed: int = 0) -> Figure:
    """P(s, n) against α = s/n for one n, with Monte-Carlo frequencies (for n ≤ 10) and n = 500 for reference."""
    n = require_int("n", n, minimum=1)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    alpha = np.linspace(0.05, 4, 400)
    for m, colour in ((500, "0.75"), (n, "C0")):
        s = np.unique(np.maximum(1, np.round(alpha * m)))
        p = cover.separability_probability(torch.from_numpy(s), m).numpy()
        ax.plot(s / m, p, color=colour, lw=2, label=f"$P(s,n)$, n = {m}" + (" (reference)" if m != n else ""))
    if n <= 10:
        a, freq = _phase_mc(n, trials, seed)
        ax.plot(a, freq, "o", color="C3", ms=4, label=f"Monte Carlo, {trials} trials\n(exact separability test)")
    ax.axvline(2, color="k", lw=0.8, ls=":")
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel=r"$\alpha = s/n$ (points per dimension)", ylabel="P(random labelling is separable)",
           xlim=(0, 4), ylim=(-0.03, 1.03), title=f"Cover's phase transition: P(2n, n) = 1/2 (n = {n})")
    style.legend_outside(ax)
    return fig


def phase_transition_explorer() -> Explorer:
    return Explorer(plot_phase_transition, [Control("n", [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000], start=4,
                                                    label="dimension n")],
                    title="Cover's theorem: separability of random labellings sharpens at s = 2n")


@styled
def plot_cover_curves(ns=(10, 50, 500)) -> Figure:
    """Exact P(s, n) against α = s/n for several n: the curves sharpen into a step at α = 2."""
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    for k, n in enumerate(ns):
        s = np.arange(1, 4 * n + 1)
        p = cover.separability_probability(torch.from_numpy(s), n).numpy()
        ax.plot(s / n, p, color=f"C{k}", lw=2, label=f"n = {n}")
    ax.axvline(2, color="k", lw=0.8, ls=":")
    ax.axhline(0.5, color="k", lw=0.8, ls=":")
    ax.set(xlabel=r"$\alpha=s/n$", ylabel="$P(s,n)=C(s,n)/2^s$", xlim=(0, 4),
           title="all curves pass through (2, 1/2); larger n, sharper step")
    ax.legend(loc="upper right")
    return fig
