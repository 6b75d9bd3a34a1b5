"""Tests of edl.connectionism.margins: the homogeneous maximum margin against independent routes."""

import numpy as np
import pytest
import torch
from scipy.optimize import minimize

from edl.connectionism import perceptron as pc
from edl.connectionism.margins import homogeneous_max_margin


def _slsqp_primal(z: np.ndarray) -> float:
    """min ½‖w‖² s.t. z_i·w ≥ 1 by a general-purpose solver; γ* = 1/‖w‖."""
    n = z.shape[1]
    res = minimize(lambda w: 0.5 * w @ w, np.zeros(n), jac=lambda w: w, method="SLSQP",
                   constraints=[{"type": "ineq", "fun": lambda w: z @ w - 1, "jac": lambda w: z}],
                   options={"ftol": 1e-14, "maxiter": 1000})
    assert res.success
    return 1 / np.linalg.norm(res.x)


def _slsqp_dual(z: np.ndarray) -> float:
    """The distance from 0 to the convex hull of the z_i: min ‖Σλ_i z_i‖ over the simplex."""
    s = z.shape[0]
    res = minimize(lambda lam: 0.5 * np.sum((lam @ z) ** 2), np.full(s, 1 / s), jac=lambda lam: z @ (lam @ z),
                   method="SLSQP", bounds=[(0, None)] * s,
                   constraints=[{"type": "eq", "fun": lambda lam: lam.sum() - 1, "jac": lambda lam: np.ones(s)}],
                   options={"ftol": 1e-15, "maxiter": 2000})
    assert res.success
    return float(np.linalg.norm(res.x @ z))


def _data(batch=4, s=60, n=6, gamma=0.1, seed=0):
    return pc.planted_margin_data(batch, s, n, gamma, generator=torch.Generator().manual_seed(seed))


def test_primal_and_dual_solvers_agree_with_the_library():
    x, y, _ = _data()
    theta, gamma = homogeneous_max_margin(x, y)
    for k in range(x.shape[0]):
        z = (y[k, :, None] * x[k]).numpy()
        assert float(gamma[k]) == pytest.approx(_slsqp_primal(z), rel=1e-6)
        assert float(gamma[k]) == pytest.approx(_slsqp_dual(z), rel=1e-5)
        assert float(theta[k].norm()) == pytest.approx(1.0, abs=1e-12)
        assert float((torch.from_numpy(z) @ theta[k]).min()) == pytest.approx(float(gamma[k]), rel=1e-12)


def test_no_direction_of_a_fine_search_beats_it_in_the_plane():
    x, y, _ = _data(batch=3, s=25, n=2, gamma=0.2, seed=1)
    angles = torch.linspace(0, 2 * np.pi, 200_001, dtype=torch.float64)
    directions = torch.stack([angles.cos(), angles.sin()], 1)  # (K, 2)
    _, gamma = homogeneous_max_margin(x, y)
    for k in range(3):
        best = float(((y[k, :, None] * x[k]) @ directions.T).amin(0).max())
        assert best <= float(gamma[k]) + 1e-12
        assert best == pytest.approx(float(gamma[k]), abs=1e-4)  # grid step 3e-5 rad, |z| < 4


def test_it_is_at_least_the_planted_margin_and_rotation_invariant():
    x, y, w_star = _data(seed=2)
    planted, _ = pc.novikoff_quantities(x, y, w_star)
    _, gamma = homogeneous_max_margin(x, y)
    assert (gamma >= planted - 1e-12).all()
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=torch.Generator().manual_seed(3), dtype=torch.float64))
    _, rotated = homogeneous_max_margin(x @ q, y)
    assert torch.allclose(rotated, gamma, rtol=1e-9)


def test_a_batch_equals_its_data_sets_one_by_one():
    x, y, _ = _data(batch=3)
    theta, gamma = homogeneous_max_margin(x, y)
    for k in range(3):
        t1, g1 = homogeneous_max_margin(x[k], y[k])
        assert torch.allclose(t1, theta[k]) and float(g1) == float(gamma[k])


