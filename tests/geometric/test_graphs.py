"""Tests of edl.geometric.graphs against networkx and hand-computed values."""

from collections import Counter

import networkx as nx
import pytest
import torch

from edl.geometric import graphs as gr

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
PATH3 = T([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
STAR = T([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]])


def test_adjacency_matrix_and_degrees():
    A = gr.adjacency_matrix(4, [(0, 1), (1, 0), (2, 3)])
    assert A.tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
    assert gr.adjacency_matrix(2, []).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert gr.degrees(STAR).tolist() == [3.0, 1.0, 1.0, 1.0]
    assert gr.adjacency_matrix(3, [(0, 2)], dtype=torch.float32).dtype == torch.float32
    for bad, msg in [([(0, 0)], "distinct"), ([(0, 3)], "join nodes"), ([(0, 1.5)], "join nodes"), ([[0, 1, 2]], "node pairs"),
                     ("ab", "node pairs"), ([(0, "x")], "node pairs")]:
        with pytest.raises(ValueError, match=msg):
            gr.adjacency_matrix(3, bad)


def test_adjacency_validation_names_the_defect():
    with pytest.raises(ValueError, match="symmetric"):
        gr.degrees(T([[0, 1], [0, 0]]))
    with pytest.raises(ValueError, match="zero diagonal"):
        gr.degrees(T([[1, 0], [0, 0]]))
    with pytest.raises(ValueError, match="only 0 and 1"):
        gr.degrees(T([[0, 2], [2, 0]]))
    with pytest.raises(ValueError, match="square"):
        gr.degrees(T([[0, 1, 0], [1, 0, 0]]))


def test_relabel_matches_networkx():
    G = nx.erdos_renyi_graph(7, 0.5, seed=3)
    A = T(nx.to_numpy_array(G))
    perm = [3, 0, 6, 1, 5, 2, 4]
    X = torch.arange(14, dtype=torch.float64).reshape(7, 2)
    X2, A2 = gr.relabel(X, A, perm)
    H = nx.relabel_nodes(G, dict(enumerate(perm)))
    assert torch.equal(A2, T(nx.to_numpy_array(H, nodelist=range(7))))
    assert X2[3].tolist() == [0.0, 1.0] and X2[4].tolist() == [12.0, 13.0]


def test_graph_readout_value_and_shape_checks():
    out = gr.graph_readout(T([[1.0], [0.0]]), T([[1.0, 0.0], [0.0, 1.0]]), T([[2.0]]))
    assert out.tolist() == [pytest.approx(float(torch.tanh(T(2.0))), abs=1e-15)]
    with pytest.raises(ValueError, match="W must have shape"):
        gr.graph_readout(T([[1.0], [0.0]]), T([[1.0, 0.0], [0.0, 1.0]]), T([[2.0], [1.0]]))
    with pytest.raises(ValueError, match="A_bar must be symmetric"):
        gr.graph_readout(T([[1.0], [0.0]]), T([[1.0, 1.0], [0.0, 1.0]]), T([[2.0]]))


def test_equivariance_error_left_side():
    X = T([[1.0], [2.0], [3.0]])
    assert gr.equivariance_error(lambda X_, A_: A_ @ X_, X, PATH3, [1, 2, 0]) == 0.0
    assert gr.equivariance_error(lambda X_, A_: X_[[0, 0, 0]], X, PATH3, [1, 2, 0]) == 2.0
    with pytest.raises(ValueError, match="one row per node"):
        gr.equivariance_error(lambda X_, A_: X_.sum(), X, PATH3, [1, 2, 0])


def test_neighbourhood_multiset_counts_repeats():
    X = T([[5.0], [1.0], [1.0], [2.0]])
    assert gr.neighbourhood_multiset(X, STAR, 0) == Counter({(1.0,): 2, (2.0,): 1})
    assert gr.neighbourhood_multiset(X, STAR, 3) == Counter({(5.0,): 1})
    assert gr.neighbourhood_multiset(T([[1.0], [2.0]]), T([[0, 0], [0, 0]]), 0) == Counter()
    with pytest.raises(ValueError, match="m must be a node"):
        gr.neighbourhood_multiset(X, STAR, 4)


def test_edge_index_and_aggregate_modes():
    assert gr.edge_index(PATH3).tolist() == [[1, 0, 2, 1], [0, 1, 1, 2]]
    H = T([[1.0, 10.0], [2.0, 20.0], [4.0, -40.0], [8.0, 0.0]])
    E = gr.edge_index(STAR)
    assert gr.aggregate(H, E, 4).tolist() == [[14.0, -20.0], [1.0, 10.0], [1.0, 10.0], [1.0, 10.0]]
    assert gr.aggregate(H, E, 4, "mean")[0].tolist() == [pytest.approx(14 / 3), pytest.approx(-20 / 3)]
    assert gr.aggregate(H, E, 4, "max").tolist() == [[8.0, 20.0], [1.0, 10.0], [1.0, 10.0], [1.0, 10.0]]
    isolated = gr.aggregate(T([[1.0], [2.0], [3.0]]), [[0], [1]], 3, "mean")
    assert isolated.flatten().tolist() == [0.0, 1.0, 0.0]
    assert gr.aggregate(T([[1.0], [-2.0], [3.0]]), [[1], [0]], 3, "max").flatten().tolist() == [-2.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="edges must hold node indices"):
        gr.aggregate(H, [[0, 5], [1, 1]], 4)
    with pytest.raises(ValueError, match=r"edges must be a \(2, E\)"):
        gr.aggregate(H, [0, 1], 4)


def test_message_passing_with_update():
    X = T([[1.0], [2.0], [4.0]])
    out = gr.message_passing(X, PATH3, psi=lambda Z: 10 * Z, phi=lambda Z, m: Z + m, mode="mean")
    assert out.flatten().tolist() == [21.0, 27.0, 24.0]
    assert gr.message_passing(X, PATH3).flatten().tolist() == [2.0, 5.0, 2.0]
    with pytest.raises(ValueError, match="psi must return one row per node"):
        gr.message_passing(X, PATH3, psi=lambda Z: Z.sum(0))


def test_attention_rows_and_layer():
    X = T([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    Q = gr.attention_coefficients(X, PATH3, T([[1.0, -1.0]]), T([0.5, 2.0]))
    assert Q[0, 2].item() == 0.0 and Q[2, 0].item() == 0.0
    torch.testing.assert_close(Q.sum(1), torch.ones(3, dtype=torch.float64), atol=1e-15, rtol=0)
    # row 0: scores over {0, 1}: u1·z0 + u2·z_j with z = (1, -1, 0): 0.5 + 2 = 2.5 and 0.5 − 2 = −1.5 → LeakyReLU −0.3
    assert Q[0, 0].item() == pytest.approx(1 / (1 + torch.exp(T(-2.8)).item()), abs=1e-15)
    Q0 = gr.attention_coefficients(X, PATH3, T([[1.0, -1.0]]), T([0.5, 2.0]), negative_slope=0.0)
    assert Q0[0, 0].item() == pytest.approx(1 / (1 + torch.exp(T(-2.5)).item()), abs=1e-15)
    Y = gr.gat_layer(X, PATH3, T([[0.0, 0.0]]), T([0.0, 0.0]), T([[1.0], [1.0]]), activation=lambda z: z)
    assert Y.flatten().tolist() == [pytest.approx(1.0), pytest.approx(4 / 3), pytest.approx(1.5)]
    with pytest.raises(ValueError, match="u must have shape"):
        gr.attention_coefficients(X, PATH3, T([[1.0, -1.0]]), T([0.5, 2.0, 1.0]))


def test_wl_colours_and_verdicts():
    hist = gr.wl_colours(STAR, 2)
    assert [sorted(h.values()) for h in hist] == [[4], [1, 3], [1, 3]]
    assert len(gr.wl_colours(STAR, 0)) == 1
    C6 = T(nx.to_numpy_array(nx.cycle_graph(6)))
    two = T(nx.to_numpy_array(nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))))
    assert not gr.wl_distinguishes(C6, two, 5)
    P4 = T(nx.to_numpy_array(nx.path_graph(4)))
    assert gr.wl_distinguishes(P4, STAR, 1) and not gr.wl_distinguishes(P4, STAR, 0)
    assert gr.wl_distinguishes(PATH3, STAR)
    assert sorted(gr.to_networkx(STAR).edges()) == [(0, 1), (0, 2), (0, 3)]
