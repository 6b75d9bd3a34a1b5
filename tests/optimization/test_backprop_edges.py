"""Edges of edl.optimization.backprop: defaults, activations against autograd, dtypes, nested-list weights, errors."""

import math

import pytest
import torch

from edl.optimization import backprop as bp

F64 = torch.float64
_W = [[[0.5, -0.2, 0.1], [0.3, 0.4, -0.5]], [[1.0, -1.0], [0.5, 0.25]]]  # nested lists, not tensors
_B = [[0.1, -0.1], [0.0, 0.2]]
_X = [1.0, 0.5, -1.0]


def _tensors(values):
    return [torch.tensor(t, dtype=F64) for t in values]


def _f(act):
    W, b = _tensors(_W), _tensors(_B)
    return lambda z: bp.mlp_forward(z, W, b, act)[1][-1]


# --- init_mlp ---------------------------------------------------------------------------------------

def test_init_mlp_defaults_are_gain_one_bias_scale_a_tenth_seed_zero():
    W, b = bp.init_mlp([3, 4, 2])
    W1, b1 = bp.init_mlp([3, 4, 2], gain=1.0, bias_scale=0.1, seed=0, dtype=F64, device=None)
    assert all(torch.equal(p, q) for p, q in zip(W + b, W1 + b1))
    W5, _ = bp.init_mlp([3, 4, 2], seed=5)
    assert not torch.equal(W5[0], W[0])


def test_init_mlp_scales_linearly_in_gain_and_bias_scale():
    """One draw scaled: gain and bias_scale multiply the weights and the biases, and zero gives zeros."""
    W1, b1 = bp.init_mlp([3, 4, 2], gain=1.0, bias_scale=1.0, seed=3)
    W2, b2 = bp.init_mlp([3, 4, 2], gain=2.5, bias_scale=0.0, seed=3)
    for w1, w2 in zip(W1, W2):
        torch.testing.assert_close(w2, 2.5 * w1, rtol=1e-15, atol=0)
    assert all(float(c.abs().max()) == 0.0 for c in b2) and all(float(c.abs().max()) > 0 for c in b1)
    W0, _ = bp.init_mlp([3, 4, 2], gain=0.0, seed=3)
    assert all(float(w.abs().max()) == 0.0 for w in W0)


def test_init_mlp_variances_are_gain_squared_over_fan_in():
    """Sample variances of 600 000 weights and 1 500 biases against g²/n_in and s² (seeded, 3% and 10%)."""
    W, b = bp.init_mlp([400, 1500], gain=2.0, bias_scale=0.5, seed=1)
    assert float(W[0].var()) == pytest.approx(4.0 / 400, rel=0.03)
    assert float(b[0].var()) == pytest.approx(0.25, rel=0.1)
    assert abs(float(W[0].mean())) < 0.01 * math.sqrt(4.0 / 400)


# --- activations ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kappa", [("tanh", 1.0), ("sigmoid", 0.25), ("relu", 1.0)])
def test_named_activations_carry_their_name_and_derivative(name, kappa):
    act = bp.activation(name)
    assert (act.name, act.kappa, act.kappa_inf) == (name, kappa, 0.0)
    z = torch.linspace(-4, 4, 41, dtype=F64)[torch.linspace(-4, 4, 41, dtype=F64) != 0].requires_grad_(True)
    (grad,) = torch.autograd.grad(act.phi(z).sum(), z)
    torch.testing.assert_close(act.dphi(z.detach()), grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("slope", [-2.0, 0.0, 0.5])
def test_linear_activation_has_slope_and_bounds_abs_slope(slope):
    act = bp.activation("linear", slope)
    z = torch.tensor([-1.0, 0.0, 3.0], dtype=F64)
    assert act.name == f"linear({slope:g})"
    assert act.phi(z).tolist() == (slope * z).tolist() and act.dphi(z).tolist() == [slope] * 3
    assert (act.kappa, act.kappa_inf) == (abs(slope), abs(slope))


def test_activation_passes_an_activation_through_and_accepts_a_zero_bound():
    act = bp.Activation("flat", torch.zeros_like, torch.zeros_like, 0.0, 0.0)
    assert bp.activation(act) is act


def test_activation_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"^name must be 'tanh', 'sigmoid', 'relu' or 'linear', got 'swish'$"):
        bp.activation("swish")
    with pytest.raises(ValueError, match=r"^kappa_inf must not exceed kappa = 1\.0, got 2\.0$"):
        bp.Activation("a", torch.tanh, torch.cos, 1.0, 2.0)
    with pytest.raises(ValueError, match=r"^name must be a string, got 3$"):
        bp.Activation(3, torch.tanh, torch.cos, 1.0, 0.0)


