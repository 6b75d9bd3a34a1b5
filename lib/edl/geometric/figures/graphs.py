"""Figures and explorers of chapter 7, part A: groups and sets, relabelled graphs, GCN outputs, WL colours."""

import functools

import networkx as nx
import numpy as np
import torch
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from sympy.combinatorics.named_groups import SymmetricGroup

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int
from edl.geometric import gcn, graphs, symmetry


def draw_graph(ax, pos: dict, A: np.ndarray, values=None, *, cmap="viridis", norm=None, colors=None, labels=None,
               size: float = 170.0):
    """Nodes at ``pos`` (node → (x, y)) coloured by ``values`` (a colour map) or ``colors``; edges from ``A``."""
    xy = np.array([pos[n] for n in range(len(A))])
    i, j = np.nonzero(np.triu(A))
    ax.add_collection(LineCollection([[xy[a], xy[b]] for a, b in zip(i, j)], colors="0.6", linewidths=1.0, zorder=1))
    shading = dict(c=values, cmap=cmap, norm=norm) if colors is None else dict(c=colors)
    sc = ax.scatter(xy[:, 0], xy[:, 1], s=size, edgecolors="0.2", linewidths=0.8, zorder=2, **shading)
    if labels is not None:
        for n, (x, y) in enumerate(xy):
            ax.text(x, y, str(labels[n]), ha="center", va="center", fontsize=9, zorder=3,
                    color="white" if values is not None else "black")
    pad = 0.18 * (xy.max(0) - xy.min(0)).max()
    ax.set(xlim=(xy[:, 0].min() - pad, xy[:, 0].max() + pad), ylim=(xy[:, 1].min() - pad, xy[:, 1].max() + pad),
           xticks=[], yticks=[], aspect="equal")
    for side in ax.spines.values():
        side.set_visible(False)
    return sc


# --- groups and sets ------------------------------------------------------------------------------------

