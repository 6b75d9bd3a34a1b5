"""Edge cases of edl.bayesian.regression that its mutation run exposed: the posterior covariance keeps a
float32 design under a float64 global default."""

import pytest
import torch

from edl.bayesian import regression as rg

F32, F64 = torch.float32, torch.float64


def test_posterior_ridge_covariance_keeps_float32_under_a_float64_default():
    """The identity of Σ = I - Xᵀ(XXᵀ + σ²I)⁻¹X takes X's dtype, not the global default. X = (1, 1)ᵀ, σ² = 1:
    mean 4/3 and covariance σ²/(XᵀX + σ²) = 1/3."""
    X, y = torch.tensor([[1.0], [1.0]], dtype=F32), torch.tensor([1.0, 3.0], dtype=F32)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    try:
        mean, cov = rg.posterior_ridge(X, y, 1.0)
    finally:
        torch.set_default_dtype(previous)
    assert mean.dtype == F32 and cov.dtype == F32
    assert mean.tolist() == pytest.approx([4 / 3], rel=1e-6)
    assert cov.flatten().tolist() == pytest.approx([1 / 3], rel=1e-6)


def test_posterior_general_and_predictive_list_arguments_take_the_float32_of_X():
    """y, Sigma (and the predictive's mean and cov) as lists take the float32 of X; prior variance 2, two
    observations 1 and 3 of noise 1: precision ½ + 2, mean 4/2.5 = 1.6, variance 0.4."""
    m, S = rg.posterior_general(torch.tensor([[1.0], [1.0]], dtype=F32), [1.0, 3.0], 1.0, [[2.0]])
    assert m.dtype == F32 and S.dtype == F32
    assert m.tolist() == pytest.approx([1.6], rel=1e-6) and S.flatten().tolist() == pytest.approx([0.4], rel=1e-6)
    out = rg.predictive(torch.tensor([[2.0]], dtype=F32), [1.5], [[0.25]], 1.0)
    assert all(t.dtype == F32 for t in out)
    assert [float(t) for t in out] == pytest.approx([3.0, 1.0, 2.0], rel=1e-6)


def test_function_space_posterior_keeps_float32_under_a_float64_default():
    """The noise identity takes the kernel's dtype, not the global default; mean 4/3 at both points."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    try:
        m, S = rg.function_space_posterior(torch.tensor([[1.0], [1.0]], dtype=F32),
                                           torch.tensor([1.0, 3.0], dtype=F32), 1.0)
    finally:
        torch.set_default_dtype(previous)
    assert m.dtype == F32 and S.dtype == F32
    assert m.tolist() == pytest.approx([4 / 3, 4 / 3], rel=1e-6)


@pytest.mark.parametrize("call, message", [
    (lambda: rg.posterior_general([[1.0, 0.0]], [1.0], 1.0, [[1.0]]),
     r"^Sigma must have shape \(2, 2\) to match X, got shape \(1, 1\)$"),
    (lambda: rg.predictive([[2.0]], [1.5, 1.0], [[0.25]], 1.0),
     r"^mean must have shape \(1,\) to match x_star, got shape \(2,\)$"),
    (lambda: rg.predictive([[2.0]], [1.5], [[0.25, 0.0]], 1.0),
     r"^cov must have shape \(1, 1\) to match x_star, got shape \(1, 2\)$"),
])
def test_regression_refusals_name_the_argument(call, message):
    """A prior covariance, posterior mean or covariance of the wrong size names the argument it must match."""
    with pytest.raises(ValueError, match=message):
        call()


def test_predictive_accepts_a_singular_covariance_and_zero_noise():
    """A rank-one posterior covariance [[1, 1], [1, 1]] is valid (semi-definite): along (1, -1) it has no variance;
    noise 0 makes the variance of y* that of f*: x* = (1, -1) gives 0, 0; x* = (1, 1) gives 4, 4."""
    mean, var_f, var_y = rg.predictive([[1.0, -1.0], [1.0, 1.0]], [2.0, 1.0], [[1.0, 1.0], [1.0, 1.0]], 0.0)
    assert mean.tolist() == [1.0, 3.0]
    assert var_f.tolist() == [0.0, 4.0] and var_y.tolist() == [0.0, 4.0]
