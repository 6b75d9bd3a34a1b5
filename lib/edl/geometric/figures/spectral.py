"""Figures and explorers of chapter 7, part B: the renormalisation trick, Laplacian spectra, graph Fourier modes,
spectral filters and shift-invariant filters."""

import functools

import networkx as nx
import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive_scalar
from edl.geometric import gcn, spectral
from edl.geometric.figures.graphs import draw_graph


@functools.cache
def _er():
    G = nx.erdos_renyi_graph(12, 0.3, seed=1)
    return G, torch.as_tensor(nx.to_numpy_array(G, nodelist=range(12)))


def propagation_data(k: int) -> dict:
    """The explorer's data: gains ‖Sʲx‖/‖x‖ for j = 0..20 of both operators, their spectra, and S^k x at step k."""
    k = require_int("k", k, minimum=0)
    G, A = _er()
    first, renorm = gcn.propagation_operator(A, renormalised=False), gcn.propagation_operator(A)
    x = torch.as_tensor(np.random.default_rng(0).normal(size=12)).abs() + 0.1
    return {"first": gcn.propagation_growth(first, x, 20).numpy(),
            "renorm": gcn.propagation_growth(renorm, x, 20).numpy(),
            "spec_first": torch.linalg.eigvalsh(first).numpy(), "spec_renorm": torch.linalg.eigvalsh(renorm).numpy(),
            "xk_first": (torch.linalg.matrix_power(first, k) @ x).numpy(),
            "xk_renorm": (torch.linalg.matrix_power(renorm, k) @ x).numpy()}


@styled
def plot_propagation(k: int = 10) -> Figure:
    r"""Repeated propagation on ER(12, 0.3): the first-order operator :math:`I+D^{-1/2}AD^{-1/2}` (top eigenvalue 2)
    against the renormalised :math:`\bar A` (top eigenvalue 1), for a positive signal :math:`x`."""
    k = require_int("k", k, minimum=0)
    d = propagation_data(k)
    fig = style.figure(3.6)
    ax0, ax1, ax2 = fig.subplots(1, 3, width_ratios=[1.1, 1.3, 1.2])
    for row, (key, colour) in enumerate((("spec_first", "C3"), ("spec_renorm", "C0"))):
        ax0.plot(d[key], np.full(12, row), "|", ms=18, mew=2, color=colour)
    ax0.set(yticks=[0, 1], yticklabels=["I + D^-½AD^-½", "Ā"], ylim=(-0.6, 1.6), xlim=(-1.1, 2.2), xlabel="eigenvalue",
            title="spectra")
    ax0.axvline(1, color="0.6", lw=0.8, ls=":")
    ax0.axvline(2, color="0.6", lw=0.8, ls=":")
    steps = np.arange(21)
    ax1.semilogy(steps, d["first"], "o-", ms=3, color="C3", label="I + D^-½AD^-½: ≈ 2^k")
    ax1.semilogy(steps, d["renorm"], "o-", ms=3, color="C0", label="Ā: bounded by 1")
    ax1.axvline(k, color="0.4", lw=1)
    ax1.set(xlabel="steps k", ylabel="‖S^k x‖ / ‖x‖", ylim=(1e-1, 3e6),
            title=f"gain after k = {k}: {d['first'][k]:.3g} vs {d['renorm'][k]:.2f}")
    style.legend_outside(ax1, "below", ncols=1)
    width = np.arange(12)
    ax2.bar(width - 0.2, d["xk_first"] / np.abs(d["xk_first"]).max(), 0.4, color="C3", label="I + D^-½AD^-½")
    ax2.bar(width + 0.2, d["xk_renorm"] / np.abs(d["xk_renorm"]).max(), 0.4, color="C0", label="Ā")
    ax2.set(xlabel="node", ylabel="S^k x / max", title="shape of S^k x", ylim=(0, 1.05))
    style.legend_outside(ax2, "below", ncols=2)
    return fig


def propagation_explorer() -> Explorer:
    return Explorer(plot_propagation, [Control("k", list(range(0, 21, 2)), start=5, label="propagation steps k")],
                    title="The renormalisation trick: the first-order operator doubles the signal at every step, "
                          "Ā never grows")


