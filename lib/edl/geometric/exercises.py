"""Exercises of chapter 7 (invariance, graph neural networks, spectral graph theory); each reference is an
independent route (networkx, NumPy ranks, entrywise loops, the explorer's own data)."""

import networkx as nx
import numpy as np

from edl.core.exercises import exercise


@exercise("ch07.ex.dirichlet-energy", function="dirichlet_energy", kind="implement",
          title="The roughness of a graph signal",
          cases=[([(0, 1), (1, 2)], [1.0, 3.0, 0.0]), ([(0, 1), (1, 2), (2, 0)], [0.5, -0.5, 2.0]),
                 ([(0, 3), (1, 3), (2, 3)], [1.0, 1.0, 1.0, 1.0]),               # a constant signal: 0
                 ([], [4.0, -2.0])],                                            # no edges: 0
          atol=1e-12, rtol=1e-12,
          hint="one term (x_u − x_v)² per undirected edge; an edge list names each edge once")
def _dirichlet_energy(edges, x):
    # Independent route: xᵀLx with networkx's Laplacian.
    G = nx.Graph()
    G.add_nodes_from(range(len(x)))
    G.add_edges_from(edges)
    x = np.asarray(x, dtype=float)
    return float(x @ nx.laplacian_matrix(G, nodelist=range(len(x))).toarray() @ x)


@exercise("ch07.ex.mean-aggregation", function="mean_aggregate", kind="implement",
          title="Mean aggregation, one node at a time",
          cases=[([(0, 1), (1, 2)], [[1.0], [2.0], [4.0]]),
                 ([(0, 1), (0, 2), (0, 3)], [[1.0, 0.0], [2.0, 1.0], [3.0, 2.0], [6.0, 3.0]]),
                 ([(0, 1)], [[1.0], [5.0], [7.0]])],                            # node 2 has no neighbour: 0
          atol=1e-12, rtol=1e-12,
          hint="for each node m, average the feature rows of its neighbours; a node without neighbours gets zeros")
def _mean_aggregate(edges, X):
    # Independent route: the dense product D⁻¹AX, with A from networkx.
    X = np.asarray(X, dtype=float)
    G = nx.Graph()
    G.add_nodes_from(range(len(X)))
    G.add_edges_from(edges)
    A = nx.to_numpy_array(G, nodelist=range(len(X)))
    return (A @ X) / np.maximum(A.sum(1), 1)[:, None]


@exercise("ch07.ex.complete-graph-commutant", function="commutant_dimension_complete", kind="derive",
          title="How many filters commute with the complete graph?",
          tight=[(1,), (2,)],              # A = 0 (every filter a polynomial: 1 = 1); K2: two distinct eigenvalues
          cases=[(3,), (4,), (5,), (7,)], atol=0, rtol=0,
          hint="the eigenvalues of A(K_M) are M − 1 (once) and −1 (M − 1 times); a matrix commutes with a symmetric A "
               "iff it maps each eigenspace into itself")
def _commutant_dimension_complete(M):
    # Independent route: M² − rank(I ⊗ A − Aᵀ ⊗ I) in NumPy.
    A = np.ones((M, M)) - np.eye(M)
    K = np.kron(np.eye(M), A) - np.kron(A.T, np.eye(M))
    return int(M * M - np.linalg.matrix_rank(K))


WL_OUTCOMES = {
    "a": "1-WL tells the two graphs apart (different colour counts)",
    "b": "1-WL gives both graphs the same colour counts (the test is inconclusive)",
}
WL_PAIRS = {
    "C6 vs C3+C3": (nx.cycle_graph(6), nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))),
    "P4 vs K1,3": (nx.path_graph(4), nx.star_graph(3)),
    "C8 vs C4+C4": (nx.cycle_graph(8), nx.disjoint_union(nx.cycle_graph(4), nx.cycle_graph(4))),
    "K3,3 vs prism": (nx.complete_bipartite_graph(3, 3), nx.circular_ladder_graph(3)),
    "C5 vs P5": (nx.cycle_graph(5), nx.path_graph(5)),
    "K4 vs C4": (nx.complete_graph(4), nx.cycle_graph(4)),
}


@exercise("ch07.ex.wl-predict", function="wl_separates", kind="predict", title="Which pairs can 1-WL tell apart?",
          choices=WL_OUTCOMES, cases=[(k,) for k in WL_PAIRS],
          hint="a node's WL colour only ever records its degree, its neighbours' degrees, and so on: regular graphs "
               "with the same degree look alike everywhere",
          explanation="Every node of a d-regular graph starts with the same colour and has d neighbours of that "
                      "colour, "
                      "so refinement never splits anything: C6, C3+C3, C8, C4+C4, K3,3 and the prism are all regular "
                      "(degree 2, 2, 2, 2, 3, 3), and each pair has equal sizes (b). P4/K1,3, C5/P5 and K4/C4 differ "
                      "already in their degree counts (a). A message-passing GNN inherits exactly this blindness.")