# --- forward, backward, jvp and vjp with a non-default activation and with nested-list weights -----

def test_sigmoid_jvp_vjp_and_xi_gradients_match_torch_func():
    x, u = torch.tensor(_X, dtype=F64), torch.tensor([0.3, -1.0, 2.0], dtype=F64)
    vec = torch.tensor([1.0, -0.5], dtype=F64)
    W, b = _tensors(_W), _tensors(_B)
    f = _f("sigmoid")
    torch.testing.assert_close(bp.mlp_jvp(x, u, W, b, "sigmoid"), torch.func.jvp(f, (x,), (u,))[1], rtol=1e-12, atol=0)
    torch.testing.assert_close(bp.mlp_vjp(x, vec, W, b, "sigmoid"), torch.func.vjp(f, x)[1](vec)[0], rtol=1e-12, atol=0)
    Wr = [w.clone().requires_grad_(True) for w in W]
    br = [c.clone().requires_grad_(True) for c in b]
    auto = torch.autograd.grad((bp.mlp_forward(x, Wr, br, "sigmoid")[1][-1] ** 2).sum(), Wr + br)
    gW, gb = bp.xi_parameter_gradients(x, W, b, lambda z: 2 * z, "sigmoid")
    for ours, ref in zip(gW + gb, auto):
        torch.testing.assert_close(ours, ref, rtol=1e-12, atol=1e-15)


def test_nested_list_weights_give_the_same_results_as_tensors():
    """Weights and biases given as nested lists (as mlp_forward accepts) work in every function that takes them."""
    x, y = torch.tensor(_X, dtype=F64), torch.tensor([0.5, -0.5], dtype=F64)
    W, b = _tensors(_W), _tensors(_B)
    pairs = [
        (bp.backprop(x, y, _W, _B)[0], bp.backprop(x, y, W, b)[0]),
        (bp.layer_jacobians(x, _W, _B), bp.layer_jacobians(x, W, b)),
        ([bp.mlp_jvp(x, [1.0, 0.0, 0.0], _W, _B)], [bp.mlp_jvp(x, [1.0, 0.0, 0.0], W, b)]),
        ([bp.mlp_vjp(x, [0.0, 1.0], _W, _B)], [bp.mlp_vjp(x, [0.0, 1.0], W, b)]),
        (bp.xi_parameter_gradients(x, _W, _B, torch.ones_like)[0],
         bp.xi_parameter_gradients(x, W, b, torch.ones_like)[0]),
    ]
    for ours, ref in pairs:
        assert len(ours) == len(ref) and all(torch.equal(p, q) for p, q in zip(ours, ref))


def test_a_list_target_takes_the_float32_of_the_network():
    W, b = bp.init_mlp([3, 4, 2], dtype=torch.float32)
    gW, gb, deltas = bp.backprop(torch.ones(3), [0.0, 1.0], W, b)
    assert {t.dtype for t in gW + gb + deltas} == {torch.float32}
    assert bp.gradient_squared_error(torch.tensor([1.0, 3.0]), [0.5, 1.0]).dtype == torch.float32
    assert bp.gradient_squared_error(torch.tensor([1.0, 3.0]), [0.5, 1.0]).tolist() == [1.0, 4.0]


@pytest.mark.parametrize("call", [
    lambda X: bp.layer_jacobians(X, _W, _B),
    lambda X: bp.mlp_jvp(X, [1.0, 0.0, 0.0], _W, _B),
    lambda X: bp.mlp_vjp(X, [1.0, 0.0], _W, _B),
    lambda X: bp.xi_parameter_gradients(X, _W, _B, torch.ones_like),
], ids=["layer_jacobians", "mlp_jvp", "mlp_vjp", "xi_parameter_gradients"])
def test_functions_of_one_input_refuse_a_batch_naming_x(call):
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(2, 3\)$"):
        call([_X, _X])


