"""Tests of edl.theory.ntk that kill surviving mutants: argument names in the shape messages, the dtype of a float32
kernel kept when the vectors come as lists, the scaling passed on to the initial outputs, and the small-eigenvalue
cut-off of the constant-kernel flow."""

import math

import numpy as np
import pytest
import torch

from edl.theory import ntk

F32, F64 = torch.float32, torch.float64
THETA = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=F64)     # m = 2, d = 2: W = I, v = (2, −1)
K2 = [[2.0, 0.5], [0.5, 1.0]]


def t(x, dtype=F64):
    return torch.tensor(x, dtype=dtype)


# --- linearized ----------------------------------------------------------------------------------------------------

def test_linearized_mean_field_divides_both_terms_by_sqrt_m():
    """With ReLU and m = 2 the mean-field network is the NTK one divided by √2, the initial output included."""
    x, delta = t([[1.0, 1.0]]), torch.full((6,), 0.1, dtype=F64)
    h = ntk.linearized(THETA, delta, x, activation="relu", scale="mean-field")
    assert h.tolist() == pytest.approx([0.7 / math.sqrt(2)], rel=1e-12)       # NTK value 0.7 (docstring)


def test_linearized_delta_list_takes_the_dtype_of_theta0():
    """A list ``delta`` becomes float32 like a float32 ``theta0``; the result matches the float64 computation."""
    x = t([[1.0, 1.0], [0.5, -2.0]])
    h32 = ntk.linearized(THETA.float(), [0.1, -0.2, 0.3, 0.0, 0.5, 0.25], x.float())
    h64 = ntk.linearized(THETA, t([0.1, -0.2, 0.3, 0.0, 0.5, 0.25]), x)
    assert h32.dtype == F32 and torch.allclose(h32.double(), h64, atol=1e-6)


def test_linearized_shape_message_names_theta0_and_delta():
    """A ``delta`` of the wrong length is refused naming both arguments."""
    with pytest.raises(ValueError, match=r"^theta0 and delta must have the same shape, got \(6,\) and \(5,\)$"):
        ntk.linearized(THETA, torch.zeros(5, dtype=F64), t([[1.0, 1.0]]))


# --- messages naming the argument the expected shape comes from ---------------------------------------------------

SHAPE_ERRORS = [
    (ntk.dual_predict, ([1.0, -1.0], [[2.0, 1.0]], [0.5, 0.5]),
     r"^f0 must have shape \(1,\) to match K_cross, got shape \(2,\)$"),
    (ntk.dual_loss, ([1.0, 0.0, 0.0], K2, [0.0, 0.0], [1.0, 1.0]),
     r"^alpha must have shape \(2,\) to match K, got shape \(3,\)$"),
    (ntk.dual_loss, ([1.0, 0.0], K2, [0.0], [1.0, 1.0]), r"^f0 must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.dual_loss, ([1.0, 0.0], K2, [0.0, 0.0], [1.0]), r"^y must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.kernel_regression, (K2, [[1.0, 0.5, 0.0]], [1.0, 0.0], [0.0, 0.0], [0.2]),
     r"^K_cross must have shape \(any, 2\) to match K, got shape \(1, 3\)$"),
    (ntk.kernel_regression, (K2, [[1.0, 0.5]], [1.0], [0.0, 0.0], [0.2]),
     r"^y must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.kernel_regression, (K2, [[1.0, 0.5]], [1.0, 0.0], [0.0, 0.0, 0.0], [0.2]),
     r"^f0 must have shape \(2,\) to match K, got shape \(3,\)$"),
    (ntk.kernel_regression, (K2, [[1.0, 0.5]], [1.0, 0.0], [0.0, 0.0], [0.2, 0.1]),
     r"^f0_cross must have shape \(1,\) to match K_cross, got shape \(2,\)$"),
    (ntk.functional_gradient_flow, (K2, [1.0], [0.0, 0.0]),
     r"^y must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.functional_gradient_flow, (K2, [1.0, 0.0], [0.0]), r"^f must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.linear_ode_solution, (K2, [1.0], [0.0, 0.0], 1.0),
     r"^y must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.linear_ode_solution, (K2, [1.0, 0.0], [0.0], 1.0),
     r"^f0 must have shape \(2,\) to match K, got shape \(1,\)$"),
    (ntk.linear_ode_solution, (K2, [1.0, 0.0], [0.0, 0.0], 1.0, [[1.0, 0.5, 0.0]], [0.2]),
     r"^K_cross must have shape \(any, 2\) to match K, got shape \(1, 3\)$"),
    (ntk.linear_ode_solution, (K2, [1.0, 0.0], [0.0, 0.0], 1.0, [[1.0, 0.5]], [0.2, 0.1]),
     r"^f0_cross must have shape \(1,\) to match K_cross, got shape \(2,\)$"),
]