def test_novikoff_bound_with_the_largest_margin_still_holds_and_is_tighter():
    x, y, w_star = _data(batch=20, s=200, n=20, seed=4)
    planted, R = pc.novikoff_quantities(x, y, w_star)
    _, gamma = homogeneous_max_margin(x, y)
    mistakes = pc.perceptron_train(x, y).mistakes.double()
    tight, loose = mistakes / (R / gamma) ** 2, mistakes / (R / planted) ** 2
    assert (tight <= 1).all() and (tight >= loose).all() and float(tight.max()) > 2 * float(loose.max())


def test_inseparable_data_and_bad_input_are_refused():
    with pytest.raises(ValueError, match="separable"):
        homogeneous_max_margin([[1.0, 0.0], [-1.0, 0.0]], [1, 1])  # z₁ = −z₂: 0 is in the hull
    with pytest.raises(ValueError, match="data set 1"):
        homogeneous_max_margin([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [2.0, 0.0]]], [[1, 1], [1, -1]])
    with pytest.raises(ValueError, match="y must hold labels"):
        homogeneous_max_margin([[1.0, 0.0]], [0.5])
    with pytest.raises(ValueError, match="y must have shape"):
        homogeneous_max_margin([[1.0, 0.0]], [1, 1])
    with pytest.raises(ValueError, match="x must be finite"):
        homogeneous_max_margin([[1.0, float("inf")]], [1])
    with pytest.raises(ValueError, match="x must have 2 or 3"):
        homogeneous_max_margin([1.0, 0.0], [1, 1])


def test_dtype_follows_the_input():
    theta, gamma = homogeneous_max_margin(torch.tensor([[1.0, 0.5], [0.2, 1.0]], dtype=torch.float32), [1, 1])
    assert theta.dtype == gamma.dtype == torch.float32


def test_the_margin_scales_with_the_data_even_at_tiny_and_huge_scales():
    """γ*(c x) = c γ*(x): the square's γ* = 1/√2 at scales 1e-7 and 1e7 (the tolerance is relative)."""
    for c in (1e-7, 1.0, 1e7):
        theta, gamma = homogeneous_max_margin([[c, 0.0], [0.0, c]], [1, 1])
        assert float(gamma) == pytest.approx(c / np.sqrt(2), rel=1e-10)
        assert torch.allclose(theta, torch.full((2,), 2 ** -0.5, dtype=torch.float64), rtol=1e-10)


def test_a_margin_below_the_solvers_resolution_is_refused():
    """z = (±1, δ) has γ* = δ (θ = e₂): δ = 1.2e-6 is solved, δ = 8e-7 (below 1e-6 of |z|) is refused."""
    _, gamma = homogeneous_max_margin([[1.0, 1.2e-6], [1.0, -1.2e-6]], [1, -1])
    assert float(gamma) == pytest.approx(1.2e-6, rel=1e-3)
    with pytest.raises(ValueError, match=r"^x, y must be separable by a hyperplane through the origin: the hard"):
        homogeneous_max_margin([[1.0, 8e-7], [1.0, -8e-7]], [1, -1])


def test_error_messages_name_the_shapes_and_the_data_set():
    """The expected shape x.shape[:-1] of a batch; a single data set's refusal names no data set."""
    with pytest.raises(ValueError, match=r"y must have shape x.shape\[:-1\] = \(2, 3\), got \(2, 2\)"):
        homogeneous_max_margin(torch.ones(2, 3, 2, dtype=torch.float64), torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"^x, y must be separable by a hyperplane through the origin: "):
        homogeneous_max_margin([[0.0, 0.0]], [1])  # a point at the origin has margin 0
    with pytest.raises(ValueError, match=r"origin \(data set 0\): "):
        homogeneous_max_margin([[[0.0, 0.0]], [[1.0, 0.0]]], [[1], [1]])
