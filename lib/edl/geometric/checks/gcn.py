"""Checks of ``edl.geometric.gcn`` (book labels ``gdl.normalized-adjacency`` … ``gdl.shift-invariant-filter``)
and of the errata on the GCN weight's shape and on shift-invariant filters.

Independent routes: entrywise loops with degrees from networkx, ``numpy.linalg.eigvalsh``/``norm``,
``scipy.linalg.circulant``, ``torch.nn.functional.conv1d`` with circular padding, graph distances from
``networkx.single_source_shortest_path_length``, eigenvalue multiplicities (:math:`\\sum m_\\lambda^2`, the
number of distinct eigenvalues) and least squares.
"""

import networkx as nx
import numpy as np
import scipy.linalg
import torch
import torch.nn.functional as F

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula
from edl.geometric import gcn
from edl.geometric.checks.graphs import er_graph, nx_adjacency


@formula("gdl.normalized-adjacency", reference="entrywise (a_ij + δ_ij)/√(d̃_i d̃_j) by loops, degrees from networkx")
def check_normalized_adjacency() -> CheckResult:
    G = er_graph()
    A_bar = gcn.normalized_adjacency(nx_adjacency(G))
    loop = np.array([[((j in G[i]) + (i == j)) / np.sqrt((1 + G.degree(i)) * (1 + G.degree(j))) for j in range(12)]
                     for i in range(12)])
    return all_of(check_close(A_bar, loop, atol=1e-15, what="Ā on ER(12, 0.3) vs the entrywise formula"),
                  holds(torch.equal(A_bar, A_bar.T), "Ā symmetric", "Ā is not symmetric"))


@formula("gdl.norm-adj-spectrum", reference="numpy.linalg.eigvalsh and 2-norms of 20 powers of both operators")
def check_norm_adj_spectrum(growth=gcn.propagation_growth) -> CheckResult:
    G = er_graph()
    A = nx_adjacency(G)
    A_bar, first = gcn.propagation_operator(A), gcn.propagation_operator(A, renormalised=False)
    lam, V = np.linalg.eigh(A_bar.numpy())
    d_tilde = np.array([1.0 + G.degree(n) for n in range(12)])
    cos = abs(V[:, -1] @ np.sqrt(d_tilde)) / np.linalg.norm(np.sqrt(d_tilde))
    mu = np.linalg.eigvalsh(first.numpy())
    x = f64(np.sqrt([G.degree(n) for n in range(12)]))                     # D^{1/2} 1, the top eigenvector
    gain = growth(first, x, 20)
    power = np.linalg.norm(np.linalg.matrix_power(A_bar.numpy(), 20), 2)
    c8 = nx_adjacency(nx.cycle_graph(8))
    low = np.linalg.eigvalsh(gcn.propagation_operator(c8, renormalised=False).numpy()).min()
    low_bar = np.linalg.eigvalsh(gcn.propagation_operator(c8).numpy()).min()
    return all_of(holds(-1 < lam.min() and abs(lam.max() - 1) <= 1e-12,
                        f"spec(Ā) in [{lam.min():.3f}, 1]: inside (−1, 1], top eigenvalue 1 (1e-12)", f"spec(Ā) = [{lam.min():.3g}, {lam.max():.3g}]"),
                  holds(abs(cos - 1) <= 1e-12, "top eigenvector ∥ (√d̃₁, …, √d̃_M) (|cos| = 1 to 1e-12)", f"|cos| = {cos:.6g}"),
                  check_close(V @ np.diag(lam) @ V.T, A_bar, atol=1e-12, what="Σ λ_i v_i v_iᵀ vs Ā"),
                  holds(abs(mu.max() - 2) <= 1e-12 and mu.min() >= -1e-12, "I + D^{-1/2}AD^{-1/2}: spectrum in [0, 2], top exactly 2",
                        f"spectrum [{mu.min():.3g}, {mu.max():.3g}]"),
                  check_close(gain[-1], 2.0**20, rtol=1e-10, what="‖(I + D^{-1/2}AD^{-1/2})²⁰ D^{1/2}1‖/‖D^{1/2}1‖ vs 2²⁰"),
                  check_close(power, 1.0, atol=1e-12, what="‖Ā²⁰‖₂ vs 1"),
                  holds(abs(low) <= 1e-12 and abs(low_bar + 1 / 3) <= 1e-12,
                        "bipartite C8: the first-order operator reaches 0 (D^{-1/2}AD^{-1/2} reaches −1), Ā stops at −1/3",
                        f"C8: lowest eigenvalues {low:.3g} and {low_bar:.3g}"))


