"""Edge cases of edl.bayesian.posterior that its mutation run exposed: array-like arguments take the dtype of
the first tensor, every refusal names the argument at fault (dimension before shape), a non-monotone grid is
refused, and one-dimensional predictions are a valid batch of scalar predictions."""

import math

import pytest
import torch

from edl.bayesian import posterior as po

F32 = torch.float32


def test_grid_posterior_keeps_a_float32_grid_with_list_prior_and_likelihood():
    """Prior and likelihood given as lists take theta's float32; Beta(2, 1) closed form: p(S) = 1/2, post = 2θ."""
    th = torch.linspace(0, 1, 5, dtype=F32)
    post, Z = po.grid_posterior(th, [1.0, 1.0, 1.0, 1.0, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0])
    assert post.dtype == F32 and Z.dtype == F32
    assert float(Z) == pytest.approx(0.5, abs=1e-6)
    assert post.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0], abs=1e-6)


@pytest.mark.parametrize("theta, prior, likelihood, message", [
    ([[0.0, 1.0, 2.0]], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0], r"^theta must have 1 dimension\(s\), got shape \(1, 3\)$"),
    ([0.0, 1.0, 2.0], [[1.0, 1.0, 1.0]], [1.0, 1.0, 1.0], r"^prior must have 1 dimension\(s\), got shape \(1, 3\)$"),
    ([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [[1.0, 1.0, 1.0]],
     r"^likelihood must have 1 dimension\(s\), got shape \(1, 3\)$"),
    ([0.0, 1.0, 2.0], [1.0, 1.0, 1.0], [1.0, 1.0],
     r"^likelihood must have shape \(3,\) to match theta, got shape \(2,\)$"),
    ([0.0, 1.0], [1.0, 1.0], [0.0, 0.0], r"^prior times likelihood must not vanish on the whole grid, got evidence 0$"),
])
def test_grid_posterior_refusals_name_the_argument(theta, prior, likelihood, message):
    """A 2-D argument is refused for its dimension (not a shape mismatch), a short likelihood names theta."""
    with pytest.raises(ValueError, match=message):
        po.grid_posterior(theta, prior, likelihood)


def test_grid_posterior_refuses_a_grid_that_rises_then_falls():
    """[0, 2, 1] is above its first point everywhere but not increasing: every neighbouring pair is compared."""
    with pytest.raises(ValueError, match=r"^theta must be an increasing grid of at least 2 points, "
                                         r"got \[0.0, 2.0, 1.0\]$"):
        po.grid_posterior([0.0, 2.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0])


def test_grid_posterior_shows_the_first_eight_points_of_a_long_bad_grid():
    """The message lists at most 8 grid points (a decreasing grid of 10 shows 9 … 2, not 1)."""
    with pytest.raises(ValueError, match=r"^theta must be an increasing grid of at least 2 points, "
                                         r"got \[9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0\]$"):
        po.grid_posterior([float(9 - i) for i in range(10)], [1.0] * 10, [1.0] * 10)


def test_gaussian_prior_nll_list_sigma_takes_theta_float32():
    """A list sigma takes theta's float32; value: θ = (1, -2), σ = (1, 2): 1/2 + 1/2 + ½log(2π) + ½log(8π)."""
    out = po.gaussian_prior_nll(torch.tensor([1.0, -2.0], dtype=F32), [1.0, 2.0])
    assert out.dtype == F32
    assert float(out) == pytest.approx(1.0 + 0.5 * math.log(2 * math.pi) + 0.5 * math.log(8 * math.pi), rel=1e-6)


def test_gaussian_nll_list_f_takes_y_float32():
    """A list f takes y's float32; value: residual 1, ε = 1/2: 2 + log(2π/4)."""
    out = po.gaussian_nll(torch.tensor([1.0, 2.0], dtype=F32), [0.0, 2.0], 0.5)
    assert out.dtype == F32
    assert float(out) == pytest.approx(2.0 + math.log(2 * math.pi * 0.25), rel=1e-6)


@pytest.mark.parametrize("f, theta", [([0.0, 2.0], torch.tensor([1.0, 1.0], dtype=F32)),
                                      (torch.tensor([0.0, 2.0], dtype=F32), [1.0, 1.0])])
def test_posterior_energy_list_arguments_take_y_float32(f, theta):
    """f and theta given as lists take y's float32; E = 1/(2·¼) + 2/(2·4) = 2.25."""
    out = po.posterior_energy(torch.tensor([1.0, 2.0], dtype=F32), f, theta, 0.5, 2.0)
    assert out.dtype == F32
    assert float(out) == pytest.approx(2.25, rel=1e-6)


@pytest.mark.parametrize("y, f, message", [
    ([[1.0, 2.0]], [0.0, 2.0], r"^y must have 1 dimension\(s\), got shape \(1, 2\)$"),
    ([1.0, 2.0], [[0.0, 2.0]], r"^f must have 1 dimension\(s\), got shape \(1, 2\)$"),
])
def test_posterior_energy_refuses_two_dimensional_targets_and_predictions(y, f, message):
    """A 2-D y or f is refused for its dimension, before any shape comparison."""
    with pytest.raises(ValueError, match=message):
        po.posterior_energy(y, f, [1.0, 1.0], 1.0, 1.0)


def test_map_linear_list_y_takes_X_float32():
    """A list y takes X's float32; ridge closed form (XᵀX + I)⁻¹Xᵀy = (0.875, 1.375)."""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F32)
    out = po.map_linear(X, [1.0, 2.0, 3.0], 1.0, 1.0)
    assert out.dtype == F32
    assert out.tolist() == pytest.approx([0.875, 1.375], abs=1e-6)


def test_map_linear_refuses_a_column_y_for_its_dimension():
    """y of shape (3, 1) is refused as 2-D (not as a shape mismatch)."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(3, 1\)$"):
        po.map_linear([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0], [2.0], [3.0]], 1.0, 1.0)


def test_predictive_mean_of_scalar_predictions_and_refusal_of_a_scalar():
    """(N,) predictions (one scalar per sample) average to a 0-d tensor; a 0-d input is refused by name."""
    out = po.predictive_mean([1.0, 2.0, 6.0])
    assert out.shape == () and float(out) == 3.0
    with pytest.raises(ValueError, match=r"^predictions must have at least 1 dimension\(s\), got shape \(\)$"):
        po.predictive_mean(1.0)


def test_ensemble_prediction_refusals_name_the_argument():
    """A 0-d prediction and 2-D energies are refused for their dimension."""
    with pytest.raises(ValueError, match=r"^predictions must have at least 1 dimension\(s\), got shape \(\)$"):
        po.ensemble_prediction(1.0, [0.0])
    with pytest.raises(ValueError, match=r"^energies must have 1 dimension\(s\), got shape \(1, 2\)$"):
        po.ensemble_prediction([1.0, 2.0], [[0.0, 0.0]])


def test_ensemble_prediction_list_energies_take_predictions_float32():
    """List energies take the predictions' float32; weights (3/4, 1/4) from E = (0, log 3): 3/4·1 + 1/4·5 = 2."""
    out = po.ensemble_prediction(torch.tensor([1.0, 5.0], dtype=F32), [0.0, math.log(3.0)])
    assert out.dtype == F32
    assert float(out) == pytest.approx(2.0, rel=1e-6)
