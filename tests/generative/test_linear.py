"""Unit tests of edl.generative.linear: exact values, shapes, edge cases and refusals."""

import numpy as np
import pytest
import torch

from edl.core.checking import f64
from edl.generative import linear as li
from edl.generative.checks import linear as ch


def test_lae_loss_exact_and_per_example_mean():
    X = f64([[1.0, 2.0], [3.0, 4.0]])
    assert float(li.lae_loss([[1.0, 0.0]], [[1.0], [0.0]], X)) == pytest.approx((9 + 16) / 4, abs=1e-15)
    assert float(li.lae_loss([[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], X)) == 0.0


def test_lae_gradients_match_autograd_and_have_parameter_shapes():
    rng = np.random.default_rng(0)
    X, C, D = f64(rng.normal(size=(4, 7))), f64(rng.normal(size=(2, 4))), f64(rng.normal(size=(4, 2)))
    Ca, Da = C.clone().requires_grad_(), D.clone().requires_grad_()
    li.lae_loss(Ca, Da, X).backward()
    gC, gD = li.lae_gradients(C, D, X)
    assert gC.shape == C.shape and gD.shape == D.shape
    assert torch.allclose(gC, Ca.grad, atol=1e-12) and torch.allclose(gD, Da.grad, atol=1e-12)


def test_truncated_svd_and_eckart_young():
    X = f64(np.diag([3.0, 2.0, 1.0]))
    assert li.truncated_svd(X, 2).tolist() == [[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]
    assert float(li.eckart_young_error(X, 1)) == pytest.approx(np.sqrt(5.0), abs=1e-14)
    assert float(li.eckart_young_error(X, 0)) == pytest.approx(np.sqrt(14.0), abs=1e-14)
    assert float(li.eckart_young_error(X, 3)) == 0.0
    assert float(li.truncated_svd(X, 0).abs().sum()) == 0.0
    with pytest.raises(ValueError, match="r must be at most"):
        li.truncated_svd(X, 4)
    with pytest.raises(ValueError, match="r must be at most"):
        li.eckart_young_error(X, 4)


def test_optimum_is_the_top_projector_and_critical_points():
    X = f64(np.diag([3.0, 2.0, 1.0]))
    C, D = li.lae_optimum(X, 2)
    assert torch.allclose((D @ C).abs(), f64(np.diag([1.0, 1.0, 0.0])), atol=1e-14)
    assert C.shape == (2, 3) and D.shape == (3, 2)
    Ci, Di = li.lae_critical_point(X, [0, 2])
    assert torch.allclose((Di @ Ci).abs(), f64(np.diag([1.0, 0.0, 1.0])), atol=1e-14)
    with pytest.raises(ValueError, match="m must be at most"):
        li.lae_optimum(X, 4)
    with pytest.raises(ValueError, match="index"):
        li.lae_critical_point(X, [0, 0])
    with pytest.raises(ValueError, match="index"):
        li.lae_critical_point(X, [3])


def test_whitened_target_and_mode_decomposition():
    assert li.whitened_target([[2.0, 0.0]], [[1.0, 1.0], [1.0, -1.0]]).tolist() == [[1.0, 1.0]]
    coop, comp = li.mode_decomposition([[1.0], [0.0]], [[2.0, 1.0]], [3.0, 1.0])
    assert (float(coop), float(comp)) == (1.0, 0.5)
    rng = np.random.default_rng(1)
    Dt, Ct, s = rng.normal(size=(3, 2)), rng.normal(size=(2, 4)), np.array([3.0, 2.0, 0.5])
    Sig = np.zeros((3, 4))
    Sig[:3, :3] = np.diag(s)
    coop, comp = li.mode_decomposition(f64(Dt), f64(Ct), f64(s))
    assert float(coop + comp) == pytest.approx(0.5 * np.sum((Dt @ Ct - Sig) ** 2), rel=1e-13)
    assert float(coop) == pytest.approx(0.5 * np.sum((np.diag(Dt @ Ct)[:3] - s) ** 2), rel=1e-13)
    with pytest.raises(ValueError, match="sigma"):
        li.mode_decomposition(f64(Dt), f64(Ct), [3.0, -2.0, 0.5])


def test_deep_linear_gradients():
    gC, gD = li.deep_linear_gradients([[1.0, 0.0]], [[2.0]], [[1.0, 1.0]])
    assert gC.tolist() == [[2.0, -2.0]] and gD.tolist() == [[1.0]]


def test_the_checks_fail_on_wrong_formulas():
    assert not ch.check_model(loss=lambda C, D, X: 2 * li.lae_loss(C, D, X)).passed
    assert not ch.check_gradients(grads=lambda C, D, X: tuple(2 * g for g in li.lae_gradients(C, D, X))).passed
    assert not ch.check_optimal_solution(optimum=lambda X, m: li.lae_critical_point(X, list(range(1, m + 1)))).passed
    assert not ch.check_landscape(critical=lambda X, idx: li.lae_critical_point(X, [0, 1, 3])).passed
    assert not ch.check_svd_diagonalization(grads=lambda C, D, G: (2 * D.T @ (D @ C - G), (D @ C - G) @ C.T)).passed