@functools.cache
def _grid():
    G = nx.grid_2d_graph(6, 10)
    nodes = list(G.nodes())
    A = torch.as_tensor(nx.to_numpy_array(G, nodelist=nodes))
    pos = {k: (n[1], -n[0]) for k, n in enumerate(nodes)}
    return A, pos


@styled
def plot_fourier_modes() -> Figure:
    r"""The first eight eigenvectors of the Laplacian of a 6×10 grid graph, as node colours: the smallest
    eigenvalues belong to the smoothest modes (:math:`u^\top Lu=\lambda`)."""
    A, pos = _grid()
    lam, U = spectral.fourier_basis(spectral.graph_laplacian(A))
    fig = style.figure(3.3)
    axes = fig.subplots(2, 4)
    norm = Normalize(-0.3, 0.3)
    for k, ax in enumerate(axes.flat):
        u = U[:, k].numpy() * np.sign(U[:, k].sum().item() or 1.0)
        sc = draw_graph(ax, pos, A.numpy(), u, cmap="RdBu_r", norm=norm, size=30)
        ax.set_title(f"λ{k + 1} = {abs(lam[k].item()) if k == 0 else lam[k].item():.3f}", fontsize=9.5)
    style.colorbar(sc, axes, label="u_k at the node")
    return fig


@functools.cache
def _heat_setup():
    A, pos = _grid()
    L = spectral.graph_laplacian(A)
    lam, U = spectral.fourier_basis(L)
    smooth = U[:, 1] * 4 + U[:, 2] * 3
    x = smooth + 0.25 * torch.as_tensor(np.random.default_rng(5).normal(size=A.shape[0]))
    return A, pos, L, lam, U, smooth, x


def heat_filter_data(t: float) -> dict:
    """The explorer's data at diffusion time ``t``: the filtered signal, its spectrum, energy and error."""
    t = require_positive_scalar("t", t, strict=False)
    A, _, L, lam, U, smooth, x = _heat_setup()
    y = spectral.spectral_filter(L, x, lambda mu: torch.exp(-t * mu))
    return {"y": y.numpy(), "x_hat": (U.T @ x).abs().numpy(), "y_hat": (U.T @ y).abs().numpy(), "lam": lam.numpy(),
            "energy": float(spectral.dirichlet_energy(A, y)), "error": float((y - smooth).norm())}


@styled
def plot_heat_filter(t: float = 0.3) -> Figure:
    r"""A noisy smooth signal on a 6×10 grid graph filtered by the heat kernel :math:`e^{-tL}`: each graph frequency
    is damped by :math:`e^{-t\lambda}`, so noise (high :math:`\lambda`) dies first and the smooth part survives
    longest."""
    d = heat_filter_data(t)
    A, pos, *_ = _heat_setup()
    fig = style.figure(4.0)
    ax0, ax1 = fig.subplots(1, 2, width_ratios=[1, 1.4])
    sc = draw_graph(ax0, pos, A.numpy(), d["y"], cmap="RdBu_r", norm=Normalize(-1.2, 1.2), size=45)
    ax0.set_title(f"e^(−tL)x at t = {t:g}", fontsize=10)
    fig.suptitle(f"energy xᵀLx = {d['energy']:.2f}, distance to the clean signal {d['error']:.2f}", fontsize=10)
    style.colorbar(sc, ax0, label="signal", orientation="horizontal", location="bottom", fraction=0.05, pad=0.04)
    floor = 1e-4
    ax1.semilogy(d["lam"], d["x_hat"], "o", ms=3, color="0.6", label="|x̂_k| before")
    ax1.semilogy(d["lam"], d["y_hat"], "o", ms=3, color="C0", label="|ŷ_k| after")
    ax1.semilogy(d["lam"], np.exp(-t * d["lam"]), "-", color="C3", label="response e^(−tλ)")
    ax1.set(xlabel="graph frequency λ", ylim=(floor, 10), title="spectrum")
    style.mark_clipped(ax1)
    style.legend_outside(ax1, "below", ncols=2)
    return fig


HEAT_TIMES = [0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0]