def test_empty_weight_matrix_is_refused_naming_its_index():
    with pytest.raises(ValueError, match=r"^jacobians\[1\] must not be empty, got shape \(0, 2\)$"):
        bp.chain_jacobian([torch.ones(2, 2), torch.ones(0, 2)])


# --- gradient regimes and bounds --------------------------------------------------------------------

def test_gradient_regime_uses_the_spectral_norm_and_tanh_by_default():
    """0.9·I has spectral norm 0.9 < 1 (vanishing under tanh) but Frobenius norm 0.9·√3 > 1."""
    W = [0.9 * torch.eye(3, dtype=F64)]
    assert bp.gradient_regime(W) == bp.gradient_regime(W, "tanh") == "vanishing"
    assert bp.gradient_regime([1.2 * torch.eye(3, dtype=F64)]) == "undetermined"  # tanh: κ_inf = 0


def test_rnn_gradient_bound_at_zero_steps_and_zero_factors():
    """(κσ₁)^t: t = 0 gives 1 and a zero κ or σ₁ gives 0 for t > 0, all accepted."""
    assert float(bp.rnn_gradient_bound(0.5, 0.5, 0)) == 1.0
    assert float(bp.rnn_gradient_bound(0.0, 0.5, 3)) == 0.0 == float(bp.rnn_gradient_bound(1.0, 0.0, 3))
    assert bp.rnn_gradient_bound(0.5, 2.0, torch.tensor([0.0, 1.0, 2.0])).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"^t must be non-negative"):
        bp.rnn_gradient_bound(1.0, 0.5, -1.0)


def test_relu_derivative_at_zero_is_zero():
    """The convention H(0) = 0, in the Jacobian and in the activation's derivative (as torch's relu backward)."""
    assert bp.jacobian_relu([0.0, -0.0, 2.0]).diagonal().tolist() == [0.0, 0.0, 1.0]
    z = torch.zeros(2, dtype=F64, requires_grad=True)
    (grad,) = torch.autograd.grad(torch.relu(z).sum(), z)
    assert bp.activation("relu").dphi(z.detach()).tolist() == grad.tolist() == [0.0, 0.0]


# --- bounds and regimes on chosen singular values ----------------------------------------------------

def test_norm_bounds_are_products_of_extreme_singular_values():
    """Linear φ(z) = z (κ = κ_inf = 1): lower = Π σ_min, upper = Π σ_max; a non-square layer makes the lower bound 0;
    tanh (κ_inf = 0) makes it 0 as well."""
    W = [torch.diag(torch.tensor([3.0, 1.0, 2.0], dtype=F64)), torch.diag(torch.tensor([0.5, 2.0, 1.0], dtype=F64))]
    assert bp.jacobian_norm_bounds(W, bp.activation("linear")).tolist() == [0.5, 6.0]
    assert bp.jacobian_norm_bounds(W, "tanh").tolist() == [0.0, 6.0]
    wide = [torch.tensor([[2.0, 0.0, 0.0], [0.0, 3.0, 0.0]], dtype=F64)]
    assert bp.jacobian_norm_bounds(wide, bp.activation("linear")).tolist() == pytest.approx([0.0, 3.0], rel=1e-14)


def test_gradient_regime_boundaries_and_smallest_singular_value():
    lin = bp.activation("linear")
    eye = torch.eye(3, dtype=F64)
    assert bp.gradient_regime([eye], "tanh") == "undetermined"  # κ‖W‖ = 1 is not < 1
    assert bp.gradient_regime([eye], lin) == "undetermined"  # κ_inf σ_min = 1 is not > 1
    assert bp.gradient_regime([torch.diag(torch.tensor([3.0, 2.0, 0.5], dtype=F64))], lin) == "undetermined"
    assert bp.gradient_regime([torch.diag(torch.tensor([3.0, 2.0, 1.5], dtype=F64))], lin) == "exploding"
    assert bp.gradient_regime([torch.tensor([[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]], dtype=F64)], lin) == "undetermined"


