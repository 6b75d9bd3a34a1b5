"""Tests of edl.theory.learning that pin what its mutants change: array-like arguments take the dtype of the
first tensor argument, validation messages name the right arguments, the smallest sample polynomial_risks
accepts, the generator check and the documented 64-point quadrature."""

import numpy as np
import pytest
import torch

from edl.theory import learning as lr

F32, F64 = torch.float32, torch.float64


def f32(x):
    return torch.tensor(x, dtype=F32)


# --- risks ------------------------------------------------------------------------------------------

def test_risk_decomposition_reads_list_risks_in_the_dtype_of_risk_fit():
    """float32 risk_fit makes list risk_class and risk_bayes float32: (excess, estimation, approximation) by hand."""
    out = lr.risk_decomposition(f32([0.5, 0.25]), [0.25, 0.125], [0.125, 0.0625])
    assert out.dtype == F32
    assert out.tolist() == [[0.375, 0.1875], [0.25, 0.125], [0.125, 0.0625]]     # dyadic: exact in float32


def test_risk_decomposition_bayes_shape_message_names_both_arguments():
    """A risk_bayes of the wrong shape is reported against risk_fit, with both shapes."""
    with pytest.raises(ValueError, match=r"^risk_fit and risk_bayes must have the same shape, got \(2,\) and \(1,\)$"):
        lr.risk_decomposition([0.5, 0.3], [0.2, 0.1], [0.1])


def test_polynomial_risks_accepts_n_equal_to_degree_plus_one():
    """degree + 1 points determine the fit (interpolation), so n = degree + 1 is the smallest n allowed."""
    fit, cls, bayes = lr.polynomial_risks(2, 3, noise_std=0.0, generator=torch.Generator().manual_seed(0)).tolist()
    assert bayes == 0.0 and np.isfinite(fit)
    assert fit >= cls > 0.0          # the L2 projection is the best quadratic, the interpolant cannot beat it
    with pytest.raises(ValueError, match=r"^n must be at least 3, got 2$"):
        lr.polynomial_risks(2, 2, noise_std=0.0, generator=torch.Generator().manual_seed(0))


def test_polynomial_risks_rejects_a_generator_of_the_wrong_type():
    """generator must be a torch.Generator (or None): a seed integer is refused with a message naming it."""
    with pytest.raises(ValueError, match=r"^generator must be a torch.Generator or None, got 42$"):
        lr.polynomial_risks(1, 5, generator=42)


def test_polynomial_risks_integrates_with_64_gauss_legendre_nodes(monkeypatch):
    """The docstring's 64-point rule: for degree < 64 the risks are exact to round-off for 64 or 65 nodes alike,
    so the rule is pinned by recording the order asked of numpy's leggauss."""
    orders = []
    leggauss = np.polynomial.legendre.leggauss

    def spy(deg):
        orders.append(deg)
        return leggauss(deg)
    monkeypatch.setattr(np.polynomial.legendre, "leggauss", spy)
    lr.polynomial_risks(1, 4, generator=torch.Generator().manual_seed(0))
    assert orders == [64]


def test_generalization_gap_reads_a_list_train_error_in_the_dtype_of_test_error():
    """float32 test errors make list train errors float32: max(0, E - Ê) = [0.125, 0]."""
    out = lr.generalization_gap(f32([0.375, 0.125]), [0.25, 0.25])
    assert out.dtype == F32 and out.tolist() == [0.125, 0.0]


# --- bounds -----------------------------------------------------------------------------------------

def test_vc_inequality_bound_reads_list_arguments_in_the_dtype_of_s():
    """float32 s makes list epsilon and growth float32: 8 S e^{-s eps^2/32} = 8 e^{-1} and 16 e^{-2}."""
    out = lr.vc_inequality_bound(f32([32.0, 64.0]), [1.0, 1.0], [1.0, 2.0])
    assert out.dtype == F32
    assert out.tolist() == pytest.approx([8 * np.exp(-1.0), 16 * np.exp(-2.0)], rel=1e-6)


def test_vc_inequality_bound_broadcast_message_names_all_three():
    """Shapes that do not broadcast are a ValueError naming s, epsilon and growth with their shapes."""
    with pytest.raises(ValueError, match=r"^s and epsilon and growth must broadcast together, "
                                         r"got shapes s \(2,\), epsilon \(3,\), growth \(\)$"):
        lr.vc_inequality_bound([32.0, 64.0], [1.0, 1.0, 1.0], 2.0)
    with pytest.raises(ValueError, match=r"^s and epsilon and growth must broadcast together, "
                                         r"got shapes s \(\), epsilon \(2,\), growth \(3,\)$"):
        lr.vc_inequality_bound(32.0, [1.0, 1.0], [2.0, 2.0, 2.0])


