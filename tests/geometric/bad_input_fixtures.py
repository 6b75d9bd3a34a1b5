"""Valid calls of chapter 7's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``geometric_fixtures()``) is merged into ``FIXTURES`` of
``tests/core/bad_input_fixtures.py``, which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""


def ident(z):
    return z


def row_sums(z):
    return z.sum(-1, keepdim=True)


def set_sum(s):
    return s.sum(0)


def square_rows(s):
    return s**2


def add_update(X, m):
    return X + m


def graph_identity(X, A):
    return A @ X


def low_pass(lam):
    return 1.0 / (1.0 + lam)


def geometric_fixtures() -> dict:
    import torch

    from tests.core.bad_input import a

    sy, gr, gc, sp, ex = ("edl.geometric." + m for m in ("symmetry", "graphs", "gcn", "spectral", "experiments"))
    P3 = [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]            # the path on 3 nodes
    L3 = [[1.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 1.0]]
    A3 = a(P3, "binary")
    X3 = a([[1.0, 0.5], [2.0, -1.0], [0.0, 1.0]], "real")
    XN = a([[1.0, 0.5], [2.0, -1.0], [0.0, 1.0]], "real", ok="mismatch-last")  # any number of features
    S3 = a([[0.5, 0.5, 0.0], [0.5, 0.25, 0.25], [0.0, 0.25, 0.75]], "real")
    Lsym = a(L3, "real")
    U2 = [[2 ** -0.5, 2 ** -0.5], [2 ** -0.5, -2 ** -0.5]]
    return {
        # --- symmetry ---
        f"{sy}.permutation_matrix": dict(perm=a([1, 2, 0], "count"), dtype=torch.float64, device=torch.device("cpu")),
        f"{sy}.compose": dict(sigma=a([1, 2, 0], "count", ok="mismatch"), tau=a([1, 0, 2], "count", ok="mismatch")),
        f"{sy}.group_axioms": dict(table=a([[0, 1], [1, 0]], "count")),
        f"{sy}.act": dict(perm=a([1, 2, 0], "count", ok="mismatch"), X=a([1.0, 2.0, 3.0], "real", ok="ndim+1 mismatch")),
        f"{sy}.invariance_gap": dict(f=set_sum, x=a([1.0, 2.0, 4.0], "real", ok="ndim+1 mismatch"),
                                     perms=a([[2, 0, 1]], "count", ok="mismatch-first")),
        f"{sy}.equivariance_gap": dict(f=square_rows, x=a([1.0, 2.0, 4.0], "real", ok="ndim+1 mismatch"),
                                       perms=a([[2, 0, 1]], "count", ok="mismatch-first")),
        f"{sy}.pool": dict(x=a([1.0, 2.0, 2.0], "real", ok="ndim+1"), mode="sum"),
        f"{sy}.deep_sets": dict(x=a([1.0, 1.0, 2.0], "real", ok="ndim+1"), phi=ident, rho=ident, aggregate="sum"),
        f"{sy}.equivariant_set_layer": dict(x=a([1.0, 2.0, 3.0], "real", ok="ndim+1"), phi=ident, rho=row_sums),
        # --- graphs ---
        f"{gr}.adjacency_matrix": dict(num_nodes=3, edges=a([(0, 1), (1, 2)], "count", ok="empty"),
                                       dtype=torch.float64, device=torch.device("cpu")),
        f"{gr}.degrees": dict(A=A3),
        f"{gr}.relabel": dict(X=XN, A=A3, perm=a([2, 0, 1], "count")),
        f"{gr}.graph_readout": dict(X=X3, A_bar=S3, W=a([[1.0, -1.0], [0.5, 0.0]], "real", ok="mismatch-last")),
        f"{gr}.equivariance_error": dict(f=graph_identity, X=XN, A=A3, perm=a([2, 0, 1], "count")),
        f"{gr}.neighbourhood_multiset": dict(X=XN, A=A3, m=a(1, "int", above_M=3)),
        f"{gr}.edge_index": dict(A=A3),
        f"{gr}.aggregate": dict(messages=a([[1.0], [2.0], [4.0]], "real", ok="mismatch-last"),
                                edges=a([[1, 2, 0], [0, 0, 1]], "count", ok="mismatch-last", above_M=[[1, 2, 3], [0, 0, 1]]),
                                num_nodes=3, mode="mean"),
        f"{gr}.message_passing": dict(X=XN, A=A3, psi=ident, phi=add_update, mode="sum"),
        f"{gr}.attention_coefficients": dict(X=X3, A=A3, V=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                             u=a([0.5, -0.5], "real"), negative_slope=a(0.2, "nonneg")),
        f"{gr}.gat_layer": dict(X=X3, A=A3, V=a([[1.0, 0.0]], "real", ok="mismatch-first"), u=a([0.5, -0.5], "real"),
                                W=a([[1.0], [0.5]], "real", ok="mismatch-last"), activation=torch.tanh),
        f"{gr}.wl_colours": dict(A=A3, iterations=a(2, "int")),
        f"{gr}.wl_distinguishes": dict(A1=A3, A2=a([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], "binary"),
                                       iterations=a(2, "int")),
        f"{gr}.to_networkx": dict(A=A3),
        # --- gcn ---
        f"{gc}.normalized_adjacency": dict(A=A3),
        f"{gc}.propagation_operator": dict(A=A3, renormalised=False),
        f"{gc}.propagation_growth": dict(S=S3, x=a([1.0, 2.0, 1.0], "real", zero_vector=[0.0, 0.0, 0.0]), steps=a(2, "int")),
        f"{gc}.gcn_layer": dict(X=X3, A_bar=S3, W=a([[1.0, -1.0], [0.5, 0.0]], "real", ok="mismatch-last"), activation=torch.tanh),
        f"{gc}.gcn_two_layer": dict(X=X3, A=A3, W0=a([[1.0, -1.0], [0.5, 0.0]], "real", ok="mismatch-last"),
                                    W1=a([[1.0], [0.5]], "real", ok="mismatch-last")),
        f"{gc}.cycle_adjacency": dict(M=4, dtype=torch.float64, device=torch.device("cpu")),
        f"{gc}.matrix_polynomial": dict(S=a(P3, "real"), theta=a([1.0, 2.0], "real", ok="mismatch"),
                                        x=a([1.0, 0.0, 0.0], "real", ok="ndim+1")),
        f"{gc}.commutant_dimension": dict(S=a(P3, "real"), tol=1e-9),
        f"{gc}.polynomial_dimension": dict(S=a(P3, "real"), tol=1e-9),
        # --- spectral ---
        f"{sp}.grid_laplace": dict(f=a([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], "real"), h=0.5),
        f"{sp}.graph_laplacian": dict(A=A3),
        f"{sp}.dirichlet_energy": dict(A=A3, x=a([1.0, 3.0, 0.0], "real")),
        f"{sp}.laplacian_spectrum": dict(A=A3, normalized=True),
        f"{sp}.count_components": dict(A=A3, tol=1e-9),
        f"{sp}.normalized_laplacian": dict(A=A3),
        f"{sp}.fourier_basis": dict(L=Lsym),
        f"{sp}.gft": dict(x=a([1.0, 2.0], "real"), U=a(U2, "real")),
        f"{sp}.inverse_gft": dict(x_hat=a([1.0, 2.0], "real"), U=a(U2, "real")),
        f"{sp}.spectral_convolution": dict(x=a([1.0, 2.0], "real"), y=a([0.5, -1.0], "real"), U=a(U2, "real")),
        f"{sp}.spectral_filter": dict(L=Lsym, x=a([1.0, 0.0, 2.0], "real", ok="ndim+1"), g=low_pass),
        f"{sp}.heat_kernel": dict(L=Lsym, t=a(0.5, "nonneg")),
        f"{sp}.spectral_polynomial": dict(L=Lsym, alpha=a([1.0, 0.5], "real", ok="mismatch")),
        f"{sp}.poly_layer": dict(X=a([[1.0], [0.0], [2.0]], "real", ok="mismatch-first"), L=Lsym,
                                 alpha=a([[[0.0, 1.0]]], "real", ok="mismatch-last"), b=a([0.5], "real")),
        f"{sp}.poly_layer_params": dict(c_in=3, c_out=4, K=a(2, "int")),
        f"{sp}.apply_polynomial": dict(L=Lsym, alpha=a([1.0, 1.0], "real", ok="mismatch"), x=a([1.0, 0.0, 0.0], "real", ok="ndim+1")),
        # --- experiments ---
        f"{ex}.karate_club": dict(dtype=torch.float64, device=torch.device("cpu")),
        f"{ex}.train_node_classifier": dict(A=A3, X=XN, y=a([0.0, 1.0, 1.0], "binary"), train_nodes=a([0, 2], "sizes", ok="zero"),
                                            graph=True, hidden=2, epochs=2, lr=0.1, seed=a(0, "int")),
        f"{ex}.DeepSetsNet": dict(width=2, seed=a(0, "int")),
        f"{ex}.make_sets": dict(n=2, size=3, seed=a(0, "int")),
        f"{ex}.train_set_models": dict(size=3, steps=2, n_train=4, seed=a(0, "int")),
    }


FIXTURES = geometric_fixtures()
