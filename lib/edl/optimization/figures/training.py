"""Figures of chapter 3's sections on computational graphs, learning-rate schedules and optimisers on a network."""

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from edl.core import style
from edl.core.style import styled


def graph_values(x: float = 1.5, w: float = 0.8, b: float = -0.5, y: float = 1.0) -> dict:
    """Forward values and backward adjoints ∂L/∂(node) of every node of L = (σ(w·x + b) − y)², by autograd."""
    leaves = {name: torch.tensor(float(val), dtype=torch.float64, requires_grad=True)
              for name, val in (("x", x), ("w", w), ("b", b), ("y", y))}
    u = leaves["w"] * leaves["x"]
    a = u + leaves["b"]
    p = torch.sigmoid(a)
    r = p - leaves["y"]
    L = r**2
    inner = {"u = w·x": u, "a = u + b": a, "p = σ(a)": p, "r = p − y": r, "L = r²": L}
    for t in inner.values():
        t.retain_grad()
    L.backward()
    nodes = {**leaves, **inner}
    return {name: (float(t.detach()), float(t.grad)) for name, t in nodes.items()}


@styled
def plot_computational_graph(x: float = 1.5, w: float = 0.8, b: float = -0.5, y: float = 1.0) -> Figure:
    """The graph of L = (σ(w·x + b) − y)²: each node with its forward value (above, blue) and the adjoint
    ∂L/∂node that the backward pass sends back along the edges (below, red)."""
    values = graph_values(x, w, b, y)
    pos = {"x": (0, 1.6), "w": (0, 0.4), "u = w·x": (1.6, 1.0), "b": (1.6, -0.4), "a = u + b": (3.2, 0.5),
           "p = σ(a)": (4.7, 0.5), "y": (4.7, -0.9), "r = p − y": (6.2, 0.0), "L = r²": (7.6, 0.0)}
    edges = [("x", "u = w·x"), ("w", "u = w·x"), ("u = w·x", "a = u + b"), ("b", "a = u + b"),
             ("a = u + b", "p = σ(a)"), ("p = σ(a)", "r = p − y"), ("y", "r = p − y"), ("r = p − y", "L = r²")]
    fig = style.figure(3.9)
    ax = fig.add_subplot()
    for start, end in edges:
        (x0, y0), (x1, y1) = pos[start], pos[end]
        ax.annotate("", xy=(x1 - 0.55, y1 + 0.1 * np.sign(y0 - y1)), xytext=(x0 + 0.45, y0),
                    arrowprops=dict(arrowstyle="-|>", color="0.35", lw=1.2))
        ax.annotate("", xy=(x0 + 0.45, y0 - 0.12), xytext=(x1 - 0.55, y1 - 0.12 + 0.1 * np.sign(y0 - y1)),
                    arrowprops=dict(arrowstyle="-|>", color="C3", lw=0.9, ls="--"))
    for name, (px, py) in pos.items():
        leaf = len(name) == 1
        ax.add_patch(FancyBboxPatch((px - 0.5, py - 0.2), 1.0, 0.4, boxstyle="round,pad=0.05",
                                    facecolor="0.93" if leaf else "#dbe9f6", edgecolor="0.3"))
        ax.plot([px], [py], ".", color="0.3", ms=2)  # the node's position, under its label
        ax.text(px, py, name, ha="center", va="center")
        value, adjoint = values[name]
        ax.text(px, py + 0.32, f"{value:.4f}", ha="center", va="bottom", color="C0")
        ax.text(px, py - 0.32, f"{adjoint:+.4f}", ha="center", va="top", color="C3")
    ax.set(xlim=(-0.7, 8.3), ylim=(-1.5, 2.15), title="L = (σ(w·x + b) − y)²: values (blue, above), adjoints ∂L/∂node (red, below)")
    ax.axis("off")
    return fig


@styled
def plot_schedules(schedules: dict, curves: dict, record_every: int, floors: dict) -> Figure:
    """Left: step-size schedules η_t (in units of 1/L). Right: mean ‖x_t − x*‖² of SGD under each, with the
    exact floors of the constant steps (``floors[label] = value``)."""
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    styles = zip(("C0", "C1", "C2", "C3", "C4"), ("-", "-", "-", "-", "--"))  # the last is drawn dashed: it may
    for (name, s), (color, ls) in zip(schedules.items(), styles):               # coincide with cosine after warm-up
        s = np.asarray(s)
        left.plot(np.arange(len(s)), s, color=color, ls=ls, label=name)
        c = np.asarray(curves[name])
        t = np.minimum(np.arange(len(c)) * record_every, len(s))
        right.semilogy(t, c, color=color, ls=ls, label=name)
    for (name, floor), ls in zip(floors.items(), ("--", ":")):
        right.axhline(floor, color="k", ls=ls, lw=1, label=f"exact floor, {name}: {floor:.4f}")
    left.set(xlabel="step t", ylabel=r"$\eta_t\cdot L$", title="schedules")
    right.set(xlabel="step t", ylabel=r"$\mathbb{E}\|x_t-x^*\|^2$", title="SGD on least squares (500 chains)")
    right.set_ylim(1e-3, 20)
    style.mark_clipped(right)
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncols=3)
    return fig


@styled
def plot_network_race(best_runs: dict, finals: dict) -> Figure:
    """Left: training loss of each optimiser at its best learning rate. Right: final training loss against the
    learning rate, for every rate tried (``finals[name] = {lr: loss}``)."""
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    for (name, run), color in zip(best_runs.items(), ("C0", "C1", "C2", "C4", "C3")):
        left.semilogy(run["steps"].numpy(), run["train"].numpy(), color=color, label=name)
        lrs = sorted(finals[name])
        right.semilogx(lrs, [finals[name][lr] for lr in lrs], "o-", color=color, label=name)
    left.set(xlabel="step", ylabel="training loss (nats)", title="each at its best learning rate")
    right.set(xlabel="learning rate", ylabel="training loss, mean of the last 100 steps", title="sensitivity to the learning rate")
    style.mark_clipped(right)
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncols=5)
    return fig