def heat_filter_explorer() -> Explorer:
    return Explorer(plot_heat_filter, [Control("t", HEAT_TIMES, start=4, label="diffusion time t")],
                    title="Spectral filtering with the heat kernel: high graph frequencies are damped first")


@styled
def plot_component_spectra(removed: int = 0) -> Figure:
    r"""Laplacian eigenvalues of three communities joined by two bridges, as edges are removed one by one
    (the bridges go first): each new component adds a zero eigenvalue."""
    removed = require_int("removed", removed, minimum=0)
    G = _communities()
    order = list(BRIDGES) + [e for n in (0, 17, 9) for e in sorted(G.edges(n)) if e not in BRIDGES]
    H = G.copy()
    H.remove_edges_from(order[:removed])
    A = torch.as_tensor(nx.to_numpy_array(H, nodelist=range(18)))
    lam = spectral.laplacian_spectrum(A).numpy()
    zeros = spectral.count_components(A)
    fig = style.figure(3.0)
    ax0, ax1 = fig.subplots(1, 2, width_ratios=[1, 1.4])
    comp = {n: k for k, c in enumerate(nx.connected_components(H)) for n in c}
    draw_graph(ax0, _community_pos(), A.numpy(), colors=[f"C{comp[n] % 10}" for n in range(18)], size=60)
    ax0.set_title(f"{removed} edges removed: {zeros} component{'s' * (zeros != 1)}", fontsize=10)
    ax1.plot(lam, np.zeros_like(lam), "|", ms=25, mew=2, color="C0")
    ax1.plot(lam[lam < 1e-9], np.zeros(zeros), "o", ms=8, color="C3",
             label=f"{zeros} zero eigenvalue{'s' * (zeros != 1)}")
    ax1.set(xlim=(-0.3, 7.5), yticks=[], xlabel="eigenvalue of L", title="spectrum")
    style.legend_outside(ax1, "below")
    return fig


BRIDGES = ((4, 6), (10, 12))


@functools.cache
def _communities() -> nx.Graph:
    G = nx.Graph()
    for c in range(3):
        G.add_edges_from((6 * c + i, 6 * c + j) for i in range(6) for j in range(i + 1, 6) if (i + j) % 4 != 3)
    G.add_edges_from(BRIDGES)
    return G


def _community_pos() -> dict:
    return {n: (3 * (n // 6) + np.cos(2 * np.pi * (n % 6) / 6), np.sin(2 * np.pi * (n % 6) / 6)) for n in range(18)}


def component_explorer() -> Explorer:
    return Explorer(plot_component_spectra, [Control("removed", list(range(0, 12)), label="edges removed")],
                    title="Zero Laplacian eigenvalues count the connected components")


@styled
def plot_commutant_dimensions() -> Figure:
    r"""How many linear filters commute with the adjacency matrix (the shift-invariant ones) against how many are
    polynomials in it, for graphs with and without repeated eigenvalues."""
    graphs = {"path P₅": nx.path_graph(5), "cycle C₆": nx.cycle_graph(6), "star K₁,₄": nx.star_graph(4),
              "complete K₅": nx.complete_graph(5), "ER(8, 0.4)": nx.erdos_renyi_graph(8, 0.4, seed=5)}
    dims = []
    for G in graphs.values():
        A = torch.as_tensor(nx.to_numpy_array(G))
        dims.append((gcn.commutant_dimension(A), gcn.polynomial_dimension(A)))
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    x = np.arange(len(graphs))
    ax.bar(x - 0.2, [d[0] for d in dims], 0.4, color="C0", label="commuting filters HA = AH")
    ax.bar(x + 0.2, [d[1] for d in dims], 0.4, color="C1", label="polynomials Σθ_k A^k")
    for i, (a, b) in enumerate(dims):
        ax.text(i - 0.2, a + 0.3, str(a), ha="center", fontsize=9)
        ax.text(i + 0.2, b + 0.3, str(b), ha="center", fontsize=9)
    ax.set(xticks=x, xticklabels=list(graphs), ylabel="dimension", ylim=(0, 20), yticks=range(0, 21, 5))
    style.legend_outside(ax, "right")
    return fig
