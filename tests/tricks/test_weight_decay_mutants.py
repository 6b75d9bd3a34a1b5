"""Edge cases of edl.tricks.weight_decay that its mutation run exposed: zero decay, a singular Hessian, a start on
the constraint sphere, one step, which argument a refusal names and how, and list arguments taking a float32
input's dtype."""

import pytest
import torch

from edl.tricks import weight_decay as wd

F32 = torch.float32
F64 = torch.float64


def test_l2_penalty_grad_allows_zero_decay():
    """μ = 0 is valid (no decay): the gradient μθ is the zero vector."""
    assert wd.l2_penalty_grad([3.0, -4.0], 0.0).tolist() == [0.0, 0.0]


def test_frobenius_penalty_list_coefficients_take_the_weights_dtype():
    """float32 weights with list coefficients give a float32 penalty: ½(0.5·4 + 2·3) = 4."""
    out = wd.frobenius_penalty([torch.ones(2, 2, dtype=F32), torch.ones(1, 3, dtype=F32)], [0.5, 2.0])
    assert out.dtype == F32
    assert float(out) == 4.0


# --- eigen_shrinkage --------------------------------------------------------------------------------------

def test_eigen_shrinkage_refuses_bad_ranks_and_names_H():
    """A vector H and a matrix theta_star are refused for their rank; a theta_star of the wrong length names H."""
    with pytest.raises(ValueError, match=r"^H must have 2 dimension\(s\), got shape \(2,\)$"):
        wd.eigen_shrinkage([1.0, 2.0], [1.0, 1.0], 1.0)
    with pytest.raises(ValueError, match=r"^theta_star must have 1 dimension\(s\), got shape \(1, 2\)$"):
        wd.eigen_shrinkage([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], 1.0)
    with pytest.raises(ValueError, match=r"^theta_star must have shape \(2,\) to match H, got shape \(3,\)$"):
        wd.eigen_shrinkage([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0, 1.0], 1.0)


def test_eigen_shrinkage_zero_decay_refused_exactly_when_H_is_singular():
    """μ = 0 on a singular H (eigenvalues 2 and 0, neither equal to 1) is refused with the full message; on a
    regular H with eigenvalues 1 and 3 it returns θ* unchanged, (H + 0)⁻¹Hθ* = θ*."""
    with pytest.raises(ValueError, match=r"^mu must be positive when H is singular \(the minimiser is then not "
                                         r"unique\), got 0$"):
        wd.eigen_shrinkage([[2.0, 0.0], [0.0, 0.0]], [1.0, 1.0], 0.0)
    out = wd.eigen_shrinkage([[2.0, 1.0], [1.0, 2.0]], [1.0, -2.0], 0.0)
    torch.testing.assert_close(out, torch.tensor([1.0, -2.0], dtype=F64))


def test_eigen_shrinkage_list_minimiser_takes_a_float32_H_dtype():
    """float32 H with a list theta_star gives float32: diag(4, ¼) with μ = 1 keeps 4/5 and 1/5."""
    out = wd.eigen_shrinkage(torch.tensor([[4.0, 0.0], [0.0, 0.25]], dtype=F32), [1.0, 1.0], 1.0)
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.tensor([0.8, 0.2], dtype=F32))


# --- projected_gd -----------------------------------------------------------------------------------------

def test_projected_gd_one_step_from_the_sphere():
    """steps = 1 is valid and a start with norm exactly r is inside the ball: θ0 = (3, 4), r = 5, gradient
    (−2, 0) at η = 1 gives (5, 4), projected back to 5·(5, 4)/√41."""
    path = wd.projected_gd(lambda t: torch.tensor([-2.0, 0.0], dtype=F64), [3.0, 4.0], 1.0, 5.0, 1)
    assert path.shape == (2, 2)
    torch.testing.assert_close(path[1], 5 * torch.tensor([5.0, 4.0], dtype=F64) / 41 ** 0.5)


def test_projected_gd_names_a_bad_gradient():
    """A gradient with inf, or of the wrong length, is refused as grad(theta); the length is compared with
    theta0."""
    with pytest.raises(ValueError, match=r"^grad\(theta\) must be finite, got "):
        wd.projected_gd(lambda t: torch.tensor([float("inf"), 0.0], dtype=F64), [0.0, 0.0], 0.1, 1.0, 2)
    with pytest.raises(ValueError, match=r"^grad\(theta\) must have shape \(2,\) to match theta0, got shape \(3,\)$"):
        wd.projected_gd(lambda t: torch.zeros(3, dtype=F64), [0.0, 0.0], 0.1, 1.0, 2)


