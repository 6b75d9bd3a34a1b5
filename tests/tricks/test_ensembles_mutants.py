"""Edge cases of edl.tricks.ensembles that its mutation run exposed: both ends of the valid covariance range
(with the 1e-12 rounding allowance), which argument a refusal names and how, zero noise, the range and default
size of bootstrap indices, and list arguments taking a float32 input's dtype."""

import pytest
import torch

from edl.tricks import ensembles as en


def test_ensemble_error_accepts_both_ends_of_the_tolerance():
    """With K = 2 and v = 1 the valid covariances are [−1, 1], widened by 1e-12 for rounding; c exactly at
    −1 − 1e-12 or 1 + 1e-12 is accepted and gives v/K + (K − 1)c/K = (1 + c)/2."""
    low, high = -1.0 - 1e-12, 1.0 + 1e-12
    assert en.ensemble_error(2, 1.0, low) == pytest.approx((1 + low) / 2, abs=1e-15)
    assert en.ensemble_error(2, 1.0, high) == pytest.approx((1 + high) / 2, abs=1e-15)
    with pytest.raises(ValueError, match=r"^cov must lie in \[-var/\(K-1\), var\] = \[-1, 1\]"):
        en.ensemble_error(2, 1.0, 1.0 + 1e-9)


def test_data_checks_name_X_and_refuse_a_column_target():
    """y must be a vector (a (2, 1) column is refused for its rank) whose length matches X's rows; w must
    match X's columns."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(2, 1\)$"):
        en.cyclic_augment([[1.0, 2.0], [3.0, 4.0]], [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"^y must have shape \(2,\) to match X, got shape \(3,\)$"):
        en.cyclic_augment([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^w must have 1 dimension\(s\), got shape \(1, 2\)$"):
        en.expected_noisy_loss([[1.0, 0.0]], [1.0], [[1.0, 0.0]], 0.5)
    with pytest.raises(ValueError, match=r"^w must have shape \(2,\) to match X's columns, got shape \(3,\)$"):
        en.expected_noisy_loss([[1.0, 0.0]], [1.0], [1.0, 0.0, 0.0], 0.5)


def test_expected_noisy_loss_zero_noise_and_float32():
    """σ = 0 is valid and leaves the plain squared error; float32 X with list y and w gives float32:
    ‖y − Xw‖² + sσ²‖w‖² = 1 + 2·¼·1 = 1.5."""
    assert float(en.expected_noisy_loss([[1.0, 0.0], [0.0, 1.0]], [1.0, 3.0], [1.0, 1.0], 0.0)) == 4.0
    out = en.expected_noisy_loss(torch.eye(2, dtype=torch.float32), [1.0, 1.0], [1.0, 0.0], 0.5)
    assert out.dtype == torch.float32 and float(out) == 1.5
    Xa, ya = en.cyclic_augment(torch.tensor([[1.0, 2.0]], dtype=torch.float32), [5.0])
    assert Xa.dtype == torch.float32 and ya.dtype == torch.float32


def test_bootstrap_indices_cover_zero_to_n_minus_one_and_default_size():
    """The default sample size is n; with n = 3 and many samples every index 0, 1, 2 occurs and nothing else."""
    idx = en.bootstrap_indices(3, 200, generator=torch.Generator().manual_seed(0))
    assert idx.shape == (200, 3) and idx.dtype == torch.int64
    assert sorted(idx.unique().tolist()) == [0, 1, 2]
    assert en.bootstrap_indices(3, 2, size=1, generator=torch.Generator().manual_seed(0)).shape == (2, 1)
    with pytest.raises(ValueError, match=r"^size must be at least 1, got 0$"):
        en.bootstrap_indices(3, 2, size=0, generator=torch.Generator().manual_seed(0))


def test_bagged_average_averages_over_the_first_axis_and_names_a_scalar():
    """Members are along axis 0 of a (K, B, C) array; a 0-axis input is refused by name."""
    p = torch.tensor([[[0.2, 0.8], [1.0, 0.0]], [[0.6, 0.4], [0.0, 1.0]]], dtype=torch.float64)
    torch.testing.assert_close(en.bagged_average(p), torch.tensor([[0.4, 0.6], [0.5, 0.5]], dtype=torch.float64))
    with pytest.raises(ValueError, match=r"^predictions must have at least 1 dimension\(s\), got shape \(\)$"):
        en.bagged_average(0.5)


def test_bootstrap_indices_smallest_sizes():
    """n = 1 (every index is 0) and K = 1 (one sample) are valid."""
    g = torch.Generator().manual_seed(0)
    assert en.bootstrap_indices(1, 2, generator=g).tolist() == [[0], [0]]
    assert en.bootstrap_indices(4, 1, generator=g).shape == (1, 4)
