"""Edges of edl.feedforward.linear: dtype rules, thresholds, batches, the smallest sizes and error messages."""

import numpy as np
import pytest
import torch

from edl.feedforward import linear

F32, F64 = torch.float32, torch.float64


def _X32():
    return torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]], dtype=F32)


# --- dtype: a Python or float64 argument takes the dtype of the tensor it goes with ----------------------

def test_list_arguments_take_the_dtype_of_a_float32_design():
    """w, y, delta, lam given as lists follow a float32 X; the value is the float64 one rounded to float32."""
    X = _X32()
    y, w = [1.0, 0.0, 2.0], [0.3, -0.7]
    risk = linear.least_squares_risk(X, y, w)
    ref = linear.least_squares_risk(X.double(), y, w)
    assert risk.dtype == F32 and float(risk) == pytest.approx(float(ref), rel=1e-6)
    assert linear.least_squares_gradient(X, y, w).dtype == F32
    assert linear.gaussian_nll(X, y, w, 0.5).dtype == F32
    assert linear.ridge_pseudo_inverse(X, [0.1, 0.2]).dtype == F32
    assert linear.ridge_solution(X, y, [0.1, 0.2]).dtype == F32
    assert linear.ridge_by_shrinkage(X, y, [0.1, 0.2]).dtype == F32
    assert linear.shrinkage_factors(torch.tensor([4.0, 1.0], dtype=F32), [0.1, 1.0]).dtype == F32
    path = linear.lms_sgd(X, y, eta=0.1, steps=2, w0=[0.0, 0.0], generator=torch.Generator().manual_seed(0))
    assert path.dtype == F32


def test_lms_step_follows_a_float32_w():
    """x and y given as Python values take w's float32; the step is w + eta (y - w.x) x worked out by hand."""
    w = torch.tensor([0.5, -1.0], dtype=F32)
    out = linear.lms_step(w, [2.0, 1.0], 3.0, 0.25)  # residual 3 - 0 = 3
    assert out.dtype == F32 and out.tolist() == [2.0, -0.25]


def test_ridge_solution_keeps_float32_under_a_float64_default_dtype():
    """The identity added to XᵀX takes X's dtype, not the global default (float32 X, float64 default)."""
    X, y = _X32(), torch.tensor([1.0, 0.0, 2.0], dtype=F32)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    try:
        w = linear.ridge_solution(X, y, 0.1)
    finally:
        torch.set_default_dtype(previous)
    ref = torch.linalg.solve(X.double().T @ X.double() + 0.3 * torch.eye(2, dtype=F64), X.double().T @ y.double())
    assert w.dtype == F32 and torch.allclose(w.double(), ref, rtol=1e-5)


# --- thresholds on singular values and eigenvalues --------------------------------------------------

def test_pseudo_inverse_drops_a_singular_value_exactly_at_the_threshold_as_numpy_does():
    """rtol * max(sigma) itself counts as zero (numpy.linalg.pinv keeps only sigma > cutoff)."""
    X = np.diag([2.0, 1.0])
    P = linear.pseudo_inverse(torch.from_numpy(X), rtol=0.5)
    np.testing.assert_array_equal(P.numpy(), np.linalg.pinv(X, rcond=0.5))
    np.testing.assert_array_equal(P.numpy(), np.diag([0.5, 0.0]))
    np.testing.assert_array_equal(linear.pseudo_inverse(torch.from_numpy(X), rtol=0.25).numpy(), np.diag([0.5, 1.0]))


def test_rtol_zero_is_accepted_and_keeps_every_nonzero_singular_value():
    """rtol = 0 (non-negative, allowed) gives the plain inverse of an invertible matrix."""
    X = torch.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=F64)
    torch.testing.assert_close(linear.pseudo_inverse(X, rtol=0.0), torch.linalg.inv(X), rtol=1e-12, atol=1e-15)
    torch.testing.assert_close(linear.ridge_pseudo_inverse(X, 1e-3, rtol=0.0),
                               torch.linalg.solve(X.T @ X + 1e-3 * torch.eye(2, dtype=F64), X.T), rtol=1e-12, atol=0)