def test_projected_gd_list_gradient_takes_a_float32_start_dtype():
    """A gradient returned as a list is converted to the float32 start's dtype: the path stays float32 and
    follows plain gradient descent inside the ball."""
    path = wd.projected_gd(lambda t: [1.0, -1.0], torch.zeros(2, dtype=F32), 0.25, 10.0, 2)
    assert path.dtype == F32
    torch.testing.assert_close(path, torch.tensor([[0.0, 0.0], [-0.25, 0.25], [-0.5, 0.5]], dtype=F32))


# --- ridge ------------------------------------------------------------------------------------------------

def test_ridge_refuses_a_matrix_target_for_its_rank():
    """y must be a vector: a (2, 1) column is refused for its number of axes."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(2, 1\)$"):
        wd.ridge([[1.0], [1.0]], [[1.0], [3.0]], 2.0)


def test_ridge_list_target_takes_a_float32_X_dtype():
    """float32 X with a list y gives a float32 solution: (2 + 2)⁻¹·4 = 1."""
    out = wd.ridge(torch.tensor([[1.0], [1.0]], dtype=F32), [1.0, 3.0], 2.0)
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.tensor([1.0], dtype=F32))


# --- weight_decay_step and ridge_bayes_risk ---------------------------------------------------------------

def test_weight_decay_step_names_theta_and_allows_zero_decay():
    """A gradient of the wrong length names theta; weight_decay = 0 is the plain step θ − ηg."""
    with pytest.raises(ValueError, match=r"^grad must have shape \(2,\) to match theta, got shape \(1,\)$"):
        wd.weight_decay_step([1.0, -2.0], [0.5], 0.1, 0.1)
    assert wd.weight_decay_step([1.0, -2.0], [0.5, 0.25], 0.5, 0.0).tolist() == [0.75, -2.125]


def test_weight_decay_step_list_gradient_takes_a_float32_theta_dtype():
    """float32 θ with a list gradient: (1 − ημ)θ − ηg is float32 (η = ½, μ = 1: ½θ − ½g)."""
    out = wd.weight_decay_step(torch.tensor([1.0, -2.0], dtype=F32), [0.5, 1.0], 0.5, 1.0)
    assert out.dtype == F32
    assert out.tolist() == [0.25, -1.5]


def test_ridge_bayes_risk_refuses_a_matrix_grid_and_keeps_float32():
    """mu is one value or a 1-D grid (a (1, 2) matrix is refused for its rank); a list grid with float32 X gives
    float32 risks, Σ_i (μ²u² + σ²d_i)/(d_i + μ)² with X = I (d_i = 1): 2·(1 + 4)/4 and 2·(16 + 4)/25."""
    with pytest.raises(ValueError, match=r"^mu must have 0 or 1 dimension\(s\), got shape \(1, 2\)$"):
        wd.ridge_bayes_risk(torch.eye(2, dtype=F64), [[1.0, 4.0]], 1.0, 2.0)
    out = wd.ridge_bayes_risk(torch.eye(2, dtype=F32), [1.0, 4.0], 1.0, 2.0)
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.tensor([2.5, 1.6], dtype=F32))
    assert float(wd.ridge_bayes_risk(torch.eye(2, dtype=F64), 0.0, 1.0, 2.0)) == pytest.approx(8.0)


def test_ridge_bayes_risk_equals_the_matrix_form_for_a_rank_deficient_X():
    """With A = XᵀX + μI the error of ŵ = A⁻¹Xᵀ(Xw* + ε) is −μA⁻¹w* + A⁻¹Xᵀε, so its expectation is
    μ²u² tr(A⁻²) + σ² tr(A⁻¹XᵀXA⁻¹); XᵀX has eigenvalues 4, 0.09 and 0 (above and below 1)."""
    X = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.3, 0.0]], dtype=F64)
    u, sigma = 1.5, 0.5
    mus = torch.tensor([0.1, 1.0, 3.0], dtype=F64)
    out = wd.ridge_bayes_risk(X, mus, u, sigma)
    for mu, got in zip(mus.tolist(), out.tolist()):
        Ainv = torch.linalg.inv(X.T @ X + mu * torch.eye(3, dtype=F64))
        want = mu ** 2 * u ** 2 * torch.trace(Ainv @ Ainv) + sigma ** 2 * torch.trace(Ainv @ X.T @ X @ Ainv)
        assert got == pytest.approx(float(want), rel=1e-12)