def _wl_separates(pair):
    # Independent route: networkx's Weisfeiler–Lehman hashes.
    import warnings
    g1, g2 = WL_PAIRS[pair]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        same = nx.weisfeiler_lehman_graph_hash(g1, iterations=4) == nx.weisfeiler_lehman_graph_hash(g2, iterations=4)
    return "b" if same else "a"


SIDE_OUTCOMES = {
    "a": "‖f(X,A) − P f(PX, PAPᵀ)‖ is zero (to rounding) for this permutation",
    "b": "‖f(X,A) − P f(PX, PAPᵀ)‖ is clearly non-zero for this permutation",
}
SIDE_PERMS = {"identity": [0, 1, 2, 3, 4, 5], "swap of nodes 0 and 1": [1, 0, 2, 3, 4, 5],
              "3-cycle 0→1→2→0": [1, 2, 0, 3, 4, 5], "reversal j → 5 − j": [5, 4, 3, 2, 1, 0],
              "6-cycle j → j + 1": [1, 2, 3, 4, 5, 0]}


@exercise("ch07.ex.permutation-side", function="wrong_side_vanishes", kind="predict",
          title="When does the wrong-sided identity hold?", choices=SIDE_OUTCOMES, cases=[(k,) for k in SIDE_PERMS],
          hint="a correct layer satisfies f(PX, PAPᵀ) = P f(X, A); substitute that into the wrong-sided expression",
          explanation="For an equivariant f, P f(PX, PAPᵀ) = P² f(X, A), so the wrong-sided identity asks for "
                      "P² = I: it "
                      "holds for the identity and for involutions (a swap, the reversal), and fails for a 3-cycle or "
                      "a 6-cycle. A test written with P on the wrong side passes on some relabellings and rejects "
                      "correct layers on others.")
def _wrong_side_vanishes(kind):
    # Independent route: a random GCN layer built from networkx's path graph, evaluated directly.
    perm = SIDE_PERMS[kind]
    A = nx.to_numpy_array(nx.path_graph(6))
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(6, 3)), rng.normal(size=(3, 2))
    P = np.zeros((6, 6))
    P[perm, range(6)] = 1

    def f(X_, A_):
        At = A_ + np.eye(6)
        s = 1 / np.sqrt(At.sum(1))
        return np.tanh(s[:, None] * At * s[None, :] @ X_ @ W)
    gap = np.abs(f(X, A) - P @ f(P @ X, P @ A @ P.T)).max()
    return "a" if gap < 1e-12 else "b"


RENORMALISATION_BUGGY = '''\
def renormalised_adjacency(A):
    "Ā = D̃^(-1/2) (A + I) D̃^(-1/2) for an adjacency matrix A given as a nested list."
    A = np.asarray(A, dtype=float)
    d = A.sum(1)                                   # the degrees
    s = 1 / np.sqrt(d)
    return s[:, None] * (A + np.eye(len(A))) * s[None, :]
'''


@exercise("ch07.ex.renormalisation-debug", function="renormalised_adjacency", kind="debug",
          title="A renormalisation that still amplifies", buggy=RENORMALISATION_BUGGY,
          cases=[([[0, 1], [1, 0]],), ([[0, 1, 0], [1, 0, 1], [0, 1, 0]],),
                 ([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]],),
                 ([[0, 1, 1], [1, 0, 1], [1, 1, 0]],)],
          atol=1e-12, rtol=1e-12,
          hint="which degree belongs to the graph with self-loops? Compare the top eigenvalue with 1",
          explanation="The self-loop adds one to every degree: D̃ = D + I. Normalising A + I by the plain degrees "
                      "gives "
                      "a matrix whose top eigenvalue exceeds 1 (on a d-regular graph it is (d + 1)/d, 2 for a single "
                      "edge), so repeated propagation still amplifies: the bug removes exactly what the trick is for.")
def _renormalised_adjacency(A):
    # Independent route: the entrywise formula (a_ij + δ_ij)/√((1 + d_i)(1 + d_j)) with networkx degrees.
    G = nx.from_numpy_array(np.asarray(A, dtype=float))
    n = len(A)
    return np.array([[(float(A[i][j]) + (i == j)) / np.sqrt((1 + G.degree(i)) * (1 + G.degree(j))) for j in range(n)]
                     for i in range(n)])


@exercise("ch07.ex.propagation-gain", function="gain_at", kind="explore",
          title="Reading the amplification off the explorer",
          explorer="edl.geometric.figures.spectral.propagation_explorer",
          cases=[(2,), (6,), (12,), (20,), (0,)], atol=0, rtol=5e-3,
          hint="the middle panel's title prints the gain of the first-order operator after k steps")
def _gain_at(k):
    from edl.geometric.figures.spectral import propagation_data   # the explorer's own data
    return float(propagation_data(k)["first"][k])