def test_ridge_pseudo_inverse_drops_a_singular_value_at_the_threshold():
    """With sigma = (2, 1) and rtol = 1/2 the cutoff is 1: only sigma = 2 stays, giving 2 / (4 + delta)."""
    X = torch.diag(torch.tensor([2.0, 1.0], dtype=F64))
    torch.testing.assert_close(linear.ridge_pseudo_inverse(X, 0.5, rtol=0.5),
                               torch.diag(torch.tensor([2 / 4.5, 0.0], dtype=F64)), rtol=1e-14, atol=0)
    torch.testing.assert_close(linear.ridge_pseudo_inverse(X, 0.5, rtol=0.4),
                               torch.diag(torch.tensor([2 / 4.5, 1 / 1.5], dtype=F64)), rtol=1e-14, atol=0)


def test_ridge_by_shrinkage_rank_test_is_relative_and_closed():
    """XᵀX eigenvalues with ratio exactly 1e-12 are refused; a well-conditioned X at any scale is accepted."""
    y = torch.tensor([1.0, 2.0], dtype=F64)
    with pytest.raises(ValueError, match=r"X must have full column rank"):
        linear.ridge_by_shrinkage(torch.diag(torch.tensor([1.0, 1e-6], dtype=F64)), y, 0.1)  # eigenvalues 1e-12, 1
    with pytest.raises(ValueError, match=r"X must have full column rank"):
        linear.ridge_by_shrinkage(torch.diag(torch.tensor([1e2, 1e-5], dtype=F64)), y, 0.1)  # ratio 1e-14
    for scale in (1e-4, 1e4):
        X = scale * torch.tensor([[1.0, 0.5], [0.0, 1.0]], dtype=F64)
        lam = 0.1 * scale**2
        ref = linear.ridge_solution(X, y, lam, reduction="sum")
        torch.testing.assert_close(linear.ridge_by_shrinkage(X, y, lam), ref, rtol=1e-9, atol=0)


# --- batches and the smallest sizes -------------------------------------------------------------------------

def test_lms_step_batches_broadcast_like_separate_calls():
    """A batch of w with one x, one w with a batch of x, and both batched, each equal the loop of single steps."""
    W = torch.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=F64)
    Xs = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=F64)
    y = torch.tensor([3.0, -2.0], dtype=F64)
    x = Xs[0]

    def loop(ws, xs):
        return torch.stack([linear.lms_step(ws[i], xs[i], y[i], 0.1) for i in range(2)])

    torch.testing.assert_close(linear.lms_step(W, x, y, 0.1), loop(W, [x, x]))
    torch.testing.assert_close(linear.lms_step(W[0], Xs, y, 0.1), loop([W[0], W[0]], Xs))
    torch.testing.assert_close(linear.lms_step(W, Xs, y, 0.1), loop(W, Xs))
    assert linear.lms_step(W, Xs, 1.0, 0.1).shape == (2, 2)


def test_lms_step_refuses_a_target_that_does_not_match_the_batch():
    with pytest.raises(ValueError, match=r"^y must broadcast to the batch of w and x shape \(2,\), got shape \(3,\)$"):
        linear.lms_step(torch.zeros(2, 2, dtype=F64), [1.0, 0.0], [1.0, 2.0, 3.0], 0.1)


def test_lms_sgd_with_zero_steps_returns_the_start():
    X, y = torch.eye(2, dtype=F64), [1.0, 2.0]
    path = linear.lms_sgd(X, y, eta=0.5, steps=0, w0=[3.0, 4.0], generator=torch.Generator().manual_seed(0))
    assert path.tolist() == [[3.0, 4.0]]
    assert linear.lms_sgd(X, y, eta=0.5, steps=0).tolist() == [[0.0, 0.0]]


# --- errors naming the argument ------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: linear.ridge_pseudo_inverse(torch.eye(2, dtype=F64), [[0.1]]), r"^delta must have 0 or 1 dimension"),
    (lambda: linear.ridge_solution(torch.eye(2, dtype=F64), [1.0, 2.0], [[0.1]]), r"^lam must have 0 or 1 dimension"),
    (lambda: linear.shrinkage_factors([1.0, 2.0], [[0.1]]), r"^lam must have 0 or 1 dimension"),
    (lambda: linear.lms_sgd(torch.eye(2, dtype=F64), [1.0, 2.0], eta=0.1, steps=1, w0=[[0.0, 0.0]]),
     r"^w0 must have 1 dimension"),
    (lambda: linear.lms_sgd(torch.eye(2, dtype=F64), [1.0, 2.0], eta=0.1, steps=1, generator=0),
     r"^generator must be a torch.Generator or None"),
    (lambda: linear.pseudo_inverse(torch.eye(2, dtype=F64), rtol=-1e-3), r"^rtol must be non-negative"),
])
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
