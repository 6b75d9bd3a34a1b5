"""Edges of edl.feedforward.logistic: dtype rules, axis bounds, zero probabilities, batches and error messages."""

import math

import pytest
import torch

from edl.feedforward import logistic as lg

F32, F64 = torch.float32, torch.float64


# --- dtype: list labels and weights take the dtype of the float32 logits or inputs --------------------------

def test_list_arguments_follow_float32_logits():
    """Labels, targets and weights given as lists take the float32 of z, q, X or Theta."""
    z = torch.tensor([0.5, -1.0], dtype=F32)
    assert lg.binary_cross_entropy_logits(z, [1.0, 0.0]).dtype == F32
    assert lg.exponential_family_nll([1.0, 0.0], z, "bernoulli").dtype == F32
    assert lg.exponential_family_nll([1.0, 2.0], z, "gaussian").dtype == F32
    assert lg.soft_cross_entropy([0.25, 0.75], torch.tensor([0.5, 0.5], dtype=F32)).dtype == F32
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]], dtype=F32)
    y, w = [1.0, 0.0, 1.0], [0.3, -0.2]
    assert lg.logistic_risk(X, y, w).dtype == F32
    assert lg.logistic_gradient(X, y, w).dtype == F32
    assert lg.logistic_hessian(X, w).dtype == F32
    Theta = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F32)
    assert lg.softmax_regression_loss([1.0, 2.0], [0.0, 1.0, 0.0], Theta).dtype == F32
    assert lg.softmax_regression_gradient([1.0, 2.0], [0.0, 1.0, 0.0], Theta).dtype == F32


def test_float32_values_equal_the_float64_ones_rounded():
    """The float32 risk and gradient agree with the float64 computation to float32 accuracy."""
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]], dtype=F64)
    y, w = [1.0, 0.0, 1.0], [0.3, -0.2]
    torch.testing.assert_close(lg.logistic_gradient(X.float(), y, w).double(), lg.logistic_gradient(X, y, w),
                               rtol=1e-6, atol=1e-7)


# --- values worked out by hand --------------------------------------------------------------------

def test_logistic_smoothness_divides_by_the_sample_count():
    """X = [[1, 0], [0, 2], [0, 0]]: XᵀX = diag(1, 4), s = 3 samples, so λmax / (4 s) = 1/3."""
    X = torch.tensor([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]], dtype=F64)
    assert float(lg.logistic_smoothness(X)) == pytest.approx(1 / 3, rel=1e-14)


def test_soft_cross_entropy_ignores_zero_probability_classes_even_where_q_is_zero():
    """0 log 0 = 0: a one-hot target against the same one-hot model costs nothing (not NaN)."""
    assert float(lg.soft_cross_entropy([1.0, 0.0], [1.0, 0.0])) == 0.0
    assert float(lg.soft_cross_entropy([0.0, 1.0, 0.0], [0.0, 0.5, 0.5])) == pytest.approx(math.log(2), rel=1e-15)


def test_softmax_normalises_each_row_with_its_own_maximum():
    """Rows at very different scales: each row of equal logits gives the uniform distribution."""
    z = torch.tensor([[0.0, 0.0], [1000.0, 1000.0]], dtype=F64)
    assert lg.softmax(z).tolist() == [[0.5, 0.5], [0.5, 0.5]]
    assert lg.softmax(z.T, dim=0).tolist() == [[0.5, 0.5], [0.5, 0.5]]


def test_a_scalar_logit_has_one_axis_to_normalise():
    """A 0-d z: softmax is 1, log-sum-exp is z itself; dim 0 and -1 are the only valid axes."""
    assert float(lg.softmax(2.0)) == 1.0 and float(lg.log_sum_exp(2.0, dim=0)) == 2.0


@pytest.mark.parametrize("z, dim", [([1.0, 2.0], 1), ([1.0, 2.0], -2), (2.0, 1), (2.0, -2), ([[1.0, 2.0]], 2)])
def test_dim_past_the_axes_is_refused(z, dim):
    for fn in (lg.softmax, lg.log_sum_exp):
        with pytest.raises(ValueError, match=rf"^dim must index an axis of z \(shape .*\), got {dim}$"):
            fn(z, dim=dim)


# --- softmax regression: one class, one feature, batches ------------------------------------------------

def test_softmax_regression_with_one_feature_and_with_one_class():
    """n = 1: logits x θ_j; k = 1: the only class has probability 1 and loss 0."""
    Theta = torch.tensor([[1.0], [-1.0]], dtype=F64)
    expected = -2.0 + math.log(math.exp(2.0) + math.exp(-2.0))
    assert float(lg.softmax_regression_loss([2.0], [1.0, 0.0], Theta)) == pytest.approx(expected, rel=1e-14)
    assert float(lg.softmax_regression_loss([1.0, 2.0], [1.0], [[0.5, -0.5]])) == 0.0


def test_softmax_regression_batch_equals_separate_calls_and_mismatch_is_refused():
    Theta = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]], dtype=F64)
    x = torch.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=F64)
    y = torch.tensor([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], dtype=F64)
    loop = torch.stack([lg.softmax_regression_loss(x[i], y[i], Theta) for i in range(2)])
    torch.testing.assert_close(lg.softmax_regression_loss(x, y, Theta), loop, rtol=1e-14, atol=0)
    with pytest.raises(ValueError, match=r"^x and y must broadcast together"):
        lg.softmax_regression_loss(torch.ones(3, 2, dtype=F64), y, Theta)


# --- error messages ------------------------------------------------------------------------------

def test_label_errors_show_short_lists_and_long_tensors():
    """Up to 19 offending labels are listed; 20 or more are shown as a tensor."""
    for n, shown in ((19, r"got \[0\.5, "), (20, r"got tensor\(")):
        with pytest.raises(ValueError, match=r"^y must hold labels 0 or 1, " + shown):
            lg.binary_cross_entropy_logits(torch.zeros(n, dtype=F64), [0.5] * n)
        with pytest.raises(ValueError, match=r"^y must hold integer class labels, " + shown):
            lg.softmax_cross_entropy(torch.zeros(n, 2, dtype=F64), [0.5] * n)
        out_of_range = shown.replace("0\\.5", "5")
        with pytest.raises(ValueError, match=r"^y must hold class labels in 0\.\.1 .*, " + out_of_range):
            lg.softmax_cross_entropy(torch.zeros(n, 2, dtype=F64), [5] * n)


def test_class_label_errors_state_the_range_and_the_batch_shape():
    z = torch.zeros(2, 2, 3, dtype=F64)
    with pytest.raises(ValueError, match=r"^y must hold class labels in 0\.\.2 of shape z\.shape\[:-1\] = \(2, 2\) "
                                         r"\(z: 3 logits per example\), got \[0, 1\]$"):
        lg.softmax_cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match=r"^y must hold integer class labels, got 'one'$"):
        lg.softmax_cross_entropy_gradient(z, "one")


def test_bernoulli_nll_names_y():
    with pytest.raises(ValueError, match=r"^y must hold labels 0 or 1, got \[0\.5\]$"):
        lg.exponential_family_nll([0.5], [0.0], "bernoulli")
