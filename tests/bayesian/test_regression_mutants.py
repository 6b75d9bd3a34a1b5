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