def test_vc_generalization_bound_reads_list_arguments_in_the_dtype_of_train_error():
    """float32 train errors make list n and growth_2n float32: S = 1, delta = 1/2 gives 2 sqrt(2 log 4 / n)."""
    out = lr.vc_generalization_bound(f32([0.0, 0.5]), [8.0, 2.0], [1.0, 1.0], 0.5)
    assert out.dtype == F32
    assert out.tolist() == pytest.approx([2 * np.sqrt(np.log(4.0) / 4), 0.5 + 2 * np.sqrt(np.log(4.0))], rel=1e-6)


def test_vc_generalization_bound_broadcast_message_names_all_three():
    """Shapes that do not broadcast are a ValueError naming train_error, n and growth_2n with their shapes."""
    with pytest.raises(ValueError, match=r"^train_error and n and growth_2n must broadcast together, "
                                         r"got shapes train_error \(2,\), n \(3,\), growth_2n \(\)$"):
        lr.vc_generalization_bound([0.1, 0.2], [8.0, 8.0, 8.0], 2.0, 0.5)
    with pytest.raises(ValueError, match=r"^train_error and n and growth_2n must broadcast together, "
                                         r"got shapes train_error \(\), n \(2,\), growth_2n \(3,\)$"):
        lr.vc_generalization_bound(0.1, [8.0, 8.0], [2.0, 2.0, 2.0], 0.5)


def test_rademacher_bound_reads_a_list_best_risk_in_the_dtype_of_rademacher():
    """float32 complexities make a list best_risk float32: (2R, R* + 2R) by hand."""
    out = lr.rademacher_bound(f32([0.125, 0.25]), [0.5, 0.0])
    assert out.dtype == F32 and out.tolist() == [[0.25, 0.5], [0.75, 0.5]]


# --- the implicit bias ------------------------------------------------------------------------------

def test_gd_least_squares_reads_list_y_and_w0_in_the_dtype_of_X():
    """float32 X makes list y and w0 float32; one step of lr 1/2 from 0 on X = [1, 1], y = 3 reaches [1.5, 1.5]."""
    out = lr.gd_least_squares(f32([[1.0, 1.0]]), [3.0], [0.0, 0.0], lr=0.5, steps=1)
    assert out.dtype == F32 and out.tolist() == [1.5, 1.5]
    start = lr.gd_least_squares(f32([[1.0, 1.0]]), [3.0], [2.0, 0.0], lr=0.5, steps=0)
    assert start.dtype == F32 and start.tolist() == [2.0, 0.0]


def test_gd_least_squares_dimension_messages():
    """A 2-D y or w0 is refused as the wrong number of dimensions (not as a shape mismatch)."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"):
        lr.gd_least_squares([[1.0, 1.0]], [[3.0]], [0.0, 0.0], lr=0.5, steps=1)
    with pytest.raises(ValueError, match=r"^w0 must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lr.gd_least_squares([[1.0, 1.0]], [3.0], [[0.0, 0.0]], lr=0.5, steps=1)


def test_min_norm_limit_reads_list_y_and_w0_in_the_dtype_of_X():
    """float32 X makes list y and w0 float32; X = [1, 1], y = 2 from w0 = [1, -1]: the docstring's [2, 0]."""
    out = lr.min_norm_limit(f32([[1.0, 1.0]]), [2.0], [1.0, -1.0])
    assert out.dtype == F32 and out.tolist() == pytest.approx([2.0, 0.0], abs=1e-6)


