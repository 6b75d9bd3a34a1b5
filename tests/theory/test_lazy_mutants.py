"""Tests of edl.theory.lazy that kill surviving mutants: argument checks named in their messages, dtypes taken from
float32 inputs by list arguments, defaults and smallest sizes, zero and uniformly small kernels, the ReLU derivative
at zero and the mean over seeds of the experiments."""

import math

import pytest
import torch

from edl.theory import lazy, ntk

F32, F64 = torch.float32, torch.float64


def test_kernel_gradient_x_must_be_one_input():
    """A batch of inputs (1, d) for ``x`` is refused as ``x`` with its shape, not later as a shape mismatch."""
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lazy.kernel_gradient(torch.ones(6, dtype=F64), torch.ones(1, 2, dtype=F64), torch.ones(2, dtype=F64))


def test_kernel_gradient_z_must_be_one_input():
    """A batch of inputs (1, d) for ``z`` is refused as ``z`` with its shape."""
    with pytest.raises(ValueError, match=r"^z must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lazy.kernel_gradient(torch.ones(6, dtype=F64), torch.ones(2, dtype=F64), torch.ones(1, 2, dtype=F64))


def test_kernel_gradient_theta_length_message_names_x():
    """``theta`` of a length that is no multiple of d + 1 is refused against ``x`` (lower case, the argument's name)."""
    with pytest.raises(ValueError, match=r"^theta must have length m·\(d \+ 1\) = m·3 to match x, got length 2$"):
        lazy.kernel_gradient(torch.ones(2, dtype=F64), torch.ones(2, dtype=F64), torch.ones(2, dtype=F64))


def test_kernel_gradient_list_z_takes_the_dtype_of_x():
    """With float32 ``theta`` and ``x`` a list ``z`` becomes float32: the result is float32 and matches float64,
    which is symmetric in (x, z) and equals the finite-difference gradient of k(x, z) in float64."""
    theta = ntk.init_two_layer(3, 2, generator=torch.Generator().manual_seed(4))
    x, z = [1.0, 0.5], [-0.3, 0.8]
    g32 = lazy.kernel_gradient(theta.float(), torch.tensor(x, dtype=F32), z)
    g64 = lazy.kernel_gradient(theta, torch.tensor(x, dtype=F64), torch.tensor(z, dtype=F64))
    assert g32.dtype == F32 and torch.allclose(g32.double(), g64, atol=1e-5)
    X, Z = torch.tensor([x], dtype=F64), torch.tensor([z], dtype=F64)
    h = 1e-6
    fd = torch.stack([(ntk.empirical_ntk(theta + h * e, X, Z) - ntk.empirical_ntk(theta - h * e, X, Z))[0, 0] / (2 * h)
                      for e in torch.eye(theta.shape[0], dtype=F64)])
    assert torch.allclose(g64, fd, atol=1e-7)


# --- kernel_data ---------------------------------------------------------------------------------------------------

def test_kernel_data_defaults_and_smallest_sizes():
    """Defaults n = 20, d = 5 (rows of norm √5); n = d = 1 is allowed: x = ±1 and y = sin x."""
    X, y = lazy.kernel_data()
    assert X.shape == (20, 5) and X.norm(dim=1).tolist() == pytest.approx([5 ** 0.5] * 20)
    X1, y1 = lazy.kernel_data(1, 1)
    assert abs(float(X1)) == pytest.approx(1.0) and float(y1) == pytest.approx(math.sin(float(X1)))


# --- train_gd ------------------------------------------------------------------------------------------------------

def test_train_gd_y_checks():
    """y must be one-dimensional (named, before its length is compared), and a list y takes X's float32 dtype."""
    theta = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=F64)
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(1, 1\)$"):
        lazy.train_gd(theta, torch.ones(1, 2, dtype=F64), [[1.0]], lr=0.1, steps=1)
    X = torch.tensor([[1.0, 1.0], [0.5, -2.0]])
    step32 = lazy.train_gd(theta.float(), X, [1.0, -1.0], lr=0.1, steps=1, activation="relu")
    step64 = lazy.train_gd(theta, X.double(), torch.tensor([1.0, -1.0], dtype=F64), lr=0.1, steps=1, activation="relu")
    assert step32.dtype == F32 and torch.allclose(step32.double(), step64, atol=1e-6)


def test_train_gd_relu_derivative_is_zero_at_zero():
    """A ReLU neuron exactly at 0 gets derivative 0, as torch's autograd gives: one step equals θ + η·Jᵀ(y − f)."""
    theta = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=F64)   # w₂ = (0, 1) ⟂ x: pre-activation exactly 0
    X, y = torch.tensor([[1.0, 0.0]], dtype=F64), torch.tensor([0.0], dtype=F64)    # residual f − y = 1
    step = lazy.train_gd(theta, X, y, lr=0.1, steps=1, activation="relu")
    flow = ntk.param_gradient_flow(theta, X, y, activation="relu")
    assert torch.allclose(step, theta + 0.1 * flow, atol=1e-14)
    assert step[2:4].tolist() == [0.0, 1.0]                                    # the neuron at 0 did not move


# --- linearized_gd_prediction --------------------------------------------------------------------------------------

def _lgd(K, Kc, y, f0, f0c, lr=0.25, steps=2):
    return lazy.linearized_gd_prediction(K, Kc, y, f0, f0c, lr=lr, steps=steps)


