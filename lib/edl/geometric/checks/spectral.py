"""Checks of ``edl.geometric.spectral`` (book labels ``gdl.laplace-operator`` … ``gdl.poly-layer``).

Independent routes: sympy (the continuous Laplacian), a five-point stencil by ``numpy.roll``, networkx
(``laplacian_matrix``, ``normalized_laplacian_matrix``, ``number_connected_components``, shortest paths),
closed-form cycle spectra and the complex DFT (``numpy.fft``), ``scipy.linalg.expm``, explicit loops over
channels and powers (``numpy.linalg.matrix_power``).
"""

import networkx as nx
import numpy as np
import scipy.linalg
import sympy
import torch

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import formula
from edl.geometric import gcn
from edl.geometric import spectral as sp
from edl.geometric.checks.graphs import er_graph, nx_adjacency
from edl.geometric.symmetry import permutation_matrix


def _sin_grid(n):
    h = 2 * np.pi / n
    t = np.arange(n) * h
    return np.sin(t)[:, None] * np.sin(t)[None, :], h


@formula("gdl.laplace-operator", reference="sympy Δ(sin x sin y); five-point stencil (numpy.roll); error ∝ h²")
def check_laplace_operator(laplace=sp.grid_laplace) -> CheckResult:
    x, y = sympy.symbols("x y")
    g = sympy.sin(x) * sympy.sin(y)
    exact = sympy.simplify(sympy.diff(g, x, 2) + sympy.diff(g, y, 2) + 2 * g) == 0      # Δg = −2g
    errors = {}
    for n in (32, 64):
        f, h = _sin_grid(n)
        got = laplace(f64(f), h).numpy()
        errors[n] = np.abs(got + 2 * f).max() / np.abs(2 * f).max()
    f, h = _sin_grid(16)
    stencil = (np.roll(f, 1, 0) + np.roll(f, -1, 0) + np.roll(f, 1, 1) + np.roll(f, -1, 1) - 4 * f) / h**2
    ratio = errors[32] / errors[64]
    return all_of(holds(exact, "sympy: Δ(sin x sin y) = −2 sin x sin y", "sympy disagrees with Δ(sin x sin y) = −2 sin x sin y"),
                  check_close(laplace(f64(f), h), stencil, atol=1e-10, what="−Lf/h² vs the five-point stencil, 16×16"),
                  holds(errors[64] < 1e-2, f"64×64 grid: relative error {errors[64]:.2e} < 1e-2",
                        f"64×64 grid: relative error {errors[64]:.3g}"),
                  holds(3.9 < ratio < 4.1, f"halving h divides the error by {ratio:.3f} ≈ 4: second order",
                        f"halving h divides the error by {ratio:.3g}, not 4"))


@formula("gdl.graph-laplacian", reference="networkx.laplacian_matrix; the neighbour loop Σ a_nm (x_n − x_m)")
def check_graph_laplacian() -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(30)
    L = sp.graph_laplacian(nx_adjacency(G))
    x = rng.normal(size=12)
    loop = [sum(x[n] - x[m] for m in G[n]) for n in range(12)]
    return all_of(holds(np.array_equal(L.numpy(), nx.laplacian_matrix(G, nodelist=range(12)).toarray()),
                        "L = D − A equals networkx.laplacian_matrix exactly", "L differs from networkx"),
                  check_close(L @ f64(x), loop, atol=1e-12, what="Lx vs the neighbour loop"),
                  holds(bool((L @ torch.ones(12, dtype=torch.float64) == 0).all()), "L1 = 0 exactly", "L1 ≠ 0"))