def test_min_norm_limit_dimension_messages():
    """A 2-D y or w0 is refused as the wrong number of dimensions (not as a shape mismatch)."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"):
        lr.min_norm_limit([[1.0, 1.0]], [[2.0]], [1.0, -1.0])
    with pytest.raises(ValueError, match=r"^w0 must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lr.min_norm_limit([[1.0, 1.0]], [2.0], [[1.0, -1.0]])


# --- labellings, signs, features and double descent -------------------------------------------------

def test_labelling_message_lists_small_matrices_and_shows_large_ones_as_tensors():
    """Under 20 entries the message lists them; 20 or more are shown as a tensor."""
    with pytest.raises(ValueError, match=r"^labellings must hold 0/1 labels, got \[\[0.0, 2.0\]\]$"):
        lr.growth_function([[0.0, 2.0]])
    with pytest.raises(ValueError,
                       match=r"^labellings must hold 0/1 labels, got tensor\(\[\[2\., 0\., 0\., 0\., 0\.\],\n"):
        lr.vc_dimension(torch.eye(4, 5, dtype=F64) * 2)                              # 20 entries


def test_signs_message_lists_small_matrices_and_shows_large_ones_as_tensors():
    """Under 20 entries the message lists them; 20 or more are shown as a tensor; a 1-D signs is refused as such."""
    with pytest.raises(ValueError, match=r"^signs must hold ±1 entries, got \[\[1.0, 0.0\]\]$"):
        lr.rademacher_finite([[1.0, 1.0]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match=r"^signs must hold ±1 entries, got tensor\(\[\[0\., 1\., 1\., 1\., 1\.\],\n"):
        lr.rademacher_finite(torch.ones(1, 5, dtype=F64), 1 - torch.eye(4, 5, dtype=F64))   # 20 entries
    with pytest.raises(ValueError, match=r"^signs must have 2 dimension\(s\), got shape \(2,\)$"):
        lr.rademacher_finite([[1.0, 1.0]], [1.0, -1.0])


def test_rademacher_finite_reads_list_signs_in_the_dtype_of_values():
    """float32 values make list signs float32: with g = sigma the sup over the two vectors is 1, averaged = 1."""
    out = lr.rademacher_finite(f32([[1.0, 1.0], [1.0, -1.0]]), [[1.0, 1.0], [1.0, -1.0]])
    assert out.dtype == F32 and float(out) == 1.0


def test_interval_labellings_keep_the_float_dtype_and_warn_nothing():
    """float32 points give float32 labellings (the 6 intervals of 2 points), without a meshgrid indexing warning."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = lr.interval_labellings(f32([0.0, 1.0]))
    assert out.dtype == F32
    assert sorted(map(tuple, out.tolist())) == [(0.0, 0.0)] * 3 + [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def test_random_relu_features_reads_a_list_W_in_the_dtype_of_X():
    """float32 X makes a list W float32; a 1-D W is refused as the wrong number of dimensions."""
    out = lr.random_relu_features(f32([[1.0, -1.0]]), [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    assert out.dtype == F32 and out.tolist() == [[0.5, 0.0, 0.0, 1.0]]
    with pytest.raises(ValueError, match=r"^W must have 2 dimension\(s\), got shape \(2,\)$"):
        lr.random_relu_features([[1.0, -1.0]], [1.0, 0.0])


def test_min_norm_fit_reads_a_list_y_in_the_dtype_of_F():
    """float32 F makes a list y float32: F = [1, 1], y = 2 gives the least-norm [1, 1]; a 2-D y is refused."""
    out = lr.min_norm_fit(f32([[1.0, 1.0]]), [2.0])
    assert out.dtype == F32 and out.tolist() == pytest.approx([1.0, 1.0], abs=1e-6)
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"):
        lr.min_norm_fit([[1.0, 1.0]], [[2.0]])


def test_double_descent_smallest_p_float64_and_default_seeds():
    """p = 1 is allowed (p = 0 is not); the errors are float64; seeds defaults to 20 (21 medians differ)."""
    kw = dict(n=5, d=2, n_test=8)
    default = lr.double_descent([1], **kw)
    assert default.dtype == F64 and default.shape == (1,)
    assert torch.equal(default, lr.double_descent([1], seeds=20, **kw))
    assert not torch.equal(default, lr.double_descent([1], seeds=21, **kw))
    with pytest.raises(ValueError, match=r"^ps must be at least 1, got 0$"):
        lr.double_descent([0], **kw)


def test_double_descent_ridge_values_pinned():
    """Ridge (F^T F + lambda I)^-1 F^T y on features of W ~ N(0, I/d), pinned: the min-norm fit cannot see the scale of
    W (relu is homogeneous), the ridge fit can, so a W scaled by d instead of 1/sqrt d, or -lambda, changes it."""
    out = lr.double_descent([2, 6], n=5, d=4, seeds=2, n_test=50, ridge=0.5)
    assert out.tolist() == pytest.approx([0.1736204, 0.1053154], rel=1e-6)       # regression values of this seed


def test_double_descent_reads_ridge_in_double_precision():
    """ridge = 1 and 1 + 2^-30 (equal in float32) give different errors: lambda I is built in the features' float64."""
    kw = dict(n=5, d=2, n_test=8, seeds=1)
    assert not torch.equal(lr.double_descent([3], ridge=1.0, **kw), lr.double_descent([3], ridge=1.0 + 2.0**-30, **kw))


def test_threshold_and_interval_labellings_of_neighbouring_floats():
    """Two adjacent float64 points still get every threshold cut and interval: 3 threshold labellings (the midpoint of
    neighbouring floats rounds onto one of them, so cuts cannot be midpoints) and all 4 interval labellings."""
    x = torch.tensor([1.0 + 2.0**-52, 1.0 + 2.0**-51], dtype=F64)
    assert lr.threshold_labellings(x).tolist() == [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    assert lr.growth_function(lr.interval_labellings(x)) == 4
    y = torch.tensor([1.0, 1.0 + 2.0**-52], dtype=F64)
    assert lr.threshold_labellings(y).tolist() == [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    assert lr.growth_function(lr.interval_labellings(y)) == 4


def test_threshold_and_interval_labellings_of_large_float32_values():
    """At 1e8 the float32 spacing is 8, so min - 1 is min: the empty labelling must still be there."""
    x = f32([1e8, 2e8])
    thr = lr.threshold_labellings(x)
    assert thr.dtype == F32 and thr.tolist() == [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]
    assert lr.growth_function(lr.interval_labellings(x)) == 4
    assert lr.vc_dimension(lr.interval_labellings(f32([1e8, 2e8, 3e8]))) == 2
