"""Edge cases of edl.tricks.normalization that its mutation run exposed: the smallest valid inputs (checked against
torch.nn.functional), which argument a refusal names and how, list arguments taking a float32 input's dtype, and
a running variance of exactly 0."""

import pytest
import torch
import torch.nn.functional as F

from edl.tricks import normalization as nm

F32 = torch.float32
F64 = torch.float64


# --- standardize ------------------------------------------------------------------------------------------

def test_standardize_lists_exactly_the_constant_columns():
    """Column 1 is constant and column 0 has σ = 2 (neither 0 nor 1): the message lists column 1 only."""
    with pytest.raises(ValueError, match=r"^X must not have a constant column \(zero variance\), got columns \[1\]$"):
        nm.standardize([[0.0, 5.0], [4.0, 5.0]])


# --- batch_norm ------------------------------------------------------------------------------------------

def test_batch_norm_refuses_eps_zero_on_a_constant_unit_with_the_full_message():
    """eps = 0 when a unit is constant over the batch: the whole message, starting with the argument's name."""
    with pytest.raises(ValueError, match=r"^eps must be positive when a unit is constant over the batch, got 0$"):
        nm.batch_norm([[1.0, 2.0], [1.0, 3.0]], eps=0.0)


# --- batch_norm_backward ----------------------------------------------------------------------------------

