"""Figures and explorers of chapter 1, part A: threshold units, the perceptron, Novikoff and Cover."""

import functools
import itertools

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.connectionism import cover
from edl.connectionism import nonseparable as ns
from edl.connectionism import perceptron as pc
from edl.connectionism import threshold_networks as tn
from edl.connectionism.margins import homogeneous_max_margin
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
def plot_perceptron_2d(n_points: int = 12, gamma: float = 0.05, seed: int = 4) -> Figure:
    """The perceptron in the plane: the weight vector after each mistake turns towards the planted separator.

    The defaults draw the twelve points of the chapter's worked example."""
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
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title="perceptron weights turn towards $\\mathbf{w}^*$")
    style.legend_outside(ax)
    return fig


@styled
def plot_novikoff_ingredients(n: int = 20, s: int = 500, gamma: float = 0.1, seed: int = 6, datasets: int = 50) -> Figure:
    """Along one run: w_t·w* above tγ, and ‖w_t‖ below R√t, the two halves of Novikoff's proof.

    The run is on the first of ``datasets`` data sets drawn together: with the defaults, the data set of
    the chapter's worked example and of the check of Novikoff's theorem."""
    x, y, w_star = pc.planted_margin_data(datasets, s, n, gamma, generator=torch.Generator().manual_seed(seed))
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
    _, g_max = homogeneous_max_margin(x, y)
    return run.mistakes.numpy(), pc.novikoff_mistake_bound(g, R).numpy(), pc.novikoff_mistake_bound(g_max, R).numpy()


@styled
def plot_novikoff_mistakes(gamma: float = 0.2, n: int = 10, datasets: int = 60, s: int = 60,
                           seed: int = 0) -> Figure:
    """Mistakes of the perceptron on many planted-margin data sets, as a fraction of their bounds (R/γ)²."""
    require_positive("gamma", gamma)
    mistakes, bound, tight = _novikoff_runs(float(gamma), require_int("n", n, minimum=1), datasets, s, seed)
    ratio, ratio_max = mistakes / bound, mistakes / tight
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.plot(bound, ratio, "o", ms=4, alpha=0.6, label=f"planted γ\n({datasets} data sets\nof {s} points)")
    ax.plot(tight, ratio_max, "^", ms=4, alpha=0.6, color="C2", label="largest margin γ*\n(same data sets)")
    ax.axhline(1.0, color="k", ls="--", label="Novikoff:\nmistakes = $(R/\\gamma)^2$")
    ax.set(xlabel="bound $(R/\\gamma)^2$ of each data set", ylabel="mistakes / $(R/\\gamma)^2$", ylim=(1e-4, 2),
           xscale="log", yscale="log", xlim=(1, 1e6),
           title=f"planted margin {gamma:g}, n = {n}: largest ratio {ratio.max():.3f} with γ, "
                 f"{ratio_max.max():.3f} with γ*")
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
    ax.set(xlim=(-2.2, 2.2), ylim=(-2.2, 2.2), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title="blue: $y=+1$, orange: $y=-1$")
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


# --- beyond one separable unit ---------------------------------------------------------------------

def noisy_grid(seed: int = 1, s: int = 40, flips: int = 4):
    """Integer points in [-4, 4]² labelled by the line x₁ + 0.6 x₂ + 0.5 = 0, with ``flips`` labels flipped."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=(s, 2)).astype(float)
    y = np.sign(x @ [1.0, 0.6] + 0.5)
    y[rng.choice(s, flips, replace=False)] *= -1
    return torch.from_numpy(x), torch.from_numpy(y)


@styled
def plot_nonseparable(epochs: int = 60, seed: int = 1) -> Figure:
    """The perceptron on data no line separates: its training error cycles; the pocket and the average do better."""
    epochs = require_int("epochs", epochs, minimum=2)
    x, y = noisy_grid(seed)
    xa = pc.augment(x)
    run = ns.perceptron_epochs(xa, y, epochs)
    fixed = ns.pocket_and_average(xa, y, epochs)
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
    X, Y = x.numpy(), y.numpy()
    left.scatter(*X[Y > 0].T, c="C0", s=18)
    left.scatter(*X[Y < 0].T, c="C1", s=18, marker="s")
    for w, name, colour, ls in ((fixed.last, "last", "0.5", ":"), (fixed.pocket, "pocket", "C2", "-"),
                                (fixed.averaged, "averaged", "C4", "--")):
        w = w.numpy()
        left.axline((0, -w[2] / w[1]), slope=-w[0] / w[1], color=colour, ls=ls, lw=1.5)
    left.set(xlim=(-4.8, 4.8), ylim=(-4.8, 4.8), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
             title="blue $y=+1$, orange $y=-1$")
    e = np.arange(epochs + 1)
    right.plot(e, run.errors.numpy(), "o-", ms=3, color="0.5", label="weights at the start of each epoch")
    for w, name, colour, ls in ((fixed.pocket, "pocket", "C2", "-"), (fixed.averaged, "averaged", "C4", "--")):
        right.axhline(int(ns.training_errors(xa, y, w)), color=colour, ls=ls, label=f"{name} weights")
    right.plot([], [], color="0.5", ls=":", label="last weights (left)")
    if run.repeat_at > 0:
        right.axvspan(run.repeat_at - run.period, epochs, color="C3", alpha=0.08,
                      label=f"periodic: period {run.period} epochs")
    right.set(xlabel="epoch", ylabel="training errors (of 40)", ylim=(0, None),
              title=f"{int(ns.training_errors(xa, y, fixed.pocket))} errors at best; a line is never found")
    style.legend_outside(right, "below", ncols=2)
    return fig


@styled
def plot_xor_network() -> Figure:
    """XOR by two hidden threshold units: the input plane cut by two lines, and the hidden plane cut by one."""
    layers = tn.xor_network()
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    target = (x.sum(1) % 2).numpy()
    h = tn.threshold_network(x, layers[:1]).numpy()
    fig = style.figure(3.6)
    left, right = fig.subplots(1, 2)
    for ax, pts, names in ((left, x.numpy(), ("$x_1$", "$x_2$")), (right, h, ("$h_1$ (OR)", "$h_2$ (AND)"))):
        ax.scatter(*pts[target == 1].T, s=90, c="C0", zorder=3, label="XOR = 1")
        ax.scatter(*pts[target == 0].T, s=90, c="C1", marker="s", zorder=3, label="XOR = 0")
        ax.set(xlim=(-0.4, 1.4), ylim=(-0.4, 1.4), aspect="equal", xlabel=names[0], ylabel=names[1])
    left.axline((0.5, 0), slope=-1, color="C2", label="$h_1$: $x_1+x_2=\\frac{1}{2}$")
    left.axline((1.5, 0), slope=-1, color="C3", ls="--", label="$h_2$: $x_1+x_2=\\frac{3}{2}$")
    right.axline((0.5, 0), slope=1, color="k", label="output: $h_1-h_2=\\frac{1}{2}$")
    right.annotate("(0,1) and (1,0)\nboth map here", xy=(1, 0), xytext=(0.35, 0.55), fontsize=9.5,
                   arrowprops=dict(arrowstyle="->", color="0.4"))
    left.set_title("input plane: no single line works")
    right.set_title("hidden plane: one line does")
    style.legend_outside(left, "below", ncols=1)
    style.legend_outside(right, "below", ncols=1)
    return fig