def _fits(layer, weight_shape) -> tuple[bool, str]:
    """Build W from weight_shape(M, N, N') for a 5-node and a 9-node graph (N = 5 features, N' = 3) and apply it."""
    rng = np.random.default_rng(21)
    counts, shapes = [], []
    for M in (5, 9):
        A = nx_adjacency(nx.cycle_graph(M))
        X = f64(rng.normal(size=(M, 5)))
        W = f64(rng.normal(size=weight_shape(M, 5, 3)))
        counts.append(W.numel())
        try:
            shapes.append(tuple(layer(X, gcn.normalized_adjacency(A), W).shape))
        except ValueError:
            shapes.append(None)
    if counts[0] != counts[1] or None in shapes:
        return False, (f"W depends on the graph: {counts[0]} parameters on 5 nodes, {counts[1]} on 9; "
                       f"outputs {shapes} (None: XW undefined)")
    return shapes == [(5, 3), (9, 3)], f"W ∈ ℝ^(N×N'): {counts[0]} parameters on 5 and on 9 nodes alike"


@formula("gdl.gcn-layer", reference="explicit neighbour loop with networkx degrees; the column convention (WXᵀQ)ᵀ")
def check_gcn_layer(layer=gcn.gcn_layer, weight_shape=lambda M, N, N_out: (N, N_out)) -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(20)
    A = nx_adjacency(G)
    X, W = f64(rng.normal(size=(12, 4))), f64(rng.normal(size=(4, 3)))
    A_bar = gcn.normalized_adjacency(A)
    d = {n: 1 + G.degree(n) for n in G}
    loop = torch.stack([torch.tanh(sum((X[j] / np.sqrt(d[i] * d[j]) for j in [i, *G[i]])) @ W) for i in range(12)])
    column = torch.tanh(W.T @ X.T @ A_bar).T                     # 002's convention: X^l ∈ ℝ^{d×n}, σ(W X Q)
    ok, said = _fits(layer, weight_shape)
    return all_of(check_close(layer(X, A_bar, W), loop, atol=1e-12, what="σ(ĀXW) vs the neighbour loop"),
                  check_close(layer(X, A_bar, W), column, atol=1e-12, what="row and column conventions"),
                  holds(ok, said, said))


@erratum("ch04-08:ERR-35", wrong=r"X^+=\sigma(\bar AXW),\quad W\in\mathbb R^{M\times N}",
         right=r"X^+=\sigma(\bar AXW),\quad W\in\mathbb R^{N\times N'}",
         why="M counts the nodes: a weight with a node dimension makes XW undefined unless N = M, and even then it "
             "ties the layer to one graph size, so the same network cannot run on a graph with more nodes.")
def seed_weight_shape() -> CheckResult:
    return check_gcn_layer(weight_shape=lambda M, N, N_out: (M, N))


@formula("gdl.gcn-two-layer", reference="graph distances (networkx) against the support of a feature perturbation")
def check_gcn_two_layer(model=gcn.gcn_two_layer) -> CheckResult:
    G = nx.path_graph(6)
    G.add_edges_from([(2, 6), (6, 7)])
    A, rng = nx_adjacency(G), np.random.default_rng(22)
    X, W0, W1 = f64(rng.normal(size=(8, 3))), f64(rng.normal(size=(3, 4))), f64(rng.normal(size=(4, 3)))
    Y = model(X, A, W0, W1)
    dist = nx.single_source_shortest_path_length(G, 0)
    changed = {}
    for node in range(8):
        X2 = X.clone()
        X2[node] += 1.0
        changed[node] = bool((model(X2, A, W0, W1)[0] != Y[0]).any())
    far = [n for n in range(8) if dist[n] > 2]
    near = [n for n in range(8) if dist[n] <= 2]
    A_bar = f64(nx.to_numpy_array(G) + np.eye(8))
    s = 1 / np.sqrt([1 + G.degree(n) for n in range(8)])
    A_bar = A_bar * f64(np.outer(s, s))
    ref = torch.softmax(A_bar @ torch.relu(A_bar @ X @ W0) @ W1, 1)
    return all_of(holds(not any(changed[n] for n in far) and all(changed[n] for n in near),
                        f"node 0: perturbing any of the {len(near)} nodes within 2 hops changes Y₀, the {len(far)} farther ones leave it exactly",
                        f"receptive field wrong: changed {changed}, distances {dist}"),
                  check_close(Y.sum(1), torch.ones(8, dtype=torch.float64), atol=1e-14, what="rows of Y sum to 1"),
                  check_close(Y, ref, atol=1e-14, what="Y vs Ā built from networkx degrees"))