def test_batch_norm_backward_refuses_bad_ranks_and_names_them():
    """A 3-axis H and a 1-axis grad_out are refused for their number of axes; a batch of one example names H
    and its shape; eps = 0 on a constant unit gives the full message."""
    with pytest.raises(ValueError, match=r"^H must have 2 dimension\(s\), got shape \(2, 2, 2\)$"):
        nm.batch_norm_backward(torch.ones(2, 2, 2, dtype=F64), torch.ones(2, 2, 2, dtype=F64))
    with pytest.raises(ValueError, match=r"^grad_out must have 2 dimension\(s\), got shape \(2,\)$"):
        nm.batch_norm_backward([[1.0], [3.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"^H must hold at least 2 examples, got shape \(1, 2\)$"):
        nm.batch_norm_backward([[1.0, 2.0]], [[1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^eps must be positive when a unit is constant over the batch, got 0$"):
        nm.batch_norm_backward([[1.0], [1.0]], [[1.0], [2.0]], eps=0.0)


def test_batch_norm_backward_list_gradient_takes_a_float32_H_dtype():
    """float32 H with a list grad_out gives a float32 gradient, equal to autograd through F.batch_norm."""
    H = torch.tensor([[1.0, 0.0], [3.0, 4.0], [2.0, -1.0]], dtype=F32)
    G = [[1.0, 0.5], [-2.0, 1.0], [0.0, 3.0]]
    out = nm.batch_norm_backward(H, G, eps=0.1)
    assert out.dtype == F32
    Hg = H.double().requires_grad_(True)
    y = F.batch_norm(Hg, None, None, training=True, eps=0.1)
    (want,) = torch.autograd.grad((y * torch.tensor(G, dtype=F64)).sum(), Hg)
    torch.testing.assert_close(out, want.float(), atol=1e-5, rtol=1e-5)


# --- batch_norm2d -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(1, 1, 2, 1), (1, 1, 1, 2), (2, 1, 1, 1)])
def test_batch_norm2d_accepts_two_values_per_channel(shape):
    """Two values per channel is enough, from two positions of one image (either axis) or two images; the result
    equals F.batch_norm in training mode, and ±1 at eps = 0."""
    H = torch.tensor([1.0, 3.0], dtype=F64).reshape(shape)
    torch.testing.assert_close(nm.batch_norm2d(H, eps=1e-3), F.batch_norm(H, None, None, training=True, eps=1e-3))
    assert nm.batch_norm2d(H, eps=0.0).flatten().tolist() == [-1.0, 1.0]


def test_batch_norm2d_counts_values_per_channel_not_channels():
    """One image, two channels, one position: one value per channel, refused by batch_norm2d itself."""
    with pytest.raises(ValueError, match=r"^H must hold at least 2 values per channel, got shape \(1, 2, 1, 1\)$"):
        nm.batch_norm2d(torch.ones(1, 2, 1, 1, dtype=F64))


# --- update_running_stats ---------------------------------------------------------------------------------

def test_update_running_stats_refuses_matrices_for_the_running_statistics():
    """running_mean and running_var must be vectors: a (1, 1) matrix is refused for its number of axes; a
    running_var of the wrong length names H, where its length comes from."""
    H = [[1.0], [3.0]]
    with pytest.raises(ValueError, match=r"^running_mean must have 1 dimension\(s\), got shape \(1, 1\)$"):
        nm.update_running_stats([[0.0]], [1.0], H)
    with pytest.raises(ValueError, match=r"^running_var must have 1 dimension\(s\), got shape \(1, 1\)$"):
        nm.update_running_stats([0.0], [[1.0]], H)
    with pytest.raises(ValueError, match=r"^running_var must have shape \(2,\) to match H, got shape \(1,\)$"):
        nm.update_running_stats([0.0, 0.0], [1.0], [[1.0, 2.0], [3.0, 5.0]])


def test_update_running_stats_allows_a_zero_running_variance_and_keeps_float32():
    """running_var = 0 is valid (non-negative); with float32 H and list statistics both results are float32 and
    equal PyTorch's BatchNorm1d update (momentum 0.1, unbiased batch variance)."""
    H = torch.tensor([[1.0, 0.0], [3.0, 4.0], [2.0, 8.0]], dtype=F32)
    mean, var = nm.update_running_stats([0.5, -1.0], [0.0, 2.0], H)
    assert mean.dtype == F32 and var.dtype == F32
    bn = torch.nn.BatchNorm1d(2, momentum=0.1)
    bn.running_mean.copy_(torch.tensor([0.5, -1.0]))
    bn.running_var.copy_(torch.tensor([0.0, 2.0]))
    bn.train()
    bn(H)
    torch.testing.assert_close(mean, bn.running_mean)
    torch.testing.assert_close(var, bn.running_var)


# --- batch_norm_eval --------------------------------------------------------------------------------------

def test_batch_norm_eval_refuses_matrices_and_names_H():
    """The running statistics must be vectors; a wrong-length running_var names H; eps = 0 with a zero running
    variance gives the full message."""
    with pytest.raises(ValueError, match=r"^running_mean must have 1 dimension\(s\), got shape \(1, 1\)$"):
        nm.batch_norm_eval([[1.0]], [[0.0]], [1.0])
    with pytest.raises(ValueError, match=r"^running_var must have 1 dimension\(s\), got shape \(1, 1\)$"):
        nm.batch_norm_eval([[1.0]], [0.0], [[1.0]])
    with pytest.raises(ValueError, match=r"^running_var must have shape \(2,\) to match H, got shape \(1,\)$"):
        nm.batch_norm_eval([[1.0, 2.0]], [0.0, 0.0], [1.0])
    with pytest.raises(ValueError, match=r"^eps must be positive when a running variance is 0, got 0$"):
        nm.batch_norm_eval([[1.0]], [0.0], [0.0], eps=0.0)


def test_batch_norm_eval_list_statistics_take_a_float32_H_dtype():
    """float32 H with list running statistics gives float32, equal to F.batch_norm in evaluation mode."""
    H = torch.tensor([[3.0, 0.0], [1.0, 2.0]], dtype=F32)
    out = nm.batch_norm_eval(H, [1.0, 0.5], [4.0, 0.0], eps=0.25)
    assert out.dtype == F32
    want = F.batch_norm(H, torch.tensor([1.0, 0.5]), torch.tensor([4.0, 0.0]), training=False, eps=0.25)
    torch.testing.assert_close(out, want)


# --- layer_norm and group_norm ----------------------------------------------------------------------------

def test_layer_norm_refuses_a_scalar_and_eps_zero_on_equal_units():
    """A 0-axis H is refused by name; eps = 0 with all units equal gives the full message."""
    with pytest.raises(ValueError, match=r"^H must have at least 1 dimension\(s\), got shape \(\)$"):
        nm.layer_norm(3.0)
    with pytest.raises(ValueError, match=r"^eps must be positive when an example's units are all equal, got 0$"):
        nm.layer_norm([[2.0, 2.0]], eps=0.0)


def test_group_norm_accepts_a_matrix_without_positions():
    """H of shape (b, C), no spatial axes, is valid and equals F.group_norm."""
    H = torch.tensor([[1.0, 2.0, 4.0, 8.0], [0.0, -1.0, 3.0, 3.5]], dtype=F64)
    alpha, beta = torch.tensor([1.0, 2.0, 0.5, -1.0], dtype=F64), torch.tensor([0.0, 1.0, 0.0, 2.0], dtype=F64)
    out = nm.group_norm(H, 2, alpha, beta, eps=1e-3)
    torch.testing.assert_close(out, F.group_norm(H, 2, alpha, beta, eps=1e-3))


def test_group_norm_refuses_a_vector_and_a_constant_group_by_name():
    """A 1-axis H is refused for its rank; eps = 0 with a constant group gives the full message."""
    with pytest.raises(ValueError, match=r"^H must have at least 2 dimension\(s\), got shape \(4,\)$"):
        nm.group_norm([1.0, 2.0, 3.0, 4.0], 1)
    with pytest.raises(ValueError, match=r"^eps must be positive when a group is constant, got 0$"):
        nm.group_norm(torch.ones(1, 2, 2, dtype=F64), 1, eps=0.0)


# --- weight norm ------------------------------------------------------------------------------------------

def test_weight_norm_refuses_bad_ranks_and_zero_rows_with_full_messages():
    """g must be a vector and grad_w a matrix (each refused for its rank); a zero row of v_ gives the full
    message."""
    with pytest.raises(ValueError, match=r"^g must have 1 dimension\(s\), got shape \(1, 1\)$"):
        nm.weight_norm([[3.0, 4.0]], [[2.0]])
    with pytest.raises(ValueError, match=r"^grad_w must have 2 dimension\(s\), got shape \(2,\)$"):
        nm.weight_norm_grads([[3.0, 4.0]], [2.0], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"^v_ must have no zero row \(its direction is undefined\)$"):
        nm.weight_norm([[0.0, 0.0]], [1.0])


def test_weight_norm_list_arguments_take_a_float32_direction_dtype():
    """float32 v_ with list g and grad_w: w and both gradients are float32 and equal autograd through
    torch._weight_norm (PyTorch's own weight-norm function)."""
    v_ = torch.tensor([[3.0, 4.0], [1.0, -1.0]], dtype=F32)
    w = nm.weight_norm(v_, [2.0, -1.0])
    assert w.dtype == F32
    torch.testing.assert_close(w, torch.tensor([[1.2, 1.6], [-2 ** -0.5, 2 ** -0.5]], dtype=F32))
    gg, gv = nm.weight_norm_grads(v_, [2.0, -1.0], [[1.0, 0.0], [0.5, 2.0]])
    assert gg.dtype == F32 and gv.dtype == F32
    vd = v_.double().requires_grad_(True)
    gd = torch.tensor([[2.0], [-1.0]], dtype=F64, requires_grad=True)
    wd = torch._weight_norm(vd, gd, 0)
    auto_v, auto_g = torch.autograd.grad((wd * torch.tensor([[1.0, 0.0], [0.5, 2.0]], dtype=F64)).sum(), (vd, gd))
    torch.testing.assert_close(gg, auto_g.flatten().float())
    torch.testing.assert_close(gv, auto_v.float())


# --- normalized_preactivation -----------------------------------------------------------------------------

def test_normalized_preactivation_refuses_a_vector_W_and_names_X_columns():
    """A 1-axis W is refused for its rank; a W with the wrong width names X's columns."""
    X = [[1.0, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError, match=r"^W must have 2 dimension\(s\), got shape \(2,\)$"):
        nm.normalized_preactivation(X, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^W must have shape \(any, 2\) to match X's columns, got shape \(1, 3\)$"):
        nm.normalized_preactivation(X, [[1.0, 2.0, 3.0]])


def test_normalized_preactivation_list_W_takes_a_float32_X_dtype():
    """float32 X with a list W gives float32, equal to F.layer_norm of X Wᵀ."""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]], dtype=F32)
    out = nm.normalized_preactivation(X, [[1.0, 1.0], [2.0, -1.0]], "layer", 1e-3)
    assert out.dtype == F32
    Z = X @ torch.tensor([[1.0, 1.0], [2.0, -1.0]]).T
    torch.testing.assert_close(out, F.layer_norm(Z, (2,), eps=1e-3))


# --- the affine parameters (_affine) ----------------------------------------------------------------------

def test_affine_parameters_refused_by_rank_and_named_against_H():
    """alpha and beta must be vectors with one entry per unit of H: a matrix is refused for its rank, a wrong
    length names H."""
    H = [[1.0, 0.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match=r"^alpha must have 1 dimension\(s\), got shape \(1, 2\)$"):
        nm.batch_norm(H, [[1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^beta must have 1 dimension\(s\), got shape \(1, 2\)$"):
        nm.batch_norm(H, None, [[1.0, 1.0]])
    with pytest.raises(ValueError, match=r"^alpha must have shape \(2,\) to match H, got shape \(1,\)$"):
        nm.layer_norm(H, [1.0])
    with pytest.raises(ValueError, match=r"^beta must have shape \(2,\) to match H, got shape \(3,\)$"):
        nm.layer_norm(H, None, [1.0, 2.0, 3.0])


def test_affine_list_parameters_take_a_float32_H_dtype():
    """float32 H with list alpha and beta: batch norm and layer norm are float32 and equal F.batch_norm and
    F.layer_norm with the same weight and bias."""
    H = torch.tensor([[1.0, 0.0, 2.0], [3.0, 4.0, -1.0]], dtype=F32)
    a, b = [2.0, 1.0, -1.0], [1.0, -1.0, 0.5]
    bn, ln = nm.batch_norm(H, a, b, eps=1e-3), nm.layer_norm(H, a, b, eps=1e-3)
    assert bn.dtype == F32 and ln.dtype == F32
    at, bt = torch.tensor(a), torch.tensor(b)
    torch.testing.assert_close(bn, F.batch_norm(H, None, None, at, bt, training=True, eps=1e-3))
    torch.testing.assert_close(ln, F.layer_norm(H, (3,), at, bt, eps=1e-3))


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_default_affine_parameters_keep_a_low_precision_dtype(dtype):
    """Without alpha and beta (1 and 0 by default) a bfloat16 or float16 H stays in its dtype; [[1, 3]] at eps = 0
    normalises to ±1 exactly."""
    H = torch.tensor([[1.0, 3.0], [3.0, 1.0]], dtype=dtype)
    ln, bn = nm.layer_norm(H, eps=0.0), nm.batch_norm(H, eps=0.0)
    assert ln.dtype == dtype and bn.dtype == dtype
    assert ln.float().tolist() == [[-1.0, 1.0], [1.0, -1.0]] and bn.float().tolist() == [[-1.0, 1.0], [1.0, -1.0]]
