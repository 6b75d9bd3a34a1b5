"""Figures of chapter 7's end-to-end experiments: the karate club GCN against an MLP, and Deep Sets."""

import networkx as nx
import numpy as np
from matplotlib.figure import Figure

from edl.core import style
from edl.core.style import styled
from edl.geometric.figures.graphs import draw_graph


@styled
def plot_karate(A, y, gcn_run, mlp_run, train_nodes) -> Figure:
    r"""Zachary's karate club: the GCN's predicted faction for every member (ringed: the four labelled members),
    its 2-D output embedding coloured by the true faction, and the test accuracy of both models per epoch."""
    A, y = np.asarray(A.cpu() if hasattr(A, "cpu") else A), np.asarray(y.cpu() if hasattr(y, "cpu") else y)
    G = nx.from_numpy_array(A)
    pos = {n: tuple(p) for n, p in nx.spring_layout(G, seed=7).items()}
    fig = style.figure(3.8)
    ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.2, 1, 1])
    Z = gcn_run["logits"].detach().cpu().numpy()
    pred = Z.argmax(1)
    draw_graph(ax0, pos, A, colors=[f"C{p}" for p in pred], size=70)
    xy = np.array([pos[n] for n in train_nodes])
    ax0.scatter(xy[:, 0], xy[:, 1], s=260, facecolors="none", edgecolors="k", linewidths=1.5, zorder=4)
    wrong = int((pred != y).sum())
    ax0.set_title(f"GCN prediction ({wrong} of 34 wrong)", fontsize=10)
    for c, name in ((0, "Mr. Hi's club"), (1, "officer's club")):
        ax1.scatter(Z[y == c, 0], Z[y == c, 1], s=25, color=f"C{c}", label=name)
    ax1.set(xlabel="output 1", ylabel="output 2", title="GCN embedding (true faction)")
    style.legend_outside(ax1, "below", ncols=1)
    epochs = np.arange(1, len(gcn_run["test_accuracy"]) + 1)
    ax2.plot(epochs, 100 * np.asarray(gcn_run["test_accuracy"]), color="C2", label="GCN")
    ax2.plot(epochs, 100 * np.asarray(mlp_run["test_accuracy"]), color="0.4", label="MLP on the features")
    ax2.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=(0, 102), title="30 unlabelled members")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


@styled
def plot_deep_sets(out: dict) -> Figure:
    r"""Learning the range max − min of a set: training loss of Deep Sets and of an MLP on the ordered vector, the
    Deep Sets test error on sets of other sizes, and how far each output moves when the test sets are shuffled."""
    fig = style.figure(3.4)
    ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.3, 1, 1])
    ax0.semilogy(out["deep_sets_loss"], color="C0", label="Deep Sets ρ(Σφ)")
    ax0.semilogy(out["mlp_loss"], color="0.4", label="MLP on (x₁, …, x_M)")
    ax0.set(xlabel="step", ylabel="training MSE", title="training, sets of 6")
    style.legend_outside(ax0, "below", ncols=1)
    sizes = sorted(out["mse_by_size"])
    ax1.semilogy(sizes, [out["mse_by_size"][m] for m in sizes], "o-", color="C0")
    ax1.set(xlabel="set size M", ylabel="test MSE", title="Deep Sets, any size", xticks=sizes)
    gaps = [out["deep_sets_shuffle"], out["mlp_shuffle"]]
    ax2.bar([0, 1], [g if g > 0 else 1e-17 for g in gaps], color=["C0", "0.4"])
    for i, g in enumerate(gaps):
        if g == 0:                                   # a log axis cannot show 0: say so on the bar
            ax2.text(i, 3e-17, "exactly 0", ha="center", fontsize=9)
    ax2.set_yscale("log")
    ax2.set(xticks=[0, 1], xticklabels=["Deep Sets", "MLP"], ylim=(1e-17, 1), ylabel="max |f(x) − f(shuffled x)|",
            title="shuffling the test sets")
    return fig