# --- shapes, messages and dtypes ---------------------------------------------------------------------

def test_layer_shape_errors_name_the_layer():
    with pytest.raises(ValueError,
                       match=r"^weights\[1\] must have 3 columns, the rows of weights\[0\], got shape \(2, 4\)$"):
        bp.mlp_forward([1.0, 2.0], [torch.ones(3, 2, dtype=F64), torch.ones(2, 4, dtype=F64)],
                       [torch.zeros(3, dtype=F64), torch.zeros(2, dtype=F64)])
    with pytest.raises(ValueError,
                       match=r"^biases\[1\] must have shape \(2,\) to match weights\[1\], got shape \(3,\)$"):
        bp.mlp_forward([1.0, 2.0], [torch.ones(3, 2, dtype=F64), torch.ones(2, 3, dtype=F64)],
                       [torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64)])
    with pytest.raises(ValueError,
                       match=r"^jacobians\[1\] must have 2 rows to match jacobians\[2\], got shape \(3, 2\)$"):
        bp.xi_recursion([1.0], [torch.ones(2, 2), torch.ones(3, 2), torch.ones(1, 2)])
    with pytest.raises(ValueError, match=r"^y and the network output must have the same shape, got \(3,\) and \(2,\)$"):
        bp.backprop([1.0, 2.0, 3.0], [0.0, 0.0, 0.0], *bp.init_mlp([3, 2]))
    with pytest.raises(ValueError, match=r"^widths must list at least an input and an output width, got \[3\]$"):
        bp.init_mlp([3])
    with pytest.raises(ValueError, match=r"^dtype must be a floating dtype, got torch\.int64$"):
        bp.init_mlp([3, 2], dtype=torch.int64)


def test_jacobians_of_a_scalar_function_are_its_gradient():
    """f(z) = ‖z‖²: forward mode stacks N scalars into the gradient 2z; reverse mode gives one row."""
    x = [1.0, -2.0, 0.5]
    J, passes = bp.jacobian_forward_mode(lambda z: (z**2).sum(), x)
    assert J.tolist() == [2.0, -4.0, 1.0] and passes == 3
    J, passes = bp.jacobian_reverse_mode(lambda z: (z**2).sum(), x)
    assert J.tolist() == [[2.0, -4.0, 1.0]] and passes == 1


def test_clip_by_norm_edges():
    """A norm below 1 but above θ is still clipped; a zero row stays zero; a per-row threshold list keeps float32."""
    assert bp.clip_by_norm([0.3, 0.4], 0.25).tolist() == pytest.approx([0.15, 0.2], rel=1e-15)
    assert bp.clip_by_norm([[0.0, 0.0], [3.0, 4.0]], 10.0).tolist() == [[0.0, 0.0], [3.0, 4.0]]
    out = bp.clip_by_norm(torch.tensor([[3.0, 4.0], [6.0, 8.0]]), [[1.0], [20.0]])
    assert out.dtype == torch.float32 and out.flatten().tolist() == pytest.approx([0.6, 0.8, 6.0, 8.0], rel=1e-6)


def test_jvp_and_vjp_read_list_vectors_in_the_network_dtype():
    W, b = bp.init_mlp([3, 2], dtype=torch.float32)
    assert bp.mlp_jvp(torch.ones(3), [1.0, 0.0, 0.0], W, b).dtype == torch.float32
    assert bp.mlp_vjp(torch.ones(3), [0.0, 1.0], W, b).dtype == torch.float32
    with pytest.raises(ValueError, match=r"^vec must have 2 entries per cotangent, got shape \(3,\)$"):
        bp.mlp_vjp(torch.ones(3), [1.0, 0.0, 0.0], W, b)
    with pytest.raises(ValueError, match=r"^u must have 3 entries per tangent, got shape \(2,\)$"):
        bp.mlp_jvp(torch.ones(3), [1.0, 0.0], W, b)


def test_init_mlp_names_a_bad_device():
    with pytest.raises(ValueError, match=r"^device must name an available torch device"):
        bp.init_mlp([2, 1], device="no-such-device")
