"""Unit tests of ``edl.tricks.weight_decay``."""

import math

import pytest
import torch

from edl.tricks import weight_decay as wd

f64 = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731


def test_penalty_and_gradient_exact():
    assert float(wd.l2_penalty([1.0, 2.0, 2.0], 0.5)) == 2.25
    assert float(wd.l2_penalty([1.0, 2.0], 0.0)) == 0.0
    assert wd.l2_penalty_grad([1.0, -2.0], 0.5).tolist() == [0.5, -1.0]
    with pytest.raises(ValueError, match="mu"):
        wd.l2_penalty([1.0], -0.1)


def test_weight_decay_step_exact():
    assert wd.weight_decay_step([2.0], [1.0], 0.5, 0.5).tolist() == [1.0]          # (1 − 0.25)·2 − 0.5·1
    assert wd.weight_decay_step([2.0, -4.0], [0.0, 0.0], 0.1, 0.0).tolist() == [2.0, -4.0]
    with pytest.raises(ValueError, match="grad"):
        wd.weight_decay_step([1.0, 2.0], [1.0], 0.1, 0.1)


def test_frobenius_penalty_exact():
    assert float(wd.frobenius_penalty([f64([[1.0, 2.0]]), f64([[3.0]])], [2.0, 0.5])) == pytest.approx(0.5 * (2 * 5 + 0.5 * 9))
    with pytest.raises(ValueError, match="mus"):
        wd.frobenius_penalty([f64([[1.0]])], [1.0, 2.0])
    with pytest.raises(ValueError, match="weights"):
        wd.frobenius_penalty([f64([1.0])], [1.0])


def test_eigen_shrinkage_values_and_limits():
    H = f64([[2.0, 0.0], [0.0, 0.5]])
    assert wd.eigen_shrinkage(H, [1.0, 1.0], 0.5).tolist() == pytest.approx([0.8, 0.5])
    assert wd.eigen_shrinkage(H, [1.0, -3.0], 0.0).tolist() == pytest.approx([1.0, -3.0])
    rot = f64([[0.6, -0.8], [0.8, 0.6]])
    Hr = rot @ H @ rot.T
    t = f64([1.0, 2.0])
    assert wd.eigen_shrinkage(Hr, t, 0.5).tolist() == pytest.approx(torch.linalg.solve(Hr + 0.5 * torch.eye(2, dtype=torch.float64), Hr @ t).tolist())
    singular = f64([[1.0, 0.0], [0.0, 0.0]])
    assert wd.eigen_shrinkage(singular, [2.0, 2.0], 1.0).tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(ValueError, match="mu"):
        wd.eigen_shrinkage(singular, [2.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="H"):
        wd.eigen_shrinkage([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0], 1.0)


def test_bayes_risk_formula_and_optimum():
    X = f64([[2.0, 0.0], [0.0, 1.0]])                                   # eigenvalues of XᵀX: 4, 1
    u, s, mu = 2.0, 1.0, 0.5
    want = sum((mu ** 2 * u ** 2 + s ** 2 * d) / (d + mu) ** 2 for d in (4.0, 1.0))
    assert float(wd.ridge_bayes_risk(X, mu, u, s)) == pytest.approx(want, rel=1e-12)
    grid = wd.ridge_bayes_risk(X, [0.1, 0.25, 1.0], u, s)
    assert grid.shape == (3,) and int(grid.argmin()) == 1                 # σ²/u² = 0.25
    assert float(wd.ridge_bayes_risk(X, 0.0, u, s)) == pytest.approx(s ** 2 * (1 / 4 + 1))
    assert wd.optimal_weight_decay(3.0, 2.0) == 2.25
    assert wd.optimal_weight_decay(1.0, 0.5) == 4.0


def test_projection_inside_outside_and_batch():
    assert wd.project_ball([0.6, 0.8], 1.0).tolist() == [0.6, 0.8]
    assert wd.project_ball([6.0, 8.0], 5.0).tolist() == pytest.approx([3.0, 4.0])
    assert wd.project_ball([0.0, 0.0], 1.0).tolist() == [0.0, 0.0]
    batch = wd.project_ball([[3.0, 4.0], [0.3, 0.4]], 1.0)
    assert torch.allclose(torch.as_tensor(batch, dtype=torch.float64), f64([[0.6, 0.8], [0.3, 0.4]]))


def test_projected_gd_matches_plain_inside_and_stops_on_the_sphere():
    target = f64([3.0, 0.0])
    path = wd.projected_gd(lambda t: 2 * (t - target), [0.0, 0.0], 0.1, 1.0, 5)
    assert path.shape == (6, 2)
    assert path[1].tolist() == pytest.approx([0.6, 0.0])
    assert path[2].tolist() == pytest.approx([1.0, 0.0])                  # 0.6 + 0.48 = 1.08 → projected
    assert path[-1].tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(ValueError, match="theta0"):
        wd.projected_gd(lambda t: t, [2.0, 0.0], 0.1, 1.0, 2)
    with pytest.raises(ValueError, match="grad"):
        wd.projected_gd(lambda t: t[:1], [0.0, 0.0], 0.1, 1.0, 2)


def test_ridge_exact():
    assert wd.ridge([[1.0], [2.0]], [1.0, 2.0], 5.0).tolist() == pytest.approx([0.5])
    assert wd.ridge([[1.0, 0.0], [0.0, 1.0]], [2.0, 4.0], 1.0).tolist() == pytest.approx([1.0, 2.0])
    assert math.isfinite(float(wd.ridge([[1.0, 1.0, 1.0]], [1.0], 0.1).sum()))


def test_zero_coefficients_and_refusals():
    assert float(wd.frobenius_penalty([f64([[1.0, 2.0]]), f64([[3.0]])], [0.0, 0.0])) == 0.0
    with pytest.raises(ValueError, match="mus"):
        wd.frobenius_penalty([f64([[1.0]])], [-1.0])
    with pytest.raises(ValueError, match="weight_decay"):
        wd.weight_decay_step([1.0], [0.0], 0.1, -0.1)
    with pytest.raises(ValueError, match="mu"):
        wd.ridge([[1.0]], [1.0], 0.0)
    with pytest.raises(ValueError, match="y"):
        wd.ridge([[1.0], [2.0]], [1.0], 1.0)
    with pytest.raises(ValueError, match="theta_star"):
        wd.eigen_shrinkage([[1.0, 0.0], [0.0, 1.0]], [1.0], 1.0)
    assert wd.ridge_bayes_risk([[1.0, 0.0], [0.0, 1.0]], 1.0, 1.0, 1.0).shape == ()
    assert float(wd.ridge_bayes_risk([[1.0, 0.0], [0.0, 1.0]], 1.0, 1.0, 1.0)) == pytest.approx(1.0)