@pytest.mark.parametrize("fn, args, message", SHAPE_ERRORS,
                         ids=[f"{fn.__name__}-{i}" for i, (fn, _, _) in enumerate(SHAPE_ERRORS)])
def test_shape_messages_name_the_matching_argument(fn, args, message):
    """A vector or cross kernel of the wrong size is refused naming itself, its expected shape and its source."""
    with pytest.raises(ValueError, match=message):
        fn(*args)


# --- float32 kernels with list vectors: the vectors follow the kernel's dtype ---------------------------------------

def test_dual_predict_float32_kernel_with_list_vectors():
    """``f0 + K_cross α`` with a float32 ``K_cross`` stays float32 when ``alpha`` and ``f0`` are lists."""
    out = ntk.dual_predict([1.0, -1.0], t([[2.0, 1.0], [0.0, 3.0]], F32), [0.5, 0.0])
    assert out.dtype == F32 and out.tolist() == [1.5, -3.0]                   # exact small integers and halves


def test_dual_loss_float32_kernel_with_list_vectors():
    """E(α) = ‖Kα + f₀ − y‖²/(2s) with a float32 ``K`` and list vectors is a float32 scalar; by hand 0.25."""
    out = ntk.dual_loss([0.5, 0.0], t([[2.0, 0.0], [0.0, 1.0]], F32), [0.0, 0.0], [1.0, 1.0])
    assert out.dtype == F32 and float(out) == 0.25


def test_kernel_regression_float32_kernel_with_list_vectors():
    """One training point: h = f0c + k (y − f0)/K = 0.2 + 1·0.5/2 = 0.45, and float32 like ``K``."""
    out = ntk.kernel_regression(t([[2.0]], F32), t([[1.0]], F32), [1.0], [0.5], [0.2])
    assert out.dtype == F32 and out.tolist() == pytest.approx([0.45], abs=1e-6)


def test_functional_gradient_flow_float32_kernel_with_list_vectors():
    """K(y − f) with a float32 ``K`` and list ``y``, ``f`` is float32: (2, 1) for y − f = (1, 0)."""
    out = ntk.functional_gradient_flow(t([[2.0, 1.0], [1.0, 2.0]], F32), [1.0, 0.0], [0.0, 0.0])
    assert out.dtype == F32 and out.tolist() == [2.0, 1.0]


def test_linear_ode_solution_float32_kernel_with_list_vectors():
    """The diagonal kernel diag(1, 2) solved by hand, on the training and the test outputs, stays float32."""
    K = t([[1.0, 0.0], [0.0, 2.0]], F32)
    train = ntk.linear_ode_solution(K, [1.0, 1.0], [0.0, 0.0], 1.0)
    assert train.dtype == F32 and train.tolist() == pytest.approx([1 - math.exp(-1), 1 - math.exp(-2)], abs=1e-6)
    test = ntk.linear_ode_solution(K, [1.0, 1.0], [0.0, 0.0], 1.0, t([[1.0, 1.0]], F32), [0.5])
    want = 0.5 + (1 - math.exp(-1)) + (1 - math.exp(-2)) / 2
    assert test.dtype == F32 and test.tolist() == pytest.approx([want], abs=1e-6)


