"""Edge cases of edl.tricks.residual that its mutation run exposed: which argument a refusal names and how, list
arguments taking a float32 input's dtype, low-precision dtypes kept, and dense_block's checks of its layers."""

import math

import pytest
import torch

from edl.tricks import residual as rs

F32 = torch.float32
F64 = torch.float64


# --- residual_layer ---------------------------------------------------------------------------------------

def test_residual_layer_refuses_wrongly_shaped_arguments_by_their_own_rank():
    """x of 3 axes, W of 1 axis, b of 2 axes and Ws of 1 axis are each refused for their number of axes
    (not later, by a shape comparison that names another argument)."""
    W, b = [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]
    with pytest.raises(ValueError, match=r"^x must have 1 or 2 dimension\(s\), got shape \(1, 1, 2\)$"):
        rs.residual_layer(torch.zeros(1, 1, 2, dtype=F64), W, b)
    with pytest.raises(ValueError, match=r"^W must have 2 dimension\(s\), got shape \(2,\)$"):
        rs.residual_layer([1.0, 2.0], [1.0, 0.0], b)
    with pytest.raises(ValueError, match=r"^b must have 1 dimension\(s\), got shape \(1, 2\)$"):
        rs.residual_layer([1.0, 2.0], W, [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"^Ws must have 2 dimension\(s\), got shape \(2,\)$"):
        rs.residual_layer([1.0, 2.0], [[1.0, 1.0]], [0.0], Ws=[1.0, 0.0])


def test_residual_layer_shape_messages_name_where_the_size_comes_from():
    """A short b is compared with W's rows, a wrong Ws with W, a bad activation lists the three choices, and a
    width change without Ws reports d → m (x's width 2 to W's 1 row)."""
    x = [1.0, 2.0]
    with pytest.raises(ValueError, match=r"^b must have shape \(2,\) to match W's rows, got shape \(1,\)$"):
        rs.residual_layer(x, [[1.0, 0.0], [0.0, 1.0]], [0.0])
    with pytest.raises(ValueError, match=r"^Ws must have shape \(1, 2\) to match W, got shape \(2, 2\)$"):
        rs.residual_layer(x, [[1.0, 1.0]], [0.0], Ws=[[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^activation must be one of 'sigmoid', 'tanh', 'relu', got 'elu'$"):
        rs.residual_layer(x, [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "elu")
    with pytest.raises(ValueError, match=r"^Ws must be given when W changes the width \(2 → 1\), got None$"):
        rs.residual_layer(x, [[1.0, 1.0]], [0.0])


def test_residual_layer_list_weights_take_a_float32_input_dtype():
    """With a float32 x, list W, b and Ws are converted to float32: the result is float32 and equals the
    formula x Wsᵀ + tanh(x Wᵀ + b) − tanh(0), worked by hand for W = [[1, 1]], b = [0.5], Ws = [[2, 0]]."""
    x = torch.tensor([1.0, -1.0], dtype=F32)
    same = rs.residual_layer(x, [[1.0, 0.0], [0.0, 2.0]], [0.0, 1.0], "tanh")
    assert same.dtype == F32
    torch.testing.assert_close(same, torch.tensor([1.0 + math.tanh(1.0), -1.0 + math.tanh(-1.0)], dtype=F32))
    proj = rs.residual_layer(x, [[1.0, 1.0]], [0.5], "tanh", Ws=[[2.0, 0.0]])
    assert proj.dtype == F32
    torch.testing.assert_close(proj, torch.tensor([2.0 + math.tanh(0.5)], dtype=F32))


# --- residual_jacobian ------------------------------------------------------------------------------------

def test_residual_jacobian_refuses_a_vector_W_for_its_rank():
    """A 1-D W is refused for its number of axes, not for a shape mismatch with x."""
    with pytest.raises(ValueError, match=r"^W must have 2 dimension\(s\), got shape \(2,\)$"):
        rs.residual_jacobian([0.0, 0.0], [1.0, 2.0])


@pytest.mark.parametrize("dtype", [torch.bfloat16, F32])
def test_residual_jacobian_keeps_the_input_dtype(dtype):
    """A bfloat16 or float32 x with a list W gives a Jacobian of x's dtype (the identity must not be the default
    float32); at x = 0 it is I + W exactly."""
    J = rs.residual_jacobian(torch.zeros(2, dtype=dtype), [[1.0, 2.0], [3.0, 4.0]])
    assert J.dtype == dtype
    assert J.float().tolist() == [[2.0, 2.0], [3.0, 5.0]]


# --- gradient_norms ---------------------------------------------------------------------------------------

def test_gradient_norms_refuses_a_single_matrix_for_its_rank():
    """weights must be a stack (L, d, d): one (d, d) matrix is refused for its number of axes."""
    with pytest.raises(ValueError, match=r"^weights must have 3 dimension\(s\), got shape \(2, 2\)$"):
        rs.gradient_norms([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])


def test_gradient_norms_list_weights_take_a_float32_input_dtype():
    """float32 x with list weights: the norms are float32; with zero weights every layer gets ‖1‖ = √d."""
    out = rs.gradient_norms(torch.zeros(2, dtype=F32), [[[0.0, 0.0], [0.0, 0.0]]])
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.full((2,), math.sqrt(2), dtype=F32))


# --- dense_block ------------------------------------------------------------------------------------------

def _copy(z):
    return z[:, :1]


def test_dense_block_refuses_layers_that_are_not_a_sequence():
    """A set of callables is iterable but not a sequence (no order): refused; a long repr is cut to 200
    characters exactly."""
    x = torch.ones(1, 1, dtype=F64)
    with pytest.raises(ValueError, match=r"^layers must be a non-empty list of callables, got \{<function"):
        rs.dense_block(x, {_copy})
    with pytest.raises(ValueError) as err:
        rs.dense_block(x, {i: _copy for i in range(100)})
    message = str(err.value)
    assert len(message) == 200 and message.startswith("layers must be a non-empty list of callables, got {0:")


def test_dense_block_names_the_layer_that_is_not_callable():
    """The second entry, 3, is refused as layers[1]."""
    with pytest.raises(ValueError, match=r"^layers\[1\] must be callable, got 3$"):
        rs.dense_block(torch.ones(1, 1, dtype=F64), [_copy, 3])


def test_dense_block_refuses_a_layer_output_with_another_batch_size():
    """A layer that returns a (1, 1, 3) tensor for a batch of 2 (right rank and spatial size) is refused with
    the shape it returned."""
    x = torch.ones(2, 1, 3, dtype=F64)
    with pytest.raises(ValueError, match=r"^layers\[0\] must return a \(B, k, \.\.\.\) tensor matching x's batch "
                                         r"and spatial shape, got torch\.Size\(\[1, 1, 3\]\)$"):
        rs.dense_block(x, [lambda z: z[:1, :1]])


def test_dense_block_reports_the_type_of_a_non_tensor_output():
    """A layer that returns a list is refused with the list's type."""
    with pytest.raises(ValueError, match=r"got <class 'list'>$"):
        rs.dense_block(torch.ones(1, 1, dtype=F64), [lambda z: [1.0]])


# --- residual_step_jacobians ------------------------------------------------------------------------------

def test_residual_step_jacobians_refuse_bad_theta_by_name():
    """theta must be a (d, d) matrix: a vector is refused for its rank, a wrong size names y_prev."""
    with pytest.raises(ValueError, match=r"^theta must have 2 dimension\(s\), got shape \(2,\)$"):
        rs.residual_step_jacobians([1.0, 2.0], [1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match=r"^theta must have shape \(2, 2\) to match y_prev, got shape \(1, 1\)$"):
        rs.residual_step_jacobians([1.0, 2.0], [[1.0]], 0.5)


@pytest.mark.parametrize("dtype", [torch.bfloat16, F32])
def test_residual_step_jacobians_keep_the_input_dtype(dtype):
    """y_prev of bfloat16 or float32 with a list theta: both Jacobians have y_prev's dtype and equal autograd's
    Jacobians of y = αΘy + y (in float64)."""
    y = torch.tensor([1.0, 2.0], dtype=dtype)
    theta = [[0.0, 1.0], [2.0, 0.0]]
    Jy, Jt = rs.residual_step_jacobians(y, theta, 0.5)
    assert Jy.dtype == dtype and Jt.dtype == dtype
    th = torch.tensor(theta, dtype=F64)
    want_y, want_t = torch.autograd.functional.jacobian(lambda a, b: 0.5 * b @ a + a, (y.double(), th))
    torch.testing.assert_close(Jy.double(), want_y)
    torch.testing.assert_close(Jt.double(), want_t)


# --- residual_growth --------------------------------------------------------------------------------------

def test_residual_growth_is_float64_one_per_repetition_and_checks_sizes_by_name():
    """One positive float64 ratio per repetition; with α = 0 every ratio is 1; sizes below 1 are refused with the
    argument's name."""
    g = torch.Generator().manual_seed(0)
    r = rs.residual_growth(3, 2, 0.1, 5, generator=g)
    assert r.shape == (5,) and r.dtype == F64 and bool((r > 0).all())
    assert rs.residual_growth(1, 3, 0.0, 2, generator=g).tolist() == [1.0, 1.0]
    for name, args in (("d", (0, 1, 0.5, 1)), ("n", (1, 0, 0.5, 1)), ("reps", (1, 1, 0.5, 0))):
        with pytest.raises(ValueError, match=rf"^{name} must be at least 1, got 0$"):
            rs.residual_growth(*args, generator=g)


def test_residual_growth_one_block_of_width_one_is_a_squared_gaussian_shift():
    """d = n = 1: y = (1 + αθ)x with θ ~ N(0, 1), so the ratio is (1 + αθ)² with mean 1 + α² and variance
    4α² + 2α⁴ (α = 0.5: mean 1.25, sd ≈ 1.06); 20000 repetitions pin the mean to ±0.03."""
    r = rs.residual_growth(1, 1, 0.5, 20000, generator=torch.Generator().manual_seed(2))
    assert float(r.mean()) == pytest.approx(1.25, abs=0.03)
    assert float(r.min()) >= 0.0