K2 = [[2.0, 0.5], [0.5, 1.0]]
LGD_ERRORS = [
    (([[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0]], [1.0, 0.0], [0.0, 0.0], [0.0]),
     r"^K must be positive semi-definite, got \[\[1\.0, 2\.0\], \[2\.0, 1\.0\]\]$"),
    ((K2, [[1.0, 0.5, 0.0]], [1.0, 0.0], [0.0, 0.0], [0.2]),
     r"^K_cross must have shape \(any, 2\) to match K, got shape \(1, 3\)$"),
    ((K2, [[1.0, 0.5]], [1.0], [0.0, 0.0], [0.2]), r"^y must have shape \(2,\) to match K, got shape \(1,\)$"),
    ((K2, [[1.0, 0.5]], [1.0, 0.0], [0.0], [0.2]), r"^f0 must have shape \(2,\) to match K, got shape \(1,\)$"),
    ((K2, [[1.0, 0.5]], [1.0, 0.0], [0.0, 0.0], [0.2, 0.1]),
     r"^f0_cross must have shape \(1,\) to match K_cross, got shape \(2,\)$"),
]


@pytest.mark.parametrize("args, message", LGD_ERRORS, ids=["K", "K_cross", "y", "f0", "f0_cross"])
def test_linearized_gd_prediction_messages(args, message):
    """Each bad argument is refused naming itself and the argument its expected shape comes from."""
    with pytest.raises(ValueError, match=message):
        _lgd(*args)


def test_linearized_gd_prediction_float32_kernel_with_list_vectors():
    """One point, K = k = 2, η = 1/4, two steps: f = (1 − (1 − ηK)²)·k/K·(y − f0) = 3/8, float32 like K."""
    out = _lgd(torch.tensor([[2.0]]), torch.tensor([[1.0]]), [1.0], [0.0], [0.0])
    assert out.dtype == F32 and out.tolist() == pytest.approx([0.375], abs=1e-6)


def test_linearized_gd_prediction_zero_and_small_kernels():
    """K = 0: the prediction grows like η·t·k(y − f0) = 1.5; K = k = 1e-7 with η = 1e6 (ηK = 0.1) is no zero:
    two steps of f ← f + ηK(y − f) from 0 give 1 − 0.9² = 0.19 on the training point."""
    zero = _lgd(torch.tensor([[0.0]], dtype=F64), torch.tensor([[1.0]], dtype=F64), [1.0], [0.0], [0.0],
                lr=0.5, steps=3)
    assert zero.tolist() == pytest.approx([1.5], rel=1e-12)
    K = torch.tensor([[1e-7]], dtype=F64)
    assert _lgd(K, K, [1.0], [0.0], [0.0], lr=1e6, steps=2).tolist() == pytest.approx([0.19], rel=1e-9)


# --- relative_curvature, relative_kernel_change ------------------------------------------------------------------

def test_relative_curvature_x_must_be_one_input():
    """A batch (1, d) for ``x`` is refused as x with one dimension expected."""
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 2\)$"):
        lazy.relative_curvature(torch.ones(6, dtype=F64), torch.ones(1, 2, dtype=F64))


def test_relative_kernel_change_rectangular_and_dtype():
    """Cross kernels (n1, n2) are allowed: ‖(0, 1)‖/‖(3, 4)‖ = 1/5; a list K1 takes the float32 dtype of K0;
    the zero matrix is refused with the exact message."""
    out = lazy.relative_kernel_change(torch.tensor([[3.0, 4.0]]), [[3.0, 5.0]])
    assert out.dtype == F32 and float(out) == pytest.approx(0.2, rel=1e-6)
    assert float(lazy.relative_kernel_change([[3.0, 4.0]], [[3.0, 5.0]])) == pytest.approx(0.2, rel=1e-12)
    with pytest.raises(ValueError, match=r"^K0 must not be the zero matrix$"):
        lazy.relative_kernel_change([[0.0, 0.0]], [[1.0, 0.0]])


# --- experiments ---------------------------------------------------------------------------------------------------

def test_kernel_change_experiment_default_n_and_width_one():
    """Default n = 20 (explicit 20 agrees, 21 differs); width 1 is allowed and the result is float64."""
    default = lazy.kernel_change_experiment([2], seeds=1, T=0.1)
    assert torch.equal(default, lazy.kernel_change_experiment([2], seeds=1, T=0.1, n=20))
    assert not torch.allclose(default, lazy.kernel_change_experiment([2], seeds=1, T=0.1, n=21))
    one = lazy.kernel_change_experiment([1], seeds=1, n=2, d=2, T=0.1)
    assert one.dtype == F64 and one.shape == (1,) and torch.isfinite(one).all()


def test_constancy_experiment_smallest_sizes_and_mean_over_seeds():
    """Width 1, n = n_test = 1 run and give float64; with two seeds the value is the mean of both gaps (pinned
    like test_experiments_pinned: seed 0 alone gives 0.0025208, the mean with seed 1 0.0270365)."""
    small = lazy.constancy_experiment([1], n=1, n_test=1, d=2, T=0.1)
    assert small.dtype == F64 and small.shape == (1,) and torch.isfinite(small).all()
    kw = dict(n=4, n_test=2, d=2, T=1.0)
    assert lazy.constancy_experiment([8], seeds=1, **kw).tolist() == pytest.approx([0.0025208], abs=1e-6)
    assert lazy.constancy_experiment([8], seeds=2, **kw).tolist() == pytest.approx([0.0270365], abs=1e-6)


def test_infinite_width_error_default_seeds_and_smallest_sizes():
    """Default seeds = 5 (explicit 5 agrees, 6 differs); width 1, n = d = 1 run and give float64."""
    default = lazy.infinite_width_error([4], n=2, d=2)
    assert torch.equal(default, lazy.infinite_width_error([4], seeds=5, n=2, d=2))
    assert not torch.allclose(default, lazy.infinite_width_error([4], seeds=6, n=2, d=2))
    one = lazy.infinite_width_error([1], seeds=1, n=1, d=1)
    assert one.dtype == F64 and one.shape == (1,) and torch.isfinite(one).all()