@formula("gdl.laplacian-psd", reference="xᵀLx with networkx.laplacian_matrix; equality cases x = 1 and eigenvectors")
def check_laplacian_psd(energy=sp.dirichlet_energy) -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(31)
    A = nx_adjacency(G)
    Lnx = nx.laplacian_matrix(G, nodelist=range(12)).toarray().astype(float)
    xs = rng.normal(size=(20, 12))
    ours = [float(energy(A, f64(x))) for x in xs]
    quad = [float(x @ Lnx @ x) for x in xs]
    lam, U = np.linalg.eigh(Lnx)
    on_modes = [float(energy(A, f64(U[:, k]))) for k in range(12)]
    return all_of(check_close(ours, quad, atol=1e-10, what="Σ_edges (x_u − x_v)² vs xᵀLx, 20 random x"),
                  holds(lam.min() > -1e-10, "eigvalsh(L) > −1e-10: positive semidefinite", f"negative eigenvalue {lam.min():.3g}"),
                  holds(float(energy(A, torch.ones(12, dtype=torch.float64))) == 0.0, "equality: energy of x = 1 is exactly 0",
                        "a constant signal has positive energy"),
                  check_close(on_modes, lam, atol=1e-12, what="energy of eigenvector u_k vs λ_k"))


@formula("gdl.laplacian-spectrum", reference="networkx.number_connected_components; cycle closed form; K_M, C8 tight")
def check_laplacian_spectrum() -> CheckResult:
    G = er_graph()
    A = nx_adjacency(G)
    lam = sp.laplacian_spectrum(A).numpy()
    dmax = max(d for _, d in G.degree())
    union = nx.disjoint_union_all([er_graph(), nx.cycle_graph(5), nx.path_graph(4)])
    H = nx.Graph(union)
    H.remove_edges_from(list(nx.bridges(H))[:1])
    graphs = {"ER ⊔ C5 ⊔ P4": union, "with a bridge cut": H, "ER": G}
    comps = {k: (sp.count_components(nx_adjacency(g)), nx.number_connected_components(g)) for k, g in graphs.items()}
    cyc = sp.laplacian_spectrum(gcn.cycle_adjacency(8)).numpy()
    closed = np.sort(2 - 2 * np.cos(2 * np.pi * np.arange(8) / 8))
    k6 = sp.laplacian_spectrum(nx_adjacency(nx.complete_graph(6))).numpy()
    return all_of(holds(abs(lam[0]) < 1e-12 and lam.max() <= min(2 * dmax, 12),
                        f"ER(12, 0.3): λ₁ = 0, λ_max = {lam.max():.2f} ≤ min(2d_max, M) = {min(2 * dmax, 12)}",
                        f"spectrum [{lam[0]:.3g}, {lam.max():.3g}] vs bound {min(2 * dmax, 12)}"),
                  holds(all(a == b for a, b in comps.values()), "zero eigenvalues = components: " + ", ".join(
                      f"{k} {a}" for k, (a, _) in comps.items()), f"component counts differ: {comps}"),
                  check_close(cyc, closed, atol=1e-12, what="C8 spectrum vs 2 − 2cos(2πk/8)"),
                  holds(abs(k6.max() - 6) < 1e-12 and abs(cyc.max() - 4) < 1e-12,
                        "tight: K6 reaches M = 6, C8 reaches 2d_max = 4", f"K6 top {k6.max():.6g}, C8 top {cyc.max():.6g}"))


@formula("gdl.normalized-laplacian", reference="networkx.normalized_laplacian_matrix; bipartite C8 reaches 2, C7 not")
def check_normalized_laplacian() -> CheckResult:
    G = er_graph()
    L = sp.normalized_laplacian(nx_adjacency(G))
    ref = nx.normalized_laplacian_matrix(G, nodelist=range(12)).toarray()
    lam = sp.laplacian_spectrum(nx_adjacency(G), normalized=True).numpy()
    D = torch.diag(nx_adjacency(G).sum(1) ** -0.5)
    c8 = sp.laplacian_spectrum(gcn.cycle_adjacency(8), normalized=True).numpy()
    c7 = sp.laplacian_spectrum(gcn.cycle_adjacency(7), normalized=True).numpy()
    return all_of(check_close(L, ref, atol=1e-12, what="L̄ vs networkx"),
                  check_close(L, D @ sp.graph_laplacian(nx_adjacency(G)) @ D, atol=1e-12, what="L̄ vs D^{-1/2}(D − A)D^{-1/2}"),
                  holds(lam.min() > -1e-12 and lam.max() < 2 - 1e-3, f"ER: spectrum in [0, {lam.max():.2f}], below 2 (not bipartite)",
                        f"ER spectrum [{lam.min():.3g}, {lam.max():.3g}]"),
                  holds(abs(c8.max() - 2) < 1e-12 and c7.max() < 2 - 1e-3,
                        f"bipartite C8 reaches 2 exactly; odd C7 stops at {c7.max():.4f}", f"C8 top {c8.max():.6g}, C7 top {c7.max():.6g}"))


