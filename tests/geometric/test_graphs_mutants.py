"""Edge cases of edl.geometric.graphs that the behaviour tests leave open: exact messages, the float32 dtype of
the graph kept for list inputs, smallest sizes, edge lists read in float64, and the WL defaults."""

from collections import Counter

import pytest
import torch

from edl.geometric import graphs as gr

P3 = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]   # the path 0 - 1 - 2
X3 = [[1.0], [2.0], [4.0]]


def _a32():
    return torch.tensor(P3, dtype=torch.float32)


def _union(parts):
    """Adjacency of a disjoint union of paths ("P", n) and cycles ("C", n)."""
    edges, o = [], 0
    for kind, n in parts:
        ring = n if kind == "C" else n - 1
        edges += [(o + i, o + (i + 1) % n) for i in range(ring)]
        o += n
    return gr.adjacency_matrix(o, edges)


def test_adjacency_matrix_defaults_sizes_and_messages():
    """float64 by default, the dtype asked for otherwise; one node and an empty set of edges are valid graphs."""
    assert gr.adjacency_matrix(2, [(0, 1)]).dtype == torch.float64
    assert gr.adjacency_matrix(2, [(0, 1)], dtype=torch.float32).dtype == torch.float32
    assert torch.equal(gr.adjacency_matrix(1, []), torch.zeros(1, 1, dtype=torch.float64))
    assert torch.equal(gr.adjacency_matrix(2, set()), torch.zeros(2, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nonexistent'$"):
        gr.adjacency_matrix(2, [(0, 1)], device="nonexistent")


def test_edge_list_messages():
    """Bad edge lists are refused with messages echoing them; 1 + 1e-9 is not a node although float32 rounds it."""
    with pytest.raises(ValueError, match=r"^edges must be a list of node pairs, got ''$"):
        gr.adjacency_matrix(3, "")
    with pytest.raises(ValueError, match=r"^edges must be a list of node pairs, got 'ab'$"):
        gr.adjacency_matrix(3, "ab")
    with pytest.raises(ValueError, match=r"^edges must be a list of node pairs, got \[\(0, 'a'\)\]$"):
        gr.adjacency_matrix(3, [(0, "a")])
    with pytest.raises(ValueError, match=r"^edges must be a list of node pairs, got \[0, 1\]$"):
        gr.adjacency_matrix(3, [0, 1])
    with pytest.raises(ValueError, match=r"^edges must join nodes 0\.\.2, got \[\(0, 1\.000000001\)\]$"):
        gr.adjacency_matrix(3, [(0, 1.0 + 1e-9)])
    with pytest.raises(ValueError, match=r"^edges must join distinct nodes \(no self-loops\), got \[\(1, 1\)\]$"):
        gr.adjacency_matrix(3, [(1, 1)])


def test_float32_graph_kept_with_list_inputs():
    """List features, weights and permutations take the float32 dtype of the graph in every function."""
    A = _a32()
    X2, A2 = gr.relabel(X3, A, [2, 0, 1])
    assert X2.dtype == torch.float32 and X2.flatten().tolist() == [2.0, 4.0, 1.0]
    out = gr.graph_readout(X3, A / 2, [[1.0, -1.0]])
    assert out.dtype == torch.float32
    torch.testing.assert_close(out.double(), gr.graph_readout(X3, torch.tensor(P3) / 2, [[1.0, -1.0]]).double(),
                               atol=1e-6, rtol=0)
    assert gr.equivariance_error(lambda X, A: A @ X, X3, A, [1, 2, 0]) == 0.0
    assert gr.message_passing(X3, A).dtype == torch.float32
    Q = gr.attention_coefficients(X3, A, [[1.0]], [0.5, -0.5])
    assert Q.dtype == torch.float32
    torch.testing.assert_close(Q.sum(1), torch.ones(3), atol=1e-6, rtol=0)
    assert gr.gat_layer(X3, A, [[1.0]], [0.5, -0.5], [[2.0]]).dtype == torch.float32
    # float32 rounds 0.1 and 0.2; the multiset holds the float32 features
    ms = gr.neighbourhood_multiset([[0.1], [0.2], [0.3]], A, 0)
    assert ms == Counter({(float(torch.tensor(0.2, dtype=torch.float32)),): 1})


def test_shape_messages_name_the_matching_argument():
    """Mismatched sizes are refused with messages naming the argument the size comes from."""
    A = torch.tensor(P3, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^perm must permute 3 elements, got 2: \[1, 0\]$"):
        gr.relabel(X3, A, [1, 0])
    with pytest.raises(ValueError, match=r"^perm must permute 3 elements, got 2: \[1, 0\]$"):
        gr.equivariance_error(lambda X, A: A @ X, X3, A, [1, 0])
    with pytest.raises(ValueError, match=r"^X must have shape \(2, any\) to match A_bar, got shape \(3, 1\)$"):
        gr.graph_readout(X3, [[0.5, 0.5], [0.5, 0.5]], [[1.0]])
    with pytest.raises(ValueError, match=r"^m must be a node of the graph \(0\.\.2\), got 3$"):
        gr.neighbourhood_multiset(X3, A, 3)
    with pytest.raises(ValueError, match=r"^u must have shape \(2,\) to match V, got shape \(3,\)$"):
        gr.attention_coefficients(X3, A, [[1.0]], [0.5, -0.5, 1.0])
    with pytest.raises(ValueError, match=r"^W must have shape \(1, any\) to match X, got shape \(2, 1\)$"):
        gr.gat_layer(X3, A, [[1.0]], [0.5, -0.5], [[2.0], [1.0]])


def test_callable_output_messages():
    """Non-finite or malformed outputs of f, psi and phi are refused with messages naming the callable."""
    A = torch.tensor(P3, dtype=torch.float64)
    nan = float("nan")
    with pytest.raises(ValueError, match=r"^f must return finite values, got "):
        gr.equivariance_error(lambda X, A: X * nan, X3, A, [1, 2, 0])
    calls = []

    def f(X, A):
        calls.append(1)
        return A @ X if len(calls) == 1 else A @ X * nan
    with pytest.raises(ValueError, match=r"^f must return finite values, got "):
        gr.equivariance_error(f, X3, A, [1, 2, 0])
    assert len(calls) == 2
    with pytest.raises(ValueError, match=r"^psi must return finite values, got "):
        gr.message_passing(X3, A, psi=lambda X: X * nan)
    with pytest.raises(ValueError, match=r"^phi must return finite values, got "):
        gr.message_passing(X3, A, phi=lambda X, m: m * nan)
    X32 = [[1.0, 0.0], [2.0, 1.0], [4.0, 0.5]]   # 3 nodes, 2 features: the message names the nodes
    with pytest.raises(ValueError, match=r"^psi must return one row per node \(3\), got shape \(2, 1\)$"):
        gr.message_passing(X32, A, psi=lambda X: X[:2, :1])


def test_aggregate_sizes_and_messages():
    """One node is valid; bad sizes and edge arrays are refused with messages echoing them."""
    torch.testing.assert_close(gr.aggregate([[1.5]], torch.zeros(2, 0, dtype=torch.long), 1),
                               torch.zeros(1, 1, dtype=torch.float64), atol=0, rtol=0)
    with pytest.raises(ValueError, match=r"^num_nodes must be at least 1, got 0$"):
        gr.aggregate([[1.0]], [[0], [0]], 0)
    with pytest.raises(ValueError, match=r"^messages must have shape \(3, any\) to match num_nodes, "
                                         r"got shape \(2, 1\)$"):
        gr.aggregate([[1.0], [2.0]], [[0], [1]], 3)
    # float edge arrays holding whole numbers are valid
    torch.testing.assert_close(gr.aggregate(X3, [[1.0, 2.0], [0.0, 0.0]], 3),
                               torch.tensor([[6.0], [0.0], [0.0]], dtype=torch.float64), atol=0, rtol=0)
    with pytest.raises(ValueError, match=r"^edges must be a \(2, E\) array of node indices, got \[0, 1\]$"):
        gr.aggregate(X3, [0, 1], 3)
    with pytest.raises(ValueError, match=r"^edges must be a \(2, E\) array of node indices, got \[\[0, 'a'\]\]$"):
        gr.aggregate(X3, [[0, "a"]], 3)
    with pytest.raises(ValueError, match=r"^edges must be a \(2, E\) array of node indices, got tensor"):
        gr.aggregate(X3, torch.tensor([[True], [False]]), 3)
    with pytest.raises(ValueError, match=r"^edges must be a \(2, E\) array of node indices, got tensor"):
        gr.aggregate(X3, torch.tensor([[1 + 0j], [0j]]), 3)
    with pytest.raises(ValueError, match=r"^edges must hold node indices 0\.\.2, "
                                         r"got \[\[0\.5, 1\.0\], \[1\.0, 0\.0\]\]$"):
        gr.aggregate(X3, [[0.5, 1.0], [1.0, 0.0]], 3)
    with pytest.raises(ValueError, match=r"^edges must hold node indices 0\.\.2, got \[\[0, 3\], \[1, 0\]\]$"):
        gr.aggregate(X3, [[0, 3], [1, 0]], 3)


def test_wl_defaults_and_colour_names():
    """Three rounds by default (P6+C4 and P7+C3 first differ in round 4); colours start at "0", then 16 hex digits."""
    A1, A2 = _union([("P", 6), ("C", 4)]), _union([("P", 7), ("C", 3)])
    assert not gr.wl_distinguishes(A1, A2) and gr.wl_distinguishes(A1, A2, 4)
    assert not gr.wl_distinguishes(A1, A2, 3)
    h = gr.wl_colours(P3)
    assert len(h) == 4 and h[0] == Counter({"0": 3})
    assert len(gr.wl_colours(P3, 1)) == 2
    assert sorted(h[1].values()) == [1, 2]
    assert all(len(name) == 16 and int(name, 16) >= 0 for name in h[1])
    with pytest.raises(ValueError, match=r"^iterations must be at least 0, got -1$"):
        gr.wl_distinguishes([[0.0, 1.0], [1.0, 0.0]], P3, iterations=-1)