@styled
def plot_cayley_table() -> Figure:
    r"""The Cayley table of :math:`S_3` (row :math:`g`, column :math:`h`, entry :math:`g\circ h`), with a pair that
    does not commute outlined: the group is not abelian."""
    elements = [p.array_form for p in SymmetricGroup(3).generate()]
    names = ["e" if p == [0, 1, 2] else "".join(str(k + 1) for k in p) for p in elements]
    index = {tuple(p): k for k, p in enumerate(elements)}
    table = np.array([[index[tuple(symmetry.compose(g, h).tolist())] for h in elements] for g in elements])
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    im = ax.imshow(table, cmap="Pastel1", vmin=0, vmax=8)
    style.categorical(im)
    for r in range(6):
        for k in range(6):
            ax.text(k, r, names[table[r, k]], ha="center", va="center", fontsize=10)
    a, b = next((a, b) for a in range(6) for b in range(6) if table[a, b] != table[b, a])
    for r, k in ((a, b), (b, a)):
        ax.add_patch(Rectangle((k - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="C3", linewidth=2.5))
    ax.set(xticks=range(6), yticks=range(6), xticklabels=names, yticklabels=names, xlabel="h", ylabel="g",
           title=f"S₃ (images of 1, 2, 3): g∘h ≠ h∘g for g = {names[a]}, h = {names[b]} (red)")
    return fig


@styled
def plot_pooling_multisets() -> Figure:
    r"""Sum and max pooling of the embeddings :math:`\varphi(x)=(x, x^2, \cos x)` of the multisets {1, 1, 2} and
    {1, 2}: the sum tells them apart, the coordinate-wise max cannot."""
    phi = lambda s: torch.cat([s, s**2, torch.cos(s)], 1)  # noqa: E731
    sets = {"{1, 1, 2}": [1.0, 1.0, 2.0], "{1, 2}": [1.0, 2.0]}
    fig = style.figure(3.0)
    axes = fig.subplots(1, 2, sharey=True)
    width = 0.38
    for ax, mode in zip(axes, ("sum", "max")):
        for k, (name, s) in enumerate(sets.items()):
            z = symmetry.deep_sets(s, phi, lambda h: h, mode).numpy()
            ax.bar(np.arange(3) + (k - 0.5) * width, z, width, label=name, color=f"C{k}")
        ax.axhline(0, color="0.5", lw=0.8)
        ax.set(xticks=range(3), xticklabels=["x", "x²", "cos x"], title=f"{mode} pooling of φ(x)")
    style.legend_outside(axes[1], "right")
    return fig


# --- relabelling a graph ----------------------------------------------------------------------------------

@functools.cache
def _relabel_setup():
    G = nx.erdos_renyi_graph(12, 0.3, seed=1)
    A = torch.as_tensor(nx.to_numpy_array(G, nodelist=range(12)))
    rng = np.random.default_rng(0)
    X, W = torch.as_tensor(rng.normal(size=(12, 4))), torch.as_tensor(rng.normal(size=(4, 1)))
    perms = [list(range(12))] + [rng.permutation(12).tolist() for _ in range(9)]
    pos = nx.spring_layout(G, seed=3)
    return A, X, W, perms, {n: tuple(p) for n, p in pos.items()}


def relabelling_data(k: int) -> dict:
    """The explorer's data for permutation ``k`` (0: the identity): relabelled adjacency, outputs, both errors."""
    k = require_int("k", k, minimum=0)
    A, X, W, perms, _ = _relabel_setup()
    perm = perms[k % len(perms)]
    f = lambda X_, A_: gcn.gcn_layer(X_, gcn.normalized_adjacency(A_), W)  # noqa: E731
    X2, A2 = graphs.relabel(X, A, perm)
    P = symmetry.permutation_matrix(perm)
    wrong = float((f(X, A) - P @ f(X2, A2)).abs().max())
    return {"perm": perm, "A2": A2.numpy(), "y": f(X, A)[:, 0].numpy(), "y2": f(X2, A2)[:, 0].numpy(),
            "right": graphs.equivariance_error(f, X, A, perm), "wrong": wrong}


@styled
def plot_relabelling(k: int = 1) -> Figure:
    r"""A GCN layer :math:`\tanh(\bar AXW)` before and after relabelling the nodes by permutation ``k``: each node
    keeps its place and its output colour; only its number, and the rows and columns of :math:`PAP^\top`, move."""
    d = relabelling_data(k)
    A, _, _, perms, pos = _relabel_setup()
    perm = d["perm"]
    fig = style.figure(3.9)
    axes = fig.subplots(1, 3, width_ratios=[1, 1, 1])
    norm = Normalize(-1, 1)
    sc = draw_graph(axes[0], pos, A.numpy(), d["y"], cmap="coolwarm", norm=norm, labels=list(range(12)))
    axes[0].set_title("original labels", fontsize=10)
    new_pos = {perm[j]: pos[j] for j in range(12)}                     # node j is now called perm[j]
    draw_graph(axes[1], new_pos, d["A2"], d["y2"], cmap="coolwarm", norm=norm, labels=list(range(12)))
    axes[1].set_title(f"relabelled (permutation {k})", fontsize=10)
    im = axes[2].imshow(d["A2"], cmap="Greys", vmin=0, vmax=1)
    style.categorical(im)
    axes[2].set(title="PAPᵀ (black: edge)", xlabel="node", ylabel="node", xticks=[0, 5, 10], yticks=[0, 5, 10])
    style.colorbar(sc, axes[:2], label="output of the node", orientation="horizontal", location="bottom",
                   fraction=0.06, pad=0.04)
    fig.suptitle(f"‖Pf(X,A) − f(PX,PAPᵀ)‖ = {d['right']:.0e}    ‖f(X,A) − Pf(PX,PAPᵀ)‖ = {d['wrong']:.2f}",
                 fontsize=10)
    return fig


def relabelling_explorer() -> Explorer:
    return Explorer(plot_relabelling, [Control("k", list(range(10)), start=1, label="permutation",
                                               labels=["identity"] + [f"random {i}" for i in range(1, 10)])],
                    title="Relabel the nodes: the outputs move with the nodes (P on the left), never stay put")


# --- Weisfeiler–Lehman -------------------------------------------------------------------------------------

@styled
def plot_wl_refinement(rounds: int = 2) -> Figure:
    r"""1-WL colour refinement on :math:`C_6` against two triangles, and on the path :math:`P_4` against the star
    :math:`K_{1,3}`: the first pair never separates, the second does after one round."""
    rounds = require_int("rounds", rounds, minimum=0)
    pairs = [("C₆", nx.cycle_graph(6)), ("C₃ ⊔ C₃", nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))),
             ("P₄", nx.path_graph(4)), ("K₁,₃", nx.star_graph(3))]
    tri = [(0, 1), (1, 1), (0.5, 0.15)]
    layouts = [nx.circular_layout(pairs[0][1]), {n: (p[0] + 1.7 * (n // 3), p[1]) for n, p in enumerate(tri * 2)},
               {n: (n, 0.3 * (n % 2)) for n in range(4)}, {0: (0, 0), 1: (0, 1), 2: (-0.87, -0.5), 3: (0.87, -0.5)}]
    adjacency = [torch.as_tensor(nx.to_numpy_array(G, nodelist=range(G.number_of_nodes()))) for _, G in pairs]
    colours = [_node_colours(A, rounds) for A in adjacency]
    palette = {c: k for k, c in enumerate(sorted({c for cs in colours for c in cs}))}   # shared by all four graphs
    fig = style.figure(2.8)
    axes = fig.subplots(1, 4)
    for ax, (name, _), A, cs, pos in zip(axes, pairs, adjacency, colours, layouts):
        draw_graph(ax, {n: tuple(p) for n, p in pos.items()}, A.numpy(), colors=[f"C{palette[c] % 10}" for c in cs],
                   size=260)
        hist = sorted(graphs.wl_colours(A, rounds)[-1].values())
        ax.set_title(f"{name}: counts {hist}", fontsize=9.5)
    fig.suptitle(f"after {rounds} round{'s' * (rounds != 1)}: same colour = same WL label (shared across graphs)",
                 fontsize=10)
    return fig


def _node_colours(A: torch.Tensor, rounds: int) -> list[str]:
    """The WL colour of every node after ``rounds`` rounds (the same refinement as graphs.wl_colours)."""
    neighbours = [torch.nonzero(A[i]).flatten().tolist() for i in range(A.shape[0])]
    colour = ["0"] * A.shape[0]
    for _ in range(rounds):
        colour = [graphs._hash((colour[i], tuple(sorted(colour[j] for j in neighbours[i])))) for i in range(A.shape[0])]
    return colour
