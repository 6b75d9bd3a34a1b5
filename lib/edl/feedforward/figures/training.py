"""Figures of chapter 2's end-to-end section: XOR and its hidden layer, a trained network, overfitting."""

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.style import styled
from edl.feedforward import training as tr


@styled
def plot_xor() -> Figure:
    """Left: the four XOR points, which no line separates. Right: the same points after the hidden ReLU layer
    of :func:`edl.feedforward.training.xor_relu_network`, where the line h₁ − 2h₂ = ½ separates them."""
    X, y = tr.xor_data()
    W, b = tr.xor_relu_network()
    H = torch.relu(X @ W[0].T + b[0])
    fig = style.figure(3.6)
    left, right = fig.subplots(1, 2)
    for ax, P, title, xl, yl in ((left, X, "input space: no line separates the classes", "$x_1$", "$x_2$"),
                                 (right, H, "hidden space $(h_1, h_2)$: one line does", "$h_1=(x_1+x_2)_+$",
                                  "$h_2=(x_1+x_2-1)_+$")):
        for label, marker, color in ((0, "o", "C0"), (1, "s", "C3")):
            pts = P[y == label].numpy()
            ax.scatter(pts[:, 0], pts[:, 1], s=70, marker=marker, color=color, label=f"y = {label}", zorder=3)
        ax.set(xlabel=xl, ylabel=yl, title=title, xlim=(-0.4, 2.4 if ax is right else 1.4), ylim=(-0.4, 1.4))
    for text, (h1, h2) in (("x = (0,0)", (0, 0)), ("x = (0,1) and (1,0)", (1, 0)), ("x = (1,1)", (2, 1))):
        right.annotate(text, (h1, h2), xytext=(-10, 10), textcoords="offset points", ha="left" if h1 < 2 else "right")
    h1 = np.linspace(0.0, 2.4, 2)
    right.plot(h1, (h1 - 0.5) / 2, "k--", lw=1, label=r"$h_1-2h_2=\frac{1}{2}$")
    style.legend_outside(left, "below", ncols=2)
    style.legend_outside(right, "below", ncols=3)
    return fig


@styled
def plot_trained_network(X, y, weights, biases, steps, curve_by_hand, curve_torch) -> Figure:
    """Left: the data and the trained network's decision regions. Right: the training loss of the δ-recursion
    and of the PyTorch version, step by step (``steps`` are the step numbers of both curves)."""
    X, y = torch.as_tensor(X), torch.as_tensor(y)
    fig = style.figure(3.8)
    left, right = fig.subplots(1, 2)
    lo, hi = X.min(0).values.numpy() - 0.3, X.max(0).values.numpy() + 0.3
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    grid = torch.as_tensor(np.stack([g1.ravel(), g2.ravel()], 1))
    with torch.no_grad():
        p = torch.sigmoid(tr.logits(grid, weights, biases)).numpy().reshape(g1.shape)
    mesh = left.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55)
    left.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1.2)
    for label, marker, color in ((0, "o", "C0"), (1, "s", "C3")):
        pts = X[y == label].numpy()
        left.scatter(pts[:, 0], pts[:, 1], s=10, marker=marker, color=color, edgecolor="k", linewidth=0.3,
                     label=f"y = {label}")
    left.set(xlabel="$x_1$", ylabel="$x_2$", title="decision boundary $P(y=1)=1/2$")
    style.colorbar(mesh, left, label="$P(y=1\\mid x)$")
    style.legend_outside(left, "below", ncols=2)
    right.plot(steps, curve_by_hand, "C0", lw=2.5, label="δ-recursion by hand")
    right.plot(steps, curve_torch, "C1--", lw=1.5, label="torch.nn + autograd + SGD")
    right.set(xlabel="gradient step", ylabel="mean cross-entropy (nats)", yscale="log", title="training loss")
    style.legend_outside(right, "below", ncols=1)
    return fig


@styled
def plot_overfitting(runs: dict) -> Figure:
    """Training and held-out loss against the step, one panel per run; ``runs[label] = train_by_hand(...)``
    results with a test set. The best held-out step is marked."""
    fig = style.figure(3.8)
    axes = fig.subplots(1, len(runs), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, (label, r) in zip(axes, runs.items()):
        steps, train, test = r["steps"].numpy(), r["train"].numpy(), r["test"].numpy()
        ax.plot(steps, train, "C0", label="training loss")
        ax.plot(steps, test, "C3", label="held-out loss")
        best = int(np.argmin(test))
        ax.plot(steps[best], test[best], "k*", ms=9, label="best held-out step")
        ax.set(xlabel="gradient step", yscale="log", title=label)
    axes[0].set_ylabel("mean cross-entropy (nats)")
    top, bottom = max(float(r["test"].max()) for r in runs.values()), min(float(r["train"].min()) for r in runs.values())
    axes[0].set_ylim(bottom * 0.7, top * 1.5)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)
    return fig
