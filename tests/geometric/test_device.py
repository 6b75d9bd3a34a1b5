"""Dtype and device follow the input: float32 stays float32, and on a GPU (where one is present) every routine
agrees with its CPU result."""

import networkx as nx
import pytest
import torch

from edl.geometric import gcn, graphs, spectral, symmetry

A64 = torch.tensor(nx.to_numpy_array(nx.erdos_renyi_graph(10, 0.4, seed=2)), dtype=torch.float64)
X64 = torch.randn(10, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
W64 = torch.randn(3, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
PERM = [3, 0, 1, 2, 9, 8, 7, 6, 5, 4]

ROUTINES = {
    "normalized_adjacency": lambda A, X, W: gcn.normalized_adjacency(A),
    "gcn_layer": lambda A, X, W: gcn.gcn_layer(X, gcn.normalized_adjacency(A), W),
    "gcn_two_layer": lambda A, X, W: gcn.gcn_two_layer(X, A, W, W.T),
    "aggregate max": lambda A, X, W: graphs.aggregate(X, graphs.edge_index(A), A.shape[0], "max"),
    "message_passing mean": lambda A, X, W: graphs.message_passing(X, A, mode="mean"),
    "attention": lambda A, X, W: graphs.gat_layer(X, A, W.T, torch.ones(4, dtype=X.dtype, device=X.device), W),
    "relabel": lambda A, X, W: graphs.relabel(X, A, PERM)[1],
    "act": lambda A, X, W: symmetry.act(PERM, X),
    "laplacian": lambda A, X, W: spectral.graph_laplacian(A),
    "normalized_laplacian": lambda A, X, W: spectral.normalized_laplacian(A),
    "heat_kernel": lambda A, X, W: spectral.heat_kernel(spectral.graph_laplacian(A), 0.3),
    "poly_layer": lambda A, X, W: spectral.poly_layer(X, spectral.graph_laplacian(A), torch.ones(2, 3, 3, dtype=X.dtype,
                                                                                                  device=X.device) / 10,
                                                      torch.zeros(2, dtype=X.dtype, device=X.device)),
    "propagation_growth": lambda A, X, W: gcn.propagation_growth(gcn.normalized_adjacency(A), X[:, 0], 3),
}


@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_float32_input_gives_float32_output(name):
    out = ROUTINES[name](A64.float(), X64.float(), W64.float())
    assert out.dtype == torch.float32
    torch.testing.assert_close(out.double(), ROUTINES[name](A64, X64, W64), atol=1e-5, rtol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
@pytest.mark.parametrize("name", sorted(ROUTINES))
def test_cuda_agrees_with_cpu(name):
    cuda = torch.device("cuda")
    out = ROUTINES[name](A64.to(cuda), X64.to(cuda), W64.to(cuda))
    assert out.device.type == "cuda"
    torch.testing.assert_close(out.cpu(), ROUTINES[name](A64, X64, W64), atol=1e-10, rtol=1e-10)
