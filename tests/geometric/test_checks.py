"""Each chapter 7 check passes on the library and fails on a plausible wrong version of its formula."""

import pytest
import torch

from edl.core.ledger import registry
from edl.geometric import gcn, graphs, spectral, symmetry
from edl.geometric.checks import gcn as cg
from edl.geometric.checks import graphs as cgr
from edl.geometric.checks import spectral as csp
from edl.geometric.checks import symmetry as csy


def test_every_gdl_check_passes_and_every_erratum_fails():
    ids = [i for i in registry.formula_entries() if i.startswith("gdl.")]
    assert len(ids) == 31
    for i in ids:
        assert registry.formula_entries()[i].check().passed, i
    keys = [k for k, e in registry.errata_entries().items() if e.id.startswith("gdl.")]
    assert sorted(keys) == ["ch04-08:ERR-34", "ch04-08:ERR-35", "ch04-08:ERR-36"]
    for k in keys:
        assert not registry.errata_entries()[k].run_on_seed().passed, k


WRONG = {
    "group axioms that call everything associative": lambda: csy.check_group_axioms(
        axioms=lambda t: {**symmetry.group_axioms(t), "associative": True}),
    "permutation matrix transposed": lambda: csy.check_group_axioms(matrix=lambda p: symmetry.permutation_matrix(p).T),
    "an invariance gap that never looks": lambda: csy.check_invariance(gap=lambda f, x, perms: 0.0),
    "an equivariance gap that never looks": lambda: csy.check_equivariance(gap=lambda f, x, perms: 0.0),
    "pooling in float32": lambda: csy.check_sum_invariance(pool=lambda x, mode="sum": symmetry.pool(x.float(), mode).double()),
    "deep sets with a mean": lambda: csy.check_deep_sets(model=lambda x, phi, rho, aggregate="sum": rho(phi(x[:, None]).mean(0))),
    "deep sets max as a sum": lambda: csy.check_deep_sets_max(model=lambda x, phi, rho, aggregate="sum": symmetry.deep_sets(x, phi, rho)),
    "set layer without the element": lambda: csy.check_equivariant_set_layer(
        layer=lambda x, phi, rho: symmetry.equivariant_set_layer(x, phi, lambda z: rho(torch.cat([0 * z[:, :2], z[:, 2:]], 1)))),
    "readout of node 0": lambda: cgr.check_graph_invariance(readout=lambda X, A, W: torch.tanh(A @ X @ W)[0]),
    "message passing with self messages": lambda: cgr.check_message_passing(
        layer=lambda X, A, psi=None, phi=None, mode="sum": graphs.message_passing(
            X, A, lambda Z: psi(Z), lambda Z, m: (phi(Z, m) if phi else m) + 0 * Z[:, :1] + (psi(Z) if phi is None else 0), mode)),
    "growth of the first power only": lambda: cg.check_norm_adj_spectrum(
        growth=lambda S, x, n: gcn.propagation_growth(S, x, 1).repeat(n + 1)[: n + 1]),
    "two-layer GCN with three propagations": lambda: cg.check_gcn_two_layer(
        model=lambda X, A, W0, W1: torch.softmax(gcn.normalized_adjacency(A) @ torch.log(gcn.gcn_two_layer(X, A, W0, W1)), 1)),
    "Laplace operator divided by h": lambda: csp.check_laplace_operator(laplace=lambda f, h: spectral.grid_laplace(f, h) * h),
    "Laplace operator with the wrong sign": lambda: csp.check_laplace_operator(laplace=lambda f, h: -spectral.grid_laplace(f, h)),
    "energy counting each edge twice": lambda: csp.check_laplacian_psd(energy=lambda A, x: 2 * spectral.dirichlet_energy(A, x)),
    "spectral product without the basis change": lambda: csp.check_graph_convolution(conv=lambda x, y, U: U @ (x * y)),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_fails_on_a_wrong_formula(name):
    assert not WRONG[name]().passed


def test_checks_fail_when_the_library_is_wrong(monkeypatch):
    monkeypatch.setattr(gcn, "normalized_adjacency", lambda A: graphs.degrees(A)[:, None] ** 0 * (A + torch.eye(A.shape[0], dtype=A.dtype)) / 3)
    assert not cg.check_normalized_adjacency().passed
    monkeypatch.undo()
    lap = spectral.graph_laplacian
    monkeypatch.setattr(spectral, "normalized_laplacian", lambda A: lap(A) / 2)
    assert not csp.check_normalized_laplacian().passed
    monkeypatch.undo()
    poly = gcn.polynomial_dimension
    monkeypatch.setattr(gcn, "commutant_dimension", lambda S, tol=1e-9: poly(S, tol))
    assert not cg.check_shift_invariant_filter().passed
    monkeypatch.undo()
    filt = spectral.spectral_filter
    monkeypatch.setattr(spectral, "heat_kernel", lambda L, t: filt(
        L, torch.eye(L.shape[0], dtype=L.dtype), lambda lam: torch.exp(-t * lam / 2)))
    assert not csp.check_spectral_filter().passed
    monkeypatch.undo()
    real_wl = graphs.wl_colours
    monkeypatch.setattr(graphs, "wl_colours", lambda A, iterations=3: real_wl(A, 0))
    assert not cgr.check_wl_test().passed
    monkeypatch.undo()
    monkeypatch.setattr(spectral, "poly_layer_params", lambda ci, co, K: K * ci * co + co)
    assert not csp.check_poly_layer().passed