@formula("gdl.gcn-cycle-toeplitz", reference="scipy.linalg.circulant; F.conv1d with circular padding and kernel (1,1,1)/3")
def check_gcn_cycle_toeplitz() -> CheckResult:
    A = gcn.cycle_adjacency(10)
    A_bar = gcn.normalized_adjacency(A)
    col = np.zeros(10)
    col[[0, 1, -1]] = 1 / 3
    X = f64(np.random.default_rng(23).normal(size=(10, 2)))
    conv = F.conv1d(F.pad(X.T[:, None, :], (1, 1), mode="circular"), torch.ones(1, 1, 3, dtype=torch.float64) / 3)[:, 0].T
    return all_of(holds(torch.equal(A, nx_adjacency(nx.cycle_graph(10))), "cycle_adjacency(10) = networkx cycle_graph(10)",
                        "the cycle's adjacency differs from networkx"),
                  check_close(A_bar, scipy.linalg.circulant(col), atol=1e-15, what="Ā(C10) vs circulant(1/3, 1/3, 0, …, 0, 1/3)"),
                  check_close(A_bar @ X, conv, atol=1e-15, what="ĀX vs circular conv1d with (1, 1, 1)/3"))


def _graphs():
    path, K5, C6 = nx.path_graph(5), nx.complete_graph(5), nx.cycle_graph(6)
    star = nx.star_graph(4)
    return {"P5": path, "K5": K5, "C6": C6, "star K1,4": star, "empty 4": nx.empty_graph(4)}


def non_derogatory(A: torch.Tensor) -> bool:
    """The corrected statement: commuting filters are exactly the polynomials iff all eigenvalues are distinct."""
    lam = np.linalg.eigvalsh(A.numpy())
    return bool(np.all(np.diff(lam) > 1e-8))


@formula("gdl.shift-invariant-filter", reference="eigenvalue multiplicities (Σ m_λ², distinct count); least squares")
def check_shift_invariant_filter(polynomials_are_all=non_derogatory) -> CheckResult:
    rng = np.random.default_rng(24)
    dims, claim_ok = {}, True
    for name, G in _graphs().items():
        A = nx_adjacency(G)
        lam = np.round(np.linalg.eigvalsh(A.numpy()), 8)
        mult = np.unique(lam, return_counts=True)[1]
        com, poly = gcn.commutant_dimension(A), gcn.polynomial_dimension(A)
        dims[name] = (com, poly, int((mult**2).sum()), len(mult))
        claim_ok &= polynomials_are_all(A) == (com == poly)
    A = nx_adjacency(nx.erdos_renyi_graph(8, 0.4, seed=5))
    H = gcn.matrix_polynomial(A, f64(rng.normal(size=8)))
    K5 = nx_adjacency(nx.complete_graph(5))
    U = np.linalg.eigh(K5.numpy())[1]
    B = np.zeros((5, 5))
    B[:4, :4] = rng.normal(size=(4, 4))                        # arbitrary inside the eigenspace of −1
    H2 = f64(U @ B @ U.T)
    powers = np.stack([np.linalg.matrix_power(K5.numpy(), k).ravel() for k in range(5)], 1)
    coef = np.linalg.lstsq(powers, H2.numpy().ravel(), rcond=None)[0]
    resid = np.linalg.norm(powers @ coef - H2.numpy().ravel())
    return all_of(holds(all(d[0] == d[2] and d[1] == d[3] for d in dims.values()),
                        "commutant = Σ m_λ², polynomial span = #distinct λ: " + ", ".join(f"{k} {d[0]} vs {d[1]}" for k, d in dims.items()),
                        f"dimensions wrong: {dims}"),
                  holds(float((H @ A - A @ H).abs().max()) <= 1e-9, "a random polynomial in A commutes with A",
                        "a polynomial in A does not commute with A"),
                  holds(float((H2 @ K5 - K5 @ H2).abs().max()) <= 1e-12 and resid > 1e-2,
                        "K5: a filter commutes with A but is no polynomial in A (least-squares residual > 0)",
                        "no commuting non-polynomial filter found on K5"),
                  holds(claim_ok, "commuting ⇒ polynomial exactly where all eigenvalues are distinct (here only P5)",
                        "the claimed 'iff' disagrees with the dimensions on " + ", ".join(
                            k for k, d in dims.items() if polynomials_are_all(nx_adjacency(_graphs()[k])) != (d[0] == d[1]))))


@erratum("ch04-08:ERR-36", wrong=r"HA=AH\iff H=\theta_0I+\theta_1A+\dots+\theta_nA^n",
         right=r"H=\textstyle\sum_k\theta_kA^k\Rightarrow HA=AH;\ \text{the converse iff }A\text{ is non-derogatory}",
         why="On graphs with symmetric structure (repeated eigenvalues, e.g. K5) there are many more shift-invariant "
             "filters than polynomials: 17 dimensions against 2, so polynomial filters are a real restriction there.")
def seed_shift_invariant_iff() -> CheckResult:
    return check_shift_invariant_filter(polynomials_are_all=lambda A: True)
