"""Tests of edl.geometric.gcn: normalised adjacency, propagation, GCN layers, shift-invariant filters."""

import math

import networkx as nx
import pytest
import torch

from edl.geometric import gcn

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
PATH3 = T([[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_normalized_adjacency_entries():
    A_bar = gcn.normalized_adjacency(PATH3)
    s = 1 / math.sqrt(6)
    torch.testing.assert_close(A_bar, T([[0.5, s, 0], [s, 1 / 3, s], [0, s, 0.5]]), atol=1e-15, rtol=0)
    assert gcn.normalized_adjacency(T([[0.0]])).tolist() == [[1.0]]


def test_propagation_operator_both_ways():
    first = gcn.propagation_operator(PATH3, renormalised=False)
    s = 1 / math.sqrt(2)
    torch.testing.assert_close(first, T([[1, s, 0], [s, 1, s], [0, s, 1]]), atol=1e-15, rtol=0)
    assert torch.equal(gcn.propagation_operator(PATH3), gcn.normalized_adjacency(PATH3))
    with pytest.raises(ValueError, match="isolated"):
        gcn.propagation_operator(T([[0, 0], [0, 0]]), renormalised=False)
    with pytest.raises(ValueError, match="renormalised must be True or False"):
        gcn.propagation_operator(PATH3, renormalised="yes")
    lam = torch.linalg.eigvalsh(first)
    assert lam.max().item() == pytest.approx(2.0, abs=1e-14) and lam.min().item() == pytest.approx(0.0, abs=1e-14)


def test_propagation_growth_values():
    g = gcn.propagation_growth(T([[2.0, 0.0], [0.0, 0.5]]), T([0.0, 3.0]), 2)
    assert g.tolist() == [1.0, 0.5, 0.25]
    assert gcn.propagation_growth(T([[2.0, 0.0], [0.0, 0.5]]), T([1.0, 0.0]), 0).tolist() == [1.0]
    with pytest.raises(ValueError, match="zero vector"):
        gcn.propagation_growth(T([[1.0]]), T([0.0]), 2)


def test_gcn_layer_default_tanh_and_shapes():
    out = gcn.gcn_layer(T([[1.0], [0.0]]), T([[0.5, 0.5], [0.5, 0.5]]), T([[2.0, -2.0]]))
    torch.testing.assert_close(out, torch.tanh(T([[1.0, -1.0], [1.0, -1.0]])), atol=1e-15, rtol=0)
    with pytest.raises(ValueError, match="not the M nodes"):
        gcn.gcn_layer(T([[1.0], [0.0]]), T([[0.5, 0.5], [0.5, 0.5]]), T([[2.0], [1.0]]))


def test_gcn_two_layer_value():
    Y = gcn.gcn_two_layer(T([[1.0], [-1.0], [0.0]]), PATH3, T([[1.0, -1.0]]), T([[1.0, 0.0], [0.0, 1.0]]))
    A_bar = gcn.normalized_adjacency(PATH3)
    H = torch.relu(A_bar @ T([[1.0], [-1.0], [0.0]]) @ T([[1.0, -1.0]]))
    torch.testing.assert_close(Y, torch.softmax(A_bar @ H, 1), atol=1e-15, rtol=0)
    with pytest.raises(ValueError, match="W1 must have shape"):
        gcn.gcn_two_layer(T([[1.0], [-1.0], [0.0]]), PATH3, T([[1.0, -1.0]]), T([[1.0, 0.0]]))
    with pytest.raises(ValueError, match="W0 must have shape"):
        gcn.gcn_two_layer(T([[1.0], [-1.0], [0.0]]), PATH3, T([[1.0], [2.0]]), T([[1.0, 0.0]]))


def test_cycle_adjacency_is_networkx_cycle():
    for M in (3, 4, 9):
        assert torch.equal(gcn.cycle_adjacency(M), T(nx.to_numpy_array(nx.cycle_graph(M))))
    with pytest.raises(ValueError, match="M must be at least 3"):
        gcn.cycle_adjacency(2)


def test_matrix_polynomial_matrix_and_signal():
    S = T([[0.0, 1.0], [1.0, 0.0]])
    assert gcn.matrix_polynomial(S, T([2.0])).tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert gcn.matrix_polynomial(S, T([0.0, 0.0, 0.0, 1.0]), T([1.0, 0.0])).tolist() == [0.0, 1.0]
    assert gcn.matrix_polynomial(S, T([1.0, 1.0]), T([[1.0, 2.0], [3.0, 4.0]])).tolist() == [[4.0, 6.0], [4.0, 6.0]]
    with pytest.raises(ValueError, match="x must have shape"):
        gcn.matrix_polynomial(S, T([1.0]), T([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("graph, commutant, polynomial", [
    (nx.path_graph(4), 4, 4), (nx.complete_graph(5), 17, 2), (nx.cycle_graph(6), 10, 4), (nx.empty_graph(3), 9, 1),
    (nx.star_graph(3), 6, 3)])
def test_commutant_and_polynomial_dimensions(graph, commutant, polynomial):
    A = T(nx.to_numpy_array(graph))
    assert gcn.commutant_dimension(A) == commutant
    assert gcn.polynomial_dimension(A) == polynomial


def test_dimensions_with_a_large_spectrum_scale():
    A = 1000.0 * T(nx.to_numpy_array(nx.path_graph(5)))
    assert gcn.polynomial_dimension(A) == 5 and gcn.commutant_dimension(A) == 5
    assert gcn.polynomial_dimension(T([[1e-8, 0.0], [0.0, 0.0]])) == 2
