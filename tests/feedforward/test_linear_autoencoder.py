"""Tests of edl.feedforward.linear_autoencoder and the linae.* checks (edl.feedforward.checks.linear_autoencoder)."""

import numpy as np
import pytest
import scipy.linalg
import torch

from edl.feedforward import linear_autoencoder as ae
from edl.core.ledger import catalogue, errata_entries, formula_entries

IDS = sorted(i for i in catalogue.formulas() if i.startswith("linae."))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("linae."))
F64 = torch.float64


def test_every_linae_formula_and_erratum_is_registered():
    assert len(IDS) == 5 and set(IDS) <= set(formula_entries())
    assert set(ERRATA) == {"ch01-03:E25", "ch01-03:E26", "ch01-03:E27", "ch01-03:E28"} <= set(errata_entries())


def _data(d=5, n=60, seed=0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(d, n, generator=g, dtype=F64) * torch.linspace(2.0, 0.5, d, dtype=F64)[:, None]
    return X - X.mean(1, keepdim=True)


def test_gradients_match_autograd_batched():
    X = _data()
    g = torch.Generator().manual_seed(1)
    C, D = torch.randn(3, 2, 5, generator=g, dtype=F64), torch.randn(3, 5, 2, generator=g, dtype=F64)
    gC, gD = ae.ae_gradients(C, D, X)
    Cp, Dp = C.clone().requires_grad_(True), D.clone().requires_grad_(True)
    (0.5 * ae.ae_loss(Cp, Dp, X).sum()).backward()
    torch.testing.assert_close(gC, Cp.grad)
    torch.testing.assert_close(gD, Dp.grad)


def test_training_recovers_principal_subspace():
    X = _data()
    C, D = ae.train_linear_ae(X, 2, lr=0.1, steps=1500, inits=4, generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(ae.ae_loss(C, D, X), ae.pca_optimal_loss(X, 2).expand(4), rtol=1e-8, atol=0)
    U = torch.linalg.svd(X).U[:, :2]
    angles = ae.principal_angles(D, U.expand(4, 5, 2))
    assert float(angles.max()) < 1e-6


def test_principal_angles_match_scipy():
    rng = np.random.default_rng(3)
    A, B = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    np.testing.assert_allclose(ae.principal_angles(torch.as_tensor(A), torch.as_tensor(B)).numpy(),
                               np.sort(scipy.linalg.subspace_angles(A, B)), atol=1e-10)


def test_eckart_young_and_als_agree():
    X = _data(6, 9, seed=4)
    Xr, err = ae.eckart_young(X, 2)
    assert int(torch.linalg.matrix_rank(Xr)) == 2
    assert float(err) == pytest.approx(float(torch.linalg.norm(X - ae.als_low_rank(X, 2))), rel=1e-8)
    assert float(err) ** 2 == pytest.approx(float(ae.pca_optimal_loss(X, 2)))


def test_landscape_slice_has_a_bump_and_saddles_are_critical():
    X = _data()
    C, D = ae.saddle_point(X, 2, [0, 1])
    t = torch.tensor([0.0, 0.5, 1.0], dtype=F64)
    ends_mid = ae.landscape_slice(C, D, X, t)
    assert float(ends_mid[1]) > float(ends_mid[0]) == pytest.approx(float(ends_mid[2]))
    Cs, Ds = ae.saddle_point(X, 2, [0, 3])
    gC, gD = ae.ae_gradients(Cs, Ds, X)
    assert float(gC.abs().max()) < 1e-9 and float(gD.abs().max()) < 1e-9


def test_whitening_and_decoupling():
    X = ae.whiten(_data(4, 50))
    torch.testing.assert_close(X @ X.T / 50, torch.eye(4, dtype=F64))
    g = torch.Generator().manual_seed(5)
    Dt, Ct, S = torch.randn(3, 2, generator=g, dtype=F64), torch.randn(2, 4, generator=g, dtype=F64), torch.tensor([3.0, 2.0, 1.0], dtype=F64)
    Sigma = torch.zeros(3, 4, dtype=F64)
    Sigma[range(3), range(3)] = S
    coop, comp = ae.decoupled_loss(Dt, Ct, S)
    assert float(coop + comp) == pytest.approx(float(((Dt @ Ct - Sigma) ** 2).sum() / 2))
    gC, gD = ae.whitened_gradients(Dt, Ct, Sigma)
    assert gC.shape == Ct.shape and gD.shape == Dt.shape


@pytest.mark.parametrize("call, name", [
    (lambda: ae.ae_loss(torch.ones(1, 3), torch.ones(3, 1), torch.ones(3)), "X"),
    (lambda: ae.train_linear_ae(torch.ones(3, 4), 0), "k"),
    (lambda: ae.train_linear_ae(torch.ones(3, 4), 1, lr=-1.0), "lr"),
    (lambda: ae.eckart_young(torch.ones(3, 3), -1), "r"),
    (lambda: ae.saddle_point(torch.eye(3), 2, [0]), "indices"),
    (lambda: ae.ae_loss([[float("nan")]], [[1.0]], [[1.0]]), "C"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