# --- linear_ode_solution: which eigenvalues count as zero --------------------------------------------------------

def test_linear_ode_solution_small_but_nonzero_kernel():
    """K = k = 1e-6 is small, not zero: f_t = f0 + (1 − e^{−Kt})(y − f0), here 1 − 1/e at t = 10⁶.

    The cut-off is relative (1e-12 of the largest eigenvalue), so a uniformly small kernel is solved exactly.
    """
    out = ntk.linear_ode_solution(t([[1e-6]]), t([1.0]), t([0.0]), 1e6, t([[1e-6]]), t([0.0]))
    assert out.tolist() == pytest.approx([1 - math.exp(-1)], rel=1e-9)


def test_linear_ode_solution_zero_kernel_grows_linearly():
    """K = 0: the residual never decays and f_t(x) = f0(x) + t k(x)ᵀ(y − f0) (the limit λ → 0 of (1 − e^{−λt})/λ)."""
    out = ntk.linear_ode_solution(t([[0.0]]), t([1.0]), t([0.0]), 2.0, t([[1.0]]), t([0.25]))
    assert out.tolist() == pytest.approx([2.25], rel=1e-12)
    assert ntk.linear_ode_solution(t([[0.0]]), t([1.0]), t([0.0]), 2.0).tolist() == [0.0]   # training outputs stay


# --- kernel_regression: K must be a kernel matrix -----------------------------------------------------------------

def test_kernel_regression_refuses_an_asymmetric_or_indefinite_K():
    """An asymmetric K used to be read through one triangle only; it is refused, as is an indefinite one."""
    with pytest.raises(ValueError, match=r"^K must be symmetric, got \[\[2\.0, 1\.0\], \[0\.0, 1\.0\]\]$"):
        ntk.kernel_regression(t([[2.0, 1.0], [0.0, 1.0]]), t([[1.0, 0.0]]), t([1.0, 0.0]), t([0.0, 0.0]), t([0.0]))
    indefinite = r"^K must be positive semi-definite, got \[\[1\.0, 2\.0\], \[2\.0, 1\.0\]\]$"
    with pytest.raises(ValueError, match=indefinite):
        ntk.kernel_regression(t([[1.0, 2.0], [2.0, 1.0]]), t([[1.0, 0.0]]), t([1.0, 0.0]), t([0.0, 0.0]), t([0.0]))


def test_kernel_regression_uses_the_symmetric_part_of_K():
    """A K asymmetric within rounding gives the same answer as its transpose, and as numpy's inverse of its symmetric
    part: near-singular, so reading one triangle only would move the answer by order one."""
    K = np.array([[1.0, 0.0], [1e-9, 2e-9]])
    y, f0 = np.array([1.0, 0.0]), np.zeros(2)
    want = np.linalg.inv((K + K.T) / 2) @ y
    for M in (K, K.T):
        out = ntk.kernel_regression(t(M.tolist()), t(np.eye(2).tolist()), t(y.tolist()), t(f0.tolist()),
                                    t([0.0, 0.0]))
        assert out.numpy() == pytest.approx(want, rel=1e-6)


# --- network arguments ---------------------------------------------------------------------------------------------

def test_list_theta_takes_the_dtype_of_float32_inputs():
    """A list ``theta`` becomes float32 like a float32 ``X``; ReLU value by hand: (2u − u)/√2 with u = 1/√2, i.e. 1/2."""
    out = ntk.two_layer(THETA.tolist(), t([[1.0, 1.0]], F32), activation="relu")
    assert out.dtype == F32 and out.tolist() == pytest.approx([0.5], abs=1e-6)