@formula("gdl.gft", reference="U from torch eigh vs Parseval, u_kᵀLu_k = λ_k; the complex DFT vectors on the cycle")
def check_gft() -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(32)
    L = sp.graph_laplacian(nx_adjacency(G))
    lam, U = sp.fourier_basis(L)
    x = f64(rng.normal(size=12))
    x_hat = sp.gft(x, U)
    N = 8
    Lc = sp.graph_laplacian(gcn.cycle_adjacency(N)).numpy()
    F = np.exp(2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N)             # columns: DFT vectors
    mu = 2 - 2 * np.cos(2 * np.pi * np.arange(N) / N)
    return all_of(check_close(U.T @ U, torch.eye(12, dtype=torch.float64), atol=1e-12, what="UᵀU vs I"),
                  check_close(sp.inverse_gft(x_hat, U), x, atol=1e-12, what="U(Uᵀx) vs x"),
                  check_close(x_hat.norm(), x.norm(), atol=1e-12, what="‖x̂‖ vs ‖x‖ (Parseval)"),
                  check_close(torch.einsum("ik,ij,jk->k", U, L, U), lam, atol=1e-12, what="u_kᵀLu_k vs λ_k"),
                  check_close(np.abs(Lc @ F - F * mu), np.zeros((N, N)), atol=1e-12,
                              what="C8: L e^{2πijk/N} vs (2 − 2cos 2πk/N) e^{2πijk/N}"))


@formula("gdl.graph-convolution", reference="numpy.fft circular convolution on C8 with the unitary DFT eigenbasis")
def check_graph_convolution(conv=sp.spectral_convolution) -> CheckResult:
    rng = np.random.default_rng(33)
    L = sp.graph_laplacian(nx_adjacency(er_graph()))
    U = sp.fourier_basis(L)[1]
    x, y = f64(rng.normal(size=12)), f64(rng.normal(size=12))
    N = 8
    Fh = torch.as_tensor(np.exp(2j * np.pi * np.outer(np.arange(N), np.arange(N)) / N) / np.sqrt(N))   # U = F^H/√N
    a, b = rng.normal(size=N), rng.normal(size=N)
    circ = np.fft.ifft(np.fft.fft(a) * np.fft.fft(b)) / np.sqrt(N)
    return all_of(check_close(conv(x, y, U), conv(y, x, U), atol=1e-12, what="x *_G y vs y *_G x"),
                  check_close(conv(x, y, U), U @ ((U.T @ x) * (U.T @ y)), atol=1e-12, what="vs U((Uᵀx)⊙(Uᵀy))"),
                  check_close(np.abs(conv(torch.as_tensor(a + 0j), torch.as_tensor(b + 0j), Fh).numpy() - circ), np.zeros(N),
                              atol=1e-12, what="C8, DFT basis: x *_G y vs ifft(fft x · fft y)/√N"))