def test_theta_length_message_gives_d_plus_one():
    """With d = 2 the length must be a multiple of d + 1 = 3; the message says so and names X."""
    with pytest.raises(ValueError, match=r"^theta must have length m·\(d \+ 1\) = m·3 to match X, got length 4$"):
        ntk.two_layer(torch.ones(4, dtype=F64), t([[1.0, 1.0]]))


def test_empirical_ntk_theta_checked_against_X2_names_theta():
    """theta fits X1 (d = 2, 6 = 2·3) but not X2 (d = 4): the message names theta and X2."""
    with pytest.raises(ValueError, match=r"^theta must have length m·\(d \+ 1\) = m·5 to match X2, got length 6$"):
        ntk.empirical_ntk(THETA, t([[1.0, 1.0]]), t([[1.0, 0.0, 0.0, 0.0]]))


def test_param_gradient_flow_list_y_takes_the_dtype_of_float32_inputs():
    """Jᵀ(y − f) with float32 θ and X and a list y is float32; residual 1 times the ReLU gradient (by hand)."""
    flow = ntk.param_gradient_flow(THETA.float(), t([[1.0, 1.0]], F32), [1.5], activation="relu")
    assert flow.dtype == F32 and flow.tolist() == pytest.approx([1.0, 1.0, -0.5, -0.5, 0.5, 0.5], abs=1e-6)


def test_init_two_layer_smallest_sizes_and_bad_arguments():
    """m = d = 1 gives two parameters; a non-generator and an unknown device are refused naming the argument."""
    assert ntk.init_two_layer(1, 1, generator=torch.Generator().manual_seed(0)).shape == (2,)
    with pytest.raises(ValueError, match=r"^generator must be a torch.Generator or None, got 'seed'$"):
        ntk.init_two_layer(2, 2, generator="seed")
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nowhere'$"):
        ntk.init_two_layer(2, 2, device="nowhere")


def test_init_two_layer_puts_the_parameters_on_the_device():
    """The parameters land on the requested device (the shape-only ``meta`` device exists on every machine)."""
    theta = ntk.init_two_layer(2, 3, device="meta")
    assert theta.device.type == "meta" and theta.shape == (8,)


# --- vectors and kernels: dimensions and dtypes ------------------------------------------------------------------

def test_vector_arguments_must_be_one_dimensional():
    """A (1, s) row for ``y`` is refused for its number of dimensions, before its shape is compared with K."""
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 2\)$"):
        ntk.functional_gradient_flow(K2, [[1.0, 0.0]], [0.0, 0.0])


# --- relu_ntk_infinite ---------------------------------------------------------------------------------------------

def test_relu_ntk_infinite_X2_checks():
    """X2 must be a matrix without zero rows (named X2), and a list X2 takes the float32 dtype of X1."""
    X1 = t([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^X2 must have 2 dimension\(s\), got shape \(2,\)$"):
        ntk.relu_ntk_infinite(X1, [1.0, 0.0])
    with pytest.raises(ValueError, match=r"^X1 and X2 must not contain the zero vector"):
        ntk.relu_ntk_infinite(X1, [[1.0, 0.0], [0.0, 0.0]])
    k = ntk.relu_ntk_infinite(X1.float(), [[1.0, 0.0]])
    # x = x': ψ = 0, k = 1/(2π·2)·π + (1/2)·(1/2) = 1/2; orthogonal: ψ = π/2, k = 1/(4π)
    assert k.dtype == F32 and k[:, 0].tolist() == pytest.approx([0.5, 1 / (4 * math.pi)], abs=1e-6)


def test_relu_ntk_infinite_opposite_inputs_with_rounding_below_minus_one():
    """x and −x whose cosine rounds to −1 − 2⁻⁵² in float64: the clamp to [−1, 1] keeps ψ = π and k(x, −x) = 0."""
    x = [0.5684312772806678, -1.084522342424021, -1.3985953953708767]
    k = ntk.relu_ntk_infinite(t([x, [-c for c in x]]))
    assert torch.isfinite(k).all() and abs(float(k[0, 1])) < 1e-12