@formula("gdl.spectral-filter", reference="scipy.linalg.expm(−tL); Dirichlet energy decreasing in t")
def check_spectral_filter() -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(34)
    A = nx_adjacency(G)
    L = sp.graph_laplacian(A)
    x = f64(rng.normal(size=12))
    ts = [0.0, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
    energies = [float(sp.dirichlet_energy(A, sp.heat_kernel(L, t) @ x)) for t in ts]
    return all_of(check_close(sp.heat_kernel(L, 0.7), scipy.linalg.expm(-0.7 * L.numpy()), atol=1e-10, what="Ue^{−tΛ}Uᵀ vs expm(−tL)"),
                  check_close(sp.spectral_filter(L, x, lambda lam: torch.exp(-0.7 * lam)),
                              scipy.linalg.expm(-0.7 * L.numpy()) @ x.numpy(), atol=1e-10, what="filtered signal vs expm(−tL)x"),
                  check_close(sp.heat_kernel(L, 0.0), torch.eye(12, dtype=torch.float64), atol=1e-12, what="t = 0: the identity"),
                  holds(all(a > b for a, b in zip(energies, energies[1:])),
                        f"energy xᵀLx falls with t: {energies[0]:.1f} → {energies[-1]:.3f} over t = 0..2",
                        f"energy not decreasing: {np.round(energies, 3).tolist()}"))


@formula("gdl.polynomial-kernel", reference="relative error of both sides; locality vs networkx shortest paths")
def check_polynomial_kernel() -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(35)
    L = sp.graph_laplacian(nx_adjacency(G))
    alpha = f64(rng.normal(size=4))
    spec, direct = sp.spectral_polynomial(L, alpha), gcn.matrix_polynomial(L, alpha)
    rel = float((spec - direct).norm() / direct.norm())
    x = f64(rng.normal(size=12))
    path = nx.path_graph(9)
    Lp = sp.graph_laplacian(nx_adjacency(path)).numpy()
    dist = dict(nx.all_pairs_shortest_path_length(path))
    L3 = np.linalg.matrix_power(Lp, 3)
    bad = sum(1 for i in range(9) for j in range(9) if dist[i][j] > 3 and L3[i, j] != 0)
    edge = all(L3[i, j] != 0 for i in range(9) for j in range(9) if dist[i][j] == 3)
    delta = sp.apply_polynomial(f64(Lp), f64([0, 0, 0, 1.0]), f64(np.eye(9)[4]))
    support = sorted(np.nonzero(delta.numpy())[0].tolist())
    return all_of(holds(rel < 1e-12, "U(Σα_kΛ^k)Uᵀ = Σα_kL^k, K = 3: relative error < 1e-12", f"relative error {rel:.3g}"),
                  check_close(sp.apply_polynomial(L, alpha, x), direct @ x, atol=1e-9, what="three sparse-able products vs the matrix"),
                  holds(bad == 0 and edge, "P9: (L³)_ij = 0 beyond 3 hops, ≠ 0 at exactly 3 hops (networkx distances)",
                        f"{bad} entries beyond 3 hops are non-zero, or one at 3 hops vanishes"),
                  holds(support == list(range(1, 8)), "L³δ₄ is supported on nodes 1..7, the 3-hop ball", f"support {support}"))


@formula("gdl.poly-layer", reference="explicit loop over channels and powers (numpy.matrix_power); PLPᵀ equivariance")
def check_poly_layer() -> CheckResult:
    G, rng = er_graph(), np.random.default_rng(36)
    L = sp.graph_laplacian(nx_adjacency(G))
    X, alpha, b = f64(rng.normal(size=(12, 3))), f64(rng.normal(size=(2, 3, 3)) * 0.1), f64(rng.normal(size=2))
    Ln = L.numpy()
    loop = np.stack([sum(alpha[i, j, k].item() * np.linalg.matrix_power(Ln, k) @ X[:, j].numpy()
                         for j in range(3) for k in range(3)) + b[i].item() for i in range(2)], 1)
    perm = [(j + 7) % 12 for j in range(12)]
    P = permutation_matrix(perm)
    eq = float((sp.poly_layer(P @ X, P @ L @ P.T, alpha, b) - P @ sp.poly_layer(X, L, alpha, b)).abs().max())
    counts = [(ci, co, K, sp.poly_layer_params(ci, co, K), torch.zeros(co, ci, K + 1).numel() + co)
              for ci, co, K in ((3, 2, 2), (16, 32, 5), (1, 1, 0))]
    return all_of(check_close(sp.poly_layer(X, L, alpha, b), loop, atol=1e-10, what="layer vs the loop over i, j, k"),
                  holds(eq <= 1e-10, "f(PX, PLPᵀ) = P f(X, L) (1e-10)", f"equivariance gap {eq:.3g}"),
                  holds(all(c[3] == c[4] for c in counts), "(K+1)C_in C_out + C_out = entries of α and b, e.g. 3104 for 16→32, K = 5",
                        f"parameter counts differ: {counts}"))
